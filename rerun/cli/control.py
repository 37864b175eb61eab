"""Viewer control (Rerun 0.41's ``ViewerControlService``) on the viewer process's gRPC port:
``rerun.experimental.ViewerClient`` (ours or rerun-sdk's) reads the viewer's state, moves its time
cursor, takes screenshots, opens and closes recordings. The service goes on the port before it
opens; its answers come once the page server (which the window shows) is up."""

from __future__ import annotations

from typing import Any


def add_viewer_control(server: Any) -> Any:
    """Register the service on ``server`` (a ``ProxyServer`` not yet started); returns it."""
    from rerun_core.server.viewer_control import ViewerControlService

    service = ViewerControlService()
    server.extra_handlers.append(service.handler())
    return service


def serve_viewer_control(service: Any, hub: Any, web: Any) -> None:
    """Let ``service`` answer for the store ``hub`` and the pages of ``web`` (None: headless)."""
    if hub is None or web is None:
        return
    try:
        from rerun_notebook.viewer_control import ViewerControlHandler
    except ImportError:  # no viewer extra: the service stays UNAVAILABLE
        return
    service.backend = ViewerControlHandler(hub, web)
