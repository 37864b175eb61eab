"""``CatalogClient``: the entries of a catalog server (datasets and tables), as rerun-sdk 0.41's client."""

from __future__ import annotations

import logging
import os
import time
import warnings
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, overload

from google.protobuf.any_pb2 import Any as AnyProto

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import common_pb2

from ._conn import Connection, entry_id_from_proto, entry_id_to_proto
from ._entry import DatasetEntry
from ._format import format_bytes
from ._internal import EntryHandle
from ._names import check_name, check_table_name
from ._table import TableEntry
from ._types import AlreadyExistsError, EntryId

if TYPE_CHECKING:
    import datafusion
    import pyarrow as pa

_DATASET_KINDS = [pb.ENTRY_KIND_DATASET, pb.ENTRY_KIND_BLUEPRINT_DATASET, pb.ENTRY_KIND_ASSET_DATASET]


@dataclass(frozen=True)
class VersionInfo:
    """Version and deployment information from a Rerun server."""

    version: str
    cloud_provider: str | None
    cloud_region: str | None
    features: list[str]


@dataclass(frozen=True)
class BenchmarkResult:
    """Result of ``CatalogClient.benchmark``: round-trip time and bandwidth (None if too fast to measure)."""

    rtt: timedelta
    bandwidth: float | None

    def __repr__(self) -> str:
        s = self.rtt.total_seconds()
        rtt = f"{s * 1e6:.1f} μs" if s < 1e-3 else f"{s * 1e3:.1f} ms" if s < 1 else f"{s:.2f} s"
        bw = "(too fast to measure)" if self.bandwidth is None else f"{format_bytes(self.bandwidth)}/s"
        return f"BenchmarkResult(rtt={rtt}, bandwidth={bw})"


