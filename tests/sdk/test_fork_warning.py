"""Logging in a forked child: the rows go nowhere (as with 0.41), but the SDK says so, once."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rerun_core.store.messages import ArrowMsg
from rerun_core.store.rrd import read_messages

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="needs os.fork")]

_CHILD = """
import os, sys, warnings
import rerun as rr
from rerun_core.store.messages import ArrowMsg
from rerun_core.store.rrd import read_messages

path = sys.argv[1]
rr.init("fork_warning", recording_id="parent", spawn=False)
rr.save(path)
rr.log("parent", rr.TextLog("from the parent"))
pid = os.fork()
if pid == 0:
    {child}
    os._exit(0)
_, status = os.waitpid(pid, 0)
assert os.waitstatus_to_exitcode(status) == 0
rr.log("parent_after", rr.TextLog("parent again"))
rr.disconnect()
paths = sorted({{str(m.chunk.entity_path) for m in read_messages(path) if isinstance(m, ArrowMsg)}})
print("SAVED", paths)
"""


def _run(tmp_path: Path, child: str) -> subprocess.CompletedProcess[str]:
    code = _CHILD.format(child=textwrap.indent(textwrap.dedent(child), "    ").strip())
    return subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "parent.rrd")],
        capture_output=True,
        text=True,
        timeout=150,
        check=True,
    )


def test_logging_in_a_forked_child_warns_once_and_says_what_to_do(tmp_path: Path) -> None:
    out = _run(
        tmp_path,
        """
        rr.log("child/a", rr.TextLog("one"))
        rr.log("child/b", rr.TextLog("two"))
        rr.log("child/c", rr.TextLog("three"))
        """,
    )
    assert out.stderr.count("was forked from pid") == 1, out.stderr
    assert "go nowhere" in out.stderr
    assert "rr.RecordingStream" in out.stderr and "connect_grpc" in out.stderr  # how to log from a child
    saved = out.stdout.split("SAVED", 1)[1]
    assert "/parent" in saved and "/parent_after" in saved and "/child" not in saved


def test_a_child_with_its_own_recording_and_sink_gets_no_warning(tmp_path: Path) -> None:
    out = _run(
        tmp_path,
        f"""
        rec = rr.RecordingStream("fork_warning", recording_id="child")
        rec.save({str(tmp_path / "child.rrd")!r})
        rec.log("child/own", rr.TextLog("mine"))
        rec.disconnect()
        """,
    )
    assert "was forked from pid" not in out.stderr, out.stderr
    child_msgs = read_messages(tmp_path / "child.rrd")
    child_paths = {str(m.chunk.entity_path) for m in child_msgs if isinstance(m, ArrowMsg)}
    assert "/child/own" in child_paths


def test_a_fork_that_never_logs_stays_quiet(tmp_path: Path) -> None:
    out = _run(tmp_path, "pass")
    assert "was forked from pid" not in out.stderr, out.stderr
