"""Interop of the .rrd codec with the real Rerun 0.41: every archetype it writes reads fully,
and what we write back passes its `rrd verify` and equals the source under `rrd compare`."""

from __future__ import annotations

import struct
from collections import Counter
from pathlib import Path

import pytest

from rerun_core.store.messages import ArrowMsg, BlueprintActivationCommand, LogMsg, SetStoreInfo, StoreKind
from rerun_core.store.rrd import RrdWriter, read_footer, read_messages

pytestmark = pytest.mark.interop

# Run under the real SDK: logs one of everything, prints the archetypes it logged.
ALL_ARCHETYPES_SCRIPT = r"""
import io
import sys

import numpy as np
import rerun as rr
import rerun.blueprint as rrb
from PIL import Image as PILImage

out = sys.argv[1]
rr.init("interop_all_archetypes", recording_id="all-archetypes")
rr.save(out)
done = []


def log(name, path, value, **kw):
    rr.log(path, value, **kw)
    done.append(name)


def png(w=4, h=3):
    buf = io.BytesIO()
    PILImage.fromarray(np.arange(w * h * 3, dtype=np.uint8).reshape(h, w, 3)).save(buf, format="PNG")
    return buf.getvalue()


OBJ = b"v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n"
rng = np.random.default_rng(0)
for frame in range(3):
    rr.set_time("frame", sequence=frame)
    rr.set_time("sim_time", duration=frame * 0.5)
    rr.set_time("wall", timestamp=1_700_000_000 + frame)
    log("Points2D", "pts2d", rr.Points2D(rng.random((5, 2)), colors=[255, 0, 0], radii=0.1, labels="p"))
    log("Points3D", "pts3d", rr.Points3D(rng.random((5, 3)), class_ids=[1, 2, 3, 4, 5]))
    log("Scalars", "scalar/a", rr.Scalars([float(frame), 2.0 * frame]))
    log("Transform3D", "world/obj", rr.Transform3D(translation=[frame, 0, 0], rotation_axis_angle=rr.RotationAxisAngle([0, 0, 1], 0.3)))
log("Boxes2D", "boxes2d", rr.Boxes2D(mins=[[0, 0]], sizes=[[1, 2]], labels=["b"]))
log("Boxes3D", "boxes3d", rr.Boxes3D(half_sizes=[[1, 1, 1]], centers=[[0, 0, 0]], quaternions=[rr.Quaternion(xyzw=[0, 0, 0, 1])]))
log("Ellipses2D", "ellipses2d", rr.Ellipses2D(half_sizes=[[1, 2]], centers=[[0, 0]]))
log("Ellipsoids3D", "ellipsoids", rr.Ellipsoids3D(half_sizes=[[1, 2, 3]], centers=[[0, 0, 0]]))
log("Capsules3D", "capsules", rr.Capsules3D(lengths=[1.0], radii=[0.2]))
log("Cylinders3D", "cylinders", rr.Cylinders3D(lengths=[1.0], radii=[0.5]))
log("LineStrips2D", "lines2d", rr.LineStrips2D([[[0, 0], [1, 1], [2, 0]], [[0, 1], [1, 2]]]))
log("LineStrips3D", "lines3d", rr.LineStrips3D([[[0, 0, 0], [1, 1, 1]]], radii=0.01))
log("Arrows2D", "arrows2d", rr.Arrows2D(origins=[[0, 0]], vectors=[[1, 1]]))
log("Arrows3D", "arrows3d", rr.Arrows3D(origins=[[0, 0, 0]], vectors=[[1, 1, 1]]))
log("Mesh3D", "mesh", rr.Mesh3D(vertex_positions=[[0, 0, 0], [1, 0, 0], [0, 1, 0]], triangle_indices=[[0, 1, 2]], vertex_colors=[[255, 0, 0], [0, 255, 0], [0, 0, 255]]))
log("Asset3D", "asset", rr.Asset3D(contents=OBJ, media_type="model/obj"))
log("Image", "image/rgb", rr.Image(np.zeros((4, 5, 3), dtype=np.uint8)))
log("Image", "image/rgba_f32", rr.Image(np.zeros((4, 5, 4), dtype=np.float32)))
log("Image", "image/gray16", rr.Image(np.zeros((4, 5), dtype=np.uint16)))
log("Image", "image/nv12", rr.Image(bytes=bytes(6 * 4), width=4, height=4, pixel_format=rr.PixelFormat.NV12))
log("Image", "image/bgr", rr.Image(np.zeros((4, 5, 3), dtype=np.uint8), color_model="BGR"))
log("DepthImage", "depth", rr.DepthImage(np.ones((4, 5), dtype=np.float32), meter=1000.0))
log("SegmentationImage", "seg", rr.SegmentationImage(np.zeros((4, 5), dtype=np.uint8)))
log("EncodedImage", "encoded", rr.EncodedImage(contents=png(), media_type="image/png"))
log("EncodedDepthImage", "encoded_depth", rr.EncodedDepthImage(png(), media_type="image/png"))
log("Tensor", "tensor", rr.Tensor(np.arange(24, dtype=np.float64).reshape(2, 3, 4), dim_names=["a", "b", "c"]))
log("Volume3D", "volume", rr.Volume3D(np.zeros((2, 2, 2), dtype=np.float32)))
log("SeriesLines", "scalar/a", rr.SeriesLines(colors=[[255, 0, 0], [0, 255, 0]], names=["x", "y"]), static=True)
log("SeriesPoints", "scalar/b", rr.SeriesPoints(markers="circle"), static=True)
log("Measurements", "measurements", rr.Measurements([1.0, 2.0], variances=[0.1, 0.2]))
log("BarChart", "bars", rr.BarChart([1, 2, 3]))
log("TextLog", "log", rr.TextLog("hello", level=rr.TextLogLevel.WARN))
log("TextDocument", "doc", rr.TextDocument("# Title", media_type=rr.MediaType.MARKDOWN))
log("InstancePoses3D", "world/poses", rr.InstancePoses3D(translations=[[0, 0, 0], [1, 1, 1]]))
log("Pinhole", "world/cam", rr.Pinhole(focal_length=100, width=64, height=48))
log("ViewCoordinates", "world", rr.ViewCoordinates.RIGHT_HAND_Z_UP, static=True)
log("CoordinateFrame", "world/frame", rr.CoordinateFrame("base"))
log("TransformAxes3D", "world/axes", rr.TransformAxes3D(1.0))
log("AnnotationContext", "world", rr.AnnotationContext([(1, "one", (255, 0, 0)), (2, "two")]), static=True)
log("Clear", "world/obj", rr.Clear(recursive=True))
log("GraphNodes", "graph", rr.GraphNodes(["a", "b"], labels=["A", "B"]))
log("GraphEdges", "graph", rr.GraphEdges([("a", "b")], graph_type="directed"))
log("GeoPoints", "geo/points", rr.GeoPoints(lat_lon=[[59.3, 18.0]], radii=rr.Radius.ui_points(3)))
log("GeoLineStrings", "geo/lines", rr.GeoLineStrings(lat_lon=[[[59.3, 18.0], [59.4, 18.1]]]))
log("GaussianSplats3D", "splats", rr.GaussianSplats3D([[0, 0, 0], [1, 1, 1]]))
log("GridMap", "gridmap", rr.GridMap(data=bytes(4), format=rr.components.ImageFormat(width=2, height=2, color_model="L", channel_datatype="U8"), cell_size=0.5))
log("VoxelGridMap", "voxels", rr.VoxelGridMap([[0, 0, 0], [1, 0, 0]], [0.1, 0.1, 0.1]))
log("StateConfiguration", "state", rr.StateConfiguration(values=["on", "off"], labels=["On", "Off"]), static=True)
log("StateChange", "state", rr.StateChange(state=["on"]))
log("AnyValues", "any", rr.AnyValues(confidence=[1.2, 3.4], name="thing"))
log("AssetVideo", "video", rr.AssetVideo(contents=b"\x00\x00\x00\x18ftypmp42", media_type="video/mp4"), static=True)
rr.send_columns("video", indexes=[rr.TimeColumn("video_time", duration=[0.0, 0.1])], columns=rr.VideoFrameReference.columns_nanos([0, 100_000_000]))
done.append("VideoFrameReference")
log("VideoStream", "stream", rr.VideoStream(codec=rr.VideoCodec.H264, sample=b"\x00\x00\x00\x01\x67"))
log("AssetAudio", "audio", rr.AssetAudio(contents=b"RIFF\x00\x00\x00\x00WAVE", media_type="audio/wav"))
log("McapSchema", "mcap/schema", rr.McapSchema(id=1, name="s", encoding="jsonschema", data=b"{}"))
log("McapChannel", "mcap/channel", rr.McapChannel(id=1, topic="/t", message_encoding="json"))
log("McapMessage", "mcap/message", rr.McapMessage(b"{}"))
# channel_message_counts left out: 0.41's SDK cannot serialize it (it logs a warning instead)
log("McapStatistics", "mcap/stats", rr.McapStatistics(message_count=10, schema_count=1, channel_count=2, attachment_count=0, metadata_count=0, chunk_count=3, message_start_time=1_000, message_end_time=2_000), static=True)
rr.send_columns("scalar/cols", indexes=[rr.TimeColumn("frame", sequence=np.arange(100))], columns=rr.Scalars.columns(scalars=np.arange(100.0)))
rr.log("props", rr.AnyValues(tag="x"), static=True)
rr.send_recording_name("all archetypes")
rr.send_blueprint(rrb.Blueprint(rrb.Horizontal(rrb.Spatial3DView(origin="/world"), rrb.TimeSeriesView(origin="/scalar")), collapse_panels=True))
done.append("Blueprint")
print(",".join(sorted(set(done))))
"""


