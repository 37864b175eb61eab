"""Where the data is in time: per-timeline (and per-entity) row counts for the time panel.

Rerun's time panel draws data ticks on its time axis and, in the expandable streams area, one
row of ticks per entity. Here the counts live in `TimeHistogram`s of at most `MAX_FINE_BINS`
power-of-two-wide bins that widen (merging neighbours) as the time span grows, so memory is
bounded and adding a chunk costs one `bincount` over its time column: 10M rows are a few
numpy passes, and a live recording updates them chunk by chunk (GC'd chunks are subtracted).

Stepping to the previous / next time with data needs exact times, not bins: `TimeTicks`
answers those from the chunks' time columns (a binary search per sorted column).

What is read of the store, its events and chunks is typed by the Protocols below (``TickStore``,
``TickEvent``, ``TickChunk``, ``TickColumn``): ``ChunkStore`` / ``StoreEvent`` / ``Chunk`` /
``TimeColumn`` satisfy them, and so do the tests' fakes.
"""

from __future__ import annotations

import itertools
import json
import math
import threading
import time
from collections import deque
from collections.abc import Hashable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

MAX_FINE_BINS = 4096  # per histogram; the bin width doubles when the span needs more
MAX_DISPLAY_BINS = 400  # what the browser gets per row
MAX_STREAM_ROWS = 200  # entity rows in the streams area
REFRESH_S = 0.25  # while data streams in, ticks are re-binned at most this often
# Rerun collapsed big gaps on its time axis until 0.31 ("Remove collapsing time gaps for
# performance reasons"); 0.41 shows true time, so this stays off (the code path is kept tested).
COLLAPSE_GAPS = False
LEVELS = "0123456789abcdef"  # density levels as one hex digit per display bin


class TickColumn(Protocol):
    """One index column of a chunk (``rerun_core.store.chunk.TimeColumn``)."""

    @property
    def values(self) -> np.ndarray: ...  # int64 times
    @property
    def is_sorted(self) -> bool: ...


class TickChunk(Protocol):
    """What the ticks read of a store chunk (``rerun_core.store.chunk.Chunk``)."""

    @property
    def id(self) -> Hashable: ...
    @property
    def entity_path(self) -> object: ...  # an EntityPath (or its string)
    @property
    def timelines(self) -> Mapping[str, TickColumn]: ...


class TickEvent(Protocol):
    """A store subscriber's event (``rerun_core.store.store.StoreEvent``)."""

    @property
    def chunk(self) -> TickChunk: ...
    @property
    def kind(self) -> str: ...  # "added" | "deleted"


class LoadedRanges(Protocol):
    """A recording fetched on demand (``rerun_core.store.store.FetchProgress``)."""

    def loaded_ranges(self, timeline: str) -> list[tuple[int, int]]: ...


class TickStore(Protocol):
    """What the ticks read of a store (``rerun_core.store.store.ChunkStore``)."""

    @property
    def fetch_progress(self) -> LoadedRanges | None: ...  # set while a server segment is fetched
    def chunks(self) -> Iterable[TickChunk]: ...


if TYPE_CHECKING:  # the real store types satisfy the protocols (checked by mypy)
    from rerun_core.store.chunk import Chunk, TimeColumn
    from rerun_core.store.store import ChunkStore, StoreEvent

    _COLUMN: type[TickColumn] = TimeColumn
    _CHUNK: type[TickChunk] = Chunk
    _EVENT: type[TickEvent] = StoreEvent
    _STORE: type[TickStore] = ChunkStore


