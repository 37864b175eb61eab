"""What ``rr.send_chunks`` accepts, turned into core chunks (the recording stream sends those)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeAlias

import pyarrow as pa

from rerun_core.store.chunk import Chunk as CoreChunk

from ._chunk import Chunk
from ._lazy_store import LazyStore
from ._stream import ChunkStore, LazyChunkStream

Sendable: TypeAlias = (
    Chunk | LazyChunkStream | LazyStore | ChunkStore | CoreChunk | pa.RecordBatch | Iterable[object]
)


def _one(item: object) -> CoreChunk:
    if isinstance(item, Chunk):
        return item._internal
    if isinstance(item, CoreChunk):
        return item
    if isinstance(item, pa.RecordBatch):
        return CoreChunk.from_record_batch(item)
    raise TypeError(f"send_chunks expects Chunk objects in the iterable, got {type(item).__name__!r}")


def core_chunks(chunks: Sendable) -> Iterator[CoreChunk]:
    """The core chunks to send, in order (a stream or lazy store runs as it is iterated)."""
    if isinstance(chunks, (LazyStore, ChunkStore)):
        chunks = chunks.stream()
    if isinstance(chunks, LazyChunkStream):
        for c in chunks:
            yield c._internal
        return
    if isinstance(chunks, (Chunk, CoreChunk, pa.RecordBatch)):
        yield _one(chunks)
        return
    if not isinstance(chunks, Iterable):
        raise TypeError(
            "send_chunks expects a Chunk, LazyChunkStream, LazyStore, ChunkStore or an iterable of Chunk, "
            f"got {type(chunks).__name__!r}"
        )
    for item in chunks:
        yield _one(item)
