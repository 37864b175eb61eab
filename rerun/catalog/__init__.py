"""``rerun.catalog``: a client for a Rerun catalog server (``rerun server``), as rerun-sdk 0.41.

Imports grpc and (for readers) datafusion; ``import rerun`` does not import this package.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as _np
import numpy.typing as _npt
import pyarrow as _pa

from ._client import CatalogClient, VersionInfo
from ._content_filter import ContentFilter
from ._dataset_info import DatasetInfo, LayerInfo, TimelineInfo
from ._entry import DatasetEntry, Entry
from ._registration import (
    RegistrationOperation,
    RegistrationResult,
    SegmentRegistrationResult,
    UnregistrationHandle,
)
from ._schema import (
    ComponentColumnDescriptor,
    ComponentColumnSelector,
    IndexColumnDescriptor,
    IndexColumnSelector,
    Schema,
)
from ._segment import Layer, Segment
from ._selection import DatasetSelection
from ._table import TableEntry
from ._types import AlreadyExistsError, EntryId, EntryKind, NotFoundError, OnDuplicateSegmentLayer

#: Index values a reader resamples at (``using_index_values=``): integers, datetimes or durations.
IndexValuesLike: TypeAlias = _npt.NDArray[_np.int_] | _npt.NDArray[_np.datetime64] | _pa.Int64Array

__all__ = [
    "AlreadyExistsError",
    "CatalogClient",
    "ComponentColumnDescriptor",
    "ComponentColumnSelector",
    "ContentFilter",
    "DatasetEntry",
    "DatasetInfo",
    "DatasetSelection",
    "Entry",
    "EntryId",
    "EntryKind",
    "IndexColumnDescriptor",
    "IndexColumnSelector",
    "IndexValuesLike",
    "Layer",
    "LayerInfo",
    "NotFoundError",
    "OnDuplicateSegmentLayer",
    "RegistrationOperation",
    "RegistrationResult",
    "Schema",
    "Segment",
    "SegmentRegistrationResult",
    "TableEntry",
    "TimelineInfo",
    "UnregistrationHandle",
    "VersionInfo",
]


def __getattr__(name: str) -> Any:
    """The deprecated aliases 0.41 still resolves (PEP 562)."""
    import warnings

    renamed = {"RegistrationHandle": "RegistrationOperation", "DatasetView": "DatasetSelection"}
    if name in renamed:
        warnings.warn(
            f"`rerun.catalog.{name}` was renamed to `rerun.catalog.{renamed[name]}`. "
            f"The `{name}` alias is deprecated and will be removed in a future release.",
            DeprecationWarning,
            stacklevel=2,
        )
        return globals()[renamed[name]]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
