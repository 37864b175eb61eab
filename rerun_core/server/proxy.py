"""`rerun.sdk_comms.v1alpha1.MessageProxyService` on grpcio: the SDK -> viewer endpoint.

SDKs push `LogMsg`s with `WriteMessages` (one client stream per session, many at once);
viewers pull with `ReadMessages` (history, then live). Requests stay raw bytes end to end: the
proxy routes them with `wire.parse_request` and forwards them verbatim, so ingest costs no Arrow
decoding. Whoever needs values (the store, a `--save` file) listens on the buffer.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from concurrent import futures
from typing import Any

import grpc

from .buffer import MessageBuffer
from .limits import raise_open_files_limit
from .wire import WireError, parse_request

log = logging.getLogger("rerun.server")

SERVICE_NAME = "rerun.sdk_comms.v1alpha1.MessageProxyService"
DEFAULT_PORT = 9876
DEFAULT_SERVER_MEMORY_LIMIT = 1024**3
# grpcio's own ceiling for one message.
MAX_MESSAGE_BYTES = 2**31 - 1
# The largest WriteMessages request we take by default; larger ones get RESOURCE_EXHAUSTED. The
# real 0.41 endpoint (tonic, u32::MAX) took 2040 MB; a message is held whole in the buffer, so
# ours stops at half the default server memory limit. Chunks the SDK batches are ~8 MiB.
DEFAULT_MAX_MESSAGE_BYTES = 512 << 20


class PortInUseError(OSError):
    """The port is taken (by another viewer or by something else)."""


# Stream admission (finding: 300 stalled streams locked every other client out).
STREAMS_PER_CONNECTION = (
    128  # HTTP/2 SETTINGS (a process with many recordings shares one); more wait in the client
)
# Each stream's HTTP/2 receive window: a fixed one (no bandwidth probing, which grows windows:
# bytes grpc buffers for a handler blocked by backpressure when a busy server answers pings late).
STREAM_WINDOW_BYTES = 8 << 20
MAX_CONCURRENT_CALLS = 1024  # threads are made on demand; stalled streams are timed out below
FIRST_MESSAGE_TIMEOUT_S = 10.0  # an SDK sends its store info at once
IDLE_TIMEOUT_S = 60.0  # the same after its last message (both only while slots are scarce)
# Descriptors to allow per call slot (a connection each, at worst, plus grpc's own).
OPEN_FILES_PER_CALL = 4
MIN_SILENCE_S = 1.0  # past the high water mark, streams silent this long make room at once


class _Stream:
    __slots__ = ("context", "last", "messages", "opened")

    def __init__(self, context: grpc.ServicerContext) -> None:
        self.context = context
        self.opened = self.last = time.monotonic()
        self.messages = 0


class StreamGuard:
    """Times out WriteMessages streams that hold a server thread without sending.

    grpcio's sync server spends one thread per open stream and refuses calls past its
    `capacity`, so streams that open and never send would fill every slot. While more than a
    quarter of `capacity` is in use, a stream silent since it opened is cancelled after
    `first_message_timeout_s` and one silent since its last message after `idle_timeout_s`.
    Past `high_water` (all but an eighth of the slots), the streams silent for `min_silence_s`
    are cancelled at once, those that never sent first, oldest first: a flood of stalled
    connections, however many, leaves room for a client that sends. Below a quarter nothing is
    closed: an SDK may rightly idle for hours, and ours dials again (with a fresh, empty stream)
    when its stream is closed.
    """

    def __init__(
        self,
        capacity: int,
        *,
        first_message_timeout_s: float = FIRST_MESSAGE_TIMEOUT_S,
        idle_timeout_s: float = IDLE_TIMEOUT_S,
        min_silence_s: float = MIN_SILENCE_S,
    ) -> None:
        self.capacity = capacity
        self.high_water = max(1, capacity - capacity // 8)
        self.first_message_timeout_s = first_message_timeout_s
        self.idle_timeout_s = idle_timeout_s
        self.min_silence_s = min_silence_s
        self.timed_out = 0
        self._lock = threading.Lock()
        self._streams: set[_Stream] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def enter(self, context: grpc.ServicerContext) -> _Stream:
        stream = _Stream(context)
        with self._lock:
            self._streams.add(stream)
            victims = self._make_room(stream.opened)
        self._close(victims)
        return stream

    def leave(self, stream: _Stream) -> None:
        with self._lock:
            self._streams.discard(stream)

    @property
    def active(self) -> int:
        with self._lock:
            return len(self._streams)

    def start(self, period_s: float = 1.0) -> None:
        self._thread = threading.Thread(
            target=self._watch, args=(period_s,), name="rerun-streams", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

    def _watch(self, period_s: float) -> None:
        while not self._stop.wait(period_s):
            self._close(self.expired(time.monotonic()))

    def _close(self, streams: list[_Stream]) -> None:
        for stream in streams:
            self.timed_out += 1
            log.info(
                "closing stream of %s: %d messages, then silence", stream.context.peer(), stream.messages
            )
            stream.context.cancel()

    def _make_room(self, now: float) -> list[_Stream]:
        """Past the high water mark: the streams to cancel to get back under it (under the lock)."""
        excess = len(self._streams) - self.high_water
        if excess <= 0:
            return []
        silent = [s for s in self._streams if now - s.last >= self.min_silence_s]
        silent.sort(key=lambda s: (s.messages > 0, s.last))  # never sent first, then longest idle
        out = silent[:excess]
        self._streams.difference_update(out)
        return out

    def expired(self, now: float) -> list[_Stream]:
        """The streams to close now; each is dropped from the watch."""
        with self._lock:
            if len(self._streams) <= self.capacity // 4:
                return []
            out = [
                s
                for s in self._streams
                if now - s.last > (self.idle_timeout_s if s.messages else self.first_message_timeout_s)
            ]
            self._streams.difference_update(out)
            out += self._make_room(now)
        return out


def receive_cost(last: int) -> int:
    """What gRPC holds while it receives a stream's next message, taken as big as its `last`.

    grpcio assembles the message in C slices, copies each slice to a Python bytes and joins
    those (three copies at the peak), while the transport fills the stream's window with the
    message after it. The window counts only as far as the last message: a stream of small
    messages does not take 8 MB of history. A stream keeps this reserved between its messages
    (even when it goes quiet after a big one) until it ends.
    """
    return 3 * last + min(last, STREAM_WINDOW_BYTES)


class MessageProxy:
    """The service's handlers, over one `MessageBuffer`."""

    def __init__(self, buffer: MessageBuffer, guard: StreamGuard | None = None) -> None:
        self.buffer = buffer
        self.guard = guard or StreamGuard(MAX_CONCURRENT_CALLS)

    def write_messages(self, request_iterator: Iterator[bytes], context: grpc.ServicerContext) -> bytes:
        stream = self.guard.enter(context)
        try:
            error = self._drain(request_iterator, context, stream)
        finally:
            self.guard.leave(stream)
        if error is not None:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, error)
        return b""

    def _drain(
        self, request_iterator: Iterator[bytes], context: grpc.ServicerContext, stream: _Stream
    ) -> str | None:
        """Append every well-formed message; returns an error text for the first malformed one."""
        count = 0
        peer = context.peer()
        # What gRPC holds for the next message is reserved from the buffer's budget too.
        ahead = 0
        try:
            for raw in request_iterator:
                self.buffer.release(ahead)
                ahead = 0
                stream.last = time.monotonic()
                stream.messages += 1
                try:
                    msg = parse_request(raw)
                except WireError as err:
                    log.warning("client %s sent a malformed message #%d: %s", peer, count, err)
                    return f"malformed WriteMessagesRequest (message #{count}): {err}"
                self.buffer.append(msg)
                count += 1
                del msg
                size = receive_cost(len(raw))
                self.buffer.reserve(size)
                ahead = size  # only once reserved: `finally` gives back exactly this
                del raw
        except grpc.RpcError:
            # The client went away mid-stream: keep what arrived, let the others carry on.
            log.info("client %s disconnected after %d messages", peer, count)
        except Exception as err:  # a broken stream must not take the server down
            log.info("client %s stream ended abnormally after %d messages: %s", peer, count, err)
        finally:
            self.buffer.release(ahead)
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
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
        max_workers: int = MAX_CONCURRENT_CALLS,
        guard: StreamGuard | None = None,
    ) -> None:
        limit = MAX_MESSAGE_BYTES * 64 if memory_limit is None else memory_limit
        self.buffer = MessageBuffer(limit, newest_first=newest_first)
        self.guard = guard or StreamGuard(max_workers)
        self.proxy = MessageProxy(self.buffer, self.guard)
        self.bind = bind
        self.port = port
        self._max_message_bytes = min(max_message_bytes, MAX_MESSAGE_BYTES)
        self._max_workers = max_workers
        self._server: grpc.Server | None = None
        self.extra_handlers: list[grpc.GenericRpcHandler] = []  # more services on this port (before start)

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.bind in ("0.0.0.0", "::", "127.0.0.1", "localhost") else self.bind
        return f"rerun+http://{host}:{self.port}/proxy"

    def start(self) -> ProxyServer:
        options: list[tuple[str, Any]] = [
            ("grpc.so_reuseport", 0),  # a second server on the same port must fail, not share it
            ("grpc.max_receive_message_length", self._max_message_bytes),
            ("grpc.max_send_message_length", -1),
            # A wide stream window (big chunks stream freely), but a fixed one: see above.
            ("grpc.http2.lookahead_bytes", STREAM_WINDOW_BYTES),
            ("grpc.http2.bdp_probe", 0),
            ("grpc.http2.max_frame_size", (1 << 24) - 1),
            ("grpc.keepalive_time_ms", 10_000),
            ("grpc.keepalive_timeout_ms", 20_000),
            ("grpc.http2.min_ping_interval_without_data_ms", 5_000),
            ("grpc.keepalive_permit_without_calls", 1),
            ("grpc.max_concurrent_streams", STREAMS_PER_CONNECTION),
        ]
        server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=self._max_workers, thread_name_prefix="rerun-grpc"),
            handlers=[self.proxy.handler(), *self.extra_handlers],
            options=options,
            maximum_concurrent_rpcs=self._max_workers,
        )
        _check_bindable(self.bind, self.port)
        raise_open_files_limit(OPEN_FILES_PER_CALL * self._max_workers + 1024)
        host = f"[{self.bind}]" if ":" in self.bind else self.bind
        try:
            bound = server.add_insecure_port(f"{host}:{self.port}")
        except RuntimeError as err:
            raise PortInUseError(f"cannot listen on {self.bind}:{self.port}") from err
        if bound == 0:
            raise PortInUseError(f"cannot listen on {self.bind}:{self.port}")
        self.port = bound
        server.start()
        self.guard.start()
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
        self.guard.stop()
        self.buffer.close()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the server stops; True if it did."""
        if self._server is None:
            return True
        return bool(self._server.wait_for_termination(timeout))
