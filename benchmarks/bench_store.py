"""ChunkStore speed: latest-at with 1M rows, loading a large .rrd, dataframe queries of 10M rows.

Three parts, printed as ``RESULT`` lines:

1. latest-at p50/p99 on a store of 1M rows (10 entities x 100 chunks x 1000 rows), built in
   process. The real SDK has no local latest-at call; beside it we time its nearest, a
   one-row resampling reader (``using_index_values=[t], fill_latest_at=True``), on 1M rows.
2. the ~200 MB recording of ``bench_rrd`` (10M scalars via send_columns plus 100k logged rows,
   written by the real SDK): file -> ChunkStore with ``load_rrd`` (decode + insert; the
   indexes are built lazily at the first query), with and without full Arrow validation, on
   1 and 2 decode threads; wall and CPU time (the box is shared, CPU time is the steadier
   number). Then load + first latest-at (which builds the 10M-row index), and dataframe
   queries of the 10M-row entity (first, a repeat) and of everything (``/**``, 11 columns).
3. the same load and queries with the real SDK's local reader
   (``RrdReader(path).stream().collect()`` then ``ChunkStore.reader(...).to_arrow_table()``),
   in a subprocess.

    python -m benchmarks.bench_store [--path F] [--queries N] [--repeat N] [--no-oracle]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.store.load import load_rrd
from rerun_core.store.store import ChunkStore
from rerun_core.types import ComponentDescriptor, TimeType, new_tuids

from .bench_rrd import DEFAULT_PATH, ORACLE_BIN, _oracle_env, generate

SCALAR = ComponentDescriptor("Scalars:scalars", "rerun.archetypes.Scalars", "rerun.components.Scalar")

ORACLE = r"""
import json, sys, time
from rerun.chunk import RrdReader
path = sys.argv[1]
out = {}
t0, c0 = time.perf_counter(), time.process_time()
store = RrdReader(path).stream().collect()
out["load"], out["load_cpu"] = time.perf_counter() - t0, time.process_time() - c0
for label, contents in (("scalars", "/scalars/**"), ("all", "/**")):
    for attempt in ("first", "repeat"):
        t0, c0 = time.perf_counter(), time.process_time()
        table = store.reader(index="step", contents=contents).to_arrow_table()
        out[f"{label}_{attempt}"] = time.perf_counter() - t0
        out[f"{label}_{attempt}_cpu"] = time.process_time() - c0
        out[f"{label}_rows"] = table.num_rows
        out[f"{label}_cols"] = table.num_columns
print(json.dumps(out))
"""


def build_latest_at_store(num_entities: int = 10, chunks: int = 100, rows: int = 1000) -> ChunkStore:
    store = ChunkStore()
    offsets = pa.array(np.arange(rows + 1, dtype=np.int32))
    for e in range(num_entities):
        for k in range(chunks):
            frames = np.arange(k * rows, (k + 1) * rows, dtype=np.int64)
            cells = pa.ListArray.from_arrays(offsets, pa.array(np.random.rand(rows)))
            tl = [TimeColumn.from_values("frame", TimeType.SEQUENCE, frames)]
            store.insert(Chunk.from_columns(f"/entity/{e}", new_tuids(rows), tl, {SCALAR: cells}))
    return store


def bench_latest_at(queries: int, *, chunks: int = 100) -> None:
    store = build_latest_at_store(chunks=chunks)
    total = store.stats().num_rows
    t0 = time.perf_counter()
    for e in range(10):
        store.latest_at(f"/entity/{e}", [SCALAR.component], "frame", 0)
    print(f"RESULT store_latest_at index build ours: {time.perf_counter() - t0:.3f} s ({total} rows)")
    rng = np.random.default_rng(0)
    times = rng.integers(0, chunks * 1000, size=queries).tolist()
    paths = [f"/entity/{i % 10}" for i in range(queries)]
    lat = np.empty(queries)
    clock = time.perf_counter_ns
    for i in range(queries):
        a = clock()
        store.latest_at(paths[i], [SCALAR.component], "frame", times[i])
        lat[i] = clock() - a
    lat /= 1000
    print(
        f"RESULT store_latest_at ours: p50 {np.percentile(lat, 50):.1f} us, p99 {np.percentile(lat, 99):.1f} us "
        f"({queries} queries, {total} rows stored)",
        flush=True,
    )


ORACLE_LATEST_AT = r"""
import json, sys, time
import numpy as np
import rerun as rr
from rerun.chunk import RrdReader
path, queries = sys.argv[1], int(sys.argv[2])
rec = rr.RecordingStream("bench_latest_at", recording_id="r")
rec.save(path)
for e in range(10):
    rec.send_columns(
        f"entity/{e}",
        indexes=[rr.TimeColumn("frame", sequence=np.arange(100_000))],
        columns=rr.Scalars.columns(scalars=np.random.rand(100_000)),
    )
rec.flush()
del rec
store = RrdReader(path).stream().collect()
rng = np.random.default_rng(0)
lat = []
for i in range(queries):
    t = int(rng.integers(0, 100_000))
    t0 = time.perf_counter()
    store.reader(
        index="frame", contents=f"/entity/{i % 10}", using_index_values=np.array([t]), fill_latest_at=True
    ).to_arrow_table()
    lat.append(time.perf_counter() - t0)
