"""``to_ray``: a dataset read as a ``ray.data.Dataset``, one read task per segment (or per index
sub-range of a large one), the workers reading the layer files themselves.

The driver asks the server only for the plan: the dataset schema (``GetDatasetSchema``), where
every layer lies (``ScanDatasetManifest``) and, for an index read, each segment's index range
(``ScanSegmentTable``). Chunks never pass through the server: each task indexes its segment's
layer files from their footers (a local file or an object-store URL, with the server's own
reader code), picks the chunks with the server's FindChunks rules (``select.select_chunks``) on
the request the client would have sent, and builds the rows with the reader's per-segment code,
so the rows equal ``reader()``'s. Ray is imported only here, and only when ``to_ray`` is called.
"""

from __future__ import annotations

import functools
import math
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import ray
import ray.data
from ray.data.block import BlockMetadata
from ray.data.datasource import Datasource, ReadTask

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.store.chunk import Chunk
from rerun_core.store.rrd import dataframe_part_to_table

from ._conn import Connection
from ._reader import (
    Pushdown,
    ReadSpec,
    _as_int64,
    _per_segment_values,
    find_chunks_request,
    reader_schema,
    segment_table_of_chunks,
    view_selection,
)
from ._types import EntryId

if TYPE_CHECKING:
    from rerun_core.server.catalog.model import Dataset, Layer
    from rerun_core.server.catalog.segment_index import LayerIndex

    from ._entry import DatasetEntry

READER_OPTIONS = frozenset(
    {
        "include_semantically_empty_columns",
        "include_tombstone_columns",
        "fill_latest_at",
        "using_index_values",
    }
)
PART_BYTES = 256 << 20  # a segment larger than this (on disk) is read by several tasks
_MANIFEST_COLUMNS = [
    "rerun_segment_id",
    "rerun_layer_name",
    "rerun_storage_url",
    "rerun_registration_time",
    "rerun_size_bytes",
    "rerun_registration_status",
]


@dataclass(frozen=True)
class LayerSource:
    """One layer of a segment, as the manifest names it (what a worker needs to index it)."""

    name: str
    url: str
    registered_ns: int


@dataclass(frozen=True)
class SegmentPart:
    """One read task: a segment, or the rows of a segment within ``[start, end]`` of the index."""

    segment: str
    layers: tuple[LayerSource, ...]
    size_bytes: int
    start: int | None = None
    end: int | None = None
    samples: np.ndarray | None = field(default=None, compare=False)  # per-segment index values


@dataclass(frozen=True)
class ReaderFlags:
    """The reader's boolean options."""

    include_semantically_empty_columns: bool = False
    include_tombstone_columns: bool = False
    fill_latest_at: bool = False

    def spec(
        self,
        conn: Connection,
        entry: EntryId,
        index: str | None,
        using: Any = None,
        segments: list[str] | None = None,
        contents: list[list[str]] | None = None,
    ) -> ReadSpec:
        return ReadSpec(
            conn,
            entry,
            index,
            include_semantically_empty_columns=self.include_semantically_empty_columns,
            include_tombstone_columns=self.include_tombstone_columns,
            fill_latest_at=self.fill_latest_at,
            using_index_values=using,
            segments=segments,
            contents=contents,
        )


@dataclass(frozen=True)
class RayQuery:
    """What every task shares (put in Ray's object store once, not copied into each task)."""

    entry: EntryId
    index: str | None
    schema: pa.Schema  # the reader's output schema
    flags: ReaderFlags
    start: int | None = None
    end: int | None = None
    values: np.ndarray | None = None  # plain using_index_values (every segment samples them)
    per_segment: bool = False  # using_index_values named values per segment (in each part)

    def spec(self, part: SegmentPart) -> ReadSpec:
        """The reader's spec for one part. Workers never call the server: the seams they use
        read no connection, hence none is given."""
        using: Any = self.values
        if self.per_segment:
            using = {part.segment: part.samples if part.samples is not None else np.zeros(0, np.int64)}
        return self.flags.spec(cast(Connection, None), self.entry, self.index, using)


