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
from .limits import trim_freed_memory
from .wire import WireMsg

log = logging.getLogger("rerun.server")

Consumer = Callable[[LogMsg], None]
WireConsumer = Callable[[WireMsg], None]  # takes the received bytes (an `--save` file)
_STOP = None


# What may wait for the decoder at once, beyond the message being decoded.
DEFAULT_MAX_QUEUED_BYTES = 64 * 1024 * 1024
# Decoding and saving free chunk-sized buffers; return the holes they leave this often.
TRIM_EVERY_BYTES = 32 * 1024 * 1024


class Ingest:
    """One thread that decodes buffer messages and feeds them to consumers.

    Its queue is bounded by bytes: when the consumers (a slow disk under a `--save` file) fall
    behind, appending to the buffer blocks until they catch up, which slows the senders rather
    than growing memory. One message is always let through, however big.
    """

    def __init__(
        self,
        buffer: MessageBuffer,
        consumers: list[Consumer],
        *,
        skip_local: bool = False,
        max_queued_bytes: int = DEFAULT_MAX_QUEUED_BYTES,
        wire_consumers: list[WireConsumer] | None = None,
    ) -> None:
        self.consumers = consumers
        self.wire_consumers = wire_consumers or []
        self.skip_local = skip_local
        self.max_queued_bytes = max_queued_bytes
        self.decoded = 0
        self.failed = 0
        self._queue: queue.SimpleQueue[WireMsg | None] = queue.SimpleQueue()
        self._room = threading.Condition()
        self._queued_bytes = 0
        self._closed = False
        self._buffer = buffer
        self._thread = threading.Thread(target=self._run, name="rerun-ingest", daemon=True)
        self._thread.start()
        buffer.add_gate(self._reserve)
        buffer.add_listener(self._on_message)

    def _wanted(self, msg: WireMsg) -> bool:
        return not (self.skip_local and msg.local)

    def _reserve(self, msg: WireMsg) -> None:
        """Wait until the queue has room for `msg` (the buffer's gate, before its lock)."""
        if not self._wanted(msg):
            return
        with self._room:
            while self._queued_bytes and self._queued_bytes + msg.nbytes > self.max_queued_bytes:
                if self._closed:
                    break
                self._room.wait(1.0)
            self._queued_bytes += msg.nbytes

    def _release(self, nbytes: int) -> None:
        with self._room:
            self._queued_bytes -= nbytes
            self._room.notify_all()
        self._buffer.release(nbytes)

    @property
    def queued_bytes(self) -> int:
        return self._queued_bytes

    def _on_message(self, msg: WireMsg) -> None:
        if self._wanted(msg):
            # Queued messages count against the buffer's limit (its history makes room for
            # them), from here, where they are queued for sure, until `_release`: a message
            # the gate let through but a closed buffer refused is never counted.
            self._buffer.reserve(msg.nbytes)
            self._queue.put(msg)

    def _run(self) -> None:
        since_trim = 0
        while (wire := self._queue.get()) is not _STOP:
            # Saving or storing decodes the chunk: about one more copy (the LZ4 output), for now.
            self._buffer.reserve(wire.nbytes)
            try:
                self._deliver(wire)
            finally:
                self._buffer.release(wire.nbytes)
                self._release(wire.nbytes)
            since_trim += wire.nbytes
            del wire
            if since_trim >= TRIM_EVERY_BYTES:
                since_trim = 0
                trim_freed_memory()

    def _deliver(self, wire: WireMsg) -> None:
        for wire_consumer in self.wire_consumers:
            try:
                wire_consumer(wire)
            except Exception as err:
                log.warning("could not save a received %s: %s", wire.kind.name, err)
        if not self.consumers:
            self.decoded += 1
            return
        try:
            msg = decode_wire(wire)
        except Exception as err:
            self.failed += 1
            log.warning("could not decode a received %s: %s", wire.kind.name, err)
            return
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
        with self._room:
            self._closed = True  # a late appender never waits on a decoder that is gone
            self._room.notify_all()
        return not self._thread.is_alive()
