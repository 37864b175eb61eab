"""`rerun.experimental` chunk API and `rerun.blueprint.encodings` on our SDK alone."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

import rerun as rr
import rerun.blueprint as rrb
import rerun.experimental as rrx
from rerun.blueprint.encodings import (
    ComponentSourceKind,
    VisualizerComponentMapping,
    VisualizerComponentMappingBatch,
)
from rerun_core.store.messages import ArrowMsg
from rerun_core.store.rrd import read_messages

POS = pa.list_(pa.list_(pa.field("item", pa.float32(), nullable=False), 3))


def _points_chunk() -> rrx.Chunk:
    return rrx.Chunk.from_columns(
        "points",
        indexes=[rr.TimeColumn("frame", sequence=[0, 1, 2])],
        columns=rr.Points3D.columns(positions=[[1, 0, 0], [0, 1, 0], [0, 0, 1]], radii=[0.1, 0.2, 0.3]),
    )


def test_from_columns_builds_one_chunk_like_send_columns() -> None:
    chunk = _points_chunk()
    assert (chunk.entity_path, chunk.num_rows, len(chunk)) == ("/points", 3, 3)
    assert chunk.timeline_names == ["frame"] and not chunk.is_static and chunk.id.startswith("chunk_")
    names = chunk.to_record_batch().schema.names
    assert "Points3D:positions" in names and "Points3D:radii" in names


def test_from_columns_rejects_ragged_columns() -> None:
    with pytest.raises(ValueError, match="same length"):
        rrx.Chunk.from_columns(
            "p",
            indexes=[rr.TimeColumn("f", sequence=[0, 1])],
            columns=rr.Points3D.columns(positions=[[1, 2, 3]]),
        )


def test_from_record_batch_splits_by_column_name_convention() -> None:
    frame = pa.array([0, 1], type=pa.int64())
    left = pa.array([[[1.0, 0, 0]], [[2.0, 0, 0]]], type=POS)
    batch = pa.RecordBatch.from_arrays(
        [frame, left, left], names=["frame", "/l:Points3D:positions", "/r:P:x"]
    )
    chunks = rrx.Chunk.from_record_batch(batch, index="frame")
    assert {c.entity_path: c.num_rows for c in chunks} == {"/l": 2, "/r": 2}
    right = next(c for c in chunks if c.entity_path == "/r")
    assert right.to_record_batch().schema.names[-1] == "P:x"
    assert all(c.timeline_names == ["frame"] for c in chunks)


def test_from_record_batch_keeps_ids_of_a_whole_chunk() -> None:
    chunk = _points_chunk()
    (again,) = rrx.Chunk.from_record_batch(chunk.to_record_batch())
    assert again.id == chunk.id
    assert again.to_record_batch().equals(chunk.to_record_batch())


def test_from_dataframe_is_lazy_but_checks_its_input_at_once() -> None:
    with pytest.raises(TypeError, match="pyarrow Table"):
        rrx.Chunk.from_dataframe([1, 2, 3])
    table = pa.table({"/a:C:v": pa.array([[1.0], [2.0]])})
    chunks = list(rrx.Chunk.from_dataframe(table, index=None))
    assert [(c.entity_path, c.is_static) for c in chunks] == [("/a", True)]


def test_format_prints_the_chunk_table() -> None:
    chunk = _points_chunk()
    assert "entity_path: /points" in str(chunk)
    assert "rerun:entity_path: /points" in chunk.format(trim_metadata_keys=False)
    assert "[[0.0, 1.0, 0.0]]" in str(chunk)


def test_send_chunks_and_rrd_reader_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "out.rrd"
    rec = rr.RecordingStream("rerun_example_experimental", recording_id="r")
    rec.save(path)
    rrx.send_chunks(_points_chunk(), recording=rec)
    rec.flush()
    sent = [m.chunk for m in read_messages(path) if isinstance(m, ArrowMsg)]
    assert [c.num_rows for c in sent if c.entity_path.path == "/points"] == [3]
    reader = rrx.RrdReader(path)
    assert [(r.application_id, r.recording_id) for r in reader.recordings()] == [
        ("rerun_example_experimental", "r")
    ]
    assert reader.blueprints() == []
    chunks = list(reader.stream())
    assert [(c.entity_path, c.num_rows) for c in chunks if not c.entity_path.startswith("/__")] == [
        ("/points", 3)
    ]


def test_rrd_reader_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="RRD file not found"):
        rrx.RrdReader(tmp_path / "nope.rrd")


def test_component_source_kind_accepts_names_and_ints() -> None:
    assert ComponentSourceKind.auto("sourcecomponent") is ComponentSourceKind.SourceComponent
    assert ComponentSourceKind.auto(3) is ComponentSourceKind.Default
    assert str(ComponentSourceKind.Override) == "Override"
    with pytest.raises(ValueError):
        ComponentSourceKind.auto("nonsense")


def test_mapping_batch_has_0_41_arrow_layout() -> None:
    mapping = VisualizerComponentMapping(
        "Scalars:scalars", "SourceComponent", source_component="c:x", selector=".v"
    )
    arr = VisualizerComponentMappingBatch([mapping]).as_arrow_array()
    assert [(f.name, str(f.type), f.nullable) for f in arr.type] == [
        ("target", "string", False),
        ("source_kind", "uint8", False),
        ("source_component", "string", True),
        ("selector", "string", True),
    ]
    assert arr.to_pylist() == [
        {"target": "Scalars:scalars", "source_kind": 1, "source_component": "c:x", "selector": ".v"}
    ]


def test_visualizer_mappings_are_logged_with_the_instruction() -> None:
    mapping = VisualizerComponentMapping("Points3D:colors", ComponentSourceKind.Default)
    vis = rr.Points3D.from_fields(radii=0.5).visualizer(mappings=[mapping])
    assert vis.visualizer_type == "Points3D" and vis.mappings == [mapping]
    assert rrb.encodings.ComponentSourceKind is ComponentSourceKind
    rec = rr.RecordingStream("rerun_example_mapping", recording_id="m")
    mem = rec.memory_recording()
    rec.send_blueprint(rrb.Blueprint(rrb.Spatial3DView(origin="/", overrides={"p": [vis]})))
    rec.flush()
    data = mem.drain_as_bytes()
    chunks = [m.chunk for m in read_messages(data) if isinstance(m, ArrowMsg)]
    maps = [c.component("VisualizerInstruction:component_map") for c in chunks]
    rows = [a.to_pylist() for a in maps if a is not None]
    assert rows == [
        [[{"target": "Points3D:colors", "source_kind": 3, "source_component": None, "selector": None}]]
    ]


def test_experimental_resolves_as_an_attribute_of_rerun() -> None:
    assert rr.experimental is rrx
    assert "experimental" in dir(rr)
