"""Micro-batching of logged rows into chunks, as Rerun's chunk batcher does.

Rows accumulate per entity; an entity is cut when it reaches ``flush_num_rows`` rows or
``flush_num_bytes`` (Rerun's size estimate), on every ``flush_tick`` (a background thread), or
on an explicit flush. ``_batch_chunks`` splits a cut into chunks as Rerun does. Row ids are
reserved when an entity is cut, under the lock, so they follow log order.
"""

from __future__ import annotations

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

from rerun_core.store.chunk import Chunk
from rerun_core.types import ComponentDescriptor, new_tuids

from ._batch_chunks import Group, NumpyCell, TimelineKey, build_list_column, entity_chunks

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


# Rerun sizes a pending row as about half its data plus a fixed cost per row and component
# (measured on 0.41: its byte threshold cuts after the same rows as this estimate).
ROW_BYTES_TEMPORAL = 488
ROW_BYTES_STATIC = 260
ROW_BYTES_PER_COMPONENT = 58
_TEMPORAL_ONE = ROW_BYTES_TEMPORAL + ROW_BYTES_PER_COMPONENT
_STATIC_ONE = ROW_BYTES_STATIC + ROW_BYTES_PER_COMPONENT


class _Acc:
    """One entity's pending rows (Rerun accumulates and flushes per entity)."""

    __slots__ = ("entity", "groups", "num_bytes", "rows")

    def __init__(self, entity: str) -> None:
        self.entity = entity
        self.groups: dict[tuple[Any, ...], Group] = {}
        self.rows = 0
        self.num_bytes = 0


@dataclass
class _Cut:
    acc: _Acc
    row_ids: np.ndarray


def cut_to_chunks(cut: _Cut, max_rows_if_unsorted: int) -> list[Chunk]:
    acc = cut.acc
    return entity_chunks(acc.entity, list(acc.groups.values()), cut.row_ids, max_rows_if_unsorted)


_ALL_BATCHERS: weakref.WeakSet[Batcher] = weakref.WeakSet()


class Batcher:
    """Thread-safe row accumulator; ``on_chunk`` receives each finished chunk."""

    def __init__(self, config: ChunkBatcherConfig, on_chunk: Callable[[Chunk], None]) -> None:
        self.config = config
        self._on_chunk = on_chunk
        self._lock = threading.Lock()
        self._accs: dict[str, _Acc] = {}
        # (entity, id of timelines, ids of descriptors) -> its pending group, across entities
        self._groups: dict[tuple[Any, ...], Group] = {}
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._send_lock = threading.Lock()
        self.on_first_push: Callable[[], None] | None = None
        self._max_rows = int(config.flush_num_rows or 0)
        self._max_bytes = int(config.flush_num_bytes or 0)
        self._max_unsorted = int(config.chunk_max_rows_if_unsorted or 0)
        _ALL_BATCHERS.add(self)

    def push(
        self,
        entity: str,
        timelines: TimelineKey | None,
        times: Sequence[int],
        components: dict[ComponentDescriptor, Any],
        num_bytes: int,
    ) -> None:
        """Add one row of ``num_bytes`` data. ``timelines`` None means static; ``times``
        aligns with ``timelines``."""
        # Rows are grouped by identity (the recording reuses its timeline tuple, archetypes
        # their descriptors): hashing enums and dataclasses per row is what this avoids. Groups
        # of equal timelines and datatypes are merged when the entity is cut, as Rerun splits.
        key = (entity, id(timelines), *map(id, components))
        size = (num_bytes >> 1) + ROW_BYTES_PER_COMPONENT * len(components)
        size += ROW_BYTES_TEMPORAL if timelines else ROW_BYTES_STATIC  # no timelines: static
        with self._lock:
            g = self._groups.get(key)
            if g is None:
                g = self._new_group(key, entity, timelines, tuple(components))
            acc = g.acc
            g.idx.append(acc.rows)
            g.times += times
            cols = g.cols
            if len(cols) == 1:
                for v in components.values():
                    cols[0].append(v)
            else:
                for col, v in zip(cols, components.values(), strict=True):
                    col.append(v)
            acc.rows += 1
            acc.num_bytes += size
            cut = None
            if acc.rows >= self._max_rows or acc.num_bytes >= self._max_bytes:
                cut = self._cut(entity)
        if cut is not None:
            self._emit([cut])
        elif self._thread is None:
            self._start_ticker()

    def push_one(
        self,
        entity: str,
        timelines: TimelineKey | None,
        times: Sequence[int],
        desc: ComponentDescriptor,
        values: Any,
        num_bytes: int,
    ) -> None:
        """``push`` for a row of one component (same grouping, without the dict)."""
        key = (entity, id(timelines), id(desc))
        size = (num_bytes >> 1) + (_TEMPORAL_ONE if timelines else _STATIC_ONE)
        with self._lock:
            g = self._groups.get(key)
            if g is None:
                g = self._new_group(key, entity, timelines, (desc,))
            acc = g.acc
            g.idx.append(acc.rows)
            g.times += times
            g.cols[0].append(values)
            acc.rows += 1
            acc.num_bytes += size
            cut = None
            if acc.rows >= self._max_rows or acc.num_bytes >= self._max_bytes:
                cut = self._cut(entity)
        if cut is not None:
            self._emit([cut])
        elif self._thread is None:
            self._start_ticker()

    def _new_group(
        self,
        key: tuple[Any, ...],
        entity: str,
        timelines: TimelineKey | None,
        descs: tuple[ComponentDescriptor, ...],
    ) -> Group:
        """(Under the lock.) A group for rows keyed ``key``; its objects keep the ids valid."""
        acc = self._accs.get(entity)
        if acc is None:
            acc = self._accs[entity] = _Acc(entity)
        g = acc.groups[key] = self._groups[key] = Group(timelines, descs)
        g.acc = acc
        return g

    def _cut(self, entity: str) -> _Cut:
        acc = self._accs.pop(entity)
        for key in acc.groups:
            del self._groups[key]
        return _Cut(acc, new_tuids(acc.rows))

    def _emit(self, cuts: list[_Cut]) -> None:
        with self._send_lock:
            for cut in cuts:
                for chunk in cut_to_chunks(cut, self._max_unsorted):
                    self._on_chunk(chunk)

    def flush(self) -> None:
        """Cut every pending entity now and hand the chunks over, in log order per entity."""
        with self._send_lock:
            with self._lock:
                cuts = [self._cut(k) for k in list(self._accs)]
            for cut in cuts:
                for chunk in cut_to_chunks(cut, self._max_unsorted):
                    self._on_chunk(chunk)

    def pending_rows(self) -> int:
        with self._lock:
            return sum(acc.rows for acc in self._accs.values())

    # --- background tick ------------------------------------------------------------------

    def _start_ticker(self) -> None:
        hook, self.on_first_push = self.on_first_push, None
        if hook is not None:  # set in a forked child, to warn that its rows go nowhere
            hook()
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
        self._accs = {}
        self._groups = {}
        self._thread = None
        self.on_first_push = None
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


__all__ = [
    "Batcher",
    "ChunkBatcherConfig",
    "NumpyCell",
    "TimelineKey",
    "build_list_column",
    "estimate_bytes",
    "time",
]
