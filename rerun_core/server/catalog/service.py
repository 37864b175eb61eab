"""``RerunCloudService`` on grpcio: the RPCs the 0.41 ``CatalogClient`` uses; others UNIMPLEMENTED."""

from __future__ import annotations

import functools
import itertools
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import grpc
import pyarrow as pa

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import cloud_pb2_grpc as pb_grpc
from rerun_core.proto.gen import common_pb2
from rerun_core.store.messages import ArrowMsg
from rerun_core.store.rrd import (
    RrdError,
    arrow_msg_to_proto,
    dataframe_part_from_arrow,
    dataframe_part_to_table,
)
from rerun_core.types.tuid import Tuid

from . import tables
from .model import Catalog, CatalogError, Dataset, Segment, load_segments, path_from_url
from .select import select_chunks

log = logging.getLogger(__name__)

SERVER_VERSION = "0.41.0"
CAPABILITIES = ("catalog:write:register:file", "dataset:find_chunks")
_ON_DUPLICATE = {
    common_pb2.IF_DUPLICATE_BEHAVIOR_OVERWRITE: "overwrite",
    common_pb2.IF_DUPLICATE_BEHAVIOR_SKIP: "skip",
}
_FETCH_BATCH_BYTES = 4 << 20
F = TypeVar("F", bound=Callable[..., Any])


def _rpc(fn: F) -> F:
    """Map CatalogError / RrdError to a gRPC status with its message (never a bare traceback)."""

    @functools.wraps(fn)
    def wrapper(self: CatalogService, request: Any, context: grpc.ServicerContext) -> Any:
        context.send_initial_metadata((("x-rerun-server-version", SERVER_VERSION),))
        try:
            return fn(self, request, context)
        except CatalogError as exc:
            context.abort(getattr(grpc.StatusCode, exc.code), str(exc))
        except RrdError as exc:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))

    return wrapper  # type: ignore[return-value]


def _stream(fn: F) -> F:
    """As :func:`_rpc` for server-streaming RPCs (an error ends the stream with its status)."""

    @functools.wraps(fn)
    def wrapper(self: CatalogService, request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
        context.send_initial_metadata((("x-rerun-server-version", SERVER_VERSION),))
        try:
            yield from fn(self, request, context)  # lazily: FetchChunks answers may be large
        except CatalogError as exc:
            context.abort(getattr(grpc.StatusCode, exc.code), str(exc))
        except RrdError as exc:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))

    return wrapper  # type: ignore[return-value]


def entry_id_to_proto(tuid: Tuid) -> common_pb2.EntryId:
    return common_pb2.EntryId(id=common_pb2.Tuid(time_ns=tuid.time_ns, inc=tuid.inc))


