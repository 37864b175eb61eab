"""`rerun.chunk` pipelines give what rerun-sdk 0.41 gives.

The real SDK writes the input recordings; the same chunk-API script (filter, drop, split,
merge, map, flat_map, lenses, collect, write_rrd / send_chunks) then runs under both SDKs. Their
printed store summaries must be equal and the real `rrd compare` must judge the written files
equal, without `rrd optimize` in between (so chunking is compared too).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Oracle, ours_env
from tests.interop.test_docs_examples import _snippet_text

pytestmark = pytest.mark.interop

GEN_MIXED = """
import sys, numpy as np, rerun as rr
rec = rr.RecordingStream("rerun_example_chunk_gen", recording_id="gen")
rec.save(sys.argv[1])
rec.log("/static/text", rr.TextDocument("hello"), static=True)
rec.flush()  # two static chunks: the newer overwrites the older one
rec.log("/static/text", rr.TextDocument("hello again"), static=True)
rng = np.random.default_rng(1)
for i in range(40):
    rec.set_time("frame", sequence=i)
    rec.set_time("t", duration=i * 0.1)
    rec.log("/world/points", rr.Points3D(rng.random((5, 3)), colors=[255, 0, 0], radii=[0.1] * 5))
    rec.log("/world/scalar", rr.Scalars([float(i), float(2 * i)]))
    if i % 3 == 0:
        rec.log("/world/imu", rr.AnyValues(accel=[{"x": float(i), "y": float(-i), "elapsed": i * 1000}]))
    if i % 7 == 0:
        rec.log("/world/text", rr.TextLog(f"line {i}", level="INFO"))
rec.send_columns(
    "/cols", indexes=[rr.TimeColumn("frame", sequence=range(100))], columns=rr.Scalars.columns(scalars=np.arange(100.0))
)
rec.send_property("meta", rr.AnyValues(note="x"))
"""

GEN_SMALL_CHUNKS = """
import sys, numpy as np, pyarrow as pa, rerun as rr
rec = rr.RecordingStream("rerun_example_chunk_gen2", recording_id="gen2")
rec.save(sys.argv[1])
for k in range(30):
    rec.send_columns("/small", indexes=[rr.TimeColumn("frame", sequence=range(k * 5, k * 5 + 5))],
                     columns=rr.Scalars.columns(scalars=np.arange(5.0) + k))
    rec.send_columns("/unsorted", indexes=[rr.TimeColumn("frame", sequence=[100 - k, 50 + k])],
                     columns=rr.Points2D.columns(positions=[[k, 0], [0, k]]))
poses = pa.array([[{"x": float(i), "y": 1.0, "z": 2.0, "w": 1.0}] * (i % 3) for i in range(12)])
rec.send_columns("/robot", indexes=[rr.TimeColumn("tick", sequence=range(12))],
                 columns=rr.DynamicArchetype.columns(archetype="Robot", components={"poses": poses}))
"""

GEN_THICK_THIN = """
import sys, numpy as np, rerun as rr
rec = rr.RecordingStream("rerun_example_chunk_gen3", recording_id="gen3")
rec.save(sys.argv[1])
for i in range(10):
    rec.set_time("frame", sequence=i)
    rec.log("/cam", rr.Image(np.zeros((64, 64, 3), dtype=np.uint8) + i), rr.Scalars(float(i)), rr.TextLog("t"))
    rec.log("/mixed", rr.Points3D(np.zeros((200, 3)), colors=[1, 2, 3]), rr.AnyValues(tag="x"))
"""

# collect(optimize=...) with thick/thin splitting (OBJECT_STORE's split_size_ratio) and custom ratios.
PIPE_OPTIMIZE_PROFILES = """
import sys
from rerun.chunk import OptimizationProfile, RrdReader
src, out = sys.argv[1], sys.argv[2]
r = RrdReader(src)
print(r.stream().collect(optimize=OptimizationProfile(split_size_ratio=1.0)).summary())
print(r.stream().collect(optimize=OptimizationProfile(split_size_ratio=3.0)).summary())
store = r.stream().collect(optimize=OptimizationProfile.OBJECT_STORE)
print(store.summary())
store.write_rrd(out, application_id="rerun_example_chunk_gen3", recording_id="opt")
"""

# filter/drop/map/lenses(forward_all)/collect/write_rrd, plus the lazy store's manifest summary.
PIPE_FILTER_MAP_LENS = """
import sys, pyarrow.compute as pc, rerun as rr
from rerun.chunk import DeriveLens, MutateLens, RrdReader, Selector
src, out = sys.argv[1], sys.argv[2]
r = RrdReader(src)
print(r.recordings())
print(r.store().summary())
print(r.stream().collect().summary())
def relabel(c):
    return c.with_entity_path("/copy" + c.entity_path) if c.entity_path.startswith("/world/scalar") else c
