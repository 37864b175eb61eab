"""gRPC-Web + CORS in front of a grpcio server, on one public port (as the real ``rerun server``).

grpcio speaks only HTTP/2, but browsers (the web viewer) need gRPC-Web over HTTP/1.1. The
front owns the public port and sniffs each connection's first bytes: an HTTP/2 client (the
``PRI * HTTP/2.0`` preface) is spliced byte-for-byte, in the kernel (``os.splice``), to the
grpcio server on an internal loopback port; anything else is HTTP/1.1 and answered as gRPC-Web
(:mod:`.grpcweb_http`). CORS follows the real server: ``localhost``, ``127.0.0.1`` and
``rerun.io`` origins (any scheme and port) plus ``--cors-allow-origin`` glob patterns.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence

import grpc
from google.protobuf.descriptor import ServiceDescriptor

from . import grpcweb_http
from .grpcweb_http import Headers

log = logging.getLogger(__name__)

DEFAULT_CORS_PATTERNS = (
    "*://localhost",
    "*://localhost:*",
    "*://127.0.0.1",
    "*://127.0.0.1:*",
    "*://rerun.io",
    "*://rerun.io:*",
)
_H2_PREFACE = b"PRI * HTTP/2.0"
_PIPE_SIZE = 1 << 20
_F_SETPIPE_SZ = 1031
# The real server exposes nothing, so a browser sees its errors as "malformed response" (and the
# web viewer retries an UNIMPLEMENTED WatchEvents in a tight loop); exposing the status fixes that.
_EXPOSE = "grpc-status, grpc-message, grpc-status-details-bin"
_VARY = ("vary", "origin, access-control-request-method, access-control-request-headers")


def _glob(pattern: str) -> re.Pattern[str]:
    """Wildmatch semantics (as the real server): ``*`` any run, ``?`` one character, no classes."""
    parts = {"*": ".*", "?": "."}
    return re.compile("".join(parts.get(c, re.escape(c)) for c in pattern), re.DOTALL)


class CorsRules:
    """Which ``Origin`` values get ``access-control-allow-origin``; the headers to answer with."""

    def __init__(self, extra_patterns: Iterable[str] = ()) -> None:
        self.patterns = (*DEFAULT_CORS_PATTERNS, *extra_patterns)
        self._regexes = [_glob(p) for p in self.patterns]

    def allows(self, origin: str) -> bool:
        return any(r.fullmatch(origin) for r in self._regexes)

    def headers(self, request: Mapping[str, str], *, preflight: bool) -> Headers:
        """tower-http's ``very_permissive`` layer with an origin predicate, as 0.41 answers.

        One addition: allowed origins may read ``grpc-status``/``grpc-message`` headers.
        """
        out: Headers = [("access-control-allow-credentials", "true"), _VARY]
        if preflight:
            if "access-control-request-method" in request:
                out.append(("access-control-allow-methods", request["access-control-request-method"]))
            if "access-control-request-headers" in request:
                out.append(("access-control-allow-headers", request["access-control-request-headers"]))
        origin = request.get("origin")
        if origin is not None and self.allows(origin):
            out.append(("access-control-allow-origin", origin))
            if not preflight:  # beyond 0.41: lets a page read a trailers-only error's status
                out.append(("access-control-expose-headers", _EXPOSE))
        return out


def methods_of(*services: ServiceDescriptor) -> dict[str, tuple[bool, bool]]:
    """``/pkg.Service/Method`` -> (client_streaming, server_streaming), from generated descriptors."""
    return {
        f"/{svc.full_name}/{m.name}": (m.client_streaming, m.server_streaming)
        for svc in services
        for m in svc.methods
    }


class GrpcWebFront:
    """The public port: HTTP/2 spliced to ``backend_port``, HTTP/1.1 served as gRPC-Web."""

    def __init__(
        self,
        backend_port: int,
        services: Sequence[ServiceDescriptor],
        *,
        cors_allow_origin: Sequence[str] = (),
        extra_headers: Sequence[tuple[str, str]] = (),
        uploads: Callable[[str, Mapping[str, str], bytes], int] | None = None,
    ) -> None:
        self.backend_port = backend_port
        self._uploads = uploads  # staged uploads (PUT /upload/<token>), when the service has them
        self.cors = CorsRules(cors_allow_origin)
        self._methods = methods_of(*services)
        self._services = {f"/{svc.full_name}/" for svc in services}
        self._extra: Headers = list(extra_headers)
        self._listener: socket.socket | None = None
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._channel: grpc.Channel | None = None
        self.port = 0

    # -- grpcweb_http.Policy --------------------------------------------------------------------
    def cors_headers(self, headers: Mapping[str, str], *, preflight: bool) -> Headers:
        return self.cors.headers(headers, preflight=preflight)

    def extra_headers(self) -> Headers:
        return list(self._extra)

    def upload(self, token: str, headers: Mapping[str, str], body: bytes) -> int | None:
        return self._uploads(token, headers, body) if self._uploads is not None else None

    def lookup(self, path: str) -> tuple[bool, tuple[bool, bool] | None]:
        known = any(path.startswith(s) for s in self._services)
        return known, self._methods.get(path)

    def channel(self) -> grpc.Channel:
        with self._lock:
            if self._channel is None:
                self._channel = grpc.insecure_channel(
                    f"127.0.0.1:{self.backend_port}",
                    options=[("grpc.max_receive_message_length", -1), ("grpc.max_send_message_length", -1)],
                )
            return self._channel

    # -- lifecycle ------------------------------------------------------------------------------
    def listen(self, host: str, port: int) -> int:
        """Bind the public port and start accepting; returns the bound port."""
        if ":" in host:
            sock = socket.create_server((host, port), family=socket.AF_INET6, dualstack_ipv6=host == "::")
        else:
            sock = socket.create_server((host, port))
        self._listener = sock
        self.port = sock.getsockname()[1]
        threading.Thread(target=self._accept_loop, args=(sock,), name="grpcweb-accept", daemon=True).start()
        return self.port

    def stop_accepting(self) -> None:
        """Refuse new connections; open ones carry on (the backend's graceful stop ends them)."""
        with self._lock:
            listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()

    def stop(self) -> None:
        """Refuse new connections and end open ones (gRPC-Web calls are cancelled)."""
        self.stop_accepting()
        with self._lock:
            conns, self._conns = list(self._conns), set()
            channel, self._channel = self._channel, None
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if channel is not None:
            channel.close()

    def _accept_loop(self, listener: socket.socket) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return  # stopped
            conn.setblocking(True)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._serve, args=(conn,), name="grpcweb-conn", daemon=True).start()

    def _track(self, sock: socket.socket) -> bool:
        with self._lock:
            if self._listener is None:
                return False
            self._conns.add(sock)
            return True

    def _untrack(self, *socks: socket.socket) -> None:
        with self._lock:
            for s in socks:
                self._conns.discard(s)
        for s in socks:
            s.close()

    def _serve(self, conn: socket.socket) -> None:
        if not self._track(conn):
            conn.close()
            return
        try:
            head = _peek(conn, len(_H2_PREFACE))
            if head == _H2_PREFACE[: len(head)] and head:
                self._splice_to_backend(conn)
            elif head:
                grpcweb_http.serve_connection(
                    self, conn, lambda e: log.warning("gRPC-Web request failed: %r", e)
                )
        except OSError as exc:
            log.debug("connection ended: %r", exc)
        finally:
            self._untrack(conn)

    def _splice_to_backend(self, conn: socket.socket) -> None:
        backend = socket.create_connection(("127.0.0.1", self.backend_port))
        backend.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if not self._track(backend):
            backend.close()
            return
        up = threading.Thread(target=_pump, args=(conn, backend), name="grpcweb-up", daemon=True)
        up.start()
        try:
            _pump(backend, conn)
        finally:
            up.join()
            self._untrack(backend)


