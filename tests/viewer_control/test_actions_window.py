"""The desktop window (Xvfb): `ui.toggle_fullscreen` and a clipboard copy, run through `ViewerClient`,
go through Qt: the window asks for fullscreen and back (Xvfb has no window manager to act on it);
the X clipboard holds the entity tree, then the screenshot."""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.window.conftest import Viewer, display, one_point_recording, window_env
from tests.window.x11 import _Event, window_geometry

pytestmark = [pytest.mark.window, pytest.mark.slow, pytest.mark.timeout(300)]
assert display  # the Xvfb fixture, used by name below

READ_CLIPBOARD = (
    "from PyQt6.QtWidgets import QApplication; app = QApplication([]); print(repr(app.clipboard().text()))"
)
READ_IMAGE = (
    "from PyQt6.QtWidgets import QApplication; app = QApplication([]); image = app.clipboard().image();"
    " print(repr(f'{image.width()}x{image.height()}'))"
)


def _until(check: Callable[[], Any], limit: float = 60) -> Any:
    deadline = time.monotonic() + limit
    while not (value := check()) and time.monotonic() < deadline:
        time.sleep(0.5)
    return value


def _clipboard(display_name: str, code: str = READ_CLIPBOARD) -> str:
    """The X clipboard's text (or with ``READ_IMAGE``, its image's size), read through Qt."""
    env = window_env(display_name) | {"QT_QPA_PLATFORM": "xcb"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    return str(eval(out.stdout.strip() or "''"))  # our own repr() of one string


class _WmStateRequests:
    """What a window manager would be asked to do: the ``_NET_WM_STATE`` fullscreen requests the
    windows send the root window (Qt's ``showFullScreen`` / ``showNormal``), as (add 1 / remove 0,
    window id). Xvfb runs no window manager, so nothing acts on them: they are what Qt did."""

    def __init__(self, display_name: str) -> None:
        self.display_name = display_name
        self.fullscreen: list[tuple[int, int]] = []
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> _WmStateRequests:
        self._thread.start()
        assert self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)

    def _watch(self) -> None:
        xlib = ctypes.cdll.LoadLibrary(ctypes.util.find_library("X11") or "libX11.so.6")
        xlib.XOpenDisplay.restype = ctypes.c_void_p
        xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
        xlib.XDefaultRootWindow.restype = ctypes.c_ulong
        xlib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        xlib.XInternAtom.restype = ctypes.c_ulong
        xlib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        xlib.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
        xlib.XPending.argtypes = [ctypes.c_void_p]
        xlib.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        xlib.XFlush.argtypes = [ctypes.c_void_p]
        xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
        dpy = xlib.XOpenDisplay(self.display_name.encode())
        state = xlib.XInternAtom(dpy, b"_NET_WM_STATE", 0)
        full = xlib.XInternAtom(dpy, b"_NET_WM_STATE_FULLSCREEN", 0)
        xlib.XSelectInput(dpy, xlib.XDefaultRootWindow(dpy), 1 << 17)  # StructureNotifyMask: as Qt sends them
        xlib.XFlush(dpy)
        self._ready.set()
        event = _Event()
        try:
            while not self._stop.is_set():
                while xlib.XPending(dpy):
                    xlib.XNextEvent(dpy, ctypes.byref(event))
                    msg = event.client
                    if msg.type == 33 and msg.message_type == state and full in (msg.data[1], msg.data[2]):
                        self.fullscreen.append((int(msg.data[0]), int(msg.window)))
                time.sleep(0.1)
        finally:
            xlib.XCloseDisplay(dpy)


def test_fullscreen_and_clipboard_through_qt(display: str, tmp_path: Path) -> None:
    from rerun.experimental import ViewerClient

    path = one_point_recording(tmp_path / "pts.rrd", "window_actions")
    viewer = Viewer(display, str(path), "--window-size=800x600", cwd=tmp_path)
    try:
        window = viewer.wait_window()
        client = ViewerClient.connect(f"rerun+http://127.0.0.1:{viewer.port}/proxy")
        assert _until(lambda: client.get_state().views, 120), viewer.output()
        before = window_geometry(display, window)[2:]

        client.run_command("ui.copy_entity_hierarchy_to_clipboard")
        assert _until(lambda: _clipboard(display) == "/\n  pts"), json.dumps(_clipboard(display))
        client.run_command("ui.copy_screenshot_to_clipboard")  # the views' picture, a PNG through Qt
        assert _until(lambda: _clipboard(display, READ_IMAGE) not in ("", "0x0")), _clipboard(
            display, READ_IMAGE
        )

        with _WmStateRequests(display) as asked:
            client.run_command("ui.toggle_fullscreen")
            assert _until(lambda: (1, window) in asked.fullscreen, 30), asked.fullscreen
            client.run_command("ui.toggle_fullscreen")
            assert _until(lambda: (0, window) in asked.fullscreen, 30), asked.fullscreen
        assert window_geometry(display, window)[2:] == before
    finally:
        viewer.stop()
