"""Our catalog reader (``rerun.catalog``) against the real 0.41 client, on both servers.

A generated dataset (``--segments`` recordings of ``--rows`` frames each: a ``Scalars`` value
on ``/scalars`` at every frame, a ``Points3D`` (4 points) on ``/points`` every 10th frame and a
static ``TextDocument`` on ``/static``; chunks of 64k rows, written with our ``RrdWriter``) is
served by the real ``rerun server`` (``.venv-oracle/bin/rerun``) and by ours
(``.venv/bin/rerun``), one after the other. Against each, the real client (oracle venv) and
ours (this venv) run the same script in a subprocess, timing (median of ``--repeat``):

- ``full``: ``reader(index="frame").to_arrow_table()`` of the whole dataset;
- ``filtered``: ``filter_contents(["/scalars"])`` and ``frame`` in [lo, hi) (a tenth);
- ``single``: ``filter_segments([seg]).reader(index="frame")``;
- ``schema``: ``reader(index="frame").schema()``; ``segment_ids``: ``segment_ids()``.

Our client also reports the chunk bytes each read moved (``ReaderFrame.last_read``), so the
filtered read's bytes show the pushdown. Row counts of every pair are checked equal.
Printed: ``RESULT`` lines per server and client, ``RATIO`` lines (ours / real, <1: ours faster).

    python -m benchmarks.bench_catalog_read [--segments N] [--rows N] [--repeat N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa

from benchmarks.bench_server import _group, free_port, oracle_env

ROOT = Path(__file__).resolve().parent.parent
ORACLE_PY = ROOT / ".venv-oracle" / "bin" / "python"
REAL_RERUN = ROOT / ".venv-oracle" / "bin" / "rerun"
OURS_RERUN = Path(sys.executable).parent / "rerun"
DATASET = "bench"
CHUNK_ROWS = 1 << 16
POINTS_EVERY = 10
OPS = ("full", "filtered", "single", "schema", "segment_ids")

# Run by both clients: the same calls, timed in-process after the import and connection.
CLIENT = r"""
import json, statistics, sys, time
from datafusion import col, lit
from rerun.catalog import CatalogClient

url, name, repeat, lo, hi = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
ds = CatalogClient(url).get_dataset(name)
seg = sorted(ds.segment_ids())[0]
out, frames = {}, {}

def full():
    frames["full"] = df = ds.reader(index="frame")
    return df.to_arrow_table()

def filtered():
    df = ds.filter_contents(["/scalars"]).reader(index="frame")
    frames["filtered"] = df = df.filter(col("frame") >= lit(lo), col("frame") < lit(hi))
    return df.to_arrow_table()

def single():
    frames["single"] = df = ds.filter_segments([seg]).reader(index="frame")
    return df.to_arrow_table()

def schema():
    return ds.reader(index="frame").schema()

def segment_ids():
    return ds.segment_ids()

for label, fn in (("full", full), ("filtered", filtered), ("single", single), ("schema", schema), ("segment_ids", segment_ids)):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    out[label] = statistics.median(times)
    if label in frames:
        out[label + "_rows"], out[label + "_cols"] = result.num_rows, result.num_columns
        stats = getattr(frames[label], "last_read", None)
        if stats is not None:
            out[label + "_bytes"], out[label + "_chunks"] = stats.chunk_bytes, stats.chunks
    del result
