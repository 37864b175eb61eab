"""Our ``rrd verify`` against the real one on a corpus of corrupted recordings.

Two recordings written by the real SDK are mutated (seeded, so the corpus is the same on every
run): bit flips in LZ4 blocks (and match offsets zeroed), in frame headers, in the footer body
and its trailer; truncations; two ArrowMsg frames swapped. Every file the real verify rejects,
ours must reject too, naming a byte offset. Files only ours rejects are listed with our reason
(printed; they are stricter checks, not failures).
"""

from __future__ import annotations

import random
import struct
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from rerun.cli.rrd_verify import verify_source
from rerun_core.store.rrd._wire import parse_arrow_msg
from rerun_core.store.rrd.reader import iter_frames

pytestmark = [pytest.mark.interop, pytest.mark.slow]

SCRIPT = """
import sys
import numpy as np
import rerun as rr
import rerun.blueprint as rrb

rng = np.random.default_rng(0)
for path, with_blueprint in ((sys.argv[1], False), (sys.argv[2], True)):
    rec = rr.RecordingStream("mutations", recording_id=path)
    rec.save(path, default_blueprint=rrb.Spatial3DView(origin="/world") if with_blueprint else None)
    rec.log("world/text", rr.TextDocument("hello " * 50), static=True)
    for i in range(10):
        rec.set_time("frame", sequence=i)
        rec.log("world/points", rr.Points3D(rng.normal(size=(50, 3)), colors=np.tile([255, 0, 0], (50, 1))))
        rec.log("plot/scalar", rr.Scalars(np.sin(i / 3)))
        rec.log("img", rr.Image(np.tile(np.arange(64, dtype=np.uint8), (32, 1))))
    rec.flush()
"""

Layout = dict[str, list[tuple[int, int]]]  # "frame", "payload", "end": (start, end) spans


def _layout(data: bytes) -> Layout:
    """Where the frames, LZ4 payloads and footer of a file are."""
    out: Layout = {"frame": [], "payload": [], "header": []}
    for kind, body, off in iter_frames(data):
        out["frame"].append((off - 16, off + len(body)))
        out["header"].append((off - 16, off))
        if int(kind) == 2:
            raw = parse_arrow_msg(memoryview(body))
            start = off + (bytes(body).find(bytes(raw.payload)))
            out["payload"].append((start, start + len(raw.payload)))
    end_off, end_len = struct.unpack_from("<QQ", data, len(data) - 32)
    out["footer"] = [(end_off, end_off + end_len)]
    out["trailer"] = [(len(data) - 32, len(data))]
    return out


def _flip(data: bytes, span: tuple[int, int], rng: random.Random) -> bytes:
    pos = rng.randrange(*span)
    return data[:pos] + bytes([data[pos] ^ (1 << rng.randrange(8))]) + data[pos + 1 :]


def _match_offsets(block: bytes) -> list[int]:
    """Positions of the match offsets in an LZ4 block."""
    out, i, n = [], 0, len(block)
    while i < n:
        token, i = block[i], i + 1
        lit = token >> 4
        if lit == 15:
            while block[i] == 255:
                lit, i = lit + 255, i + 1
            lit, i = lit + block[i], i + 1
        i += lit
        if i >= n:
            break
        out.append(i)
        i += 2
        if token & 15 == 15:
            while block[i] == 255:
                i += 1
            i += 1
    return out


def _zero_offset(data: bytes, span: tuple[int, int], rng: random.Random) -> bytes:
    offsets = _match_offsets(data[span[0] : span[1]])
    if not offsets:
        return _flip(data, span, rng)
    pos = span[0] + rng.choice(offsets)
    return data[:pos] + b"\0\0" + data[pos + 2 :]


def _swap(data: bytes, layout: Layout, rng: random.Random) -> bytes:
    frames = [f for f in layout["frame"] if any(f[0] < q[0] < f[1] for q in layout["payload"])]
    a, b = sorted(rng.sample(frames, 2))
    return data[: a[0]] + data[b[0] : b[1]] + data[a[1] : b[0]] + data[a[0] : a[1]] + data[b[1] :]


def _mutations(data: bytes, rng: random.Random) -> list[tuple[str, bytes]]:
    lay = _layout(data)
    out: list[tuple[str, bytes]] = []
    for _ in range(14):
        out.append(("lz4-flip", _flip(data, rng.choice(lay["payload"]), rng)))
    for _ in range(6):
        out.append(("lz4-zero-offset", _zero_offset(data, rng.choice(lay["payload"]), rng)))
    for _ in range(8):
        out.append(("frame-header-flip", _flip(data, rng.choice(lay["header"]), rng)))
    for _ in range(8):
        out.append(("footer-flip", _flip(data, lay["footer"][0], rng)))
    for _ in range(4):
        out.append(("trailer-flip", _flip(data, lay["trailer"][0], rng)))
    for _ in range(6):
        out.append(("truncate", data[: rng.randrange(len(data))]))
    for _ in range(4):
        out.append(("swap-frames", _swap(data, lay, rng)))
    return out


def _real_verify(rerun: Path, env: dict[str, str], path: Path) -> tuple[bool, str]:
    proc = subprocess.run(
        [str(rerun), "rrd", "verify", str(path)], capture_output=True, text=True, env=env, timeout=60
    )
    return proc.returncode == 0, proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""


def test_ours_rejects_every_file_the_real_verify_rejects(oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    originals = [tmp_path / "plain.rrd", tmp_path / "blueprint.rrd"]
    oracle.run_script(SCRIPT, *map(str, originals))
    rng = random.Random(10)
    corpus: list[tuple[str, Path]] = []
    for original in originals:
        assert verify_source(str(original), check_footers=True) == []
        for i, (what, mutated) in enumerate(_mutations(original.read_bytes(), rng)):
            path = tmp_path / f"{original.stem}-{i:02d}-{what}.rrd"
            path.write_bytes(mutated)
            corpus.append((what, path))
    assert len(corpus) >= 100

    real: Callable[[Path], tuple[bool, str]] = lambda p: _real_verify(oracle.rerun, oracle.env(), p)  # noqa: E731
    with ThreadPoolExecutor(2) as pool:
        real_results = list(pool.map(real, [p for _, p in corpus]))

    missed, only_ours = [], []
    for (_what, path), (real_ok, real_err) in zip(corpus, real_results, strict=True):
        ours = verify_source(str(path), check_footers=True)
        if not real_ok and not ours:
            missed.append(f"{path.name}: real says {real_err!r}")
        if ours and not real_ok:
            assert all("offset" in p for p in ours), f"{path.name}: no byte offset in {ours}"
        if ours and real_ok:
            only_ours.append(f"{path.name}: {ours[0]}")
    print(f"\n{len(corpus)} files, real rejects {sum(not ok for ok, _ in real_results)}")
    print("rejected by ours only:\n  " + "\n  ".join(only_ours or ["(none)"]))
    assert not missed, "files the real verify rejects and ours accepts:\n" + "\n".join(missed)
    # The mutations hit: the real verify rejects most of the corpus.
    assert sum(not ok for ok, _ in real_results) > len(corpus) // 2
