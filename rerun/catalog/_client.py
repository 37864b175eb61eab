"""``CatalogClient``: entries of a catalog server (datasets), as rerun-sdk 0.41's client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rerun_core.proto.gen import cloud_pb2 as pb

from ._conn import Connection
from ._entry import DatasetEntry, entry_id_from_proto, entry_id_to_proto
from ._types import AlreadyExistsError, EntryId, NotFoundError

if TYPE_CHECKING:
    import datafusion


class CatalogClient:
    """A connection to a catalog server (``rerun server`` or Rerun Cloud).

    Fails at construction (``ConnectionError``) when the server cannot be reached or refuses reads.
    """

    def __init__(self, url: str, token: str | None = None) -> None:
        if url.startswith(("http://", "https://")):
            url = f"rerun+{url}"
        self._conn = Connection(url)
        who = self._conn.call("WhoAmI", pb.WhoAmIRequest())
        if not who.can_read:
            raise ConnectionError(f"catalog server {url} does not allow reading")
        self._capabilities = set(who.capabilities.capabilities)
        self._ctx: Any = None

    @property
    def url(self) -> str:
        return self._conn.url

    def __repr__(self) -> str:
        return f"CatalogClient({self.url!r})"

    def _find(self, **filter_fields: Any) -> list[pb.EntryDetails]:
        req = pb.FindEntriesRequest(filter=pb.EntryFilter(**filter_fields))
        return list(self._conn.call("FindEntries", req).entries)

    def _dataset(self, details: pb.EntryDetails) -> DatasetEntry:
        entry_id = entry_id_from_proto(details.id)
        resp = self._conn.call("ReadDatasetEntry", pb.ReadDatasetEntryRequest(), entry=entry_id)
        return DatasetEntry(self, self._conn, resp.dataset)

    def datasets(self, *, include_hidden: bool = False) -> list[DatasetEntry]:
        found = self._find(entry_kinds=[pb.ENTRY_KIND_DATASET])
        return [self._dataset(d) for d in found if include_hidden or not d.name.startswith("__")]

    def entries(self, *, include_hidden: bool = False) -> list[DatasetEntry]:
        """Every entry; this client knows datasets only."""
        return self.datasets(include_hidden=include_hidden)

    def dataset_names(self, *, include_hidden: bool = False) -> list[str]:
        found = self._find(entry_kinds=[pb.ENTRY_KIND_DATASET])
        return [d.name for d in found if include_hidden or not d.name.startswith("__")]

    def entry_names(self, *, include_hidden: bool = False) -> list[str]:
        return self.dataset_names(include_hidden=include_hidden)

    def get_dataset(self, name: str | None = None, *, id: EntryId | str | None = None) -> DatasetEntry:
        """The dataset with that name, or that id. Raises NotFoundError."""
        if (name is None) == (id is None):
            raise ValueError("pass exactly one of `name` or `id`")
        if id is not None:
            entry_id = EntryId.parse(id) if isinstance(id, str) else id
            found = self._find(id=entry_id_to_proto(entry_id))
        else:
            found = self._find(name=name)
        found = [d for d in found if d.entry_kind == pb.ENTRY_KIND_DATASET]
        if not found:
            raise NotFoundError(f"no dataset {name if name is not None else id!r} on {self.url}")
        return self._dataset(found[0])

    def create_dataset(self, name: str, *, exist_ok: bool = False) -> DatasetEntry:
        """A new, empty dataset. Raises AlreadyExistsError unless ``exist_ok``."""
        try:
            resp = self._conn.call("CreateDatasetEntry", pb.CreateDatasetEntryRequest(name=name))
        except AlreadyExistsError:
            if exist_ok:
                return self.get_dataset(name)
            raise
        return DatasetEntry(self, self._conn, resp.dataset)

    @property
    def ctx(self) -> datafusion.SessionContext:
        """A DataFusion session the readers' DataFrames live in."""
        if self._ctx is None:
            import datafusion

            self._ctx = datafusion.SessionContext()
        return self._ctx

    def close(self) -> None:
        self._conn.close()
