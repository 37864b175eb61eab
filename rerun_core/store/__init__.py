"""Chunks, log messages, the chunk store and its queries, and the .rrd codec (``rrd``).

The names below load on first use (PEP 562), so that a process needing only ``store.chunk``
(``rerun mcap convert``) does not import the store, its queries and the hub as well.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_getattr

_LAZY = {
    "Chunk": "chunk",
    "ChunkError": "chunk",
    "TimeColumn": "chunk",
    "StoreHub": "hub",
    "ArrowMsg": "messages",
    "BlueprintActivationCommand": "messages",
    "LogMsg": "messages",
    "SetStoreInfo": "messages",
    "StoreId": "messages",
    "StoreInfo": "messages",
    "StoreKind": "messages",
    "LatestAtCell": "query",
    "RangeColumn": "query",
    "ChunkStore": "store",
    "StoreEvent": "store",
    "StoreStats": "store",
}

if TYPE_CHECKING:
    from .chunk import Chunk, ChunkError, TimeColumn
    from .hub import StoreHub
    from .messages import (
        ArrowMsg,
        BlueprintActivationCommand,
        LogMsg,
        SetStoreInfo,
        StoreId,
        StoreInfo,
        StoreKind,
    )
    from .query import LatestAtCell, RangeColumn
    from .store import ChunkStore, StoreEvent, StoreStats
else:
    __getattr__ = lazy_getattr(__name__, _LAZY)


__all__ = [
    "ArrowMsg",
    "BlueprintActivationCommand",
    "Chunk",
    "ChunkError",
    "ChunkStore",
    "LatestAtCell",
    "LogMsg",
    "RangeColumn",
    "SetStoreInfo",
    "StoreEvent",
    "StoreHub",
    "StoreId",
    "StoreInfo",
    "StoreKind",
    "StoreStats",
    "TimeColumn",
]
