"""The desktop window of the ``rerun`` viewer process (plain ``rerun``, ``rerun FILE``, ``rr.spawn()``).

With a display and the ``window`` extra, the page this process serves opens in a desktop window
(``rerun_notebook.desktop``: an embedded web view in a child process) instead of a browser tab.
Closing the window ends the viewer, as in Rerun. ``--web-viewer`` / ``--serve-web`` keep the
browser, ``--headless`` / ``--serve-grpc`` open nothing. Without the GUI packages the browser
opens as before, with one line saying what to install; a window that fails to start does the same.
"""

from __future__ import annotations

import argparse
import threading
from typing import Any

from .common import EXIT_USAGE, ViewerError, say

WINDOW_ENV = "RERUN_WINDOW"  # "0": never a window (the browser tab as before)


def wants_window(server: Any | None, args: argparse.Namespace) -> bool:
    import os

    from rerun._web import display_available

    if server is None or args.web_viewer or args.serve_web or args.headless or args.serve_grpc:
        return False
    if args.screenshot_to:  # a picture and quit: no window
        return False
    return os.environ.get(WINDOW_ENV, "1") != "0" and display_available()


class ViewerWindow:
    """The window process of this viewer; ``stop`` is set when the user closes it."""

    def __init__(self, server: Any, args: argparse.Namespace, grpc_url: str, stop: threading.Event) -> None:
        from rerun_notebook.desktop import TITLE, DesktopWindow, parse_window_size

        try:
            size = parse_window_size(args.window_size)
        except ValueError as err:
            raise ViewerError(f"--window-size: {err}", EXIT_USAGE) from None
        port = grpc_url.rsplit(":", 1)[-1].split("/", 1)[0]
        self.url = server.url
        self._closing = False
        self._stop = stop
        self.window = DesktopWindow(server.url, title=f"{TITLE} (port {port})", size=size)
        self.window.watch(self._ended)

    def _ended(self) -> None:
        if self._closing:
            return
        code = self.window.proc.returncode
        if self.window.ready.is_set():  # the user closed the window: the viewer ends with it
            self._stop.set()
            return
        from rerun._web import open_in_browser

        opened = open_in_browser(self.url)
        where = (
            f"web viewer opened in your browser at {self.url}" if opened else f"open {self.url} in a browser"
        )
        say(f"the viewer window could not open (exit code {code}); {where}")

    def close(self) -> None:
        self._closing = True
        self.window.close()


def open_window(
    server: Any | None, args: argparse.Namespace, grpc_url: str, stop: threading.Event
) -> ViewerWindow | None:
    """The window, when this process should have one and can; None to fall back to the page."""
    if not wants_window(server, args):
        return None
    try:
        from rerun_notebook.desktop import INSTALL_HINT, missing_toolkit
    except ImportError:
        return None
    missing = missing_toolkit()
    if missing is not None:
        say(f"no desktop window ({missing} is not installed): showing the web viewer; {INSTALL_HINT}")
        return None
    return ViewerWindow(server, args, grpc_url, stop)


def take_screenshot(hub: Any, args: argparse.Namespace) -> int:
    """``--screenshot-to``: save the viewer's picture of what was loaded (headless), then quit."""
    try:
        from rerun_notebook.desktop import parse_window_size
        from rerun_notebook.screenshot import save_screenshot
    except ImportError as err:
        raise ViewerError(
            f"--screenshot-to needs the viewer extra (rerun-notebook-native[viewer]): {err}"
        ) from None
    try:
        size = parse_window_size(args.window_size)
    except ValueError as err:
        raise ViewerError(f"--window-size: {err}", EXIT_USAGE) from None
    if hub is None:
        raise ViewerError("--screenshot-to: this viewer keeps no recordings", EXIT_USAGE)
    try:
        out = save_screenshot(hub, args.screenshot_to, size)
    except (ValueError, RuntimeError, OSError) as err:
        raise ViewerError(f"--screenshot-to: {err}") from None
    say(f"saved a screenshot of the viewer to {out}")
    return 0
