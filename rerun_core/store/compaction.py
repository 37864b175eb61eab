"""Insert-time compaction, as Rerun's chunk store does it (0.41 ``re_chunk_store`` writes).

``CompactingStore`` holds physical chunks by chunk id. Inserting a temporal chunk elects a
neighbour to merge with: for every (timeline, component) of the new chunk, the chunks of that
entity starting just before, just after (one point each) or at the same time (two points)
score their row count when the two are concatenable (same entity, timelines and component
types) and stay under the thresholds together. The best-scoring neighbour and the new chunk are
concatenated (lower row ids first), sorted by row id, and replace the neighbour under a fresh id.
Static chunks are never merged: per entity and component the newest row wins, and a static
chunk whose every component was overwritten is dropped. Chunks are listed in chunk-id order.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from rerun_core.types import ComponentDescriptor, EntityPath, Tuid, new_tuid

from .chunk import Chunk


@dataclass(frozen=True, slots=True)
class Thresholds:
    max_bytes: int = 12 * 8 * 4096
    max_rows: int = 4096
    max_rows_if_unsorted: int = 1024


LIVE = Thresholds()
NO_COMPACTION: Thresholds | None = None


def _size(chunk: Chunk) -> int:
    return chunk.num_bytes


def _all_sorted(chunk: Chunk) -> bool:
    return all(c.is_sorted for c in chunk.timelines.values())


def _signature(chunk: Chunk) -> tuple[object, ...]:
    timelines = tuple(sorted((n, c.typ) for n, c in chunk.timelines.items()))
    comps = tuple(
        sorted(
            (d.component, d.archetype or "", d.component_type or "", str(a.type))
            for d, a in chunk.components.items()
        )
    )
    return (chunk.entity_path, timelines, comps)


def _max_row_id(chunk: Chunk, component: str) -> tuple[int, int]:
    """The newest row id with data for ``component`` (nulls do not count)."""
    arr = chunk.component(component)
    hi, lo = chunk.row_id_keys
    if arr is None or len(hi) == 0:
        return (0, 0)
    valid = np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    if not valid.any():
        return (0, 0)
    hv, lv = hi[valid], lo[valid]
    i = int(np.lexsort((lv, hv))[-1])
    return (int(hv[i]), int(lv[i]))


class CompactingStore:
    """Physical chunks after Rerun's insert-time processing (``thresholds=None``: none)."""

    def __init__(self, thresholds: Thresholds | None = LIVE, *, split: bool = True) -> None:
        self.thresholds = thresholds
        self.split = split
        self._chunks: dict[Tuid, Chunk] = {}
        # entity -> (timeline, component) -> sorted [(start time, chunk id)]
        self._starts: dict[EntityPath, dict[tuple[str, str], list[tuple[int, Tuid]]]] = {}
        self._static: dict[EntityPath, dict[str, Tuid]] = {}
        self._from_split: set[Tuid] = set()
        self.changed = False  # whether any chunk was merged or split

    def __len__(self) -> int:
        return len(self._chunks)

    def chunks(self) -> Iterator[Chunk]:
        """Chunks in chunk-id order (the order Rerun's store iterates them)."""
        for key in sorted(self._chunks):
            yield self._chunks[key]

    def insert_all(self, chunks: Iterable[Chunk]) -> None:
        for chunk in chunks:
            self.insert(chunk)

    def insert(self, chunk: Chunk) -> None:
        if chunk.num_rows == 0 or chunk.id in self._chunks:
            return
        if chunk.is_static:
            self._insert_static(chunk)
            return
        parts = self._split(chunk) if self.split else [chunk]
        if len(parts) > 1:
            self.changed = True
            for part in parts:
                self._from_split.add(part.id)
                self._add_temporal(part)
            return
        elected = self._elect(chunk)
        if elected is not None:
            self.changed = True
            self._remove(elected)
            first, second = (elected, chunk) if _min_row(elected) <= _min_row(chunk) else (chunk, elected)
            chunk = Chunk.concat([first, second], chunk_id=new_tuid()).sorted_by_row_id()
        self._add_temporal(chunk)

    # --- static -----------------------------------------------------------------------------

    def _insert_static(self, chunk: Chunk) -> None:
        per_comp = self._static.setdefault(chunk.entity_path, {})
        overwritten: set[Tuid] = set()
        for desc, arr in chunk.components.items():
            if arr.null_count == len(arr):
                continue
            name = desc.component
            current = per_comp.get(name)
            if current is None:
                per_comp[name] = chunk.id
                continue
            cur_chunk = self._chunks.get(current)
            cur_max = (0, 0) if cur_chunk is None else _max_row_id(cur_chunk, name)
            if _max_row_id(chunk, name) > cur_max:
                overwritten.add(current)
                per_comp[name] = chunk.id
        self._chunks[chunk.id] = chunk
        for old in overwritten:
            if old not in per_comp.values():
                self._chunks.pop(old, None)

    # --- temporal ---------------------------------------------------------------------------

    def _keys(self, chunk: Chunk) -> Iterator[tuple[tuple[str, str], int, int]]:
        for name, col in chunk.timelines.items():
            rng = col.time_range()
            if rng is None:
                continue
            for desc, arr in chunk.components.items():
                if arr.null_count < len(arr):
                    yield (name, desc.component), rng[0], rng[1]

    def _add_temporal(self, chunk: Chunk) -> None:
        self._chunks[chunk.id] = chunk
        index = self._starts.setdefault(chunk.entity_path, {})
        for key, start, _ in self._keys(chunk):
            bisect.insort(index.setdefault(key, []), (start, chunk.id))

    def _remove(self, chunk: Chunk) -> None:
        self._chunks.pop(chunk.id, None)
        index = self._starts.get(chunk.entity_path, {})
        for key, start, _ in self._keys(chunk):
            entries = index.get(key)
            if entries is not None and (start, chunk.id) in entries:
                entries.remove((start, chunk.id))

    def _split(self, chunk: Chunk) -> list[Chunk]:
        """Rerun's split-on-insert: row slices of a chunk over the row or byte limits."""
        th = self.thresholds
        rows = chunk.num_rows
        if th is None or rows <= 1:
            return [chunk]
        size = _size(chunk)
        by_bytes = th.max_bytes > 0 and size > th.max_bytes
        by_rows = th.max_rows > 0 and rows > th.max_rows
        unsorted = th.max_rows_if_unsorted > 0 and rows > th.max_rows_if_unsorted and not _all_sorted(chunk)
        if not (by_bytes or by_rows or unsorted):
            return [chunk]
        if unsorted:
            target = th.max_rows_if_unsorted
        elif by_rows:
            target = th.max_rows
        else:
            target = max(th.max_bytes // max(size // rows, 1), 1)
        idx = np.arange(rows)
        return [
            chunk.take(idx[start : start + target], chunk_id=new_tuid()) for start in range(0, rows, target)
        ]

    def _fits(self, rows: int, size: int, sorted_: bool) -> bool:
        th = self.thresholds
        if th is None:
            return False
        max_rows = th.max_rows if sorted_ else th.max_rows_if_unsorted
        return size <= th.max_bytes and rows <= max_rows

    def _elect(self, chunk: Chunk) -> Chunk | None:
        if chunk.id in self._from_split or not self._fits(chunk.num_rows, _size(chunk), _all_sorted(chunk)):
            return None
        index = self._starts.get(chunk.entity_path)
        if not index:
            return None
        sig = _signature(chunk)
        worth: dict[Tuid, int] = {}

        def value(cid: Tuid) -> int:
            if cid not in worth:
                cand = self._chunks.get(cid)
                ok = (
                    cand is not None
                    and cid != chunk.id
                    and cid not in self._from_split
                    and _signature(cand) == sig
                    and self._fits(
                        chunk.num_rows + cand.num_rows, _size(chunk) + _size(cand), _all_sorted(cand)
                    )
                )
                worth[cid] = cand.num_rows if ok and cand is not None else 0
            return worth[cid]

        points: dict[Tuid, int] = {}
        for key, lo, hi in self._keys(chunk):
            entries = index.get(key, [])
            starts = [s for s, _ in entries]
            before = bisect.bisect_left(starts, lo)
            if before > 0:
                t = starts[before - 1]
                for s, cid in entries:
                    if s == t:
                        points[cid] = points.get(cid, 0) + value(cid)
            after = bisect.bisect_right(starts, hi)
            if after < len(starts):
                t = starts[after]
                for s, cid in entries:
                    if s == t:
                        points[cid] = points.get(cid, 0) + value(cid)
            for s, cid in entries:
                if s == lo:
                    points[cid] = points.get(cid, 0) + 2 * value(cid)
        best = sorted(((p, cid) for cid, p in points.items() if p > 0), key=lambda x: (-x[0], x[1]))
        return self._chunks[best[0][1]] if best else None


def _min_row(chunk: Chunk) -> tuple[int, int]:
    hi, lo = chunk.row_id_keys
    if len(hi) == 0:
        return (0, 0)
    i = int(np.lexsort((lo, hi))[0])
    return (int(hi[i]), int(lo[i]))


def split_thick_thin(chunk: Chunk, ratio: float) -> list[Chunk]:
    """Keep heavy and light columns apart: components grouped by archetype (a component without
    one alone), groups ordered heaviest first and cut wherever one group is ``ratio`` times the
    next; each cut a chunk of its own, heaviest first (the chunk itself when nothing is cut)."""
    groups: dict[tuple[str, str], list[tuple[ComponentDescriptor, int]]] = {}
    for desc, arr in chunk.components.items():
        key = ("a", desc.archetype) if desc.archetype else ("c", desc.component)
        groups.setdefault(key, []).append((desc, arr.nbytes))
    if len(groups) < 2:
        return [chunk]
    ordered = sorted(groups.values(), key=lambda g: -sum(n for _, n in g))
    sizes = [sum(n for _, n in g) for g in ordered]
    cuts = [i + 1 for i in range(len(sizes) - 1) if sizes[i] / max(sizes[i + 1], 1) >= ratio]
    if not cuts:
        return [chunk]
    out = []
    for start, end in zip([0, *cuts], [*cuts, len(ordered)], strict=True):
        keep = {desc for group in ordered[start:end] for desc, _ in group}
        comps = {d: a for d, a in chunk.components.items() if d in keep}
        out.append(Chunk.from_columns(chunk.entity_path, chunk.row_ids, chunk.timelines, comps))
    return out


def compact(
    chunks: Iterable[Chunk],
    thresholds: Thresholds | None = LIVE,
    *,
    extra_passes: int = 0,
    split_size_ratio: float | None = None,
) -> list[Chunk]:
    """The physical chunks a Rerun store ends up with after inserting ``chunks`` in order.

    Chunks over the limits are first cut into row slices (never merged again in that store).
    ``extra_passes`` re-inserts the result into fresh stores (merging only) until nothing merges,
    then (after ``split_thick_thin`` when ``split_size_ratio`` is set) once more with splitting.
    """
    store = CompactingStore(thresholds)
    store.insert_all(chunks)
    out = list(store.chunks())
    if not extra_passes:
        return out
    for _ in range(extra_passes):
        again = CompactingStore(thresholds, split=False)
        again.insert_all(out)
        if not again.changed:
            break
        out = list(again.chunks())
    if split_size_ratio is not None:
        out = [part for chunk in out for part in split_thick_thin(chunk, split_size_ratio)]
    final = CompactingStore(thresholds)
    final.insert_all(out)
    return list(final.chunks())
