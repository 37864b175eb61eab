"""Sorted per-(entity, timeline, component) indexes: the store's fast path for queries.

An index is a few sorted "runs": parallel numpy arrays ordered by (time, row id) that say where
each non-null cell of a component lives (chunk slot, row). Inserting a chunk only queues its
slot; runs are built and merged lazily at the next query, so loading a file stays cheap and a
latest-at query is one ``searchsorted`` per run (runs are merged down to a handful).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .chunk import Chunk

# Runs are merged while the previous run is at most this many times the size of the newer one,
# so sizes fall geometrically and a query touches only a few runs.
_MERGE_RATIO = 8


@dataclass(frozen=True, slots=True)
class Run:
    """Cells sorted by (time, row id): where each lives (chunk slot, row) and its row id."""

    times: np.ndarray  # int64
    rid_hi: np.ndarray  # uint64, row id time_ns
    rid_lo: np.ndarray  # uint64, row id inc
    slots: np.ndarray  # int64, chunk slot in the store
    rows: np.ndarray  # int64, row inside that chunk

    def __len__(self) -> int:
        return int(self.times.size)

    def take(self, idx: np.ndarray | slice) -> Run:
        return Run(self.times[idx], self.rid_hi[idx], self.rid_lo[idx], self.slots[idx], self.rows[idx])

    def first_key(self) -> tuple[int, int, int]:
        return int(self.times[0]), int(self.rid_hi[0]), int(self.rid_lo[0])

    def last_key(self) -> tuple[int, int, int]:
        return int(self.times[-1]), int(self.rid_hi[-1]), int(self.rid_lo[-1])

    def dedup_last(self) -> Run:
        """One cell per distinct time: the one with the highest row id (the last of its group)."""
        t = self.times
        if t.size < 2:
            return self
        keep = np.empty(t.size, dtype=bool)
        np.not_equal(t[1:], t[:-1], out=keep[:-1])
        keep[-1] = True
        return self if keep.all() else self.take(keep)


EMPTY_RUN = Run(*(np.empty(0, dtype=d) for d in (np.int64, np.uint64, np.uint64, np.int64, np.int64)))


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
    return run.take(np.lexsort((lo, hi, t)))


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
    parts = chunk.list_parts(component)
    n = chunk.num_rows
    valid = None if parts is None else parts[2]
    if valid is None:
        rows = np.arange(n, dtype=np.int64)
        run = Run(col.values, hi, lo, np.full(n, slot, dtype=np.int64), rows)
    else:
        rows = np.flatnonzero(valid).astype(np.int64)
        run = Run(col.values[rows], hi[rows], lo[rows], np.full(rows.size, slot, dtype=np.int64), rows)
    return sort_run(run)


ChunkLookup = Callable[[int], Chunk]


class ComponentIndex:
    """All cells of one (entity, timeline, component), as a few sorted runs."""

    __slots__ = ("_pending", "_runs", "component", "timeline")

    def __init__(self, timeline: str, component: str) -> None:
        self.timeline = timeline
        self.component = component
        self._runs: list[Run] = []
        self._pending: list[tuple[int, Chunk]] = []

    def add(self, slot: int, chunk: Chunk) -> None:
        """Queue a chunk; its run is built at the next query."""
        self._pending.append((slot, chunk))

    def remove_slots(self, slots: set[int]) -> None:
        """Forget the cells of dropped chunks (garbage collection)."""
        self._pending = [(s, c) for s, c in self._pending if s not in slots]
        if not slots:
            return
        dropped = np.fromiter(slots, dtype=np.int64, count=len(slots))
        kept = []
        for run in self._runs:
            mask = np.isin(run.slots, dropped, invert=True)
            if mask.any():
                kept.append(run if mask.all() else run.take(mask))
        self._runs = kept

    def runs(self) -> list[Run]:
        """The sorted runs, after folding in everything queued."""
        if self._pending:
            pending, self._pending = self._pending, []
            new = concat_runs([run_from_chunk(c, s, self.timeline, self.component) for s, c in pending])
            if len(new):
                self._runs.append(new)
            runs = self._runs
            while len(runs) > 1 and len(runs[-2]) <= _MERGE_RATIO * len(runs[-1]):
                tail = runs.pop()
                runs[-1] = concat_runs([runs[-1], tail])
        return self._runs

    def merged(self) -> Run:
        """Everything as one run (and keep it that way: later queries touch one run)."""
        runs = self.runs()
        if len(runs) > 1:
            self._runs = [concat_runs(runs)]
        return self._runs[0] if self._runs else EMPTY_RUN

    def is_empty(self) -> bool:
        return not self._pending and not any(len(r) for r in self._runs)

    def latest_at(self, time: int) -> tuple[Run, int] | None:
        """The run and position of the last cell at or before ``time`` (highest row id on ties)."""
        best: tuple[Run, int] | None = None
        for run in self.runs():
            i = int(run.times.searchsorted(time, "right")) - 1
            if i < 0:
                continue
            if best is None:
                best = (run, i)
                continue
            b_run, j = best
            if (int(run.times[i]), int(run.rid_hi[i]), int(run.rid_lo[i])) > (
                int(b_run.times[j]),
                int(b_run.rid_hi[j]),
                int(b_run.rid_lo[j]),
            ):
                best = (run, i)
        return best

    def range(self, t0: int, t1: int) -> Run:
        """Cells with ``t0 <= time <= t1``, sorted by (time, row id)."""
        parts = []
        for run in self.runs():
            lo = int(run.times.searchsorted(t0, "left"))
            hi = int(run.times.searchsorted(t1, "right"))
            if hi > lo:
                parts.append(run.take(slice(lo, hi)))
        return concat_runs(parts)
