"""Which of a segment's chunks to hold, given the time cursor and a memory budget.

A segment's manifest (GetRrdManifest: one row per chunk with its entity, static flag, size and
per-timeline ``<timeline>:start`` / ``<timeline>:end``) says everything needed to choose chunks
before fetching any. `ManifestIndex` reads it once into arrays; `plan_rows` orders the rows a
viewer wants, as Rerun's viewer prioritises them:

1. static chunks (always held: queries at any time need them, and they are never evicted);
2. the chunks a latest-at query at the cursor reads for the visible entities: per entity,
   those whose range holds the cursor and the last one ending before it;
3. the other temporal chunks on the cursor's timeline, nearest to the cursor first;
4. chunks without the cursor's timeline (they matter only on other timelines).

With a budget the list stops where the estimated sizes would pass it (1 and 2 always stay).
Pure and thread-free: `segment_fetcher.SegmentFetcher` runs it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rerun_core.types import TimeType, Tuid

_NON_USER_TIMELINES = ("log_tick", "log_time")
_FAR = np.iinfo(np.int64).max

Cursor = tuple[str | None, int | None]


@dataclass(frozen=True, slots=True)
class TimelineSpan:
    """One timeline's per-chunk bounds; ``valid`` is False where a chunk lacks the timeline."""

    typ: TimeType
    start: np.ndarray  # int64
    end: np.ndarray  # int64
    valid: np.ndarray  # bool


def _time_type(typ: pa.DataType) -> TimeType:
    if pa.types.is_timestamp(typ):
        return TimeType.TIMESTAMP
    if pa.types.is_duration(typ):
        return TimeType.DURATION
    return TimeType.SEQUENCE


