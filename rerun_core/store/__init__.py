"""Chunks, log messages, the chunk store and its queries, and the .rrd codec (``rrd``)."""

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
