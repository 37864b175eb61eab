"""The desktop window (Xvfb): `recording.save`, run through `ViewerClient`, opens Qt's save dialog
(where a browser page downloads; the window's web view would drop a download), and the file the
dialog saves is the recording, written by our codec."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rerun_core.store.messages import ArrowMsg
from rerun_core.store.rrd import read_messages
from tests.window.conftest import Viewer, display, one_point_recording, window_env

pytestmark = [pytest.mark.window, pytest.mark.slow, pytest.mark.timeout(300)]
assert display  # the Xvfb fixture, used by name below


def _until(check: Callable[[], Any], limit: float = 60) -> Any:
    deadline = time.monotonic() + limit
    while not (value := check()) and time.monotonic() < deadline:
        time.sleep(0.5)
    return value


def _xdotool(display_name: str, *args: str) -> str:
    out = subprocess.run(
        ["xdotool", *args], env=window_env(display_name), capture_output=True, text=True, timeout=30
    )
    return out.stdout.strip()


def test_save_goes_through_the_windows_save_dialog(display: str, tmp_path: Path) -> None:
    from rerun.experimental import ViewerClient

    path = one_point_recording(tmp_path / "pts.rrd", "window_save")
    work = tmp_path / "work"
    work.mkdir()
    viewer = Viewer(display, str(path), "--window-size=800x600", cwd=work)
    try:
        viewer.wait_window()
        client = ViewerClient.connect(f"rerun+http://127.0.0.1:{viewer.port}/proxy")
        assert _until(lambda: client.get_state().views, 120), viewer.output()
        client.run_command("recording.save", allow_blocking_native_modal=True)
        dialog = _until(lambda: _xdotool(display, "search", "--name", "^Save"), 60)
        assert dialog, viewer.output()
        window_id = dialog.splitlines()[0]
        _xdotool(display, "windowfocus", "--sync", window_id)
        _xdotool(display, "key", "Return")  # the name it proposes, in the viewer's directory
        saved = work / "data.rrd"
        assert _until(saved.exists, 30), viewer.output()
        time.sleep(1.0)  # written in one go; let it finish
        paths = {str(m.chunk.entity_path) for m in read_messages(saved) if isinstance(m, ArrowMsg)}
        assert "/pts" in paths
    finally:
        viewer.stop()