def _int64(col: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    arr = col.combine_chunks()
    if not pa.types.is_integer(arr.type):
        arr = arr.cast(pa.int64())
    valid = np.asarray(pc.is_valid(arr).to_numpy(zero_copy_only=False), dtype=bool)
    values = np.asarray(arr.fill_null(0).cast(pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)
    return values, valid


def _timeline_columns(schema: pa.Schema) -> dict[str, tuple[str, str]]:
    """timeline -> (start column, end column): the chunk-level bounds, not per component."""
    out: dict[str, tuple[str, str]] = {}
    names = set(schema.names)
    for field in schema:
        meta = field.metadata or {}
        index = meta.get(b"rerun:index", b"").decode()
        if not field.name.endswith(":start") or meta.get(b"rerun:component"):
            continue
        timeline = index or field.name[: -len(":start")]
        if timeline == "rerun:static" or f"{timeline}:start" != field.name:
            continue
        if f"{timeline}:end" in names:
            out[timeline] = (field.name, f"{timeline}:end")
    return out


class ManifestIndex:
    """A segment manifest as arrays, for choosing chunks by cursor and budget."""

    def __init__(self, table: pa.Table) -> None:
        n = table.num_rows
        self.num_chunks = n
        cols = set(table.column_names)
        for need in ("chunk_id", "chunk_entity_path", "chunk_is_static"):
            if n and need not in cols:
                raise ValueError(f"the segment manifest has no {need!r} column")
        ids = table.column("chunk_id").to_pylist() if n else []
        self.chunk_ids = [Tuid.from_bytes(b) for b in ids]
        self.row_of = {cid: i for i, cid in enumerate(self.chunk_ids)}
        entities = table.column("chunk_entity_path").to_pylist() if n else []
        self.entities = entities
        _, self.entity_codes = np.unique(np.asarray(entities, dtype=object), return_inverse=True)
        self.is_static = (
            np.asarray(table.column("chunk_is_static").to_pylist(), dtype=bool) if n else np.zeros(0, bool)
        )
        size_col = next((c for c in ("chunk_byte_size_uncompressed", "chunk_byte_size") if c in cols), None)
        self.sizes = (
            np.asarray(table.column(size_col).to_pylist(), dtype=np.int64)
            if size_col and n
            else np.full(n, 1 << 16, dtype=np.int64)
        )
        rows_col = table.column("chunk_num_rows").to_pylist() if "chunk_num_rows" in cols else [1] * n
        self.num_rows = np.asarray(rows_col, dtype=np.int64)
        self.timelines: dict[str, TimelineSpan] = {}
        for timeline, (lo, hi) in _timeline_columns(table.schema).items():
            start, v1 = _int64(table.column(lo))
            end, v2 = _int64(table.column(hi))
            typ = _time_type(table.schema.field(lo).type)
            self.timelines[timeline] = TimelineSpan(typ, start, end, v1 & v2 & ~self.is_static)

    def time_range(self, timeline: str) -> tuple[int, int] | None:
        span = self.timelines.get(timeline)
        if span is None or not span.valid.any():
            return None
        return int(span.start[span.valid].min()), int(span.end[span.valid].max())

    def default_timeline(self) -> str | None:
        """The timeline with the most rows; user timelines win ties over log_time, log_tick."""
        if not self.timelines:
            return None

        def key(name: str) -> tuple[int, int, str]:
            rows = int(self.num_rows[self.timelines[name].valid].sum())
            rank = _NON_USER_TIMELINES.index(name) if name in _NON_USER_TIMELINES else 2
            return rows, rank, name

        return max(self.timelines, key=key)

    def default_cursor(self) -> Cursor:
        """The start of the default timeline (where a viewer opening the segment shows it)."""
        timeline = self.default_timeline()
        rng = self.time_range(timeline) if timeline else None
        return timeline, (rng[0] if rng else None)

    def static_rows(self) -> np.ndarray:
        return np.flatnonzero(self.is_static)

    def needed_at(self, timeline: str | None, t: int | None, hidden: Collection[str] = ()) -> np.ndarray:
        """Rows a latest-at query at ``t`` reads: per entity, the chunks holding ``t`` and the
        last one that ends before it; entities under a ``hidden`` path are left out."""
        span = self.timelines.get(timeline or "")
        if span is None or t is None:
            return np.zeros(0, dtype=np.int64)
        valid = span.valid & self.visible(hidden)
        holds = np.flatnonzero(valid & (span.start <= t) & (span.end >= t))
        before = np.flatnonzero(valid & (span.end < t))
        if before.size:
            order = np.lexsort((span.end[before], self.entity_codes[before]))
            ordered = before[order]
            codes = self.entity_codes[ordered]
            last = np.append(codes[1:] != codes[:-1], True)  # the last (latest end) per entity
            before = ordered[last]
        return np.union1d(holds, before).astype(np.int64)

    def visible(self, hidden: Collection[str]) -> np.ndarray:
        """Per row: its entity is not under any of the ``hidden`` entity paths."""
        if not hidden:
            return np.ones(self.num_chunks, dtype=bool)
        prefixes = tuple(h.rstrip("/") + "/" for h in hidden)
        names = sorted(set(self.entities))
        shown = {e: not (e in hidden or e.startswith(prefixes)) for e in names}
        return np.asarray([shown[e] for e in self.entities], dtype=bool)

    def distance(self, timeline: str | None, t: int | None) -> np.ndarray:
        """Per row, how far its range is from ``t`` (0 inside; `_FAR` off the timeline)."""
        span = self.timelines.get(timeline or "")
        out = np.full(self.num_chunks, _FAR, dtype=np.int64)
        if span is None or t is None:
            return out
        gap = np.where(span.end < t, t - span.end, np.where(span.start > t, span.start - t, 0))
        out[span.valid] = gap[span.valid]
        return out

    def loaded_ranges(self, timeline: str, rows: list[int]) -> list[tuple[int, int]]:
        """The time ranges on ``timeline`` where every chunk is held (``rows``), merged: held
        chunks' spans less the spans of chunks not held."""
        span = self.timelines.get(timeline)
        if span is None:
            return []
        held = np.zeros(self.num_chunks, dtype=bool)
        held[np.asarray(rows, dtype=np.int64)] = True
        have = _merge(span.start[span.valid & held], span.end[span.valid & held])
        lack = _merge(span.start[span.valid & ~held], span.end[span.valid & ~held])
        out: list[tuple[int, int]] = []
        for lo, hi in have:
            for a, b in lack:
                if b < lo or a > hi:
                    continue
                if a > lo:
                    out.append((lo, a - 1))
                lo = b + 1
                if lo > hi:
                    break
            if lo <= hi:
                out.append((lo, hi))
        return out


def _merge(starts: np.ndarray, ends: np.ndarray) -> list[tuple[int, int]]:
    """Integer intervals [start, end], sorted and merged (touching ones join)."""
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(zip(starts.tolist(), ends.tolist(), strict=True)):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def plan_rows(
    index: ManifestIndex,
    cursor: Cursor,
    budget: int | None,
    size_of: Callable[[int], int],
    hidden: Collection[str] = (),
) -> tuple[list[int], int]:
    """The rows to hold, most wanted first, and how many of them are must-haves (static, and
    needed at the cursor by a visible entity). With a ``budget`` the optional rows stop where it
    would be passed."""
    timeline, t = cursor
    must = [int(r) for r in index.static_rows()]
    needed = [int(r) for r in index.needed_at(timeline, t, hidden) if not index.is_static[r]]
    must += needed
    taken = set(must)
    dist = index.distance(timeline, t)
    rest = [int(r) for r in np.argsort(dist, kind="stable") if int(r) not in taken and not index.is_static[r]]
    if budget is None:
        return must + rest, len(must)
    total = sum(size_of(r) for r in must)
    out = list(must)
    for r in rest:
        size = size_of(r)
        if total + size > budget:
            break
        total += size
        out.append(r)
    return out, len(must)
