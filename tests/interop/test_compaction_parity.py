"""Chunk boundaries after compaction match 0.41's, on generated inputs.

The real SDK writes each input (scalars, points, images, video samples, several entities,
static data, unsorted or reversed times, a second timeline, inputs sent in several pieces).
Then ours and the real SDK each compact it, through ``LazyChunkStream.collect()`` (no profile
and several ``OptimizationProfile``\\s) and through ``rerun rrd optimize``; the chunks' row
counts, per entity and component set, must be the same.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import OURS_BIN, Oracle, ours_env

pytestmark = [pytest.mark.interop, pytest.mark.slow]

# One input: a list of sends (entity, kind, rows, payload size, time order, timelines, static,
# how many send_columns calls the rows are cut into; "log" sends log the rows one by one).
Send = dict[str, object]


def _send(entity: str, kind: str, rows: int, **kw: object) -> Send:
    return {"entity": entity, "kind": kind, "rows": rows, "size": 1, "order": "sorted", "timelines": 1,
            "static": False, "parts": 1, **kw}  # fmt: skip


def _random_case(seed: int) -> list[Send]:
    rng = np.random.default_rng(seed)
    kinds = ["scalar", "points", "image", "blob", "mixed"]
    sends = []
    for i in range(int(rng.integers(1, 4))):
        kind = kinds[int(rng.integers(len(kinds)))]
        size = {"scalar": 1, "points": int(rng.integers(1, 400)), "image": int(rng.integers(4, 90)),
                "blob": int(rng.integers(100, 60_000)), "mixed": int(rng.integers(1, 50))}[kind]  # fmt: skip
        sends.append(
            _send(
                f"e{i % 2}/{kind}" if rng.random() < 0.8 else "shared",
                kind,
                int(rng.choice([1, 3, 17, 200, 1500, 5000]))
                if kind == "scalar"
                else int(rng.integers(1, 60)),
                size=size,
                order=str(rng.choice(["sorted", "sorted", "shuffled", "reversed"])),
                timelines=int(rng.integers(1, 3)),
                static=bool(rng.random() < 0.1),
                parts=int(rng.integers(1, 12)),
            )
        )
    return sends


CASES: dict[str, list[Send]] = {
    "video_like_blobs": [_send("cam", "blob", 40, size=10_900)],
    "video_blobs_in_pieces": [_send("cam", "blob", 60, size=10_900, parts=7)],
    "scalars_over_max_rows": [_send("s", "scalar", 9000)],
    "scalars_unsorted_over_limit": [_send("s", "scalar", 3000, order="shuffled")],
    "scalars_logged": [_send("s", "scalar", 300, mode="log")],
    "blobs_logged": [_send("cam", "blob", 30, size=20_000, mode="log")],
    "images_many_pieces": [_send("img", "image", 50, size=64, parts=25)],
    # Scalars alone and scalars with a series color on one entity: overlapping component sets.
    "overlapping_components_logged": [_send("plot", "overlap", 60, mode="log", order="shuffled")],
    "overlapping_components_sent": [_send("plot", "overlap", 90, parts=9)],
    "static_and_temporal": [_send("a", "points", 5, size=10, static=True), _send("a", "points", 30, size=10)],
    **{f"random_{seed}": _random_case(seed) for seed in range(24)},
}

GEN = """
import json, sys
import numpy as np
import rerun as rr

def columns(kind, rows, size, rng, part=0):
    if kind == "scalar":
        return rr.Scalars.columns(scalars=rng.random(rows))
    if kind == "overlap":
        cols = rr.Scalars.columns(scalars=rng.random(rows))
        return cols if part % 2 else [*cols, *rr.SeriesLines.columns(colors=[0xFF0000FF] * rows)]
    if kind == "points":
        return rr.Points3D.columns(positions=rng.random((rows * size, 3))).partition([size] * rows)
    if kind == "blob":
        return rr.VideoStream.columns(sample=[rng.integers(0, 255, size, dtype=np.uint8) for _ in range(rows)])
    if kind == "image":
        return rr.Image.columns(buffer=rng.integers(0, 255, (rows, size * size), dtype=np.uint8),
            format=[rr.components.ImageFormat(width=size, height=size, color_model="L")] * rows)
    cols = rr.Points2D.columns(positions=rng.random((rows * size, 2)), radii=rng.random(rows * size))
    return cols.partition([size] * rows)

def archetype(kind, size, rng, i=0):
    if kind == "overlap":
        return [rr.Scalars(rng.random())] + ([rr.SeriesLines(colors=[255, 0, 0])] if i % 2 else [])
    if kind == "scalar":
        return rr.Scalars(rng.random())
    if kind == "points":
        return rr.Points3D(rng.random((size, 3)))
    if kind == "blob":
        return rr.VideoStream.from_fields(sample=rng.integers(0, 255, size, dtype=np.uint8).tobytes())
    if kind == "image":
        return rr.Image(rng.integers(0, 255, (size, size), dtype=np.uint8))
    return rr.Points2D(rng.random((size, 2)), radii=rng.random(size))

