"""Micro-batching of logged rows into chunks, as Rerun's chunk batcher does.

Rows are grouped per entity (and per set of timelines, and static apart from temporal) and
turned into one :class:`Chunk` when a group reaches ``flush_num_rows`` rows or
``flush_num_bytes`` bytes, on every ``flush_tick`` (a background thread), or on an explicit
flush. Row ids are reserved when a group is cut, under the lock, so they follow log order.
"""

from __future__ import annotations

import itertools
import operator
import os
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
import pyarrow as pa

from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.types import ComponentDescriptor, TimeType, new_tuids

_U64_MAX = 2**64 - 1


def _env_number(name: str, default: float, parse: Callable[[str], float]) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return parse(raw.strip())
    except ValueError:
        import warnings

        warnings.warn(f"ignoring {name}={raw!r}: not a number", stacklevel=3)
        return default


@dataclass
class ChunkBatcherConfig:
    """When to cut a chunk. Unset fields come from the ``RERUN_FLUSH_*`` environment variables."""

    flush_tick: float | int | timedelta | None = None
    flush_num_bytes: int | None = None
    flush_num_rows: int | None = None
    chunk_max_rows_if_unsorted: int | None = None

    def __post_init__(self) -> None:
        tick = self.flush_tick
        if tick is None:
            tick = _env_number("RERUN_FLUSH_TICK_SECS", 0.2, float)
        elif isinstance(tick, timedelta):
            tick = tick.total_seconds()
        self.flush_tick = float(tick)
        if self.flush_num_bytes is None:
            self.flush_num_bytes = int(_env_number("RERUN_FLUSH_NUM_BYTES", 1024 * 1024, int))
        if self.flush_num_rows is None:
            self.flush_num_rows = int(_env_number("RERUN_FLUSH_NUM_ROWS", _U64_MAX, int))
        if self.chunk_max_rows_if_unsorted is None:
            self.chunk_max_rows_if_unsorted = 256

    @property
    def tick_seconds(self) -> float:
        assert isinstance(self.flush_tick, float)
        return self.flush_tick

    @staticmethod
    def DEFAULT() -> ChunkBatcherConfig:
        return ChunkBatcherConfig(0.2, 1024 * 1024, _U64_MAX)

    @staticmethod
    def LOW_LATENCY() -> ChunkBatcherConfig:
        return ChunkBatcherConfig(0.008, 1024 * 1024, _U64_MAX)

    @staticmethod
    def ALWAYS() -> ChunkBatcherConfig:
        return ChunkBatcherConfig(0.0, 0, 0)

    @staticmethod
    def NEVER() -> ChunkBatcherConfig:
        return ChunkBatcherConfig(float(2**31), _U64_MAX, _U64_MAX)


TimelineKey = tuple[tuple[str, TimeType], ...]


class _Group:
    """Rows of one entity with the same timelines and components, as appended until cut."""

    __slots__ = ("comps", "entity", "num_bytes", "timelines", "times")

    def __init__(self, entity: str, timelines: TimelineKey | None) -> None:
        self.entity = entity
        self.timelines = timelines
        self.times: list[Sequence[int]] = []
        self.comps: list[dict[ComponentDescriptor, Any]] = []
        self.num_bytes = 0


@dataclass
class _Cut:
    group: _Group
    row_ids: np.ndarray


class NumpyCell:
    """A row's plain numeric values kept as numpy until the chunk is built.

    Building one Arrow array per chunk (``np.concatenate`` + one ``pa.array``) instead of one
    per row is what makes ``log(Scalars(x))`` cheap. The values are copied when logged, so the
    caller may reuse its buffer at once (as 0.41, which copies into native memory).
    """

    __slots__ = ("type", "values")

    def __init__(self, values: np.ndarray, arrow_type: pa.DataType) -> None:
        self.values = values
        self.type = arrow_type

    def __len__(self) -> int:
        return len(self.values)

    def get_total_buffer_size(self) -> int:
        return int(self.values.nbytes)

    def to_arrow(self) -> pa.Array:
        return pa.array(self.values, type=self.type)


_TYPE = operator.attrgetter("type")
_DTYPE = operator.attrgetter("dtype")


def _to_arrow(a: Any) -> pa.Array:
    if type(a) is NumpyCell:
        return a.to_arrow()
    if type(a) is np.ndarray:
        return pa.array(a)
    return a


