"""The web viewer: the notebook widget's page served standalone, over a WebSocket.

The browser runs the same ES modules as the notebook widget (`rerun_notebook/js/src`), with a
small shim (`static/socket_model.js`) standing in for anywidget's model. Each connected page gets
its own `ViewerSession` + `FramePump` over a shared `StoreHub`, speaking the widget's protocol.
Nothing here is imported by `import rerun`; pygfx loads only when a page first draws.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DEFAULT_WEB_PORT", "WebPortInUseError", "WebViewerServer"]

DEFAULT_WEB_PORT = 9090


def __getattr__(name: str) -> Any:
    if name in ("WebViewerServer", "WebPortInUseError"):  # lazy: keeps websockets out until used
        from . import server

        return getattr(server, name)
    raise AttributeError(name)
