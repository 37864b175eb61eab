"""The viewer as a desktop window: the web page in an embedded web view, in a child process.

The viewer process (``rerun``) keeps the store, the renderer and the page server; the window is a
separate process (``python -m rerun_notebook.desktop URL``) running pywebview on Qt WebEngine,
showing the page of that server, so the window and the browser tab draw from the same renderer
over the same frame protocol. The viewer process watches the child: the window closing ends the
viewer (as in Rerun); the viewer ending closes the window (and the child closes itself when its
parent is gone).

Only this module imports the GUI toolkit, and only in the child: the viewer process asks
``missing_toolkit()`` (import specs, no Qt loaded) before starting one.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import threading
from typing import Any

INSTALL_HINT = "pip install 'rerun-notebook-native[window]' (pywebview, PyQt6, PyQt6-WebEngine)"
DEFAULT_SIZE = (1280, 800)
TITLE = "Rerun Viewer"
_MODULES = ("webview", "PyQt6.QtWebEngineWidgets", "qtpy")


def missing_toolkit() -> str | None:
    """What is missing to open a window (None when the packages are there)."""
    for name in _MODULES:
        try:
            if importlib.util.find_spec(name) is None:
                return name
        except (ImportError, ValueError):
            return name
    return None


def parse_window_size(text: str | None) -> tuple[int, int]:
    """``--window-size`` as (width, height): ``1280x800``; the default when not given."""
    if not text:
        return DEFAULT_SIZE
    parts = text.lower().replace("×", "x").split("x")
    try:
        width, height = (int(p) for p in parts)
    except ValueError:
        raise ValueError(f"invalid window size {text!r}: expected WIDTHxHEIGHT, e.g. 1280x800") from None
    if width < 64 or height < 64:
        raise ValueError(f"invalid window size {text!r}: at least 64x64")
    return width, height


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "xcb" if env.get("DISPLAY") else "wayland")
    # Chromium's sandbox refuses to run as root; software GL where there is no GPU (Xvfb).
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
    flags = env.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if "--disable-gpu" not in flags and env.get("RERUN_WINDOW_GPU", "") != "1":
        flags = (flags + " --disable-gpu").strip()
    env["QTWEBENGINE_CHROMIUM_FLAGS"] = flags
    env["PYWEBVIEW_GUI"] = "qt"
    return env


class DesktopWindow:
    """A window process showing ``url``; ``wait_closed`` blocks until the user closes it."""

    def __init__(self, url: str, *, title: str = TITLE, size: tuple[int, int] = DEFAULT_SIZE) -> None:
        cmd = [
            sys.executable,
            "-m",
            "rerun_notebook.desktop",
            url,
            "--title",
            title,
            "--size",
            f"{size[0]}x{size[1]}",
            "--parent",
            str(os.getpid()),
        ]
        # The child's stdin is its lifeline: closed (by close(), or by this process ending in
        # any way), the window closes. Qt's loop would hold Python signal handlers back.
        # Its stdout says "ready" once the window is up.
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=_child_env())
        self.ready = threading.Event()

    @property
    def closed(self) -> bool:
        return self.proc.poll() is not None

    def watch(self, on_closed: Any) -> threading.Thread:
        """Call ``on_closed()`` from a thread when the window process ends (``ready`` tells
        whether the window had come up: a window closed, or one that never could open)."""

        def run() -> None:
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                if line.strip() == b"ready":
                    self.ready.set()
            self.proc.wait()
            on_closed()

        thread = threading.Thread(target=run, name="rerun-window-watch", daemon=True)
        thread.start()
        return thread

    def close(self, timeout: float = 5.0) -> None:
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        for end in (None, self.proc.terminate, self.proc.kill):
            if end is not None:
                end()
            try:
                self.proc.wait(timeout)
                return
            except subprocess.TimeoutExpired:
                continue


# --- the child process ------------------------------------------------------------------------


def _watch_lifeline(window: Any) -> None:
    """Close the window when stdin ends: the viewer process closed it, or is gone."""
    try:  # os.read: no buffered reader whose lock would hold up the interpreter's exit
        while os.read(0, 4096):
            pass
    except OSError:
        pass
    window.destroy()


def _run_window(url: str, title: str, size: tuple[int, int], parent: int | None) -> int:
    import signal

    import webview

    from .desktop_bridge import bridge

    window = webview.create_window(title, url, width=size[0], height=size[1], background_color="#0d1012")
    if window is not None:
        window.expose(*bridge(window))  # the page's fullscreen and clipboard go through Qt

    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C in the terminal ends the window too

    def started() -> None:
        print("ready", flush=True)
        if parent is not None:
            threading.Thread(target=_watch_lifeline, args=(window,), daemon=True).start()

    webview.start(started, gui="qt", private_mode=True)
    # Closed: leave at once. Qt's web engine and the lifeline thread make a normal interpreter
    # shutdown slow or unsafe, and there is nothing left to clean up in this process.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rerun_notebook.desktop", description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--title", default=TITLE)
    parser.add_argument("--size", default=None)
    parser.add_argument("--parent", type=int, default=None)
    args = parser.parse_args(argv)
    missing = missing_toolkit()
    if missing is not None:
        print(f"rerun: no desktop window: {missing} is not installed; {INSTALL_HINT}", file=sys.stderr)
        return 3
    try:
        size = parse_window_size(args.size)
    except ValueError as err:
        print(f"rerun: {err}", file=sys.stderr)
        return 2
    return _run_window(args.url, args.title, size, args.parent)


if __name__ == "__main__":
    sys.exit(main())
