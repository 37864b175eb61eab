"""``rerun.experimental``: the chunk API of rerun-sdk 0.41 (``Chunk``, ``RrdReader``, ``send_chunks``).

0.41 keeps these names here as deprecated aliases of ``rerun.chunk``; Rerun's documented
snippets still import them from this module.
"""

from __future__ import annotations

from typing import Any

from ._chunk import Chunk as Chunk
from ._rrd_reader import LazyChunkStream as LazyChunkStream
from ._rrd_reader import RrdReader as RrdReader
from ._rrd_reader import StoreEntry as StoreEntry


def send_chunks(chunks: Any, *, recording: Any = None, strict: bool | None = None) -> None:
    """Send ready-made chunks (one or an iterable of ``Chunk``) to the recording."""
    from .._send_columns import send_chunks as _send

    items = [chunks] if isinstance(chunks, Chunk) else chunks
    _send([c._internal if isinstance(c, Chunk) else c for c in items], recording=recording, strict=strict)


__all__ = ["Chunk", "LazyChunkStream", "RrdReader", "StoreEntry", "send_chunks"]