print(json.dumps(out), flush=True)
"""


def write_segment(path: Path, recording_id: str, rows: int, seed: int) -> None:
    """``rows`` frames of ``/scalars``, ``/points`` every ``POINTS_EVERY`` frames, a static text."""
    from rerun_core.store.chunk import Chunk, TimeColumn
    from rerun_core.store.messages import ArrowMsg, SetStoreInfo, StoreId, StoreInfo, StoreKind
    from rerun_core.store.rrd import RrdWriter
    from rerun_core.types import ComponentDescriptor, TimeType
    from rerun_core.types.tuid import TuidGenerator

    ids = TuidGenerator()
    scalar = ComponentDescriptor("Scalars:scalars", "rerun.archetypes.Scalars", "rerun.components.Scalar")
    pos = ComponentDescriptor(
        "Points3D:positions", "rerun.archetypes.Points3D", "rerun.components.Position3D"
    )
    text = ComponentDescriptor("TextDocument:text", "rerun.archetypes.TextDocument", "rerun.components.Text")
    rng = np.random.default_rng(seed)
    sid = StoreId(StoreKind.RECORDING, recording_id, "bench_catalog_read")
    point_type = pa.list_(pa.field("item", pa.float32(), False), 3)

    def chunk(entity: str, frames: np.ndarray, desc: ComponentDescriptor, values: pa.Array) -> ArrowMsg:
        return ArrowMsg(
            sid,
            Chunk.from_columns(
                entity,
                timelines=[TimeColumn.from_values("frame", TimeType.SEQUENCE, frames)],
                components={desc: values},
                chunk_id=ids.new(),
                row_ids=ids.new_block(len(frames)),
            ),
        )

    with RrdWriter(path) as w:
        w.write(SetStoreInfo(ids.new(), StoreInfo(sid)))
        for start in range(0, rows, CHUNK_ROWS):
            frames = np.arange(start, min(rows, start + CHUNK_ROWS), dtype=np.int64)
            offsets = pa.array(np.arange(len(frames) + 1, dtype=np.int32))
            w.write(
                chunk(
                    "/scalars",
                    frames,
                    scalar,
                    pa.ListArray.from_arrays(offsets, pa.array(rng.random(len(frames)))),
                )
            )
        every = np.arange(0, rows, POINTS_EVERY, dtype=np.int64)
        for start in range(0, len(every), CHUNK_ROWS):
            frames = every[start : start + CHUNK_ROWS]
            flat = pa.array(rng.random(len(frames) * 12, dtype=np.float32))
            points = pa.FixedSizeListArray.from_arrays(flat, type=point_type)
            offsets = pa.array(np.arange(len(frames) + 1, dtype=np.int32) * 4)
            w.write(chunk("/points", frames, pos, pa.ListArray.from_arrays(offsets, points)))
        static = Chunk.from_columns(
            "/static",
            timelines=[],
            components={text: pa.array([["hello"]], pa.list_(pa.string()))},
            chunk_id=ids.new(),
            row_ids=ids.new_block(1),
        )
        w.write(ArrowMsg(sid, static))


def make_dataset(root: Path, segments: int, rows: int) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(segments):
        write_segment(root / f"seg{i:02d}.rrd", f"seg{i:02d}", rows, seed=i)
    return root


def _wait_listening(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"no server on port {port}")


@contextlib.contextmanager
def serve(server: str, data: Path) -> Iterator[str]:
    port = free_port()
    exe = OURS_RERUN if server == "ours" else REAL_RERUN
    cmd = [str(exe), "server", "--host", "127.0.0.1", "-p", str(port), "-d", f"{DATASET}={data}"]
    env = oracle_env() if server == "real" else {**os.environ, "RERUN_ANALYTICS": "0"}
    with _group(cmd, env):
        _wait_listening(port)
        yield f"rerun+http://127.0.0.1:{port}"


def run_client(client: str, url: str, repeat: int, lo: int, hi: int) -> dict[str, float]:
    python = str(ORACLE_PY) if client == "real" else sys.executable
    env = oracle_env() if client == "real" else None
    cmd = [python, "-P", "-c", CLIENT, url, DATASET, str(repeat), str(lo), str(hi)]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env=env, cwd="/" if client == "real" else ROOT, timeout=600
    )
    if proc.returncode:
        raise RuntimeError(f"{client} client failed: {proc.stderr[-3000:]}")
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=10)
    parser.add_argument("--rows", type=int, default=1_000_000, help="frames per segment")
    parser.add_argument("--repeat", type=int, default=3, help="runs per call (median)")
    parser.add_argument("--servers", default="real,ours")
    parser.add_argument("--keep", type=Path, default=None, help="write the dataset here (kept)")
    args = parser.parse_args(argv)
    if not REAL_RERUN.exists():
        print("no real rerun in .venv-oracle", file=sys.stderr)
        return 1
    lo, hi = args.rows * 9 // 20, args.rows * 11 // 20
    with tempfile.TemporaryDirectory(prefix="bench_catalog_read_") as tmp:
        data = args.keep or Path(tmp) / "data"
        t0 = time.perf_counter()
        if not any(data.glob("*.rrd")):
            make_dataset(data, args.segments, args.rows)
        size = sum(p.stat().st_size for p in data.glob("*.rrd"))
        print(
            f"dataset: {args.segments} segments x {args.rows} frames, {size / 1e6:.0f} MB on disk "
            f"(written in {time.perf_counter() - t0:.1f} s); median of {args.repeat}"
        )
        results: dict[tuple[str, str], dict[str, float]] = {}
        for server in args.servers.split(","):
            with serve(server, data) as url:
                for client in ("real", "ours"):
                    t1 = time.perf_counter()
                    results[server, client] = r = run_client(client, url, args.repeat, lo, hi)
                    print(
                        f"{server} server, {client} client ({time.perf_counter() - t1:.0f} s): {json.dumps(r)}",
                        flush=True,
                    )
    report(results)
    return 0


def report(results: dict[tuple[str, str], dict[str, float]]) -> None:
    for (server, client), r in results.items():
        parts = [f"{op} {r[op]:.3f} s" for op in OPS]
        rows = f"full {r['full_rows']:.0f} rows, filtered {r['filtered_rows']:.0f}, single {r['single_rows']:.0f}"
        moved = ""
        if "full_bytes" in r:
            moved = (
                f"; moved: full {r['full_bytes'] / 1e6:.1f} MB, filtered {r['filtered_bytes'] / 1e6:.2f} MB"
            )
        print(f"RESULT {server}_server {client}_client: {', '.join(parts)} ({rows}){moved}")
    for server in sorted({s for s, _ in results}):
        real, ours = results.get((server, "real")), results.get((server, "ours"))
        if real is None or ours is None:
            continue
        for op in ("full", "filtered", "single"):
            for what in ("rows", "cols"):
                if real[f"{op}_{what}"] != ours[f"{op}_{what}"]:
                    print(
                        f"MISMATCH {server} {op} {what}: ours {ours[f'{op}_{what}']:.0f}, real {real[f'{op}_{what}']:.0f}"
                    )
        for op in OPS:
            print(f"RATIO {server}_server {op}: ours/real {ours[op] / real[op]:.2f} (<1: ours faster)")
        if "filtered_bytes" in ours:
            print(
                f"RESULT {server}_server filtered read moved {ours['filtered_bytes'] / 1e6:.2f} MB "
                f"({ours['filtered_chunks']:.0f} chunks) of the full read's {ours['full_bytes'] / 1e6:.1f} MB "
                f"({ours['full_chunks']:.0f} chunks)"
            )


if __name__ == "__main__":
    sys.exit(main())
