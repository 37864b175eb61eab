"""Insert-time compaction, as Rerun's chunk store does it (0.41 ``re_chunk_store`` writes).

``CompactingStore`` holds physical chunks by chunk id. Inserting a temporal chunk elects a
neighbour to merge with: for every (timeline, component) of the new chunk, the chunks of that
entity starting just before, just after (one point each) or at the same time (two points)
score their row count when the two are concatenable (same entity and timelines, the same types
for the components both have) and stay under the thresholds together (sizes as 0.41 weighs
them: Arrow buffers plus a fixed per-chunk overhead). The best-scoring neighbour and the new
chunk are concatenated (lower row ids first), sorted by row id, and replace the neighbour under
a fresh id. A chunk over the thresholds is cut into row slices instead, each cut again while
still over them; slices are not merged in that store.
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


# What 0.41's ``SizeBytes`` counts for a chunk beyond its Arrow buffers (the chunk struct, its
# id, entity path and column maps): measured on the real store as the smallest ``max_bytes``
# that keeps a chunk whole, minus the buffers' size; the same for 1 to 17 rows, one or two
# timelines and one or two components (within a few bytes of validity bitmaps).
CHUNK_OVERHEAD_BYTES = 1472


def _size(chunk: Chunk) -> int:
    """A chunk's size as Rerun's store weighs it against ``max_bytes``."""
    return chunk.num_bytes + CHUNK_OVERHEAD_BYTES


def _all_sorted(chunk: Chunk) -> bool:
    return all(c.is_sorted for c in chunk.timelines.values())


def _signature(chunk: Chunk) -> tuple[object, ...]:
    """What two chunks must share to be concatenated: entity and timelines (names and types)."""
    timelines = tuple(sorted((n, c.typ) for n, c in chunk.timelines.items()))
    return (chunk.entity_path, timelines)


def _columns(chunk: Chunk) -> dict[str, tuple[str, str, str]]:
    """Component -> what must agree where two chunks both have it (component sets may differ:
    the rows of each get nulls for what only the other has)."""
    return {
        d.component: (d.archetype or "", d.component_type or "", str(a.type))
        for d, a in chunk.components.items()
    }


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


_End = tuple[tuple[int, int], dict[str, int]]


class _Phys:
    """A physical chunk of the store: its parts are concatenated (and sorted by row id) only
    when read, so a run of merges costs one concatenation instead of one per merge."""

    __slots__ = (
        "_all_sorted",
        "_ends",
        "columns",
        "entity",
        "id",
        "keys",
        "num_rows",
        "parts",
        "ranges",
        "signature",
        "size",
        "times",
    )

    def __init__(self, chunk: Chunk) -> None:
        self.id = chunk.id
        self.parts = [chunk]
        self.entity = chunk.entity_path
        self.signature = _signature(chunk)
        self.columns = _columns(chunk)
        self.num_rows = chunk.num_rows
        self.size = _size(chunk)
        hi, lo = chunk.row_id_keys
        self.keys = (hi, lo)
        self.times = {name: col.values for name, col in chunk.timelines.items()}
        self.ranges = dict(_ranges(chunk))
        self._all_sorted: bool | None = _all_sorted(chunk)
        self._ends: tuple[_End, _End] | None = None

    def ends(self) -> tuple[_End, _End]:
        """(row key, times) of the first and the last row in row-id order."""
        if self._ends is None:
            order = np.lexsort((self.keys[1], self.keys[0]))
            i, j = int(order[0]), int(order[-1])
            hi, lo = self.keys
            first = ((int(hi[i]), int(lo[i])), {n: int(v[i]) for n, v in self.times.items()})
            last = ((int(hi[j]), int(lo[j])), {n: int(v[j]) for n, v in self.times.items()})
            self._ends = (first, last)
        return self._ends

    def absorb(self, other: _Phys) -> None:
        """Take ``other``'s rows (a merge); the result gets a fresh chunk id."""
        (first, last), (o_first, o_last) = self.ends(), other.ends()
        merged_sorted: bool | None = None
        if last[0] < o_first[0] and self._all_sorted is not None and other._all_sorted is not None:
            # Appending rows that all come later: sorted iff both were and the seam is in order.
            seam = all(last[1][n] <= o_first[1][n] for n in last[1])
            merged_sorted = self._all_sorted and other._all_sorted and seam
            self._ends = (first, o_last)
        else:
            self._ends = None
        self.id = new_tuid()
        self.parts += other.parts
        self.columns.update(other.columns)
        self.num_rows += other.num_rows
        self.size += other.size - CHUNK_OVERHEAD_BYTES  # one chunk's overhead, not two
        self.keys = (
            np.concatenate([self.keys[0], other.keys[0]]),
            np.concatenate([self.keys[1], other.keys[1]]),
        )
        self.times = {n: np.concatenate([v, other.times[n]]) for n, v in self.times.items()}
        for key, (lo, hi) in other.ranges.items():
            cur = self.ranges.get(key)
            self.ranges[key] = (lo, hi) if cur is None else (min(cur[0], lo), max(cur[1], hi))
        self._all_sorted = merged_sorted

    @property
    def all_sorted(self) -> bool:
        if self._all_sorted is None:
            order = np.lexsort((self.keys[1], self.keys[0]))
            self._all_sorted = all(bool(np.all(np.diff(v[order]) >= 0)) for v in self.times.values())
        return self._all_sorted

    def min_row(self) -> tuple[int, int]:
        return self.ends()[0][0]

    def chunk(self) -> Chunk:
        if len(self.parts) == 1:
            return self.parts[0]
        merged = Chunk.concat(self.parts, chunk_id=self.id).sorted_by_row_id()
        self.parts = [merged]
        return merged


