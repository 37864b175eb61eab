"""Viewer control (Rerun 0.41's ``ViewerControlService``) on the viewer process's gRPC port:
``rerun.experimental.ViewerClient`` (ours or rerun-sdk's) reads the viewer's state, moves its time
cursor, takes screenshots, opens and closes recordings. The service goes on the port before it
opens; its answers come once the page server (which the window shows) is up."""

from __future__ import annotations

from typing import Any


def add_viewer_control(server: Any) -> Any:
    """Register the service on ``server`` (a ``ProxyServer`` not yet started); returns it."""
    from rerun_core.server.viewer_control import ViewerControlService

    service = ViewerControlService(pending=True)  # answers once serve_viewer_control ran
    server.extra_handlers.append(service.handler())
    return service


def serve_viewer_control(service: Any, hub: Any, web: Any) -> None:
    """Let ``service`` answer for the store ``hub`` and the pages of ``web`` (None: an offscreen one)."""
    if hub is None:  # `--serve-grpc`: no viewer, as 0.41
        service.install(None)
        return
    try:
        from rerun_notebook.viewer_control_ops import FullViewerControlHandler
        from rerun_notebook.web.headless import HeadlessViewer
    except ImportError:  # no viewer extra: the service stays UNAVAILABLE
        service.install(None)
        return
    # `--headless`: an offscreen page answers (state, time cursor, screenshots), as 0.41's
    service.install(FullViewerControlHandler(hub, web if web is not None else HeadlessViewer(hub)))
