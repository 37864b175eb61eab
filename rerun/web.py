"""`rerun.web`: host the web viewer page over HTTP (0.41's module; the server lives in `_web`)."""

from __future__ import annotations

from ._web import serve_web_viewer as _serve


def serve_web_viewer(
    *, web_port: int | None = None, open_browser: bool = True, connect_to: str | None = None
) -> None:
    """Host the web viewer over HTTP, optionally connected to ``connect_to`` (a gRPC URL).

    Returns immediately; the server runs as long as this process does.
    """
    _serve(web_port=web_port, open_browser=open_browser, connect_to=connect_to)