@pytest.fixture(scope="module")
def oracle_rrd(oracle, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("rrd_interop") / "all.rrd"
    proc = oracle.run_script(ALL_ARCHETYPES_SCRIPT, str(path))
    logged = set(proc.stdout.strip().split(","))
    return path, logged


def _frame_kinds(data: bytes) -> Counter[int]:
    """Count frames by walking the raw stream, independently of our reader."""
    kinds: Counter[int] = Counter()
    off = 12
    while off < len(data):
        kind, length = struct.unpack_from("<QQ", data, off)
        if kind == 0:
            break
        kinds[kind] += 1
        off += 16 + length
    return kinds


def _write(msgs: list[LogMsg], path: Path, *, compression: bool = True) -> Path:
    with RrdWriter(path, compression=compression) as writer:
        for msg in msgs:
            writer.write(msg)
    return path


def test_reads_every_archetype_the_real_sdk_writes(oracle_rrd: tuple[Path, set[str]]) -> None:
    path, logged = oracle_rrd
    assert len(logged) >= 50
    msgs = list(read_messages(path))
    kinds = _frame_kinds(path.read_bytes())
    assert Counter(type(m).__name__ for m in msgs) == {
        "SetStoreInfo": kinds[1],
        "ArrowMsg": kinds[2],
        "BlueprintActivationCommand": kinds[3],
    }
    archetypes: set[str] = set()
    components: set[str] = set()
    for msg in msgs:
        if isinstance(msg, ArrowMsg):
            msg.chunk.validate()
            for desc in msg.chunk.components:
                components.add(desc.component)
                if desc.short_archetype:
                    archetypes.add(desc.short_archetype)
    expected = logged - {"AnyValues", "Blueprint"}
    assert expected <= archetypes, sorted(expected - archetypes)
    assert "confidence" in components  # AnyValues: components without an archetype
    stores = {m.store_id.kind for m in msgs if isinstance(m, SetStoreInfo)}
    assert stores == {StoreKind.RECORDING, StoreKind.BLUEPRINT}
    assert any(isinstance(m, BlueprintActivationCommand) for m in msgs)


@pytest.mark.parametrize("compression", [True, False])
def test_round_trip_passes_real_verify_and_compare(
    oracle,
    oracle_rrd: tuple[Path, set[str]],
    tmp_path: Path,
    compression: bool,  # type: ignore[no-untyped-def]
) -> None:
    path, _ = oracle_rrd
    ours = _write(list(read_messages(path)), tmp_path / "ours.rrd", compression=compression)
    verify = oracle.cli("rrd", "verify", str(ours))
    assert "1 file verified without error" in verify.stdout + verify.stderr
    oracle.cli("rrd", "compare", "--unordered", str(path), str(ours))


def test_compare_notices_a_missing_chunk(oracle, oracle_rrd: tuple[Path, set[str]], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Guards the round-trip test: the real compare does see a difference we introduce."""
    path, _ = oracle_rrd
    msgs = list(read_messages(path))
    last_chunk = max(
        i for i, m in enumerate(msgs) if isinstance(m, ArrowMsg) and m.store_id.kind == StoreKind.RECORDING
    )
    ours = _write(msgs[:last_chunk] + msgs[last_chunk + 1 :], tmp_path / "dropped.rrd")
    proc = oracle.cli("rrd", "compare", "--unordered", str(path), str(ours), check=False)
    assert proc.returncode != 0


def test_real_cli_reads_our_file_chunk_for_chunk(
    oracle, oracle_rrd: tuple[Path, set[str]], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path, _ = oracle_rrd
    ours = _write(list(read_messages(path)), tmp_path / "ours.rrd")
    theirs_print = oracle.cli("rrd", "print", str(path)).stdout
    ours_print = oracle.cli("rrd", "print", str(ours)).stdout
    assert theirs_print.count("Chunk(") == ours_print.count("Chunk(") > 50
    # ...and the real reader finds exactly our chunk ids
    ids = {str(m.chunk.id) for m in read_messages(ours) if isinstance(m, ArrowMsg)}
    assert all(f"chunk_{i}" in ours_print for i in ids)


def test_concatenated_real_files(oracle_rrd: tuple[Path, set[str]], tmp_path: Path) -> None:
    path, _ = oracle_rrd
    data = path.read_bytes()
    once = list(read_messages(data))
    twice = list(read_messages(data + data))
    assert len(twice) == 2 * len(once)
    assert [type(m) for m in twice[len(once) :]] == [type(m) for m in once]


def test_real_merge_output_reads(oracle, oracle_rrd: tuple[Path, set[str]], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Files the real CLI writes (merge/optimize) read too, and our reading of them round-trips."""
    path, _ = oracle_rrd
    optimized = tmp_path / "optimized.rrd"
    oracle.cli("rrd", "optimize", str(path), "-o", str(optimized))
    msgs = list(read_messages(optimized))
    assert sum(isinstance(m, ArrowMsg) for m in msgs) > 0
    ours = _write(msgs, tmp_path / "ours.rrd")
    oracle.cli("rrd", "verify", str(ours))
    oracle.cli("rrd", "compare", "--unordered", str(optimized), str(ours))


def test_footer_of_real_file_matches_its_chunks(oracle_rrd: tuple[Path, set[str]]) -> None:
    path, _ = oracle_rrd
    manifests = read_footer(path)
    assert manifests is not None
    msgs = list(read_messages(path))
    for manifest in manifests:
        chunks = [m for m in msgs if isinstance(m, ArrowMsg) and m.store_id == manifest.store_id]
        ids = {bytes(x) for x in manifest.table.column("chunk_id").to_pylist()}
        assert ids == {m.chunk.id.to_bytes() for m in chunks}


def test_our_manifest_matches_the_real_one(oracle_rrd: tuple[Path, set[str]], tmp_path: Path) -> None:
    """Same columns (names, types, order) and same values, chunk byte positions aside."""
    path, _ = oracle_rrd
    ours = _write(list(read_messages(path)), tmp_path / "ours.rrd")
    theirs_m, ours_m = read_footer(path), read_footer(ours)
    assert theirs_m is not None and ours_m is not None
    by_store = {m.store_id: m for m in theirs_m}  # the real writer's manifest order varies
    assert set(by_store) == {m.store_id for m in ours_m}
    for b in ours_m:
        a = by_store[b.store_id]
        assert a.table.schema.names == b.table.schema.names
        assert a.table.schema == b.table.schema
        position = {"chunk_byte_offset", "chunk_byte_size", "chunk_byte_size_uncompressed"}
        keep = [n for n in a.table.schema.names if n not in position]
        assert a.table.select(keep).equals(b.table.select(keep))
        theirs_fields = {f.name: f for f in a.sorbet_schema}
        for f in b.sorbet_schema:
            assert f.equals(theirs_fields[f.name], check_metadata=True), f.name
        assert len(theirs_fields) == len(b.sorbet_schema)


def test_our_multi_store_file_passes_real_verify(
    oracle, oracle_rrd: tuple[Path, set[str]], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Two recordings and a blueprint in one file of ours: the real verify accepts it."""
    from dataclasses import replace

    path, _ = oracle_rrd
    msgs = list(read_messages(path))
    other = [
        replace(m, info=replace(m.info, store_id=replace(m.store_id, recording_id="second")))
        for m in msgs[:1]
    ]
    assert isinstance(msgs[0], SetStoreInfo)
    chunks = [
        ArrowMsg(other[0].store_id, m.chunk)
        for m in msgs
        if isinstance(m, ArrowMsg) and m.store_id == msgs[0].store_id
    ]
    ours = _write([*msgs, *other, *chunks[:5]], tmp_path / "multi.rrd")
    proc = oracle.cli("rrd", "verify", str(ours))
    assert "1 file verified without error" in proc.stdout + proc.stderr
    manifests = read_footer(ours)
    assert manifests is not None and len(manifests) == 3


def test_reads_real_merge_stream_from_stdout(oracle, oracle_rrd: tuple[Path, set[str]]) -> None:  # type: ignore[no-untyped-def]
    """`rerun rrd merge` writes a stream to stdout; we read those bytes as they come."""
    import subprocess

    path, _ = oracle_rrd
    proc = subprocess.run(
        [str(oracle.rerun), "rrd", "merge", str(path)], capture_output=True, timeout=120, env=oracle.env()
    )
    assert proc.returncode == 0, proc.stderr
    msgs = list(read_messages(proc.stdout))
    assert sum(isinstance(m, ArrowMsg) for m in msgs) > 50
