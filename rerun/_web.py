"""`rr.serve_web_viewer`: host the web viewer page in this process (rerun_notebook.web).

The page shows the recordings of the gRPC endpoint `connect_to` (pulled with ReadMessages into a
local hub) or, without it, this process's global recording. Servers live until the process ends.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from rerun_core.store.hub import StoreHub

from ._active_recording import get_data_recording
from ._sink_types import StoreSink

_servers: list[Any] = []  # keeps running servers (and their feeds) alive


def display_available() -> bool:
    """Whether a browser opened from here would show up on a screen."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_in_browser(url: str) -> bool:
    """Open `url` in the default browser when there is a display; False when it did not."""
    if not display_available():
        return False
    import webbrowser

    try:
        return bool(webbrowser.open(url))
    except Exception:
        return False


def serve_web_viewer(
    *, web_port: int | None = None, open_browser: bool = True, connect_to: str | None = None
) -> str:
    """Start the web viewer server; returns its URL. Raises OSError when the port is taken."""
    try:
        from rerun_notebook.web.server import WebViewerServer
    except ImportError as err:
        raise RuntimeError(
            f"the web viewer needs the viewer extra (pip install 'rerun-notebook-native[viewer]'): {err}"
        ) from None
    hub = StoreHub()
    feed: Any = None
    if connect_to is not None:
        from rerun_notebook.web.feed import GrpcFeed

        feed = GrpcFeed(hub, connect_to)  # ValueError for a malformed URL
    hint = f"Waiting for data from {connect_to}." if connect_to else "Waiting for data: log with rr.log(...)."
    server = WebViewerServer(hub, port=9090 if web_port is None else web_port, empty_hint=hint).start()
    if feed is not None:
        feed.start()
    else:  # only once the port is ours: a failed start leaves the recording's sinks alone
        _tee_global_recording(hub)
    _servers.append((server, feed))
    source = f" showing {connect_to}" if connect_to else ""
    opened = open_browser and open_in_browser(server.url)
    verb = "opened" if opened else "serving"
    print(f"Rerun web viewer {verb} at {server.url}{source}", file=sys.stderr, flush=True)
    return str(server.url)


def _tee_global_recording(hub: StoreHub) -> None:
    rec = get_data_recording()
    if rec is not None:
        rec._add_sink(StoreSink(hub))


def stop_web_viewers() -> None:
    """Stop every server this process started (tests)."""
    while _servers:
        server, feed = _servers.pop()
        if feed is not None:
            feed.stop()
        server.stop()
