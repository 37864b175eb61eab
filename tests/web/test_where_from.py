"""Where to find a viewer and where its data came from: a headless `rr.spawn()` on a port other
than 9876 prints a page URL that serves the page, and the page's recording summary names each
recording's source (a file, a gRPC stream, a Rerun server), not one text for everything."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from websockets.sync.client import connect

import rerun as rr
from rerun_notebook.web.page import split_packet
from tests.server.rerun_procs import OURS, free_port, running, stop

from .test_cli import _wait_page
from .test_open_url import segment_url as segment_url  # a Rerun server's segment (module fixture)
from .wsclient import showing, state_of

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


def _source_shown(web: int, recording: str) -> str:
    """The source a page's recording summary names once ``recording`` is made active in it
    (frames are acknowledged, as the page does, so that state updates keep coming)."""
    with connect(f"ws://127.0.0.1:{web}/ws") as ws:
        sent = False
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            msg = ws.recv(timeout=max(0.01, deadline - time.monotonic()))
            if isinstance(msg, bytes):
                ws.send(json.dumps({"type": "ack", "index": split_packet(msg)[0]["index"]}))
                continue
            state = state_of(msg)
            if state is None or not showing(recording)(state):
                continue
            summary = (state.get("selection_details") or {}).get("summary") or {}
            if state.get("active") == recording and summary:
                return str(dict(summary)["source"])
            if not sent:
                ws.send(json.dumps({"type": "sources", "action": "activate", "recording_id": recording}))
                sent = True
    raise AssertionError(f"the page never showed the summary of {recording}")


def test_page_summary_names_the_source_of_each_recording(segment_url: str, tmp_path: Path) -> None:
    """`rerun FILE <segment URL> --serve-web` with a live recording pushed to its gRPC port: the
    page's recording summary names each one's own source (a file, the gRPC stream, the server)."""
    path = tmp_path / "from_file.rrd"
    rec = rr.RecordingStream("where", recording_id="from_file")
    rec.save(path)
    rec.log("pts", rr.Points3D([[0, 0, 0]]))
    rec.disconnect()
    port, web = free_port(), free_port()
    with running([str(path), segment_url, "--serve-web", f"--web-viewer-port={web}"], port) as proc:
        _wait_page(web, proc)
        live = rr.RecordingStream("where", recording_id="from_grpc")
        live.connect_grpc(f"rerun+http://127.0.0.1:{port}/proxy")
        live.log("pts", rr.Points3D([[1, 1, 1]]))
        live.flush()
        try:
            assert _source_shown(web, "from_file") == f"File {path}"
            assert _source_shown(web, "scene") == f"Rerun server {segment_url.split('/dataset/')[0]}"
            assert _source_shown(web, "from_grpc") == f"gRPC rerun+http://127.0.0.1:{port}/proxy"
        finally:
            live.disconnect()
            stop(proc)
