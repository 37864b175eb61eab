"""Fixtures for the desktop window tests: an Xvfb display of the test's own (a free display
number, chosen by Xvfb itself via -displayfd), and `rerun` viewer processes on it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .x11 import find_window

BIN = Path(sys.executable).parent


def _needs() -> str | None:
    if shutil.which("Xvfb") is None:
        return "Xvfb is not installed"
    if shutil.which("xdotool") is None:
        return "xdotool is not installed (scripts/install.sh installs it)"
    if shutil.which("import") is None:
        return "ImageMagick's import is not installed (scripts/install.sh installs it)"
    from rerun_notebook.desktop import missing_toolkit

    missing = missing_toolkit()
    return f"{missing} is not installed (the window extra)" if missing else None


@pytest.fixture(scope="session")
def display() -> Iterator[str]:
    why = _needs()
    if why:
        pytest.skip(why)
    read, write = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    if not number:
        proc.kill()
        pytest.skip("Xvfb did not start")
    yield f":{number}"
    proc.terminate()
    proc.wait(10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def window_env(display: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DISPLAY"] = display
    env.pop("WAYLAND_DISPLAY", None)
    env["BROWSER"] = "true"  # a fallback to the browser must not open a real one here
    env["PATH"] = f"{BIN}:{env.get('PATH', '')}"
    return env


def one_point_recording(path: Path, application_id: str) -> Path:
    """A small .rrd for a window to show: one 3D point at /pts, recording id ``pts``."""
    import rerun as rr

    rec = rr.RecordingStream(application_id, recording_id="pts")
    rec.save(path)
    rec.log("pts", rr.Points3D([[0, 0, 0]]))
    rec.flush()
    return path


class Viewer:
    """A `rerun` viewer process with its window on `display`."""

    def __init__(self, display: str, *args: str, port: int | None = None, cwd: Path | None = None) -> None:
        self.display = display
        self.port = port or free_port()
        self.log = (cwd or Path.cwd()) / f"rerun-{self.port}.log"
        self._log = self.log.open("wb")
        self.proc = subprocess.Popen(
            [str(BIN / "rerun"), f"--port={self.port}", "--web-viewer-port=0", *args],
            env=window_env(display),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
        )

    @property
    def title(self) -> str:
        return f"(port {self.port})"

    def wait_window(self, limit: float = 120) -> int:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            window = find_window(self.display, self.title)
            if window is not None:
                return window
            assert self.proc.poll() is None, f"viewer exited: {self.output()}"
            time.sleep(0.5)
        raise AssertionError(f"no window titled {self.title!r}: {self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._log.close()
