"""`rerun.chunk` on our store and codec: chunks, selectors, lenses, streams, stores and readers."""

from __future__ import annotations

import pickle
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import rerun as rr
from rerun.chunk import (
    Chunk,
    ChunkStore,
    DeriveLens,
    IndexedReader,
    LazyChunkStream,
    MutateLens,
    OptimizationProfile,
    RrdReader,
    Selector,
    StreamingReader,
)
from rerun_core.store.messages import ArrowMsg
from rerun_core.store.rrd import read_messages


def _imu_chunk() -> Chunk:
    accel = pa.StructArray.from_arrays(
        [pa.array([1.0, 2.0, 3.0]), pa.array([4.0, 5.0, 6.0]), pa.array([0, 10, 20], pa.int64())],
        names=["x", "y", "elapsed"],
    )
    return Chunk.from_columns(
        "/sensor/imu",
        indexes=[rr.TimeColumn("frame", sequence=[0, 1, 2])],
        columns=rr.DynamicArchetype.columns(
            archetype="Imu", components={"accel": accel, "status": pa.array(["ok", "ok", "warn"])}
        ),
    )


def _points(entity: str, frames: list[int]) -> Chunk:
    return Chunk.from_columns(
        entity,
        indexes=[rr.TimeColumn("frame", sequence=frames)],
        columns=rr.Points3D.columns(positions=[[float(f), 0.0, 0.0] for f in frames]),
    )


def _columns(chunk: Chunk) -> list[str]:
    return chunk.to_record_batch().schema.names[1:]


def test_chunk_reports_its_shape_and_converts_to_a_record_batch() -> None:
    chunk = _imu_chunk()
    assert (chunk.entity_path, chunk.num_rows, len(chunk), chunk.num_columns) == ("/sensor/imu", 3, 3, 4)
    assert chunk.timeline_names == ["frame"] and not chunk.is_static and not chunk.is_empty
    assert chunk.id.startswith("chunk_") and chunk.id in repr(chunk)
    (again,) = Chunk.from_record_batch(chunk.to_record_batch())
    assert again.id == chunk.id


def test_with_entity_path_keeps_rows_and_mints_a_chunk_id() -> None:
    chunk = _imu_chunk()
    moved = chunk.with_entity_path("/elsewhere")
    assert moved.entity_path == "/elsewhere" and moved.id != chunk.id
    assert moved.to_record_batch().column(0).equals(chunk.to_record_batch().column(0))


def test_from_property_is_a_static_properties_chunk() -> None:
    chunk = Chunk.from_property("my_prop", rr.AnyValues(note="x"))
    assert (chunk.entity_path, chunk.is_static, chunk.num_rows) == ("/__properties/my_prop", True, 1)


def test_selector_paths_pack_and_pipe() -> None:
    structs = pa.array([{"x": 1.0, "y": 2.0}, {"x": 3.0, "y": 4.0}])
    assert Selector(".x").execute(structs).to_pylist() == [1.0, 3.0]
    assert Selector("pack(.x!, .y!)").execute(structs).to_pylist() == [[1.0, 2.0], [3.0, 4.0]]
    with pytest.raises(RuntimeError, match="nullable and must be acknowledged"):
        Selector("pack(.x, .y)").execute(structs)
    doubled = Selector(".y").pipe(lambda a: pc.multiply(a, 2.0))
    assert doubled.execute(structs).to_pylist() == [4.0, 8.0]
    lists = pa.array([[{"x": 1.0, "y": 0.0}], [], None])
    assert Selector(".x").execute_per_row(lists).to_pylist() == [[1.0], [], None]
    assert Selector(".missing").execute(structs) is None
    assert str(Selector(".a.b[0]?")) == ".a.b[0]?"


def test_selector_errors_are_clear() -> None:
    with pytest.raises(ValueError, match="Failed to parse selector: unexpected end of input"):
        Selector(".x[")
    with pytest.raises(RuntimeError, match="Selector execution failed: cannot access field"):
        Selector(".x.y").execute(pa.array([{"x": 1.0}]))
    assert pickle.loads(pickle.dumps(Selector(".x | .y"))).execute(
        pa.array([{"x": {"y": 5}}])
    ).to_pylist() == [5]
    with pytest.raises(TypeError, match="Cannot pickle Selector"):
        pickle.dumps(Selector(".x").pipe(lambda a: a))


