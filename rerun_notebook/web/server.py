"""The web viewer's HTTP + WebSocket server: static page files and one `PageSession` per socket.

Built on `websockets`' threaded server: plain GETs are answered from `process_request` (the page,
the bundled widget module, its CSS, the shim), `GET /ws` upgrades to the viewer socket. Each
socket runs on its own thread; its frame pump has another. Binds 127.0.0.1 unless told.
"""

from __future__ import annotations

import errno
import logging
import threading
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any

from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

from rerun_notebook.jsbundle import bundle
from rerun_notebook.session import AppFactory

from . import DEFAULT_WEB_PORT
from .page import PageSession

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
_CSS = Path(__file__).parents[1] / "js" / "widget.css"
_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css"}


class WebPortInUseError(OSError):
    """The web viewer's port is taken by another program."""


def _static(name: str) -> Callable[[], bytes]:
    return lambda: (STATIC / name).read_bytes()


# URL path -> (content type, body). The page files are read on each request, so edits show on
# reload; the widget module is `bundle()`'s cached text, built once per process.
_FILES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "/": (_TYPES[".html"], _static("index.html")),
    "/index.html": (_TYPES[".html"], _static("index.html")),
    "/page.js": (_TYPES[".js"], _static("page.js")),
    "/socket_model.js": (_TYPES[".js"], _static("socket_model.js")),
    "/widget.js": (_TYPES[".js"], lambda: bundle().encode()),
    "/widget.css": (_TYPES[".css"], _CSS.read_bytes),
}


def _response(status: HTTPStatus, body: bytes, content_type: str) -> Response:
    headers = Headers()
    headers["Content-Type"] = content_type
    headers["Content-Length"] = str(len(body))
    headers["Cache-Control"] = "no-store"
    headers["Connection"] = "close"
    return Response(status.value, status.phrase, headers, body)


class WebViewerServer:
    """Serves the viewer page for everything in `hub` (a `StoreHub`) to any number of tabs."""

    def __init__(
        self,
        hub: Any,
        *,
        port: int = DEFAULT_WEB_PORT,
        bind: str = "127.0.0.1",
        app_factory: AppFactory | None = None,
        pump_options: dict[str, Any] | None = None,
        empty_hint: str | None = None,
    ) -> None:
        self.hub = hub
        self.empty_hint = empty_hint
        self.port = port
        self.bind = bind
        self._factory = app_factory
        self._pump_options = pump_options
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._pages: set[PageSession] = set()
        self._lock = threading.Lock()

    # --- lifetime ---------------------------------------------------------------------------------

    def start(self) -> WebViewerServer:
        """Open the port (`WebPortInUseError` when taken) and serve on a daemon thread."""
        try:
            self._server = serve(
                self._handle,
                self.bind,
                self.port,
                process_request=self._process_request,
                compression=None,  # frames are JPEG/PNG already
                max_size=1 << 20,
                ping_interval=20,
            )
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise WebPortInUseError(
                    errno.EADDRINUSE, f"port {self.port} on {self.bind} is already in use"
                ) from None
            raise
        self.port = self._server.socket.getsockname()[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="rerun-web", daemon=True)
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.bind in ("0.0.0.0", "", "::") else self.bind
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    @property
    def pages(self) -> int:
        """How many pages are connected now."""
        with self._lock:
            return len(self._pages)

    def stop(self) -> None:
        """Close every page's session and the port."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
        with self._lock:
            pages = list(self._pages)
        for page in pages:
            page.close()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def __enter__(self) -> WebViewerServer:
        return self.start() if self._server is None else self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # --- requests ---------------------------------------------------------------------------------

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        path = request.path.split("?", 1)[0]
        if path == "/ws":
            return None  # the WebSocket handshake goes on
        entry = _FILES.get(path)
        if entry is None:
            return _response(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")
        content_type, body = entry
        return _response(HTTPStatus.OK, body(), content_type)

    def _handle(self, connection: ServerConnection) -> None:
        page = PageSession(
            self.hub,
            connection.send,
            app_factory=self._factory,
            pump_options=self._pump_options,
            empty_hint=self.empty_hint,
        )
        with self._lock:
            self._pages.add(page)
        try:
            page.start()
            for message in connection:
                if isinstance(message, str):
                    page.handle_text(message)
        except ConnectionClosed:
            pass
        finally:
            with self._lock:
                self._pages.discard(page)
            page.close()