def _peek(conn: socket.socket, n: int) -> bytes:
    """Enough first bytes to tell HTTP/2 from HTTP/1.1, left in the socket."""
    data = conn.recv(n, socket.MSG_PEEK)  # blocks until the client says something
    for _ in range(200):  # a preface split over packets: wait (bounded) for the rest
        if len(data) >= n or not data or not _H2_PREFACE.startswith(data):
            break
        time.sleep(0.005)
        data = conn.recv(n, socket.MSG_PEEK)
    return data


def _pump(src: socket.socket, dst: socket.socket) -> None:
    """Copy ``src`` to ``dst`` until EOF, in the kernel where possible; then half-close ``dst``."""
    try:
        try:
            if not sys.platform.startswith("linux"):
                raise OSError(errno.ENOSYS, "no splice")
            _splice_loop(src, dst)
        except OSError as exc:
            if exc.errno not in (errno.EINVAL, errno.ENOSYS):
                raise
            _copy_loop(src, dst)
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)
    except OSError:
        for s in (src, dst):  # a reset on either side ends both directions
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)


def _splice_loop(src: socket.socket, dst: socket.socket) -> None:
    import fcntl  # Linux only, as splice

    r, w = os.pipe()
    try:
        with contextlib.suppress(OSError):
            fcntl.fcntl(w, _F_SETPIPE_SZ, _PIPE_SIZE)
        sfd, dfd = src.fileno(), dst.fileno()
        while True:
            n = os.splice(sfd, w, _PIPE_SIZE)
            if n == 0:
                return
            while n:
                n -= os.splice(r, dfd, n)
    finally:
        os.close(r)
        os.close(w)


def _copy_loop(src: socket.socket, dst: socket.socket) -> None:
    buf = bytearray(_PIPE_SIZE)
    view = memoryview(buf)
    while True:
        n = src.recv_into(buf)
        if n == 0:
            return
        dst.sendall(view[:n])