lat = np.array(lat) * 1e6
print(json.dumps({"p50": float(np.percentile(lat, 50)), "p99": float(np.percentile(lat, 99))}))
"""


def bench_latest_at_oracle(queries: int, tmp: Path) -> None:
    """The real SDK has no local latest-at call; its nearest is a one-row resampling reader."""
    proc = subprocess.run(
        [str(ORACLE_BIN / "python"), "-P", "-c", ORACLE_LATEST_AT, str(tmp), str(queries)],
        capture_output=True,
        text=True,
        env=_oracle_env(),
        timeout=1200,
    )
    tmp.unlink(missing_ok=True)
    if proc.returncode:
        print(f"RESULT oracle latest-at failed: {proc.stderr.strip()[-500:]}")
        return
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    print(
        f"RESULT store_latest_at oracle (reader(using_index_values=[t], fill_latest_at=True)): "
        f"p50 {out['p50']:.0f} us, p99 {out['p99']:.0f} us ({queries} queries, 1000000 rows stored)",
        flush=True,
    )


def _timed_load(path: Path, *, validate: bool, threads: int) -> tuple[float, float, ChunkStore]:
    """(wall s, CPU s, store) of file -> ChunkStore via ``load_rrd``."""
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    hub = load_rrd(path, validate=validate, threads=threads)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    store = hub.active_recording
    assert store is not None
    return wall, cpu, store


def bench_load(path: Path, repeat: int) -> ChunkStore:
    """File -> ChunkStore (decode + insert; indexes are built at the first query), then
    load + first latest-at (which builds that entity's index), after one untimed warm-up load.
    Returns the last store."""
    mb = path.stat().st_size / 1e6
    _timed_load(path, validate=False, threads=1)  # warm-up: page cache, Arrow's memory pool
    store: ChunkStore | None = None
    for validate, threads in ((True, 2), (True, 1), (False, 2), (False, 1)):
        runs = []
        for _ in range(repeat):
            store = None
            wall, cpu, store = _timed_load(path, validate=validate, threads=threads)
            runs.append((wall, cpu))
        wall = min(w for w, _ in runs)
        cpu = min(c for _, c in runs)
        rows = store.stats().num_rows
        print(
            f"RESULT store_load[file -> ChunkStore, validate={'on' if validate else 'off'}, "
            f"{threads} thread{'s' if threads > 1 else ''}] ours: best {wall:.3f} s = {mb / wall:.0f} MB/s wall, "
            f"CPU {cpu:.3f} s = {mb / cpu:.0f} MB/s per CPU-second ({rows} rows, best of {repeat}, "
            f"load avg {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    runs = []
    for _ in range(repeat):
        store = None
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        store = load_rrd(path).active_recording
        assert store is not None
        store.latest_at("/scalars/columns", None, "step", 5_000_000)
        runs.append((time.perf_counter() - t0, time.process_time() - c0))
    wall, cpu = min(w for w, _ in runs), min(c for _, c in runs)
    print(
        f"RESULT store_load+first latest-at (10M-row entity) ours: best {wall:.3f} s = {mb / wall:.0f} MB/s wall, "
        f"CPU {cpu:.3f} s = {mb / cpu:.0f} MB/s per CPU-second (validate=on, 2 threads)",
        flush=True,
    )
    assert store is not None
    return store


def bench_file(path: Path, repeat: int = 3) -> None:
    store = bench_load(path, repeat)
    for label, contents in (("scalars", "/scalars/**"), ("all", "/**")):
        for attempt in ("first", "repeat"):
            t0, c0 = time.perf_counter(), time.process_time()
            table = store.dataframe("step", contents)
            dt, cpu = time.perf_counter() - t0, time.process_time() - c0
            print(
                f"RESULT store_dataframe[{label}, {attempt}] ours: {dt:.3f} s, CPU {cpu:.3f} s "
                f"({table.num_rows} rows x {table.num_columns} cols)",
                flush=True,
            )


def bench_oracle(path: Path) -> None:
    proc = subprocess.run(
        [str(ORACLE_BIN / "python"), "-P", "-c", ORACLE, str(path)],
        capture_output=True,
        text=True,
        env=_oracle_env(),
        timeout=1200,
    )
    if proc.returncode:
        print(f"RESULT oracle failed: {proc.stderr.strip()[-500:]}")
        return
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    mb = path.stat().st_size / 1e6
    print(
        f"RESULT store_load oracle (RrdReader.stream().collect(), file -> its ChunkStore): {out['load']:.3f} s "
        f"= {mb / out['load']:.0f} MB/s wall, CPU {out['load_cpu']:.3f} s (all its threads)"
    )
    for label in ("scalars", "all"):
        for attempt in ("first", "repeat"):
            key = f"{label}_{attempt}"
            print(
                f"RESULT store_dataframe[{label}, {attempt}] oracle (ChunkStore.reader): {out[key]:.3f} s, "
                f"CPU {out[key + '_cpu']:.3f} s ({out[f'{label}_rows']} rows x {out[f'{label}_cols']} cols)",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--queries", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="loads per variant (best is printed)")
    parser.add_argument("--no-oracle", action="store_true")
    opts = parser.parse_args()
    bench_latest_at(opts.queries)
    if not opts.no_oracle:
        bench_latest_at_oracle(200, opts.path.with_name("latest_at_oracle.rrd"))
    if not opts.path.exists():
        print(f"generating {opts.path} with the real SDK ...", flush=True)
        generate(opts.path)
    bench_file(opts.path, opts.repeat)
    if not opts.no_oracle:
        bench_oracle(opts.path)


if __name__ == "__main__":
    main()