def _ranges(chunk: Chunk) -> Iterator[tuple[tuple[str, str], tuple[int, int]]]:
    """(timeline, component) -> the chunk's time range there, for components with data."""
    for name, col in chunk.timelines.items():
        rng = col.time_range()
        if rng is None:
            continue
        for desc, arr in chunk.components.items():
            if arr.null_count < len(arr):
                yield (name, desc.component), rng


class CompactingStore:
    """Physical chunks after Rerun's insert-time processing (``thresholds=None``: none)."""

    def __init__(self, thresholds: Thresholds | None = LIVE, *, split: bool = True) -> None:
        self.thresholds = thresholds
        self.split = split
        self._chunks: dict[Tuid, _Phys] = {}
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
            yield self._chunks[key].chunk()

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
            # Each piece is inserted in turn, so a piece still over the byte limit (the cut is
            # by the average row size) is cut again; pieces are never merged in this store.
            self.changed = True
            for part in parts:
                pieces = self._split(part)
                if len(pieces) > 1:
                    self.insert(part)
                    continue
                self._from_split.add(part.id)
                self._add_temporal(_Phys(part))
            return
        phys = _Phys(chunk)
        elected = self._elect(phys)
        if elected is not None:
            self.changed = True
            self._remove(elected)
            first, second = (elected, phys) if elected.min_row() <= phys.min_row() else (phys, elected)
            first.absorb(second)
            phys = first
        self._add_temporal(phys)

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
            cur = self._chunks.get(current)
            cur_max = (0, 0) if cur is None else _max_row_id(cur.chunk(), name)
            if _max_row_id(chunk, name) > cur_max:
                overwritten.add(current)
                per_comp[name] = chunk.id
        self._chunks[chunk.id] = _Phys(chunk)
        for old in overwritten:
            if old not in per_comp.values():
                self._chunks.pop(old, None)

    # --- temporal ---------------------------------------------------------------------------

    def _add_temporal(self, phys: _Phys) -> None:
        self._chunks[phys.id] = phys
        index = self._starts.setdefault(phys.entity, {})
        for key, (start, _) in phys.ranges.items():
            bisect.insort(index.setdefault(key, []), (start, phys.id))

    def _remove(self, phys: _Phys) -> None:
        self._chunks.pop(phys.id, None)
        index = self._starts.get(phys.entity, {})
        for key, (start, _) in phys.ranges.items():
            entries = index.get(key)
            if entries is not None:
                i = bisect.bisect_left(entries, (start, phys.id))
                if i < len(entries) and entries[i] == (start, phys.id):
                    del entries[i]

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

    def _elect(self, phys: _Phys) -> _Phys | None:
        if phys.id in self._from_split or not self._fits(phys.num_rows, phys.size, phys.all_sorted):
            return None
        index = self._starts.get(phys.entity)
        if not index:
            return None
        worth: dict[Tuid, int] = {}

        def value(cid: Tuid) -> int:
            if cid not in worth:
                cand = self._chunks.get(cid)
                ok = (
                    cand is not None
                    and cid != phys.id
                    and cid not in self._from_split
                    and cand.signature == phys.signature
                    and all(cand.columns.get(k, v) == v for k, v in phys.columns.items())
                    and self._fits(phys.num_rows + cand.num_rows, phys.size + cand.size, cand.all_sorted)
                )
                worth[cid] = cand.num_rows if ok and cand is not None else 0
            return worth[cid]

        points: dict[Tuid, int] = {}
        for key, (lo, hi) in phys.ranges.items():
            entries = index.get(key, [])
            starts = [s for s, _ in entries]
            before = bisect.bisect_left(starts, lo)
            after = bisect.bisect_right(starts, hi)
            picks = [(starts[before - 1], 1)] if before > 0 else []
            if after < len(starts):
                picks.append((starts[after], 1))
            picks.append((lo, 2))
            for t, weight in picks:
                i = bisect.bisect_left(starts, t)
                while i < len(starts) and starts[i] == t:
                    cid = entries[i][1]
                    points[cid] = points.get(cid, 0) + weight * value(cid)
                    i += 1
        best = sorted(((p, cid) for cid, p in points.items() if p > 0), key=lambda x: (-x[0], x[1]))
        return self._chunks[best[0][1]] if best else None


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


