"""The reader frame's printed and HTML forms render every column type without raising."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from rerun.catalog._display import to_html, to_text

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
    }
)


def test_html_renders_every_column_type() -> None:
    out = to_html(TABLE)
    assert out.count("<th ") == TABLE.num_columns
    assert "2024-01-02 03:04:05" in out
    assert "0 days 00:00:01.5" in out or "1.5" in out
    assert "[[1.0, 2.0, 3.0]]" in out
    assert "{a: 1, b: x}" in out
    assert "00013c" in out  # blob bytes as hex, escaped
    assert out.count("null") == 5


def test_text_has_header_types_and_rows() -> None:
    out = to_text(TABLE)
    lines = out.splitlines()
    assert lines[0].startswith("┌") and lines[-1].startswith("└")
    assert "type: timestamp[ns]" in out and "seg1" in out
