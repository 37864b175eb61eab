"""Building a manifest: scan the source for each sample's real data, keep the valid samples, then
lay one epoch's schedule over them.

The schedule uses the same primitives as a live ``RerunIterableDataset`` (the strategy's epoch
order, contiguous shards, fetch blocks, the emission buffer seeded ``[seed, rank, worker]``), so a
manifest replays exactly the order a live run would fetch and emit.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._pipeline import prior_keyframes
from .._sample_index import SampleIndex, SegmentMetadata, ns_to_value
from .._shuffle import NoShuffle, ShuffleBuffer, ShuffleStrategy, contiguous_shard, fetch_blocks
from ._manifest_meta import (
    COL_ANCHOR,
    COL_EMIT_RANK,
    COL_FETCH_GROUP,
    COL_RANK,
    COL_SEGMENT_ID,
    COL_WORKER,
    MANIFEST_FORMAT_VERSION,
    RANGE_HI,
    RANGE_LO,
    ManifestMeta,
    meta_to_schema_metadata,
)

if TYPE_CHECKING:
    from rerun.catalog import DatasetEntry

    from .._config import DataSource, Field
    from .._sample_index import FixedRateSampling

_SCAN_MAX_WORKERS = 8
_SCHEDULE = (COL_RANK, COL_WORKER, COL_FETCH_GROUP, COL_EMIT_RANK)

PerSegment = dict[str, np.ndarray]  # segment id -> sorted int64 index values


@dataclass(frozen=True)
class _Scan:
    keyframes: dict[str, PerSegment]  # video field key -> its keyframes
    observed: dict[str, PerSegment]  # entity path -> the index values it has data at


def build_manifest_table(
    source: DataSource,
    index: str,
    fields: dict[str, Field],
    *,
    timeline_sampling: FixedRateSampling | None = None,
    fetch_block_size: int = 128,
    num_ranks: int = 1,
    num_workers_per_rank: int = 1,
    required_fields: list[str] | None = None,
    scan_max_workers: int | None = None,
) -> pa.Table:
    """The unshuffled (``NoShuffle``) manifest table of ``source``, header included."""
    required = set(fields) if required_fields is None else set(required_fields)
    sample_index = SampleIndex.build(source, index, fields, timeline_sampling=timeline_sampling)
    scan = _scan(source.dataset, index, fields, sample_index, required, scan_max_workers or _SCAN_MAX_WORKERS)
    table = _sample_table(fields, sample_index, scan, required)
    strategy = NoShuffle()
    table = schedule_samples(
        table,
        strategy=strategy,
        fetch_block_size=fetch_block_size,
        num_ranks=num_ranks,
        num_workers_per_rank=num_workers_per_rank,
        seed=0,
    )
    meta = ManifestMeta(
        format_version=MANIFEST_FORMAT_VERSION,
        dataset_name=source.dataset.name,
        dataset_id=str(source.dataset.id),
        index_name=index,
        ns_per_sample=sample_index.ns_per_sample,
        ns_dtype=sample_index.ns_dtype,
        recipe={key: f.to_recipe() for key, f in fields.items()},
        required_fields=sorted(required),
        fetch_block_size=fetch_block_size,
        buffer_size=None,
        min_fill=None,
        num_ranks=num_ranks,
        num_workers_per_rank=num_workers_per_rank,
        seed=0,
        shuffle_strategy=strategy.RECIPE_TAG,
    )
    return table.replace_schema_metadata(meta_to_schema_metadata(meta))


def _entity(field: Field) -> str:
    return field.path.rsplit(":", 2)[0]


def _scan(
    view: DatasetEntry,
    index: str,
    fields: dict[str, Field],
    sample_index: SampleIndex,
    required: set[str],
    max_workers: int,
) -> _Scan:
    """Video fields' keyframes (up to each segment's last sample) and, for the required other
    fields, the index values their entities have data at: one query each, run concurrently."""
    step = sample_index.ns_per_sample or 1
    last = [
        (seg, ns_to_value(seg.index_start + (seg.num_samples - 1) * step, sample_index.ns_dtype))
        for seg in sample_index.segments
        if seg.num_samples > 0
    ]
    segment_ids = sorted({seg.segment_id for seg, _ in last})
    entities = sorted(
        {_entity(f) for k, f in fields.items() if k in required and f.prior_keyframe_path is None}
    )
    tasks: list[Callable[[], Any]] = [partial(prior_keyframes, view, index, fields, last, sample_index)]
    if segment_ids:
        tasks += [partial(_observed, view, index, entity, segment_ids) for entity in entities]
    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(tasks)))) as pool:
        keyframes, *observed = [f.result() for f in [pool.submit(t) for t in tasks]]
    return _Scan(keyframes, dict(zip(entities, observed, strict=False)))


def _observed(view: DatasetEntry, index: str, entity: str, segment_ids: list[str]) -> PerSegment:
    """Per segment, the sorted distinct index values ``entity`` (or a child) has rows at."""
    from datafusion import col

    table = (
        view.filter_contents([f"{entity}/**"])
        .filter_segments(segment_ids)
        .reader(index=index)
        .select(col("rerun_segment_id"), col(index))
        .to_arrow_table()
    )
    table = table.filter(pc.is_valid(table.column(index)))
    segs = table.column("rerun_segment_id").to_numpy(zero_copy_only=False)
    values = table.column(index).cast(pa.int64()).to_numpy(zero_copy_only=False).astype(np.int64)
    return {str(s): np.unique(values[segs == s]) for s in np.unique(segs)}


def _window(field: Field, sample_index: SampleIndex) -> np.ndarray:
    """The field's window offsets in index units (nanoseconds on time timelines); ``[0]`` if none."""
    if field.window is None:
        return np.zeros(1, dtype=np.int64)
    if sample_index.ns_dtype is not None:
        return np.array([round(float(o) * 1e9) for o in field.window], dtype=np.int64)
    if any(int(o) != o for o in field.window):
        raise ValueError(f"Integer timelines require integral window offsets, got {field.window!r}")
    return np.array([int(o) for o in field.window], dtype=np.int64)


