"""Ingest throughput of our `rerun --serve-grpc` against the real one, fed by the real SDK.

The same rerun-sdk 0.41 script streams to each endpoint with `connect_grpc`, in two separate
runs: large chunks (`send_columns`, ~1.6 MB each) and many small ones (one `rr.log` per chunk).
Time runs from the first message until the client process has exited: at exit the SDK
half-closes its stream and waits for the server's reply, which comes only after the server has
read every message, so this is end-to-end ingest (process teardown is the same on both sides).
For our endpoint the server's own count of received messages and bytes is printed too.

    python -m benchmarks.bench_grpc [--repeat N] [--large N] [--small N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORACLE_BIN = ROOT / ".venv-oracle" / "bin"
OURS = Path(sys.executable).parent / "rerun"
REAL = next((ROOT / ".venv-oracle" / "lib").glob("python3*/site-packages/rerun_cli/rerun"), None)

CLIENT = r"""
import json, sys, time
import numpy as np
import rerun as rr

url, n_large, n_small = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rr.init("bench_grpc", recording_id="bench-grpc", send_properties=False)
rr.connect_grpc(url)
rec = rr.get_global_data_recording()
rr.log("warmup", rr.TextDocument("hi"), static=True)
rec.flush()
values = np.sin(np.arange(50_000) * 1e-3)
points = np.random.default_rng(0).random((100, 3), dtype=np.float32)
out = {"t0": time.time()}
t0 = time.perf_counter()
for i in range(n_large):
    rr.send_columns(
        "large/scalars",
        indexes=[rr.TimeColumn("step", sequence=np.arange(i * 50_000, (i + 1) * 50_000))],
        columns=rr.Scalars.columns(scalars=values),
    )
rec.flush()
out["large_s"] = time.perf_counter() - t0
t0 = time.perf_counter()
for i in range(n_small):
    rr.set_time("frame", sequence=i)
    rr.log("small/points", rr.Points3D(points))
rec.flush()
out["small_s"] = time.perf_counter() - t0
print(json.dumps(out))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_listening(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"no server on port {port}")


def oracle_env() -> dict[str, str]:
    env = dict(os.environ)
    env["RERUN_ANALYTICS"] = "0"
    env["RERUN_FLUSH_NUM_ROWS"] = "1"  # one chunk per log call: the same chunk count every run
    env.pop("PYTHONPATH", None)
    return env


def run_once(server: str, n_large: int, n_small: int) -> dict[str, float]:
    port = free_port()
    exe = str(OURS) if server == "ours" else str(REAL)
    proc = subprocess.Popen(
        [exe, "--serve-grpc", f"--port={port}", "--server-memory-limit=4GiB"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "RERUN_ANALYTICS": "0"},
    )
    try:
        wait_listening(port)
        url = f"rerun+http://127.0.0.1:{port}/proxy"
        client = subprocess.run(
            [str(ORACLE_BIN / "python"), "-P", "-c", CLIENT, url, str(n_large), str(n_small)],
            capture_output=True,
            text=True,
            timeout=600,
            env=oracle_env(),
            cwd="/",
        )
        if client.returncode:
            raise RuntimeError(client.stderr)
        exited = time.time()
        result: dict[str, float] = json.loads(client.stdout.strip().splitlines()[-1])
        result["e2e_s"] = exited - result["t0"]
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    m = re.search(r"received (\d+) messages \(([\d.]+) MB\)", err or "")
    if m:
        result["server_msgs"], result["server_mb"] = float(m.group(1)), float(m.group(2))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--large", type=int, default=150, help="number of ~1.6 MB chunks")
    parser.add_argument("--small", type=int, default=5000, help="number of ~1.5 kB chunks")
    args = parser.parse_args(argv)
    if REAL is None:
        print("no real rerun binary in .venv-oracle", file=sys.stderr)
        return 1
    best: dict[str, dict[str, float]] = {"real": {}, "ours": {}}
    for _ in range(args.repeat):
        for scenario, n_large, n_small in (("large", args.large, 0), ("small", 0, args.small)):
            for server in ("real", "ours"):
                r = run_once(server, n_large, n_small)
                b = best[server]
                for metric, value in (("e2e", r["e2e_s"]), ("flush", r[f"{scenario}_s"])):
                    key = f"{scenario}_{metric}"
                    b[key] = min(b.get(key, float("inf")), value)
                if "server_msgs" in r:
                    b[f"{scenario}_server"] = r["server_msgs"]
    report(best, args.large, args.small, args.repeat)
    return 0


def report(best: dict[str, dict[str, float]], n_large: int, n_small: int, repeat: int) -> None:
    large_mb = n_large * 50_000 * (8 + 8 + 16) / 1e6  # values + index + row ids, uncompressed
    small_mb = n_small * (100 * 12 + 8 + 16) / 1e6
    print(
        f"large: {n_large} chunks, {large_mb:.0f} MB; small: {n_small} chunks, {small_mb:.1f} MB (best of {repeat})"
    )
    print(
        f"{'endpoint':8} {'metric':6} {'large MB/s':>11} {'chunks/s':>9} {'small MB/s':>11} {'chunks/s':>9}"
    )
    for metric in ("e2e", "flush"):
        for server, r in best.items():
            tl, ts = r[f"large_{metric}"], r[f"small_{metric}"]
            print(
                f"{server:8} {metric:6} {large_mb / tl:11.1f} {n_large / tl:9.0f} {small_mb / ts:11.2f} {n_small / ts:9.0f}"
            )
    ours, real = best["ours"], best["real"]
    print(f"ours received {ours.get('large_server', 0):.0f} + {ours.get('small_server', 0):.0f} messages")
    for metric in ("e2e", "flush"):
        rl, rs = (
            real[f"large_{metric}"] / ours[f"large_{metric}"],
            real[f"small_{metric}"] / ours[f"small_{metric}"],
        )
        print(f"ours vs real ({metric}): large {rl:.2f}x, small {rs:.2f}x (>1: ours faster)")


if __name__ == "__main__":
    sys.exit(main())
