"""Dataset RPCs: registration and tasks, schemas, segment table, manifests, properties, chunks."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import grpc
import pyarrow as pa

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import common_pb2, log_msg_pb2
from rerun_core.store.chunk import SORBET_VERSION
from rerun_core.store.messages import StoreId
from rerun_core.store.rrd import (
    RrdError,
    dataframe_part_to_table,
    store_id_to_proto,
)

from . import object_store, tables
from .model import CatalogError, Dataset, DatasetKind, Layer, merge_schemas
from .object_store import ObjectStoreReader
from .registration import Source, register
from .rpc_base import ServiceBase, entry_id_to_proto, part, rpc, stream
from .select import select_chunks, select_chunks_for_query

# unspecified skips silently; ERROR (what 0.41's client sends by default) fails the row's task
_ON_DUPLICATE = {
    common_pb2.IF_DUPLICATE_BEHAVIOR_OVERWRITE: "overwrite",
    common_pb2.IF_DUPLICATE_BEHAVIOR_SKIP: "skip",
    common_pb2.IF_DUPLICATE_BEHAVIOR_ERROR: "error",
}
FETCH_BATCH_BYTES = 4 << 20


def _schema_proto(schema: pa.Schema) -> common_pb2.Schema:
    return common_pb2.Schema(arrow_schema=schema.serialize().to_pybytes())


def _filter_ids(table: pa.Table, column: str, f: Any, strategy_field: str = "strategy") -> pa.Table:
    """Apply a Segment/LayerIdFilter (``scan_only`` keeps, the other kind drops)."""
    which = f.WhichOneof(strategy_field)
    if which is None or column not in table.column_names:
        return table
    inner = getattr(f, which)
    ids: list[str] = list(next(iter(v for _, v in inner.ListFields()), []))
    import pyarrow.compute as pc  # here: 0.1 s of server start-up for a filter few requests use

    mask = pc.is_in(table.column(column), value_set=pa.array(list(ids), pa.string()))
    return table.filter(mask if which == "scan_only" else pc.invert(mask))


def _segment_manifest(ds: Dataset, segment_id: str, layers: list[Layer]) -> log_msg_pb2.RrdManifest:
    """The segment's RrdManifest: its layers' footer rows, plus a ``chunk_key`` per chunk."""
    parts = []
    for lay in layers:
        t = lay.index.manifest.table
        keys = [tables.chunk_key(lay, c.chunk_id) for c in lay.index.chunks]
        parts.append(t.append_column(pa.field("chunk_key", pa.binary(), False), pa.array(keys, pa.binary())))
    table = pa.concat_tables(parts, promote_options="permissive") if parts else pa.table({})
    table = table.cast(pa.schema([f.with_nullable(True) for f in table.schema]))  # as 0.41 sends it
    schema = merge_schemas([lay.index.schema for lay in layers]).with_metadata(
        {"sorbet:version": SORBET_VERSION}
    )
    serialized = schema.serialize().to_pybytes()
    sid = StoreId(ds.kind.store_kind, segment_id, "none")  # the application id is not kept
    return log_msg_pb2.RrdManifest(
        store_id=store_id_to_proto(sid),
        sorbet_schema=common_pb2.Schema(arrow_schema=serialized),
        sorbet_schema_sha256=hashlib.sha256(serialized).digest(),
        data=part(table),  # one batch: the client reads only the first
    )


def _direct_urls(picked: Any, mode: int) -> dict[int, tuple[str, int]] | None:
    """Per layer of ``picked`` in object storage, the URL its chunks may be read from directly
    (``mode`` is the request's DirectUrlMode: SIGNED pre-signs, UNSIGNED does not)."""
    if mode not in (pb.DIRECT_URL_MODE_SIGNED, pb.DIRECT_URL_MODE_UNSIGNED):
        return None
    out: dict[int, tuple[str, int]] = {}
    for lay, _ in picked:
        reader = lay.index.reader
        if id(lay) in out or not tables.is_direct(lay) or not isinstance(reader, ObjectStoreReader):
            continue
        found = object_store.direct_url(reader.location, signed=mode == pb.DIRECT_URL_MODE_SIGNED)
        if found is not None:
            out[id(lay)] = found
    return out


def _find_timeline(req: pb.FindChunksRequest) -> str | None:
    mode = req.WhichOneof("mode")
    return req.range.timeline if mode == "range" else req.samples.timeline if mode == "samples" else None


def _check_timeline(ds: Dataset, timeline: str | None) -> None:
    if timeline and not any(timeline in lay.index.timelines for _, lay in ds.layers()):
        raise CatalogError("INVALID_ARGUMENT", f"unknown timeline `{timeline}`")


class DatasetRpcs(ServiceBase):
    # --- registration --------------------------------------------------------------------

    @rpc
    def RegisterWithDataset(
        self, request: pb.RegisterWithDatasetRequest, context: grpc.ServicerContext
    ) -> pb.RegisterWithDatasetResponse:
        ds = self._dataset(context)
        sources = []
        for src in request.data_sources:
            if src.typ not in (pb.DATA_SOURCE_KIND_RRD, pb.DATA_SOURCE_KIND_UNSPECIFIED):
                raise CatalogError("INVALID_ARGUMENT", f"unsupported data source kind {src.typ}")
            config = src.object_store_config if src.HasField("object_store_config") else None
            sources.append(Source(src.storage_url, src.layer, src.prefix, config))
        on_dup = _ON_DUPLICATE.get(request.on_duplicate, "skip")
        outcomes = register(self.catalog, ds, sources, on_dup, self.tasks)
        return pb.RegisterWithDatasetResponse(data=part(tables.register_table(outcomes)))

    @stream
    def UnregisterFromDataset(
        self, request: pb.UnregisterFromDatasetRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.UnregisterFromDatasetResponse]:
        ds = self._dataset(context)
        ids = [s.id for s in request.segments_to_drop]
        self.catalog.unregister(ds, ids, list(request.layers_to_drop))
        task = common_pb2.TaskId(id="task_00000000DEADBEEF")
        yield pb.UnregisterFromDatasetResponse(data=part(tables.unregister_table()), task_id=task)

    def _task_rows(self, ids: list[str]) -> list[tuple[str, str, str | None]]:
        return [(tid, *self.tasks.status(tid)) for tid in ids]

    @rpc
    def QueryTasks(
        self, request: pb.QueryTasksRequest, context: grpc.ServicerContext
    ) -> pb.QueryTasksResponse:
        rows = self._task_rows([t.id for t in request.ids])
        return pb.QueryTasksResponse(data=part(tables.tasks_table(rows)))

    @stream
    def QueryTasksOnCompletion(
        self, request: pb.QueryTasksOnCompletionRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.QueryTasksOnCompletionResponse]:
        rows = self._task_rows([t.id for t in request.ids])  # registration is synchronous: all done
        yield pb.QueryTasksOnCompletionResponse(data=part(tables.tasks_table(rows)))

    @rpc
    def CancelTasks(
        self, request: pb.CancelTasksRequest, context: grpc.ServicerContext
    ) -> pb.CancelTasksResponse:
        return pb.CancelTasksResponse()  # every task has already finished

    # --- schemas and tables --------------------------------------------------------------

    @rpc
    def GetDatasetSchema(
        self, request: pb.GetDatasetSchemaRequest, context: grpc.ServicerContext
    ) -> pb.GetDatasetSchemaResponse:
        ds = self._dataset(context)
        return pb.GetDatasetSchemaResponse(schema=_schema_proto(ds.schema()))

    @stream
    def GetSchemas(
        self, request: pb.GetSchemasRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.GetSchemasResponse]:
        # As 0.41: one answer per requested id that is some layer's schema hash (the manifest's
        # ``rerun_schema_sha256``), carrying that layer's schema; unknown ids are left out.
        ds = self._dataset(context)
        known = {lay.index.schema_sha256: lay.index.schema for _, lay in ds.layers()}
        for sid in request.schema_ids:
            schema = known.get(sid.sha256)
            if schema is not None:
                arrow = merge_schemas([schema]).remove_metadata().serialize().to_pybytes()
                yield pb.GetSchemasResponse(schema_id=sid, schema=common_pb2.Schema(arrow_schema=arrow))

    @rpc
    def GetSegmentTableSchema(
        self, request: pb.GetSegmentTableSchemaRequest, context: grpc.ServicerContext
    ) -> pb.GetSegmentTableSchemaResponse:
        ds = self._dataset(context)
        return pb.GetSegmentTableSchemaResponse(schema=_schema_proto(tables.segment_table(ds).schema))

    @stream
    def ScanSegmentTable(
        self, request: pb.ScanSegmentTableRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.ScanSegmentTableResponse]:
        ds = self._dataset(context)
        table = tables.segment_table(ds, list(request.columns))
        table = _filter_ids(table, "rerun_segment_id", request.segment_id_filter)
        yield pb.ScanSegmentTableResponse(data=part(table))

    @rpc
    def GetDatasetManifestSchema(
        self, request: pb.GetDatasetManifestSchemaRequest, context: grpc.ServicerContext
    ) -> pb.GetDatasetManifestSchemaResponse:
        ds = self._dataset(context)
        return pb.GetDatasetManifestSchemaResponse(schema=_schema_proto(tables.dataset_manifest(ds).schema))

    @stream
    def ScanDatasetManifest(
        self, request: pb.ScanDatasetManifestRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.ScanDatasetManifestResponse]:
        ds = self._dataset(context)
        table = tables.dataset_manifest(ds, columns=list(request.columns))
        table = _filter_ids(table, "rerun_segment_id", request.segment_id_filter)
        table = _filter_ids(table, "rerun_layer_name", request.layer_name_filter)
        yield pb.ScanDatasetManifestResponse(data=part(table))

    @stream
    def GetRrdManifest(
        self, request: pb.GetRrdManifestRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.GetRrdManifestResponse]:
        ds = self._dataset(context)
        if not request.HasField("segment_id"):
            raise CatalogError(
                "INVALID_ARGUMENT",
                "missing required field: 'rerun.cloud.v1alpha1.GetRrdManifestRequest.segment_id'",
            )
        seg = ds.segments.get(request.segment_id.id)
        if seg is None:
            raise CatalogError(
                "NOT_FOUND", f"Segment '{request.segment_id.id}' not found in dataset '{ds.id}'"
            )
        manifest = _segment_manifest(ds, seg.segment_id, seg.ordered_layers())
        yield pb.GetRrdManifestResponse(rrd_manifest=manifest)

    # --- segment properties and assets ---------------------------------------------------

    @stream
    def GetSegmentProperties(
        self, request: pb.GetSegmentPropertiesRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.GetSegmentPropertiesResponse]:
        ds = self._dataset(context)
        if not request.segment_ids:
            raise CatalogError("INVALID_ARGUMENT", "segment_ids must name at least one segment")
        out = []
        for s in request.segment_ids:
            if (found := ds.properties.get(s.id)) is not None:
                props, rev = found
                out.append(pb.SegmentProperties(segment_id=s, properties=part(props), revision=rev))
        yield pb.GetSegmentPropertiesResponse(segments=out)

    @rpc
    def SetSegmentProperties(
        self, request: pb.SetSegmentPropertiesRequest, context: grpc.ServicerContext
    ) -> pb.SetSegmentPropertiesResponse:
        self._require_entry_header(context)  # 0.41 checks the header, then the body, then the entry
        if not request.HasField("properties"):
            raise CatalogError("INVALID_ARGUMENT", "properties are required")
        ds = self._dataset(context)
        props = dataframe_part_to_table(request.properties)
        if props.num_rows != 1:
            raise CatalogError(
                "INVALID_ARGUMENT", f"segment properties must be a single row, got {props.num_rows} rows"
            )
        expected = request.expected_revision if request.HasField("expected_revision") else None
        rev = self.catalog.set_properties(ds, request.segment_id.id, props, expected)
        return pb.SetSegmentPropertiesResponse(revision=rev)

    @rpc
    def DeleteSegmentProperties(
        self, request: pb.DeleteSegmentPropertiesRequest, context: grpc.ServicerContext
    ) -> pb.DeleteSegmentPropertiesResponse:
        ds = self._dataset(context)
        for d in request.segments:  # revisions are not checked on delete, as in 0.41
            self.catalog.delete_properties(ds, d.segment_id.id)
        return pb.DeleteSegmentPropertiesResponse()

    @stream
    def GetAssetsForSegment(
        self, request: pb.GetAssetsForSegmentRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.GetAssetsForSegmentResponse]:
        ds = self._dataset(context)
        if ds.kind is not DatasetKind.RECORDING or ds.asset_dataset is None:
            raise CatalogError("INVALID_ARGUMENT", f"dataset '{ds.name}' has no asset dataset")
        assets = self.catalog.by_id(ds.asset_dataset)  # any segment id: 0.41 does not check it
        ids = [common_pb2.SegmentId(id=s) for s in sorted(assets.segments) if s == request.segment_id.id]
        yield pb.GetAssetsForSegmentResponse(assets_entry=entry_id_to_proto(assets.id), asset_segment_ids=ids)

    # --- chunks --------------------------------------------------------------------------

    @stream
    def FindChunks(
        self, request: pb.FindChunksRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.FindChunksResponse]:
        if not request.HasField("contents"):
            raise CatalogError("INVALID_ARGUMENT", "`contents` is required")
        if request.WhichOneof("mode") is None:
            raise CatalogError("INVALID_ARGUMENT", "`mode` is required")
        ds = self._dataset(context)
        _check_timeline(ds, _find_timeline(request))
        sent = False
        for seg, picked, timeline in select_chunks(ds, request):
            urls = _direct_urls(picked, request.direct_url_mode)
            table = tables.chunk_info_table(ds, seg, picked, timeline, "chunk_timeline_start", urls)
            sent = True
            yield pb.FindChunksResponse(data=part(table))
        if not sent:
            yield pb.FindChunksResponse(
                data=part(tables.chunk_info_table(ds, None, [], None, "chunk_timeline_start"))
            )

    @stream
    def QueryDataset(
        self, request: pb.QueryDatasetRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.QueryDatasetResponse]:
        ds = self._dataset(context)
        for name in ("exclude_static_data", "exclude_temporal_data"):
            if getattr(request, name):
                raise CatalogError("INVALID_ARGUMENT", f"`{name}` has no equivalent in `FindChunks`")
        if request.chunk_ids:
            raise CatalogError("INVALID_ARGUMENT", "`chunk_ids` has no equivalent in `FindChunks`")
        q = request.query
        timeline = (
            q.latest_at.index.timeline.name
            if q.HasField("latest_at")
            else q.range.index.timeline.name
            if q.HasField("range")
            else None
        ) or None
        _check_timeline(ds, timeline)
        column = f"{timeline}:start" if timeline else None
        sent = False
        mode = (
            pb.DIRECT_URL_MODE_OMIT
            if not request.generate_direct_urls
            else pb.DIRECT_URL_MODE_UNSIGNED
            if request.unsigned_direct_urls
            else pb.DIRECT_URL_MODE_SIGNED
        )
        for seg, picked in select_chunks_for_query(ds, request):
            sent = True
            urls = _direct_urls(picked, mode)
            yield pb.QueryDatasetResponse(
                data=part(tables.chunk_info_table(ds, seg, picked, timeline, column, urls))
            )
        if not sent:
            yield pb.QueryDatasetResponse(data=part(tables.chunk_info_table(ds, None, [], timeline, column)))

    @stream
    def FetchChunks(
        self, request: pb.FetchChunksRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.FetchChunksResponse]:
        """Chunks by key, read from their files by byte range and sent without decoding."""
        wanted: dict[tuple[int, str], tuple[Layer, list[Any]]] = {}
        order: list[tuple[int, str]] = []
        by_url: dict[str, list[Layer]] = {}  # filled on the first key naming an object's URL
        for p in request.chunk_infos:
            try:
                keys = dataframe_part_to_table(p)
            except RrdError as exc:
                raise CatalogError("INTERNAL", f"Failed to decode chunk_info: {exc}") from None
            if "chunk_key" not in keys.column_names:
                raise CatalogError(
                    "INVALID_ARGUMENT",
                    'QueryDatasetDataframe: Missing required column "chunk_key". If the column is allowed'
                    " to be missing, declare the field as `Option<…>`",
                )
            for key in keys.column("chunk_key").to_pylist():
                layer, entry = self._resolve_key(key, by_url)
                slot = (id(layer), layer.storage_url)
                if slot not in wanted:
                    wanted[slot] = (layer, [])
                    order.append(slot)
                wanted[slot][1].append(entry)
        yield from self._fetch(order, wanted)

    def _fetch(
        self, order: list[tuple[int, str]], wanted: dict[tuple[int, str], tuple[Layer, list[Any]]]
    ) -> Iterator[pb.FetchChunksResponse]:
        """Batches of chunks. A stream holds one batch while gRPC sends it (the sync server
        waits for each send), so ``--memory-limit`` bounds what all streams hold together by
        the batch size: ``fetch_batch_bytes`` is sized for every worker thread at once."""
        limit = self.catalog.fetch_batch_bytes or FETCH_BATCH_BYTES
        batch: list[log_msg_pb2.ArrowMsg] = []
        size = 0
        for slot in order:
            layer, entries = wanted[slot]
            for entry, msg in layer.index.read_msgs(entries, limit):  # reads no further ahead
                batch.append(msg)
                size += entry.size
                if size >= limit:
                    yield pb.FetchChunksResponse(chunks=batch)
                    batch, size = [], 0
        if batch:
            yield pb.FetchChunksResponse(chunks=batch)

    def _resolve_key(self, key: bytes | None, by_url: dict[str, list[Layer]]) -> tuple[Layer, Any]:
        try:
            parsed = tables.parse_chunk_key(key or b"")
        except ValueError:
            raise CatalogError(
                "INVALID_ARGUMENT", "Failed to decode chunk key: io error: unexpected end of file"
            ) from None
        layers: list[Layer] = []
        if parsed.slot is not None:
            found = self.catalog.layer_by_slot(parsed.slot)
            layers = [found[2]] if found is not None else []
        elif parsed.url is not None:
            if not by_url:
                for ds in self.catalog.datasets():
                    for _, lay in ds.layers():
                        by_url.setdefault(lay.storage_url, []).append(lay)
            layers = by_url.get(parsed.url, [])
        for lay in layers:
            if (entry := lay.index.chunk(parsed.chunk_id)) is not None:
                return lay, entry
        raise CatalogError("INVALID_ARGUMENT", f"chunk id {parsed.chunk_id} not found")
