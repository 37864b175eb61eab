"""Run every benchmark module (ours beside the oracle) and print their result lines.

Each ``benchmarks/bench_*.py`` is run as its own process, so one failing or slow benchmark
does not hide the others' numbers.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem for p in HERE.glob("bench_*.py"))
    failed = []
    for name in names:
        print(f"=== {name}", flush=True)
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", f"benchmarks.{name}"], cwd=HERE.parent)
        print(f"=== {name}: exit {proc.returncode} in {time.perf_counter() - t0:.1f} s", flush=True)
        if proc.returncode:
            failed.append(name)
    if failed:
        print("failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
