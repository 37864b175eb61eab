"""``rerun.experimental``: deprecated aliases of the chunk API, as in rerun-sdk 0.41.

The chunk API lives in ``rerun.chunk`` and ``send_chunks`` is ``rerun.send_chunks``; 0.41 still
forwards the old names from here with a ``DeprecationWarning`` (Rerun's snippets use them).
"""

from __future__ import annotations

import warnings
from typing import Any

from rerun.catalog._object_store_auth import BearerTokenObjectStoreAuth as BearerTokenObjectStoreAuth
from rerun.catalog._object_store_auth import ObjectStoreAuth as ObjectStoreAuth

from ._hdf5_reader import DatasetInfo as DatasetInfo
from ._hdf5_reader import Hdf5Reader as Hdf5Reader
from ._lerobot_reader import LeRobotReader as LeRobotReader
from ._mp4_reader import Mp4Reader as Mp4Reader
from ._mp4_reader import Mp4TranscodeOptions as Mp4TranscodeOptions
from ._parquet_reader import ParquetReader as ParquetReader
from ._viewer_client import Blueprint as Blueprint
from ._viewer_client import BlueprintInfo as BlueprintInfo
from ._viewer_client import Command as Command
from ._viewer_client import ComponentSchema as ComponentSchema
from ._viewer_client import DatasetAssetSchema as DatasetAssetSchema
from ._viewer_client import DatasetSchema as DatasetSchema
from ._viewer_client import EntitySchema as EntitySchema
from ._viewer_client import LoadingSource as LoadingSource
from ._viewer_client import LogEntry as LogEntry
from ._viewer_client import OpenResult as OpenResult
from ._viewer_client import ProfileTrace as ProfileTrace
from ._viewer_client import Recording as Recording
from ._viewer_client import RecordingSchema as RecordingSchema
from ._viewer_client import StoreId as StoreId
from ._viewer_client import TableColumnSchema as TableColumnSchema
from ._viewer_client import Timeline as Timeline
from ._viewer_client import View as View
from ._viewer_client import ViewerClient as ViewerClient
from ._viewer_client import ViewerState as ViewerState
from ._viewer_client import ViewReport as ViewReport

_MOVED_TO_CHUNK = frozenset(
    {
        "Chunk",
        "ChunkStore",
        "LazyChunkStream",
        "LazyStore",
        "StoreEntry",
        "Lens",
        "DeriveLens",
        "MutateLens",
        "Selector",
        "IndexColumn",
        "OptimizationProfile",
        "RrdReader",
        "StreamingReader",
        "IndexedReader",
    }
)


def __getattr__(name: str) -> Any:
    """Forward moved names to their new home with a deprecation warning (PEP 562)."""
    if name == "send_chunks":
        warnings.warn(
            "`rerun.experimental.send_chunks` moved to `rerun.send_chunks`. "
            "The `rerun.experimental` alias is deprecated and will be removed in a future release.",
            DeprecationWarning,
            stacklevel=2,
        )
        from .._send_columns import send_chunks

        return send_chunks
    if name in _MOVED_TO_CHUNK:
        warnings.warn(
            f"`rerun.experimental.{name}` moved to `rerun.chunk.{name}`. "
            "The `rerun.experimental` alias is deprecated and will be removed in a future release.",
            DeprecationWarning,
            stacklevel=2,
        )
        from .. import chunk

        return getattr(chunk, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
