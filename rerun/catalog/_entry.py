"""``DatasetEntry``: a dataset's segments, schema, registration, readers (``Entry`` is re-exported).

The ``Entry`` base lives in ``_entry_base.py``, blueprints and assets of a dataset in
``_dataset_assets.py`` (a mixin), tables in ``_table.py``; none of them imports this module.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import common_pb2
from rerun_core.store.rrd import dataframe_part_to_table

from ._conn import trace_line
from ._content_filter import ContentFilter
from ._dataset_assets import BlueprintsAndAssets
from ._entry_base import Entry
from ._internal import EntryHandle, read_schema, segment_ids_proto
from ._reader import SORBET_META
from ._registration import (
    RegistrationOperation,
    RegistrationRows,
    ServerTasks,
    UnregistrationHandle,
    UnregistrationTasks,
)
from ._schema import Schema
from ._segment import Layer, LayerRef, Segment, SegmentRef, segment_url
from ._selection import DatasetSelection, SelectionState
from ._table import TableEntry
from ._types import OnDuplicateSegmentLayer

if TYPE_CHECKING:
    import datafusion
    import ray.data

    from rerun.chunk import LazyStore

    from ._dataset_info import DatasetInfo

_ON_DUPLICATE = {
    OnDuplicateSegmentLayer.ERROR: common_pb2.IF_DUPLICATE_BEHAVIOR_ERROR,
    OnDuplicateSegmentLayer.SKIP: common_pb2.IF_DUPLICATE_BEHAVIOR_SKIP,
    OnDuplicateSegmentLayer.REPLACE: common_pb2.IF_DUPLICATE_BEHAVIOR_OVERWRITE,
}


def _on_duplicate(value: OnDuplicateSegmentLayer | str) -> int:
    try:
        return _ON_DUPLICATE[OnDuplicateSegmentLayer(value)]
    except ValueError:
        raise ValueError(
            f"invalid on_duplicate value: {value!r}. Expected 'error', 'skip', or 'replace'"
        ) from None


class DatasetEntry(BlueprintsAndAssets, Entry[EntryHandle]):
    """A dataset: segments (one recording each, in layers) queried as one DataFusion table."""

    @property
    def manifest_url(self) -> str:
        assert self._internal.dataset is not None
        return self._internal.dataset.dataset_handle.dataset_url

    def arrow_schema(self) -> pa.Schema:
        """Deprecated: use ``schema().to_arrow()``."""
        warnings.warn(
            "DatasetEntry.arrow_schema() is deprecated. Use DatasetEntry.schema().to_arrow() instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        return self._arrow_schema()

    def _arrow_schema(self) -> pa.Schema:
        resp = self._conn.call("GetDatasetSchema", pb.GetDatasetSchemaRequest(), entry=self.id)
        return read_schema(resp.schema)

    def schema(self) -> Schema:
        """Index and component columns of the whole dataset."""
        return Schema(self._arrow_schema())

    def info(self) -> DatasetInfo:
        """Segments, size, layers, timelines, contents and properties (no recording data read)."""
        from ._dataset_info import build_info

        seg_schema = self._segment_table_schema()
        timelines = [
            f.name
            for f in seg_schema
            if (f.metadata or {}).get(b"rerun:kind") == b"index" and f.name.endswith((":start", ":end"))
        ]
        table = self._internal.scan_segment_table(["rerun_layer_names", "rerun_size_bytes", *timelines])
        return build_info(self.name, seg_schema, self._arrow_schema(), table)

    def _segment_table_schema(self) -> pa.Schema:
        resp = self._conn.call("GetSegmentTableSchema", pb.GetSegmentTableSchemaRequest(), entry=self.id)
        return read_schema(resp.schema)

    def segment_ids(self) -> list[str]:
        t = self._internal.scan_segment_table(["rerun_segment_id"])
        return [str(s) for s in t.column("rerun_segment_id").to_pylist()]

    def _segment_arrow(self) -> pa.Table:
        schema = self._segment_table_schema()
        parts = [
            dataframe_part_to_table(r.data)
            for r in self._conn.stream(
                "ScanSegmentTable", pb.ScanSegmentTableRequest(columns=schema.names), entry=self.id
            )
        ]
        table = pa.concat_tables(parts, promote_options="permissive") if parts else schema.empty_table()
        return table.replace_schema_metadata({**(table.schema.metadata or {}), **SORBET_META})

    def segment_table(
        self,
        join_meta: TableEntry | datafusion.DataFrame | None = None,
        join_key: str = "rerun_segment_id",
    ) -> datafusion.DataFrame:
        """One row per segment (layers, storage URLs, sizes, index ranges, properties).

        ``join_meta`` (a table entry or DataFrame) is left-joined on ``join_key``.
        """
        df = self._client.ctx.from_arrow(self._segment_arrow())
        if join_meta is None:
            return df
        if isinstance(join_meta, TableEntry):
            join_meta = join_meta.reader()
        if join_key not in df.schema().names:
            raise ValueError(f"Dataset segment table must contain join_key column '{join_key}'.")
        if join_key not in join_meta.schema().names:
            raise ValueError(f"join_meta must contain join_key column '{join_key}'.")
        meta_key = join_key + "_meta"
        meta = join_meta.with_column_renamed(join_key, meta_key)
        return df.join(meta, left_on=join_key, right_on=meta_key, how="left").drop(meta_key)

    def manifest(self, include_diagnostic_data: bool = False) -> datafusion.DataFrame:
        """Deprecated (debugging only): one row per registered segment layer."""
        warnings.warn(
            "DatasetEntry.manifest() is deprecated and will be removed in a future release. "
            "It was intended for internal and debugging use only.",
            DeprecationWarning,
            stacklevel=2,
        )
        return self._manifest(include_diagnostic_data=include_diagnostic_data)

    def _manifest(self, include_diagnostic_data: bool = False) -> datafusion.DataFrame:
        from datafusion import col, lit

        resp = self._conn.call(
            "GetDatasetManifestSchema", pb.GetDatasetManifestSchemaRequest(), entry=self.id
        )
        schema = read_schema(resp.schema)
        req = pb.ScanDatasetManifestRequest(columns=schema.names)
        parts = [
            dataframe_part_to_table(r.data)
            for r in self._conn.stream("ScanDatasetManifest", req, entry=self.id)
        ]
        table = pa.concat_tables(parts, promote_options="permissive") if parts else schema.empty_table()
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), **SORBET_META})
        df = self._client.ctx.from_arrow(table)
        if not include_diagnostic_data:
            df = df.filter(col("rerun_registration_status") == lit("done")).drop("rerun_registration_status")
        return df

    def segment_url(
        self,
        segment_id: str,
        timeline: str | None = None,
        start: datetime | timedelta | int | None = None,
        end: datetime | timedelta | int | None = None,
    ) -> str:
        """The Viewer URL of a segment, optionally with a time cursor (``start``) and range (``end``)."""
        from ._urls import time_fragment

        return segment_url(self._internal, segment_id) + time_fragment(timeline, start, end)

    def _register_sources(
        self, sources: list[pb.DataSource], on_duplicate: OnDuplicateSegmentLayer | str
    ) -> RegistrationOperation:
        req = pb.RegisterWithDatasetRequest(data_sources=sources, on_duplicate=_on_duplicate(on_duplicate))
        table = dataframe_part_to_table(self._conn.call("RegisterWithDataset", req, entry=self.id).data)
        trace = self._conn.trace_id
        cols = ("rerun_storage_url", "rerun_segment_id", "rerun_task_id")
        rows = list(zip(*(table.column(c).to_pylist() for c in cols), strict=True))
        return RegistrationOperation(RegistrationRows(rows, ServerTasks(self._conn), trace))

    def register(
        self,
        recording_uri: list[str],
        *,
        layer_name: str | Sequence[str] = "base",
        on_duplicate: OnDuplicateSegmentLayer = OnDuplicateSegmentLayer.ERROR,
        object_store_config: str | None = None,
    ) -> RegistrationOperation:
        """Register .rrd URIs (``file://...`` for a local server); ``.wait()`` gives the segment ids.

        One URI as a plain string still works (deprecated, as in 0.41). ``layer_name`` is one name
        or one per URI; a duplicate segment layer fails that segment unless ``on_duplicate`` says.
        """
        if isinstance(recording_uri, str):
            warnings.warn(
                "`DatasetEntry.register` was called with a single string for `recording_uri`. "
                "This is deprecated: pass a sequence of URIs instead, and prefer batching "
                "many URIs into a single call rather than calling `register` in a loop.",
                DeprecationWarning,
                stacklevel=2,
            )
            uris = [recording_uri]
        else:
            uris = list(recording_uri)
        if isinstance(layer_name, str):
            layers = [layer_name] * len(uris)
        else:
            layers = list(layer_name)
            if len(layers) != len(uris):
                raise ValueError("`layer_name` must be the same length as `recording_uri`")
        _on_duplicate(on_duplicate)  # a bad value fails before anything is sent
        sources = [
            pb.DataSource(
                storage_url=u, layer=lay, typ=pb.DATA_SOURCE_KIND_RRD, object_store_config=object_store_config
            )
            for u, lay in zip(uris, layers, strict=True)
        ]
        return self._register_sources(sources, on_duplicate)

    def register_prefix(
        self,
        recordings_prefix: str,
        layer_name: str | None = None,
        on_duplicate: OnDuplicateSegmentLayer = OnDuplicateSegmentLayer.ERROR,
        *,
        object_store_config: str | None = None,
    ) -> RegistrationOperation:
        """Register every .rrd found (recursively) under a URL prefix, in ``layer_name`` (default "base")."""
        from urllib.parse import urlparse

        if not urlparse(recordings_prefix).scheme:
            raise ValueError("Could not parse URL: relative URL without a base")
        source = pb.DataSource(
            storage_url=recordings_prefix,
            layer=layer_name or "base",
            prefix=True,
            typ=pb.DATA_SOURCE_KIND_RRD,
            object_store_config=object_store_config,
        )
        _on_duplicate(on_duplicate)
        return self._register_sources([source], on_duplicate)

    def unregister(
        self,
        *,
        segments_to_drop: str | Sequence[str],
        layers_to_drop: str | Sequence[str],
        force: bool = False,
    ) -> UnregistrationHandle:
        """Drop the product of segments x layers (an empty list means all; both empty is an error)."""
        segs = [segments_to_drop] if isinstance(segments_to_drop, str) else list(segments_to_drop)
        layers = [layers_to_drop] if isinstance(layers_to_drop, str) else list(layers_to_drop)
        req = pb.UnregisterFromDatasetRequest(
            segments_to_drop=segment_ids_proto(segs), layers_to_drop=layers, force=force
        )
        tasks = [r.task_id.id for r in self._conn.stream("UnregisterFromDataset", req, entry=self.id)]
        return UnregistrationHandle(UnregistrationTasks([t for t in tasks if t], ServerTasks(self._conn)))

    def delete_segment_properties(self, segment_ids: str | Sequence[str]) -> None:
        """Delete the stored properties of these segments (a no-op where there are none)."""
        ids = [segment_ids] if isinstance(segment_ids, str) else list(segment_ids)
        deletions = [pb.SegmentPropertiesDeletion(segment_id=s) for s in segment_ids_proto(ids)]
        self._conn.call(
            "DeleteSegmentProperties", pb.DeleteSegmentPropertiesRequest(segments=deletions), entry=self.id
        )

    def layer(self, name: str) -> Layer:
        """A handle on a layer that exists now (in some segment); ValueError otherwise."""
        t = self._internal.scan_segment_table(["rerun_layer_names"])
        present = sorted({n for names in t.column("rerun_layer_names").to_pylist() for n in names or []})
        if name not in present:
            raise ValueError(
                f'Layer LayerName("{name}") not found in dataset {self.id}. '
                f"Available layers: [{', '.join(chr(34) + n + chr(34) for n in present)}]"
            )
        return Layer(LayerRef(self._internal, name))

    def segment(self, segment_id: str) -> Segment:
        """A handle on a segment that exists now; NotFoundError otherwise."""
        from ._types import NotFoundError

        t = self._internal.scan_segment_table(["rerun_segment_id"], [segment_id])
        if segment_id not in t.column("rerun_segment_id").to_pylist():
            raise NotFoundError(
                f"Segment not found (NotFound)\n- Server: {self._conn.url}\n{trace_line(self._conn.trace_id)}"
                f"- Dataset: {self.id}\nSegment: {segment_id}"
            )
        return Segment(SegmentRef(self._internal, segment_id))

    def segment_store(self, segment_id: str, *, include_assets: bool = True) -> LazyStore:
        """A segment as a ``rerun.chunk.LazyStore``: manifest now, chunks on demand.

        ``include_assets`` is accepted for 0.41 compatibility; registered assets are not added.
        """
        from rerun.chunk._remote import segment_store

        return segment_store(self._conn, self.id, segment_id)

    def filter_segments(self, segment_ids: str | Sequence[str] | datafusion.DataFrame) -> DatasetSelection:
        """A selection of these segments only (ids, or a DataFrame with ``rerun_segment_id``)."""
        return DatasetSelection(SelectionState(self)).filter_segments(segment_ids)

    def filter_contents(self, exprs: ContentFilter | str | Sequence[str]) -> DatasetSelection:
        """A selection of the entities these expressions keep (``/points/**``, ``-/text``)."""
        return DatasetSelection(SelectionState(self)).filter_contents(exprs)

    def reader(
        self,
        index: str | None,
        *,
        include_semantically_empty_columns: bool = False,
        include_tombstone_columns: bool = False,
        fill_latest_at: bool = False,
        using_index_values: Any = None,
    ) -> datafusion.DataFrame:
        """Rows of every segment on ``index`` (None: static data only), with ``rerun_segment_id``.

        The chunks are fetched and queried here, then handed to DataFusion as one table.
        """
        return self._read(
            index,
            include_semantically_empty_columns=include_semantically_empty_columns,
            include_tombstone_columns=include_tombstone_columns,
            fill_latest_at=fill_latest_at,
            using_index_values=using_index_values,
        )

    def to_ray(self, index: str | None, **reader_options: Any) -> ray.data.Dataset:
        """The rows of ``reader(index, **reader_options)`` as a ``ray.data.Dataset``: one read task
        per segment (a large one split by index range), the workers reading the layer files
        directly. Needs the ``ray`` extra; ``start`` / ``end`` bound the index, ``part_bytes``
        sets where a segment is split."""
        from ._ray import to_ray

        return to_ray(self, index, **reader_options)

    def _read(self, index: str | None, **kwargs: Any) -> datafusion.DataFrame:
        """A lazy frame: DataFusion's projection and filters decide what is fetched and which rows exist."""
        from ._frame import ReaderFrame
        from ._index_values import checked_using
        from ._reader import ReadSpec, reader_schema

        dataset_schema = self._arrow_schema()
        if index is not None and index not in dataset_schema.names:
            raise ValueError(f"Index '{index}' does not exist in the dataset.")
        kwargs["using_index_values"] = checked_using(kwargs.get("using_index_values"), index)
        spec = ReadSpec(self._conn, self.id, index, **kwargs)
        return ReaderFrame(self._client.ctx, spec, reader_schema(dataset_schema, spec))

    def do_maintenance(
        self,
        optimize_indexes: bool = False,
        retrain_indexes: bool = False,
        compact_fragments: bool = False,
        cleanup_before: datetime | None = None,
        unsafe_allow_recent_cleanup: bool = False,
    ) -> None:
        """Ask the server to optimize indexes / compact / clean up storage (the OSS server refuses)."""
        req = pb.DoMaintenanceRequest(
            optimize_indexes=optimize_indexes,
            retrain_indexes=retrain_indexes,
            compact_fragments=compact_fragments,
            unsafe_allow_recent_cleanup=unsafe_allow_recent_cleanup,
        )
        if cleanup_before is not None:
            req.cleanup_before.FromDatetime(cleanup_before)
        self._conn.call("DoMaintenance", req, entry=self.id)

    def get_index_ranges(self) -> datafusion.DataFrame:
        """Per segment: ``<timeline>:start`` / ``<timeline>:end`` of every index."""
        return self.filter_contents(["/**"]).get_index_ranges()
