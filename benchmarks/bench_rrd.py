"""Decode speed of the .rrd reader on a large recording written by the real SDK.

The file (10M scalars via send_columns plus 100k logged rows, ~200 MB) is made once by the
oracle and cached under artifacts/bench/. We time decoding every message into Chunks (full
Arrow validation on, as the default reader does, and off), and beside it the real CLI's
nearest equivalents on the same file: `rerun rrd stats` and `rerun rrd verify`. Writing is
timed too (ours: every message back to a file with footer; oracle: `rerun rrd merge -o`).

    python -m benchmarks.bench_rrd [--path F] [--regen] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import time
from pathlib import Path

from rerun_core.store.messages import ArrowMsg, LogMsg
from rerun_core.store.rrd import RrdWriter, read_messages

ROOT = Path(__file__).resolve().parent.parent
ORACLE_BIN = ROOT / ".venv-oracle" / "bin"
DEFAULT_PATH = ROOT / "artifacts" / "bench" / "rrd_large.rrd"

GENERATE = r"""
import sys
import numpy as np
import rerun as rr

rr.init("bench_rrd", recording_id="bench-rrd")
rr.save(sys.argv[1])
n = 10_000_000
rr.send_columns(
    "scalars/columns",
    indexes=[rr.TimeColumn("step", sequence=np.arange(n))],
    columns=rr.Scalars.columns(scalars=np.sin(np.arange(n) * 1e-3)),
)
for i in range(100_000):
    rr.set_time("step", sequence=i)
    rr.log(f"rows/{i % 10}", rr.Scalars(float(i)))
"""


def _oracle_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{ORACLE_BIN}:{env.get('PATH', '')}"
    env["RERUN_ANALYTICS"] = "0"
    env.pop("PYTHONPATH", None)
    return env


def generate(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    subprocess.run(
        [str(ORACLE_BIN / "python"), "-P", "-c", GENERATE, str(tmp)],
        check=True,
        env=_oracle_env(),
        timeout=1200,
    )
    tmp.rename(path)


def decode(path: Path, *, validate: bool) -> tuple[float, int, int]:
    t0 = time.perf_counter()
    chunks = rows = 0
    for msg in read_messages(path, validate=validate):
        if isinstance(msg, ArrowMsg):
            chunks += 1
            rows += msg.chunk.num_rows
    return time.perf_counter() - t0, chunks, rows


def write(msgs: list[LogMsg], out: Path) -> float:
    t0 = time.perf_counter()
    with RrdWriter(out) as writer:
        for msg in msgs:
            writer.write(msg)
    return time.perf_counter() - t0


def time_cli(*args: str, ours: bool = False) -> float:
    return time_cli_cpu(*args, ours=ours)[0]


def time_cli_cpu(*args: str, ours: bool = False) -> tuple[float, float]:
    """(wall s, CPU s of the child) of one CLI run: the real one, or ours with ``ours``."""
    exe = ROOT / ".venv" / "bin" / "rerun" if ours else ORACLE_BIN / "rerun"
    env = None if ours else _oracle_env()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([str(exe), *args], check=True, capture_output=True, env=env, timeout=600)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--regen", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    if opts.regen or not opts.path.exists():
        print(f"generating {opts.path} with the real SDK ...", flush=True)
        generate(opts.path)
    mb = opts.path.stat().st_size / 1e6
    print(f"file: {opts.path} ({mb:.1f} MB)")
    for validate in (True, False):
        runs = [decode(opts.path, validate=validate) for _ in range(opts.repeat)]
        best, chunks, rows = min(runs)
        first = runs[0][0]
        label = "validated" if validate else "no-validate"
        print(
            f"RESULT rrd_decode[{label}] ours: best {best:.3f} s = {mb / best:.0f} MB/s, "
            f"first run {first:.3f} s ({chunks} chunks, {rows} rows, load avg {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    msgs = list(read_messages(opts.path, validate=False))
    out = opts.path.with_name("rrd_large.rewrite.rrd")
    best = min(write(msgs, out) for _ in range(opts.repeat))
    print(f"RESULT rrd_write ours (LZ4, with footer): {best:.3f} s = {mb / best:.0f} MB/s", flush=True)
    del msgs
    best = min(time_cli("rrd", "merge", str(opts.path), "-o", str(out)) for _ in range(opts.repeat))
    print(f"RESULT rrd_write oracle `rerun rrd merge -o` (decode + encode): {best:.3f} s", flush=True)
    out.unlink(missing_ok=True)
    for cmd in (("rrd", "stats"), ("rrd", "verify")):
        for who in ("ours", "oracle"):
            runs = [time_cli_cpu(*cmd, str(opts.path), ours=who == "ours") for _ in range(opts.repeat)]
            wall, cpu = min(w for w, _ in runs), min(c for _, c in runs)
            print(
                f"RESULT rrd_cli {who} `rerun {' '.join(cmd)}`: {wall:.3f} s = {mb / wall:.0f} MB/s wall, "
                f"CPU {cpu:.3f} s (process start included)",
                flush=True,
            )


if __name__ == "__main__":
    main()