_VALUES = operator.attrgetter("values")


def _concat(arrays: list[Any]) -> pa.Array:
    first = arrays[0]
    kinds = set(map(type, arrays))
    if kinds == {np.ndarray} and len(set(map(_DTYPE, arrays))) == 1:
        return pa.array(np.concatenate(arrays) if len(arrays) > 1 else first)
    if kinds == {NumpyCell}:
        if len(set(map(_TYPE, arrays))) == 1:
            merged = np.concatenate(list(map(_VALUES, arrays))) if len(arrays) > 1 else first.values
            return pa.array(merged, type=first.type)
    arrs = [_to_arrow(a) for a in arrays]
    if len(arrs) == 1:
        return arrs[0]
    try:
        return pa.concat_arrays(arrs)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        typ = arrs[0].type
        return pa.concat_arrays([a if a.type == typ else a.cast(typ) for a in arrs])


def _lengths(arrays: list[Any]) -> np.ndarray:
    if type(arrays[0]) is NumpyCell:
        return np.fromiter(map(len, map(_VALUES, arrays)), dtype=np.int64, count=len(arrays))
    return np.fromiter(map(len, arrays), dtype=np.int64, count=len(arrays))


def list_column(arrays: list[Any]) -> pa.Array:
    """One list per row from each row's flat values (Arrow arrays or ``NumpyCell``s)."""
    values = _concat(arrays)
    offsets = np.zeros(len(arrays) + 1, dtype=np.int64)
    np.cumsum(_lengths(arrays), out=offsets[1:])
    if offsets[-1] < 2**31:
        return pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), values)
    return pa.LargeListArray.from_arrays(pa.array(offsets), values)


def build_list_column(cells: list[tuple[int, Any]], num_rows: int) -> pa.Array:
    """One list per row from (row index, flat values) cells; rows without a cell are null."""
    if len(cells) == num_rows:
        return list_column([a for _, a in cells])
    arrays = [a for _, a in cells]
    values = _concat(arrays)
    lengths = np.zeros(num_rows, dtype=np.int64)
    present = np.zeros(num_rows, dtype=bool)
    idx = np.fromiter((i for i, _ in cells), dtype=np.int64, count=len(cells))
    lengths[idx] = _lengths(arrays)
    present[idx] = True
    offsets = np.zeros(num_rows + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), values, mask=pa.array(~present))


def cut_to_chunk(cut: _Cut) -> Chunk:
    g = cut.group
    n = len(g.times)
    timelines = []
    if g.timelines:
        k = len(g.timelines)
        flat = np.fromiter(itertools.chain.from_iterable(g.times), dtype=np.int64, count=n * k)
        times = flat.reshape(n, k)
        timelines = [
            TimeColumn.from_values(name, typ, times[:, i]) for i, (name, typ) in enumerate(g.timelines)
        ]
    # Every row of a group has the same components in the same order: transpose by position.
    descs = list(g.comps[0])
    if len(descs) == 1:
        per_desc = [list(map(next, map(iter, map(dict.values, g.comps))))]
    else:
        per_desc = [list(col) for col in zip(*map(dict.values, g.comps), strict=True)]
    columns = {desc: list_column(arrays) for desc, arrays in zip(descs, per_desc, strict=True)}
    return Chunk.from_columns(g.entity, cut.row_ids, timelines, columns)


def cut_to_chunks(cut: _Cut, max_rows_if_unsorted: int) -> list[Chunk]:
    """The cut as one chunk, or, as Rerun, pieces of ``max_rows_if_unsorted`` rows when a
    timeline is out of order (small unsorted chunks keep range queries cheap)."""
    chunk = cut_to_chunk(cut)
    n = chunk.num_rows
    if n <= max_rows_if_unsorted or max_rows_if_unsorted <= 0:
        return [chunk]
    if all(col.is_sorted for col in chunk.timelines.values()):
        return [chunk]
    step = max_rows_if_unsorted
    return [
        Chunk.from_columns(
            chunk.entity_path,
            chunk.row_ids[i : i + step],
            [TimeColumn.from_values(c.name, c.typ, c.values[i : i + step]) for c in chunk.timelines.values()],
            {desc: arr.slice(i, step) for desc, arr in chunk.components.items()},
        )
        for i in range(0, n, step)
    ]


