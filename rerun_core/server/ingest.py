"""Decoding what the proxy receives, off the gRPC threads, for the store and `--save` files.

The proxy itself only routes bytes. An `Ingest` listens on its buffer and hands each message,
decoded into a `LogMsg` value, to its consumers (a StoreHub inserter, an RrdWriter) from one
thread, in arrival order. Unlike the replay buffer it never drops: what was received ends up in
the store and the file.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from rerun_core.store.messages import LogMsg

from .buffer import MessageBuffer
from .codec import decode_wire
from .wire import WireMsg

log = logging.getLogger("rerun.server")

Consumer = Callable[[LogMsg], None]
_STOP = None


class Ingest:
    """One thread that decodes buffer messages and feeds them to consumers."""

    def __init__(self, buffer: MessageBuffer, consumers: list[Consumer], *, skip_local: bool = False) -> None:
        self.consumers = consumers
        self.skip_local = skip_local
        self.decoded = 0
        self.failed = 0
        self._queue: queue.SimpleQueue[WireMsg | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="rerun-ingest", daemon=True)
        self._thread.start()
        buffer.add_listener(self._on_message)

    def _on_message(self, msg: WireMsg) -> None:
        if not (self.skip_local and msg.local):
            self._queue.put(msg)

    def _run(self) -> None:
        while (wire := self._queue.get()) is not _STOP:
            try:
                msg = decode_wire(wire)
            except Exception as err:
                self.failed += 1
                log.warning("could not decode a received %s: %s", wire.kind.name, err)
                continue
            self.decoded += 1
            for consumer in self.consumers:
                try:
                    consumer(msg)
                except Exception as err:
                    log.warning("could not store a received %s: %s", wire.kind.name, err)

    def close(self, timeout: float | None = None) -> bool:
        """Finish everything queued so far; whether it all went through in time."""
        self._queue.put(_STOP)
        self._thread.join(timeout)
        return not self._thread.is_alive()
