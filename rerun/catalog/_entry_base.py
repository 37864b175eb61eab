"""``Entry``: what every catalog entry (dataset or table) is and can do.

Why its own module: ``DatasetEntry`` (``_entry.py``) and ``TableEntry`` (``_table.py``) both
derive from it, and a dataset's segment table joins table entries, so the base sits below both
and ``_table`` never imports ``_entry`` back.
"""

from __future__ import annotations

import warnings
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from rerun_core.proto.gen import cloud_pb2 as pb

from ._internal import EntryHandle
from ._names import check_name
from ._types import EntryId, EntryKind

if TYPE_CHECKING:
    from ._client import CatalogClient
    from ._conn import Connection


def _datetime(ts: Any) -> datetime:
    return datetime.fromtimestamp(ts.seconds + ts.nanos / 1e9, tz=timezone.utc)


InnerT = TypeVar("InnerT", bound=EntryHandle)


class Entry(Generic[InnerT]):
    """An entry in the catalog. Equal to its id or its name, so ``"name" in client.entries()`` works."""

    def __init__(self, inner: InnerT) -> None:
        self._internal: InnerT = inner

    def __repr__(self) -> str:
        return f"Entry({self.kind}, '{self.name}')"

    @property
    def _client(self) -> CatalogClient:
        return self._internal.client

    @property
    def _conn(self) -> Connection:
        return self._internal.conn

    @property
    def id(self) -> EntryId:
        return self._internal.id

    @property
    def name(self) -> str:
        return self._internal.details.name

    @property
    def kind(self) -> EntryKind:
        return EntryKind._from_int(self._internal.details.entry_kind)

    @property
    def created_at(self) -> datetime:
        return _datetime(self._internal.details.created_at)

    @property
    def updated_at(self) -> datetime:
        return _datetime(self._internal.details.updated_at)

    @property
    def catalog(self) -> CatalogClient:
        return self._internal.client

    def delete(self) -> None:
        """Delete this entry from the catalog."""
        req = pb.DeleteEntryRequest(id=self._internal.proto_id())
        self._conn.call("DeleteEntry", req, entry=self.id)

    def set_name(self, name: str) -> None:
        """Rename this entry (names are unique: AlreadyExistsError otherwise)."""
        check_name(name)
        update = pb.EntryDetailsUpdate(name=name)
        req = pb.UpdateEntryRequest(id=self._internal.proto_id(), entry_details_update=update)
        self._internal.details = self._conn.call("UpdateEntry", req, entry=self.id).entry_details

    def update(self, *, name: str | None = None) -> None:
        """Deprecated: use ``set_name``."""
        warnings.warn(
            "Entry.update() is deprecated. Use Entry.set_name() instead.", DeprecationWarning, stacklevel=2
        )
        if name is not None:
            self.set_name(name)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Entry):
            return self.id == other.id
        if isinstance(other, str):
            return self.name == other
        if isinstance(other, EntryId):
            return self.id == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # entries are views: 0.41 makes them unhashable
