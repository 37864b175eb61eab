"""The Arrow tables catalog RPCs answer with, shaped as the real 0.41 server's."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa

from rerun_core.store.chunk import Chunk
from rerun_core.types.time import TimeType
from rerun_core.types.tuid import Tuid

from .model import Dataset, Segment

PROPERTIES_ENTITY = "/__properties"
_CONTROL = {b"rerun:kind": b"control"}
_TS = pa.timestamp("ns")


def column_name(entity: str, component: str) -> str:
    """The dataframe column of a component: ``/e:Points3D:positions`` or ``property:...``."""
    if entity == PROPERTIES_ENTITY:
        return f"property:{component}"
    if entity.startswith(PROPERTIES_ENTITY + "/"):
        return f"property:{entity[len(PROPERTIES_ENTITY) + 1 :]}:{component}"
    return f"{entity}:{component}"


def _timelines(chunks: Iterable[Chunk]) -> dict[str, TimeType]:
    out: dict[str, TimeType] = {}
    for c in chunks:
        for name, col in c.timelines.items():
            out.setdefault(name, col.typ)
    return out


def dataset_schema(ds: Dataset) -> pa.Schema:
    """Row id, then every timeline, then every component column of the dataset (by name)."""
    chunks = [c for seg in ds.segments.values() for c in seg.chunks]
    fields = [
        pa.field(
            "rerun.controls.RowId",
            pa.binary(16),
            nullable=False,
            metadata={
                b"ARROW:extension:metadata": b'{"namespace":"row"}',
                b"ARROW:extension:name": b"rerun.datatypes.TUID",
                **_CONTROL,
            },
        )
    ]
    for name, typ in sorted(_timelines(chunks).items()):
        meta = {b"rerun:index_name": name.encode(), b"rerun:kind": b"index"}
        fields.append(pa.field(name, typ.arrow_type, metadata=meta))
    comps: dict[str, pa.Field] = {}
    for c in chunks:
        entity = str(c.entity_path)
        for desc, arr in c.components.items():
            col = column_name(entity, desc.component)
            if col in comps:
                continue
            meta = {b"rerun:component": desc.component.encode(), b"rerun:entity_path": entity.encode()}
            if desc.archetype:
                meta[b"rerun:archetype"] = desc.archetype.encode()
            if desc.component_type:
                meta[b"rerun:component_type"] = desc.component_type.encode()
            if c.is_static:
                meta[b"rerun:is_static"] = b"true"
            meta[b"rerun:kind"] = b"data"
            comps[col] = pa.field(col, arr.type, metadata=meta)
    fields += [comps[k] for k in sorted(comps)]
    return pa.schema(fields)


def segment_table(ds: Dataset, columns: Sequence[str] = ()) -> pa.Table:
    """One row per segment: id, layers, storage URLs, update time, chunk count, size, time ranges."""
    segs = sorted(ds.segments.values(), key=lambda s: s.segment_id)
    cols: dict[str, pa.Array] = {
        "rerun_segment_id": pa.array([s.segment_id for s in segs], pa.string()),
        "rerun_layer_names": pa.array(
            [[s.layer] for s in segs], pa.list_(pa.field("item", pa.string(), False))
        ),
        "rerun_storage_urls": pa.array(
            [[s.storage_url] for s in segs], pa.list_(pa.field("item", pa.string(), False))
        ),
        "rerun_last_updated_at": pa.array([s.registered_at_ns for s in segs], pa.int64()).cast(_TS),
        "rerun_num_chunks": pa.array([len(s.chunks) for s in segs], pa.uint64()),
        "rerun_size_bytes": pa.array([s.size_bytes for s in segs], pa.uint64()),
    }
    fields = [pa.field(k, v.type, nullable=False) for k, v in cols.items()]
    for f, arr in _property_columns(segs):
        cols[f.name] = arr
        fields.append(f)
    timelines = _timelines(c for s in segs for c in s.chunks)
    for name, typ in sorted(timelines.items()):
        for marker in ("end", "start"):
            vals = [_segment_bound(s, name, marker) for s in segs]
            meta = {
                b"rerun:index": name.encode(),
                b"rerun:index_kind": typ.value.encode(),
                b"rerun:index_marker": marker.encode(),
                b"rerun:kind": b"index",
            }
            key = f"{name}:{marker}"
            cols[key] = pa.array(vals, pa.int64()).view(typ.arrow_type)
            fields.append(pa.field(key, typ.arrow_type, metadata=meta))
    table = pa.Table.from_arrays(list(cols.values()), schema=pa.schema(fields))
    wanted = [c for c in columns if c in table.column_names]
    return table.select(wanted) if columns and wanted else table


def _property_columns(segs: Sequence[Segment]) -> list[tuple[pa.Field, pa.Array]]:
    """Each segment's recording properties (static ``/__properties`` data, newest row wins)."""
    values: dict[str, dict[str, Any]] = {}
    fields: dict[str, pa.Field] = {}
    for seg in segs:
        for c in sorted(seg.chunks, key=lambda c: c.id):
            entity = str(c.entity_path)
            if not c.is_static or not (
                entity == PROPERTIES_ENTITY or entity.startswith(PROPERTIES_ENTITY + "/")
            ):
                continue
            for desc, arr in c.components.items():
                if len(arr) == 0:
                    continue
                name = column_name(entity, desc.component)
                meta = {b"rerun:component": desc.component.encode(), b"rerun:entity_path": entity.encode()}
                if desc.archetype:
                    meta[b"rerun:archetype"] = desc.archetype.encode()
                if desc.component_type:
                    meta[b"rerun:component_type"] = desc.component_type.encode()
                meta[b"rerun:kind"] = b"data"
                fields.setdefault(name, pa.field(name, arr.type, metadata=meta))
                values.setdefault(name, {})[seg.segment_id] = arr[len(arr) - 1]
    out = []
    for name in sorted(fields):
        f = fields[name]
        scalars = [values[name].get(seg.segment_id) for seg in segs]
        arr = pa.array([v.as_py() if v is not None else None for v in scalars], f.type)
        out.append((f, arr))
    return out


