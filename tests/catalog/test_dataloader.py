"""Rerun's getting-started training flow end to end: recordings written by the real SDK, a
catalog server (ours, and the real ``rerun server``), a dataset, registration, then
``rerun.experimental.dataloader``: the batches of our loader (iterable, every shuffle strategy,
through a torch ``DataLoader``; map-style by position; a timestamp index on a fixed-rate grid)
equal the real 0.41 loader's, tensor for tensor."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rerun_core.server.catalog import CatalogServer
from tests.catalog.catalog_data import fresh_catalog_server
from tests.conftest import Oracle

pytestmark = [pytest.mark.interop, pytest.mark.slow]
torch = pytest.importorskip("torch")

WRITE = r"""
import io, sys
import numpy as np
import rerun as rr
from PIL import Image
out = sys.argv[1]
for seg, n in (("ep_a", 20), ("ep_b", 15)):
    rec = rr.RecordingStream("dl_test", recording_id=seg)
    rec.save(f"{out}/{seg}.rrd")
    rng = np.random.default_rng(len(seg) + n)
    for f in range(n):
        rec.set_time("frame_nr", sequence=f)
        rec.set_time("stamp", timestamp=1_700_000_000 + f * 0.1)
        rec.log("/robot", rr.Scalars([float(f), float(f * 2 + n)]))
        if f % 2 == 0:
            rec.log("/points", rr.Points3D(rng.normal(size=(3, 3)).astype(np.float32)))
        if f % 3 == 2:
            img = Image.fromarray(rng.integers(0, 255, size=(8, 6, 3), dtype=np.uint8))
            buf = io.BytesIO()
            img.save(buf, format="PNG")
            rec.log("/cam", rr.EncodedImage(contents=buf.getvalue(), media_type="image/png"))
    rec.flush()
"""

REGISTER = r"""
import sys
from rerun.catalog import CatalogClient
url, *files = sys.argv[1:]
CatalogClient(url).create_dataset("train").register(files).wait()
"""

LOAD = r"""
import pickle, sys, warnings
from torch.utils.data import DataLoader
from rerun.catalog import CatalogClient
from rerun.experimental.dataloader import (BlockShuffle, DataSource, Field, FixedRateSampling, ImageDecoder,
    NoShuffle, NumericDecoder, RerunIterableDataset, RerunMapDataset, SampleShuffle)
warnings.simplefilter("ignore")
url, out = sys.argv[1], sys.argv[2]
source = DataSource(CatalogClient(url).get_dataset("train"))
fields = {
    "state": Field("/robot:Scalars:scalars", decode=NumericDecoder()),
    "pos": Field("/points:Points3D:positions", decode=NumericDecoder()),
    "img": Field("/cam:EncodedImage:blob", decode=ImageDecoder()),
    "hist": Field("/robot:Scalars:scalars", decode=NumericDecoder(), window=(-2, -1, 0)),
}
def arr(v):
    return None if v is None else v.numpy()
res = {}
for name, strategy in [("none", NoShuffle()), ("sample", SampleShuffle()), ("block", BlockShuffle(buffer_size=8))]:
    ds = RerunIterableDataset(source, "frame_nr", fields, fetch_block_size=16, shuffle_strategy=strategy)
    ds.set_epoch(3)
    res[name] = [{k: arr(v) for k, v in b.items()} for b in DataLoader(ds, batch_size=4)]
m = RerunMapDataset(source, "frame_nr", fields)
res["len"] = len(m)
res["segments"] = [(s.segment_id, s.index_start, s.index_end, s.num_samples) for s in m.sample_index.segments]
res["map"] = [{k: arr(v) for k, v in s.items()} for s in m.__getitems__([0, 1, 5, 17, len(m) - 1])]
early = RerunMapDataset(source, "frame_nr", {"img": fields["img"]})  # frames before the first image
res["early"] = [{k: arr(v) for k, v in s.items()} for s in early.__getitems__([0, 1, 2, 3])]
t = RerunMapDataset(source.filter_segments(["ep_b"]), "stamp", {"state": fields["state"]},
                    timeline_sampling=FixedRateSampling(rate_hz=25))