lens = (DeriveLens("accel", output_entity="/derived/x")
        .to_component(rr.Scalars.descriptor_scalars(), ".x")
        .to_timeline("elapsed", "duration_ns", ".elapsed"))
double = MutateLens("Scalars:scalars", Selector(".").pipe(lambda a: pc.multiply(a, 2.0)))
stream = r.stream().filter(content="/world/**").drop(components="Points3D:radii").map(relabel)
store = stream.lenses([lens, double], output_mode="forward_all").collect()
print(store.summary())
store.write_rrd(out, application_id="rerun_example_chunk_gen", recording_id="out")
"""

# split/merge/flat_map/scatter lenses/collect(optimize=...)/send_chunks into a recording.
PIPE_SPLIT_SCATTER_SEND = """
import sys, rerun as rr
from rerun.chunk import DeriveLens, LazyChunkStream, OptimizationProfile, RrdReader
src, out = sys.argv[1], sys.argv[2]
r = RrdReader(src)
print(len(r.stream().to_chunks()))
print(r.stream().collect().summary())
print(r.stream().collect(optimize=OptimizationProfile.LIVE).summary())
print(r.stream().collect(optimize=OptimizationProfile(max_rows=20)).summary())
scatter = (DeriveLens("Robot:poses", output_entity="/robot/pose", scatter=True)
           .to_translation("x", "y", "z").to_quaternion("x", "y", "z", "w"))
scalars = DeriveLens("Robot:poses").to_scalars("x", "y")
robot, rest = r.stream().split(content="/robot")
dup = lambda c: [c, c.with_entity_path("/dup" + c.entity_path)] if c.entity_path == "/small" else [c]
merged = LazyChunkStream.merge(
    robot.lenses([scalars, scatter], output_mode="forward_unmatched"),
    rest.filter(is_static=False).flat_map(dup),
)
rec = rr.RecordingStream("rerun_example_chunk_gen2", recording_id="out2")
rec.save(out)
rr.send_chunks(merged, recording=rec)
rec.flush()
"""

# drop_unmatched lenses on a lazy store, Chunk.apply_lenses / apply_selector, ChunkStore.from_chunks.
PIPE_LAZY_STORE = """
import sys, rerun as rr
from rerun.chunk import ChunkStore, DeriveLens, MutateLens, RrdReader
src, out = sys.argv[1], sys.argv[2]
lazy = RrdReader(src).store()
print(len(lazy), lazy.summary())
points = MutateLens("Points3D:positions", ".[0]?", keep_row_ids=True)
lens = DeriveLens("Scalars:scalars", output_entity="/first").to_component(rr.Scalars.descriptor_scalars(), ".")
chunks = lazy.stream().lenses([points, lens], output_mode="drop_unmatched").to_chunks()
extra = [c.apply_selector("Points3D:colors", ".") for c in lazy.stream().filter(components="Points3D:colors")]
extra += [x for c in lazy.stream().filter(content="/world/text") for x in c.apply_lenses(
    DeriveLens("TextLog:text").to_component("TextLog:body", 'string_prefix("> ")'))]
store = ChunkStore.from_chunks(chunks + extra)
print(store, store.summary())
store.write_rrd(out, application_id="rerun_example_chunk_gen", recording_id="out3")
"""

# A catalog segment as a LazyStore: manifest summary, pushed-down filter (chunks loaded), write.
PIPE_SERVER_SEGMENT = """
import sys, rerun as rr
src, out = sys.argv[1], sys.argv[2]
with rr.server.Server(datasets={"ds": [src]}) as srv:
    ds = srv.client().get_dataset("ds")
    lazy = ds.segment_store(ds.segment_ids()[0])
    print(type(lazy).__name__, len(lazy))
    print(lazy.summary())
    print(lazy.stream().collect().summary())
    lazy.stream().filter(content="/world/**").write_rrd(out, application_id="rerun_example_chunk_gen", recording_id="s")
    print(lazy._chunks_loaded)
