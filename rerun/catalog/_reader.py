"""Dataset reads: FindChunks -> FetchChunks per segment -> a local ChunkStore query per segment."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import common_pb2
from rerun_core.store.rrd import arrow_msg_from_proto, dataframe_part_from_arrow, dataframe_part_to_table
from rerun_core.store.store import ChunkStore

from ._conn import Connection
from ._types import EntryId


def _find_chunks(
    conn: Connection, entry: EntryId, index: str | None, fill_latest_at: bool, segments: list[str] | None
) -> pa.Table | None:
    if segments is None:
        everything = pb.SegmentSelection(all={})
    else:
        ids = [common_pb2.SegmentId(id=s) for s in segments]
        everything = pb.SegmentSelection(explicit=pb.SegmentIds(ids=ids))
    if index is None:
        req = pb.FindChunksRequest(
            contents=pb.ContentSelection(all={}), static=pb.StaticSelection(segments=everything)
        )
    else:
        fill = pb.FILL_MODE_LATEST_AT if fill_latest_at else pb.FILL_MODE_NONE
        sel = pb.RangeSelection(timeline=index, fill_mode=fill, segments=everything)
        req = pb.FindChunksRequest(contents=pb.ContentSelection(all={}), range=sel)
    parts = [dataframe_part_to_table(r.data) for r in conn.stream("FindChunks", req, entry=entry)]
    parts = [p for p in parts if p.num_rows]
    return pa.concat_tables(parts, promote_options="permissive") if parts else None


def _segment_store(conn: Connection, entry: EntryId, infos: pa.Table) -> ChunkStore:
    store = ChunkStore()
    req = pb.FetchChunksRequest(chunk_infos=[dataframe_part_from_arrow(infos)])
    for resp in conn.stream("FetchChunks", req, entry=entry):
        for msg in resp.chunks:
            store.insert(arrow_msg_from_proto(msg).chunk)
    return store


def _as_int64(values: Any) -> np.ndarray:
    if isinstance(values, pa.ChunkedArray | pa.Array):
        values = values.cast(pa.int64()) if not pa.types.is_integer(values.type) else values
        return np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.int64)
    arr = np.asarray(values)
    if arr.dtype.kind in "mM":  # datetime64 / timedelta64: nanoseconds
        arr = arr.astype("datetime64[ns]" if arr.dtype.kind == "M" else "timedelta64[ns]")
    return arr.astype(np.int64)


def _per_segment_values(using: Any, index: str | None) -> dict[str, np.ndarray] | None:
    """A DataFrame (``rerun_segment_id`` + index column) or dict -> values per segment."""
    if isinstance(using, dict):
        return {str(k): _as_int64(v) for k, v in using.items()}
    if hasattr(using, "to_arrow_table"):
        table = using.to_arrow_table()
        if "rerun_segment_id" not in table.column_names or index not in table.column_names:
            raise ValueError(
                f"using_index_values DataFrame must have 'rerun_segment_id' and {index!r} columns"
            )
        out: dict[str, list[int]] = {}
        for seg, v in zip(
            table.column("rerun_segment_id").to_pylist(), _as_int64(table.column(index)), strict=True
        ):
            out.setdefault(str(seg), []).append(int(v))
        return {k: np.sort(np.asarray(v, np.int64)) for k, v in out.items()}
    return None


def _index_values(
    using: Any, per_segment: dict[str, np.ndarray] | None, segment: str, store: ChunkStore, index: str | None
) -> np.ndarray | None:
    """This segment's sample values; plain values go only to segments whose range covers them."""
    if using is None:
        return None
    if per_segment is not None:
        return per_segment.get(segment)
    values = _as_int64(using)
    bounds = store.time_range(index) if index is not None else None
    if bounds is None:
        return values[:0]
    return values[(values >= bounds[0]) & (values <= bounds[1])]


def read_dataset(
    conn: Connection,
    entry: EntryId,
    index: str | None,
    *,
    include_semantically_empty_columns: bool = False,
    include_tombstone_columns: bool = False,
    fill_latest_at: bool = False,
    using_index_values: Any = None,
    segments: list[str] | None = None,
    contents: list[list[str]] | None = None,
) -> pa.Table:
    """One Arrow table: ``rerun_segment_id`` then the store's dataframe columns, segment by segment."""
    if segments is not None and not segments:
        return pa.table({"rerun_segment_id": pa.array([], pa.string())})
    infos = _find_chunks(conn, entry, index, fill_latest_at, segments)
    if infos is None:
        return pa.table({"rerun_segment_id": pa.array([], pa.string())})
    import pyarrow.compute as pc

    out = []
    per_segment = _per_segment_values(using_index_values, index)
    seg_ids = sorted(set(infos.column("chunk_segment_id").to_pylist()))
    for seg in seg_ids:
        if per_segment is not None and seg not in per_segment:
            continue  # no samples asked for here: nothing to fetch
        seg_infos = infos.filter(pc.equal(infos.column("chunk_segment_id"), seg))
        store = _segment_store(conn, entry, seg_infos)
        values = _index_values(using_index_values, per_segment, seg, store, index)
        if using_index_values is not None and values is None:
            continue
        table = store.dataframe(
            index,
            _contents(store, contents),
            fill_latest_at=fill_latest_at,
            using_index_values=values,
            include_tombstone_columns=include_tombstone_columns,
            include_semantically_empty_columns=include_semantically_empty_columns,
        )
        seg_col = pa.array([seg] * table.num_rows, pa.string())
        out.append(table.add_column(0, pa.field("rerun_segment_id", pa.string(), nullable=False), seg_col))
    if not out:
        return pa.table({"rerun_segment_id": pa.array([], pa.string())})
    return _order_columns(pa.concat_tables(out, promote_options="permissive"))


_BUILTIN_TIMELINES = ("log_tick", "log_time")


def _contents(store: ChunkStore, contents: list[list[str]] | None) -> str | list[str]:
    """Entity filter for one segment: every ``filter_contents`` call must keep an entity."""
    if contents is None:
        return "/**"
    from rerun_core.store.contents import select_entities

    kept: set[str] | None = None
    for exprs in contents:
        paths = {str(p) for p in select_entities(store, exprs)} if exprs else set()
        kept = paths if kept is None else kept & paths
    return sorted(kept or ())


def add_null_timelines(table: pa.Table, dataset_schema: pa.Schema) -> pa.Table:
    """Static-only reads still carry every timeline column of the dataset, all null."""
    for f in dataset_schema:
        if (f.metadata or {}).get(b"rerun:kind") == b"index" and f.name not in table.column_names:
            table = table.append_column(pa.field(f.name, f.type), pa.nulls(table.num_rows, f.type))
    return _order_columns(table)


def _order_columns(table: pa.Table) -> pa.Table:
    """Segment id, built-in timelines, other timelines, then components (the real reader's order)."""
    names = table.column_names
    timelines = [n for n in names[1:] if ":" not in n]
    builtin = [n for n in _BUILTIN_TIMELINES if n in timelines]
    rest = [n for n in timelines if n not in builtin]
    components = [n for n in names[1:] if ":" in n]
    return table.select([names[0], *builtin, *rest, *components])
