"""``rerun.catalog``: a client for a Rerun catalog server (``rerun server``), as rerun-sdk 0.41.

Imports grpc and (for readers) datafusion; ``import rerun`` does not import this package.
"""

from ._client import CatalogClient
from ._entry import DatasetEntry, Entry
from ._registration import (
    RegistrationOperation,
    RegistrationResult,
    SegmentRegistrationResult,
    UnregistrationHandle,
)
from ._schema import ComponentColumnDescriptor, IndexColumnDescriptor, Schema
from ._selection import DatasetSelection
from ._types import AlreadyExistsError, EntryId, EntryKind, NotFoundError, OnDuplicateSegmentLayer

__all__ = [
    "AlreadyExistsError",
    "CatalogClient",
    "ComponentColumnDescriptor",
    "DatasetEntry",
    "DatasetSelection",
    "Entry",
    "EntryId",
    "EntryKind",
    "IndexColumnDescriptor",
    "NotFoundError",
    "OnDuplicateSegmentLayer",
    "RegistrationOperation",
    "RegistrationResult",
    "Schema",
    "SegmentRegistrationResult",
    "UnregistrationHandle",
]