def _staleness(field: Field, sample_index: SampleIndex) -> int | None:
    limit = field.max_staleness
    if limit is None:
        return None
    if sample_index.ns_dtype is not None:
        return round(float(limit) * 1e9)
    if int(limit) != limit:
        raise ValueError(f"Integer timelines require integral max_staleness, got {limit!r}")
    return int(limit)


def _prior(values: np.ndarray | None, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per target, the last of the sorted ``values`` at or before it, and whether there is one."""
    if values is None or not values.size:
        return np.zeros_like(targets), np.zeros(targets.shape, dtype=bool)
    at = np.searchsorted(values, targets, side="right") - 1
    return values[np.maximum(at, 0)], at >= 0


def _valid(
    observed: np.ndarray | None, anchors: np.ndarray, window: np.ndarray, limit: int | None
) -> np.ndarray:
    """Whether every window point of each anchor has data at or before it (within ``limit``)."""
    ok = np.ones(anchors.shape, dtype=bool)
    for delta in window.tolist():
        targets = anchors + delta
        value, found = _prior(observed, targets)
        ok &= found if limit is None else found & (targets - value <= limit)
    return ok


def _segment_rows(
    seg: SegmentMetadata,
    fields: dict[str, Field],
    sample_index: SampleIndex,
    scan: _Scan,
    required: set[str],
) -> tuple[np.ndarray, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """One segment's kept anchors and each field's ``[lo, hi]`` decode range at them."""
    step = sample_index.ns_per_sample or 1
    anchors = seg.index_start + np.arange(seg.num_samples, dtype=np.int64) * step
    keep = np.ones(anchors.shape, dtype=bool)
    ranges: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for key, field in fields.items():
        window = _window(field, sample_index)
        lo, hi = anchors + int(window.min()), anchors + int(window.max())
        video = field.prior_keyframe_path is not None
        keyframes = scan.keyframes.get(key, {}).get(seg.segment_id)
        if key in required:
            # video: keyframes stand in for the frames (a conservative check, no heavy column read)
            seen = keyframes if video else scan.observed.get(_entity(field), {}).get(seg.segment_id)
            keep &= _valid(seen, anchors, window, _staleness(field, sample_index))
        if video:
            keyframe, found = _prior(keyframes, lo)
            lo = np.where(found, keyframe, lo)
            if key in required:
                keep &= found
        ranges[key] = (lo, hi)
    return anchors[keep], {k: (lo[keep], hi[keep]) for k, (lo, hi) in ranges.items()}


def _sample_table(
    fields: dict[str, Field], sample_index: SampleIndex, scan: _Scan, required: set[str]
) -> pa.Table:
    """Every kept sample: ``segment_id`` (dictionary-encoded, value-sorted dictionary, so equal
    samples give equal files), ``anchor``, and a ``struct<lo, hi>`` per field."""
    ids: list[str] = []
    counts: list[int] = []
    anchors: list[np.ndarray] = []
    ranges: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {k: [] for k in fields}
    for seg in sample_index.segments:
        kept, seg_ranges = _segment_rows(seg, fields, sample_index, scan, required)
        if kept.size:
            ids.append(seg.segment_id)
            counts.append(int(kept.size))
            anchors.append(kept)
            for key, pair in seg_ranges.items():
                ranges[key].append(pair)
    dictionary = sorted(ids)
    code = {s: i for i, s in enumerate(dictionary)}
    codes = np.repeat(np.array([code[s] for s in ids], dtype=np.int32), np.array(counts, dtype=np.int64))
    columns: dict[str, pa.Array] = {
        COL_SEGMENT_ID: pa.DictionaryArray.from_arrays(
            pa.array(codes, type=pa.int32()), pa.array(dictionary, type=pa.string())
        ),
        COL_ANCHOR: pa.array(_concat(anchors, np.int64), type=pa.int64()),
    }
    for key, pairs in ranges.items():
        lo = _concat([p[0] for p in pairs], np.int64)
        hi = _concat([p[1] for p in pairs], np.int64)
        columns[key] = pa.StructArray.from_arrays(
            [pa.array(lo, type=pa.int64()), pa.array(hi, type=pa.int64())], names=[RANGE_LO, RANGE_HI]
        )
    return pa.table(columns)


def _concat(parts: list[np.ndarray], dtype: Any) -> np.ndarray:
    return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)


def _dictionary(seg_ids: pa.Array | pa.ChunkedArray) -> pa.DictionaryArray:
    combined = seg_ids.combine_chunks() if isinstance(seg_ids, pa.ChunkedArray) else seg_ids
    if not pa.types.is_dictionary(combined.type):
        combined = combined.dictionary_encode()
    return combined


def _canonical_order(samples: pa.Table) -> pa.Array:
    """Row order by segment id value, then anchor: the order every schedule starts from, whatever
    order the dictionary (rebuilt by a parquet round trip) or the rows are in."""
    ids = _dictionary(samples[COL_SEGMENT_ID])
    by_value = pc.sort_indices(ids.dictionary).to_numpy()
    rank = np.empty(by_value.size, dtype=np.int32)
    rank[by_value] = np.arange(by_value.size, dtype=np.int32)
    keys = pa.table(
        {
            "segment": pa.array(rank[ids.indices.to_numpy(zero_copy_only=False)]),
            "anchor": samples[COL_ANCHOR],
        }
    )
    return pc.sort_indices(keys, sort_keys=[("segment", "ascending"), ("anchor", "ascending")])


def _runs(seg_ids: pa.Array | pa.ChunkedArray) -> SampleIndex:
    """A sample index with one segment per run of equal ids (only the sizes matter to orders)."""
    if len(seg_ids) == 0:
        return SampleIndex([])
    ids = _dictionary(seg_ids)
    codes = ids.indices.to_numpy(zero_copy_only=False)
    names = ids.dictionary.to_pylist()
    cuts = [0, *(np.flatnonzero(codes[1:] != codes[:-1]) + 1).tolist(), codes.size]
    return SampleIndex(
        [SegmentMetadata(names[int(codes[a])], 0, 0, int(b - a)) for a, b in itertools.pairwise(cuts)]
    )


def _emit_rank(n: int, buffer: ShuffleBuffer | None, *, seed: int, rank: int, worker: int) -> np.ndarray:
    """Each fetch position's emission slot (identity without a buffer)."""
    if buffer is None:
        return np.arange(n, dtype=np.int64)
    emitted = buffer.emit_order(n, rng=np.random.default_rng([seed, rank, worker]))
    slots = np.empty(n, dtype=np.int64)
    slots[emitted] = np.arange(n, dtype=np.int64)
    return slots


def schedule_samples(
    sample: pa.Table,
    *,
    strategy: ShuffleStrategy,
    fetch_block_size: int,
    num_ranks: int,
    num_workers_per_rank: int,
    seed: int,
) -> pa.Table:
    """``sample``'s rows (any old schedule dropped) in fetch order for ``strategy`` / ``seed``,
    with fresh ``rank`` / ``worker`` / ``fetch_group`` / ``emit_rank`` columns in front."""
    sample = sample.select([c for c in sample.column_names if c not in _SCHEDULE])
    canonical = _canonical_order(sample)
    order, bounds = strategy.epoch_order(
        _runs(sample[COL_SEGMENT_ID].take(canonical)), fetch_block_size=fetch_block_size, seed=seed
    )
    buffer = strategy.emission_buffer()
    parts: dict[str, list[np.ndarray]] = {c: [] for c in (*_SCHEDULE, "position")}
    for rank in range(num_ranks):
        r_order, r_bounds = contiguous_shard(order, bounds, rank=rank, world_size=num_ranks)
        for worker in range(num_workers_per_rank):
            w_order, w_bounds = contiguous_shard(
                r_order, r_bounds, rank=worker, world_size=num_workers_per_rank
            )
            blocks = fetch_blocks(w_order, w_bounds, fetch_block_size=fetch_block_size)
            if not blocks:
                continue
            n = sum(len(b) for b in blocks)
            parts[COL_RANK].append(np.full(n, rank, dtype=np.int32))
            parts[COL_WORKER].append(np.full(n, worker, dtype=np.int32))
            sizes = [len(b) for b in blocks]
            parts[COL_FETCH_GROUP].append(np.repeat(np.arange(len(blocks), dtype=np.int64), sizes))
            parts[COL_EMIT_RANK].append(_emit_rank(n, buffer, seed=seed, rank=rank, worker=worker))
            parts["position"].append(np.concatenate(blocks))
    positions = pa.array(_concat(parts.pop("position"), np.int64), type=pa.int64())
    rows = sample.take(canonical.take(positions))
    schedule = {
        COL_RANK: pa.array(_concat(parts[COL_RANK], np.int32), type=pa.int32()),
        COL_WORKER: pa.array(_concat(parts[COL_WORKER], np.int32), type=pa.int32()),
        COL_FETCH_GROUP: pa.array(_concat(parts[COL_FETCH_GROUP], np.int64), type=pa.int64()),
        COL_EMIT_RANK: pa.array(_concat(parts[COL_EMIT_RANK], np.int64), type=pa.int64()),
    }
    return pa.table({**schedule, **{name: rows[name] for name in rows.column_names}})
