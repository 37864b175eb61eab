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
import os
import shutil
import subprocess
import sys
import threading
import time
import weakref
from collections import deque
from collections.abc import Iterator
from typing import Any

import grpc

from rerun_core.server.codec import encode_request
from rerun_core.server.proxy import SERVICE_NAME, port_is_listening
from rerun_core.server.urls import DEFAULT_URL, grpc_channel, parse_grpc_url
from rerun_core.store.messages import LogMsg

from ._recording_core import _flush_all_at_exit

log = logging.getLogger("rerun")

EXIT_TIMEOUT_S = 5.0


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
        self._sent_at_call = 0
        self._stalled_at: int | None = None  # `sent` when a flush last gave up (nothing moved)
        self._call: Any = None
        self._generation = 0  # bumped when a call fails, retiring its request stream
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
                    self._stalled_at = self.sent
                    return False
                self._cond.wait(0.05 if remaining is None else min(remaining, 0.05))
        return True

    def close(self, timeout: float | None = None) -> None:
        """End the stream; waits at most `timeout` (default: `exit_timeout`, none when a flush
        just gave up and nothing moved since, as 0.41 waits once) and reports drops."""
        if timeout is None:
            timeout = 0.0 if self._stalled_at == self.sent else self.exit_timeout
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
                timeout or self.exit_timeout,  # 0: the flush before already waited that long
            )

    def _requests(self, generation: int) -> Iterator[bytes]:
        """The request stream of one call; it goes quiet once that call is over (`generation`)."""
        while True:
            with self._cond:
                if generation != self._generation:
                    return  # a failed call's stream: never take messages the next call needs
                self.sent += self._in_flight
                self._in_flight = 0
                self._cond.notify_all()
                while not self._queue and not self._closing and generation == self._generation:
                    self._cond.wait()
                if not self._queue or generation != self._generation:
                    return
                msg = self._queue.popleft()
                self._in_flight = 1
            try:
                yield msg if isinstance(msg, bytes) else encode_request(msg)
            except Exception as err:  # a message we cannot encode must not stop the stream
                log.warning("rerun: could not encode a message for gRPC: %s", err)
                with self._cond:
                    self._in_flight = 0
                    self.dropped += 1

    def _run(self) -> None:
        path = f"/{SERVICE_NAME}/WriteMessages"
        backoff = 0.1
        while True:
            channel = grpc_channel(self._target, self._tls)
            try:
                with self._cond:
                    generation = self._generation
                    self._sent_at_call = self.sent
                requests = self._requests(generation)
                call = channel.stream_unary(path).future(requests, wait_for_ready=True)
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
            self._generation += 1
            self._cond.notify_all()
            lost, self._in_flight = self._in_flight, 0
            self.dropped += lost
            if self._closing and not self._queue:
                return False
        code = err.code() if isinstance(err, grpc.Call) else None
        if code == grpc.StatusCode.CANCELLED and self._closing:
            return False
        if code in _FATAL:
            with self._cond:
                # The endpoint refused the whole stream: what it was handed is lost too.
                lost = len(self._queue) + self.sent - self._sent_at_call
                self.sent = self._sent_at_call
                self._queue.clear()
                self._closing = True
                self.dropped += lost
            log.error("rerun: %s does not take log messages (%s); dropping them", self.url, code)
            return False
        log.warning("rerun: gRPC stream to %s failed (%s); reconnecting", self.url, code)
        return True


_FATAL = (grpc.StatusCode.UNIMPLEMENTED, grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNAUTHENTICATED)
_live_sinks: weakref.WeakSet[GrpcSink] = weakref.WeakSet()


@atexit.register
def _close_sinks_at_exit() -> None:
    # Registered after the SDK's own exit hook, so it runs first: let the recordings flush
    # their batchers into these sinks (and close them) before closing whatever is left.
    _flush_all_at_exit()
    for sink in list(_live_sinks):
        sink.close()