class CatalogClient:
    """A connection to a catalog server (``rerun server`` or Rerun Cloud).

    Fails at construction when the server cannot be reached or refuses reads.
    """

    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        object_store_auth: Any = None,
        addr: str | None = None,
    ) -> None:
        if addr is not None:
            url = addr
            warnings.warn(
                "The `addr` parameter is deprecated in Rerun 0.29, and has been renamed to `url`.",
                DeprecationWarning,
                stacklevel=2,
            )
        if url.startswith(("http://", "https://")):
            logging.warning(
                f"Use `rerun+{url}` instead of `{url}`. The `rerun+` prefix marks a Rerun data protocol URL."
            )
            url = f"rerun+{url}"
        from ._object_store_auth import check_auth

        auth = check_auth(object_store_auth)
        self._conn = Connection(url)
        self._conn.object_store_auth = auth
        who = self._conn.call("WhoAmI", pb.WhoAmIRequest())
        if not who.can_read:
            raise ConnectionError(f"catalog server {url} does not allow reading")
        self._capabilities = set(who.capabilities.capabilities)
        self._ctx: Any = None
        from ._df_format import install_formatter

        install_formatter()  # as 0.41's client: every DataFrame prints Rerun's box from now on

    @property
    def url(self) -> str:
        return self._conn.url

    def __repr__(self) -> str:
        return f"CatalogClient({self.url})"

    def version_info(self) -> VersionInfo:
        resp = self._conn.call("Version", pb.VersionRequest())
        return VersionInfo(
            version=resp.version,
            cloud_provider=resp.cloud_provider if resp.HasField("cloud_provider") else None,
            cloud_region=resp.cloud_region if resp.HasField("cloud_region") else None,
            features=list(resp.features),
        )

    def _bandwidth_test(self, num_bytes: int) -> float:
        start = time.perf_counter()
        for _ in self._conn.stream("DoBandwidthTest", pb.DoBandwidthTestRequest(num_bytes=num_bytes)):
            pass
        return time.perf_counter() - start

    def benchmark(self, *, num_bytes: int = 16 * 1024 * 1024, num_pings: int = 5) -> BenchmarkResult:
        """RTT (the fastest of ``num_pings`` 1-byte requests) and download bandwidth to the server."""
        rtt = min(self._bandwidth_test(1) for _ in range(max(1, num_pings)))
        elapsed = self._bandwidth_test(num_bytes) - rtt
        return BenchmarkResult(
            rtt=timedelta(seconds=rtt), bandwidth=num_bytes / elapsed if elapsed > 0 else None
        )

    # --- listing

    def _find(self, **filter_fields: Any) -> list[pb.EntryDetails]:
        req = pb.FindEntriesRequest(filter=pb.EntryFilter(**filter_fields))
        return list(self._conn.call("FindEntries", req).entries)

    def _read_dataset(self, entry_id: EntryId) -> EntryHandle:
        resp = self._conn.call("ReadDatasetEntry", pb.ReadDatasetEntryRequest(), entry=entry_id)
        return EntryHandle(self, self._conn, resp.dataset.details, dataset=resp.dataset)

    def _dataset_entry(self, handle: EntryHandle) -> DatasetEntry:
        """A dataset handle as a ``DatasetEntry``: segments, layers and tables reach their dataset
        through the client, which sits above ``_entry``, so they never import it back."""
        return DatasetEntry(handle)

    def _dataset_by_id(self, entry_id: EntryId) -> DatasetEntry:
        return DatasetEntry(self._read_dataset(entry_id))

    def _read_table(self, entry_id: EntryId) -> EntryHandle:
        req = pb.ReadTableEntryRequest(id=entry_id_to_proto(entry_id))
        resp = self._conn.call("ReadTableEntry", req, entry=entry_id)
        return EntryHandle(self, self._conn, resp.table.details, table=resp.table)

    def entries(self, *, include_hidden: bool = False) -> list[DatasetEntry | TableEntry]:
        """Datasets, then tables (hidden ones: blueprint/asset datasets and system tables)."""
        out: list[DatasetEntry | TableEntry] = []
        out += self.datasets(include_hidden=include_hidden)
        out += self.tables(include_hidden=include_hidden)
        return out

    def datasets(self, *, include_hidden: bool = False) -> list[DatasetEntry]:
        found = self._find(entry_kinds=_DATASET_KINDS)
        wanted = [d for d in found if include_hidden or d.entry_kind == pb.ENTRY_KIND_DATASET]
        return [DatasetEntry(self._read_dataset(entry_id_from_proto(d.id))) for d in wanted]

    def tables(self, *, include_hidden: bool = False) -> list[TableEntry]:
        found = self._find(entry_kind=pb.ENTRY_KIND_TABLE, entry_kinds=[pb.ENTRY_KIND_TABLE])
        wanted = [d for d in found if include_hidden or not d.name.startswith("__")]
        return [TableEntry(self._read_table(entry_id_from_proto(d.id))) for d in wanted]

    def entry_names(self, *, include_hidden: bool = False) -> list[str]:
        return [e.name for e in self.entries(include_hidden=include_hidden)]

    def dataset_names(self, *, include_hidden: bool = False) -> list[str]:
        return [d.name for d in self.datasets(include_hidden=include_hidden)]

    def table_names(self, *, include_hidden: bool = False) -> list[str]:
        return [t.name for t in self.tables(include_hidden=include_hidden)]

    # --- lookup

    @overload
    def get_dataset(self, *, id: EntryId | str) -> DatasetEntry: ...
    @overload
    def get_dataset(self, name: str) -> DatasetEntry: ...
    def get_dataset(self, name: str | None = None, *, id: EntryId | str | None = None) -> DatasetEntry:
        """A dataset by name (LookupError if none) or id (NotFoundError if none)."""
        return DatasetEntry(self._read_dataset(self._resolve_name_or_id(id, name, entry_kind="dataset")))

    @overload
    def get_table(self, *, id: EntryId | str) -> TableEntry: ...
    @overload
    def get_table(self, name: str) -> TableEntry: ...
    def get_table(self, name: str | None = None, *, id: EntryId | str | None = None) -> TableEntry:
        """A table by name (LookupError if none) or id (NotFoundError if none)."""
        return TableEntry(self._read_table(self._resolve_name_or_id(id, name, entry_kind="table")))

    def _resolve_name_or_id(
        self,
        id: EntryId | str | None = None,
        name: str | None = None,
        *,
        entry_kind: str = "entry",
    ) -> EntryId:
        if id is None and name is None:
            raise ValueError("Either 'id' or 'name' must be provided.")
        if id is not None and name is not None:
            raise ValueError("Only one of 'id' or 'name' must be provided.")
        if isinstance(id, EntryId):
            return id
        if isinstance(id, str):
            return EntryId(id)
        found = self._find(name=name)
        if not found:
            raise LookupError(f"No {entry_kind} found with name {name!r}")
        return entry_id_from_proto(found[0].id)

    # --- creation

    def create_dataset(self, name: str, *, exist_ok: bool = False) -> DatasetEntry:
        """A new, empty dataset. AlreadyExistsError unless ``exist_ok`` (then the existing one)."""
        check_name(name)
        try:
            resp = self._conn.call("CreateDatasetEntry", pb.CreateDatasetEntryRequest(name=name))
        except AlreadyExistsError:
            if not exist_ok:
                raise
            return self.get_dataset(name)
        return DatasetEntry(EntryHandle(self, self._conn, resp.dataset.details, dataset=resp.dataset))

    def register_table(self, name: str, url: str) -> TableEntry:
        """Register an existing Lance table (by URL) as a table entry."""
        check_name(name)
        details = AnyProto()
        details.Pack(pb.LanceTable(table_url=url), type_url_prefix="")  # 0.41 sends "/rerun.cloud..."
        resp = self._conn.call("RegisterTable", pb.RegisterTableRequest(name=name, provider_details=details))
        return TableEntry(self._read_table(entry_id_from_proto(resp.table_entry.details.id)))

    def create_table(self, name: str, schema: pa.Schema, url: str | None = None) -> TableEntry:
        """Create an empty table; ``url``: a directory the table goes in (in a unique subdirectory)."""
        check_table_name(name)
        req = pb.CreateTableEntryRequest(
            name=name, schema=common_pb2.Schema(arrow_schema=schema.serialize().to_pybytes())
        )
        if url is not None:
            from rerun_core.types.tuid import TuidGenerator

            details = AnyProto()
            details.Pack(
                pb.LanceTable(table_url=f"{url.rstrip('/')}/{TuidGenerator().new()}"), type_url_prefix=""
            )
            req.provider_details.CopyFrom(details)
        resp = self._conn.call("CreateTableEntry", req, context="failed to create table")
        return TableEntry(self._read_table(entry_id_from_proto(resp.table.details.id)))

    def stage(self, source: str | os.PathLike[str] | bytes, *, key: str) -> str:
        """Upload one object (a file path or bytes) to the catalog's storage; its storage URL.

        Blocks until uploaded. Neither validates, creates nor registers anything: pass the URL to
        ``DatasetEntry.register``. An existing key is never overwritten (``RuntimeError``); a bad
        key is a ``ValueError``, an unreadable source an ``OSError``.
        """
        from ._stage import stage

        return stage(self._conn, source, key)

    def do_global_maintenance(self) -> None:
        """Maintenance of the whole system (the OSS server answers Unimplemented)."""
        self._conn.call("DoGlobalMaintenance", pb.DoGlobalMaintenanceRequest())

    @property
    def ctx(self) -> datafusion.SessionContext:
        """A DataFusion session the readers' DataFrames live in (tables register on ``reader()``)."""
        if self._ctx is None:
            import datafusion

            config = (
                datafusion.SessionConfig()
                .with_target_partitions(os.cpu_count() or 1)
                .set("datafusion.execution.coalesce_batches", "false")  # as the real client's session
            )
            self._ctx = datafusion.SessionContext(config)
        return self._ctx

    def close(self) -> None:
        self._conn.close()
