"""`rerun.sdk_comms.v1alpha1.MessageProxyService` on grpcio: the SDK -> viewer endpoint.

SDKs push `LogMsg`s with `WriteMessages` (one client stream per session, many at once);
viewers pull with `ReadMessages` (history, then live). Requests stay raw bytes end to end: the
proxy routes them with `wire.parse_request` and forwards them verbatim, so ingest costs no Arrow
decoding. Whoever needs values (the store, a `--save` file) listens on the buffer.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from concurrent import futures
from typing import Any

import grpc

from .buffer import MessageBuffer
from .wire import WireError, parse_request

log = logging.getLogger("rerun.server")

SERVICE_NAME = "rerun.sdk_comms.v1alpha1.MessageProxyService"
DEFAULT_PORT = 9876
DEFAULT_SERVER_MEMORY_LIMIT = 1024**3
# grpcio's own ceiling for one message.
MAX_MESSAGE_BYTES = 2**31 - 1


class PortInUseError(OSError):
    """The port is taken (by another viewer or by something else)."""


class MessageProxy:
    """The service's handlers, over one `MessageBuffer`."""

    def __init__(self, buffer: MessageBuffer) -> None:
        self.buffer = buffer

    def write_messages(self, request_iterator: Iterator[bytes], context: grpc.ServicerContext) -> bytes:
        error = self._drain(request_iterator, context)
        if error is not None:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, error)
        return b""

    def _drain(self, request_iterator: Iterator[bytes], context: grpc.ServicerContext) -> str | None:
        """Append every well-formed message; returns an error text for the first malformed one."""
        count = 0
        peer = context.peer()
        try:
            for raw in request_iterator:
                try:
                    msg = parse_request(raw)
                except WireError as err:
                    log.warning("client %s sent a malformed message #%d: %s", peer, count, err)
                    return f"malformed WriteMessagesRequest (message #{count}): {err}"
                self.buffer.append(msg)
                count += 1
        except grpc.RpcError:
            # The client went away mid-stream: keep what arrived, let the others carry on.
            log.info("client %s disconnected after %d messages", peer, count)
        except Exception as err:  # a broken stream must not take the server down
            log.info("client %s stream ended abnormally after %d messages: %s", peer, count, err)
        return None

    def read_messages(self, request: bytes, context: grpc.ServicerContext) -> Iterator[bytes]:
        context.add_callback(self.buffer.wake)
        for msg in self.buffer.read(context.is_active):
            yield msg.request

    def write_table(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        context.abort(
            grpc.StatusCode.UNIMPLEMENTED,
            "WriteTable is not implemented by this server: it proxies log messages only",
        )
        return b""  # pragma: no cover

    def read_tables(self, request: bytes, context: grpc.ServicerContext) -> Iterator[bytes]:
        context.abort(
            grpc.StatusCode.UNIMPLEMENTED,
            "ReadTables is not implemented by this server: it proxies log messages only",
        )
        yield b""  # pragma: no cover

    def handler(self) -> grpc.GenericRpcHandler:
        return grpc.method_handlers_generic_handler(
            SERVICE_NAME,
            {
                "WriteMessages": grpc.stream_unary_rpc_method_handler(self.write_messages),
                "ReadMessages": grpc.unary_stream_rpc_method_handler(self.read_messages),
                "WriteTable": grpc.unary_unary_rpc_method_handler(self.write_table),
                "ReadTables": grpc.unary_stream_rpc_method_handler(self.read_tables),
            },
        )


def port_is_listening(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    """Whether something accepts TCP connections on `host:port`."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _check_bindable(bind: str, port: int) -> None:
    """Fail with a clear message (before grpc logs its own) when `bind:port` is taken."""
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in bind else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((bind, port))
        except OSError as err:
            raise PortInUseError(f"cannot listen on {bind}:{port}: {err.strerror or err}") from None


class ProxyServer:
    """A running MessageProxyService endpoint (grpcio threads; `start()` returns at once)."""

    def __init__(
        self,
        *,
        port: int = DEFAULT_PORT,
        bind: str = "127.0.0.1",
        memory_limit: int | None = DEFAULT_SERVER_MEMORY_LIMIT,
        newest_first: bool = False,
        max_message_bytes: int = MAX_MESSAGE_BYTES,
        max_workers: int = 256,
    ) -> None:
        limit = MAX_MESSAGE_BYTES * 64 if memory_limit is None else memory_limit
        self.buffer = MessageBuffer(limit, newest_first=newest_first)
        self.proxy = MessageProxy(self.buffer)
        self.bind = bind
        self.port = port
        self._max_message_bytes = min(max_message_bytes, MAX_MESSAGE_BYTES)
        self._max_workers = max_workers
        self._server: grpc.Server | None = None

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.bind in ("0.0.0.0", "::", "127.0.0.1", "localhost") else self.bind
        return f"rerun+http://{host}:{self.port}/proxy"

    def start(self) -> ProxyServer:
        options: list[tuple[str, Any]] = [
            ("grpc.so_reuseport", 0),  # a second server on the same port must fail, not share it
            ("grpc.max_receive_message_length", self._max_message_bytes),
            ("grpc.max_send_message_length", -1),
            ("grpc.http2.lookahead_bytes", 8 << 20),  # a wide stream window: big chunks stream freely
            ("grpc.http2.max_frame_size", (1 << 24) - 1),
            ("grpc.keepalive_time_ms", 10_000),
            ("grpc.keepalive_timeout_ms", 20_000),
            ("grpc.http2.min_ping_interval_without_data_ms", 5_000),
            ("grpc.keepalive_permit_without_calls", 1),
        ]
        server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=self._max_workers, thread_name_prefix="rerun-grpc"),
            handlers=[self.proxy.handler()],
            options=options,
            maximum_concurrent_rpcs=self._max_workers,
        )
        _check_bindable(self.bind, self.port)
        host = f"[{self.bind}]" if ":" in self.bind else self.bind
        try:
            bound = server.add_insecure_port(f"{host}:{self.port}")
        except RuntimeError as err:
            raise PortInUseError(f"cannot listen on {self.bind}:{self.port}") from err
        if bound == 0:
            raise PortInUseError(f"cannot listen on {self.bind}:{self.port}")
        self.port = bound
        server.start()
        self._server = server
        log.info("Listening for gRPC connections on %s:%d (connect with %s)", self.bind, bound, self.url)
        return self

    def stop(self, grace: float | None = 1.0) -> None:
        """Stop accepting, end readers, give in-flight writes `grace` seconds to finish."""
        if self._server is None:
            return
        server, self._server = self._server, None
        done = server.stop(grace)
        done.wait((grace or 0.0) + 1.0)
        self.buffer.close()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the server stops; True if it did."""
        if self._server is None:
            return True
        return bool(self._server.wait_for_termination(timeout))
