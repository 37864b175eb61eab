"""Streaming to and hosting gRPC endpoints: `connect_grpc`, `serve_grpc`, `spawn`.

Imported lazily (never by `import rerun`), because it pulls in grpcio. The client side is
`GrpcSink`: a background thread owns one `WriteMessages` client stream and feeds it from a
queue, so logging never waits on the network, data logged before the endpoint is up is held
until it is, and a dropped connection is re-dialled. At exit it waits a bounded time and says
what it could not deliver, as rerun-sdk 0.41 does.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from collections import deque
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import grpc

from rerun_core.server.codec import encode_request
from rerun_core.server.proxy import DEFAULT_PORT, SERVICE_NAME
from rerun_core.store.messages import LogMsg

log = logging.getLogger("rerun")

DEFAULT_URL = f"rerun+http://127.0.0.1:{DEFAULT_PORT}/proxy"
EXIT_TIMEOUT_S = 5.0
_SCHEMES = {"rerun": True, "rerun+http": False, "rerun+https": True}


def parse_grpc_url(url: str | None) -> tuple[str, bool]:
    """`(host:port, use_tls)` of a proxy URL; ValueError for anything Rerun would not accept."""
    url = DEFAULT_URL if url is None else url
    parts = urlsplit(url)
    if parts.scheme not in _SCHEMES:
        raise ValueError(
            f"invalid Rerun gRPC URL {url!r}: the scheme must be one of rerun://, rerun+http:// or "
            "rerun+https:// (e.g. rerun+http://127.0.0.1:9876/proxy)"
        )
    if parts.path.rstrip("/") != "/proxy":
        raise ValueError(f"invalid Rerun gRPC URL {url!r}: the path must be /proxy")
    try:
        port = parts.port
    except ValueError as err:
        raise ValueError(f"invalid Rerun gRPC URL {url!r}: {err}") from None
    if not parts.hostname:
        raise ValueError(f"invalid Rerun gRPC URL {url!r}: missing host")
    tls = _SCHEMES[parts.scheme]
    if port is None:
        port = 443 if tls else DEFAULT_PORT
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{host}:{port}", tls


def _channel(target: str, tls: bool) -> grpc.Channel:
    options = [
        ("grpc.max_send_message_length", -1),
        ("grpc.max_receive_message_length", -1),
        ("grpc.initial_reconnect_backoff_ms", 100),
        ("grpc.max_reconnect_backoff_ms", 1000),
    ]
    if tls:
        return grpc.secure_channel(target, grpc.ssl_channel_credentials(), options=options)
    return grpc.insecure_channel(target, options=options)


class GrpcSink:
    """Sink that streams log messages to a `MessageProxyService` (`send`/`flush`/`close`)."""

    def __init__(self, url: str | None = None, *, exit_timeout: float = EXIT_TIMEOUT_S) -> None:
        self.url = DEFAULT_URL if url is None else url
        self._target, self._tls = parse_grpc_url(self.url)
        self.exit_timeout = exit_timeout
        self._cond = threading.Condition()
        self._queue: deque[LogMsg | bytes] = deque()
        self._in_flight = 0  # taken from the queue, not yet handed to the transport
        self._closing = False
        self.sent = 0
        self.dropped = 0
        self._call: Any = None
        self._thread = threading.Thread(target=self._run, name="rerun-grpc-sink", daemon=True)
        self._thread.start()
        _live_sinks.add(self)

    def __repr__(self) -> str:
        return f"GrpcSink({self.url!r})"

    def send(self, msg: LogMsg | bytes) -> None:
        """Queue one message (a `LogMsg`, or an already encoded `WriteMessagesRequest`)."""
        with self._cond:
            if self._closing:
                self.dropped += 1
                return
            self._queue.append(msg)
            self._cond.notify_all()

    def pending(self) -> int:
        with self._cond:
            return len(self._queue) + self._in_flight

    def flush(self, timeout: float | None = EXIT_TIMEOUT_S) -> bool:
        """Wait until everything queued is handed to the transport.

        Gives up when nothing moved for `timeout` seconds (the endpoint is not reachable);
        returns whether everything went out.
        """
        with self._cond:
            last, since = self.sent, time.monotonic()
            while self._queue or self._in_flight:
                if not self._thread.is_alive():
                    return False
                if self.sent != last:
                    last, since = self.sent, time.monotonic()
                remaining = None if timeout is None else timeout - (time.monotonic() - since)
                if remaining is not None and remaining <= 0:
                    return False
                self._cond.wait(0.05 if remaining is None else min(remaining, 0.05))
        return True

    def close(self, timeout: float | None = None) -> None:
        """End the stream; waits at most `timeout` (default: `exit_timeout`) and reports drops."""
        timeout = self.exit_timeout if timeout is None else timeout
        with self._cond:
            if self._closing:
                return
            self._closing = True
            self._cond.notify_all()
        self._thread.join(timeout)
        if self._thread.is_alive():
            with self._cond:
                lost = len(self._queue) + self._in_flight
                self._queue.clear()
                self.dropped += lost
                call = self._call
            if call is not None:
                call.cancel()
            self._thread.join(1.0)
        _live_sinks.discard(self)
        if self.dropped:
            log.warning(
                "rerun: dropped %d message(s) that could not be sent to %s within %.0f s",
                self.dropped,
                self.url,
                timeout,
            )

    def _requests(self) -> Iterator[bytes]:
        while True:
            with self._cond:
                self.sent += self._in_flight
                self._in_flight = 0
                self._cond.notify_all()
                while not self._queue and not self._closing:
                    self._cond.wait()
                if not self._queue:
                    return
                msg = self._queue.popleft()
                self._in_flight = 1
            try:
                yield msg if isinstance(msg, bytes) else encode_request(msg)
            except GeneratorExit:
                raise
            except Exception as err:  # a message we cannot encode must not stop the stream
                log.warning("rerun: could not encode a message for gRPC: %s", err)
                with self._cond:
                    self._in_flight = 0
                    self.dropped += 1

    def _run(self) -> None:
        path = f"/{SERVICE_NAME}/WriteMessages"
        backoff = 0.1
        while True:
            channel = _channel(self._target, self._tls)
            try:
                call = channel.stream_unary(path).future(self._requests(), wait_for_ready=True)
                with self._cond:
                    self._call = call
                call.result()
                return
            except grpc.RpcError as err:
                if not self._retry_after(err):
                    return
                time.sleep(backoff)
                backoff = min(backoff * 2, 2.0)
            except grpc.FutureCancelledError:
                return
            finally:
                channel.close()

    def _retry_after(self, err: grpc.RpcError) -> bool:
        """Account for a failed stream; whether to dial again."""
        with self._cond:
            lost, self._in_flight = self._in_flight, 0
            self.dropped += lost
            if self._closing and not self._queue:
                return False
        code = err.code() if isinstance(err, grpc.Call) else None
        if code == grpc.StatusCode.CANCELLED and self._closing:
            return False
        log.warning("rerun: gRPC stream to %s failed (%s); reconnecting", self.url, code)
        return True


_live_sinks: weakref.WeakSet[GrpcSink] = weakref.WeakSet()


@atexit.register
def _close_sinks_at_exit() -> None:
    for sink in list(_live_sinks):
        sink.close()