class ServerSink:
    """Sink hosting a proxy endpoint in this process: viewers `ReadMessages` what is logged.

    Messages go straight into the endpoint's buffer (no loopback connection). Other processes
    may also `connect_grpc` into it; `attach(consumer)` hands what *they* send, decoded, to
    e.g. a notebook's store (this process's own messages already reach it through its sinks).
    """

    def __init__(
        self,
        bind_ip: str = "127.0.0.1",
        port: int | None = None,
        *,
        server_memory_limit: str = "1GiB",
        newest_first: bool = False,
        cors_allow_origin: list[str] | None = None,
    ) -> None:
        from rerun_core.server.limits import parse_memory_limit
        from rerun_core.server.proxy import DEFAULT_PORT, ProxyServer

        self.cors_allow_origin = list(cors_allow_origin or [])
        self.server = ProxyServer(
            port=DEFAULT_PORT if port is None else port,
            bind=bind_ip,
            memory_limit=parse_memory_limit(server_memory_limit),
            newest_first=newest_first,
        ).start()
        self._ingest: Any = None
        _live_servers.add(self)

    @property
    def url(self) -> str:
        return self.server.url

    def __repr__(self) -> str:
        return f"ServerSink({self.url!r})"

    def send(self, msg: LogMsg | bytes) -> None:
        from rerun_core.server.wire import parse_request

        raw = msg if isinstance(msg, bytes) else encode_request(msg)
        self.server.buffer.append(parse_request(raw, local=True))

    def attach(self, consumer: Any) -> None:
        """Feed messages that remote clients send here, decoded, to `consumer(msg)`."""
        from rerun_core.server.ingest import Ingest

        if self._ingest is None:
            self._ingest = Ingest(self.server.buffer, [], skip_local=True)
        self._ingest.consumers.append(consumer)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        """Stop serving (readers are cut off; what was logged stays in no other place)."""
        self.server.stop(grace=0.5)
        if self._ingest is not None:
            self._ingest.close(timeout=10)
        _live_servers.discard(self)


_live_servers: weakref.WeakSet[ServerSink] = weakref.WeakSet()


def active_servers() -> list[ServerSink]:
    """The endpoints `serve_grpc` started in this process (e.g. for a notebook to attach to)."""
    return list(_live_servers)


SPAWN_TIMEOUT_S = 30.0
PAGE_WAIT_S = 10.0  # how long a spawn waits for the viewer's web page after its gRPC port


def find_viewer_executable(executable_name: str = "rerun", executable_path: str | None = None) -> str:
    """The `rerun` executable to spawn; RuntimeError saying how to get one if there is none."""
    if executable_path is not None:
        if not os.access(executable_path, os.X_OK):
            raise RuntimeError(
                f"Rerun Viewer executable {executable_path!r} does not exist or is not executable"
            )
        return executable_path
    found = shutil.which(executable_name)
    if found is None:
        raise RuntimeError(
            f"Failed to find the Rerun Viewer executable {executable_name!r} in PATH. "
            "Install this package (it provides `rerun`) into the active environment, or pass executable_path."
        )
    return found


def spawn_viewer(
    *,
    port: int = 9876,
    memory_limit: str = "75%",
    server_memory_limit: str = "1GiB",
    hide_welcome_screen: bool = False,
    detach_process: bool = True,
    executable_name: str = "rerun",
    executable_path: str | None = None,
    timeout: float = SPAWN_TIMEOUT_S,
) -> int | None:
    """Start `rerun --port=P ...` unless something already listens on P; returns its pid."""
    if port_is_listening(port):
        return None
    exe = find_viewer_executable(executable_name, executable_path)
    web_port = _web_page_port()
    cmd = [
        exe,
        f"--port={port}",
        f"--memory-limit={memory_limit}",
        f"--server-memory-limit={server_memory_limit}",
        f"--web-viewer-port={web_port}",
        "--expect-data-soon",
    ]
    if hide_welcome_screen:
        cmd.append("--hide-welcome-screen")
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=detach_process,
        env={**os.environ, "RERUN_APP_ONLY": "true"},
    )
    deadline = time.monotonic() + timeout
    while not port_is_listening(port, timeout=0.2):
        if proc.poll() is not None:
            raise RuntimeError(
                f"the Rerun Viewer ({exe}) exited with code {proc.returncode} before listening"
            )
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"the Rerun Viewer ({exe}) did not listen on port {port} within {timeout:.0f} s"
            )
        time.sleep(0.05)
    # The page comes up just after gRPC: wait for it (briefly: a viewer without the page extra
    # never serves one), so the URL printed below answers when the user opens it.
    page_deadline = min(deadline, time.monotonic() + PAGE_WAIT_S)
    while not port_is_listening(web_port, timeout=0.2) and time.monotonic() < page_deadline:
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    # The spawned viewer's output goes nowhere: say here where its page is (headless or not).
    # With a display it shows itself (a desktop window, or a browser tab without the window extra).
    shown = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    page = f"http://127.0.0.1:{web_port}"
    where = f"it opens on your display (page: {page})" if shown else f"open {page} in a browser"
    print(
        f"[rerun] spawned a Rerun viewer: {where} (it receives on rerun+http://127.0.0.1:{port}/proxy)",
        file=sys.stderr,
        flush=True,
    )
    return proc.pid


def _web_page_port(preferred: int = 9090) -> int:
    """The page port for a spawned viewer: 9090 (the CLI's default) when free, else one the OS
    gives, so the port printed is the port served (any `--port`, several viewers)."""
    import socket

    for candidate in (preferred, 0):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    return preferred
