"""``rerun.experimental.ParquetReader`` against the real 0.41 reader over Parquet files written here."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from reader_interop import compare_streams

from rerun.chunk import IndexColumn
from rerun.experimental import ParquetReader


def _write(path: Path) -> Path:
    table = pa.table(
        {
            "frame_index": pa.array([0, 1, 2, 3], pa.int64()),
            "pos_x": pa.array([1.0, 2.0, None, 4.0], pa.float32()),
            "pos_y": [4.0, 5.0, 6.0, 7.0],
            "pos_z": [0.5, 0.5, 0.5, 0.5],
            "label": ["a", "b", "c", None],
            "ts": [1000, 2000, 3000, 4000],
            "robot": ["r2", "r2", "r2", "r2"],
            "stamp": pa.array([3, 1, 2, 1], pa.timestamp("ms")),  # unsorted, with a tie
            "flag": [True, False, None, True],
            "vec": pa.array([[1.0, 2.0], [3.0], None, []], pa.list_(pa.float64())),
        }
    )
    pq.write_table(table, path, row_group_size=3)
    return path


CASES = [
    "",
    "column_grouping='individual'",
    "use_structs=False, entity_path_prefix='/world'",
    "index_columns=[IndexColumn.timestamp('ts', input_unit='us'), IndexColumn.sequence('frame_index')], static_columns=['robot']",
    "index_columns=[IndexColumn.duration('ts', input_unit='ms')]",
    "column_grouping='explicit_prefixes', prefixes=['pos_', 'fr']",
    "delimiter='x'",
    # rows sorted by the index columns in name order; an Arrow timestamp's raw numbers take input_unit
    "index_columns=[IndexColumn.timestamp('stamp', input_unit='us'), IndexColumn.sequence('frame_index')]",
    "index_columns=[IndexColumn.sequence('frame_index'), IndexColumn.duration('stamp', input_unit='s')]",
]


@pytest.mark.interop
@pytest.mark.parametrize("options", CASES)
def test_stream_matches_real_reader(oracle, tmp_path: Path, options: str) -> None:
    path = _write(tmp_path / "data.parquet")
    compare_streams(oracle, tmp_path, f"ParquetReader({str(path)!r}).stream({options})")


def test_prefix_grouping_packs_structs(tmp_path: Path) -> None:
    path = _write(tmp_path / "data.parquet")
    chunks = list(ParquetReader(path).stream(index_columns=[IndexColumn.sequence("frame_index")]))
    by_entity = {c.entity_path: c for c in chunks}
    assert set(by_entity) == {"/__properties", "/pos", "/label", "/ts", "/robot", "/stamp", "/flag", "/vec"}
    pos = by_entity["/pos"].to_record_batch()
    assert pos.column("data").type.value_type == pa.struct(
        [("x", pa.float32()), ("y", pa.float64()), ("z", pa.float64())]
    )
    assert (
        by_entity["/pos"].timeline_names == ["frame_index"]
        or "frame_index" in by_entity["/pos"].timeline_names
    )


def test_static_column_must_be_constant(tmp_path: Path) -> None:
    path = _write(tmp_path / "data.parquet")
    with pytest.raises(ValueError, match="varying"):
        list(ParquetReader(path).stream(static_columns=["ts"]))


def test_missing_and_corrupt_files(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        ParquetReader(tmp_path / "nope.parquet")
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet at all")
    with pytest.raises(ValueError, match="not a Parquet file"):
        ParquetReader(bad)
