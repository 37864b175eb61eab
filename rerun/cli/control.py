"""Viewer control (Rerun 0.41's ``ViewerControlService``) on the viewer process's gRPC port:
``rerun.experimental.ViewerClient`` (ours or rerun-sdk's) reads the viewer's state, moves its time
cursor, takes screenshots, opens and closes recordings. The service goes on the port before it
opens; its answers come once the page server (which the window shows) is up."""

from __future__ import annotations

from typing import Any

_SHELVES: dict[int, Any] = {}  # the table shelf of each service add_viewer_control made


def add_viewer_control(server: Any) -> Any:
    """Register the service on ``server`` (a ``ProxyServer`` not yet started); returns it.

    The proxy's ``WriteTable`` (``ViewerClient.send_table``) goes to a table shelf that viewer
    control answers from, as 0.41's viewer keeps the tables it is sent; without a viewer
    (``--serve-grpc``, no viewer extra) it stays refused."""
    from rerun_core.server.viewer_control import ViewerControlService

    service = ViewerControlService(pending=True)  # answers once serve_viewer_control ran
    server.extra_handlers.append(service.handler())
    try:
        from rerun_notebook.viewer_control_tables import TableShelf
    except ImportError:
        return service
    shelf = TableShelf()
    server.proxy.write_table = shelf.write_table  # before start(): the proxy's handler takes it
    _SHELVES[id(service)] = shelf
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
    shelf = _SHELVES.get(id(service))
    if shelf is not None:
        shelf.enabled = True
    _picked_files_import_as_rerun_file_does()
    # `--headless`: an offscreen page answers (state, time cursor, screenshots), as 0.41's
    service.install(FullViewerControlHandler(hub, web if web is not None else HeadlessViewer(hub), shelf))


def _picked_files_import_as_rerun_file_does() -> None:
    """A file picked in a page's open-file dialog (``ui.open_file``) loads as ``rerun FILE``."""
    from rerun_notebook.viewer_control_file_commands import set_importer

    from ._file_sources import file_messages, importable

    set_importer(lambda path: file_messages(str(path)), importable())