"""

# ChunkStore.reader (a DataFusion frame) and schema(), LazyStore.schema(), ChunkStore.write_rrd.
PIPE_STORE_VIEWS = """
import sys
from rerun.chunk import RrdReader
src, out = sys.argv[1], sys.argv[2]
store = RrdReader(src).stream().collect()
for index in ["frame", None]:
    table = store.reader(index).to_arrow_table()
    print(index, table.num_rows, table.schema.names)
    print(table.sort_by("frame").slice(0, 3).to_pylist() if index else table.to_pylist())
table = store.reader("frame", contents="/world/scalar", fill_latest_at=True).to_arrow_table()
print(table.num_rows, table.schema.names)
print([str(c) for c in store.schema()])
print([str(c) for c in RrdReader(src).store().schema()])
store.write_rrd(out, application_id="rerun_example_chunk_gen", recording_id="views")
"""

GENERATORS = {"mixed": GEN_MIXED, "small_chunks": GEN_SMALL_CHUNKS, "thick_thin": GEN_THICK_THIN}
PIPELINES = {
    "filter_map_lens": ("mixed", PIPE_FILTER_MAP_LENS),
    "split_scatter_send": ("small_chunks", PIPE_SPLIT_SCATTER_SEND),
    "lazy_store": ("mixed", PIPE_LAZY_STORE),
    "server_segment": ("mixed", PIPE_SERVER_SEGMENT),
    "store_views": ("mixed", PIPE_STORE_VIEWS),
    "optimize_profiles": ("thick_thin", PIPE_OPTIMIZE_PROFILES),
}


def _run(python: list[str], env: dict[str, str], script: Path, *args: Path) -> str:
    proc = subprocess.run(
        [*python, str(script), *map(str, args)], capture_output=True, text=True, timeout=180, env=env
    )
    assert proc.returncode == 0, f"{script.name} failed under {python[0]}:\n{proc.stderr[-4000:]}"
    return proc.stdout


@pytest.fixture(scope="module")
def inputs(oracle: Oracle, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The input recordings, written by the real SDK."""
    root = tmp_path_factory.mktemp("chunk_inputs")
    out = {}
    for name, code in GENERATORS.items():
        out[name] = root / f"{name}.rrd"
        oracle.run_script(code + "\nrec.flush()\nrec.disconnect()\n", str(out[name]))
    return out


def _compare_files(oracle: Oracle, ours: Path, theirs: Path) -> None:
    oracle.cli("rrd", "verify", str(ours))
    proc = oracle.cli("rrd", "compare", "--unordered", str(ours), str(theirs), check=False)
    assert proc.returncode == 0, f"{ours.name} differs from the oracle's:\n{proc.stderr[-6000:]}"


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_pipeline_matches_oracle(name: str, inputs: dict[str, Path], oracle: Oracle, tmp_path: Path) -> None:
    source, code = PIPELINES[name]
    script = tmp_path / f"{name}.py"
    script.write_text(code)
    ours_out, theirs_out = tmp_path / "ours.rrd", tmp_path / "oracle.rrd"
    ours = _run([sys.executable], ours_env(), script, inputs[source], ours_out)
    theirs = _run([str(Oracle.python), "-P"], oracle.env(), script, inputs[source], theirs_out)
    assert ours == theirs
    _compare_files(oracle, ours_out, theirs_out)


