"""Fill a hub from a gRPC endpoint: the web viewer's `connect_to` (ReadMessages, replay + live)."""

from __future__ import annotations

import logging
import threading
from typing import Any

log = logging.getLogger(__name__)


class GrpcFeed:
    """Pulls everything `url` has and gets into `hub` on a daemon thread, re-dialing on loss."""

    def __init__(self, hub: Any, url: str, *, retry_s: float = 1.0) -> None:
        from rerun_core.server.urls import parse_grpc_url

        self.hub = hub
        self.url = url
        self.target, self.tls = parse_grpc_url(url)  # ValueError on a bad URL, before any thread
        self.retry_s = retry_s
        self.received = 0
        self._stop = threading.Event()
        self._call: Any = None
        self._thread = threading.Thread(target=self._run, name="rerun-web-feed", daemon=True)

    def start(self) -> GrpcFeed:
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        """End the pull; a read blocked on the endpoint is cancelled."""
        self._stop.set()
        call = self._call
        if call is not None:
            call.cancel()
        self._thread.join(timeout)

    def _run(self) -> None:
        import grpc

        from rerun_core.server.codec import decode_wire
        from rerun_core.server.proxy import SERVICE_NAME
        from rerun_core.server.urls import grpc_channel
        from rerun_core.server.wire import WireError, parse_request

        while not self._stop.is_set():
            with grpc_channel(self.target, self.tls) as channel:
                read = channel.unary_stream(f"/{SERVICE_NAME}/ReadMessages")
                try:
                    self._call = read(b"", wait_for_ready=True)
                    if self._stop.is_set():
                        return
                    for raw in self._call:
                        self.hub.insert(decode_wire(parse_request(raw)))
                        self.received += 1
                    return
                except WireError as err:
                    log.warning("%s sent a malformed message: %s", self.url, err)
                    return
                except grpc.RpcError as err:
                    if self._stop.is_set():
                        return
                    log.info("lost the stream from %s (%s); retrying", self.url, err.code())  # type: ignore[attr-defined]
            self._stop.wait(self.retry_s)
