"""External ``rerun-importer-*`` / ``rerun-loader-*`` executables on PATH, as 0.41 runs them."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from reader_interop import run_ours

from rerun_core.formats.external import ImporterSettings, find_external_importers

LOADER = """#!{python}
import argparse, json, os, sys
with open(os.path.join({log_dir!r}, "argv_%d.json" % os.getpid()), "w") as f:
    json.dump(sys.argv[1:], f)
if not sys.argv[1].endswith(".xyz"):
    sys.exit(66)  # not ours: the incompatible exit code
p = argparse.ArgumentParser()
p.add_argument("filepath")
for flag in ("--application-id", "--recording-id", "--opened-application-id", "--opened-recording-id",
             "--entity-path-prefix"):
    p.add_argument(flag)
for flag in ("--time", "--sequence", "--time_sequence", "--time_duration_nanos"):
    p.add_argument(flag, action="append")
p.add_argument("--static", action="store_true")
p.add_argument("--timeless", action="store_true")
a = p.parse_args()
if open(a.filepath).read().startswith("bad"):
    print("cannot parse", file=sys.stderr)
    sys.exit(1)
import rerun as rr
rr.init(a.application_id or "loader", recording_id=a.recording_id)
rr.stdout()
pts = [[float(v) for v in line.split()] for line in open(a.filepath) if line.strip()]
rr.log((a.entity_path_prefix or "") + "/points", rr.Points3D(pts), static=True)
"""


@pytest.fixture
def loader_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH dir holding ``rerun-loader-xyz`` (the legacy prefix 0.41 still runs)."""
    bin_dir, log_dir = tmp_path / "bin", tmp_path / "argv"
    bin_dir.mkdir()
    log_dir.mkdir()
    exe = bin_dir / "rerun-loader-xyz"
    exe.write_text(LOADER.format(python=sys.executable, log_dir=str(log_dir)))
    exe.chmod(0o755)
    (bin_dir / "rerun-importer-notexec").write_text("#!/bin/sh\nexit 0\n")  # not executable: skipped
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return log_dir


def _argvs(log_dir: Path) -> list[list[str]]:
    out = [json.loads(p.read_text()) for p in sorted(log_dir.glob("argv_*.json"))]
    for p in log_dir.glob("argv_*.json"):
        p.unlink()
    return out


LOG_FILE = """
import sys, rerun as rr
rr.init("app", recording_id="rec")
rr.save(sys.argv[1])
rr.log_file_from_path(sys.argv[2], entity_path_prefix="world")
"""


def test_finds_executables_in_path_order(loader_dir: Path, tmp_path: Path) -> None:
    names = [p.name for p in find_external_importers()]
    assert "rerun-loader-xyz" in names
    assert "rerun-importer-notexec" not in names


def test_cli_args_as_0_41() -> None:
    s = ImporterSettings(
        recording_id="rec",
        application_id="app",
        opened_application_id="app",
        opened_recording_id="rec",
        entity_path_prefix="world",
        static=True,
        times=(("frame", "sequence", 3), ("log_time", "timestamp", 7)),
    )
    assert s.to_cli_args() == [
        "--application-id", "app", "--recording-id", "rec",
        "--opened-application-id", "app", "--opened-recording-id", "rec",
        "--entity-path-prefix", "world", "--timeless", "--static",
        "--time_sequence", "frame=3", "--sequence", "frame=3",
        "--time_duration_nanos", "log_time=7", "--sequence", "log_time=7",
    ]  # fmt: skip


@pytest.mark.interop
def test_log_file_from_path_matches_real_sdk(oracle, loader_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "pts.xyz"
    data.write_text("1 2 3\n4 5 6\n")
    theirs, ours = tmp_path / "theirs.rrd", tmp_path / "ours.rrd"
    oracle.run_script(LOG_FILE, str(theirs), str(data))
    their_args = _argvs(loader_dir)
    run_ours(LOG_FILE, str(ours), str(data))
    our_args = _argvs(loader_dir)
    proc = oracle.cli("rrd", "compare", "--unordered", str(theirs), str(ours), check=False)
    assert proc.returncode == 0, proc.stderr

    def shape(args: list[list[str]]) -> list[list[str]]:  # the log_time value is the call's clock
        return [[a.split("=")[0] for a in argv] for argv in args]

    assert shape(our_args) == shape(their_args)
    assert our_args[0][:11] == [str(data), "--application-id", "app", "--recording-id", "rec",
                                "--opened-application-id", "app", "--opened-recording-id", "rec",
                                "--entity-path-prefix", "/world"]  # fmt: skip


def test_incompatible_and_failing_importers(loader_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "notes.abc"
    other.write_text("x")
    code = LOG_FILE + "rr.log_file_from_contents(sys.argv[3], b'1 2 3')\n"
    xyz = tmp_path / "mem.xyz"
    proc = run_ours(code, str(tmp_path / "out.rrd"), str(other), str(xyz))
    assert "no importer" in proc.stderr  # exit 66: the file is not the importer's
    assert not any(a[0] == str(xyz) for a in _argvs(loader_dir))  # never run on in-memory contents
    bad = tmp_path / "bad.xyz"
    bad.write_text("bad data")
    proc = run_ours(LOG_FILE, str(tmp_path / "out2.rrd"), str(bad))
    assert "cannot parse" in proc.stderr  # a failing importer's stderr is reported


@pytest.mark.interop
def test_static_import_passes_no_times(oracle, loader_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "pts.xyz"
    data.write_text("1 2 3\n")
    code = LOG_FILE.replace('entity_path_prefix="world")', 'entity_path_prefix="world", static=True)')
    theirs, ours = tmp_path / "theirs.rrd", tmp_path / "ours.rrd"
    oracle.run_script(code, str(theirs), str(data))
    their_args = _argvs(loader_dir)
    run_ours(code, str(ours), str(data))
    assert _argvs(loader_dir) == their_args
    proc = oracle.cli("rrd", "compare", "--unordered", str(theirs), str(ours), check=False)
    assert proc.returncode == 0, proc.stderr