res["time_len"] = len(t)
res["time"] = [{k: arr(v) for k, v in s.items()} for s in t.__getitems__(list(range(0, len(t), 3)))]
pickle.dump(res, open(out, "wb"))
"""


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory, oracle: Oracle) -> list[str]:
    root = tmp_path_factory.mktemp("dataloader")
    oracle.run_script(WRITE, str(root))
    return [(root / f"{seg}.rrd").as_uri() for seg in ("ep_a", "ep_b")]


def _load(python: list[str], env: dict[str, str] | None, url: str, out: Path, script: str = LOAD) -> Any:
    proc = subprocess.run(
        [*python, "-c", script, url, str(out)], capture_output=True, text=True, timeout=300, env=env
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    with out.open("rb") as f:
        return pickle.load(f)


def _assert_same(ours: Any, theirs: Any, path: str = "") -> None:
    if isinstance(theirs, dict):
        assert set(ours) == set(theirs), path
        for k in theirs:
            _assert_same(ours[k], theirs[k], f"{path}.{k}")
    elif isinstance(theirs, (list, tuple)):
        assert len(ours) == len(theirs), path
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            _assert_same(a, b, f"{path}[{i}]")
    elif isinstance(theirs, np.ndarray):
        assert isinstance(ours, np.ndarray), path
        assert (ours.dtype, ours.shape) == (theirs.dtype, theirs.shape), path
        assert np.array_equal(ours, theirs), path
    else:
        assert ours == theirs, path


def _both(server: str, oracle: Oracle, recordings: list[str], tmp_path: Path, script: str) -> Any:
    """``script``'s results from the real loader, checked equal to ours (each run on a fresh
    ``server`` holding the recordings)."""
    outs = []
    for name, python, env in (
        ("theirs", [str(oracle.python), "-P"], oracle.env()),
        ("ours", [sys.executable], None),
    ):
        with fresh_catalog_server(server, oracle) as url:
            oracle.run_script(REGISTER, url, *recordings)
            outs.append(_load(python, env, url, tmp_path / f"{name}.pkl", script))
    theirs, ours = outs
    _assert_same(ours, theirs)
    return theirs


@pytest.mark.parametrize("server", ["ours", "real"])
def test_batches_equal_the_real_loaders(
    server: str, oracle: Oracle, recordings: list[str], tmp_path: Path
) -> None:
    theirs = _both(server, oracle, recordings, tmp_path, LOAD)
    # what 0.41 gives, pinned (so two equal wrong answers cannot pass)
    assert theirs["segments"] == [("ep_a", 2, 19, 18), ("ep_b", 2, 14, 13)]  # windows trim 2 frames
    assert theirs["len"] == 31 and sum(len(b["state"]) for b in theirs["none"]) == 31
    first = theirs["map"][0]
    assert first["state"].tolist() == [2.0, 24.0] and first["hist"].shape == (3, 2)
    assert first["img"].shape == (3, 8, 6) and first["img"].dtype == np.uint8
    assert first["pos"].shape == (9,) and first["pos"].dtype == np.float32
    assert [s["img"] is None for s in theirs["early"]] == [True, True, False, False]
    assert theirs["time_len"] == 36  # 1.4 s of ep_b at 25 Hz


MANIFEST = r"""
import dataclasses, multiprocessing, pickle, sys, warnings
from torch.utils.data import DataLoader
from rerun.catalog import CatalogClient
from rerun.experimental.dataloader import (BlockShuffle, DataSource, Field, FixedRateSampling, ImageDecoder,
    Manifest, NoShuffle, NumericDecoder, RerunIterableDataset, RerunMapDataset, SampleShuffle)