class TimeHistogram:
    """Counts of rows per time bin; bins are 2**shift wide and aligned at multiples of it."""

    __slots__ = ("counts", "lo", "shift")

    def __init__(self) -> None:
        self.shift = 0
        self.lo = 0  # index (time >> shift) of counts[0]
        self.counts = np.zeros(0, np.int64)

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    def add(self, times: np.ndarray, sign: int = 1) -> None:
        """Count `times` (int64) in; `sign=-1` takes a previously added batch out again."""
        times = np.asarray(times, np.int64)
        if times.size == 0:
            return
        tmin, tmax = int(times.min()), int(times.max())
        if self.counts.size == 0:
            self.lo = tmin >> self.shift
        while max(self._hi(), tmax >> self.shift) - min(self.lo, tmin >> self.shift) + 1 > MAX_FINE_BINS:
            self._widen()
        new_lo = min(self.lo, tmin >> self.shift)
        new_hi = max(self._hi(), tmax >> self.shift)
        if self.counts.size == 0 or new_lo != self.lo or new_hi != self._hi():
            grown = np.zeros(new_hi - new_lo + 1, np.int64)
            grown[self.lo - new_lo : self.lo - new_lo + self.counts.size] = self.counts
            self.counts, self.lo = grown, new_lo
        idx = (times >> self.shift) - self.lo
        self.counts += sign * np.bincount(idx, minlength=self.counts.size)
        if sign < 0:
            np.maximum(self.counts, 0, out=self.counts)

    def _hi(self) -> int:
        return self.lo + max(self.counts.size, 1) - 1

    def _widen(self) -> None:
        """Double the bin width, merging neighbouring bins."""
        if self.counts.size:
            idx = (self.lo + np.arange(self.counts.size, dtype=np.int64)) >> 1
            self.counts = np.bincount(idx - (self.lo >> 1), weights=self.counts).astype(np.int64)
        self.lo >>= 1
        self.shift += 1

    def display(self, t0: int, t1: int, n: int) -> np.ndarray:
        """Counts in `n` equal bins over [t0, t1]; a fine bin straddling two is split by overlap."""
        out = np.zeros(max(1, n), np.float64)
        nz = np.nonzero(self.counts)[0]
        if nz.size == 0:
            return out
        size = float(1 << self.shift)
        starts = (self.lo + nz).astype(np.float64) * size
        keep = (starts + size > t0) & (starts <= t1)  # a wide bin may stick out of the range
        width = (t1 - t0 + 1) / out.size
        lo = (starts[keep] - t0) / width
        hi = lo + size / width
        counts = self.counts[nz][keep].astype(np.float64)
        first = np.floor(lo)
        share = np.clip((np.minimum(hi, first + 1) - lo) / (hi - lo), 0.0, 1.0)
        last = out.size - 1
        np.add.at(out, np.clip(first, 0, last).astype(np.int64), counts * share)
        np.add.at(out, np.clip(first + 1, 0, last).astype(np.int64), counts * (1 - share))
        return out


def display_bins(kind: str | None, t0: int, t1: int) -> int:
    """One display bin per time on short sequences, else `MAX_DISPLAY_BINS`."""
    span = t1 - t0 + 1
    if kind == "sequence":
        return int(min(span, MAX_DISPLAY_BINS))
    return MAX_DISPLAY_BINS if t1 > t0 else 1


def data_ranges(hist: TimeHistogram, rng: tuple[int, int]) -> list[tuple[int, int]]:
    """Runs of non-empty bins as time ranges (exact while bins are one time wide), within rng."""
    nz = np.nonzero(hist.counts)[0]
    if nz.size == 0:
        return [rng]
    breaks = np.nonzero(np.diff(nz) > 1)[0]
    starts = np.concatenate([nz[:1], nz[breaks + 1]])
    ends = np.concatenate([nz[breaks], nz[-1:]])
    size = 1 << hist.shift
    out = []
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        lo, hi = max(rng[0], (hist.lo + a) * size), min(rng[1], (hist.lo + b + 1) * size - 1)
        if lo <= hi:
            out.append((lo, hi))
    return out or [rng]


