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


_NEVER_S = float(2**31)  # "never" as a tick: about 68 years


def _seconds(tick: float | int | timedelta) -> float:
    if isinstance(tick, timedelta):
        return tick.total_seconds()
    if isinstance(tick, bool) or not isinstance(tick, (int, float)):
        raise TypeError(f"flush_tick: expected int, float or timedelta, got {type(tick).__name__}")
    return float(tick)


class ChunkBatcherConfig:
    """The batching thresholds of a RecordingStream (0.41's shape: ``flush_tick`` reads back as
    a ``timedelta``). Unset fields come from the ``RERUN_FLUSH_TICK_SECS``,
    ``RERUN_FLUSH_NUM_BYTES``, ``RERUN_FLUSH_NUM_ROWS`` and ``RERUN_CHUNK_MAX_ROWS_IF_UNSORTED``
    environment variables, else 0.41's defaults (200 ms, 2 MiB, no row limit, 8192)."""

    __slots__ = ("_tick_s", "chunk_max_rows_if_unsorted", "flush_num_bytes", "flush_num_rows")

    def __init__(
        self,
        flush_tick: int | float | timedelta | None = None,
        flush_num_bytes: int | None = None,
        flush_num_rows: int | None = None,
        chunk_max_rows_if_unsorted: int | None = None,
    ) -> None:
        self._tick_s = (
            _env_number("RERUN_FLUSH_TICK_SECS", 0.2, float) if flush_tick is None else _seconds(flush_tick)
        )
        self.flush_num_bytes: int = (
            int(_env_number("RERUN_FLUSH_NUM_BYTES", 2 * 1024 * 1024, int))
            if flush_num_bytes is None
            else int(flush_num_bytes)
        )
        self.flush_num_rows: int = (
            int(_env_number("RERUN_FLUSH_NUM_ROWS", _U64_MAX, int))
            if flush_num_rows is None
            else int(flush_num_rows)
        )
        self.chunk_max_rows_if_unsorted: int = (
            int(_env_number("RERUN_CHUNK_MAX_ROWS_IF_UNSORTED", 8192, int))
            if chunk_max_rows_if_unsorted is None
            else int(chunk_max_rows_if_unsorted)
        )

    @property
    def flush_tick(self) -> timedelta:
        """Duration of the periodic tick (``RERUN_FLUSH_TICK_SECS``)."""
        return timedelta(seconds=self._tick_s)

    @flush_tick.setter
    def flush_tick(self, value: int | float | timedelta) -> None:
        self._tick_s = _seconds(value)

    @property
    def tick_seconds(self) -> float:
        """``flush_tick`` in seconds (what the tick thread sleeps)."""
        return self._tick_s

    def _key(self) -> tuple[float, int, int, int]:
        return (self._tick_s, self.flush_num_bytes, self.flush_num_rows, self.chunk_max_rows_if_unsorted)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChunkBatcherConfig) and self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]  # mutable, as 0.41's

    def __repr__(self) -> str:
        return (
            f"ChunkBatcherConfig(flush_tick={self.flush_tick!r}, flush_num_bytes={self.flush_num_bytes}, "
            f"flush_num_rows={self.flush_num_rows}, "
            f"chunk_max_rows_if_unsorted={self.chunk_max_rows_if_unsorted})"
        )

    @staticmethod
    def DEFAULT() -> ChunkBatcherConfig:
        """Default configuration, applicable to most use cases."""
        return ChunkBatcherConfig(0.2, 2 * 1024 * 1024, _U64_MAX, 8192)

    @staticmethod
    def LOW_LATENCY() -> ChunkBatcherConfig:
        """Low-latency configuration, preferred when streaming directly to a viewer."""
        return ChunkBatcherConfig(0.008, 2 * 1024 * 1024, _U64_MAX, 8192)

    @staticmethod
    def ALWAYS_TEST_ONLY() -> ChunkBatcherConfig:
        """Always flushes at once (tests only: a chunk per row)."""
        return ChunkBatcherConfig(_NEVER_S, 0, 0, 256)

    @staticmethod
    def NEVER() -> ChunkBatcherConfig:
        """Never flushes unless told to."""
        return ChunkBatcherConfig(_NEVER_S, _U64_MAX, _U64_MAX, 256)


# Rerun sizes a pending row as its data plus a fixed cost per row and component (measured on
# 0.41: its byte threshold cuts after the same rows as this estimate, 2 MiB by default).
ROW_BYTES_TEMPORAL = 976
ROW_BYTES_STATIC = 520
ROW_BYTES_PER_COMPONENT = 116
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
        size = num_bytes + ROW_BYTES_PER_COMPONENT * len(components)
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
        size = num_bytes + (_TEMPORAL_ONE if timelines else _STATIC_ONE)
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