_ALL_BATCHERS: weakref.WeakSet[Batcher] = weakref.WeakSet()


class Batcher:
    """Thread-safe row accumulator; ``on_chunk`` receives each finished chunk."""

    def __init__(self, config: ChunkBatcherConfig, on_chunk: Callable[[Chunk], None]) -> None:
        self.config = config
        self._on_chunk = on_chunk
        self._lock = threading.Lock()
        self._groups: dict[tuple[Any, ...], _Group] = {}
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._send_lock = threading.Lock()
        self._max_rows = int(config.flush_num_rows or 0)
        self._max_bytes = int(config.flush_num_bytes or 0)
        self._max_unsorted = int(config.chunk_max_rows_if_unsorted or 0)
        _ALL_BATCHERS.add(self)

    def push(
        self,
        entity: str,
        timelines: TimelineKey | None,
        times: Sequence[int],
        components: dict[ComponentDescriptor, pa.Array],
        num_bytes: int,
    ) -> None:
        """Add one row. ``timelines`` None means static; ``times`` aligns with ``timelines``."""
        # As Rerun: rows of one chunk share entity, timelines and set of components. Keyed by
        # identity (the recording reuses its timeline tuple, archetypes their descriptors):
        # hashing enums and dataclasses per row is what this avoids. Equal but distinct objects
        # only make separate chunks; a pending group keeps its key objects alive.
        key = (entity, id(timelines), *map(id, components))
        with self._lock:
            g = self._groups.get(key)
            if g is None:
                g = self._groups[key] = _Group(entity, timelines)
            g.times.append(times)
            g.comps.append(components)
            g.num_bytes += num_bytes
            cut = None
            if len(g.times) >= self._max_rows or g.num_bytes >= self._max_bytes:
                cut = self._cut(key)
        if cut is not None:
            self._emit([cut])
        elif self._thread is None:
            self._start_ticker()

    def _cut(self, key: tuple[Any, ...]) -> _Cut:
        g = self._groups.pop(key)
        return _Cut(g, new_tuids(len(g.times)))

    def _emit(self, cuts: list[_Cut]) -> None:
        with self._send_lock:
            for cut in cuts:
                for chunk in cut_to_chunks(cut, self._max_unsorted):
                    self._on_chunk(chunk)

    def flush(self) -> None:
        """Cut every pending group now and hand the chunks over, in log order per entity."""
        with self._send_lock:
            with self._lock:
                cuts = [self._cut(k) for k in list(self._groups)]
            for cut in cuts:
                for chunk in cut_to_chunks(cut, self._max_unsorted):
                    self._on_chunk(chunk)

    def pending_rows(self) -> int:
        with self._lock:
            return sum(len(g.times) for g in self._groups.values())

    # --- background tick ------------------------------------------------------------------

    def _start_ticker(self) -> None:
        with self._lock:
            if self._thread is not None or self._stop.is_set():
                return
            ref = weakref.ref(self)
            self._thread = threading.Thread(
                target=_tick_loop,
                args=(ref, self._stop, self.config.tick_seconds),
                name="rerun-batcher",
                daemon=True,
            )
            self._thread.start()

    def close(self) -> None:
        """Flush and stop the tick thread."""
        self._stop.set()
        self.flush()

    def _after_fork_in_child(self) -> None:
        # The parent flushes its own pending rows; the child starts empty, with fresh locks.
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._groups = {}
        self._thread = None
        self._stop = threading.Event()


def _tick_loop(ref: weakref.ref[Batcher], stop: threading.Event, tick: float) -> None:
    tick = max(tick, 0.001)
    while not stop.wait(tick):
        batcher = ref()
        if batcher is None:
            return
        try:
            batcher.flush()
        except Exception as err:  # never kill the ticker; report once per failure
            import warnings

            warnings.warn(f"rerun: failed to flush a chunk: {err}", stacklevel=1)
        del batcher


def _reset_after_fork() -> None:
    for b in list(_ALL_BATCHERS):
        b._after_fork_in_child()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)


def estimate_bytes(components: dict[Any, pa.Array]) -> int:
    return sum(a.get_total_buffer_size() for a in components.values())


__all__ = ["Batcher", "ChunkBatcherConfig", "build_list_column", "estimate_bytes", "time"]