def test_lenses_follow_the_output_mode() -> None:
    chunk = _imu_chunk()
    extract_x = DeriveLens("Imu:accel").to_component(rr.Scalars.descriptor_scalars(), ".x")
    extract_y = (
        DeriveLens("Imu:accel", output_entity="/y")
        .to_component(rr.Scalars.descriptor_scalars(), ".y")
        .to_timeline("elapsed", "duration_ns", ".elapsed")
    )
    simplify = MutateLens("Imu:accel", ".x")
    modes = {}
    for mode in ("forward_all", "forward_unmatched", "drop_unmatched"):
        out = LazyChunkStream.from_iter([chunk]).lenses([extract_x, extract_y, simplify], output_mode=mode)
        modes[mode] = [(c.entity_path, _columns(c)) for c in out.to_chunks()]
    derived = ("/y", ["elapsed", "frame", "Scalars:scalars"])
    assert modes["forward_all"] == [
        ("/sensor/imu", ["frame", "Imu:accel", "Imu:status", "Scalars:scalars"]),
        derived,
    ]
    assert modes["drop_unmatched"] == [("/sensor/imu", ["frame", "Imu:accel", "Scalars:scalars"]), derived]
    (only,) = chunk.apply_lenses(extract_x)
    assert _columns(only) == ["frame", "Imu:status", "Scalars:scalars"]
    assert chunk.apply_lenses([]) == [] or chunk.apply_lenses([])[0].id == chunk.id


def test_scatter_lens_explodes_rows() -> None:
    poses = pa.array([[{"x": 1.0}, {"x": 2.0}], [], None])
    batch = pa.RecordBatch.from_arrays([pa.array([0, 1, 2]), poses], names=["tick", "/r:R:poses"])
    (chunk,) = Chunk.from_record_batch(batch, index="tick")
    lens = DeriveLens("R:poses", output_entity="/p", scatter=True).to_scalars("x")
    (out,) = LazyChunkStream.from_iter([chunk]).lenses(lens).to_chunks()
    batch = out.to_record_batch()
    assert batch.column("tick").to_pylist() == [0, 0, 1, 2]
    assert batch.column("Scalars:scalars").to_pylist() == [[1.0], [2.0], [], None]


def test_failing_lens_raises_with_the_reason() -> None:
    bad = DeriveLens("Imu:status").to_component("X:y", ".nope.deeper")
    with pytest.raises(RuntimeError, match=r"Lenses error: .*'X:y'"):
        LazyChunkStream.from_iter([_imu_chunk()]).lenses(bad).to_chunks()


def test_stream_builders_consume_terminals_do_not() -> None:
    stream = LazyChunkStream.from_iter([_points("/a", [0]), _points("/b/c", [1])])
    kept = stream.filter(content="/b/**")
    with pytest.raises(ValueError, match="already been consumed"):
        stream.drop(content="/a")
    assert [c.entity_path for c in kept] == ["/b/c"]
    assert [c.entity_path for c in kept.to_chunks()] == ["/b/c"]


def test_filter_drop_split_by_components_and_predicates() -> None:
    chunk = Chunk.from_columns(
        "/p", [rr.TimeColumn("frame", sequence=[0])], rr.Points3D.columns(positions=[[1, 2, 3]], radii=[0.5])
    )
    static = Chunk.from_columns("/s", [], rr.TextDocument.columns(text=["hi"]))

    def src() -> LazyChunkStream:
        return LazyChunkStream.from_iter([chunk, static])

    assert [_columns(c) for c in src().filter(components="Points3D:radii")] == [["frame", "Points3D:radii"]]
    assert [_columns(c) for c in src().drop(components=["Points3D:radii"], is_static=False)] == [
        ["frame", "Points3D:positions"],
        ["TextDocument:text"],
    ]
    hit, miss = src().split(is_static=True)
    assert [c.entity_path for c in hit] == ["/s"] and [c.entity_path for c in miss] == ["/p"]
    assert [c.entity_path for c in src().filter(has_timeline="frame")] == ["/p"]
    merged = LazyChunkStream.merge(*src().split(content="/p"))
    assert sorted(c.entity_path for c in merged) == ["/p", "/s"]


def test_properties_only_pass_a_content_filter_that_names_them() -> None:
    prop = Chunk.from_property("meta", rr.AnyValues(note="x"))
    assert LazyChunkStream.from_iter([prop]).filter(content="/**").to_chunks() == []
    assert len(LazyChunkStream.from_iter([prop]).filter(content="/__properties/**").to_chunks()) == 1