def _segment_bound(seg: Segment, timeline: str, marker: str) -> int | None:
    ranges = [r for c in seg.chunks if (col := c.timelines.get(timeline)) and (r := col.time_range())]
    if not ranges:
        return None
    return max(r[1] for r in ranges) if marker == "end" else min(r[0] for r in ranges)


def chunk_key(dataset_id: Tuid, segment_id: str, chunk: Chunk) -> bytes:
    """Our opaque chunk key: chunk id, dataset id, then the segment id (UTF-8).

    FetchChunks is not entry-scoped (the client sends no entry header), so the key says it all.
    """
    return chunk.id.to_bytes() + dataset_id.to_bytes() + segment_id.encode()


def chunk_info_table(
    ds: Dataset, seg: Segment, chunks: Sequence[Chunk], timeline: str | None = None
) -> pa.Table:
    """The chunk descriptions FindChunks / QueryDataset return (FetchChunks takes them back)."""
    n = len(chunks)
    sizes = [c.num_bytes for c in chunks]
    cols: list[tuple[pa.Field, pa.Array]] = [
        (
            pa.field("chunk_id", pa.binary(16), False, _CONTROL),
            pa.array([c.id.to_bytes() for c in chunks], pa.binary(16)),
        ),
        (
            pa.field("chunk_segment_id", pa.string(), False, _CONTROL),
            pa.array([seg.segment_id] * n, pa.string()),
        ),
        (pa.field("rerun_segment_layer", pa.string(), False), pa.array([seg.layer] * n, pa.string())),
        (
            pa.field("chunk_key", pa.binary(), False),
            pa.array([chunk_key(ds.id, seg.segment_id, c) for c in chunks], pa.binary()),
        ),
        (
            pa.field("chunk_entity_path", pa.string(), False, _CONTROL),
            pa.array([str(c.entity_path) for c in chunks]),
        ),
        (pa.field("chunk_is_static", pa.bool_(), False, _CONTROL), pa.array([c.is_static for c in chunks])),
        (pa.field("chunk_byte_len", pa.uint64(), False), pa.array(sizes, pa.uint64())),
        (pa.field("chunk_byte_size_uncompressed", pa.uint64()), pa.array(sizes, pa.uint64())),
    ]
    if timeline is not None:
        starts = []
        for c in chunks:
            col = c.timelines.get(timeline)
            r = col.time_range() if col is not None else None
            starts.append(r[0] if r else None)
        cols.append(
            (
                pa.field("chunk_timeline_start", pa.int64(), True, {b"rerun:kind": b"index"}),
                pa.array(starts, pa.int64()),
            )
        )
    dict_str = pa.dictionary(pa.int32(), pa.string())
    dict_i64 = pa.dictionary(pa.int32(), pa.int64())
    cols.append((pa.field("rerun_layer_direct_url", dict_str), pa.nulls(n, pa.string()).dictionary_encode()))
    cols.append(
        (pa.field("rerun_layer_direct_url_expires_at", dict_i64), pa.nulls(n, pa.int64()).dictionary_encode())
    )
    return pa.Table.from_arrays([a for _, a in cols], schema=pa.schema([f for f, _ in cols]))


def register_table(segments: Sequence[Segment], task_id: str) -> pa.Table:
    n = len(segments)
    names = [
        "rerun_segment_id",
        "rerun_segment_layer",
        "rerun_segment_type",
        "rerun_storage_url",
        "rerun_task_id",
    ]
    arrays = [
        pa.array([s.segment_id for s in segments], pa.string()),
        pa.array([s.layer for s in segments], pa.string()),
        pa.array(["rrd"] * n, pa.string()),
        pa.array([s.storage_url for s in segments], pa.string()),
        pa.array([task_id] * n, pa.string()),
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


def unregister_table() -> pa.Table:
    """The (empty) table the real server answers UnregisterFromDataset with."""
    fields = [
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
    return pa.schema(fields).empty_table()
