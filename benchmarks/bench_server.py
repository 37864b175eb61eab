"""Our `rerun server` (catalog) against the real one, both read by the real 0.41 client.

The same generated dataset (``--segments`` recordings of ~``--mb`` MB each: random
``Points3D`` on ``/points`` and a scalar on ``/scalars``, frames 0..N-1, written with our
``RrdWriter``, which writes the 0.41 footer) is served by the real ``rerun server -d``
(``.venv-oracle/bin/rerun``) and by ours (``.venv/bin/rerun``), one after the other, and read
by the real ``rerun.catalog`` client in a subprocess:

- start-up: from the server process's start until ``CatalogClient(url).get_dataset(name)
  .segment_ids()`` lists every segment (the client is imported and polling before the server
  starts, so its own import is not counted);
- full read: ``reader(index="frame").to_arrow_table()`` of the whole dataset;
- filtered read: ``filter_contents(["/scalars"])`` and ``frame`` in [lo, hi) (a fifth of the
  frames), same call;
- one segment: ``filter_segments([seg]).reader(index="frame")``.

Each is the median of ``--repeat`` runs; the row counts of both servers are checked equal.
Printed: ``RESULT`` lines per server, ``RATIO`` lines (ours / real, below 1: ours faster).

    python -m benchmarks.bench_server [--segments N] [--mb MB] [--repeat N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
ORACLE_BIN = ROOT / ".venv-oracle" / "bin"
OURS_RERUN = Path(sys.executable).parent / "rerun"
REAL_RERUN = ORACLE_BIN / "rerun"
DATASET = "bench"
POINTS_PER_ROW = 1000  # 12 kB of float32 positions per row
ROWS_PER_CHUNK = 25

# The real client: imported first, then it waits for a start line on stdin (the moment the
# server process was started, time.time()), polls the listing, then times the reads.
CLIENT = r"""
import json, statistics, sys, time
from datafusion import col, lit
from rerun.catalog import CatalogClient

url, name, n, repeat, lo, hi = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
print("ready", flush=True)
t_start = float(sys.stdin.readline())
out = {}
deadline = time.monotonic() + 120
while True:
    try:
        ds = CatalogClient(url).get_dataset(name)
        if len(ds.segment_ids()) >= n:
            break
    except Exception:
        pass
    if time.monotonic() > deadline:
        raise SystemExit("the server did not list every segment within 120 s")
    time.sleep(0.02)
out["startup"] = time.time() - t_start
seg = sorted(ds.segment_ids())[0]

def full():
    return ds.reader(index="frame").to_arrow_table()

def filtered():
    df = ds.filter_contents(["/scalars"]).reader(index="frame")
    return df.filter(col("frame") >= lit(lo), col("frame") < lit(hi)).to_arrow_table()

def single():
    return ds.filter_segments([seg]).reader(index="frame").to_arrow_table()

for label, fn in (("full", full), ("filtered", filtered), ("single", single)):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        table = fn()
        times.append(time.perf_counter() - t0)
    out[label] = statistics.median(times)
    out[label + "_rows"] = table.num_rows
    out[label + "_cols"] = table.num_columns
