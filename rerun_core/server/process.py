"""What a `rerun` viewer process hosts: the proxy endpoint, its store, `--save`, `--connect`.

`EndpointProcess` wires the pieces together and owns their shutdown order (stop accepting, let
in-flight writes land, decode what is queued, then close `--save` files with their footer), so
the command line only parses arguments and waits for a signal.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import grpc

from rerun_core.store.messages import LogMsg

from .codec import request_to_wire
from .ingest import DEFAULT_MAX_QUEUED_BYTES, Consumer, Ingest, WireConsumer
from .limits import return_freed_memory
from .proxy import SERVICE_NAME, ProxyServer
from .urls import grpc_channel, parse_grpc_url
from .wire import WireError, parse_request

log = logging.getLogger("rerun.server")


def _make_hub(memory_limit: int | None) -> Any:
    from rerun_core.store.hub import StoreHub

    return StoreHub(memory_limit=memory_limit)


def hub_inserter(hub: Any) -> Consumer:
    """A consumer inserting decoded messages into a StoreHub."""
    return hub.insert  # type: ignore[no-any-return]


class EndpointProcess:
    """A proxy endpoint plus optional store (`keep_store`) and `--save` file."""

    def __init__(
        self,
        server: ProxyServer,
        *,
        keep_store: bool = False,
        store_memory_limit: int | None = None,
        save: str | Path | None = None,
    ) -> None:
        # Chunk-sized buffers must go back to the system when freed, or RSS keeps every peak.
        return_freed_memory()
        self.server = server
        self.hub: Any = _make_hub(store_memory_limit) if keep_store else None
        self._writer: Any = None
        self.save_path = Path(save) if save is not None else None
        consumers: list[Consumer] = []
        wire_consumers: list[WireConsumer] = []
        if self.hub is not None:
            consumers.append(hub_inserter(self.hub))
        if self.save_path is not None:
            from .save import WireRrdWriter

            self._writer = WireRrdWriter(self.save_path)
            wire_consumers.append(self._writer.write_wire)
        # The decoder's queue is reserved from the replay buffer's limit: a quarter of it at most.
        queued = max(1 << 20, min(DEFAULT_MAX_QUEUED_BYTES, server.buffer.memory_limit // 4))
        self.ingest = (
            Ingest(server.buffer, consumers, max_queued_bytes=queued, wire_consumers=wire_consumers)
            if consumers or wire_consumers
            else None
        )
        self._pullers: list[threading.Thread] = []
        self._stop = threading.Event()

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> EndpointProcess:
        self.server.start()
        return self

    def load(self, msgs: Iterable[LogMsg]) -> int:
        """Feed messages (e.g. read from a file) as if a client had sent them."""
        n = 0
        for msg in msgs:
            self.server.buffer.append(request_to_wire(msg))
            n += 1
        return n

    def pull(self, url: str) -> None:
        """Copy everything another endpoint has and gets (`ReadMessages`) into ours."""
        thread = threading.Thread(target=self._pull, args=(url,), name="rerun-pull", daemon=True)
        thread.start()
        self._pullers.append(thread)

    def _pull(self, url: str) -> None:
        target, tls = parse_grpc_url(url)
        with grpc_channel(target, tls) as channel:
            read = channel.unary_stream(f"/{SERVICE_NAME}/ReadMessages")
            while not self._stop.is_set():
                try:
                    for raw in read(b"", wait_for_ready=True):
                        if self._stop.is_set():
                            return
                        self.server.buffer.append(parse_request(raw))
                    return
                except WireError as err:
                    log.warning("%s sent a malformed message: %s", url, err)
                    return
                except grpc.RpcError as err:
                    log.warning("lost the stream from %s (%s); retrying", url, err.code())  # type: ignore[attr-defined]
                    self._stop.wait(1.0)

    def summary(self) -> str:
        stats = self.server.buffer.stats()
        text = f"received {stats.received_messages} messages ({stats.received_bytes / 1e6:.1f} MB)"
        if stats.dropped_messages:
            text += f", dropped {stats.dropped_messages} old ones from the replay buffer"
        if self.hub is not None:
            recordings = self.hub.recordings()
            chunks = sum(len(store) for r in recordings if (store := self.hub.get(r)) is not None)
            text += f"; the store holds {len(recordings)} recording(s), {chunks} chunks"
        return text

    def shutdown(self, grace: float = 1.0) -> None:
        """Stop accepting, let in-flight writes land, then finish the store and the file."""
        self._stop.set()
        self.server.stop(grace)
        if self.ingest is not None and not self.ingest.close(timeout=60):
            log.warning("gave up decoding the last received messages")
        if self._writer is not None:
            self._writer.close()
            self._writer = None
