"""The Arrow tables catalog RPCs answer with, shaped as the real 0.41 server's."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyarrow as pa
from google.protobuf.message import DecodeError

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.store.rrd.frames import FRAME_HEADER_SIZE
from rerun_core.store.rrd.protocol import tuid_from_proto, tuid_to_proto
from rerun_core.types.time import TimeType
from rerun_core.types.tuid import Tuid

from .model import CatalogError, Dataset, Layer, Segment
from .object_store import is_object_url
from .registration import Outcome
from .segment_index import ChunkEntry

_CONTROL = {b"rerun:kind": b"control"}
_TS = pa.timestamp("ns")


def _list_of_str(rows: list[list[str]]) -> pa.Array:
    return pa.array(rows, pa.list_(pa.field("item", pa.string(), False)))


def segment_table(ds: Dataset, columns: Sequence[str] = ()) -> pa.Table:
    """One row per segment: id, layers, storage URLs, update time, chunk count, size, properties,
    time ranges (the real server's columns and order)."""
    segs = sorted(ds.segments.values(), key=lambda s: s.segment_id)
    layers = [s.ordered_layers() for s in segs]
    cols: dict[str, pa.Array] = {
        "rerun_segment_id": pa.array([s.segment_id for s in segs], pa.string()),
        "rerun_layer_names": _list_of_str([[lay.name for lay in ls] for ls in layers]),
        "rerun_storage_urls": _list_of_str([[lay.storage_url for lay in ls] for ls in layers]),
        "rerun_last_updated_at": pa.array([s.updated_at_ns for s in segs], pa.int64()).cast(_TS),
        "rerun_num_chunks": pa.array([s.num_chunks for s in segs], pa.uint64()),
        "rerun_size_bytes": pa.array([s.size_bytes for s in segs], pa.uint64()),
    }
    fields = [pa.field(k, v.type, nullable=False) for k, v in cols.items()]
    # the recordings' own properties (/__properties); those set by the API stay out, as in 0.41
    props = [_layers_properties(ls) for ls in layers]
    for f, arr in _property_columns(props):
        cols[f.name] = arr
        fields.append(f)
    timelines: dict[str, TimeType] = {}
    for ls in layers:
        for lay in ls:
            for name, typ in lay.index.timelines.items():
                timelines.setdefault(name, typ)
    for name, typ in sorted(timelines.items()):
        for marker in ("end", "start"):
            vals = [_segment_bound(ls, name, marker) for ls in layers]
            meta = {
                b"rerun:index": name.encode(),
                b"rerun:index_kind": typ.value.encode(),
                b"rerun:index_marker": marker.encode(),
                b"rerun:kind": b"index",
            }
            key = f"{name}:{marker}"
            cols[key] = pa.array(vals, pa.int64()).view(typ.arrow_type)
            fields.append(pa.field(key, typ.arrow_type, metadata=meta))
    return _project(pa.Table.from_arrays(list(cols.values()), schema=pa.schema(fields)), columns)


def _layers_properties(layers: Sequence[Layer]) -> pa.Table:
    """One segment's recording properties over its layers (a later layer's value wins)."""
    row: dict[str, tuple[pa.Field, pa.Array]] = {}
    for lay in layers:
        t = lay.index.properties()
        for i, f in enumerate(t.schema):
            row[f.name] = (f, t.column(i).combine_chunks())
    names = sorted(row)
    return pa.Table.from_arrays([row[n][1] for n in names], schema=pa.schema([row[n][0] for n in names]))


def _project(table: pa.Table, columns: Sequence[str]) -> pa.Table:
    """The requested columns in the requested order; an unknown one is refused as 0.41 does."""
    for c in columns:
        if c not in table.column_names:
            raise CatalogError(
                "INVALID_ARGUMENT",
                f"Unable to project columns: Invalid argument error: projected column '{c}' not found in schema",
            )
    return table.select(list(columns)) if columns else table


def _property_columns(rows: Sequence[pa.Table]) -> list[tuple[pa.Field, pa.Array]]:
    """Property columns across segments (nulls where a segment lacks one), sorted by name."""
    fields: dict[str, pa.Field] = {}
    for t in rows:
        for f in t.schema:
            fields.setdefault(f.name, f)
    out = []
    for name in sorted(fields):
        f = fields[name]
        vals = [t.column(name)[0].as_py() if name in t.column_names else None for t in rows]
        out.append((f, pa.array(vals, f.type)))
    return out


def _segment_bound(layers: Sequence[Layer], timeline: str, marker: str) -> int | None:
    ranges = [r for lay in layers if (r := lay.index.time_range(timeline)) is not None]
    if not ranges:
        return None
    return max(r[1] for r in ranges) if marker == "end" else min(r[0] for r in ranges)


def chunk_key(layer: Layer, chunk_id: Tuid) -> bytes:
    """A chunk's ``chunk_key``, as the real 0.41 server shapes it for where the layer lives.

    A layer in object storage gets 0.41's ``ChunkKey`` message: the chunk id and an
    ``RrdChunkLocation`` (the object's URL, the byte range of the chunk's message, its frame
    header included), which a
    client given a direct URL reads by HTTP range. A local file gets our opaque 32-byte key
    (as long as the real OSS server's): chunk id, then the layer's slot. FetchChunks is not
    entry-scoped, so the slot (or the URL) says where the chunk lives.
    """
    if is_direct(layer):
        entry = layer.index.chunk(chunk_id)
        if entry is not None:
            # the range starts at the message's frame header, as 0.41's keys do
            return _proto_chunk_key(
                layer, chunk_id, entry.offset - FRAME_HEADER_SIZE, entry.size + FRAME_HEADER_SIZE
            )
    return chunk_id.to_bytes() + layer.slot.to_bytes()


def is_direct(layer: Layer) -> bool:
    """Whether clients may read this layer's chunks straight from its object store: it lives
    there, and its chunks are in the current layout (older files are re-encoded by us)."""
    return is_object_url(layer.storage_url) and layer.index.raw_ok


def _proto_chunk_key(layer: Layer, chunk_id: Tuid, offset: int, length: int) -> bytes:
    loc = pb.RrdChunkLocation(url=layer.storage_url, offset=offset, length=length)
    key = pb.ChunkKey(
        chunk_id=tuid_to_proto(chunk_id),
        data_source_kind=pb.DATA_SOURCE_KIND_RRD,
        location=loc.SerializeToString(),
        registration_time_nanos=layer.registered_at_ns,
    )
    etag = getattr(layer.index.reader, "etag", None)
    if etag:
        key.etag = etag
    return key.SerializeToString()


@dataclass(frozen=True)
class ParsedKey:
    """What a ``chunk_key`` names: the chunk, and its layer's slot or its object's URL."""

    chunk_id: Tuid
    slot: Tuid | None = None
    url: str | None = None


def parse_chunk_key(key: bytes) -> ParsedKey:
    """A key made by :func:`chunk_key` (either shape); ``ValueError`` for anything else."""
    if len(key) == 32 and key[:1] != b"\x0a":
        return ParsedKey(Tuid.from_bytes(key[:16]), slot=Tuid.from_bytes(key[16:]))
    try:
        msg = pb.ChunkKey.FromString(key)
        loc = pb.RrdChunkLocation.FromString(msg.location)
    except DecodeError:
        msg = None
    if msg is None or not msg.HasField("chunk_id") or not loc.url:
        if len(key) == 32:
            return ParsedKey(Tuid.from_bytes(key[:16]), slot=Tuid.from_bytes(key[16:]))
        raise ValueError("not a chunk key")
    return ParsedKey(tuid_from_proto(msg.chunk_id), url=loc.url)


def chunk_info_table(
    ds: Dataset,
    seg: Segment | None,
    picked: Sequence[tuple[Layer, ChunkEntry]],
    timeline: str | None = None,
    start_column: str | None = None,
    direct_urls: dict[int, tuple[str, int]] | None = None,
) -> pa.Table:
    """The chunk descriptions FindChunks / QueryDataset return (FetchChunks takes them back).

    ``start_column`` names the column of each chunk's first time on ``timeline``: FindChunks
    always has ``chunk_timeline_start`` (null without a timeline), QueryDataset with a query
    ends with ``<timeline>:start``, as the real server answers. ``direct_urls`` maps a
    layer (by ``id``) to the URL a client may read its chunks from and when that expires.
    """
    n = len(picked)
    segment_id = seg.segment_id if seg is not None else ""
    chunks = [c for _, c in picked]
    cols: list[tuple[pa.Field, pa.Array]] = [
        (
            pa.field("chunk_id", pa.binary(16), False, _CONTROL),
            pa.array([c.chunk_id.to_bytes() for c in chunks], pa.binary(16)),
        ),
        (
            pa.field("chunk_segment_id", pa.string(), False, _CONTROL),
            pa.array([segment_id] * n, pa.string()),
        ),
        (
            pa.field("rerun_segment_layer", pa.string(), False),
            pa.array([lay.name for lay, _ in picked], pa.string()),
        ),
        (
            pa.field("chunk_key", pa.binary(), False),
            pa.array([chunk_key(lay, c.chunk_id) for lay, c in picked], pa.binary()),
        ),
        (
            pa.field("chunk_entity_path", pa.string(), False, _CONTROL),
            pa.array([c.entity_path for c in chunks], pa.string()),
        ),
        (pa.field("chunk_is_static", pa.bool_(), False, _CONTROL), pa.array([c.is_static for c in chunks])),
        # Sizes as the real server reports them: it holds chunks decoded, so both are the
        # uncompressed size (what a client will hold once fetched).
        (
            pa.field("chunk_byte_len", pa.uint64(), False),
            pa.array([c.size_uncompressed for c in chunks], pa.uint64()),
        ),
        (
            pa.field("chunk_byte_size_uncompressed", pa.uint64()),
            pa.array([c.size_uncompressed for c in chunks], pa.uint64()),
        ),
    ]
    starts = pa.array(
        [r[0] if timeline and (r := c.time_ranges.get(timeline)) else None for c in chunks], pa.int64()
    )
    start_field = pa.field(start_column or "", pa.int64(), True, {b"rerun:kind": b"index"})
    if start_column == "chunk_timeline_start":
        cols.append((start_field, starts))
    dict_str = pa.dictionary(pa.int32(), pa.string())
    dict_i64 = pa.dictionary(pa.int32(), pa.int64())
    direct = [(direct_urls or {}).get(id(lay)) for lay, _ in picked]
    urls = pa.array([d[0] if d else None for d in direct], pa.string()).dictionary_encode()
    expiry = pa.array([d[1] if d else None for d in direct], pa.int64()).dictionary_encode()
    cols.append((pa.field("rerun_layer_direct_url", dict_str), urls))
    cols.append((pa.field("rerun_layer_direct_url_expires_at", dict_i64), expiry))
    if start_column and start_column != "chunk_timeline_start":
        cols.append((start_field, starts))
    return pa.Table.from_arrays([a for _, a in cols], schema=pa.schema([f for f, _ in cols]))


def register_table(outcomes: Sequence[Outcome]) -> pa.Table:
    names = [
        "rerun_segment_id",
        "rerun_segment_layer",
        "rerun_segment_type",
        "rerun_storage_url",
        "rerun_task_id",
    ]
    arrays = [
        pa.array([o.segment_id for o in outcomes], pa.string()),
        pa.array([o.layer for o in outcomes], pa.string()),
        pa.array(["rrd"] * len(outcomes), pa.string()),
        pa.array([o.storage_url for o in outcomes], pa.string()),
        pa.array([o.task_id for o in outcomes], pa.string()),
    ]
    return pa.Table.from_arrays(arrays, schema=pa.schema([pa.field(k, pa.string(), False) for k in names]))


def tasks_table(tasks: Sequence[tuple[str, str, str | None]]) -> pa.Table:
    """Rows ``(task_id, exec_status, message)``, with the real server's task columns."""
    n = len(tasks)
    none_s = pa.nulls(n, pa.string())
    none_ts = pa.nulls(n, _TS)
    fields_arrays = [
        (pa.field("task_id", pa.string(), False), pa.array([t[0] for t in tasks], pa.string())),
        (pa.field("kind", pa.string()), none_s),
        (pa.field("data", pa.string()), none_s),
        (pa.field("exec_status", pa.string(), False), pa.array([t[1] for t in tasks], pa.string())),
        (pa.field("msgs", pa.string()), pa.array([t[2] for t in tasks], pa.string())),
        (pa.field("blob", pa.binary()), pa.nulls(n, pa.binary())),
        (pa.field("lease_owner", pa.string()), none_s),
        (pa.field("lease_expiration", _TS), none_ts),
        (pa.field("attempts", pa.uint8(), False), pa.array([1] * n, pa.uint8())),
        (pa.field("creation_time", _TS), none_ts),
        (pa.field("last_update_time", _TS), none_ts),
    ]
    return pa.Table.from_arrays(
        [a for _, a in fields_arrays], schema=pa.schema([f for f, _ in fields_arrays])
    )


_MANIFEST_FIELDS = [
    pa.field("rerun_layer_name", pa.string(), False),
    pa.field("rerun_segment_id", pa.string(), False),
    pa.field("rerun_storage_url", pa.string(), False),
    pa.field("rerun_layer_type", pa.string(), False),
    pa.field("rerun_registration_time", _TS, False),
    pa.field("rerun_last_updated_at", _TS, False),
    pa.field("rerun_num_chunks", pa.uint64()),
    pa.field("rerun_size_bytes", pa.uint64()),
    pa.field("rerun_schema_sha256", pa.binary(32)),
    pa.field("rerun_registration_status", pa.string(), False),
]


def unregister_table() -> pa.Table:
    """The (empty) table the real server answers UnregisterFromDataset with."""
    return pa.schema(_MANIFEST_FIELDS).empty_table()


def dataset_manifest(
    ds: Dataset, segment_ids: Iterable[str] = (), layers: Iterable[str] = (), columns: Sequence[str] = ()
) -> pa.Table:
    """One row per (segment, layer): where it came from, its size, and its properties."""
    want_segs, want_layers = set(segment_ids), set(layers)
    rows = [
        (seg, lay)
        for seg, lay in ds.layers()
        if (not want_segs or seg.segment_id in want_segs) and (not want_layers or lay.name in want_layers)
    ]
    arrays: list[pa.Array] = [
        pa.array([lay.name for _, lay in rows], pa.string()),
        pa.array([seg.segment_id for seg, _ in rows], pa.string()),
        pa.array([lay.storage_url for _, lay in rows], pa.string()),
        pa.array(["rrd"] * len(rows), pa.string()),
        pa.array([lay.registered_at_ns for _, lay in rows], pa.int64()).cast(_TS),
        pa.array([lay.registered_at_ns for _, lay in rows], pa.int64()).cast(_TS),
        pa.array([lay.num_chunks for _, lay in rows], pa.uint64()),
        pa.array([lay.size_bytes for _, lay in rows], pa.uint64()),
        pa.array([lay.index.schema_sha256 for _, lay in rows], pa.binary(32)),
        pa.array(["done"] * len(rows), pa.string()),
    ]
    fields = list(_MANIFEST_FIELDS)
    for f, arr in _property_columns([lay.index.properties() for _, lay in rows]):
        fields.append(f)
        arrays.append(arr)
    return _project(pa.Table.from_arrays(arrays, schema=pa.schema(fields)), columns)