# --- the plan (driver) ----------------------------------------------------------------------


def _scan(dataset: DatasetEntry, method: str, req: Any) -> pa.Table:
    parts = [dataframe_part_to_table(r.data) for r in dataset._conn.stream(method, req, entry=dataset.id)]
    parts = [p for p in parts if p.num_columns]
    return pa.concat_tables(parts, promote_options="permissive") if parts else pa.table({})


def _layers(dataset: DatasetEntry, segments: list[str] | None) -> dict[str, list[tuple[LayerSource, int]]]:
    """Segment id -> its layers in registration order (as the server orders them), with sizes."""
    req = pb.ScanDatasetManifestRequest(columns=_MANIFEST_COLUMNS)
    if segments is not None:
        req.segment_id_filter.scan_only.segment_ids.extend(segments)
    t = _scan(dataset, "ScanDatasetManifest", req)
    out: dict[str, list[tuple[LayerSource, int]]] = {}
    if not t.num_rows:
        return out
    regs = t.column("rerun_registration_time").cast(pa.int64()).to_pylist()
    rows = zip(
        t.column("rerun_segment_id").to_pylist(),
        t.column("rerun_layer_name").to_pylist(),
        t.column("rerun_storage_url").to_pylist(),
        regs,
        t.column("rerun_size_bytes").to_pylist(),
        t.column("rerun_registration_status").to_pylist(),
        strict=True,
    )
    for seg, name, url, reg, size, status in rows:
        if status == "done":
            out.setdefault(seg, []).append((LayerSource(name, url, reg), int(size or 0)))
    for layers in out.values():
        layers.sort(key=lambda ls: (ls[0].registered_ns, ls[0].name))
    return out


def _index_ranges(dataset: DatasetEntry, index: str, segments: list[str]) -> dict[str, tuple[int, int]]:
    """Segment id -> its range on ``index``; segments without data on it are left out."""
    req = pb.ScanSegmentTableRequest(columns=["rerun_segment_id", f"{index}:start", f"{index}:end"])
    req.segment_id_filter.scan_only.segment_ids.extend(segments)
    t = _scan(dataset, "ScanSegmentTable", req)
    if not t.num_rows:
        return {}
    ids = t.column("rerun_segment_id").to_pylist()
    lo = _as_int64(t.column(f"{index}:start").fill_null(0)).tolist()
    hi = _as_int64(t.column(f"{index}:end").fill_null(0)).tolist()
    valid = t.column(f"{index}:start").is_valid().to_pylist()
    return {s: (a, b) for s, a, b, ok in zip(ids, lo, hi, valid, strict=True) if ok}


def split_range(lo: int, hi: int, parts: int) -> list[tuple[int | None, int | None]]:
    """``parts`` consecutive sub-ranges covering [lo, hi]; the outer ends are left open."""
    parts = max(1, min(parts, hi - lo + 1))
    width = (hi - lo + 1) / parts
    cuts = [lo + round(i * width) for i in range(1, parts)]
    starts: list[int | None] = [None, *cuts]
    ends: list[int | None] = [*(c - 1 for c in cuts), None]
    return list(zip(starts, ends, strict=True))


