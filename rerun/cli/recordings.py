"""Gather messages per store (recording or blueprint), with the store's dedup rules.

``merge`` and ``optimize`` load everything through this, then write each store back out: its
store info first, then its chunks, then any blueprint activation commands, so the result opens
like a file written by an SDK.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from rerun_core.store.chunk import Chunk
from rerun_core.store.messages import (
    ArrowMsg,
    BlueprintActivationCommand,
    LogMsg,
    SetStoreInfo,
    StoreId,
)
from rerun_core.types import Tuid

from .compact import StaticTable, min_row_id


@dataclass
class Recording:
    """One store's messages: the first store info, chunks by id, activation commands."""

    store_id: StoreId
    info: SetStoreInfo | None = None
    chunks: dict[Tuid, Chunk] = field(default_factory=dict)
    commands: list[BlueprintActivationCommand] = field(default_factory=list)

    def add(self, msg: LogMsg) -> None:
        if isinstance(msg, SetStoreInfo):
            if self.info is None:
                self.info = msg
        elif isinstance(msg, ArrowMsg):
            # Re-inserting a chunk id the store already holds is a no-op, as in Rerun's store.
            self.chunks.setdefault(msg.chunk.id, msg.chunk)
        else:
            self.commands.append(msg)

    def store_chunks(self) -> list[Chunk]:
        """Chunks after the static rule (newest static write wins), in row-id order."""
        statics = StaticTable()
        temporal = []
        for chunk in self.chunks.values():
            if chunk.is_static:
                statics.insert(chunk)
            else:
                temporal.append(chunk)
        out = statics.chunks() + temporal
        out.sort(key=min_row_id)
        return out


class Recordings:
    """All stores seen in a message stream, in first-seen order."""

    def __init__(self) -> None:
        self.by_id: dict[StoreId, Recording] = {}
        self.num_chunks_in = 0

    def add(self, msg: LogMsg) -> None:
        if isinstance(msg, ArrowMsg):
            self.num_chunks_in += 1
        sid = msg.store_id
        rec = self.by_id.get(sid)
        if rec is None:
            rec = self.by_id[sid] = Recording(sid)
        rec.add(msg)

    def add_all(self, msgs: Iterable[LogMsg]) -> Recordings:
        for msg in msgs:
            self.add(msg)
        return self

    def messages(self, transform: Callable[[list[Chunk]], list[Chunk]] | None = None) -> Iterator[LogMsg]:
        """Every store's messages, ``transform`` applied to each store's chunk list."""
        for rec in self.by_id.values():
            if rec.info is not None:
                yield rec.info
            chunks = rec.store_chunks() if transform is None else transform(list(rec.chunks.values()))
            for chunk in chunks:
                yield ArrowMsg(rec.store_id, chunk)
            yield from rec.commands
