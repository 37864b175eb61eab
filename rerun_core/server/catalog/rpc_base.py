"""What every group of catalog RPCs shares: error mapping, entry headers, entry protos."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import grpc
import pyarrow as pa
from google.protobuf.timestamp_pb2 import Timestamp

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import common_pb2
from rerun_core.store.rrd import RrdError, dataframe_part_from_arrow
from rerun_core.types.tuid import Tuid

from .model import Catalog, CatalogError, Dataset, DatasetKind, Entry, TableEntry
from .registration import TaskIds
from .staging import Staging

log = logging.getLogger(__name__)

SERVER_VERSION = "0.41.0"
F = TypeVar("F", bound=Callable[..., Any])

_DATASET_KINDS = {
    DatasetKind.RECORDING: pb.ENTRY_KIND_DATASET,
    DatasetKind.BLUEPRINT: pb.ENTRY_KIND_BLUEPRINT_DATASET,
    DatasetKind.ASSET: pb.ENTRY_KIND_ASSET_DATASET,
}


_HANDLE_KINDS = {
    DatasetKind.RECORDING: common_pb2.DATASET_KIND_RECORDING,
    DatasetKind.BLUEPRINT: common_pb2.DATASET_KIND_BLUEPRINT,
    DatasetKind.ASSET: common_pb2.DATASET_KIND_ASSET,
}


def _abort(context: grpc.ServicerContext, exc: Exception) -> None:
    if isinstance(exc, CatalogError):
        context.abort(getattr(grpc.StatusCode, exc.code), str(exc))
    context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))


def rpc(fn: F) -> F:
    """Map CatalogError / RrdError to a gRPC status with its message (never a bare traceback)."""

    @functools.wraps(fn)
    def wrapper(self: Any, request: Any, context: grpc.ServicerContext) -> Any:
        context.send_initial_metadata((("x-rerun-server-version", SERVER_VERSION),))
        try:
            return fn(self, request, context)
        except (CatalogError, RrdError) as exc:
            _abort(context, exc)

    return wrapper  # type: ignore[return-value]


def stream(fn: F) -> F:
    """As :func:`rpc` for server-streaming RPCs (an error ends the stream with its status)."""

    @functools.wraps(fn)
    def wrapper(self: Any, request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
        context.send_initial_metadata((("x-rerun-server-version", SERVER_VERSION),))
        try:
            yield from fn(self, request, context)  # lazily: FetchChunks answers may be large
        except (CatalogError, RrdError) as exc:
            _abort(context, exc)

    return wrapper  # type: ignore[return-value]


def entry_id_to_proto(tuid: Tuid) -> common_pb2.EntryId:
    return common_pb2.EntryId(id=common_pb2.Tuid(time_ns=tuid.time_ns, inc=tuid.inc))


def entry_id_from_proto(pb_id: common_pb2.EntryId) -> Tuid:
    return Tuid(pb_id.id.time_ns, pb_id.id.inc)


def timestamp(ns: int) -> Timestamp:
    return Timestamp(seconds=ns // 1_000_000_000, nanos=ns % 1_000_000_000)


def entry_kind(entry: Entry) -> int:
    return pb.ENTRY_KIND_TABLE if isinstance(entry, TableEntry) else _DATASET_KINDS[entry.kind]


def entry_details(entry: Entry) -> pb.EntryDetails:
    return pb.EntryDetails(
        id=entry_id_to_proto(entry.id),
        name=entry.name,
        entry_kind=entry_kind(entry),  # type: ignore[arg-type]
        created_at=timestamp(entry.created_at_ns),
        updated_at=timestamp(entry.updated_at_ns),
    )


def dataset_entry(ds: Dataset) -> pb.DatasetEntry:
    entry = pb.DatasetEntry(
        details=entry_details(ds),
        dataset_handle=common_pb2.DatasetHandle(
            entry_id=entry_id_to_proto(ds.id),
            dataset_url=ds.url,
            store_kind=(
                common_pb2.STORE_KIND_BLUEPRINT
                if ds.kind is DatasetKind.BLUEPRINT
                else common_pb2.STORE_KIND_RECORDING
            ),
            dataset_kind=_HANDLE_KINDS[ds.kind],
        ),
    )
    details = entry.dataset_details
    details.SetInParent()  # present, even when empty: the client requires it
    if ds.blueprint_dataset is not None:
        details.blueprint_dataset.CopyFrom(entry_id_to_proto(ds.blueprint_dataset))
    if ds.asset_dataset is not None:
        details.asset_dataset.CopyFrom(entry_id_to_proto(ds.asset_dataset))
    if ds.default_blueprint_segment is not None:
        details.default_blueprint_segment.id = ds.default_blueprint_segment
    if ds.default_segment_table_blueprint_segment is not None:
        details.default_segment_table_blueprint_segment.id = ds.default_segment_table_blueprint_segment
    return entry


def parse_entry_id(text: str) -> Tuid:
    text = text.strip()
    try:
        return Tuid.parse(text)
    except ValueError:
        pass
    try:
        return Tuid.parse(f"{int(text):032x}")
    except ValueError:
        raise CatalogError(
            "INVALID_ARGUMENT",
            f"'\"{text}\"' is not a valid value for 'x-rerun-entry-id': expected exactly 32 hex"
            f" characters, got {len(text.encode())} bytes",
        ) from None


def part(table: pa.Table | pa.RecordBatch) -> common_pb2.DataframePart:
    """A DataframePart holding exactly one record batch, as the real server sends them.

    0.41's client decodes only the first record batch of a DataframePart's IPC stream (it
    rejects a batch-less one, and silently drops any later batch): a table of several chunks
    (e.g. concatenated per layer) is combined into one batch first.
    """
    if isinstance(table, pa.RecordBatch):
        return dataframe_part_from_arrow(table)
    if table.num_rows == 0:
        empty = pa.RecordBatch.from_arrays([pa.array([], f.type) for f in table.schema], schema=table.schema)
        return dataframe_part_from_arrow(empty)
    return dataframe_part_from_arrow(table.combine_chunks().to_batches()[0])


def meta(ds: Dataset) -> pb.DatasetResponseMeta:
    return pb.DatasetResponseMeta(entry_id=entry_id_to_proto(ds.id), dataset_revision=0)


class ServiceBase:
    """State shared by the RPC groups: the catalog and the registration task ids."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.tasks = TaskIds()
        self.staging = Staging(catalog.staging_dir)

    def _entry_id(self, body: common_pb2.EntryId | None, context: grpc.ServicerContext) -> Tuid:
        """The entry id of the request body, else of the ``x-rerun-entry-id`` header (0.41's
        entry and table RPCs take either)."""
        if body is not None:
            return entry_id_from_proto(body)
        meta_ = dict(context.invocation_metadata())
        if "x-rerun-entry-id" in meta_:
            return parse_entry_id(str(meta_["x-rerun-entry-id"]))
        raise CatalogError("INVALID_ARGUMENT", "missing entry id in request header and body")

    def _require_entry_header(self, context: grpc.ServicerContext) -> None:
        keys = {k for k, _ in context.invocation_metadata()}
        if not keys & {"x-rerun-entry-id", "x-rerun-entry-name-bin"}:
            raise CatalogError(
                "INVALID_ARGUMENT",
                'missing mandatory ["x-rerun-entry-id", "x-rerun-entry-name-bin"] HTTP headers',
            )

    def _entry_header(self, context: grpc.ServicerContext) -> Entry:
        meta_ = dict(context.invocation_metadata())
        if "x-rerun-entry-id" in meta_:
            return self.catalog.entry(parse_entry_id(str(meta_["x-rerun-entry-id"])))
        name = meta_.get("x-rerun-entry-name-bin")
        if name is not None:
            text = name.decode("utf-8", "replace") if isinstance(name, bytes) else str(name)
            for e in self.catalog.entries():
                if e.name == text:
                    return e
            raise CatalogError("NOT_FOUND", f"Entry name '{text}' not found")
        raise CatalogError(
            "INVALID_ARGUMENT",
            'missing mandatory ["x-rerun-entry-id", "x-rerun-entry-name-bin"] HTTP headers',
        )

    def _dataset(self, context: grpc.ServicerContext) -> Dataset:
        """The dataset an entry-scoped call names in its headers."""
        e = self._entry_header(context)
        if not isinstance(e, Dataset):  # a table's id: "not found", as the real server says
            raise CatalogError("NOT_FOUND", f"Entry id '{e.id}' not found")
        return e
