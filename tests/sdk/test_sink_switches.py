"""Every sink switch returns once what was logged before it is written or sent (as 0.41 does):
``save``, ``set_sinks``, ``disconnect`` and ``stdout`` compared with the real SDK, right after
each call; gRPC checked on an endpoint in this process. Plus the deprecated ``rr.connect`` /
``rr.serve`` aliases."""

from __future__ import annotations

import collections
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path
from typing import Any

import pytest

import rerun as rr
from rerun_core.store.messages import ArrowMsg
from rerun_core.store.rrd import read_messages

# Snapshots each file right after each call: the copies hold exactly what the call left there.
STEPS = """
import os, shutil, sys
import rerun as rr

out = sys.argv[1]
rec = rr.RecordingStream("sinks", recording_id="x")

def rows(entity, n=50):
    for i in range(n):
        rec.set_time("frame", sequence=i)
        rec.log(entity, rr.Scalars(float(i)))

def snap(name, path):
    shutil.copy(os.path.join(out, path), os.path.join(out, name))

rows("a")
rec.save(os.path.join(out, "a.rrd"))
snap("1_save_a", "a.rrd")
rows("b")
rec.save(os.path.join(out, "b.rrd"))
snap("2_old_a", "a.rrd")
snap("2_new_b", "b.rrd")
rows("c")
rec.disconnect()
snap("3_disconnect_b", "b.rrd")
rows("d")
rec.set_sinks(rr.FileSink(os.path.join(out, "c.rrd")))
snap("4_set_sinks_c", "c.rrd")
os._exit(0)  # no exit hooks: the snapshots are all there is
"""

STDOUT = """
import os, sys
import rerun as rr
rec = rr.RecordingStream("sinks", recording_id="x")
for i in range(50):
    rec.set_time("frame", sequence=i)
    rec.log("a", rr.Scalars(float(i)))
rec.stdout()
sys.stdout.flush()
os._exit(0)  # what stdout() wrote before returning, nothing more
"""


def _rows(source: Any) -> dict[str, int]:
    """Rows per entity (the recording's own properties left out)."""
    out: collections.Counter[str] = collections.Counter()
    for msg in read_messages(source):
        if isinstance(msg, ArrowMsg) and not str(msg.chunk.entity_path).startswith("/__"):
            out[str(msg.chunk.entity_path)] += msg.chunk.num_rows
    return dict(out)


def _snapshots(out: Path) -> dict[str, dict[str, int]]:
    return {p.name: _rows(p) for p in sorted(out.iterdir()) if p.name[0].isdigit()}


def test_file_switches_leave_what_0_41_leaves(oracle: Any, tmp_path: Path) -> None:
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    ours.mkdir()
    theirs.mkdir()
    oracle.run_script(STEPS, str(theirs))
    subprocess.run([sys.executable, "-c", textwrap.dedent(STEPS), str(ours)], check=True, timeout=60)
    expected = _snapshots(theirs)
    assert expected["1_save_a"] == {"/a": 50}  # the real SDK's file holds it all at once
    assert _snapshots(ours) == expected


def test_stdout_writes_earlier_rows_before_returning(oracle: Any) -> None:
    theirs = subprocess.run(
        [str(oracle.python), "-P", "-c", textwrap.dedent(STDOUT)],
        capture_output=True,
        env=oracle.env(),
        timeout=60,
        check=True,
    ).stdout
    ours = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(STDOUT)], capture_output=True, timeout=60, check=True
    ).stdout
    assert _rows(theirs) == {"/a": 50}
    assert _rows(ours) == _rows(theirs)


def test_grpc_switches_hand_over_earlier_rows_before_returning() -> None:
    pytest.importorskip("grpc")
    server = rr.RecordingStream("server", recording_id="s")
    url = server.serve_grpc(grpc_port=0)
    try:
        rec = rr.RecordingStream("sinks", recording_id="x")
        for i in range(20):
            rec.set_time("frame", sequence=i)
            rec.log("a", rr.Scalars(float(i)))
        buffer = server._core.sinks[0].server.buffer  # type: ignore[attr-defined]
        before = buffer.stats().received_messages
        rec.connect_grpc(url)
        assert buffer.stats().received_messages > before  # store info and rows, sent already

        served = rr.RecordingStream("served", recording_id="y")
        served.log("b", rr.Scalars(1.0))
        own = served.serve_grpc(grpc_port=0)
        try:
            assert served._core.sinks[0].server.buffer.stats().received_messages >= 2  # type: ignore[attr-defined]
        finally:
            served.disconnect()
        assert own.startswith("rerun+http://")
        rec.disconnect()
    finally:
        server.disconnect()


def test_connect_and_serve_are_deprecated_aliases(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, Any]] = []
    monkeypatch.setattr(rr.sinks, "connect_grpc", lambda url=None, **kw: calls.append(("connect_grpc", url)))
    monkeypatch.setattr(rr.sinks, "serve_web_viewer", lambda **kw: calls.append(("serve_web_viewer", kw)))
    with pytest.warns(DeprecationWarning, match="connect_grpc"):
        rr.connect("rerun+http://127.0.0.1:1234/proxy")
    with pytest.warns(DeprecationWarning, match="serve_web_viewer"):
        rr.serve(open_browser=False, web_port=0)
    assert calls == [
        ("connect_grpc", "rerun+http://127.0.0.1:1234/proxy"),
        ("serve_web_viewer", {"web_port": 0, "open_browser": False, "connect_to": None}),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rr.sinks.is_recording_enabled(None)  # the aliases warn; nothing else does
