"""Dataset RPCs: registration and tasks, schemas, segment table, manifests, properties, chunks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import grpc
import pyarrow as pa
import pyarrow.compute as pc

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import common_pb2, log_msg_pb2
from rerun_core.store.messages import StoreId
from rerun_core.store.rrd import dataframe_part_from_arrow, dataframe_part_to_table, store_id_to_proto

from . import tables
from .model import CatalogError, Dataset, DatasetKind, Layer, merge_schemas
from .registration import Source, register
from .rpc_base import ServiceBase, entry_id_to_proto, meta, part, rpc, stream
from .select import select_chunks, select_chunks_for_query

_ON_DUPLICATE = {
    common_pb2.IF_DUPLICATE_BEHAVIOR_OVERWRITE: "overwrite",
    common_pb2.IF_DUPLICATE_BEHAVIOR_SKIP: "skip",
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
    mask = pc.is_in(table.column(column), value_set=pa.array(list(ids), pa.string()))
    return table.filter(mask if which == "scan_only" else pc.invert(mask))


def _segment_manifest(ds: Dataset, segment_id: str, layers: list[Layer]) -> log_msg_pb2.RrdManifest:
    """The segment's RrdManifest: its layers' footer rows, plus a ``chunk_key`` per chunk."""
    parts = []
    for lay in layers:
        t = lay.index.manifest.table
        keys = [tables.chunk_key(ds.id, segment_id, lay.name, c.chunk_id) for c in lay.index.chunks]
        parts.append(t.append_column(pa.field("chunk_key", pa.binary(), False), pa.array(keys, pa.binary())))
    table = pa.concat_tables(parts, promote_options="permissive") if parts else pa.table({})
    schema = merge_schemas([lay.index.schema for lay in layers])
    sid = StoreId(ds.kind.store_kind, "none", segment_id)  # the application id is not kept
    return log_msg_pb2.RrdManifest(
        store_id=store_id_to_proto(sid),
        sorbet_schema=_schema_proto(schema),
        data=dataframe_part_from_arrow(table),
    )


def _check_timeline(ds: Dataset, req: pb.FindChunksRequest) -> None:
    mode = req.WhichOneof("mode")
    timeline = req.range.timeline if mode == "range" else req.samples.timeline if mode == "samples" else None
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
            sources.append(Source(src.storage_url, src.layer, src.prefix))
        on_dup = _ON_DUPLICATE.get(request.on_duplicate, "error")
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
        return pb.GetDatasetSchemaResponse(schema=_schema_proto(ds.schema()), meta=meta(ds))

    @stream
    def GetSchemas(
        self, request: pb.GetSchemasRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.GetSchemasResponse]:
        # The real 0.41 OSS server answers an empty stream whatever the ids; so do we.
        self._dataset(context)
        yield from ()

    @rpc
    def GetSegmentTableSchema(
        self, request: pb.GetSegmentTableSchemaRequest, context: grpc.ServicerContext
    ) -> pb.GetSegmentTableSchemaResponse:
        ds = self._dataset(context)
        return pb.GetSegmentTableSchemaResponse(
            schema=_schema_proto(tables.segment_table(ds).schema), meta=meta(ds)
        )

    @stream
    def ScanSegmentTable(
        self, request: pb.ScanSegmentTableRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.ScanSegmentTableResponse]:
        ds = self._dataset(context)
        table = tables.segment_table(ds, list(request.columns))
        table = _filter_ids(table, "rerun_segment_id", request.segment_id_filter)
        yield pb.ScanSegmentTableResponse(data=part(table), meta=meta(ds))

    @rpc
    def GetDatasetManifestSchema(
        self, request: pb.GetDatasetManifestSchemaRequest, context: grpc.ServicerContext
    ) -> pb.GetDatasetManifestSchemaResponse:
        ds = self._dataset(context)
        return pb.GetDatasetManifestSchemaResponse(
            schema=_schema_proto(tables.dataset_manifest(ds).schema), meta=meta(ds)
        )

    @stream
    def ScanDatasetManifest(
        self, request: pb.ScanDatasetManifestRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.ScanDatasetManifestResponse]:
        ds = self._dataset(context)
        table = tables.dataset_manifest(ds, columns=list(request.columns))
        table = _filter_ids(table, "rerun_segment_id", request.segment_id_filter)
        table = _filter_ids(table, "rerun_layer_name", request.layer_name_filter)
        yield pb.ScanDatasetManifestResponse(data=part(table), meta=meta(ds))

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
        yield pb.GetRrdManifestResponse(rrd_manifest=manifest, meta=meta(ds))

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
        _check_timeline(ds, request)
        for seg, picked, timeline in select_chunks(ds, request):
            table = tables.chunk_info_table(ds, seg, picked, timeline)
            yield pb.FindChunksResponse(data=part(table), meta=meta(ds))

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
        for seg, picked in select_chunks_for_query(ds, request):
            yield pb.QueryDatasetResponse(data=part(tables.chunk_info_table(ds, seg, picked)), meta=meta(ds))

    @stream
    def FetchChunks(
        self, request: pb.FetchChunksRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.FetchChunksResponse]:
        """Chunks by key, read from their files by byte range and sent without decoding."""
        wanted: dict[tuple[int, str], tuple[Layer, list[Any]]] = {}
        order: list[tuple[int, str]] = []
        for p in request.chunk_infos:
            keys = dataframe_part_to_table(p)
            if "chunk_key" not in keys.column_names:
                raise CatalogError("INVALID_ARGUMENT", "FetchChunks: chunk_infos lack a chunk_key column")
            for key in keys.column("chunk_key").to_pylist():
                layer, entry = self._resolve_key(key)
                slot = (id(layer), layer.storage_url)
                if slot not in wanted:
                    wanted[slot] = (layer, [])
                    order.append(slot)
                wanted[slot][1].append(entry)
        batch: list[log_msg_pb2.ArrowMsg] = []
        size = 0
        limit = FETCH_BATCH_BYTES
        if self.catalog.memory_limit is not None:  # a few batches may be in flight at once
            limit = max(1 << 16, min(limit, self.catalog.memory_limit // 32))
        for slot in order:
            layer, entries = wanted[slot]
            for entry, msg in layer.index.read_msgs(entries):
                batch.append(msg)
                size += entry.size
                if size >= limit:
                    yield pb.FetchChunksResponse(chunks=batch)
                    batch, size = [], 0
        if batch:
            yield pb.FetchChunksResponse(chunks=batch)

    def _resolve_key(self, key: bytes | None) -> tuple[Layer, Any]:
        try:
            chunk_id, dataset_id, segment_id, layer_name = tables.parse_chunk_key(key or b"")
        except ValueError:
            raise CatalogError("INVALID_ARGUMENT", "FetchChunks: malformed chunk_key") from None
        ds = self.catalog.by_id(dataset_id)
        seg = ds.segments.get(segment_id)
        layer = seg.layers.get(layer_name) if seg is not None else None
        entry = layer.index.chunk(chunk_id) if layer is not None else None
        if layer is None or entry is None:
            raise CatalogError("NOT_FOUND", f"FetchChunks: chunk id {chunk_id} not found")
        return layer, entry