def test_lenses_snippet_matches_oracle(oracle: Oracle, tmp_path: Path) -> None:
    """Rerun's `concepts/lenses` snippet (spawn swapped for a save): equal, in order too."""
    text = _snippet_text("concepts/lenses")
    if text is None:
        pytest.skip("no Rerun checkout: set RERUN_REPO to one to run Rerun's own snippets")
    text = (
        text.replace("spawn=True", "spawn=False")
        + "\nimport sys as _s\nimport rerun as _r\n_r.save(_s.argv[1])\n"
    )
    script = tmp_path / "lenses.py"
    script.write_text(text)
    ours, theirs = tmp_path / "ours.rrd", tmp_path / "oracle.rrd"
    _run([sys.executable], ours_env(), script, ours)
    _run([str(Oracle.python), "-P"], oracle.env(), script, theirs)
    oracle.cli("rrd", "verify", str(ours))
    proc = oracle.cli("rrd", "compare", str(ours), str(theirs), check=False)
    assert proc.returncode == 0, f"lenses snippet differs from the oracle's:\n{proc.stderr[-6000:]}"


SELECTOR_CASES = r"""
import pyarrow as pa
from rerun.chunk import Selector
imu = pa.StructArray.from_arrays(
    [pa.array([1.0, None, 3.0]), pa.array([4.0, 5.0, 6.0]), pa.array([0, 10, 20], pa.int64())],
    names=["x", "y", "elapsed"], mask=pa.array([False, False, True]))
lists = pa.ListArray.from_arrays(pa.array([0, 2, 2, 3], pa.int32()), imu)
nested = pa.array([{"poses": [{"x": 1}, {"x": 2}]}, {"poses": []}, {"poses": None}, None])
fsl = pa.FixedSizeListArray.from_arrays(pa.array([1.0, 2, 3, 4, 5, 6]), 3)
texts = pa.array(["x", None])
cases = [
    (".x", imu), (".x!", imu), (".", imu), ("pack(.x!, .y!)", imu), (".[]", lists), (".[0]", lists),
    (".[5]", lists), ("map(.x)", lists), ("map(.x!)", lists), (".poses[].x", nested), (".poses", nested),
    (".poses[0]", nested), (".poses[]", nested), (".[]", fsl), ('string_prefix("a/")', texts),
    (".nope", imu), (".nope?", imu), (".x | .y?", imu), (".x.y", imu), ('"const"', imu), ("pack(.y, .y)", imu),
]
for query, arr in cases:
    for how in ("execute", "execute_per_row"):
        src = arr
        if how == "execute_per_row":
            if pa.types.is_list(arr.type):
                continue
            src = pa.ListArray.from_arrays(pa.array([0, 1, 1, len(arr)], pa.int32()), arr)
        try:
            got = getattr(Selector(query), how)(src)
            print(query, how, str(Selector(query)), None if got is None else (str(got.type), got.to_pylist()))
        except Exception as exc:
            print(query, how, "error", type(exc).__name__)
rows = pa.array([[{"x": [1.0, None]}], [{"x": []}], [{"x": None}], []])
for query in [".x!", ".x[]!", ".x[]", ".x[0]!", "map(.x[]!)"]:
    try:
        print(query, "per_row", Selector(query).execute_per_row(rows).to_pylist())
    except Exception as exc:
        print(query, "per_row error", type(exc).__name__)
for query in ["", ".x[", "@", ".foo @", "pack()", "pack(.[])", "map(.x", ".[a]", "a(1)", "..", ".x.[0]", 'f("a"; "b")']:
    try:
        print(repr(query), repr(Selector(query)))
    except Exception as exc:
        print(repr(query), type(exc).__name__, exc)
"""


def test_selectors_evaluate_like_oracle(oracle: Oracle, tmp_path: Path) -> None:
    """Results, result types, printed forms and parse errors (message included) of many selectors."""
    script = tmp_path / "selector_cases.py"
    script.write_text(SELECTOR_CASES)
    ours = _run([sys.executable], ours_env(), script)
    theirs = _run([str(Oracle.python), "-P"], oracle.env(), script)
    assert ours.splitlines() == theirs.splitlines()


