"""`rerun mcap convert` speed: ours against the real 0.41 converter on one large generated MCAP.

The file (ROS 2: 320x240 RGB noise images, 20k-point clouds, IMU, TF, joint states and
strings; about 60 MB per unit of scale, --size-mb picks the scale) is written with the `mcap`
writer packages: cached under artifacts/bench/ up to 100 MB, larger ones written to a temp
dir and deleted afterwards. Both converters write an .rrd from it, alternating, --repeat
times each after one uncounted warm-up of each; we report the median wall clock and CPU
(user+sys) time of each and the median of the pairs' ratios, and check that the outputs are
equal under the real `rerun rrd compare --unordered`.

    python -m benchmarks.bench_mcap [--size-mb 12 | --scale S | --large] [--regen] [--repeat N]

`--large` is the 500 MB mixed case, run once side by side (no warm-up): generating it takes
about a minute, each conversion about one (here the disk's writeback bounds the wall clock of
both), the real `rrd compare` of the two outputs ~10 minutes. Each .rrd is ~3.7 GB (the noise
images repeat, which MCAP's zstd chunks compress and Rerun's LZ4 blocks cannot): it needs
~8 GB free in the temp dir. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORACLE_BIN = ROOT / ".venv-oracle" / "bin"
OURS_BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "tests" / "formats"))


def generate(path: Path, scale: float) -> None:
    from mcap_ros2.writer import Writer
    from mcap_samples import MESSAGES, MSGDEFS, _hdr

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    counts = {
        "sensor_msgs/msg/Image": int(500 * scale),
        "sensor_msgs/msg/PointCloud2": int(500 * scale),
        "sensor_msgs/msg/Imu": int(20_000 * scale),
        "tf2_msgs/msg/TFMessage": int(5_000 * scale),
        "std_msgs/msg/String": int(2_000 * scale),
        "sensor_msgs/msg/JointState": int(5_000 * scale),
    }
    import numpy as np

    rng = np.random.default_rng(0)  # noise: the images stay about their raw size under zstd
    image = rng.integers(0, 256, 320 * 240 * 3, dtype=np.uint8).tobytes()
    pts = rng.normal(size=(20_000, 3)).astype("<f4")
    cloud = b"".join(struct.pack("<fffI", *map(float, p), k) for k, p in enumerate(pts))
    with open(tmp, "wb") as f:
        w = Writer(f)
        schemas = {dt: w.register_msgdef(dt, MSGDEFS[dt]) for dt in counts}
        t0 = 1_700_000_000_000_000_000
        for dt, n in counts.items():
            step = 10_000_000_000 // max(n, 1)
            for i in range(n):
                if dt.endswith("Image"):  # (the samples' own payloads only work for i < 238)
                    msg = MESSAGES[dt](0)
                    msg.update(header=_hdr(i), width=320, height=240, step=960, data=image)
                elif dt.endswith("PointCloud2"):
                    msg = MESSAGES[dt](0)
                    msg.update(header=_hdr(i), width=20_000, row_step=320_000, data=cloud)
                else:
                    msg = MESSAGES[dt](i)
                w.write_message(
                    topic="/" + dt.split("/")[-1].lower(),
                    schema=schemas[dt],
                    message=msg,
                    log_time=t0 + i * step,
                    publish_time=t0 + i * step,
                )
        w.finish()
    tmp.replace(path)


def _env(bin_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir}:{env.get('PATH', '')}"
    env["RERUN_ANALYTICS"] = "0"
    if bin_dir == ORACLE_BIN:
        env.pop("PYTHONPATH", None)
    else:
        # Our modules run from their compiled bytecode, as from an installed package (pip
        # compiles at install time); the cache stays out of the source tree.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(ROOT / "artifacts" / "bench" / "pycache")
    return env


MB_PER_SCALE = 60.0  # file size at scale 1 (noise images and clouds dominate)


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _convert(bin_dir: Path, src: Path, out: Path) -> tuple[float, float]:
    """(wall, cpu) seconds of one conversion, into a new file (replacing one costs a flush on
    ext4) and after an untimed sync: the previous run's output (GBs at --large) is on disk
    first, so that its writeback does not slow whichever converter runs next."""
    out.unlink(missing_ok=True)
    os.sync()
    cpu, start = _cpu(), time.perf_counter()
    subprocess.run(
        [str(bin_dir / "rerun"), "mcap", "convert", str(src), "-o", str(out)],
        check=True,
        env=_env(bin_dir),
        capture_output=True,
    )
    return time.perf_counter() - start, _cpu() - cpu


CACHE_LIMIT_MB = 100  # larger inputs are generated in the temp dir and deleted afterwards


def _args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--size-mb", type=float, help="about this many MB of input (default 12)")
    size.add_argument("--scale", type=float, help="message counts relative to scale 1 (~60 MB)")
    size.add_argument("--large", action="store_true", help="the 500 MB case, once (see above)")
    ap.add_argument("--regen", action="store_true")
    ap.add_argument("--repeat", type=int, default=None, help="pairs to time (default 3, 1 with --large)")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    size_mb = 500.0 if args.large else args.size_mb or 12.0
    scale = args.scale if args.scale is not None else size_mb / MB_PER_SCALE
    repeat = args.repeat if args.repeat is not None else 1 if args.large else 3
    with tempfile.TemporaryDirectory(prefix="bench_mcap_") as d:
        if scale * MB_PER_SCALE > CACHE_LIMIT_MB:
            path = Path(d) / f"mcap_mixed_{scale:.4g}.mcap"
            start = time.perf_counter()
            generate(path, scale)
            print(f"generated {path.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - start:.0f} s")
        else:
            path = ROOT / "artifacts" / "bench" / f"mcap_mixed_{scale:.4g}.mcap"
            if args.regen or not path.exists():
                generate(path, scale)
        return _compare(path, Path(d), repeat, warm_up=not args.large)


def _compare(path: Path, d: Path, repeat: int, *, warm_up: bool) -> int:
    mb = path.stat().st_size / 1e6
    ours_out, theirs_out = d / "ours.rrd", d / "theirs.rrd"
    runs: dict[str, list[tuple[float, float]]] = {"ours": [], "oracle": []}
    if warm_up:  # not counted: page cache, bytecode cache
        _convert(ORACLE_BIN, path, theirs_out)
        _convert(OURS_BIN, path, ours_out)
    for i in range(repeat):  # alternating, so both see the same load
        load = os.getloadavg()[0]
        runs["oracle"].append(_convert(ORACLE_BIN, path, theirs_out))
        runs["ours"].append(_convert(OURS_BIN, path, ours_out))
        (w, c), (tw, tc) = runs["ours"][-1], runs["oracle"][-1]
        print(
            f"pair {i + 1}: ours {w:.2f} s wall / {c:.2f} s CPU, oracle {tw:.2f} s / {tc:.2f} s "
            f"({w / tw:.2f}x wall, {c / tc:.2f}x CPU; load {load:.1f} before, {os.getloadavg()[0]:.1f} after)",
            flush=True,
        )
    pair_wall = statistics.median(a[0] / b[0] for a, b in zip(runs["ours"], runs["oracle"]))
    pair_cpu = statistics.median(a[1] / b[1] for a, b in zip(runs["ours"], runs["oracle"]))
    ours, ours_cpu = (statistics.median(x) for x in zip(*runs["ours"]))
    theirs, theirs_cpu = (statistics.median(x) for x in zip(*runs["oracle"]))
    same = (
        subprocess.run(
            [str(ORACLE_BIN / "rerun"), "rrd", "compare", "--unordered", str(theirs_out), str(ours_out)],
            env=_env(ORACLE_BIN),
            capture_output=True,
        ).returncode
        == 0
    )
    print(
        f"RESULT mcap_convert ours: {ours:.2f} s wall, {ours_cpu:.2f} s CPU = {mb / ours:.0f} MB/s "
        f"({mb:.1f} MB input, median of {repeat})",
        flush=True,
    )
    print(f"RESULT mcap_convert oracle: {theirs:.2f} s wall, {theirs_cpu:.2f} s CPU", flush=True)
    print(
        f"RATIO mcap_convert ours/oracle: {ours / theirs:.2f}x wall, {ours_cpu / theirs_cpu:.2f}x CPU "
        f"(median of the pairs' ratios: {pair_wall:.2f}x wall, {pair_cpu:.2f}x CPU); "
        f"outputs equal under rrd compare: {same}",
        flush=True,
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
