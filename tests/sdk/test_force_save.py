"""`_RERUN_TEST_FORCE_SAVE=<path>`: 0.41's hook that sends every recording to one file.

Rerun's own snippet tests run scripts that call ``rr.spawn()`` with it set; the viewer is never
started and the data lands in the file, so such scripts must run headless here too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import rerun as rr
from rerun._sink_types import FORCE_SAVE_ENV
from rerun_core.store.messages import ArrowMsg
from rerun_core.store.rrd import read_messages
from tests.conftest import Oracle, ours_env


def _entities(path: Path) -> set[str]:
    return {str(m.chunk.entity_path) for m in read_messages(path) if isinstance(m, ArrowMsg)}


def test_sink_calls_are_redirected_to_the_forced_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    forced, other = tmp_path / "forced.rrd", tmp_path / "other.rrd"
    monkeypatch.setenv(FORCE_SAVE_ENV, str(forced))
    rec = rr.RecordingStream("force_save_test", recording_id="forced")
    assert forced.exists()  # opened when the recording is created, as in 0.41
    rec.spawn()  # no viewer started, no connection attempted
    rec.save(other)
    rec.connect_grpc("rerun+http://127.0.0.1:1/proxy")
    rec.log("points", rr.Points3D([[1, 2, 3]]))
    rec.disconnect()
    assert not other.exists()
    assert "/points" in _entities(forced)


def test_memory_recording_still_switches_sinks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    forced = tmp_path / "forced.rrd"
    monkeypatch.setenv(FORCE_SAVE_ENV, str(forced))
    rec = rr.RecordingStream("force_save_test", recording_id="mem")
    mem = rec.memory_recording()  # 0.41 lets this one through
    rec.log("points", rr.Points3D([[1, 2, 3]]))
    assert len(mem.drain_as_bytes()) > 0
    assert "/points" not in _entities(forced)


def test_without_the_variable_save_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(FORCE_SAVE_ENV, raising=False)
    rec = rr.RecordingStream("force_save_test", recording_id="plain")
    rec.save(tmp_path / "plain.rrd")
    rec.log("points", rr.Points3D([[1, 2, 3]]))
    rec.disconnect()
    assert "/points" in _entities(tmp_path / "plain.rrd")


SPAWN_SCRIPT = r"""
import rerun as rr

rr.init("force_save_snippet", recording_id="snippet", spawn=True)
rr.log("points", rr.Points3D([[1, 2, 3], [4, 5, 6]], radii=0.5))
rr.save("never_written.rrd")
rr.log("after_save", rr.TextLog("still forced"))
"""


@pytest.mark.interop
def test_spawning_script_writes_what_the_oracle_writes(oracle: Oracle, tmp_path: Path) -> None:
    ours, theirs = tmp_path / "ours.rrd", tmp_path / "theirs.rrd"
    proc = subprocess.run(
        [sys.executable, "-c", SPAWN_SCRIPT],
        env={**ours_env(), FORCE_SAVE_ENV: str(ours)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    env = {**oracle.env(), FORCE_SAVE_ENV: str(theirs)}
    subprocess.run(
        [str(oracle.python), "-P", "-c", SPAWN_SCRIPT], env=env, cwd=tmp_path, check=True, timeout=120
    )
    assert not (tmp_path / "never_written.rrd").exists()
    assert _entities(ours) == {"/__properties", "/points", "/after_save"}
    oracle.cli("rrd", "verify", str(ours))
    oracle.cli("rrd", "compare", "--unordered", str(ours), str(theirs))
    assert os.path.getsize(ours) > 0