warnings.simplefilter("ignore")
url, out = sys.argv[1], sys.argv[2]
path = out + ".parquet"
ds = CatalogClient(url).get_dataset("train")
source = DataSource(ds)
num = NumericDecoder()
fields = {
    "state": Field("/robot:Scalars:scalars", decode=num),
    "pos": Field("/points:Points3D:positions", decode=num, max_staleness=0),
    "img": Field("/cam:EncodedImage:blob", decode=ImageDecoder()),
    "hist": Field("/robot:Scalars:scalars", decode=num, window=(-2, -1, 0)),
}
def arr(v):
    return None if v is None else v.numpy()
def meta(m):
    d = dataclasses.asdict(m.metadata)
    return {**d, "dataset_id": d["dataset_id"] == str(ds.id)}  # ids differ between servers
def table(m):
    t = m.to_arrow()
    return [(f.name, str(f.type)) for f in t.schema], t.to_pylist(), meta(m), m.num_rows
def attempt(fn):
    try:
        return fn()
    except Exception as exc:
        return (type(exc).__name__, str(exc))
res = {}
two = Manifest.generate(source, "frame_nr", fields, fetch_block_size=4, num_workers_per_rank=2,
                        required_fields=["state", "pos"])
res["generated"] = table(two)
res["sample"] = table(two.shuffle(SampleShuffle(), seed=3))
two.shuffle(BlockShuffle(buffer_size=4), seed=7).write_parquet(path)
back = Manifest.from_parquet(path)
blocks, emit = back.worker_plan(0, 1)
res["file"] = (back.num_rows, meta(back), back.worker_assignments(0, 1).to_pylist(),
               [b.num_rows for b in blocks], emit.tolist(), table(back))
res["topology"] = attempt(lambda: list(RerunIterableDataset.from_manifest(two, source, fields)))
workers = RerunIterableDataset.from_manifest(back, source, {"state": fields["state"], "hist": fields["hist"]})
spawn = multiprocessing.get_context("spawn")
res["two_workers"] = [{k: arr(v) for k, v in b.items()}
                      for b in DataLoader(workers, batch_size=3, num_workers=2, multiprocessing_context=spawn)]
res["constructor"] = attempt(lambda: Manifest(None, two.metadata))
one = Manifest.generate(source, "frame_nr", fields, fetch_block_size=4, required_fields=["img"])
res["img_required"] = table(one)
for name, strategy in [("none", NoShuffle()), ("block", BlockShuffle(buffer_size=6)), ("sample", SampleShuffle())]:
    one.shuffle(strategy, seed=2).write_parquet(path)
    it = RerunIterableDataset.from_manifest(Manifest.from_parquet(path), source, fields)
    res["replay_" + name] = (len(it), [{k: arr(v) for k, v in b.items()} for b in DataLoader(it, batch_size=4)])
late = {"img": Field("/cam:EncodedImage:blob", decode=ImageDecoder(), window=(-2, 0))}  # no image 2 frames back
res["strict"] = attempt(lambda: [len(b["img"]) for b in DataLoader(RerunIterableDataset.from_manifest(one, source, late))])
few = {"state": fields["state"], "hist": fields["hist"]}
mp = RerunMapDataset.from_manifest(two, source, few)
res["map"] = (len(mp), [{k: arr(v) for k, v in s.items()} for s in mp.__getitems__([0, 5, 2, len(mp) - 1])])
stamp = {"state": Field("/robot:Scalars:scalars", decode=num, max_staleness=0.05)}
tm = Manifest.generate(source.filter_segments(["ep_b"]), "stamp", stamp,
                       timeline_sampling=FixedRateSampling(rate_hz=25), fetch_block_size=8)
