"""SDK logging benchmarks: ours vs the real rerun-sdk 0.41, in one run, each in a fresh process.

    .venv/bin/python benchmarks/bench_sdk.py [--quick] [--only NAME]

1. ``scalars``: 100k x (set_time + log(Scalars)) to a file, final flush included.
   Target: <= 0.25x the oracle's time.
2. ``columns``: send_columns of 10M scalars with a sequence index to a file, final flush
   included. Target: <= 0.5x the oracle's time; peak RSS growth (from before the data was
   built) <= 1.5x the data logged (10M f64 + 10M i64 = 160 MB).
3. ``points``: 100 x log(Points3D of 100k points) to a file. Target: >= the oracle's throughput.
4. ``import``: median wall time of ``import rerun`` in a fresh interpreter. Target: <= the oracle's.

Prints one ``RESULT`` line per benchmark and implementation, then the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = ROOT / ".venv" / "bin" / "python"
ORACLE = ROOT / ".venv-oracle" / "bin" / "python"

COMMON = """
import json, os, resource, sys, time
import numpy as np
def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
OUT = sys.argv[1]
N = int(sys.argv[2])
"""

SCRIPTS = {
    "scalars": """
        import rerun as rr
        rr.init("bench", recording_id="b")
        rr.save(OUT)
        t0, c0 = time.perf_counter(), time.process_time()
        for i in range(N):
            rr.set_time("frame", sequence=i)
            rr.log("scalar", rr.Scalars(i * 0.5))
        rr.disconnect()  # flush + close the file
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(json.dumps({"seconds": dt, "cpu_seconds": cpu, "us_per_pair": dt / N * 1e6}))
    """,
    "columns": """
        import rerun as rr
        rr.init("bench", recording_id="b")
        rr.save(OUT)
        base = rss_mb()
        times = np.arange(N, dtype=np.int64)
        values = np.random.default_rng(0).random(N)
        data_mb = (times.nbytes + values.nbytes) / 1e6
        t0, c0 = time.perf_counter(), time.process_time()
        rr.send_columns("scalars", indexes=[rr.TimeColumn("step", sequence=times)],
                        columns=rr.Scalars.columns(scalars=values))
        rr.disconnect()
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        growth = peak_mb() - base
        print(json.dumps({"seconds": dt, "cpu_seconds": cpu, "data_mb": data_mb, "peak_growth_mb": growth,
                          "peak_over_data": growth / data_mb}))
    """,
    "points": """
        import rerun as rr
        rr.init("bench", recording_id="b")
        rr.save(OUT)
        rng = np.random.default_rng(0)
        clouds = [rng.random((100_000, 3), dtype=np.float32) for _ in range(4)]
        t0, c0 = time.perf_counter(), time.process_time()
        for i in range(N):
            rr.set_time("frame", sequence=i)
            rr.log("points", rr.Points3D(clouds[i % 4]))
        rr.disconnect()
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(json.dumps({"seconds": dt, "cpu_seconds": cpu, "mpoints_per_s": N * 100_000 / dt / 1e6}))
    """,
}

SIZES = {"scalars": 100_000, "columns": 10_000_000, "points": 100, "import": 9}
QUICK = {"scalars": 10_000, "columns": 1_000_000, "points": 10, "import": 3}

IMPORT_PROBE = "import time; t = time.perf_counter(); import rerun; print(time.perf_counter() - t)"


def import_seconds(python: Path, runs: int) -> dict[str, float]:
    """Median wall time of ``import rerun`` in fresh interpreters (target: no slower than 0.41)."""
    times = []
    for _ in range(runs):
        args = [str(python), *(["-P"] if python == ORACLE else []), "-c", IMPORT_PROBE]
        out = subprocess.run(args, capture_output=True, text=True, timeout=120, check=True, cwd=ROOT)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    times.sort()
    return {"seconds": times[len(times) // 2], "min_seconds": times[0]}


def run_one(python: Path, name: str, n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.rrd"
        code = COMMON + textwrap.dedent(SCRIPTS[name])
        args = [str(python), *(["-P"] if python == ORACLE else []), "-c", code, str(out), str(n)]
        env = {**os.environ, "RERUN_ANALYTICS": "0"}
        proc = subprocess.run(args, capture_output=True, text=True, timeout=1800, env=env, cwd=tmp)
        if proc.returncode != 0:
            raise RuntimeError(f"{name} under {python} failed:\n{proc.stderr[-3000:]}")
        result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
        result["file_mb"] = out.stat().st_size / 1e6
        return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="10x smaller sizes (smoke test)")
    parser.add_argument("--only", choices=sorted([*SCRIPTS, "import"]), action="append")
    args = parser.parse_args()
    sizes = QUICK if args.quick else SIZES
    for name in args.only or ["import", "scalars", "columns", "points"]:
        n = sizes[name]
        if name == "import":
            ours, oracle = import_seconds(OURS, n), import_seconds(ORACLE, n)
        else:
            ours = run_one(OURS, name, n)
            oracle = run_one(ORACLE, name, n)
        for who, r in (("ours", ours), ("oracle", oracle)):
            fields = " ".join(f"{k}={v:.3f}" for k, v in r.items())
            print(f"RESULT {name} n={n} {who}: {fields}", flush=True)
        ratio = ours["seconds"] / oracle["seconds"]
        print(f"RATIO {name}: ours/oracle time = {ratio:.3f}", flush=True)
        if "cpu_seconds" in ours:  # CPU of all threads: steadier than wall time on a busy machine
            print(
                f"RATIO {name}: ours/oracle cpu = {ours['cpu_seconds'] / oracle['cpu_seconds']:.3f}",
                flush=True,
            )
        if name == "points":
            print(f"RATIO points: throughput ours/oracle = {oracle['seconds'] / ours['seconds']:.3f}")


if __name__ == "__main__":
    main()