def test_map_and_flat_map_check_what_they_return() -> None:
    stream = LazyChunkStream.from_iter([_points("/a", [0])])
    dup = stream.flat_map(lambda c: [c, c.with_entity_path("/b")])
    assert [c.entity_path for c in dup] == ["/a", "/b"]
    with pytest.raises(TypeError, match="map function must return a Chunk"):
        LazyChunkStream.from_iter([_points("/a", [0])]).map(lambda c: 1).to_chunks()  # type: ignore[arg-type, return-value]


def test_collect_compacts_neighbours_as_rerun_stores_do() -> None:
    chunks = [_points("/p", [i, i + 1]) for i in range(0, 10, 2)]
    assert len(ChunkStore.from_chunks(chunks)) == 5
    store = LazyChunkStream.from_iter(chunks).collect()
    assert len(store) == 1 and "rows=10" in store.summary()
    split = LazyChunkStream.from_iter(chunks).collect(optimize=OptimizationProfile(max_rows=4))
    assert split.summary().count("/p rows=4") == 2


def test_newer_static_data_overwrites_older() -> None:
    old = Chunk.from_columns("/s", [], rr.TextDocument.columns(text=["old"]))
    new = Chunk.from_columns("/s", [], rr.TextDocument.columns(text=["new"]))
    store = ChunkStore.from_chunks([old, new])
    (kept,) = store.stream().to_chunks()
    assert kept.id == new.id


def test_write_rrd_and_read_back_through_the_manifest(tmp_path: Path) -> None:
    path = tmp_path / "out.rrd"
    LazyChunkStream.from_iter([_points("/p", [0, 1]), _imu_chunk()]).write_rrd(
        path, application_id="app", recording_id="rec"
    )
    reader = RrdReader(path)
    assert isinstance(reader, IndexedReader) and isinstance(reader, StreamingReader)
    (entry,) = reader.recordings()
    assert (entry.kind, entry.application_id, entry.recording_id) == ("recording", "app", "rec")
    lazy = reader.store()
    assert len(lazy) == 2 and lazy._chunks_loaded == 0
    assert (
        lazy.summary().splitlines()[0]
        == "/p rows=2 static=False timelines=['frame'] cols=['Points3D:positions', 'frame']"
    )
    assert [c.entity_path for c in lazy.stream()] == ["/p", "/sensor/imu"]
    assert lazy._chunks_loaded == 2
    assert lazy.summary() == reader.stream().collect().summary()
    assert [c.component for c in lazy.schema().component_columns()] == [
        "Points3D:positions",
        "Imu:accel",
        "Imu:status",
    ]


def test_lazy_store_filters_on_its_manifest_before_loading(tmp_path: Path) -> None:
    path = tmp_path / "out.rrd"
    chunks = [_points("/a", [0]), _points("/b", [1]), _imu_chunk()]
    LazyChunkStream.from_iter(chunks).write_rrd(path, application_id="app", recording_id="rec")
    lazy = RrdReader(path).store()
    kept = lazy.stream().filter(content="/b").filter(components="Points3D:positions").to_chunks()
    assert [c.entity_path for c in kept] == ["/b"] and lazy._chunks_loaded == 1
    assert [c.entity_path for c in lazy.stream().filter(has_timeline="nope")] == []
    assert lazy._chunks_loaded == 1


def test_rrd_reader_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="RRD file not found"):
        RrdReader(tmp_path / "missing.rrd")


def test_send_chunks_accepts_streams_stores_and_iterables(tmp_path: Path) -> None:
    path = tmp_path / "sent.rrd"
    rec = rr.RecordingStream("rerun_example_chunk_send", recording_id="r")
    rec.save(path)
    rr.send_chunks(_points("/one", [0]), recording=rec)
    rr.send_chunks(LazyChunkStream.from_iter([_points("/stream", [0])]), recording=rec)
    rr.send_chunks(ChunkStore.from_chunks([_points("/store", [0])]), recording=rec)
    rr.send_chunks([_points("/list", [0])], recording=rec)
    rec.flush()
    sent = {m.chunk.entity_path.path for m in read_messages(path) if isinstance(m, ArrowMsg)}
    assert {"/one", "/stream", "/store", "/list"} <= sent