res["time"] = table(tm)
tmap = RerunMapDataset.from_manifest(tm, source, stamp)
res["time_map"] = [{k: arr(v) for k, v in s.items()} for s in tmap.__getitems__(list(range(0, len(tmap), 4)))]
pickle.dump(res, open(out, "wb"))
"""


@pytest.mark.parametrize("server", ["ours", "real"])
def test_manifests_equal_the_real_ones(
    server: str, oracle: Oracle, recordings: list[str], tmp_path: Path
) -> None:
    """``Manifest``: the scan (required fields, staleness, windows, a timestamp grid), every
    schedule (shards, fetch groups, emission buffer), the parquet file, and replays through
    ``from_manifest`` (iterable in the frozen order, also by two spawned ``DataLoader`` workers
    each reading its shard of the file; map by position) are 0.41's."""
    theirs = _both(server, oracle, recordings, tmp_path, MANIFEST)
    _schema, rows, meta, num_rows = theirs["generated"]
    assert num_rows == 16 and meta["dataset_id"] and meta["num_workers_per_rank"] == 2
    assert all(r["anchor"] % 2 == 0 for r in rows)  # pos (every other frame) may not be stale
    assert theirs["topology"][0] == "ValueError" and theirs["constructor"][0] == "TypeError"
    assert theirs["strict"][0] == "RuntimeError" and "Segment: ep_a at 2" in theirs["strict"][1]
    assert theirs["img_required"][3] == 31  # the window's trim already starts at the first image
    assert sum(len(b["state"]) for b in theirs["replay_block"][1]) == theirs["replay_block"][0] == 31
    assert theirs["map"][0] == 16 and theirs["time"][3] > 0
    assert sum(len(b["state"]) for b in theirs["two_workers"]) == 16


WRITE_VIDEO = r"""
import sys
import av, numpy as np
import rerun as rr
out = sys.argv[1]
enc = av.CodecContext.create("libx264", "w")
enc.width, enc.height, enc.pix_fmt = 32, 32, "yuv420p"
enc.gop_size = 8
enc.time_base = __import__("fractions").Fraction(1, 30)
enc.options = {"bf": "0", "g": "8", "keyint_min": "8", "sc_threshold": "0", "x264-params": "keyint=8:min-keyint=8:scenecut=0"}
packets = []
for i in range(30):
    img = np.zeros((32, 32, 3), dtype=np.uint8)
    img[:, :, 0] = (i * 8) % 256
    img[i % 32, :, 1] = 255
    frame = av.VideoFrame.from_ndarray(img, format="rgb24")
    frame.pts = i
    packets += list(enc.encode(frame))
packets += list(enc.encode(None))
rec = rr.RecordingStream("dl_video", recording_id="vid")
rec.save(f"{out}/vid.rrd")
rec.log("/cam", rr.VideoStream(codec=rr.VideoCodec.H264), static=True)
for i, p in enumerate(packets):
    rec.set_time("frame_nr", sequence=i)
    rec.log("/cam", rr.VideoStream.from_fields(sample=bytes(p), is_keyframe=bool(p.is_keyframe)))
    rec.log("/robot", rr.Scalars([float(i)]))
rec.flush()
print(len(packets), sum(p.is_keyframe for p in packets))
"""

