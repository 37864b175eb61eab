"""`rerun mcap convert` with worker processes (large inputs) writes the recording the serial path
writes: the same chunks in the same order, ids increasing in file order, a footer that indexes
them. The size threshold is lowered through the environment to take the parallel path here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from mcap_samples import MESSAGES, write_ros2

from rerun_core.store.messages import ArrowMsg
from rerun_core.store.rrd.footer import read_footer
from rerun_core.store.rrd.verify import VerifyReport, verify_messages

RERUN = Path(sys.executable).parent / "rerun"

# Runs our CLI and prints how many worker processes it forked.
_SCRIPT = """
import sys
from rerun_core.formats.mcap import _parallel, cli
forked = []
fork = _parallel.Workers._fork
def counting_fork(self):
    fork(self)
    forked.append(self.workers[-1].pid)
_parallel.Workers._fork = counting_fork
code = cli.main(sys.argv[1:])
print(len(forked))
sys.exit(code)
"""


def _convert(src: Path, out: Path | None, *, parallel: bool, flags: tuple[str, ...] = ()) -> int:
    """Convert (into ``out``, or through stdout when None); returns the workers forked."""
    env = dict(os.environ)
    env["RERUN_MCAP_PARALLEL_MIN_BYTES"] = "0" if parallel else str(1 << 62)
    env["RERUN_MCAP_WORKERS"] = "2"
    target = ["-o", str(out)] if out is not None else []
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT, "convert", str(src), *target, *flags],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    return int(proc.stdout.decode().split()[-1])


def _chunks(path: Path) -> list[Any]:
    """The file's chunks, its footer checked against its frames (offsets, sizes, ids)."""
    report = VerifyReport()
    chunks = [m.chunk for m in verify_messages(path, report) if isinstance(m, ArrowMsg)]
    assert report.problems == [] and report.footers == 1
    return chunks


def _content(chunk: Any) -> tuple[Any, ...]:
    """A chunk apart from its ids."""
    times = {name: col.values.tolist() for name, col in chunk.timelines.items()}
    comps = sorted((str(d), pa.array(a).to_pylist()) for d, a in chunk.components.items())
    return str(chunk.entity_path), chunk.is_static, times, comps


def _id_ranks(chunks: list[Any]) -> tuple[list[int], list[int]]:
    """Where each row's and each chunk's id falls among the file's ids when sorted."""
    rows = [rid for c in chunks for rid in c.row_ids.tolist()]
    ids = [c.id for c in chunks]
    assert len(set(rows)) == len(rows) and len(set(ids)) == len(ids)
    return sorted(range(len(rows)), key=rows.__getitem__), sorted(range(len(ids)), key=ids.__getitem__)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Every sample type (two message decoders, static names, TF, images, clouds) in ~40 MCAP chunks.
    return write_ros2(tmp_path_factory.mktemp("par") / "in.mcap", list(MESSAGES), count=5, chunk_size=2000)


@pytest.mark.parametrize("flags", [(), ("--timestamp-offset-ns", "5", "-n", "joy")], ids=["plain", "options"])
def test_parallel_conversion_writes_the_serial_recording(
    sample: Path, tmp_path: Path, flags: tuple[str, ...]
) -> None:
    serial, parallel = tmp_path / "serial.rrd", tmp_path / "parallel.rrd"
    assert _convert(sample, serial, parallel=False, flags=flags) == 0
    assert _convert(sample, parallel, parallel=True, flags=flags) == 2
    ours, theirs = _chunks(parallel), _chunks(serial)
    assert len(ours) > 40
    assert [_content(c) for c in ours] == [_content(c) for c in theirs]
    # Ids made in the same order as the serial path makes them (static data: the latest wins).
    assert _id_ranks(ours) == _id_ranks(theirs)
    (manifest,) = read_footer(parallel) or []
    assert manifest.table.column("chunk_id").to_pylist() == [c.id.to_bytes() for c in ours]


def test_parallel_conversion_through_a_pipe(sample: Path, tmp_path: Path) -> None:
    """Into stdout the workers send their frames to the main process, which writes them."""
    serial = tmp_path / "serial.rrd"
    _convert(sample, serial, parallel=False)
    env = dict(os.environ, RERUN_MCAP_PARALLEL_MIN_BYTES="0", RERUN_MCAP_WORKERS="2")
    proc = subprocess.run(
        [str(RERUN), "mcap", "convert", str(sample)],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    piped = tmp_path / "piped.rrd"
    piped.write_bytes(proc.stdout)
    assert [_content(c) for c in _chunks(piped)] == [_content(c) for c in _chunks(serial)]


@pytest.mark.interop
def test_parallel_conversion_equals_rerun(oracle, sample: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    theirs, ours = tmp_path / "theirs.rrd", tmp_path / "ours.rrd"
    oracle.cli("mcap", "convert", str(sample), "-o", str(theirs))
    assert _convert(sample, ours, parallel=True) == 2
    proc = oracle.cli("rrd", "compare", "--unordered", str(theirs), str(ours), check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]


@pytest.mark.interop
def test_rerun_verifies_the_parallel_footer(oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The real `rrd verify` reads each chunk at the offset the footer gives for it, and finds
    the manifest's columns for reflected components (`rcl_interfaces_msg_Log:file`) by 0.41's
    names."""
    sensors = [
        "sensor_msgs/msg/Image",
        "sensor_msgs/msg/PointCloud2",
        "sensor_msgs/msg/Imu",
        "tf2_msgs/msg/TFMessage",
        "rcl_interfaces/msg/Log",
    ]
    src = write_ros2(tmp_path / "in.mcap", sensors, count=6, chunk_size=3000)
    assert _convert(src, tmp_path / "ours.rrd", parallel=True) == 2
    proc = oracle.cli("rrd", "verify", str(tmp_path / "ours.rrd"), check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_worker_error_fails_the_conversion(tmp_path: Path) -> None:
    """A chunk the workers cannot read fails the conversion as the serial path does."""
    src = write_ros2(tmp_path / "in.mcap", ["sensor_msgs/msg/Imu"], count=40, chunk_size=500)
    data = bytearray(src.read_bytes())
    at = data.find(b"zstd") if b"zstd" in data else data.find(b"lz4")
    data[at + 40 : at + 60] = b"\xff" * 20  # inside the first chunk's compressed records
    bad = tmp_path / "bad.mcap"
    bad.write_bytes(bytes(data))
    results = []
    for parallel in (False, True):
        env = dict(os.environ, RERUN_MCAP_PARALLEL_MIN_BYTES="0" if parallel else str(1 << 62))
        proc = subprocess.run(
            [str(RERUN), "mcap", "convert", str(bad), "-o", str(tmp_path / "o.rrd")],
            capture_output=True,
            env=env,
            timeout=120,
        )
        results.append((proc.returncode, proc.stderr.decode().strip().splitlines()[-1:]))
    assert results[0] == results[1] and results[0][0] == 1
    assert not (tmp_path / "o.rrd").exists()
