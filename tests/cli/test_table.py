"""Text formatting of ``rerun rrd print -vv/-vvv`` tables (types, values, boxes)."""

from __future__ import annotations

import pyarrow as pa

from rerun.cli.common import format_bytes, format_uint, parse_size
from rerun.cli.table import (
    format_column,
    format_duration,
    format_type,
    render_boxed,
    render_table,
    short_name,
    truncate,
)


def test_arrow_types_print_like_arrow_rs() -> None:
    points = pa.list_(pa.list_(pa.field("item", pa.float32(), nullable=False), 3))
    assert format_type(points) == "List(FixedSizeList(3 x non-null Float32))"
    assert format_type(pa.binary(16), nullable=False) == "non-null FixedSizeBinary(16)"
    assert format_type(pa.timestamp("ns")) == "Timestamp(ns)"
    assert format_type(pa.duration("ns")) == "Duration(ns)"
    assert format_type(pa.list_(pa.string())) == "List(Utf8)"
    assert format_type(pa.list_(pa.uint32())) == "List(UInt32)"


def test_index_and_value_cells() -> None:
    assert format_column(pa.array([0, 100_000_000, 1_000_000_000], pa.duration("ns"))) == [
        "P0D",
        "PT0.1S",
        "PT1S",
    ]
    assert format_column(pa.array([1_795_236_960_097_306_781], pa.timestamp("ns"))) == [
        "2026-11-21T04:56:00.097306781"
    ]
    floats = pa.array([[0.1, 2.5]], pa.list_(pa.float32()))
    assert format_column(floats) == ["[0.1, 2.5]"]
    assert format_column(pa.array([["hello"], None], pa.list_(pa.string()))) == ["[hello]", ""]
    assert format_duration(-1_500_000_000) == "-PT1.5S"


def test_long_cells_are_cut_with_an_ellipsis() -> None:
    cut = truncate("x" * 500)
    assert len(cut) == 100 and cut.endswith("…")


def test_boxes_line_up() -> None:
    table = render_table([["a", "---", "type: Int64"], ["bb", "---"]], [["1", "22"], ["333", ""]])
    boxed = render_boxed(["METADATA:", "* id: x"], table).splitlines()
    assert len({len(line) for line in boxed}) == 1, boxed
    assert boxed[0].startswith("┌") and boxed[-1].startswith("└")
    assert any("┆" in line for line in boxed)


def test_numbers_and_names() -> None:
    assert format_bytes(903) == "903 B"
    assert format_bytes(1434) == "1.4 KiB"
    assert format_bytes(2 * 1024 * 1024) == "2.0 MiB"
    assert format_uint(65536) == "65 536"
    assert parse_size("2MiB") == 2 * 1024 * 1024
    assert parse_size("1GB") == 10**9
    assert parse_size("1024") == 1024
    assert short_name("rerun.archetypes.Points3D") == "Points3D"
    assert short_name("Points3D:positions") == "Points3D:positions"
