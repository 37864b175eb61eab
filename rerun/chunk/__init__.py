"""``rerun.chunk``: read, filter, transform and write chunks (0.41's chunk processing API).

Everything runs on ``rerun_core``: chunks are ``rerun_core.store.chunk.Chunk``, files go through
the .rrd codec, lenses and selectors are ``rerun_core.store.lenses`` / ``selector``.
"""

from __future__ import annotations

from ._chunk import Chunk as Chunk
from ._lazy_store import LazyStore as LazyStore
from ._lens import DeriveLens as DeriveLens
from ._lens import Lens as Lens
from ._lens import MutateLens as MutateLens
from ._mcap_reader import McapChannelInfo as McapChannelInfo
from ._mcap_reader import McapChunkInfo as McapChunkInfo
from ._mcap_reader import McapCompressionInfo as McapCompressionInfo
from ._mcap_reader import McapInfo as McapInfo
from ._mcap_reader import McapReader as McapReader
from ._mcap_reader import McapSchemaInfo as McapSchemaInfo
from ._profile import IndexColumn as IndexColumn
from ._profile import OptimizationProfile as OptimizationProfile
from ._readers import IndexedReader as IndexedReader
from ._readers import RrdReader as RrdReader
from ._readers import StoreEntry as StoreEntry
from ._readers import StreamingReader as StreamingReader
from ._selector import Selector as Selector
from ._stream import ChunkStore as ChunkStore
from ._stream import LazyChunkStream as LazyChunkStream

__all__ = [
    "Chunk",
    "ChunkStore",
    "DeriveLens",
    "IndexColumn",
    "IndexedReader",
    "LazyChunkStream",
    "LazyStore",
    "Lens",
    "McapChannelInfo",
    "McapChunkInfo",
    "McapCompressionInfo",
    "McapInfo",
    "McapReader",
    "McapSchemaInfo",
    "MutateLens",
    "OptimizationProfile",
    "RrdReader",
    "Selector",
    "StoreEntry",
    "StreamingReader",
]