LOAD_VIDEO = r"""
import pickle, sys, warnings
from torch.utils.data import DataLoader
from rerun.catalog import CatalogClient
from rerun.experimental.dataloader import (BlockShuffle, DataSource, Field, Manifest, NoShuffle, NumericDecoder,
    RerunIterableDataset, RerunMapDataset, VideoFrameDecoder, Yuv420Collator)
warnings.simplefilter("ignore")
url, out = sys.argv[1], sys.argv[2]
source = DataSource(CatalogClient(url).get_dataset("train"))
fields = {"frame": Field("/cam:VideoStream:sample", decode=VideoFrameDecoder()),
          "clip": Field("/cam:VideoStream:sample", decode=VideoFrameDecoder(), window=(-2, 0)),
          "yuv": Field("/cam:VideoStream:sample", decode=VideoFrameDecoder(output_format="yuv420p")),
          "x": Field("/robot:Scalars:scalars", decode=NumericDecoder())}
res = {}
m = RerunMapDataset(source, "frame_nr", fields)
def conv(v):
    if v is None: return None
    if hasattr(v, "y"): return (v.y.numpy(), v.uv.numpy(), v.color_space, v.color_range)
    return v.numpy()
res["len"] = len(m)
res["map"] = [{k: conv(v) for k, v in s.items()} for s in m.__getitems__([0, 3, 9, 15, 27, 5])]
it = RerunIterableDataset(source, "frame_nr", fields, fetch_block_size=5, shuffle_strategy=NoShuffle())
res["iter"] = [{k: conv(v) for k, v in b.items()} for b in DataLoader(it, batch_size=4, collate_fn=Yuv420Collator())]
vm = Manifest.generate(source, "frame_nr", fields, fetch_block_size=5)
res["manifest"] = vm.to_arrow().to_pylist()
rv = RerunIterableDataset.from_manifest(vm.shuffle(BlockShuffle(buffer_size=3), seed=1), source, fields)
res["replay"] = [{k: conv(v) for k, v in b.items()} for b in DataLoader(rv, batch_size=4, collate_fn=Yuv420Collator())]
pickle.dump(res, open(out, "wb"))
"""


def test_video_frames_equal_the_real_loaders(oracle: Oracle, tmp_path: Path) -> None:
    """H.264 in a VideoStream (keyframes every 8 samples): frames decoded from the prior keyframe,
    RGB, YUV420 and a two-frame window, map-style and iterable (Yuv420Collator), and a manifest
    of them (keyframe scan, replay): 0.41's values."""
    oracle.run_script(WRITE_VIDEO, str(tmp_path))
    outs = []
    for name, python, env in (
        ("theirs", [str(oracle.python), "-P"], oracle.env()),
        ("ours", [sys.executable], None),
    ):
        srv = CatalogServer(port=0).start()
        try:
            oracle.run_script(REGISTER, srv.url, (tmp_path / "vid.rrd").as_uri())
            outs.append(_load(python, env, srv.url, tmp_path / f"{name}.pkl", LOAD_VIDEO))
        finally:
            srv.stop()
    theirs, ours = outs
    _assert_same(ours, theirs)
    assert theirs["len"] == 28  # the window (-2, 0) trims two frames
    sample = theirs["map"][2]
    assert sample["frame"].shape == (3, 32, 32) and sample["clip"].shape == (2, 3, 32, 32)
    assert sample["yuv"][0].shape == (1, 32, 32) and sample["yuv"][1].shape == (2, 16, 16)
    assert len(theirs["iter"]) == 7 and theirs["iter"][0]["clip"].shape == (4, 2, 3, 32, 32)
    # a manifest freezes each frame's decode start: the keyframe at or before the window's start
    assert [r["frame"]["lo"] for r in theirs["manifest"][:8]] == [0, 0, 0, 0, 0, 0, 8, 8]
    assert [r["clip"]["lo"] for r in theirs["manifest"][:8]] == [0, 0, 0, 0, 0, 0, 0, 0]
    assert sum(len(b["x"]) for b in theirs["replay"]) == 28


