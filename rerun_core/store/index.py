"""Sorted per-(entity, timeline, component) indexes: the store's fast path for queries.

An index is a list of "runs": parallel numpy arrays ordered by (time, row id) that say where
each non-null cell of a component lives (chunk slot, row). The runs of one index never overlap
and are kept in order, so a latest-at query is a ``bisect`` over the runs' first times plus one
``searchsorted``. A run made from one chunk costs no copies (views of the chunk's columns,
broadcast slot, shared row numbers); only overlapping runs are merged (copied and sorted).
Inserting a chunk only queues it; runs are built at the next query, so loading stays cheap.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .chunk import Chunk

# Neighbouring runs smaller than this are glued together, so a stream of tiny chunks does not
# leave one run per chunk.
_SMALL_RUN = 4096
_ROW_NUMBERS = np.arange(1 << 16, dtype=np.int32)
_ROW_NUMBERS.flags.writeable = False
_ROW_BASES = [_ROW_NUMBERS]


def _row_numbers(n: int) -> np.ndarray:
    """0..n-1 as a read-only view of a shared array (no allocation per chunk)."""
    global _ROW_NUMBERS
    if n > _ROW_NUMBERS.size:
        _ROW_NUMBERS = np.arange(max(n, 2 * _ROW_NUMBERS.size), dtype=np.int32)
        _ROW_NUMBERS.flags.writeable = False
        _ROW_BASES.append(_ROW_NUMBERS)
    return _ROW_NUMBERS[:n]


def contiguous_rows(rows: np.ndarray) -> int | None:
    """The first row if ``rows`` is ``k, k+1, ..., k+n-1``, else None (cheap when it is a view
    of the shared row numbers; a scan otherwise)."""
    if rows.size == 0:
        return None
    first = int(rows[0])
    if rows.base is not None and rows.strides == (4,) and any(rows.base is b for b in _ROW_BASES):
        return first
    if int(rows[-1]) - first != rows.size - 1:
        return None
    return first if rows.size < 2 or bool(np.all(np.diff(rows) == 1)) else None


@dataclass(frozen=True, slots=True)
class Run:
    """Cells sorted by (time, row id): where each lives (chunk slot, row) and its row id."""

    times: np.ndarray  # int64
    rid_hi: np.ndarray  # uint64, row id time_ns
    rid_lo: np.ndarray  # uint64, row id inc
    slots: np.ndarray  # int32 chunk slot (a zero-stride broadcast when the run is one chunk)
    rows: np.ndarray  # int32, row inside that chunk

    def __len__(self) -> int:
        return int(self.times.size)

    def take(self, idx: np.ndarray | slice) -> Run:
        return Run(self.times[idx], self.rid_hi[idx], self.rid_lo[idx], self.slots[idx], self.rows[idx])

    def single_slot(self) -> int | None:
        """The one chunk slot of a run made from one chunk, else None."""
        s = self.slots
        if s.size and s.strides == (0,):
            return int(s[0])
        return None

    def first_key(self) -> tuple[int, int, int]:
        return int(self.times[0]), int(self.rid_hi[0]), int(self.rid_lo[0])

    def last_key(self) -> tuple[int, int, int]:
        return int(self.times[-1]), int(self.rid_hi[-1]), int(self.rid_lo[-1])

    def key(self, i: int) -> tuple[int, int, int]:
        return int(self.times[i]), int(self.rid_hi[i]), int(self.rid_lo[i])


EMPTY_RUN = Run(*(np.empty(0, dtype=d) for d in (np.int64, np.uint64, np.uint64, np.int32, np.int32)))


def sort_run(run: Run) -> Run:
    """The run in (time, row id) order, skipping the sort when it is already so."""
    t, hi, lo = run.times, run.rid_hi, run.rid_lo
    if t.size < 2:
        return run
    dt = t[1:] > t[:-1]
    if dt.all():
        return run
    tie = t[1:] == t[:-1]
    later = (hi[1:] > hi[:-1]) | ((hi[1:] == hi[:-1]) & (lo[1:] > lo[:-1]))
    if np.all(dt | (tie & later)):
        return run
    return _materialize(run).take(np.lexsort((lo, hi, t)))


def _materialize(run: Run) -> Run:
    """A run whose slot array is a real (writable-layout) array, for takes and concatenation."""
    if run.slots.strides != (0,) or run.slots.size == 0:
        return run
    return Run(run.times, run.rid_hi, run.rid_lo, np.ascontiguousarray(run.slots), run.rows)


def concat_runs(runs: Sequence[Run]) -> Run:
    """Merge sorted runs into one sorted run (plain concatenation when they do not overlap)."""
    runs = [r for r in runs if len(r)]
    if not runs:
        return EMPTY_RUN
    if len(runs) == 1:
        return runs[0]
    runs = sorted(runs, key=Run.first_key)
    joined = Run(*(np.concatenate([getattr(r, f) for r in runs]) for f in Run.__slots__))
    if all(a.last_key() <= b.first_key() for a, b in itertools.pairwise(runs)):
        return joined
    return joined.take(np.lexsort((joined.rid_lo, joined.rid_hi, joined.times)))


def run_from_chunk(chunk: Chunk, slot: int, timeline: str, component: str) -> Run:
    """The non-null cells of one component of one chunk, sorted by (time, row id)."""
    col = chunk.timelines[timeline]
    hi, lo = chunk.row_id_keys
    arr = chunk.component(component)
    n = chunk.num_rows
    if arr is None or arr.null_count == 0:
        slots = np.broadcast_to(np.int32(slot), (n,))
        run = Run(col.values, hi, lo, slots, _row_numbers(n))
    else:
        valid = arr.is_valid().to_numpy(zero_copy_only=False)
        rows = np.flatnonzero(valid).astype(np.int32)
        slots = np.broadcast_to(np.int32(slot), (rows.size,))
        run = Run(col.values[rows], hi[rows], lo[rows], slots, rows)
    return sort_run(run)


def _glue_small(runs: list[Run]) -> list[Run]:
    """Concatenate neighbouring small runs (ordered, non-overlapping: a plain concat)."""
    out: list[Run] = []
    for r in runs:
        if out and len(out[-1]) < _SMALL_RUN and len(r) < _SMALL_RUN:
            out[-1] = concat_runs([out[-1], r])
        else:
            out.append(r)
    return out


def _key_index(run: Run, key: tuple[int, int, int], *, right: bool) -> int:
    """Where ``key`` (time, row id hi, lo) sorts into ``run``: before equal keys, or after."""
    t, h, lo = key
    a = int(run.times.searchsorted(t, "left"))
    b = int(run.times.searchsorted(t, "right"))
    if a == b:
        return a
    bh, bl = run.rid_hi[a:b], run.rid_lo[a:b]
    before = (bh < h) | ((bh == h) & ((bl <= lo) if right else (bl < lo)))
    return a + int(np.count_nonzero(before))


class RunSet:
    """Several ordered, non-overlapping runs seen as one: what the dataframe query walks."""

    __slots__ = ("_times", "pieces")

    def __init__(self, pieces: Sequence[Run]) -> None:
        self.pieces = [p for p in pieces if len(p)]
        self._times: np.ndarray | None = None

    @property
    def times(self) -> np.ndarray:
        if self._times is None:
            ps = self.pieces
            if not ps:
                self._times = EMPTY_RUN.times
            else:
                self._times = ps[0].times if len(ps) == 1 else np.concatenate([p.times for p in ps])
        return self._times

    def __len__(self) -> int:
        return sum(len(p) for p in self.pieces)

    def _split(self, mask: np.ndarray) -> RunSet:
        out, at = [], 0
        for p in self.pieces:
            m = mask[at : at + len(p)]
            at += len(p)
            out.append(p if m.all() else _materialize(p).take(m))
        return RunSet(out)

    def dedup_last(self) -> RunSet:
        """One cell per distinct time: the one with the highest row id (the last of its group)."""
        t = self.times
        if t.size < 2:
            return self
        keep = np.empty(t.size, dtype=bool)
        np.not_equal(t[1:], t[:-1], out=keep[:-1])
        keep[-1] = True
        return self if keep.all() else self._split(keep)

    def slice(self, lo: int, hi: int) -> RunSet:
        out, at = [], 0
        for p in self.pieces:
            a, b = max(lo - at, 0), min(hi - at, len(p))
            if a < b:
                out.append(p if (a, b) == (0, len(p)) else p.take(slice(a, b)))
            at += len(p)
        return RunSet(out)

    def concat(self, other: RunSet) -> RunSet:
        """Pieces of both, in this order (positions continue after this set's)."""
        return RunSet(self.pieces + other.pieces)

    def keys_at(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row ids (hi, lo) at the given positions."""
        hi = np.zeros(positions.size, dtype=np.uint64)
        lo = np.zeros(positions.size, dtype=np.uint64)
        at = 0
        for p in self.pieces:
            sel = (positions >= at) & (positions < at + len(p))
            hi[sel] = p.rid_hi[positions[sel] - at]
            lo[sel] = p.rid_lo[positions[sel] - at]
            at += len(p)
        return hi, lo


class ComponentIndex:
    """All cells of one (entity, timeline, component), as ordered non-overlapping runs."""

    __slots__ = ("_firsts", "_pending", "_runs", "component", "timeline")

    def __init__(self, timeline: str, component: str) -> None:
        self.timeline = timeline
        self.component = component
        self._runs: list[Run] = []
        self._firsts: list[tuple[int, int, int]] = []  # first key of each run, for bisect
        self._pending: list[tuple[int, Chunk]] = []

    def add(self, slot: int, chunk: Chunk) -> None:
        """Queue a chunk; its run is built at the next query."""
        self._pending.append((slot, chunk))

    def remove_slots(self, slots: set[int]) -> None:
        """Forget the cells of dropped chunks (garbage collection)."""
        self._pending = [(s, c) for s, c in self._pending if s not in slots]
        if not slots:
            return
        dropped = np.fromiter(slots, dtype=np.int32, count=len(slots))
        kept = []
        for run in self._runs:
            single = run.single_slot()
            if single is not None:
                if single not in slots:
                    kept.append(run)
                continue
            mask = np.isin(run.slots, dropped, invert=True)
            if mask.any():
                kept.append(run if mask.all() else run.take(mask))
        self._runs = kept
        self._firsts = [r.first_key() for r in kept]

    def _insert(self, run: Run) -> None:
        """Put a run in place. Where it overlaps existing runs, only the overlapping cells are
        merged (copied and sorted); the parts outside stay as they were (views)."""
        first, last = run.first_key(), run.last_key()
        i = bisect.bisect_left(self._firsts, first)
        if i > 0 and self._runs[i - 1].last_key() >= first:
            i -= 1
        j = i
        while j < len(self._runs) and self._firsts[j] <= last:
            j += 1
        if j == i:
            new = [run]
        else:
            before, middle, after = [], [run], []
            for r in self._runs[i:j]:
                lo, hi = _key_index(r, first, right=False), _key_index(r, last, right=True)
                if lo > 0:
                    before.append(r.take(slice(0, lo)))
                if hi > lo:
                    middle.append(r.take(slice(lo, hi)))
                if hi < len(r):
                    after.append(r.take(slice(hi, len(r))))
            new = [*before, concat_runs(middle), *after]
        if i > 0 and len(self._runs[i - 1]) < _SMALL_RUN and len(new[0]) < _SMALL_RUN:
            i -= 1  # let a small predecessor join the gluing below
            new.insert(0, self._runs[i])
        new = _glue_small(new)
        self._runs[i:j] = new
        self._firsts[i:j] = [r.first_key() for r in new]

    def runs(self) -> list[Run]:
        """The ordered runs, after folding in everything queued."""
        if self._pending:
            pending, self._pending = self._pending, []
            for slot, chunk in pending:
                run = run_from_chunk(chunk, slot, self.timeline, self.component)
                if len(run):
                    self._insert(run)
        return self._runs

    def run_set(self) -> RunSet:
        return RunSet(self.runs())

    def merged(self) -> Run:
        """Everything as one (copied) run."""
        return concat_runs([_materialize(r) for r in self.runs()])

    def is_empty(self) -> bool:
        return not self._pending and not self._runs

    def latest_at(self, time: int) -> tuple[Run, int] | None:
        """The run and position of the last cell at or before ``time`` (highest row id on ties)."""
        runs = self.runs()
        j = bisect.bisect_right(self._firsts, (time, 1 << 64, 1 << 64)) - 1
        if j < 0:
            return None
        run = runs[j]
        return run, int(run.times.searchsorted(time, "right")) - 1

    def range_parts(self, t0: int, t1: int) -> RunSet:
        """Cells with ``t0 <= time <= t1``, in (time, row id) order, as views of the runs."""
        parts = []
        for run in self.runs():
            if int(run.times[-1]) < t0 or int(run.times[0]) > t1:
                continue
            lo = int(run.times.searchsorted(t0, "left"))
            hi = int(run.times.searchsorted(t1, "right"))
            if hi > lo:
                parts.append(run if (lo, hi) == (0, len(run)) else run.take(slice(lo, hi)))
        return RunSet(parts)

    def range(self, t0: int, t1: int) -> Run:
        """Cells with ``t0 <= time <= t1``, sorted by (time, row id), as one (copied) run."""
        return concat_runs([_materialize(r) for r in self.range_parts(t0, t1).pieces])
