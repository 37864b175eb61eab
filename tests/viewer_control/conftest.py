"""Fixtures: a recording on disk and our `rerun --headless` viewer process serving viewer control."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from rerun_procs import free_port as free_port  # one port registry per process
from rerun_procs import running


@dataclass
class Headless:
    port: int
    rrd: Path

    @property
    def url(self) -> str:
        return f"rerun+http://127.0.0.1:{self.port}/proxy"


def write_steps(path: Path, recording_id: str = "steps") -> Path:
    """Ten steps of one orange point moving along x (big enough to see in a screenshot)."""
    import rerun as rr

    rec = rr.RecordingStream("control_test", recording_id=recording_id)
    rec.save(path)
    for t in range(10):
        rec.set_time("step", sequence=t)
        rec.log("pts", rr.Points3D([[t, 0, 0]], radii=0.5, colors=[255, 120, 0]))
    rec.flush()
    return path


@pytest.fixture
def steps_rrd(tmp_path: Path) -> Path:
    return write_steps(tmp_path / "steps.rrd")


@pytest.fixture
def headless(tmp_path: Path, steps_rrd: Path) -> Iterator[Headless]:
    """Our viewer, headless (no window, no page), with nothing loaded yet."""
    port = free_port()
    with running(["--headless"], port):
        yield Headless(port, steps_rrd)