def _timestamp(ns: int) -> Any:
    from google.protobuf.timestamp_pb2 import Timestamp

    return Timestamp(seconds=ns // 1_000_000_000, nanos=ns % 1_000_000_000)


def entry_details(ds: Dataset) -> pb.EntryDetails:
    return pb.EntryDetails(
        id=entry_id_to_proto(ds.id),
        name=ds.name,
        entry_kind=pb.ENTRY_KIND_DATASET,
        created_at=_timestamp(ds.created_at_ns),
        updated_at=_timestamp(ds.updated_at_ns),
    )


def dataset_entry(ds: Dataset) -> pb.DatasetEntry:
    entry = pb.DatasetEntry(
        details=entry_details(ds),
        dataset_handle=common_pb2.DatasetHandle(
            entry_id=entry_id_to_proto(ds.id),
            dataset_url=ds.url,
            store_kind=common_pb2.STORE_KIND_RECORDING,
            dataset_kind=common_pb2.DATASET_KIND_RECORDING,
        ),
    )
    entry.dataset_details.SetInParent()  # present, even though empty: the client requires it
    return entry


def _parse_entry_id(text: str) -> Tuid:
    text = text.strip()
    try:
        return Tuid.parse(text)
    except ValueError:
        pass
    try:
        return Tuid.parse(f"{int(text):032x}")
    except ValueError:
        raise CatalogError("INVALID_ARGUMENT", f"invalid x-rerun-entry-id header: {text!r}") from None


class CatalogService(pb_grpc.RerunCloudServiceServicer):
    """The servicer; state lives in a :class:`Catalog`."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._tasks: dict[str, tuple[str, str | None]] = {}
        self._task_ids = itertools.count(1)
        self._lock = threading.Lock()

    # --- helpers -------------------------------------------------------------------------

    def _dataset(self, context: grpc.ServicerContext) -> Dataset:
        """The dataset an entry-scoped call names in its headers."""
        meta = dict(context.invocation_metadata())
        log.debug("entry headers: %s", {k: v for k, v in meta.items() if k.startswith("x-rerun")})
        if "x-rerun-entry-id" in meta:
            return self.catalog.by_id(_parse_entry_id(str(meta["x-rerun-entry-id"])))
        name = meta.get("x-rerun-entry-name-bin")
        if name is not None:
            text = name.decode("utf-8", "replace") if isinstance(name, bytes) else str(name)
            return self.catalog.by_name(text)
        raise CatalogError(
            "INVALID_ARGUMENT",
            'missing mandatory ["x-rerun-entry-id", "x-rerun-entry-name-bin"] HTTP headers',
        )

    def _new_task(self, status: str, message: str | None = None) -> str:
        with self._lock:
            task_id = f"task_{next(self._task_ids):016X}"
            self._tasks[task_id] = (status, message)
        return task_id

    # --- entries -------------------------------------------------------------------------

    @_rpc
    def WhoAmI(self, request: pb.WhoAmIRequest, context: grpc.ServicerContext) -> pb.WhoAmIResponse:
        caps = pb.ServerCapabilities(capabilities=list(CAPABILITIES))
        return pb.WhoAmIResponse(can_read=True, can_write=True, capabilities=caps)

    @_rpc
    def Version(self, request: pb.VersionRequest, context: grpc.ServicerContext) -> pb.VersionResponse:
        info = common_pb2.BuildInfo(
            crate_name="rerun-py-server", version=common_pb2.SemanticVersion(major=0, minor=41)
        )
        return pb.VersionResponse(build_info=info, version=SERVER_VERSION)

    @_rpc
    def FindEntries(
        self, request: pb.FindEntriesRequest, context: grpc.ServicerContext
    ) -> pb.FindEntriesResponse:
        f = request.filter
        kinds = set(f.entry_kinds)
        if f.HasField("entry_kind"):
            kinds.add(f.entry_kind)
        out = []
        for ds in self.catalog.datasets():
            if f.HasField("id") and Tuid(f.id.id.time_ns, f.id.id.inc) != ds.id:
                continue
            if f.HasField("name") and f.name != ds.name:
                continue
            if kinds and pb.ENTRY_KIND_DATASET not in kinds:
                continue
            out.append(entry_details(ds))
        return pb.FindEntriesResponse(entries=out)

    @_rpc
    def CreateDatasetEntry(
        self, request: pb.CreateDatasetEntryRequest, context: grpc.ServicerContext
    ) -> pb.CreateDatasetEntryResponse:
        entry_id = Tuid(request.id.id.time_ns, request.id.id.inc) if request.HasField("id") else None
        ds = self.catalog.create(request.name, entry_id)
        return pb.CreateDatasetEntryResponse(dataset=dataset_entry(ds))

    @_rpc
    def DeleteEntry(
        self, request: pb.DeleteEntryRequest, context: grpc.ServicerContext
    ) -> pb.DeleteEntryResponse:
        self.catalog.delete(Tuid(request.id.id.time_ns, request.id.id.inc))
        return pb.DeleteEntryResponse()

    @_rpc
    def UpdateEntry(
        self, request: pb.UpdateEntryRequest, context: grpc.ServicerContext
    ) -> pb.UpdateEntryResponse:
        entry_id = Tuid(request.id.id.time_ns, request.id.id.inc)
        update = request.entry_details_update
        ds = (
            self.catalog.rename(entry_id, update.name)
            if update.HasField("name")
            else self.catalog.by_id(entry_id)
        )
        return pb.UpdateEntryResponse(entry_details=entry_details(ds))

    @_rpc
    def ReadDatasetEntry(
        self, request: pb.ReadDatasetEntryRequest, context: grpc.ServicerContext
    ) -> pb.ReadDatasetEntryResponse:
        return pb.ReadDatasetEntryResponse(dataset=dataset_entry(self._dataset(context)))

    # --- registration --------------------------------------------------------------------

    @_rpc
    def RegisterWithDataset(
        self, request: pb.RegisterWithDatasetRequest, context: grpc.ServicerContext
    ) -> pb.RegisterWithDatasetResponse:
        ds = self._dataset(context)
        segments: list[Segment] = []
        for src in request.data_sources:
            if src.typ not in (pb.DATA_SOURCE_KIND_RRD, pb.DATA_SOURCE_KIND_UNSPECIFIED):
                raise CatalogError("INVALID_ARGUMENT", f"unsupported data source kind {src.typ}")
            layer = src.layer if src.HasField("layer") and src.layer else "base"
            path = path_from_url(src.storage_url)
            paths = sorted(path.rglob("*.rrd")) if src.prefix else [path]
            for p in paths:
                segments += load_segments(p, layer)
        on_dup = _ON_DUPLICATE.get(request.on_duplicate, "error")
        self.catalog.register(ds, segments, on_duplicate=on_dup)
        task_id = self._new_task("success")
        table = tables.register_table(segments, task_id)
        return pb.RegisterWithDatasetResponse(data=_part(table))

    @_stream
    def UnregisterFromDataset(
        self, request: pb.UnregisterFromDatasetRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.UnregisterFromDatasetResponse]:
        ds = self._dataset(context)
        ids = [s.id for s in request.segments_to_drop]
        self.catalog.unregister(ds, ids, list(request.layers_to_drop))
        task = common_pb2.TaskId(id=self._new_task("success"))
        yield pb.UnregisterFromDatasetResponse(data=_part(tables.unregister_table()), task_id=task)

    def _task_rows(self, ids: list[str]) -> list[tuple[str, str, str | None]]:
        rows = []
        with self._lock:
            for tid in ids:
                status, msg = self._tasks.get(tid, ("failed", f"unknown task {tid}"))
                rows.append((tid, status, msg))
        return rows

    @_rpc
    def QueryTasks(
        self, request: pb.QueryTasksRequest, context: grpc.ServicerContext
    ) -> pb.QueryTasksResponse:
        rows = self._task_rows([t.id for t in request.ids])
        return pb.QueryTasksResponse(data=_part(tables.tasks_table(rows)))

    @_stream
    def QueryTasksOnCompletion(
        self, request: pb.QueryTasksOnCompletionRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.QueryTasksOnCompletionResponse]:
        rows = self._task_rows([t.id for t in request.ids])  # registration is synchronous: all done
        yield pb.QueryTasksOnCompletionResponse(data=_part(tables.tasks_table(rows)))

    # --- dataset reads -------------------------------------------------------------------

    @_rpc
    def GetDatasetSchema(
        self, request: pb.GetDatasetSchemaRequest, context: grpc.ServicerContext
    ) -> pb.GetDatasetSchemaResponse:
        ds = self._dataset(context)
        schema = tables.dataset_schema(ds).serialize().to_pybytes()
        return pb.GetDatasetSchemaResponse(schema=common_pb2.Schema(arrow_schema=schema), meta=_meta(ds))

    @_rpc
    def GetSegmentTableSchema(
        self, request: pb.GetSegmentTableSchemaRequest, context: grpc.ServicerContext
    ) -> pb.GetSegmentTableSchemaResponse:
        ds = self._dataset(context)
        schema = tables.segment_table(ds).schema.serialize().to_pybytes()
        return pb.GetSegmentTableSchemaResponse(schema=common_pb2.Schema(arrow_schema=schema), meta=_meta(ds))

    @_stream
    def ScanSegmentTable(
        self, request: pb.ScanSegmentTableRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.ScanSegmentTableResponse]:
        ds = self._dataset(context)
        table = tables.segment_table(ds, list(request.columns))
        f = request.segment_id_filter
        which = f.WhichOneof("strategy")
        if which is not None:
            ids = pa.array(list(getattr(f, which).segment_ids), pa.string())
            import pyarrow.compute as pc

            mask = pc.is_in(table.column("rerun_segment_id"), value_set=ids)
            table = table.filter(mask if which == "scan_only" else pc.invert(mask))
        yield pb.ScanSegmentTableResponse(data=_part(table), meta=_meta(ds))

    @_stream
    def FindChunks(
        self, request: pb.FindChunksRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.FindChunksResponse]:
        ds = self._dataset(context)
        for seg, chunks, timeline in select_chunks(ds, request):
            table = tables.chunk_info_table(ds, seg, chunks, timeline)
            yield pb.FindChunksResponse(data=_part(table), meta=_meta(ds))

    @_stream
    def QueryDataset(
        self, request: pb.QueryDatasetRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.QueryDatasetResponse]:
        from .select import select_chunks_for_query

        ds = self._dataset(context)
        for seg, chunks in select_chunks_for_query(ds, request):
            table = tables.chunk_info_table(ds, seg, chunks)
            yield pb.QueryDatasetResponse(data=_part(table), meta=_meta(ds))

    @_stream
    def FetchChunks(
        self, request: pb.FetchChunksRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.FetchChunksResponse]:
        batch: list[Any] = []
        size = 0
        for part in request.chunk_infos:
            keys = dataframe_part_to_table(part)
            if "chunk_key" not in keys.column_names:
                raise CatalogError("INVALID_ARGUMENT", "FetchChunks: chunk_infos lack a chunk_key column")
            for key in keys.column("chunk_key").to_pylist():
                seg, chunk = _resolve_key(self.catalog, key)
                batch.append(arrow_msg_to_proto(ArrowMsg(seg.store_id, chunk)))
                size += chunk.num_bytes
                if size >= _FETCH_BATCH_BYTES:
                    yield pb.FetchChunksResponse(chunks=batch)
                    batch, size = [], 0
        if batch:
            yield pb.FetchChunksResponse(chunks=batch)


def _part(table: pa.Table) -> common_pb2.DataframePart:
    """A DataframePart that always holds a record batch: the real client rejects batch-less ones."""
    if table.num_rows == 0 or not table.to_batches():
        empty = pa.RecordBatch.from_arrays([pa.array([], f.type) for f in table.schema], schema=table.schema)
        return dataframe_part_from_arrow(empty)
    return dataframe_part_from_arrow(table)


def _meta(ds: Dataset) -> pb.DatasetResponseMeta:
    return pb.DatasetResponseMeta(entry_id=entry_id_to_proto(ds.id), dataset_revision=0)


def _resolve_key(catalog: Catalog, key: bytes | None) -> tuple[Segment, Any]:
    if not key or len(key) < 32:
        raise CatalogError("INVALID_ARGUMENT", "FetchChunks: malformed chunk_key")
    chunk_id = Tuid.from_bytes(key[:16])
    ds = catalog.by_id(Tuid.from_bytes(key[16:32]))
    seg = ds.segments.get(key[32:].decode("utf-8", "replace"))
    chunk = seg.chunk(chunk_id) if seg is not None else None
    if seg is None or chunk is None:
        raise CatalogError("NOT_FOUND", f"FetchChunks: unknown chunk {chunk_id} in dataset {ds.name!r}")
    return seg, chunk


def _unimplemented(name: str) -> Callable[..., Any]:
    def handler(self: CatalogService, request: Any, context: grpc.ServicerContext) -> Any:
        context.abort(
            grpc.StatusCode.UNIMPLEMENTED,
            f"{name} is not implemented by this rerun server (local catalog: datasets of .rrd files only)",
        )

    handler.__name__ = name
    return handler


for _name, _attr in list(vars(pb_grpc.RerunCloudServiceServicer).items()):
    if callable(_attr) and not _name.startswith("_") and _name not in vars(CatalogService):
        setattr(CatalogService, _name, _unimplemented(_name))