EDGES = r"""
import json, sys, warnings
from rerun.catalog import CatalogClient
from rerun.experimental.dataloader import (DataSource, Field, FixedRateSampling, ImageDecoder, NoShuffle,
    NumericDecoder, RerunIterableDataset, RerunMapDataset)
url = sys.argv[1]
source = DataSource(CatalogClient(url).get_dataset("train"))
state = Field("/robot:Scalars:scalars", decode=NumericDecoder())
img = Field("/cam:EncodedImage:blob", decode=ImageDecoder())
out = {}
def run(name, fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = fn()
            out[name] = {"value": value}
        except Exception as exc:
            out[name] = {"error": type(exc).__name__, "msg": str(exc)}
        out[name]["warnings"] = sorted({w.category.__name__ for w in caught} - {"DeprecationWarning"})
def rows(ds, idx):
    return [{k: None if v is None else v.tolist() for k, v in s.items()} for s in ds.__getitems__(idx)]
run("time_needs_sampling", lambda: len(RerunMapDataset(source, "stamp", {"s": state})))
run("sampling_on_integer", lambda: len(RerunMapDataset(source, "frame_nr", {"s": state}, timeline_sampling=FixedRateSampling(10))))
run("bad_rate", lambda: len(RerunMapDataset(source, "stamp", {"s": state}, timeline_sampling=FixedRateSampling(0))))
run("fractional_window", lambda: len(RerunMapDataset(source, "frame_nr", {"s": Field(state.path, state.decode, window=(-0.5, 0))})))
run("missing_index", lambda: len(RerunMapDataset(source, "nope", {"s": state})))
run("no_segments", lambda: len(RerunMapDataset(source.filter_segments([]), "frame_nr", {"s": state})))
run("one_segment", lambda: len(RerunMapDataset(source.filter_segments(["ep_b"]), "frame_nr", {"s": state})))
run("decode_threads", lambda: len(RerunMapDataset(source, "frame_nr", {"s": state}, decode_threads=0)))
run("skip_limit_arg", lambda: len(RerunIterableDataset(source, "frame_nr", {"s": state}, max_consecutive_skipped_samples=-1)))
run("out_of_range", lambda: rows(RerunMapDataset(source, "frame_nr", {"s": state}), [35]))
run("time_window", lambda: rows(RerunMapDataset(source, "stamp", {"s": Field(state.path, state.decode, window=(-0.25, 0.0))},
                                                timeline_sampling=FixedRateSampling(7.5)), [0, 3, 11]))
run("skipped", lambda: [s["i"].shape[0] for s in RerunIterableDataset(source, "frame_nr", {"i": img, "s": state},
                                                                          shuffle_strategy=NoShuffle())][:3])
run("skip_limit", lambda: len(list(RerunIterableDataset(source, "frame_nr", {"i": img}, shuffle_strategy=NoShuffle(),
                                                         max_consecutive_skipped_samples=1))))
run("fill_gaps", lambda: rows(RerunMapDataset(source, "frame_nr", {"p": Field("/points:Points3D:positions", decode=NumericDecoder())}), [1, 2, 3]))
from rerun.chunk import Selector
picked = Field("/robot:Scalars:scalars", decode=NumericDecoder(), select=Selector(".[1]"))
run("select", lambda: rows(RerunMapDataset(source, "frame_nr", {"s": picked}), [0, 4]))
run("select_window", lambda: rows(RerunMapDataset(source, "frame_nr", {"s": Field(picked.path, picked.decode,
    select=picked.select, window=(-1, 0))}), [0, 4]))
print(json.dumps(out))
"""


def test_edge_cases_answer_as_0_41(oracle: Oracle, recordings: list[str]) -> None:
    """Errors, warnings and values at the edges (missing / timestamp indices, sampling, windows,
    empty selections, skipped samples and their limit) are the real loader's."""
    srv = CatalogServer(port=0).start()
    try:
        oracle.run_script(REGISTER, srv.url, *recordings)
        theirs = json.loads(oracle.run_script(EDGES, srv.url).stdout.strip().splitlines()[-1])
        proc = subprocess.run(
            [sys.executable, "-c", EDGES, srv.url], capture_output=True, text=True, timeout=300, check=False
        )
        assert proc.returncode == 0, proc.stderr[-4000:]
        ours = json.loads(proc.stdout.strip().splitlines()[-1])
    finally:
        srv.stop()
    assert ours == theirs
    assert theirs["time_needs_sampling"]["error"] == "TypeError"
    assert theirs["missing_index"]["value"] == 0 and theirs["no_segments"]["value"] == 0
    assert theirs["skip_limit"]["error"] == "RuntimeError"
    assert theirs["select"]["value"] == [{"s": [20.0]}, {"s": [28.0]}]