def plan_parts(
    layers: dict[str, list[tuple[LayerSource, int]]],
    ranges: dict[str, tuple[int, int]] | None,
    samples: dict[str, np.ndarray] | None,
    part_bytes: int,
) -> list[SegmentPart]:
    """Read tasks: one per segment, a large one split by index range (never when sampling)."""
    out: list[SegmentPart] = []
    for seg in sorted(layers):
        if ranges is not None and seg not in ranges:
            continue  # no data on the index: no rows
        if samples is not None and seg not in samples:
            continue  # no index values asked of this segment
        srcs = tuple(src for src, _ in layers[seg])
        size = sum(n for _, n in layers[seg])
        pieces = math.ceil(size / part_bytes) if part_bytes > 0 else 1
        if ranges is None or samples is not None or pieces <= 1:
            out.append(SegmentPart(seg, srcs, size, samples=None if samples is None else samples[seg]))
            continue
        subs = split_range(*ranges[seg], pieces)
        out.extend(SegmentPart(seg, srcs, size // len(subs), a, b) for a, b in subs)
    return out


def plan(
    dataset: DatasetEntry,
    index: str | None,
    *,
    segments: list[str] | None = None,
    contents: list[list[str]] | None = None,
    start: int | None = None,
    end: int | None = None,
    part_bytes: int = PART_BYTES,
    **reader_options: Any,
) -> tuple[RayQuery, list[SegmentPart]]:
    """The shared query and the read tasks, from three scans of the server's tables."""
    unknown = set(reader_options) - READER_OPTIONS
    if unknown:
        raise TypeError(f"to_ray() got unexpected keyword arguments: {', '.join(sorted(unknown))}")
    dataset_schema = dataset._arrow_schema()
    if index is not None and index not in dataset_schema.names:
        raise ValueError(f"Index '{index}' does not exist in the dataset.")
    using = reader_options.pop("using_index_values", None)
    flags = ReaderFlags(**{k: bool(v) for k, v in reader_options.items()})
    spec = flags.spec(dataset._conn, dataset.id, index, segments=segments, contents=contents)
    per_segment = _per_segment_values(using, index) if using is not None else None
    values = _as_int64(using) if using is not None and per_segment is None else None
    query = RayQuery(
        dataset.id,
        index,
        reader_schema(dataset_schema, spec),
        flags,
        start,
        end,
        values,
        per_segment is not None,
    )
    if segments is not None and not segments:
        return query, []
    layers = _layers(dataset, segments)
    ranges = _index_ranges(dataset, index, sorted(layers)) if index is not None and layers else None
    return query, plan_parts(layers, ranges, per_segment, part_bytes)


# --- the read (workers) ---------------------------------------------------------------------

_FOOTERS: OrderedDict[tuple[str, str, int, int], LayerIndex] = OrderedDict()
_FOOTERS_LOCK = threading.Lock()
FOOTER_CACHE_SIZE = 256  # per worker process: the parts of a split segment share footers


def _layer_index(src: LayerSource, segment: str, ds: Dataset) -> LayerIndex:
    """The segment's recording in one layer file, indexed from its footer (cached per file
    version for local files; the object-store reader caches footers itself)."""
    from rerun_core.server.catalog.registration import index_path, path_from_url

    target = path_from_url(src.url)
    key: tuple[str, str, int, int] | None = None
    if isinstance(target, Path):
        st = target.stat()
        key = (src.url, segment, st.st_size, st.st_mtime_ns)
        with _FOOTERS_LOCK:
            if (hit := _FOOTERS.get(key)) is not None:
                _FOOTERS.move_to_end(key)
                return hit
    found = [i for i in index_path(target, ds) if i.store_id.recording_id == segment]
    if not found:
        raise ValueError(f"{src.url} holds no recording '{segment}' (changed since it was registered?)")
    if key is not None:
        with _FOOTERS_LOCK:
            _FOOTERS[key] = found[0]
            while len(_FOOTERS) > FOOTER_CACHE_SIZE:
                _FOOTERS.popitem(last=False)
    return found[0]


def _local_dataset(part: SegmentPart) -> Dataset:
    """A one-segment dataset of the part's layers, the shape the server's chunk selection reads."""
    from rerun_core.server.catalog.model import Dataset, Layer, Segment
    from rerun_core.types.tuid import Tuid

    ds = Dataset(Tuid(0, 0), "ray")
    seg = ds.segments[part.segment] = Segment(part.segment)
    for src in part.layers:
        seg.layers[src.name] = Layer(
            src.name, src.url, _layer_index(src, part.segment, ds), src.registered_ns
        )
    return ds


def _picked_chunks(ds: Dataset, req: pb.FindChunksRequest) -> Iterator[Chunk]:
    """The chunks FindChunks would name, read by byte range layer by layer (as FetchChunks)."""
    from rerun_core.server.catalog.select import select_chunks

    for _, picked, _ in select_chunks(ds, req):
        by_layer: dict[int, tuple[Layer, list[Any]]] = {}
        for lay, entry in picked:
            by_layer.setdefault(id(lay), (lay, []))[1].append(entry)
        for lay, entries in by_layer.values():
            yield from lay.index.read_chunks(entries)


def _bounds(*pairs: tuple[int | None, int | None]) -> tuple[int | None, int | None]:
    los = [a for a, _ in pairs if a is not None]
    his = [b for _, b in pairs if b is not None]
    return (max(los) if los else None), (min(his) if his else None)


def _crop(table: pa.Table, index: str, lo: int | None, hi: int | None) -> pa.Table:
    """Rows within [lo, hi] (the filter DataFusion applies after a reader's scan)."""
    if lo is None and hi is None:
        return table
    col = table.column(index)
    values = col.cast(pa.int64()) if not pa.types.is_integer(col.type) else col
    mask = None
    if lo is not None:
        mask = pc.greater_equal(values, lo)
    if hi is not None:
        upper = pc.less_equal(values, hi)
        mask = upper if mask is None else pc.and_(mask, upper)
    return table.filter(mask)


def read_part(query: RayQuery, part: SegmentPart) -> pa.Table:
    """One task's rows: index the layer files, select, read and decode the chunks, build rows."""
    spec = query.spec(part)
    lo, hi = _bounds((query.start, query.end), (part.start, part.end))
    push = Pushdown(start=lo, end=hi)
    entities, contents = view_selection(spec, query.schema, push)
    if not entities:
        return query.schema.empty_table()
    req = find_chunks_request(spec, contents, [part.segment], push)
    chunks = _picked_chunks(_local_dataset(part), req)
    samples = spec.using_index_values if query.per_segment else None
    table = segment_table_of_chunks(spec, query.schema, entities, part.segment, chunks, samples, push)
    if table is None:
        return query.schema.empty_table()
    return _crop(table, query.index, lo, hi) if query.index is not None else table


# --- Ray ------------------------------------------------------------------------------------


def _run_part(query_ref: Any, part: SegmentPart) -> list[pa.Table]:
    query = ray.get(query_ref) if isinstance(query_ref, ray.ObjectRef) else query_ref
    return [read_part(query, part)]


def _metadata(part: SegmentPart) -> BlockMetadata:
    urls = tuple(src.url for src in part.layers)
    try:
        return BlockMetadata(num_rows=None, size_bytes=part.size_bytes, input_files=urls, exec_stats=None)
    except TypeError:  # Ray before 2.47 also wants the schema here
        return BlockMetadata(  # type: ignore[call-arg]
            num_rows=None, size_bytes=part.size_bytes, schema=None, input_files=urls, exec_stats=None
        )


class CatalogDatasource(Datasource):
    """The read tasks of a plan; the shared query goes to Ray's object store once per read."""

    def __init__(self, query: RayQuery, parts: list[SegmentPart]) -> None:
        super().__init__()
        self.query = query
        self.parts = parts

    def get_name(self) -> str:
        return "RerunCatalog"

    def estimate_inmemory_data_size(self) -> int | None:
        return sum(p.size_bytes for p in self.parts)

    def get_read_tasks(self, parallelism: int, *args: Any, **kwargs: Any) -> list[ReadTask]:
        ref = ray.put(self.query)
        return [ReadTask(functools.partial(_run_part, ref, p), _metadata(p)) for p in self.parts]


def to_ray(
    dataset: DatasetEntry,
    index: str | None,
    *,
    segments: list[str] | None = None,
    contents: list[list[str]] | None = None,
    start: int | None = None,
    end: int | None = None,
    part_bytes: int = PART_BYTES,
    **reader_options: Any,
) -> ray.data.Dataset:
    """A lazy ``ray.data.Dataset`` of the rows ``reader(index, **reader_options)`` would give."""
    query, parts = plan(
        dataset,
        index,
        segments=segments,
        contents=contents,
        start=start,
        end=end,
        part_bytes=part_bytes,
        **reader_options,
    )
    if not parts:
        return ray.data.from_arrow(query.schema.empty_table())
    return ray.data.read_datasource(CatalogDatasource(query, parts))