RECORD_BATCH_CASES = r"""
import pyarrow as pa, rerun as rr
from rerun.chunk import Chunk
def show(label, fn):
    try:
        out = fn()
        print(label, [(c.entity_path, c.is_static, c.timeline_names, c.to_record_batch().schema.names[1:]) for c in out])
    except ValueError as exc:
        print(label, "ValueError", exc)
    except TypeError:
        print(label, "TypeError")
pos = pa.array([[[1.0, 0.0, 0.0]], [[2.0, 0.0, 0.0]]], type=pa.list_(pa.list_(pa.field("item", pa.float32(), False), 3)))
frame = pa.array([0, 1])
raw = pa.RecordBatch.from_arrays([frame, pos], names=["frame", "/a:Points3D:positions"])
show("raw auto", lambda: Chunk.from_record_batch(raw))
show("raw index", lambda: Chunk.from_record_batch(raw, index="frame"))
show("raw static", lambda: Chunk.from_record_batch(raw, index=None))
show("missing index", lambda: Chunk.from_record_batch(raw, index="nope"))
show("only index", lambda: Chunk.from_record_batch(pa.RecordBatch.from_arrays([frame], names=["frame"]), index="frame"))
show("null index", lambda: Chunk.from_record_batch(
    pa.RecordBatch.from_arrays([pa.array([0, None]), pos], names=["frame", "/a:X:y"]), index="frame"))
show("string index", lambda: Chunk.from_record_batch(
    pa.RecordBatch.from_arrays([pa.array(["a", "b"]), pos], names=["frame", "/a:X:y"]), index="frame"))
show("timestamp index", lambda: Chunk.from_record_batch(
    pa.RecordBatch.from_arrays([pa.array([0, 1], pa.timestamp("ns")), pos], names=["t", "/a:X:y"]), index="t"))
show("plain column", lambda: Chunk.from_record_batch(
    pa.RecordBatch.from_arrays([frame, pa.array([1.0, 2.0])], names=["frame", "val"]), index="frame", entity_path="/e"))
chunk = Chunk.from_columns("/p", [rr.TimeColumn("f", sequence=[1, 2])], rr.Points3D.columns(positions=[[1, 2, 3], [4, 5, 6]]))
whole = chunk.to_record_batch()
show("identified", lambda: Chunk.from_record_batch(whole))
print("keeps id", Chunk.from_record_batch(whole)[0].id == chunk.id)
show("identified + entity_path", lambda: Chunk.from_record_batch(whole, entity_path="/other"))
show("identified static", lambda: Chunk.from_record_batch(whole, index=None))
show("no row ids", lambda: Chunk.from_record_batch(whole.drop_columns(["rerun.controls.RowId"])))
show("not a batch", lambda: Chunk.from_record_batch(whole.to_pydict()))
"""


def test_record_batch_interpretation_matches_oracle(oracle: Oracle, tmp_path: Path) -> None:
    """`Chunk.from_record_batch`: the chunks made, and the ValueError messages of bad batches."""
    script = tmp_path / "record_batches.py"
    script.write_text(RECORD_BATCH_CASES)
    ours = _run([sys.executable], ours_env(), script)
    theirs = _run([str(Oracle.python), "-P"], oracle.env(), script)
    assert ours.splitlines() == theirs.splitlines()


FORMAT_CASES = r"""
import pyarrow as pa, rerun as rr
from rerun.chunk import Chunk
chunks = [
    Chunk.from_columns("/p", [rr.TimeColumn("frame", sequence=[0, 1])], rr.Points3D.columns(positions=[[1, 2, 3], [4, 5, 6]])),
    Chunk.from_columns("/s", [], rr.TextDocument.columns(text=["hello"])),
    Chunk.from_columns("/t", [rr.TimeColumn("t", duration=[1.5])], rr.Scalars.columns(scalars=[2.0])),
    Chunk.from_columns(  # a list<T> array gives the column's rows (null rows empty)
        "/r",
        [rr.TimeColumn("tick", sequence=[0, 1, 2])],
        rr.DynamicArchetype.columns(archetype="R", components={"poses": pa.array([[{"x": 1.0}, {"x": 2.0}], [], None])}),
    ),
]
for chunk in chunks:
    print(chunk.format(redact=True))
"""


def test_redacted_format_matches_oracle(oracle: Oracle, tmp_path: Path) -> None:
    """`Chunk.format(redact=True)` prints the same table (ids, row ids and version hidden)."""
    script = tmp_path / "formats.py"
    script.write_text(FORMAT_CASES)
    ours = _run([sys.executable], ours_env(), script)
    theirs = _run([str(Oracle.python), "-P"], oracle.env(), script)
    assert ours == theirs


