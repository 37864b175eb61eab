"""The reader frame's printed and HTML forms render every column type without raising.

(Byte-for-byte parity with the real client is tests/interop/test_catalog_display.py.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from datafusion import SessionContext, col, dataframe_formatter, lit

from rerun.catalog import CatalogClient
from rerun.catalog._df_format import RerunFormatter, install_formatter
from rerun.catalog._display import to_html, to_text
from rerun_core.server.catalog import CatalogServer

from .catalog_data import make_dataset_dir

TABLE = pa.table(
    {
        "rerun_segment_id": pa.array(["seg0", "seg1"], pa.string()),
        "log_time": pa.array([dt.datetime(2024, 1, 2, 3, 4, 5), None], pa.timestamp("ns")),
        "elapsed": pa.array([1_500_000_000, None], pa.duration("ns")),
        "frame": pa.array([1, 2], pa.int64()),
        "/p:Points3D:positions": pa.array([[[1.0, 2.0, 3.0]], None], pa.list_(pa.list_(pa.float32(), 3))),
        "/s:S:struct": pa.array(
            [{"a": 1, "b": "x"}, None], pa.struct([("a", pa.int32()), ("b", pa.string())])
        ),
        "/b:Blob:blob": pa.array([[b"\x00\x01<"], None], pa.list_(pa.binary())),
        "/t:TextLog:text": pa.array([["<b>bold</b>"], None], pa.list_(pa.string())),
    }
)


def test_html_renders_every_column_type() -> None:
    out = to_html(TABLE)
    assert out.count("</th>") == TABLE.num_columns
    assert "2024-01-02T03:04:05" in out  # arrow-rs timestamp text
    assert "PT1.5S" in out  # arrow-rs ISO 8601 duration
    assert "[[1.0, 2.0, 3.0]]" in out
    assert "{a: 1, b: x}" in out
    assert "[00013c]" in out  # blob bytes as hex
    assert out.count(">null<") == TABLE.num_columns - 2
    assert "Timestamp(ns)" in out and "List(FixedSizeList(3 x Float32))" in out


def test_html_escapes_names_and_values() -> None:
    out = to_html(TABLE)
    assert "<b>bold</b>" not in out and "[&lt;b&gt;bold&lt;/b&gt;]" in out
    assert "<tbody>" in out and out.count("<tr>") == 1 + TABLE.num_rows


def test_text_has_header_types_and_rows() -> None:
    out = to_text(TABLE)
    lines = out.splitlines()
    assert lines[0].startswith("┌") and lines[-1].startswith("└")
    assert "type: Timestamp(ns)" in out and "type: Duration(ns)" in out and "seg1" in out
    assert "┆" in lines[1] and any(line.startswith("├╌") for line in lines)


def test_text_frames_schema_metadata_and_shortens_column_metadata() -> None:
    field = pa.field("x", pa.int64(), metadata={"rerun:archetype": "rerun.archetypes.Points3D"})
    table = pa.table({"x": [1]}, schema=pa.schema([field], metadata={"sorbet:version": "0.1.4"}))
    lines = to_text(table).splitlines()
    assert lines[1].startswith("│ METADATA:") and lines[2].startswith("│ * version: 0.1.4")
    assert any("archetype: Points3D" in line for line in lines)


def test_long_tables_are_cut_with_a_note() -> None:
    out = to_text(pa.table({"n": list(range(50))}), limit=20)
    assert out.endswith("\nData truncated due to size.") and "│ 19 " in out and "│ 20 " not in out


def test_formatter_is_datafusions_global_one() -> None:
    before = dataframe_formatter.get_formatter()
    try:
        install_formatter()
        assert isinstance(dataframe_formatter.get_formatter(), RerunFormatter)
        df = SessionContext().from_pydict({"a": [1, 2]})
        assert "type: Int64" in repr(df) and "rerun-table" in df._repr_html_()
    finally:
        dataframe_formatter.set_formatter(before)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CatalogClient]:
    srv = CatalogServer(port=0)
    srv.load_dataset("ds", make_dataset_dir(tmp_path_factory.mktemp("display") / "ds"))
    srv.start()
    yield CatalogClient(srv.url)
    srv.stop()


def test_reader_frame_prints_rerun_box(client: CatalogClient) -> None:
    df = client.get_dataset("ds").reader(index="frame")
    text = repr(df)
    assert text == str(df)
    assert "type: List(FixedSizeList(3 x non-null Float32))" in text and "archetype: Points3D" in text
    html = df._repr_html_()
    assert "class='rerun-table'" in html and "<strong>frame</strong>" in html


def test_empty_reader_frame_says_so(client: CatalogClient) -> None:
    df = client.get_dataset("ds").reader(index="frame").filter(col("frame") > lit(100))
    assert repr(df) == "No data to display" and df._repr_html_() == "No data to display"


def test_to_pandas_keeps_timestamps_and_lists(client: CatalogClient, tmp_path: Path) -> None:
    """The catalog extra brings pandas: a reader with a timestamp and a list column converts."""
    df = (
        client.get_dataset("ds")
        .reader(index="frame")
        .select("rerun_segment_id", "frame", '"/points:Points3D:positions"')
    )
    df = df.with_column("when", lit(pa.scalar(1_700_000_000_000_000_000, pa.timestamp("ns"))))
    pdf = df.to_pandas()
    assert str(pdf["when"].dtype) == "datetime64[ns]"
    assert pdf["when"].iloc[0].year == 2023
    first = pdf.sort_values(["rerun_segment_id", "frame"])["/points:Points3D:positions"].iloc[0]
    assert [list(p) for p in first] == [[0.0, 0.0, 0.0]]
