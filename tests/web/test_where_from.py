"""Where to find a viewer and where its data came from: a headless `rr.spawn()` on a port other
than 9876 prints a page URL that serves the page, and the page's recording summary names each
recording's source (a file, a gRPC stream, a Rerun server), not one text for everything."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import connect

import rerun as rr
from tests.server.rerun_procs import OURS, free_port, running, stop

from .test_cli import _wait_page
from .wsclient import recv_state, showing

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

SPAWN = """
import rerun as rr
from rerun._grpc import spawn_viewer
rr.init("spawned")
print(spawn_viewer(port={port}), flush=True)
"""


def test_headless_spawn_prints_a_page_url_that_serves(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PATH"] = f"{OURS.parent}:{env.get('PATH', '')}"
    proc = subprocess.run(
        [sys.executable, "-c", SPAWN.format(port=port)],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    pid = int(proc.stdout.strip().splitlines()[-1])
    try:
        found = re.search(r"open (http://127\.0\.0\.1:(\d+)) in a browser", proc.stderr)
        assert found, proc.stderr
        assert f"rerun+http://127.0.0.1:{port}/proxy" in proc.stderr
        with urllib.request.urlopen(found.group(1), timeout=10) as page:
            assert page.status == 200 and b"<html" in page.read().lower()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)


def _summary(web: int, recording: str) -> dict[str, Any]:
    with connect(f"ws://127.0.0.1:{web}/ws") as ws:

        def ok(state: dict[str, Any]) -> bool:
            details = state.get("selection_details") or {}
            return (
                showing(recording)(state)
                and state.get("active") == recording
                and bool(details.get("summary"))
            )

        state = recv_state(ws, ok, 60)
    return dict(state["selection_details"]["summary"])


def test_page_summary_names_the_source_of_each_recording(tmp_path: Path) -> None:
    path = tmp_path / "from_file.rrd"
    rec = rr.RecordingStream("where", recording_id="from_file")
    rec.save(path)
    rec.log("pts", rr.Points3D([[0, 0, 0]]))
    rec.disconnect()
    port, web = free_port(), free_port()
    with running([str(path), "--serve-web", f"--web-viewer-port={web}"], port) as proc:
        _wait_page(web, proc)
        assert _summary(web, "from_file")["source"] == f"File {path}"
        live = rr.RecordingStream("where", recording_id="from_grpc")
        live.connect_grpc(f"rerun+http://127.0.0.1:{port}/proxy")
        live.log("pts", rr.Points3D([[1, 1, 1]]))
        live.flush()
        assert _summary(web, "from_grpc")["source"] == f"gRPC rerun+http://127.0.0.1:{port}/proxy"
        live.disconnect()
        stop(proc)