LENS_CASES = r"""
import pyarrow as pa, rerun as rr
from rerun.chunk import *
accel = pa.StructArray.from_arrays([pa.array([1.0, 2.0]), pa.array([3, 4], pa.int64())], names=["x", "n"])
c = Chunk.from_columns("/imu", [rr.TimeColumn("f", sequence=[0, 1])], rr.DynamicArchetype.columns(archetype="Imu", components={"accel": accel}))
rid = c.to_record_batch().column(0)
s = c.apply_selector("Imu:accel", ".x")
print("apply_selector keeps rows", s.to_record_batch().column(0).equals(rid), s.id == c.id)
w = c.with_entity_path("/w")
print("with_entity_path keeps rows", w.to_record_batch().column(0).equals(rid))
try: c.apply_selector("Nope:x", ".x")
except Exception as e: print(type(e).__name__, e)
for cast in [None, "auto", pa.float32()]:
    try:
        out = c.apply_lenses(DeriveLens("Imu:accel").to_component(rr.Points3D.descriptor_radii(), ".x", cast_to=cast))
        print(cast, [str(x.to_record_batch().schema.field("Points3D:radii").type) for x in out])
    except Exception as e: print(cast, type(e).__name__, e)
try:
    out = c.apply_lenses(DeriveLens("Imu:accel").to_component("Foo:bar", ".x", cast_to="auto"))
    print("unknown auto", [x.to_record_batch().schema.names for x in out])
except Exception as e: print("unknown auto", type(e).__name__, e)
try:
    out = c.apply_lenses(DeriveLens("Imu:accel").to_component(rr.Points3D.descriptor_radii(), ".x", cast_to=pa.string()))
    print("bad cast", [x.to_record_batch().schema.names for x in out])
except Exception as e: print("bad cast", type(e).__name__, e)
try:
    out = c.apply_lenses([DeriveLens("Imu:accel").to_component("A:b", ".x"), DeriveLens("Imu:accel").to_component("A:b", ".n")])
    print("collision", [x.to_record_batch().schema.names for x in out])
except Exception as e: print("collision", type(e).__name__, e)
try:
    out = c.apply_lenses([MutateLens("Imu:accel", ".x"), MutateLens("Imu:accel", ".n")])
    print("mutate collision", [x.to_record_batch().schema.names for x in out])
except Exception as e: print("mutate collision", type(e).__name__, e)
out = c.apply_lenses(MutateLens("Imu:accel", ".nope"))
print("mutate suppressed", [x.to_record_batch().schema.names for x in out])
d = c.with_entity_path("/other")
got = LazyChunkStream.from_iter([c, d]).lenses(MutateLens("Imu:accel", ".x"), content="/imu").to_chunks()
print("content", [(x.entity_path, str(x.to_record_batch().schema.field("Imu:accel").type)) for x in got])
got = LazyChunkStream.from_iter([c, d]).lenses(MutateLens("Imu:accel", ".x", keep_row_ids=True), output_mode="forward_all").to_chunks()
print("keep ids", [x.to_record_batch().column(0).equals(rid) for x in got])
p = Chunk.from_property("meta", rr.AnyValues(note="x", n=3))
print(p.entity_path, p.is_static, p.to_record_batch().schema.names[1:], p.to_record_batch().num_rows)
try: DeriveLens("Imu:accel").to_timeline("t", "bogus", ".n")
except Exception as e: print(type(e).__name__, e)
try: LazyChunkStream.from_iter([c]).lenses([], output_mode="nope")
except Exception as e: print(type(e).__name__, e)
print(len(c.apply_lenses([])), c.apply_lenses([])[0].id == c.id)
"""


def test_lens_and_chunk_edge_cases_match_oracle(oracle: Oracle, tmp_path: Path) -> None:
    """Row ids kept or minted, casts, collisions, suppressed mutates, content-limited lenses, errors."""
    script = tmp_path / "lens_cases.py"
    script.write_text(LENS_CASES)
    ours = _run([sys.executable], ours_env(), script)
    theirs = _run([str(Oracle.python), "-P"], oracle.env(), script)
    assert ours.splitlines() == theirs.splitlines()