print(json.dumps(out), flush=True)
"""


def write_segment(
    path: Path,
    recording_id: str,
    *,
    frames: int,
    points_per_row: int = POINTS_PER_ROW,
    rows_per_chunk: int = ROWS_PER_CHUNK,
    seed: int = 0,
) -> Path:
    """One recording of ~``frames * points_per_row * 12`` bytes of random (incompressible)
    ``/points`` positions, and one scalar per frame on ``/scalars``; frames 0..frames-1."""
    from rerun_core.store.chunk import Chunk, TimeColumn
    from rerun_core.store.messages import ArrowMsg, SetStoreInfo, StoreId, StoreInfo, StoreKind
    from rerun_core.store.rrd import RrdWriter
    from rerun_core.types import ComponentDescriptor, TimeType
    from rerun_core.types.tuid import TuidGenerator

    ids = TuidGenerator()
    pos = ComponentDescriptor(
        "Points3D:positions", "rerun.archetypes.Points3D", "rerun.components.Position3D"
    )
    scalar = ComponentDescriptor("Scalars:scalars", "rerun.archetypes.Scalars", "rerun.components.Scalar")
    rng = np.random.default_rng(seed)
    sid = StoreId(StoreKind.RECORDING, recording_id, "bench_server")
    point_type = pa.list_(pa.field("item", pa.float32(), False), 3)
    with RrdWriter(path) as w:
        w.write(SetStoreInfo(ids.new(), StoreInfo(sid)))
        for start in range(0, frames, rows_per_chunk):
            ts = list(range(start, min(frames, start + rows_per_chunk)))
            flat = pa.array(rng.random(len(ts) * points_per_row * 3, dtype=np.float32))
            points = pa.FixedSizeListArray.from_arrays(flat, type=point_type)
            offsets = pa.array(np.arange(len(ts) + 1, dtype=np.int32) * points_per_row)
            chunk = Chunk.from_columns(
                "/points",
                timelines=[TimeColumn.from_values("frame", TimeType.SEQUENCE, ts)],
                components={pos: pa.ListArray.from_arrays(offsets, points)},
                chunk_id=ids.new(),
                row_ids=ids.new_block(len(ts)),
            )
            w.write(ArrowMsg(sid, chunk))
        scalars = pa.ListArray.from_arrays(
            pa.array(np.arange(frames + 1, dtype=np.int32)), pa.array(rng.random(frames))
        )
        chunk = Chunk.from_columns(
            "/scalars",
            timelines=[TimeColumn.from_values("frame", TimeType.SEQUENCE, list(range(frames)))],
            components={scalar: scalars},
            chunk_id=ids.new(),
            row_ids=ids.new_block(frames),
        )
        w.write(ArrowMsg(sid, chunk))
    return path


def make_dataset(root: Path, segments: int, mb: float) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    frames = max(ROWS_PER_CHUNK, int(mb * 1e6 / (POINTS_PER_ROW * 12)))
    for i in range(segments):
        write_segment(root / f"seg{i:02d}.rrd", f"seg{i:02d}", frames=frames, seed=i)
    return root


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def oracle_env() -> dict[str, str]:
    env = dict(os.environ)
    env["RERUN_ANALYTICS"] = "0"
    env["PATH"] = f"{ORACLE_BIN}:{env.get('PATH', '')}"
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    return env


@contextlib.contextmanager
def _group(cmd: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """A server in its own process group (the real `rerun` wraps a native binary)."""
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True
    )
    try:
        yield proc
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
            try:
                proc.wait(10)
                break
            except subprocess.TimeoutExpired:
                continue


def run_once(server: str, data: Path, segments: int, frames: int, repeat: int) -> dict[str, float]:
    port = free_port()
    exe = OURS_RERUN if server == "ours" else REAL_RERUN
    cmd = [str(exe), "server", "--host", "127.0.0.1", "-p", str(port), "-d", f"{DATASET}={data}"]
    lo, hi = frames * 2 // 5, frames * 3 // 5
    url = f"rerun+http://127.0.0.1:{port}"
    args = [url, DATASET, str(segments), str(repeat), str(lo), str(hi)]
    client = subprocess.Popen(
        [str(ORACLE_BIN / "python"), "-P", "-c", CLIENT, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=oracle_env(),
        cwd="/",
    )
    try:
        assert client.stdout is not None and client.stdin is not None
        if client.stdout.readline().strip() != "ready":
            raise RuntimeError(f"client did not start: {client.communicate(timeout=30)[1]}")
        server_env = oracle_env() if server == "real" else {**os.environ, "RERUN_ANALYTICS": "0"}
        t_start = time.time()
        with _group(cmd, server_env):
            client.stdin.write(f"{t_start}\n")
            client.stdin.flush()
            out, err = client.communicate(timeout=600)
        if client.returncode:
            raise RuntimeError(f"client failed against {server}: {err[-3000:]}")
        result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
        return result
    finally:
        if client.poll() is None:
            client.kill()
            client.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=10)
    parser.add_argument("--mb", type=float, default=3.0, help="approximate size of each segment")
    parser.add_argument("--repeat", type=int, default=3, help="runs per read (median)")
    parser.add_argument("--rounds", type=int, default=3, help="server starts per side (median start-up)")
    parser.add_argument("--keep", type=Path, default=None, help="write the dataset here (kept)")
    args = parser.parse_args(argv)
    if not REAL_RERUN.exists():
        print("no real rerun in .venv-oracle", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="bench_server_") as tmp:
        data = make_dataset(args.keep or Path(tmp) / "data", args.segments, args.mb)
        size = sum(p.stat().st_size for p in data.glob("*.rrd"))
        frames = max(ROWS_PER_CHUNK, int(args.mb * 1e6 / (POINTS_PER_ROW * 12)))
        print(
            f"dataset: {args.segments} segments, {size / 1e6:.1f} MB on disk, {frames} frames each, "
            f"{POINTS_PER_ROW} points per row; median of {args.repeat} reads, {args.rounds} starts"
        )
        runs: dict[str, list[dict[str, float]]] = {"real": [], "ours": []}
        for i in range(args.rounds):  # alternate sides: load on the shared box hits both alike
            for server in ("real", "ours"):
                # reads are timed in the first round only; later rounds time the start-up
                runs[server].append(
                    run_once(server, data, args.segments, frames, args.repeat if i == 0 else 1)
                )
    report(runs, size)
    return 0


def report(runs: dict[str, list[dict[str, float]]], size: int) -> None:
    med: dict[str, dict[str, float]] = {}
    for server, rs in runs.items():
        first = rs[0]
        med[server] = {
            "startup": statistics.median(r["startup"] for r in rs),
            **{k: first[k] for k in ("full", "filtered", "single")},
        }
        m = med[server]
        print(
            f"RESULT server_{server}: start-up to {DATASET!r} listed {m['startup']:.2f} s, "
            f"full read {m['full']:.2f} s ({size / 1e6 / m['full']:.0f} MB/s, {first['full_rows']:.0f} rows "
            f"x {first['full_cols']:.0f} cols), filtered {m['filtered']:.3f} s ({first['filtered_rows']:.0f} rows), "
            f"one segment {m['single']:.3f} s ({first['single_rows']:.0f} rows)"
        )
    for k in ("full", "filtered", "single"):
        for col in ("rows", "cols"):
            a, b = runs["ours"][0][f"{k}_{col}"], runs["real"][0][f"{k}_{col}"]
            if a != b:
                print(f"MISMATCH {k} {col}: ours {a:.0f}, real {b:.0f}")
    for k, label in (
        ("startup", "start-up until listed"),
        ("full", "full read"),
        ("filtered", "filtered read"),
        ("single", "one-segment read"),
    ):
        print(f"RATIO server {label}: ours/real {med['ours'][k] / med['real'][k]:.2f} (<1: ours faster)")


if __name__ == "__main__":
    sys.exit(main())