def collapse_gaps(
    ranges: list[tuple[int, int]], kind: str | None, rows: int | None = None
) -> list[tuple[int, int]]:
    """Rerun's time axis heuristic: join data ranges except across the few gaps that each take a
    big share (> max(35 %, 2 / (n - 1))) of the time left, at most min((n - 1) // 3, 20) of them,
    each longer than 9 frames or 100 ms; n counts rows (the ranges when not given). Returns the
    segments the axis shows side by side."""
    n = len(ranges) if rows is None else rows
    span = ranges[-1][1] - ranges[0][0] if ranges else 0
    if n <= 2 or span <= 0 or len(ranges) < 2:
        return [(ranges[0][0], ranges[-1][1])] if ranges else []
    min_gap = 9 if kind == "sequence" else 100_000_000
    gaps = sorted((b[0] - a[1] for a, b in itertools.pairwise(ranges)), reverse=True)
    min_fraction = max(2.0 / (n - 1), 0.35)
    threshold, left = None, float(span)
    for gap in [g for g in gaps if g > min_gap][: min((n - 1) // 3, 20)]:
        if gap / left <= min_fraction:
            break
        threshold, left = gap, left - gap
    out = [ranges[0]]
    for r in ranges[1:]:
        if threshold is None or r[0] - out[-1][1] < threshold:
            out[-1] = (out[-1][0], max(out[-1][1], r[1]))
        else:
            out.append(r)
    return out


def segment_bins(segments: list[tuple[int, int]], kind: str | None) -> list[int]:
    """Display bins per segment, shared by time length (one per time on short sequences)."""
    if len(segments) == 1:
        return [display_bins(kind, *segments[0])]
    lengths = [b - a + 1 for a, b in segments]
    total = sum(lengths)
    shares = [max(1, round(MAX_DISPLAY_BINS * length / total)) for length in lengths]
    return [min(n, length) if kind == "sequence" else n for n, length in zip(shares, lengths, strict=True)]


def encode_levels(counts: np.ndarray) -> str:
    """Counts as density levels, one hex digit each: 0 = no data, 1..f log-scaled to the max."""
    counts = np.asarray(counts, np.float64)
    top = float(counts.max()) if counts.size else 0.0
    if top <= 0:
        return "0" * counts.size
    levels = np.where(counts > 0, 1 + np.floor(14 * np.log1p(counts) / math.log1p(top) + 1e-6), 0)
    return "".join(LEVELS[int(v)] for v in np.clip(levels, 0, 15))


class TimeTicks:
    """Histograms of one store, fed by its chunk events and read by the time panel."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: deque[tuple[TickChunk, int]] = deque()
        self._store: TickStore | None = None
        self._counted: set[Hashable] = set()
        self.totals: dict[str, TimeHistogram] = {}
        self.entities: dict[str, dict[str, TimeHistogram]] = {}  # timeline -> entity -> hist
        self.version = 0
        self.streams_open = False
        self.views: dict[str, tuple[int, int]] = {}  # the time axis' zoomed range, per timeline
        self._cache: tuple[Any, str] | None = None
        self._computed_at = float("-inf")
        self.stale = False  # the cached payload lags the data (throttled): ask again soon

    # --- feeding ------------------------------------------------------------------------------

    def on_event(self, event: TickEvent) -> None:
        """A store subscriber: queue the chunk (cheap; counted at the next `sync`)."""
        self._pending.append((event.chunk, -1 if event.kind == "deleted" else 1))

    def sync(self, store: TickStore | None) -> bool:
        """Count what arrived since the last call (all of `store` when it is new); True if changed."""
        with self._lock:
            if store is not self._store:
                self._reset(store)
                batch = [(c, 1) for c in _chunks_of(store)]
            else:
                batch = []
                while self._pending:
                    batch.append(self._pending.popleft())
            changed = self._count(batch)
            if changed:
                self.version += 1
            return changed

    def _reset(self, store: TickStore | None) -> None:
        self._store = store
        self._pending.clear()
        self._counted = set()
        self.totals, self.entities = {}, {}
        self._cache = None

    def _count(self, batch: Iterable[tuple[TickChunk, int]]) -> bool:
        groups: dict[tuple[str, str, int], list[np.ndarray]] = {}
        for chunk, sign in batch:
            cid = chunk.id
            if (sign > 0) == (cid in self._counted):
                continue  # already counted (a snapshot raced an event), or never counted
            (self._counted.add if sign > 0 else self._counted.discard)(cid)
            entity = _path(chunk.entity_path)
            for name, col in chunk.timelines.items():
                if col.values.size:
                    groups.setdefault((name, entity, sign), []).append(col.values)
        for (name, entity, sign), parts in groups.items():
            times = np.concatenate(parts) if len(parts) > 1 else parts[0]
            self.totals.setdefault(name, TimeHistogram()).add(times, sign)
            self.entities.setdefault(name, {}).setdefault(entity, TimeHistogram()).add(times, sign)
        return bool(groups)

    # --- reading ------------------------------------------------------------------------------

    def payload(
        self, timeline: str | None, kind: str | None, rng: tuple[int, int] | None, *, collapse: bool = False
    ) -> dict[str, Any]:
        """What the time axis draws: the segments it shows (big gaps collapsed, as Rerun's, unless
        `collapse` is off), density levels over them (`bins`: the segments' bins one after the
        other; `segments`: [start, end, bins] each), and per-entity rows if the streams are open."""
        out: dict[str, Any] = {"timeline": timeline, "range": list(rng) if rng else None, "bins": ""}
        out.update(streams_open=self.streams_open, streams=[], segments=[])
        partial = self._store.fetch_progress if self._store is not None else None  # fetched on demand
        if partial is not None and timeline is not None and rng is not None:
            out["loaded"] = [
                [a, b] for a, b in partial.loaded_ranges(timeline) if b >= rng[0] and a <= rng[1]
            ]
            collapse = False  # what is not here yet is no gap: keep the axis linear
        hist = self.totals.get(timeline or "")
        if hist is None or rng is None:
            return out
        segs = collapse_gaps(data_ranges(hist, rng), kind, hist.total) if collapse else [rng]
        segs = [(max(a, rng[0]), min(b, rng[1])) for a, b in segs]
        ns = segment_bins(segs, kind)
        out["segments"] = [[a, b, n] for (a, b), n in zip(segs, ns, strict=True)]
        out["bins"] = encode_levels(_display(hist, segs, ns))
        if self.streams_open:
            out["streams"] = self._stream_rows(timeline or "", segs, ns)
        return out

    def set_view(self, timeline: str | None, view: Any) -> None:
        """The part of the timeline the browser shows (None: all of it); ticks are binned over it."""
        if view is None or timeline is None:
            self.views.clear()  # one zoom at a time: the browser resets it when the timeline changes
        else:
            a, b = (int(v) for v in view)
            self.views = {timeline: (min(a, b), max(a, b))}

    def payload_json(self, timeline: str | None, kind: str | None, rng: tuple[int, int] | None) -> str:
        """`payload` as JSON over the zoomed view (within `rng`), recomputed only on changes."""
        view = self.views.get(timeline or "")
        zoomed = False
        if rng is not None and view is not None:
            lo, hi = max(view[0], rng[0]), min(view[1], rng[1])
            zoomed = hi > lo
            rng = (lo, hi) if zoomed else rng
        key = (self.version, rng, timeline, kind, self.streams_open, view)
        now = time.monotonic()
        with self._lock:
            if self._cache is not None and self._cache[0] == key:
                self.stale = False
                return self._cache[1]
            if self._cache is not None and self._cache[0][2:] == key[2:]:
                # only the data moved on (live logging): at most every REFRESH_S, the last one later
                if now - self._computed_at < REFRESH_S:
                    self.stale = True
                    return self._cache[1]
            payload = self.payload(timeline, kind, rng, collapse=COLLAPSE_GAPS and not zoomed)
            text = json.dumps(payload, separators=(",", ":"))
            self._cache, self._computed_at, self.stale = (key, text), now, False
            return text

    def _stream_rows(self, timeline: str, segs: list[tuple[int, int]], ns: list[int]) -> list[dict[str, Any]]:
        """One row per entity-tree node (ancestors summed over their subtree), depth first."""
        sums: dict[str, np.ndarray] = {}
        leaves = set()
        for entity, hist in self.entities.get(timeline, {}).items():
            if entity.startswith("/__") or hist.total == 0:
                continue  # recording properties are not streams
            leaves.add(entity)
            counts = _display(hist, segs, ns)
            parts = [p for p in entity.split("/") if p]
            for i in range(1, len(parts) + 1):
                node = "/" + "/".join(parts[:i])
                sums[node] = sums[node] + counts if node in sums else counts.copy()
        order = sorted(sums, key=lambda s: [p for p in s.split("/") if p])[:MAX_STREAM_ROWS]
        return [
            {
                "path": node,
                "name": node.rsplit("/", 1)[-1],
                "depth": node.count("/") - 1,
                "has_data": node in leaves,
                "bins": encode_levels(sums[node]),
            }
            for node in order
        ]

    def next_after(self, timeline: str, t: int) -> int | None:
        """The smallest time with data that is > t on the timeline (None when there is none)."""
        best: int | None = None
        for values, is_sorted in self._columns(timeline):
            if is_sorted:
                i = int(np.searchsorted(values, t, side="right"))
                cand = int(values[i]) if i < values.size else None
            else:
                later = values[values > t]
                cand = int(later.min()) if later.size else None
            if cand is not None and (best is None or cand < best):
                best = cand
        return best

    def prev_before(self, timeline: str, t: int) -> int | None:
        """The largest time with data that is < t on the timeline (None when there is none)."""
        best: int | None = None
        for values, is_sorted in self._columns(timeline):
            if is_sorted:
                i = int(np.searchsorted(values, t, side="left"))
                cand = int(values[i - 1]) if i > 0 else None
            else:
                earlier = values[values < t]
                cand = int(earlier.max()) if earlier.size else None
            if cand is not None and (best is None or cand > best):
                best = cand
        return best

    def _columns(self, timeline: str) -> Iterable[tuple[np.ndarray, bool]]:
        for chunk in _chunks_of(self._store):
            col = chunk.timelines.get(timeline)
            if col is not None and col.values.size:
                yield col.values, bool(col.is_sorted)


def _display(hist: TimeHistogram, segs: list[tuple[int, int]], ns: list[int]) -> np.ndarray:
    return np.concatenate([hist.display(a, b, n) for (a, b), n in zip(segs, ns, strict=True)])


def _chunks_of(store: TickStore | None) -> list[TickChunk]:
    try:
        return list(store.chunks()) if store is not None else []
    except Exception:
        return []


def _path(path: object) -> str:
    s = str(path)
    return s if s.startswith("/") else "/" + s
