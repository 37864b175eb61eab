"""Ingest throughput of our `rerun --serve-grpc` against the real one, fed by the real SDK.

The same rerun-sdk 0.41 script streams to each endpoint with `connect_grpc`: first large chunks
(`send_columns`, ~1.6 MB each), then many small ones (one `rr.log` per chunk). It times the
streaming phase up to a blocking `flush()`, which returns once the gRPC stream has taken
everything (HTTP/2 flow control keeps the client within a window of what the server read).
For our endpoint the server's own count of received messages and bytes is checked too.

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
out = {}
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
        result: dict[str, float] = json.loads(client.stdout.strip().splitlines()[-1])
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
    large_mb = args.large * 50_000 * (8 + 8 + 16) / 1e6  # values + index + row ids, uncompressed
    small_mb = args.small * (100 * 12 + 8 + 16) / 1e6
    best: dict[str, dict[str, float]] = {}
    for _ in range(args.repeat):
        for server in ("real", "ours"):
            r = run_once(server, args.large, args.small)
            b = best.setdefault(server, dict(r))
            for key in ("large_s", "small_s"):
                b[key] = min(b[key], r[key])
            if "server_msgs" in r:
                b["server_msgs"], b["server_mb"] = r["server_msgs"], r["server_mb"]
    print(f"{'endpoint':8} {'large MB/s':>11} {'chunks/s':>9} {'small MB/s':>11} {'chunks/s':>9}")
    for server, r in best.items():
        print(
            f"{server:8} {large_mb / r['large_s']:11.1f} {args.large / r['large_s']:9.0f}"
            f" {small_mb / r['small_s']:11.2f} {args.small / r['small_s']:9.0f}"
        )
    if "server_msgs" in best.get("ours", {}):
        print(f"ours received {best['ours']['server_msgs']:.0f} messages, {best['ours']['server_mb']:.1f} MB")
    ratio_large = best["real"]["large_s"] / best["ours"]["large_s"]
    ratio_small = best["real"]["small_s"] / best["ours"]["small_s"]
    print(f"ours vs real: large {ratio_large:.2f}x, small {ratio_small:.2f}x (higher is better)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
