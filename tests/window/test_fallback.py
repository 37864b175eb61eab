"""Without the window extra (or a display), `rerun` shows the web page as before, with one line
saying what to install; --web-viewer, --serve-web and --headless never open a window."""

from __future__ import annotations

import argparse
import threading

import pytest

from rerun.cli import window
from rerun.cli.viewer import add_viewer_arguments
from rerun_notebook import desktop


class _Server:
    url = "http://127.0.0.1:1"


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_viewer_arguments(parser)
    return parser.parse_args(list(argv))


def test_missing_toolkit_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.setattr(desktop, "missing_toolkit", lambda: "webview")
    assert (
        window.open_window(_Server(), _args(), "rerun+http://127.0.0.1:9876/proxy", threading.Event()) is None
    )
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert "webview is not installed" in lines[0] and "rerun-notebook-native[window]" in lines[0]


@pytest.mark.parametrize("flag", ["--web-viewer", "--serve-web", "--headless", "--serve-grpc"])
def test_flags_that_never_open_a_window(monkeypatch: pytest.MonkeyPatch, flag: str) -> None:
    monkeypatch.setenv("DISPLAY", ":99")
    assert not window.wants_window(_Server(), _args(flag))


def test_no_display_no_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert not window.wants_window(_Server(), _args())


def test_window_size_parsing() -> None:
    assert desktop.parse_window_size("800x600") == (800, 600)
    assert desktop.parse_window_size(None) == desktop.DEFAULT_SIZE
    with pytest.raises(ValueError, match="WIDTHxHEIGHT"):
        desktop.parse_window_size("big")


@pytest.mark.window
@pytest.mark.slow
def test_a_window_that_cannot_open_falls_back_to_the_browser(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """DISPLAY names no X server: the window process fails before it is up, the viewer stays and
    opens the page in the browser, with one line."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    from .conftest import free_port

    if desktop.missing_toolkit():
        pytest.skip("the window extra is not installed")
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n')
    browser.chmod(0o755)
    env = {**os.environ, "DISPLAY": ":4242", "BROWSER": f"{browser} %s"}
    env.pop("WAYLAND_DISPLAY", None)
    rerun = Path(sys.executable).parent / "rerun"
    log = tmp_path / "rerun.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(rerun), f"--port={free_port()}", "--web-viewer-port=0"], env=env, stdout=out, stderr=out
        )
        try:
            deadline = time.monotonic() + 120
            while not opened.exists() and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.2)
            assert proc.poll() is None, log.read_text()
        finally:
            proc.terminate()
            proc.wait(30)
    text = log.read_text()
    assert opened.read_text().startswith("http://127.0.0.1:"), text
    assert "the viewer window could not open" in text and "web viewer opened in your browser" in text
