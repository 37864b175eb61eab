"""Recording-stream conformance: the same script under our SDK and the real rerun-sdk 0.41.

The real CLI judges: after ``rerun rrd optimize`` on both files (chunk boundaries depend on
timing), ``rerun rrd compare --unordered`` must find them equal, and our file must pass
``rerun rrd verify``. ``compare`` ignores ``log_time``, row and chunk ids and the recording's
``RecordingInfo:start_time`` (checked: files differing only there compare equal, while a
differing recording name or value does not), so scripts need not disable or pin them;
recording ids are fixed so both sides name the same store.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import Oracle, ours_env

pytestmark = pytest.mark.interop

PRELUDE = """
import sys, threading
from datetime import datetime, timedelta, timezone
import numpy as np
import rerun as rr
OUT = sys.argv[1]
DATA = sys.argv[2]
"""

CASES: dict[str, str] = {
    "save_sequence": """
        rr.init("conf", recording_id="r1")
        rr.save(OUT)
        for i in range(20):
            rr.set_time("frame", sequence=i)
            rr.log("scalar", rr.Scalars(np.sin(i / 3)))
            rr.log("world/points", rr.Points3D(np.arange(12).reshape(4, 3) * i, radii=0.1))
    """,
    "time_types": """
        rr.init("conf", recording_id="r1")
        rr.save(OUT)
        rr.set_time("d_float", duration=1.25)
        rr.set_time("d_int", duration=3)
        rr.set_time("d_td", duration=timedelta(milliseconds=5))
        rr.set_time("d_np", duration=np.timedelta64(7, "us"))
        rr.log("a", rr.Scalars(1.0))
        rr.set_time("ts_float", timestamp=1_700_000_000.5)
        rr.set_time("ts_naive", timestamp=datetime(2024, 5, 6, 7, 8, 9))
        rr.set_time("ts_aware", timestamp=datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone(timedelta(hours=2))))
        rr.set_time("ts_np", timestamp=np.datetime64("2024-01-01T00:00:00.123456789"))
        rr.set_time("seq", sequence=np.int64(42))
        rr.log("b", rr.Scalars(2.0))
        rr.disable_timeline("d_float")
        rr.log("c", rr.Scalars(3.0))
        rr.reset_time()
        rr.log("d", rr.Scalars(4.0))
    """,
    "static_and_paths": """
        rr.init("conf", recording_id="r1")
        rr.save(OUT)
        rr.set_time("frame", sequence=1)
        rr.log("static/thing", rr.TextDocument("hello"), static=True)
        rr.log(["world", 42, "my image!", "a/b"], rr.Scalars(1.0))
        rr.log("esc/" + rr.escape_entity_path_part("x y"), rr.Scalars(2.0))
        rr.log(rr.new_entity_path(["n", 1]), rr.Scalars(3.0))
        rr.log("multi", rr.Points3D([[1, 2, 3]]), rr.AnyValues(confidence=[0.5]))
    """,
    "log_tick": """
        rr.init("conf", recording_id="r1")
        rr.save(OUT)
        rr.log("before", rr.Scalars(0.0))  # counted although log_tick is off
        rr.send_recording_name("n")
        rr.set_log_tick_enabled(True)
        for i in range(5):
            rr.log("ticked", rr.Scalars(float(i)))
            rr.log("static", rr.TextDocument(str(i)), static=True)
        rr.send_columns("cols", indexes=[rr.TimeColumn("f", sequence=[1])], columns=rr.Scalars.columns(scalars=[1.0]))
        rr.log("ticked", rr.Scalars(9.0))
    """,
    "send_columns": """
        rr.init("conf", recording_id="r1")
        rr.save(OUT)
        rr.set_time("frame", sequence=1000)  # ignored by send_columns
        times = np.arange(0, 64)
        rr.send_columns("scalars", indexes=[rr.TimeColumn("step", sequence=times)],
                        columns=rr.Scalars.columns(scalars=np.cos(times / 10.0)))
        rr.send_columns("dur", indexes=[rr.TimeColumn("t", duration=np.arange(5) * 0.5),
                                        rr.TimeColumn("ts", timestamp=1_700_000_000 + np.arange(5))],
                        columns=rr.Scalars.columns(scalars=np.arange(5.0)))
        pos = np.arange(30, dtype=np.float32).reshape(10, 3)
        rr.send_columns("pts", indexes=[rr.TimeColumn("frame", sequence=[0, 1, 2])],
                        columns=rr.Points3D.columns(positions=pos).partition([2, 3, 5]))
    """,
    "properties": """
        rr.init("conf", recording_id="r1")
        rr.save(OUT)
        rr.send_recording_start_time_nanos(1_600_000_000_000_000_000)
        rr.send_recording_name("my recording")
        rr.send_property("config", rr.AnyValues(learning_rate=0.01, name="adam"))
        rr.log("x", rr.Scalars(1.0))
    """,
    "buffered_then_save": """
        rr.init("conf", recording_id="r1")
        rr.set_time("frame", sequence=1)
        rr.log("early", rr.Scalars(1.0))
        rr.save(OUT)
        rr.set_time("frame", sequence=2)
        rr.log("late", rr.Scalars(2.0))
    """,
    "memory_drain": """
        rr.init("conf", recording_id="r1")
        mem = rr.memory_recording()
        rr.set_time("frame", sequence=3)
        rr.log("m", rr.Points2D([[1, 2], [3, 4]], labels=["a", "b"]))
        open(OUT, "wb").write(mem.drain_as_bytes())
    """,
    "set_sinks_tee": """
        rr.init("conf", recording_id="r1")
        rr.set_sinks(rr.FileSink(OUT), rr.FileSink(OUT + ".copy.rrd"))
        rr.set_time("frame", sequence=1)
        rr.log("tee", rr.Scalars(5.0))
    """,
    "explicit_recordings": """
        a = rr.RecordingStream("conf", recording_id="r1")
        b = rr.RecordingStream("other", recording_id="r2")
        a.save(OUT)
        b.save(OUT + ".b.rrd")
        with a:
            rr.set_time("frame", sequence=1)
            rr.log("in_a", rr.Scalars(1.0))
        b.set_time("frame", sequence=2)
        b.log("in_b", rr.Scalars(2.0))
        rr.log("nowhere", rr.Scalars(3.0))  # no global recording: a no-op
    """,
    "threads": """
        rr.init("conf", recording_id="r1")
        rr.save(OUT)
        def work(k):
            for i in range(50):
                rr.set_time("frame", sequence=i)
                rr.log(f"thread/{k}", rr.Scalars(float(i * k)))
        ts = [threading.Thread(target=work, args=(k,)) for k in range(4)]
        [t.start() for t in ts]
        [t.join() for t in ts]
    """,
    "thread_local": """
        rr.init("conf", recording_id="r1")
        rr.save(OUT)
        other = rr.RecordingStream("other", recording_id="r2")
        other.save(OUT + ".other.rrd")
        def work():
            rr.set_thread_local_data_recording(other)
            rr.log("from_thread", rr.Scalars(1.0))
        t = threading.Thread(target=work)
        t.start(); t.join()
        rr.log("from_main", rr.Scalars(2.0))
    """,
    "log_files": """
        rr.init("conf", recording_id="r1")
        rr.save(OUT)
        for name in ["img.png", "img.jpg", "mesh.obj", "mesh.stl", "mesh.glb", "mesh.gltf"]:
            rr.log_file_from_path(f"{DATA}/{name}", entity_path_prefix="files")
        rr.log_file_from_contents("virtual/pic.png", open(f"{DATA}/img.png", "rb").read())
    """,
    "log_file_rrd": """
        src = rr.RecordingStream("conf", recording_id="r1")
        src.save(f"{OUT}.src.rrd")
        src.set_time("frame", sequence=7)
        src.log("inner", rr.Scalars(7.0))
        src.flush()
        del src
        rr.init("conf", recording_id="r1")
        rr.save(OUT)
        rr.log_file_from_path(f"{OUT}.src.rrd")
    """,
    "disconnect": """
        rr.init("conf", recording_id="r1")
        rr.save(OUT)
        rr.log("kept", rr.Scalars(1.0))
        rr.disconnect()
        rr.log("dropped", rr.Scalars(2.0))
    """,
    "docs_column_and_partial_updates": """
        import os
        os.environ["RERUN_FLUSH_TICK_SECS"] = "30"  # one chunk per component set on both sides
        rr.init("rerun_example_points3d_column_updates", recording_id="r1")
        rr.save(OUT)
        times = np.arange(10, 15, 1.0)
        positions = [
            [1.0, 0.0, 1.0], [0.5, 0.5, 2.0],
            [1.5, -0.5, 1.5], [1.0, 1.0, 2.5], [-0.5, 1.5, 1.0], [-1.5, 0.0, 2.0],
            [2.0, 0.0, 2.0], [1.5, -1.5, 3.0], [0.0, -2.0, 2.5], [1.0, -1.0, 3.5],
            [-2.0, 0.0, 2.0], [-1.5, 1.5, 3.0], [-1.0, 1.0, 3.5],
            [1.0, -1.0, 1.0], [2.0, -2.0, 2.0], [3.0, -1.0, 3.0], [2.0, 0.0, 4.0],
        ]
        colors = [0xFF0000FF, 0x00FF00FF, 0x0000FFFF, 0xFFFF00FF, 0x00FFFFFF]
        radii = [0.05, 0.01, 0.2, 0.1, 0.3]
        rr.send_columns(
            "points",
            indexes=[rr.TimeColumn("time", duration=times)],
            columns=[
                *rr.Points3D.columns(positions=positions).partition(lengths=[2, 4, 4, 3, 4]),
                *rr.Points3D.columns(colors=colors, radii=radii),
            ],
        )
        for i in range(5):
            rr.set_time("frame", sequence=i)
            if i == 0:
                rr.log("partial", rr.Points3D([[0, 0, 0], [1, 1, 1]], radii=0.1))
            elif i == 3:
                rr.log("partial", rr.Points3D.from_fields(radii=[0.3, 0.4]))
            elif i == 4:
                rr.log("partial", rr.Points3D.cleared())
            else:
                rr.log("partial", rr.Points3D.from_fields(colors=[255, 0, 0]))
    """,
    # Rerun's docs snippets, unchanged but for the sink: chunk boundaries come from the batcher's
    # byte estimate (images) and from rows of different archetypes sharing datatypes (poses).
    # A long flush tick keeps a busy machine's timing out of the chunking on both sides.
    "docs_image_row_updates": """
        import os
        os.environ["RERUN_FLUSH_TICK_SECS"] = "30"
        rr.init("rerun_example_image_row_updates", recording_id="r1")
        rr.save(OUT)
        for t in range(20):
            rr.set_time("time", sequence=t)
            image = np.zeros((200, 300, 3), dtype=np.uint8)
            image[:, :, 2] = 255
            image[50:150, (t * 10) : (t * 10 + 100)] = (0, 255, 255)
            rr.log("image", rr.Image(image))
    """,
    "docs_instance_poses3d_combined": """
        import os
        os.environ["RERUN_FLUSH_TICK_SECS"] = "30"
        rr.init("rerun_example_instance_pose3d_combined", recording_id="r1")
        rr.save(OUT)
        rr.set_time("frame", sequence=0)
        rr.log("world/box", rr.Boxes3D(half_sizes=[[1.0, 1.0, 1.0]]))
        grid = np.vstack([xyz.ravel() for xyz in np.mgrid[3 * [slice(-10, 10, 10j)]]]).T
        rr.log("world/box/points", rr.Points3D(grid))
        for i in range(0, 180):
            rr.set_time("frame", sequence=i)
            rotation = rr.RotationAxisAngle([0, 0, 1], angle=rr.Angle(deg=i * 2))
            rr.log("world/box", rr.Transform3D(rotation_axis_angle=rotation))
            rr.log("world/box", rr.InstancePoses3D(translations=[0, 0, abs(i * 0.1 - 5.0) - 5.0]))
    """,
    "blueprint": """
        import rerun.blueprint as rrb
        rr.init("conf", recording_id="r1")
        rr.save(OUT, default_blueprint=rrb.Spatial3DView(origin="/world"))
        rr.log("world/p", rr.Points3D([[1, 2, 3]]))
        rr.send_blueprint(rrb.Blueprint(rrb.TimeSeriesView(origin="/ts")), make_active=True)
    """,
    "send_dataframe": """
        import pyarrow as pa
        rr.init("conf", recording_id="r1")
        rr.save(OUT)
        frame = pa.field("frame", pa.int64(), metadata={b"rerun:kind": b"index", b"rerun:index_name": b"frame"})
        meta = {b"rerun:kind": b"data", b"rerun:entity_path": b"/df/scalars", b"rerun:component": b"Scalars:scalars",
                b"rerun:archetype": b"rerun.archetypes.Scalars", b"rerun:component_type": b"rerun.components.Scalar"}
        vals = pa.field("Scalars:scalars", pa.list_(pa.float64()), metadata=meta)
        table = pa.table([pa.array([1, 2, 3]), pa.array([[1.0], [2.0], [3.0]])], schema=pa.schema([frame, vals]))
        rr.send_dataframe(table)
    """,
    "script_helpers": """
        import argparse
        parser = argparse.ArgumentParser()
        rr.script_add_args(parser)
        args = parser.parse_args(["--save", OUT])
        rr.script_setup(args, "conf", recording_id="r1")
        rr.log("helper", rr.Scalars(1.0))
        rr.script_teardown(args)
    """,
}

# Cases compared without `rrd optimize`: rows of one entity with different component sets
# get merged by optimize in an order that depends on the input chunk order, which the real
# SDK randomizes (its batcher flushes a hash map). With a long flush tick both SDKs cut exactly
# one chunk per component set, so the raw files compare deterministically.
RAW_COMPARE = {"docs_column_and_partial_updates"}

# Extra files a case writes besides OUT, compared the same way.
EXTRA_OUTPUTS = {
    "set_sinks_tee": [".copy.rrd"],
    "explicit_recordings": [".b.rrd"],
    "thread_local": [".other.rrd"],
}


def _make_data(d: Path) -> Path:
    import numpy as np
    from PIL import Image

    d.mkdir(exist_ok=True)
    img = (np.arange(48, dtype=np.uint8).reshape(4, 4, 3) * 5).astype(np.uint8)
    Image.fromarray(img).save(d / "img.png")
    Image.fromarray(img).save(d / "img.jpg", quality=90)
    (d / "mesh.obj").write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    (d / "mesh.stl").write_text(
        "solid t\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\n"
        "vertex 0 1 0\nendloop\nendfacet\nendsolid t\n"
    )
    (d / "mesh.glb").write_bytes(b"glTF\x02\x00\x00\x00\x0c\x00\x00\x00")
    (d / "mesh.gltf").write_text('{"asset": {"version": "2.0"}}')
    return d


def _run(python: Path, code: str, out: Path, data: Path, env: dict[str, str], stdout_to: Path | None) -> None:
    script = PRELUDE + textwrap.dedent(code)
    args = [str(python), *(["-P"] if "oracle" in str(python) else []), "-c", script, str(out), str(data)]
    with open(stdout_to, "wb") if stdout_to else open("/dev/null", "wb") as sink:
        proc = subprocess.run(args, stdout=sink, stderr=subprocess.PIPE, timeout=120, env=env, cwd=out.parent)
    if proc.returncode != 0:
        raise AssertionError(f"{python} failed:\n{proc.stderr.decode(errors='replace')}")


def _compare(oracle: Oracle, ours: Path, theirs: Path, *, optimize: bool = True) -> None:
    oracle.cli("rrd", "verify", str(ours))
    opt = [ours, theirs]
    for i, f in enumerate(opt if optimize else []):
        dst = f.with_suffix(".opt.rrd")
        oracle.cli("rrd", "optimize", str(f), "-o", str(dst))
        opt[i] = dst
    proc = oracle.cli("rrd", "compare", "--unordered", str(opt[0]), str(opt[1]), check=False)
    assert proc.returncode == 0, f"{ours.name} differs from the oracle's:\n{proc.stderr[-6000:]}"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _make_data(tmp_path_factory.mktemp("data"))


@pytest.mark.parametrize("case", sorted(CASES))
def test_case_matches_oracle(case: str, oracle: Oracle, tmp_path: Path, data_dir: Path) -> None:
    code = CASES[case]
    ours, theirs = tmp_path / "ours", tmp_path / "oracle"
    ours.mkdir()
    theirs.mkdir()
    _run(Path(sys.executable), code, ours / "rec.rrd", data_dir, ours_env(), None)
    _run(Oracle.python, code, theirs / "rec.rrd", data_dir, oracle.env(), None)
    _compare(oracle, ours / "rec.rrd", theirs / "rec.rrd", optimize=case not in RAW_COMPARE)
    for suffix in EXTRA_OUTPUTS.get(case, []):
        _compare(oracle, ours / f"rec.rrd{suffix}", theirs / f"rec.rrd{suffix}")


def test_stdout_mode_matches_oracle(oracle: Oracle, tmp_path: Path, data_dir: Path) -> None:
    code = """
        rr.init("conf", recording_id="r1")
        rr.stdout()
        rr.set_time("frame", sequence=1)
        rr.log("piped", rr.Points3D([[1, 2, 3]]))
    """
    _run(Path(sys.executable), code, tmp_path / "unused", data_dir, ours_env(), tmp_path / "ours.rrd")
    _run(Oracle.python, code, tmp_path / "unused", data_dir, oracle.env(), tmp_path / "oracle.rrd")
    _compare(oracle, tmp_path / "ours.rrd", tmp_path / "oracle.rrd")
