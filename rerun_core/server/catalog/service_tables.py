"""The table RPCs of ``RerunCloudService`` (Lance tables), a mixin of ``CatalogService``.

Statuses and messages are the real 0.41 server's (observed): e.g. RegisterTable of a directory
that is no Lance table is INTERNAL ``IO error: ...``, an upsert on a table without an index
column is INTERNAL ``error writing to table: ...``. A table gets a hidden blueprint dataset
``__bp_<id>`` as in the real server; writes do not change ``updated_at`` (nor do they there).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pyarrow as pa
from google.protobuf import any_pb2

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import common_pb2
from rerun_core.store.rrd import RrdError, dataframe_part_from_arrow, dataframe_part_to_table
from rerun_core.types.tuid import Tuid, TuidGenerator

from .lance_tables import InsertMode, LanceTable, LanceTables, directory_url, path_from_table_url
from .model import Catalog, CatalogError, Dataset, DatasetKind, TableEntry
from .names import InvalidNameError, check_entry_name
from .rpc_base import (
    ServiceBase,
    entry_details,
    entry_id_from_proto,
    entry_id_to_proto,
    entry_kind,
    parse_entry_id,
    rpc,
    stream,
)

_IDS = TuidGenerator()
_LANCE_URL = "/rerun.cloud.v1alpha1.LanceTable"  # the real server's Any type URLs: no host part
_SYSTEM_URL = "/rerun.cloud.v1alpha1.SystemTable"
_MODES = {
    pb.TABLE_INSERT_MODE_UNSPECIFIED: InsertMode.APPEND,  # as the real server
    pb.TABLE_INSERT_MODE_APPEND: InsertMode.APPEND,
    pb.TABLE_INSERT_MODE_OVERWRITE: InsertMode.OVERWRITE,
    pb.TABLE_INSERT_MODE_REPLACE: InsertMode.REPLACE,
    pb.TABLE_INSERT_MODE_UPDATE: InsertMode.UPDATE,
}
LANCE = LanceTables()  # process-wide: one writer lock per table directory


# --- catalog glue -------------------------------------------------------------------------


def _check_name(catalog: Catalog, name: str, prefix: str) -> None:
    try:
        check_entry_name(name)
    except InvalidNameError as exc:
        raise CatalogError("INVALID_ARGUMENT", f"{prefix}: {exc}") from None
    if any(e.name == name for e in catalog.entries()):
        raise CatalogError("ALREADY_EXISTS", f"Entry name '{name}' already exists")


def add_table(catalog: Catalog, name: str, table: LanceTable, url: str, *, owned: bool) -> TableEntry:
    """A table entry for an open Lance table, with its hidden blueprint dataset."""
    with catalog.lock:
        entry = catalog.create_table(name, url, owned=owned)
        entry.blueprint_dataset = catalog.create(f"__bp_{entry.id}", kind=DatasetKind.BLUEPRINT).id
        catalog.touch_table(entry, keep_time=True)
    LANCE.add(table)
    return entry


def load_table(catalog: Catalog, name: str | None, path: str) -> TableEntry:
    """``rerun server -t [NAME=]PATH``: an existing Lance table (name: the directory's)."""
    table = LanceTable.open(Path(path))
    name = name if name is not None else table.path.name
    with catalog.lock:
        _check_name(catalog, name, "Invalid entry name")
        return add_table(catalog, name, table, directory_url(table.path), owned=False)


def _unpack_provider(details: any_pb2.Any, *, what: str) -> pb.LanceTable:
    """A ``LanceTable`` from ``provider_details``; system tables refused with ``what``."""
    if details.type_url == _SYSTEM_URL:
        raise CatalogError("INVALID_ARGUMENT", what)
    if details.type_url != _LANCE_URL:
        raise CatalogError(
            "INVALID_ARGUMENT",
            "invalid value for field 'rerun.cloud.v1alpha1.ProviderDetails.: enum value unspecified'",
        )
    lance = pb.LanceTable()
    try:
        lance.ParseFromString(details.value)
    except Exception as exc:  # protobuf raises DecodeError (not exported in a typed way)
        raise CatalogError(
            "INVALID_ARGUMENT", f"failed to decode: failed to decode Protobuf message: {exc}"
        ) from None
    return lance


def _provider_any(url: str) -> any_pb2.Any:
    return any_pb2.Any(type_url=_LANCE_URL, value=pb.LanceTable(table_url=url).SerializeToString())


def _system_any() -> any_pb2.Any:
    kind = pb.SystemTable(kind=pb.SYSTEM_TABLE_KIND_ENTRIES)
    return any_pb2.Any(type_url=_SYSTEM_URL, value=kind.SerializeToString())


def entries_table(catalog: Catalog) -> pa.Table:
    """The ``__entries`` system table: every entry (asset datasets aside), as the real server."""
    shown = [e for e in catalog.entries() if not (isinstance(e, Dataset) and e.kind is DatasetKind.ASSET)]
    ts = pa.timestamp("ns")
    fields = [
        pa.field("id", pa.binary(16), False),
        pa.field("name", pa.string(), False),
        pa.field("entry_kind", pa.uint8(), False, {b"rerun:component_type": b"rerun.components.EntryKind"}),
        pa.field("created_at", ts, False),
        pa.field("updated_at", ts, False),
    ]
    arrays = [
        pa.array([e.id.to_bytes() for e in shown], pa.binary(16)),
        pa.array([e.name for e in shown], pa.string()),
        pa.array([entry_kind(e) for e in shown], pa.uint8()),
        pa.array([e.created_at_ns for e in shown], pa.int64()).cast(ts),
        pa.array([e.updated_at_ns for e in shown], pa.int64()).cast(ts),
    ]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _decode_schema(request: pb.CreateTableEntryRequest) -> pa.Schema:
    if not request.HasField("schema"):
        raise CatalogError(
            "INVALID_ARGUMENT",
            "missing required field: 'rerun.cloud.v1alpha1.CreateTableEntryRequest.schema'",
        )
    data = request.schema.arrow_schema
    if not data:
        raise CatalogError(
            "INVALID_ARGUMENT", "failed to convert arrow data: Invalid argument error: missing schema bytes"
        )
    try:
        return pa.ipc.read_schema(pa.py_buffer(data))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise CatalogError("INVALID_ARGUMENT", f"failed to convert arrow data: Ipc error: {exc}") from None


class TableRpcs(ServiceBase):
    """CreateTableEntry, RegisterTable, Read/UpdateTableEntry, GetTableSchema, ScanTable, WriteTable."""

    # --- helpers ---------------------------------------------------------------------------

    def _table_entry(self, entry: TableEntry) -> pb.TableEntry:
        details = entry
        td = pb.TableDetails()
        if details.blueprint_dataset is not None:
            td.blueprint_dataset.CopyFrom(entry_id_to_proto(details.blueprint_dataset))
        if details.default_blueprint_segment is not None:
            td.default_blueprint_segment.id = details.default_blueprint_segment
        return pb.TableEntry(
            details=entry_details(entry),
            provider_details=_system_any() if entry.system else _provider_any(entry.url),
            table_details=td,
        )

    def _lance(self, entry: TableEntry) -> LanceTable:
        try:
            return LANCE.get(entry.url)
        except CatalogError as exc:
            raise CatalogError("INTERNAL", f"failed to open table '{entry.name}': {exc}") from None

    def _table_or(self, entry_id: Tuid, message: str) -> TableEntry:
        try:
            return self.catalog.table(entry_id)
        except CatalogError:
            raise CatalogError("NOT_FOUND", message) from None

    # --- entries ---------------------------------------------------------------------------

    @rpc
    def CreateTableEntry(
        self, request: pb.CreateTableEntryRequest, context: grpc.ServicerContext
    ) -> pb.CreateTableEntryResponse:
        schema = _decode_schema(request)
        if request.HasField("provider_details"):
            url = _unpack_provider(
                request.provider_details, what="Creating system tables is not supported"
            ).table_url
            owned = False
        else:
            url = directory_url(self.catalog.table_dir() / f"lance-{_IDS.new()}")
            owned = True
        path = _create_path(url)
        with self.catalog.lock:
            _check_name(self.catalog, request.name, "invalid entry name")
            table = LanceTable.create(path, schema, url)
            entry = add_table(self.catalog, request.name, table, url, owned=owned)
        return pb.CreateTableEntryResponse(table=self._table_entry(entry))

    @rpc
    def RegisterTable(
        self, request: pb.RegisterTableRequest, context: grpc.ServicerContext
    ) -> pb.RegisterTableResponse:
        if not request.HasField("provider_details"):
            raise CatalogError("INVALID_ARGUMENT", "Missing provider details")
        lance = _unpack_provider(request.provider_details, what="System tables cannot be registered")
        path = path_from_table_url(lance.table_url)
        with self.catalog.lock:
            entry = load_table(self.catalog, request.name, str(path))
        return pb.RegisterTableResponse(table_entry=self._table_entry(entry))

    @rpc
    def ReadTableEntry(
        self, request: pb.ReadTableEntryRequest, context: grpc.ServicerContext
    ) -> pb.ReadTableEntryResponse:
        entry_id = self._entry_id(request.id if request.HasField("id") else None, context)
        entry = self._table_or(entry_id, f"table with entry ID '{entry_id}' not found")
        return pb.ReadTableEntryResponse(table=self._table_entry(entry))

    @rpc
    def UpdateTableEntry(
        self, request: pb.UpdateTableEntryRequest, context: grpc.ServicerContext
    ) -> pb.UpdateTableEntryResponse:
        entry_id = self._entry_id(request.id if request.HasField("id") else None, context)
        if not request.HasField("table_details"):
            raise CatalogError(
                "INVALID_ARGUMENT",
                "missing required field: 'rerun.cloud.v1alpha1.UpdateTableEntryRequest.table_details'",
            )
        entry = self._table_or(entry_id, f"table with entry ID '{entry_id}' not found")
        new = request.table_details
        segment = new.default_blueprint_segment.id if new.HasField("default_blueprint_segment") else None
        bp = entry_id_from_proto(new.blueprint_dataset) if new.HasField("blueprint_dataset") else None
        with self.catalog.lock:
            if bp is None and segment is not None:  # keep (or make) the table's own blueprint dataset
                bp = (
                    entry.blueprint_dataset
                    or self.catalog.create(f"__bp_{entry.id}", kind=DatasetKind.BLUEPRINT).id
                )
            if bp is not None:
                _check_blueprint_dataset(self.catalog, bp)
            entry.blueprint_dataset, entry.default_blueprint_segment = bp, segment
            self.catalog.touch_table(entry)
        return pb.UpdateTableEntryResponse(table=self._table_entry(entry))

    # --- data ------------------------------------------------------------------------------

    @rpc
    def GetTableSchema(
        self, request: pb.GetTableSchemaRequest, context: grpc.ServicerContext
    ) -> pb.GetTableSchemaResponse:
        entry_id = self._entry_id(request.table_id if request.HasField("table_id") else None, context)
        entry = self._table_or(entry_id, f"Entry with ID {entry_id} not found")
        arrow = entries_table(self.catalog).schema if entry.system else self._lance(entry).schema()
        schema = arrow.serialize().to_pybytes()
        return pb.GetTableSchemaResponse(schema=common_pb2.Schema(arrow_schema=schema))

    @stream
    def ScanTable(
        self, request: pb.ScanTableRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.ScanTableResponse]:
        entry_id = self._entry_id(request.table_id if request.HasField("table_id") else None, context)
        entry = self._table_or(entry_id, f"Entry with ID {entry_id} not found")
        if entry.system:
            yield pb.ScanTableResponse(dataframe_part=dataframe_part_from_arrow(entries_table(self.catalog)))
            return
        for batch in self._lance(entry).scan():
            yield pb.ScanTableResponse(dataframe_part=dataframe_part_from_arrow(batch))

    @rpc
    def WriteTable(
        self, request_iterator: Iterator[pb.WriteTableRequest], context: grpc.ServicerContext
    ) -> pb.WriteTableResponse:
        entry_id = self._write_target(context)
        for msg in request_iterator:
            if not msg.HasField("dataframe_part"):
                raise CatalogError("INVALID_ARGUMENT", "no data frame in WriteTableRequest")
            try:
                data = dataframe_part_to_table(msg.dataframe_part)
            except RrdError as exc:
                raise CatalogError("INTERNAL", f"Could not decode chunk: {exc}") from None
            mode = _MODES.get(msg.insert_mode)
            if mode is None:
                raise CatalogError("INVALID_ARGUMENT", f"unknown enumeration value {msg.insert_mode}")
            entry = self._table_or(entry_id, "table not found")
            if entry.system:
                raise CatalogError("INVALID_ARGUMENT", "the __entries system table is read-only")
            self._lance(entry).write(data, mode)
        return pb.WriteTableResponse()

    def _write_target(self, context: grpc.ServicerContext) -> Tuid:
        """The table a WriteTable stream names in its headers (id, or the name as a superset)."""
        meta = dict(context.invocation_metadata())
        if "x-rerun-entry-id" in meta:
            return parse_entry_id(str(meta["x-rerun-entry-id"]))
        name = meta.get("x-rerun-entry-name-bin")
        if name is not None:
            text = name.decode("utf-8", "replace") if isinstance(name, bytes) else str(name)
            for e in self.catalog.entries():
                if e.name == text:
                    return e.id
            raise CatalogError("NOT_FOUND", f"Entry name '{text}' not found")
        raise CatalogError(
            "INVALID_ARGUMENT",
            'missing mandatory ["x-rerun-entry-id", "x-rerun-entry-name-bin"] HTTP headers',
        )


def _create_path(url: str) -> Path:
    """The directory a new table goes to; other schemes fail as Lance fails there."""
    try:
        return path_from_table_url(url)
    except CatalogError as exc:
        if "relative URL" in str(exc):
            raise
        scheme = url.split(":", 1)[0]
        raise CatalogError(
            "INTERNAL",
            f"Lance error: Invalid user input: No object store provider found for scheme: '{scheme}'",
        ) from None


def _check_blueprint_dataset(catalog: Catalog, bp: Tuid) -> None:
    entry = next((e for e in catalog.entries() if e.id == bp), None)
    if not isinstance(entry, Dataset):
        raise CatalogError(
            "INVALID_ARGUMENT", f"table blueprint dataset does not exist: Entry id '{bp}' not found"
        )
    if entry.kind is not DatasetKind.BLUEPRINT:
        raise CatalogError("INVALID_ARGUMENT", "table blueprint dataset must be a blueprint dataset")
