"""`rerun --serve-web` / `--web-viewer` / plain `rerun` as processes: the page serves the endpoint's store."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import connect

import rerun as rr
from tests.server.rerun_procs import OURS, free_port, listening, running, stop
from tests.web.wsclient import recv_state, showing

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]


def _wait_page(port: int, proc: subprocess.Popen[str], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"rerun exited: {proc.communicate()[1]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"no web page on port {port} within {timeout} s")


def _page_state(port: int, want: str, entity: str | None = None, timeout: float = 60) -> dict[str, Any]:
    """The first panel state the page gets showing recording `want` (and `entity` in its tree)."""
    with connect(f"ws://127.0.0.1:{port}/ws") as ws:
        return recv_state(ws, showing(want, entity), timeout)


def test_serve_web_shows_what_the_sdk_logs() -> None:
    port, web = free_port(), free_port()
    with running(["--serve-web", f"--web-viewer-port={web}"], port) as proc:
        _wait_page(web, proc)
        rec = rr.RecordingStream("web_cli", recording_id="logged")
        rec.connect_grpc(f"rerun+http://127.0.0.1:{port}/proxy")
        rec.log("pts", rr.Points3D([[0, 0, 0], [1, 1, 1]]))
        rec.flush()
        state = _page_state(web, "logged", "/pts")
        rec.disconnect()
        _, err = stop(proc)
    assert state["active"] == "logged"
    assert f"serving the web viewer at http://127.0.0.1:{web}" in err


def test_serve_web_with_a_file(tmp_path: Path) -> None:
    path = tmp_path / "rec.rrd"
    rec = rr.RecordingStream("web_cli", recording_id="from_file")
    rec.save(path)
    rec.log("pts", rr.Points2D([[0, 0], [3, 4]]))
    rec.flush()
    rec.disconnect()
    port, web = free_port(), free_port()
    with running([str(path), "--serve-web", f"--web-viewer-port={web}"], port) as proc:
        _wait_page(web, proc)
        assert _page_state(web, "from_file", "/pts")["active"] == "from_file"


def test_web_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        web = busy.getsockname()[1]
        out = subprocess.run(
            [str(OURS), "--serve-web", f"--port={free_port()}", f"--web-viewer-port={web}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert out.returncode == 1
    assert f"port {web}" in out.stderr and "--web-viewer-port" in out.stderr
    assert "Traceback" not in out.stderr


def test_plain_rerun_without_display_prints_the_page_url() -> None:
    port, web = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    with running([f"--web-viewer-port={web}"], port, env=env) as proc:
        _wait_page(web, proc)
        _, err = stop(proc)
    assert f"no display: running headless; the web viewer is at http://127.0.0.1:{web}" in err


def test_serve_grpc_and_headless_serve_no_page() -> None:
    for flag in ("--serve-grpc", "--headless"):
        port, web = free_port(), free_port()
        with running([flag, f"--web-viewer-port={web}"], port) as proc:
            assert not listening(web)
            _, err = stop(proc)
        assert "serving the web viewer" not in err


def _fake_browser(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """An environment whose default browser (webbrowser honours $BROWSER) records the URL it gets."""
    opened = tmp_path / "opened.txt"
    script = tmp_path / "browser.sh"
    script.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n')
    script.chmod(0o755)
    # RERUN_WINDOW=0: the browser tab, not the desktop window (tests/window has those)
    env = {**os.environ, "DISPLAY": ":99", "BROWSER": f"{script} %s", "RERUN_WINDOW": "0"}
    return env, opened


@pytest.mark.parametrize("flags", [["--web-viewer"], []], ids=["web-viewer", "plain"])
def test_browser_opens_the_page_when_a_display_is_there(tmp_path: Path, flags: list[str]) -> None:
    env, opened = _fake_browser(tmp_path)
    port, web = free_port(), free_port()
    with running([*flags, f"--web-viewer-port={web}"], port, env=env) as proc:
        _wait_page(web, proc)
        deadline = time.monotonic() + 10
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        _, err = stop(proc)
    assert opened.read_text().split() == [f"http://127.0.0.1:{web}"]
    assert f"web viewer opened in your browser at http://127.0.0.1:{web}" in err


def test_serve_web_does_not_open_a_browser(tmp_path: Path) -> None:
    env, opened = _fake_browser(tmp_path)
    port, web = free_port(), free_port()
    with running(["--serve-web", f"--web-viewer-port={web}"], port, env=env) as proc:
        _wait_page(web, proc)
        stop(proc)
    assert not opened.exists()


@pytest.mark.interop
def test_real_sdk_logs_into_our_serve_web(oracle: Any) -> None:
    """rerun-sdk 0.41 connects to our `rerun --serve-web`; the page lists its recording and entity."""
    port, web = free_port(), free_port()
    with running(["--serve-web", f"--web-viewer-port={web}"], port) as proc:
        _wait_page(web, proc)
        oracle.run_script(
            f"""
            import rerun as rr
            rr.init("real_sdk", recording_id="real-rec")
            rr.connect_grpc("rerun+http://127.0.0.1:{port}/proxy")
            rr.log("boxes", rr.Boxes3D(half_sizes=[[1, 1, 1]]))
            rr.disconnect()
            """
        )
        assert _page_state(web, "real-rec", "/boxes")["active"] == "real-rec"


def test_bad_web_port_is_a_usage_error() -> None:
    out = subprocess.run(
        [str(OURS), "--serve-web", f"--port={free_port()}", "--web-viewer-port=70000"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2 and "--web-viewer-port 70000" in out.stderr