cases = json.loads(open(sys.argv[1]).read())
for name, sends in cases.items():
    rng = np.random.default_rng(len(name))
    rec = rr.RecordingStream("rerun_example_compaction", recording_id=name)
    rec.save(f"{sys.argv[2]}/{name}.rrd")
    for s in sends:
        rows = s["rows"]
        times = np.arange(rows) * 10
        if s["order"] == "shuffled":
            times = rng.permutation(times)
        elif s["order"] == "reversed":
            times = times[::-1]
        if s.get("mode") == "log":
            for i in range(rows):
                rec.set_time("t", sequence=int(times[i]))
                if s["timelines"] == 2:
                    rec.set_time("u", duration=float(i))
                arch = archetype(s["kind"], s["size"], rng, i)
                rec.log(s["entity"], *(arch if isinstance(arch, list) else [arch]), static=s["static"])
            continue
        cuts = np.linspace(0, rows, s["parts"] + 1).astype(int)
        for part, (lo, hi) in enumerate(zip(cuts[:-1], cuts[1:])):
            if hi <= lo:
                continue
            cols = columns(s["kind"], hi - lo, s["size"], rng, part)
            if s["static"]:
                rec.send_columns(s["entity"], indexes=[], columns=columns(s["kind"], 1, s["size"], rng))
                continue
            idx = [rr.TimeColumn("t", sequence=times[lo:hi])]
            if s["timelines"] == 2:
                idx.append(rr.TimeColumn("u", duration=np.arange(lo, hi) * 0.5))
            rec.send_columns(s["entity"], indexes=idx, columns=cols)
    rec.flush()
    rec.disconnect()
"""

# Per input and profile: (entity, components) -> chunk row counts, sorted.
DUMP = """
import json, sys
from rerun.chunk import OptimizationProfile, RrdReader

def groups(chunks):
    out = {}
    for c in chunks:
        rb = c.to_record_batch()
        comps = ",".join(sorted(n for n in rb.schema.names if ":" in n))
        out.setdefault(f"{c.entity_path} [{comps}]", []).append(rb.num_rows)
    return {k: sorted(v) for k, v in sorted(out.items())}

mode, profiles = sys.argv[1], json.loads(sys.argv[2])
result = {}
for path in sys.argv[3:]:
    stream = RrdReader(path).stream()
    if mode == "raw":
        result[path] = groups(stream.to_chunks())
    else:
        result[path] = {p: groups(stream.collect(optimize=eval(p)).stream().to_chunks()) for p in profiles}
print(json.dumps(result))
"""

PROFILES = [
    "None",
    "OptimizationProfile.LIVE",
    "OptimizationProfile.OBJECT_STORE",
    "OptimizationProfile(max_bytes=40_000, max_rows=64, max_rows_if_unsorted=16)",
    "OptimizationProfile(max_rows=100, gop_batching=False, extra_passes=0)",
]


def _dump(python: list[str], env: dict[str, str], cwd: Path, mode: str, paths: list[Path]) -> dict:
    cmd = [*python, "-c", DUMP, mode, json.dumps(PROFILES), *map(str, paths)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env, cwd=cwd)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def inputs(oracle: Oracle, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("compaction")
    spec = root / "cases.json"
    spec.write_text(json.dumps(CASES))
    oracle.run_script(GEN, str(spec), str(root), timeout=300)
    return {name: root / f"{name}.rrd" for name in CASES}


def _mismatches(ours: dict, theirs: dict) -> list[str]:
    return [
        f"{key}: ours {ours[key]} != 0.41 {theirs[key]}" for key in theirs if ours.get(key) != theirs[key]
    ]


def test_collect_chunk_boundaries_match_real_sdk(oracle: Oracle, inputs: dict[str, Path]) -> None:
    paths = list(inputs.values())
    cwd = paths[0].parent
    ours = _dump([sys.executable], ours_env(), cwd, "collect", paths)
    theirs = _dump([str(Oracle.python), "-P"], oracle.env(), cwd, "collect", paths)
    bad = defaultdict(list)
    for name, path in inputs.items():
        for profile in PROFILES:
            for line in _mismatches(ours[str(path)][profile], theirs[str(path)][profile]):
                bad[f"{name} / {profile}"].append(line)
    assert not bad, json.dumps(bad, indent=1)


@pytest.mark.parametrize("profile", ["live", "object-store"])
def test_rrd_optimize_chunk_boundaries_match_real_cli(
    oracle: Oracle, inputs: dict[str, Path], profile: str
) -> None:
    outs: dict[str, list[Path]] = {"ours": [], "theirs": []}
    for name, path in inputs.items():
        for who, exe, env in (
            ("ours", OURS_BIN / "rerun", ours_env()),
            ("theirs", Oracle.rerun, oracle.env()),
        ):
            out = path.with_name(f"{name}.{who}.{profile}.rrd")
            proc = subprocess.run(
                [str(exe), "rrd", "optimize", "--profile", profile, str(path), "-o", str(out)],
                capture_output=True,
                text=True,
                timeout=120,
                env=env,
            )
            assert proc.returncode == 0, f"{who} {name}: {proc.stderr[-2000:]}"
            outs[who].append(out)
    # Both outputs are read the same way (the real SDK's reader, chunks as stored).
    cwd = outs["ours"][0].parent
    dumped = _dump([str(Oracle.python), "-P"], oracle.env(), cwd, "raw", outs["ours"] + outs["theirs"])
    bad = {}
    for ours, theirs in zip(outs["ours"], outs["theirs"], strict=True):
        lines = _mismatches(dumped[str(ours)], dumped[str(theirs)])
        if lines:
            bad[ours.name] = lines
    assert not bad, json.dumps(bad, indent=1)
