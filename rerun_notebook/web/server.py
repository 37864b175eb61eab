"""The web viewer's HTTP + WebSocket server: static page files and one `PageSession` per socket.

Built on `websockets`' threaded server: plain GETs are answered from `process_request` (the page,
the bundled widget module, its CSS, the shim), `GET /ws` upgrades to the viewer socket. Each
socket runs on its own thread; its frame pump has another. Binds 127.0.0.1 unless told.

Who may read it: a page on any website could open `ws://127.0.0.1:9090/ws` (browsers do not apply
the same-origin policy to WebSockets), so every request's `Host` must name this machine (an IP
literal, `localhost`, its host name: no DNS rebinding) and a browser's `Origin` must be the page's
own or match a `cors_allow_origin` glob. A browser's socket must also carry the server's session
token, which only the served HTML holds (a foreign page cannot read it; a script file could be
included cross-site, so the token is in no JS file). Clients without an `Origin` (not browsers)
may connect without it: the gRPC port serves the same data to any local process.
"""

from __future__ import annotations

import errno
import hmac
import ipaddress
import logging
import re
import secrets
import socket
import threading
from collections.abc import Callable, Sequence
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from websockets.datastructures import Headers, MultipleValuesError
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
    "/": (_TYPES[".html"], _static("index.html")),  # `_TOKEN_SLOT` filled in per server
    "/index.html": (_TYPES[".html"], _static("index.html")),
    "/page.js": (_TYPES[".js"], _static("page.js")),
    "/socket_model.js": (_TYPES[".js"], _static("socket_model.js")),
    "/widget.js": (_TYPES[".js"], lambda: bundle().encode()),
    "/widget.css": (_TYPES[".css"], _CSS.read_bytes),
}


_TOKEN_SLOT = b"__RERUN_SESSION_TOKEN__"
# `host`, `host:port`, `[v6]`, `[v6]:port`; nothing else (no userinfo, paths or spaces).
_HOST = re.compile(r"(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9._-]+))(?::[0-9]{1,5})?")


def _glob(pattern: str) -> re.Pattern[str]:
    """Wildmatch as the real server's `--cors-allow-origin`: `*` any run, `?` one character."""
    parts = {"*": ".*", "?": "."}
    return re.compile("".join(parts.get(c, re.escape(c)) for c in pattern), re.DOTALL)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


class OriginGate:
    """Which requests may read the page: the `Host` names this machine, the `Origin` is allowed."""

    def __init__(self, cors_allow_origin: Sequence[str] = (), bind: str = "127.0.0.1") -> None:
        self.patterns = [_glob(p) for p in cors_allow_origin]
        name = socket.gethostname().lower()
        self.names = {"localhost", name, name.split(".", 1)[0]}
        if bind and not _is_ip(bind):
            self.names.add(bind.lower())

    def host_ok(self, host: str) -> bool:
        m = _HOST.fullmatch(host)
        if m is None:
            return False
        if m["v6"] is not None:
            return _is_ip(m["v6"])
        name = m["name"].lower().rstrip(".")
        return _is_ip(name) or name in self.names or name.endswith(".localhost")

    def own(self, origin: str, host: str) -> bool:
        """The page's own origin: what a page loaded from `http://{host}` sends."""
        return origin.lower() == f"http://{host}".lower()

    def cross_allowed(self, origin: str) -> bool:
        """A foreign origin let in by a `--cors-allow-origin` pattern."""
        return any(p.fullmatch(origin) for p in self.patterns)


def _response(
    status: HTTPStatus, body: bytes, content_type: str, extra: dict[str, str] | None = None
) -> Response:
    headers = Headers()
    headers["Content-Type"] = content_type
    headers["Content-Length"] = str(len(body))
    headers["Cache-Control"] = "no-store"
    headers["Connection"] = "close"
    for name, value in (extra or {}).items():
        headers[name] = value
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
        cors_allow_origin: Sequence[str] = (),
    ) -> None:
        self.hub = hub
        self.token = secrets.token_urlsafe(24)  # this server's session: a restart makes a new one
        self.gate = OriginGate(cors_allow_origin, bind)
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
        if self._factory is None:
            from rerun_core.viewer import warmup

            warmup.start()  # GPU device and pipelines, before the first page asks for a frame
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

    def page_sessions(self) -> list[Any]:
        """The connected pages' ``PageSession``s (viewer control drives them)."""
        with self._lock:
            return list(self._pages)

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
        refusal = self._refusal(request)
        if refusal is not None:
            log.info("web viewer refused %s: %s", request.path.split("?", 1)[0], refusal)
            return _response(HTTPStatus.FORBIDDEN, f"forbidden: {refusal}\n".encode(), "text/plain")
        path = request.path.split("?", 1)[0]
        if path == "/ws":
            return None  # the WebSocket handshake goes on
        entry = _FILES.get(path)
        if entry is None:
            return _response(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")
        content_type, body = entry
        data = body()
        if content_type == _TYPES[".html"]:
            data = data.replace(_TOKEN_SLOT, self.token.encode())
        origin = request.headers.get("Origin")
        cors = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"} if origin else None
        return _response(HTTPStatus.OK, data, content_type, cors)

    def _refusal(self, request: Request) -> str | None:
        """Why `request` may not read this server (None: it may)."""
        try:
            host, origin = request.headers.get("Host"), request.headers.get("Origin")
        except MultipleValuesError:
            return "repeated Host or Origin header"
        if host is None or not self.gate.host_ok(host):
            return f"host {host!r} is not this machine"
        if origin is not None and not (self.gate.own(origin, host) or self.gate.cross_allowed(origin)):
            return f"origin {origin!r} is not allowed (see --cors-allow-origin)"
        path, _, query = request.path.partition("?")
        if path != "/ws":
            return None
        given = parse_qs(query).get("token")
        if given is None and origin is None:
            return None  # not a browser: as any local process may read the gRPC port
        if (
            given is None
            or len(given) != 1
            or not hmac.compare_digest(given[0].encode(), self.token.encode())
        ):
            return "missing or wrong session token"
        return None

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