# Components that always get a chunk of their own when optimizing (0.41's default own-chunk rule).
OWN_CHUNK_COMPONENTS = frozenset({"VideoStream:is_keyframe"})


def split_own_chunk(chunk: Chunk) -> list[Chunk]:
    """The chunk without its own-chunk components, then one chunk per such component."""
    own = [d for d in chunk.components if d.component in OWN_CHUNK_COMPONENTS]
    if not own or len(own) == len(chunk.components) == 1:
        return [chunk]
    rest = {d: a for d, a in chunk.components.items() if d not in own}
    comps = [rest] if rest else []
    comps += [{d: chunk.components[d]} for d in own]
    return [Chunk.from_columns(chunk.entity_path, chunk.row_ids, chunk.timelines, c) for c in comps]


def compact(
    chunks: Iterable[Chunk],
    thresholds: Thresholds | None = LIVE,
    *,
    extra_passes: int = 0,
    split_size_ratio: float | None = None,
    keep_first_pass: bool = False,
) -> list[Chunk]:
    """The physical chunks a Rerun store ends up with after inserting ``chunks`` in order.

    Chunks over the limits are first cut into row slices (never merged again in that store).
    With ``extra_passes`` (an optimization profile), as Rerun's ``finalize_compaction``: the
    own-chunk components (``VideoStream:is_keyframe``) are split off, the result is split
    thick/thin when ``split_size_ratio`` is set (both into a fresh store), then
    re-inserted into fresh stores while that lowers the chunk count (the first pass that does
    not is kept and ends it). ``keep_first_pass`` (``rrd optimize``): the first of these passes
    goes on to the next whatever its count, later ones stop as above.
    """
    store = CompactingStore(thresholds)
    if thresholds is None:
        store.insert_all(chunks)
    else:  # 0.41 gives own-chunk components their chunks on insert already
        store.insert_all(part for chunk in chunks for part in split_own_chunk(chunk))
    out = list(store.chunks())
    if not extra_passes:
        return out
    parts = [part for chunk in out for part in split_own_chunk(chunk)]
    if split_size_ratio is not None:
        parts = [part for chunk in parts for part in split_thick_thin(chunk, split_size_ratio)]
    if split_size_ratio is not None or len(parts) > len(out):
        thick_thin = CompactingStore(thresholds)
        thick_thin.insert_all(parts)
        out = list(thick_thin.chunks())
    for i in range(extra_passes):
        again = CompactingStore(thresholds)
        again.insert_all(out)
        go_on = len(again) < len(out) or (keep_first_pass and i == 0)
        out = list(again.chunks())
        if not go_on:
            break
    return out
