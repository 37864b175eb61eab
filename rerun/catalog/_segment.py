"""``Segment`` and ``Layer``: light handles on one segment / one layer of a dataset."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.store.rrd import dataframe_part_to_table

from ._internal import EntryHandle, read_schema, segment_ids_proto
from ._schema import Schema

if TYPE_CHECKING:
    from ._entry import DatasetEntry
    from ._registration import UnregistrationHandle


@dataclass(frozen=True)
class SegmentRef:
    dataset: EntryHandle
    id: str


def segment_url(handle: EntryHandle, segment_id: str) -> str:
    return f"{handle.client.url}/dataset/{handle.id}?segment_id={segment_id}"


def _segment_schemas(handle: EntryHandle, segment_id: str) -> list[pa.Schema]:
    """The schemas of a segment's registered layers (manifest hashes, then GetSchemas)."""
    req = pb.ScanDatasetManifestRequest(
        columns=["rerun_segment_id", "rerun_schema_sha256", "rerun_registration_status"]
    )
    req.segment_id_filter.scan_only.segment_ids.append(segment_id)
    hashes: list[bytes] = []
    for resp in handle.conn.stream("ScanDatasetManifest", req, entry=handle.id):
        t = dataframe_part_to_table(resp.data)
        for sha, status in zip(*(t.column(c).to_pylist() for c in t.column_names[1:]), strict=True):
            if status == "done" and sha is not None and sha not in hashes:
                hashes.append(sha)
    if not hashes:
        return []
    from rerun_core.proto.gen import common_pb2

    sreq = pb.GetSchemasRequest(schema_ids=[common_pb2.SchemaId(sha256=h) for h in hashes])
    return [read_schema(r.schema) for r in handle.conn.stream("GetSchemas", sreq, entry=handle.id)]


def _merge(schemas: list[pa.Schema]) -> pa.Schema:
    """The layers' schemas as one: index columns by name, then the data columns in the order
    the layers list them (first layer first), as 0.41 merges them."""
    fields: dict[str, pa.Field] = {}
    for s in schemas:
        for f in s:
            fields.setdefault(f.name, f)
    index = [f for f in fields.values() if (f.metadata or {}).get(b"rerun:kind") == b"index"]
    rest = [f for f in fields.values() if f not in index]
    return pa.schema(sorted(index, key=lambda f: f.name) + rest)


class Segment:
    """A reference to one segment of a dataset (nothing about it is cached)."""

    __slots__ = ("_internal",)

    def __init__(self, inner: SegmentRef) -> None:
        self._internal = inner

    def __repr__(self) -> str:
        return f'Segment(dataset_id={self._internal.dataset.id}, id="{self._internal.id}")'

    def __str__(self) -> str:
        return self._internal.id

    @property
    def id(self) -> str:
        return self._internal.id

    @property
    def dataset(self) -> DatasetEntry:
        return self._internal.dataset.client._dataset_entry(self._internal.dataset)

    @property
    def url(self) -> str:
        """The URL of this segment in the Rerun Viewer."""
        return segment_url(self._internal.dataset, self._internal.id)

    def schema(self, *, include_assets: bool = False) -> Schema:
        """The schema of this segment's registered layers (plus its assets' with ``include_assets``)."""
        handle, seg = self._internal.dataset, self._internal.id
        schemas = _segment_schemas(handle, seg)
        if include_assets:
            schemas += _asset_schemas(handle, seg)
        return Schema(_merge(schemas))

    def layers(self) -> set[str]:
        """The segment's layer names; NotFoundError if the dataset is gone."""
        t = self._internal.dataset.scan_segment_table(
            ["rerun_segment_id", "rerun_layer_names"], [self._internal.id]
        )
        return {name for names in t.column("rerun_layer_names").to_pylist() for name in names or []}

    def delete_layer(self, name: str) -> UnregistrationHandle:
        """Unregister one layer of this segment; a missing segment or layer is a no-op."""
        return self.dataset.unregister(segments_to_drop=[self._internal.id], layers_to_drop=[name])


def _asset_schemas(handle: EntryHandle, segment_id: str) -> list[pa.Schema]:
    """The schemas of the assets that apply to a segment, without their properties."""
    from ._conn import entry_id_from_proto

    req = pb.GetAssetsForSegmentRequest(segment_id=segment_ids_proto([segment_id])[0])
    out: list[pa.Schema] = []
    for resp in handle.conn.stream("GetAssetsForSegment", req, entry=handle.id):
        asset_id = entry_id_from_proto(resp.assets_entry)
        ds = handle.client._read_dataset(asset_id)
        for seg in resp.asset_segment_ids:
            for s in _segment_schemas(ds, seg.id):
                out.append(pa.schema([f for f in s if not f.name.startswith("property:")]))
    return out


@dataclass(frozen=True)
class LayerRef:
    dataset: EntryHandle
    name: str


class Layer:
    """A reference to one named layer across a dataset's segments (nothing is cached)."""

    __slots__ = ("_internal",)

    def __init__(self, inner: LayerRef) -> None:
        self._internal = inner

    def __repr__(self) -> str:
        return f'Layer(dataset_id={self._internal.dataset.id}, name="{self._internal.name}")'

    def __str__(self) -> str:
        return self._internal.name

    @property
    def name(self) -> str:
        return self._internal.name

    @property
    def dataset(self) -> DatasetEntry:
        return self._internal.dataset.client._dataset_entry(self._internal.dataset)

    def segment_ids(self) -> list[str]:
        """The segments that have this layer now (empty if none)."""
        t = self._internal.dataset.scan_segment_table(["rerun_segment_id", "rerun_layer_names"])
        ids, layers = t.column("rerun_segment_id").to_pylist(), t.column("rerun_layer_names").to_pylist()
        return [s for s, names in zip(ids, layers, strict=True) if self._internal.name in (names or [])]
