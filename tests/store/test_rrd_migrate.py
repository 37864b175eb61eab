"""Chunks in older sorbet layouts (Rerun 0.23 .. 0.40) are migrated on read."""

from __future__ import annotations

import pyarrow as pa
from rrd_samples import points_chunk

from rerun_core.store.chunk import Chunk
from rerun_core.store.rrd import decode_chunk_payload, encode_chunk
from rerun_core.store.rrd.migrate import migrate_batch, sorbet_version
from rerun_core.types import Tuid


def _legacy_batch() -> pa.RecordBatch:
    """A chunk as Rerun 0.23 wrote it: dotted keys, struct TUIDs, legacy descriptors."""
    n = 3
    tuids = pa.StructArray.from_arrays(
        [pa.array([10, 10, 11], pa.uint64()), pa.array([1, 2, 0], pa.uint64())], names=["time_ns", "inc"]
    )
    positions = pa.array([[[1.0, 2.0, 3.0]]] * n, pa.list_(pa.list_(pa.float32(), 3)))
    scalar = pa.array([[1.0], [2.0], None], pa.list_(pa.float64()))
    indicator = pa.array([None] * n, pa.list_(pa.null()))
    single = pa.array(["a", None, "c"])  # not a list column
    frames = pa.array([1, 2, 3], pa.int64())
    fields = [
        pa.field(
            "rerun.components.Position3D",
            positions.type,
            True,
            {
                b"rerun.kind": b"data",
                b"rerun.component": b"rerun.components.Position3D",
                b"rerun.archetype": b"rerun.archetypes.Points3D",
                b"rerun.archetype_field": b"positions",
            },
        ),
        pa.field("frame", pa.int64(), True, {b"rerun.kind": b"index", b"rerun.index_name": b"frame"}),
        pa.field(
            ROW_ID := "rerun.controls.RowId",
            tuids.type,
            False,
            {b"rerun.kind": b"control", b"ARROW:extension:name": b"rerun.datatypes.TUID"},
        ),
        pa.field(
            "rerun.components.Scalar",
            scalar.type,
            True,
            {
                b"rerun.kind": b"data",
                b"rerun.component": b"rerun.components.Scalar",
                b"rerun.archetype": b"rerun.archetypes.Scalar",
                b"rerun.archetype_field": b"scalar",
            },
        ),
        pa.field(
            "rerun.components.Points3DIndicator",
            indicator.type,
            True,
            {b"rerun.kind": b"data", b"rerun.component": b"rerun.components.Points3DIndicator"},
        ),
        pa.field("label", single.type, True, {b"rerun.kind": b"data", b"rerun.component": b"label"}),
    ]
    assert ROW_ID
    meta = {
        b"rerun.entity_path": b"/__properties/recording",
        b"rerun.id": b"chunk_00000000000000010000000000000002",
        b"rerun.version": b"0.23.0",
    }
    return pa.RecordBatch.from_arrays(
        [positions, frames, tuids, scalar, indicator, single], schema=pa.schema(fields, metadata=meta)
    )


def test_current_chunks_pass_through_untouched() -> None:
    batch = points_chunk("/a", [1, 2]).batch
    assert migrate_batch(batch) is batch
    assert sorbet_version(batch) == (0, 1, 4)


def test_legacy_0_23_chunk_is_migrated() -> None:
    legacy = _legacy_batch()
    assert sorbet_version(legacy) == (0, 0, 1)
    batch = migrate_batch(legacy)
    chunk = Chunk.from_record_batch(batch)  # validates
    assert batch.schema.names[:2] == ["rerun.controls.RowId", "frame"]
    assert [tuple(r) for r in chunk.row_ids.tolist()] == [(10, 1), (10, 2), (11, 0)]
    assert chunk.id == Tuid(1, 2)
    assert chunk.entity_path == "/__properties"
    names = {d.component: d for d in chunk.components}
    assert set(names) == {"Points3D:positions", "Scalars:scalars", "label"}
    assert names["Points3D:positions"].archetype == "rerun.archetypes.Points3D"
    assert names["Points3D:positions"].component_type == "rerun.components.Position3D"
    assert names["Scalars:scalars"].archetype == "rerun.archetypes.Scalars"
    assert names["label"].archetype is None and names["label"].component_type is None
    assert chunk.component("label").to_pylist() == [["a"], None, ["c"]]
    assert chunk.timelines["frame"].values.tolist() == [1, 2, 3]
    assert not any(k.startswith(b"rerun.") for k in batch.schema.metadata)
    assert batch.schema.metadata[b"sorbet:version"] == b"0.1.3"


def test_series_visible_becomes_visible() -> None:
    base = points_chunk("/a", [1]).batch
    f = pa.field(
        "SeriesLines:visible_series",
        pa.list_(pa.bool_()),
        True,
        {
            b"rerun:kind": b"data",
            b"rerun:component": b"SeriesLines:visible_series",
            b"rerun:component_type": b"rerun.components.SeriesVisible",
        },
    )
    meta = {**base.schema.metadata, b"sorbet:version": b"0.1.2"}
    batch = pa.RecordBatch.from_arrays(
        [*base.columns, pa.array([[True]], pa.list_(pa.bool_()))],
        schema=pa.schema([*base.schema, f], metadata=meta),
    )
    out = migrate_batch(batch)
    assert out.schema.field("SeriesLines:visible_series").metadata[b"rerun:component_type"] == (
        b"rerun.components.Visible"
    )


def test_decoder_migrates_legacy_payloads() -> None:
    payload, size = encode_chunk(_legacy_batch(), compression=True)
    batch = decode_chunk_payload(payload, 2, size)
    assert batch.schema.field(0).type == pa.binary(16)
    components = {(f.metadata or {}).get(b"rerun:component") for f in batch.schema}
    assert {b"Points3D:positions", b"Scalars:scalars"} <= components
