"""``DatasetEntry``: one dataset of a catalog server: segments, schema, registration, readers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import common_pb2
from rerun_core.store.rrd import dataframe_part_to_table

from ._conn import Connection
from ._registration import RegistrationOperation, UnregistrationHandle
from ._schema import Schema
from ._selection import DatasetSelection
from ._types import EntryId, EntryKind, OnDuplicateSegmentLayer

if TYPE_CHECKING:
    import datafusion

    from ._client import CatalogClient

_ON_DUPLICATE = {
    OnDuplicateSegmentLayer.ERROR: common_pb2.IF_DUPLICATE_BEHAVIOR_ERROR,
    OnDuplicateSegmentLayer.SKIP: common_pb2.IF_DUPLICATE_BEHAVIOR_SKIP,
    OnDuplicateSegmentLayer.REPLACE: common_pb2.IF_DUPLICATE_BEHAVIOR_OVERWRITE,
}


def entry_id_from_proto(pb_id: common_pb2.EntryId) -> EntryId:
    return EntryId(pb_id.id.time_ns, pb_id.id.inc)


def entry_id_to_proto(entry_id: EntryId) -> common_pb2.EntryId:
    return common_pb2.EntryId(id=common_pb2.Tuid(time_ns=entry_id.time_ns, inc=entry_id.inc))


def _datetime(ts: Any) -> datetime:
    return datetime.fromtimestamp(ts.seconds + ts.nanos / 1e9, tz=timezone.utc)


class Entry:
    """Fields every catalog entry has."""

    def __init__(self, client: CatalogClient, conn: Connection, details: pb.EntryDetails) -> None:
        self._client = client
        self._conn = conn
        self._details = details
        self._id = entry_id_from_proto(details.id)

    @property
    def id(self) -> EntryId:
        return self._id

    @property
    def name(self) -> str:
        return self._details.name

    @property
    def kind(self) -> EntryKind:
        return EntryKind(self._details.entry_kind)

    @property
    def created_at(self) -> datetime:
        return _datetime(self._details.created_at)

    @property
    def updated_at(self) -> datetime:
        return _datetime(self._details.updated_at)

    @property
    def catalog(self) -> CatalogClient:
        return self._client

    def delete(self) -> None:
        """Delete this entry from the catalog."""
        self._conn.call("DeleteEntry", pb.DeleteEntryRequest(id=entry_id_to_proto(self.id)))

    def set_name(self, name: str) -> None:
        """Rename this entry (names are unique: AlreadyExistsError otherwise)."""
        update = pb.EntryDetailsUpdate(name=name)
        req = pb.UpdateEntryRequest(id=entry_id_to_proto(self.id), entry_details_update=update)
        self._details = self._conn.call("UpdateEntry", req).entry_details

    def __eq__(self, other: object) -> bool:
        """Equal to the same entry, its id, or its name (``"name" in client.entries()``)."""
        if isinstance(other, Entry):
            return self.id == other.id
        if isinstance(other, EntryId):
            return self.id == other
        if isinstance(other, str):
            return self.name == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, id={self.id})"


class DatasetEntry(Entry):
    """A dataset: segments (one recording each) queried as one DataFusion table."""

    def __init__(self, client: CatalogClient, conn: Connection, entry: pb.DatasetEntry) -> None:
        super().__init__(client, conn, entry.details)
        self._url = entry.dataset_handle.dataset_url

    def _stream_tables(self, method: str, request: Any) -> list[pa.Table]:
        return [dataframe_part_to_table(r.data) for r in self._conn.stream(method, request, entry=self.id)]

    def arrow_schema(self) -> pa.Schema:
        resp = self._conn.call("GetDatasetSchema", pb.GetDatasetSchemaRequest(), entry=self.id)
        return pa.ipc.read_schema(pa.py_buffer(resp.schema.arrow_schema))

    def schema(self) -> Schema:
        """Index and component columns of the whole dataset."""
        return Schema(self.arrow_schema())

    def _segment_arrow(self, columns: Sequence[str] = ()) -> pa.Table:
        parts = self._stream_tables("ScanSegmentTable", pb.ScanSegmentTableRequest(columns=list(columns)))
        return pa.concat_tables(parts) if parts else pa.table({"rerun_segment_id": pa.array([], pa.string())})

    def segment_ids(self) -> list[str]:
        return [
            str(s) for s in self._segment_arrow(["rerun_segment_id"]).column("rerun_segment_id").to_pylist()
        ]

    def segment_table(self) -> datafusion.DataFrame:
        """One row per segment: layers, storage URLs, size, chunk count, time ranges."""
        return self._client.ctx.from_arrow(self._segment_arrow())

    def register(
        self,
        recording_uri: list[str],
        *,
        layer_name: str | Sequence[str] = "base",
        on_duplicate: OnDuplicateSegmentLayer = OnDuplicateSegmentLayer.ERROR,
    ) -> RegistrationOperation:
        """Register .rrd URIs (``file://...`` for a local server); ``.wait()`` for the segment ids."""
        if isinstance(recording_uri, str):
            raise TypeError("recording_uri must be a list of URIs, not one string")
        layers = [layer_name] * len(recording_uri) if isinstance(layer_name, str) else list(layer_name)
        if len(layers) != len(recording_uri):
            raise ValueError("layer_name must be one name or one per URI")
        sources = [
            pb.DataSource(storage_url=u, layer=lay, typ=pb.DATA_SOURCE_KIND_RRD)
            for u, lay in zip(recording_uri, layers, strict=True)
        ]
        req = pb.RegisterWithDatasetRequest(
            data_sources=sources, on_duplicate=_ON_DUPLICATE[OnDuplicateSegmentLayer(on_duplicate)]
        )
        table = dataframe_part_to_table(self._conn.call("RegisterWithDataset", req, entry=self.id).data)
        urls = table.column("rerun_storage_url").to_pylist()
        segs = table.column("rerun_segment_id").to_pylist()
        tasks = table.column("rerun_task_id").to_pylist()
        return RegistrationOperation(list(zip(urls, segs, tasks, strict=True)), self._wait_tasks)

    def unregister(
        self,
        *,
        segments_to_drop: str | Sequence[str],
        layers_to_drop: str | Sequence[str],
        force: bool = False,
    ) -> UnregistrationHandle:
        """Drop segments and/or layers (an empty list means all; both empty is an error)."""
        segs = [segments_to_drop] if isinstance(segments_to_drop, str) else list(segments_to_drop)
        layers = [layers_to_drop] if isinstance(layers_to_drop, str) else list(layers_to_drop)
        req = pb.UnregisterFromDatasetRequest(
            segments_to_drop=[common_pb2.SegmentId(id=s) for s in segs], layers_to_drop=layers, force=force
        )
        tasks = [r.task_id.id for r in self._conn.stream("UnregisterFromDataset", req, entry=self.id)]
        return UnregistrationHandle([t for t in tasks if t], self._wait_tasks)

    def _wait_tasks(self, task_ids: list[str], timeout: float | None) -> dict[str, str | None]:
        from google.protobuf.duration_pb2 import Duration

        req = pb.QueryTasksOnCompletionRequest(
            ids=[common_pb2.TaskId(id=t) for t in task_ids], timeout=Duration(seconds=int(timeout or 60))
        )
        out: dict[str, str | None] = {}
        for r in self._conn.stream("QueryTasksOnCompletion", req):
            t = dataframe_part_to_table(r.data)
            for tid, status, msg in zip(
                *(t.column(c).to_pylist() for c in ("task_id", "exec_status", "msgs"))
            ):
                out[tid] = None if status == "success" else (msg or status)
        return out

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

    def _read(self, index: str | None, **kwargs: Any) -> datafusion.DataFrame:
        """A lazy frame: DataFusion's projection and filters decide what is fetched and which rows exist."""
        from ._frame import ReaderFrame
        from ._reader import ReadSpec, reader_schema

        dataset_schema = self.arrow_schema()
        if index is not None and index not in dataset_schema.names:
            raise ValueError(f"Index '{index}' does not exist in the dataset.")
        spec = ReadSpec(self._conn, self.id, index, **kwargs)
        return ReaderFrame(self._client.ctx, spec, reader_schema(dataset_schema, spec))

    def get_index_ranges(self) -> datafusion.DataFrame:
        """Per segment: ``<timeline>:start`` / ``<timeline>:end`` of every index."""
        exprs = ["rerun_segment_id"]
        for col in self.schema().index_columns():
            exprs += [f"{col.name}:start", f"{col.name}:end"]
        return self.segment_table().select(*exprs)

    def filter_segments(self, segment_ids: str | Sequence[str] | datafusion.DataFrame) -> DatasetSelection:
        """A selection of these segments only (ids, or a DataFrame with ``rerun_segment_id``)."""
        return DatasetSelection(self).filter_segments(segment_ids)

    def filter_contents(self, exprs: str | Sequence[str]) -> DatasetSelection:
        """A selection of the entities these expressions keep (``/points/**``, ``-/text``)."""
        return DatasetSelection(self).filter_contents(exprs)
