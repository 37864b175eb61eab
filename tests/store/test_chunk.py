"""Chunk construction, validation and the derived-chunk operations."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from rerun_core.store.chunk import Chunk, ChunkError, TimeColumn
from rerun_core.types import ComponentDescriptor, TimeType, new_tuids

POS = ComponentDescriptor("Points3D:positions", "rerun.archetypes.Points3D", "rerun.components.Position3D")
COL = ComponentDescriptor("Points3D:colors", "rerun.archetypes.Points3D", "rerun.components.Color")


def scalars(values: list[float | None]) -> pa.ListArray:
    return pa.array([None if v is None else [v] for v in values], type=pa.list_(pa.float64()))


def make(
    frames: list[int], values: list[float | None], *, entity: str = "/a", row_ids: np.ndarray | None = None
) -> Chunk:
    ids = new_tuids(len(frames)) if row_ids is None else row_ids
    return Chunk.from_columns(
        entity, ids, [TimeColumn.from_values("frame", TimeType.SEQUENCE, frames)], {POS: scalars(values)}
    )


def test_from_columns_sets_sorbet_metadata_and_flags() -> None:
    chunk = make([3, 1, 2], [1.0, 2.0, 3.0])
    schema = chunk.batch.schema
    assert schema.metadata[b"rerun:entity_path"] == b"/a"
    assert schema.metadata[b"rerun:id"].startswith(b"chunk_")
    assert schema.field("rerun.controls.RowId").metadata[b"rerun:is_sorted"] == b"true"
    assert b"rerun:is_sorted" not in schema.field("frame").metadata  # unsorted: flag omitted
    assert not chunk.timelines["frame"].is_sorted
    assert chunk.is_sorted_by_row_id and not chunk.is_static
    chunk.validate()


def test_row_values_and_time_access() -> None:
    chunk = make([0, 1, 2], [1.0, None, 3.0])
    assert chunk.row_values(POS.component, 0).to_pylist() == [1.0]
    assert chunk.row_values(POS.component, 1) is None
    assert chunk.row_values("nope", 0) is None
    assert chunk.time_at("frame", 2) == 2 and chunk.time_at("other", 0) is None


def test_slice_keeps_id_and_rows() -> None:
    chunk = make([0, 1, 2, 3], [0.0, 1.0, 2.0, 3.0])
    part = chunk.slice(1, 2)
    assert part.id == chunk.id and part.num_rows == 2
    assert list(part.timelines["frame"].values) == [1, 2]
    assert part.row_values(POS.component, 0).to_pylist() == [1.0]
    assert np.array_equal(part.row_ids, chunk.row_ids[1:3])
    with pytest.raises(IndexError):
        chunk.slice(9)


def test_sorted_by_timeline_breaks_ties_by_row_id() -> None:
    ids = new_tuids(4)
    chunk = make([2, 1, 2, 1], [0.0, 1.0, 2.0, 3.0], row_ids=ids[[3, 1, 2, 0]])
    out = chunk.sorted_by("frame")
    assert list(out.timelines["frame"].values) == [1, 1, 2, 2]
    assert out.components[POS].to_pylist() == [[3.0], [1.0], [2.0], [0.0]]
    assert out.timelines["frame"].is_sorted and out.is_sorted_by("frame")
    assert out.sorted_by("frame") is out
    by_row = chunk.sorted_by_row_id()
    assert by_row.is_sorted_by_row_id and by_row.components[POS].to_pylist() == [[3.0], [1.0], [2.0], [0.0]]


def test_concat_unites_components_and_checks_entity() -> None:
    a = make([0, 1], [0.0, 1.0])
    b = Chunk.from_columns(
        "/a",
        new_tuids(1),
        [TimeColumn.from_values("frame", TimeType.SEQUENCE, [5])],
        {COL: pa.array([[0xFF0000FF]], type=pa.list_(pa.uint32()))},
    )
    both = Chunk.concat([a, b])
    assert both.num_rows == 3 and both.id not in (a.id, b.id)
    assert both.components[POS].to_pylist() == [[0.0], [1.0], None]
    assert both.components[COL].to_pylist() == [None, None, [0xFF0000FF]]
    with pytest.raises(ChunkError, match="/b"):
        Chunk.concat([a, make([0], [1.0], entity="/b")])
    bad = Chunk.from_columns("/a", new_tuids(1), [], {POS: pa.array([["x"]])})
    with pytest.raises(ChunkError):
        Chunk.concat([a, bad])


def test_static_chunk_has_no_index() -> None:
    chunk = Chunk.from_columns("/s", new_tuids(1), [], {POS: scalars([1.0])})
    assert chunk.is_static and chunk.timelines == {}


def test_validate_rejects_lies_and_bad_types() -> None:
    chunk = make([0, 1], [0.0, 1.0])
    schema = chunk.batch.schema
    i = schema.get_field_index("frame")
    lying = pa.RecordBatch.from_arrays(
        [chunk.batch.column(0), pa.array([5, 1]), chunk.batch.column(2)],
        schema=schema,
    )
    with pytest.raises(ChunkError, match="flagged sorted"):
        Chunk.from_record_batch(lying)
    ids = new_tuids(2)[::-1].copy()
    unsorted_rows = Chunk.from_columns("/a", ids, [], {POS: scalars([1.0, 2.0])})
    assert not unsorted_rows.is_sorted_by_row_id
    meta = unsorted_rows.batch.schema.field(0).metadata
    assert b"rerun:is_sorted" not in meta
    forced = unsorted_rows.batch.schema.set(
        0, unsorted_rows.batch.schema.field(0).with_metadata({**meta, b"rerun:is_sorted": b"true"})
    )
    with pytest.raises(ChunkError, match="row ids"):
        Chunk.from_record_batch(pa.RecordBatch.from_arrays(unsorted_rows.batch.columns, schema=forced))
    bad_index = schema.set(i, schema.field(i).with_type(pa.string()))
    with pytest.raises(ChunkError, match="time type"):
        Chunk.from_record_batch(
            pa.RecordBatch.from_arrays(
                [chunk.batch.column(0), pa.array(["a", "b"]), chunk.batch.column(2)], schema=bad_index
            )
        )
    with pytest.raises(ChunkError, match="rows"):
        Chunk.from_columns("/a", new_tuids(2), [], {POS: scalars([1.0])})
    with pytest.raises(ChunkError, match="list"):
        Chunk.from_columns("/a", new_tuids(1), [], {POS: pa.array([1.0])})


def test_from_rows_builds_lists_and_nulls() -> None:
    from rerun_core.types import TimePoint

    tp0 = TimePoint((("frame", TimeType.SEQUENCE, 1),))
    tp1 = TimePoint((("frame", TimeType.SEQUENCE, 0),))
    chunk = Chunk.from_rows(
        "/r",
        [
            (tp0, {POS: pa.array([1.0, 2.0])}),
            (tp1, {COL: pa.array([7], type=pa.uint32())}),
        ],
    )
    assert chunk.num_rows == 2 and list(chunk.timelines["frame"].values) == [1, 0]
    assert chunk.components[POS].to_pylist() == [[1.0, 2.0], None]
    assert chunk.components[COL].to_pylist() == [None, [7]]
    assert Chunk.from_rows("/s", [(TimePoint(), {POS: pa.array([1.0])})]).is_static
    with pytest.raises(ChunkError, match="same timelines"):
        Chunk.from_rows("/r", [(tp0, {}), (TimePoint(), {})])
    with pytest.raises(ChunkError, match="at least one row"):
        Chunk.from_rows("/r", [])


def test_bad_chunk_id_is_a_chunk_error() -> None:
    chunk = make([0], [1.0])
    meta = dict(chunk.batch.schema.metadata)
    meta[b"rerun:id"] = b"chunk_nothex"
    batch = chunk.batch.replace_schema_metadata(meta)
    with pytest.raises(ChunkError, match="bad chunk id"):
        Chunk.from_record_batch(batch)
    with pytest.raises(ChunkError, match="no rerun:id"):
        Chunk.from_record_batch(chunk.batch.replace_schema_metadata({}))
