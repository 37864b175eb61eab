"""The chunk store: the chunks of one recording, indexed for latest-at, range and dataframes.

Inserting a chunk is cheap (it is queued in its per-(entity, timeline, component) indexes; see
``index.py``), so loading a file runs at codec speed; indexes are sorted at the first query.
Queries live in ``query.py`` and ``dataframe.py``; this module owns the bookkeeping: chunks by
slot, static cells, statistics, subscribers and the memory limit.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np
import pyarrow as pa

from rerun_core.types import ComponentDescriptor, EntityPath, TimeType, Tuid

from .chunk import Chunk
from .index import ComponentIndex

if TYPE_CHECKING:
    from .messages import StoreId
    from .query import LatestAtCell, RangeColumn

log = logging.getLogger(__name__)

GC_HEADROOM = 0.9  # after the limit is hit, GC down to this fraction of it
CLEAR_COMPONENT = "Clear:is_recursive"
"""The column a ``Clear`` archetype logs (component type ``rerun.components.ClearIsRecursive``)."""


@dataclass(frozen=True, slots=True)
class StoreEvent:
    """What subscribers get: a chunk was added to (or dropped by GC from) a store."""

    store_id: StoreId | None
    chunk: Chunk
    kind: Literal["added", "deleted"]


Subscriber = Callable[[StoreEvent], None]


class FetchProgress(Protocol):
    """What of a recording fetched on demand (a server segment) is in the store now."""

    def loaded_ranges(self, timeline: str) -> list[tuple[int, int]]: ...


@dataclass(frozen=True, slots=True)
class StoreStats:
    num_chunks: int
    num_static_chunks: int
    num_rows: int
    num_static_rows: int
    num_bytes: int
    num_entities: int
    num_timelines: int
    num_columns: int = 0  # "entity:component" columns held by at least one stored chunk


class _Totals:
    """A store's running counts, updated on insert and drop so that ``stats()`` is O(1)."""

    __slots__ = ("bytes", "chunks", "columns", "rows", "static_chunks", "static_rows")

    def __init__(self) -> None:
        self.chunks = self.static_chunks = self.rows = self.static_rows = self.bytes = 0
        self.columns = 0

    def add(self, chunk: Chunk, sign: int) -> None:
        rows = chunk.num_rows
        self.chunks += sign
        self.rows += sign * rows
        self.bytes += sign * chunk.num_bytes
        if chunk.is_static:
            self.static_chunks += sign
            self.static_rows += sign * rows


@dataclass(slots=True)
class StaticCell:
    """The winning static cell of a component: highest row id among its non-null rows."""

    rid_hi: int
    rid_lo: int
    slot: int
    row: int


class EntityData:
    """Everything the store knows about one entity."""

    __slots__ = ("column_chunks", "descriptors", "nonempty", "path", "slots", "static", "temporal")

    def __init__(self, path: EntityPath) -> None:
        self.path = path
        self.descriptors: dict[str, ComponentDescriptor] = {}
        self.nonempty: set[str] = set()  # components with at least one instance somewhere
        self.static: dict[str, StaticCell] = {}
        self.temporal: dict[str, dict[str, ComponentIndex]] = {}  # timeline -> component -> index
        self.slots: set[int] = set()
        self.column_chunks: dict[str, int] = {}  # component -> stored chunks carrying it

    def count_columns(self, chunk: Chunk, sign: int) -> int:
        """Count ``chunk``'s components in (sign 1) or out (-1); returns the change in columns."""
        change = 0
        counts = self.column_chunks
        for desc in chunk.components:
            n = counts.get(desc.component, 0) + sign
            if n > 0:
                counts[desc.component] = n
                change += n == 1 and sign > 0
            else:
                counts.pop(desc.component, None)
                change -= 1
        return change

    def index(self, timeline: str, component: str) -> ComponentIndex | None:
        per = self.temporal.get(timeline)
        return None if per is None else per.get(component)


class ChunkStore:
    """The chunks of one recording (or blueprint), with indexes, subscribers and a memory limit."""

    def __init__(self, store_id: StoreId | None = None, *, memory_limit: int | None = None) -> None:
        self.store_id = store_id
        self.memory_limit = memory_limit
        self.lock = threading.RLock()
        self.generation = 0  # bumped on every change; cheap cache key for readers
        self._chunks: dict[int, Chunk] = {}
        self._slot_by_id: dict[Tuid, int] = {}
        self._next_slot = 0
        self._entities: dict[EntityPath, EntityData] = {}
        self._entity_by_str: dict[str, EntityData] = {}  # query strings as given -> entity
        self._timelines: dict[str, TimeType] = {}
        self._time_ranges: dict[str, tuple[int, int]] = {}
        self._declared: dict[str, tuple[int, int]] = {}  # see ``declare_time_range``
        self.fetch_progress: FetchProgress | None = None  # set while chunks arrive on demand
        self._clear_entities: set[EntityPath] = set()
        self._totals = _Totals()
        self._num_entities = 0  # entities with at least one stored chunk
        self._subscribers: dict[int, Subscriber] = {}
        self._next_handle = 0

    # --- writes -------------------------------------------------------------------------

    def insert(self, chunk: Chunk) -> bool:
        """Add a chunk; False if a chunk with its id is already stored (then nothing changes)."""
        with self.lock:
            if chunk.id in self._slot_by_id:
                return False
            slot = self._next_slot
            self._next_slot += 1
            self._chunks[slot] = chunk
            self._slot_by_id[chunk.id] = slot
            self._index_chunk(slot, chunk)
            self.generation += 1
        self._notify(StoreEvent(self.store_id, chunk, "added"))
        if self.memory_limit is not None and self._totals.bytes > self.memory_limit:
            # Drop a little more than needed, so that steady logging does not GC on every insert.
            self.gc(int(self.memory_limit * GC_HEADROOM))
        return True

    def insert_many(self, chunks: Iterable[Chunk]) -> int:
        return sum(self.insert(c) for c in chunks)

    def _index_chunk(self, slot: int, chunk: Chunk) -> None:
        path = chunk.entity_path
        ent = self._entities.get(path)
        if ent is None:
            ent = self._entities[path] = EntityData(path)
        if not ent.slots:
            self._num_entities += 1
        ent.slots.add(slot)
        self._totals.add(chunk, 1)
        self._totals.columns += ent.count_columns(chunk, 1)
        for desc, arr in chunk.components.items():
            ent.descriptors.setdefault(desc.component, desc)
            if desc.component not in ent.nonempty and _has_instances(arr):
                ent.nonempty.add(desc.component)
            if desc.component == CLEAR_COMPONENT:
                self._clear_entities.add(path)
        if chunk.is_static:
            self._index_static(ent, slot, chunk)
            return
        for name, col in chunk.timelines.items():
            self._timelines.setdefault(name, col.typ)
            rng = col.time_range()
            if rng is not None:
                old = self._time_ranges.get(name)
                self._time_ranges[name] = rng if old is None else (min(old[0], rng[0]), max(old[1], rng[1]))
            per = ent.temporal.setdefault(name, {})
            for desc in chunk.components:
                idx = per.get(desc.component)
                if idx is None:
                    idx = per[desc.component] = ComponentIndex(name, desc.component)
                idx.add(slot, chunk)

    def _index_static(self, ent: EntityData, slot: int, chunk: Chunk) -> None:
        hi, lo = chunk.row_id_keys
        for desc in chunk.components:
            parts = chunk.list_parts(desc.component)
            assert parts is not None
            valid = parts[2]
            rows = np.arange(chunk.num_rows) if valid is None else np.flatnonzero(valid)
            if rows.size == 0:
                continue
            best = rows[np.lexsort((lo[rows], hi[rows]))[-1]]
            cand = StaticCell(int(hi[best]), int(lo[best]), slot, int(best))
            cur = ent.static.get(desc.component)
            if cur is None or (cand.rid_hi, cand.rid_lo) > (cur.rid_hi, cur.rid_lo):
                ent.static[desc.component] = cand

    # --- garbage collection -------------------------------------------------------------

    @property
    def num_bytes(self) -> int:
        """Bytes held by the stored chunks (what the memory limit counts)."""
        return self._totals.bytes

    def gc_candidates(self) -> list[tuple[tuple[int, int], Chunk]]:
        """Temporal chunks with their smallest row id, oldest first (static never appear)."""
        with self.lock:
            out = [(_min_row_id(c), c) for c in self._chunks.values() if not c.is_static and c.num_rows]
        out.sort(key=lambda rc: rc[0])
        return out

    def gc(self, target_bytes: int) -> list[Chunk]:
        """Drop the oldest temporal chunks (by row id) until at most ``target_bytes`` remain.

        Static chunks are never dropped, as Rerun promises. Returns the dropped chunks.
        """
        total = self._totals.bytes
        if total <= target_bytes:
            return []
        victims = []
        for _, chunk in self.gc_candidates():
            if total <= target_bytes:
                break
            victims.append(chunk)
            total -= chunk.num_bytes
        return self.drop(victims)

    def drop(self, chunks: Iterable[Chunk]) -> list[Chunk]:
        """Forget the given chunks (those still stored); subscribers hear "deleted"."""
        with self.lock:
            dropped = [(self._slot_by_id[c.id], c) for c in chunks if c.id in self._slot_by_id]
            if not dropped:
                return []
            self._forget([s for s, _ in dropped])
            self.generation += 1
        for _, chunk in dropped:
            self._notify(StoreEvent(self.store_id, chunk, "deleted"))
        return [c for _, c in dropped]

    def clear(self) -> list[Chunk]:
        """Drop every chunk, static ones included (subscribers hear "deleted" for each)."""
        return self.drop(self.chunks())

    def _forget(self, slots: list[int]) -> None:
        gone = set(slots)
        touched: set[EntityPath] = set()
        for slot in slots:
            chunk = self._chunks.pop(slot)
            del self._slot_by_id[chunk.id]
            touched.add(chunk.entity_path)
            self._totals.add(chunk, -1)
            self._totals.columns += self._entities[chunk.entity_path].count_columns(chunk, -1)
        for path in touched:
            ent = self._entities[path]
            ent.slots -= gone
            if not ent.slots:
                self._num_entities -= 1
            if any(cell.slot in gone for cell in ent.static.values()):  # static chunks dropped by hand
                ent.static = {}
                for slot in sorted(ent.slots):
                    if self._chunks[slot].is_static:
                        self._index_static(ent, slot, self._chunks[slot])
            for per in ent.temporal.values():
                for idx in per.values():
                    idx.remove_slots(gone)
        self._time_ranges = {}
        for chunk in self._chunks.values():
            for name, col in chunk.timelines.items():
                rng = col.time_range()
                if rng is not None:
                    old = self._time_ranges.get(name)
                    self._time_ranges[name] = (
                        rng if old is None else (min(old[0], rng[0]), max(old[1], rng[1]))
                    )

    # --- subscribers --------------------------------------------------------------------

    def subscribe(self, callback: Subscriber) -> int:
        """Call ``callback(event)`` after every insert (and GC drop); returns a handle."""
        with self.lock:
            self._next_handle += 1
            self._subscribers[self._next_handle] = callback
            return self._next_handle

    def unsubscribe(self, handle: int) -> None:
        with self.lock:
            self._subscribers.pop(handle, None)

    def _notify(self, event: StoreEvent) -> None:
        for cb in list(self._subscribers.values()):
            try:
                cb(event)
            except Exception:  # a broken viewer must not break logging
                log.exception("store subscriber failed")

    # --- reads --------------------------------------------------------------------------

    def chunk(self, slot: int) -> Chunk:
        return self._chunks[slot]

    def chunk_by_id(self, chunk_id: Tuid) -> Chunk | None:
        slot = self._slot_by_id.get(chunk_id)
        return None if slot is None else self._chunks[slot]

    def chunks(self) -> list[Chunk]:
        """All chunks, in insertion order."""
        with self.lock:
            return list(self._chunks.values())

    def entity(self, path: EntityPath | str) -> EntityData | None:
        if isinstance(path, EntityPath):
            return self._entities.get(path)
        ent = self._entity_by_str.get(path)
        if ent is None:
            ent = self._entities.get(EntityPath(path))
            if ent is not None:
                self._entity_by_str[path] = ent
        return ent

    def entity_paths(self) -> list[EntityPath]:
        with self.lock:
            return sorted(p for p, e in self._entities.items() if e.slots)

    def entity_components(self, path: EntityPath | str) -> list[ComponentDescriptor]:
        ent = self.entity(path)
        return [] if ent is None else sorted(ent.descriptors.values(), key=lambda d: d.component)

    def has_clears(self, path: EntityPath) -> bool:
        return path in self._clear_entities

    def timelines(self) -> dict[str, TimeType]:
        return dict(sorted(self._timelines.items()))

    def time_range(self, timeline: str) -> tuple[int, int] | None:
        held, declared = self._time_ranges.get(timeline), self._declared.get(timeline)
        if held is None or declared is None:
            return held or declared
        return (min(held[0], declared[0]), max(held[1], declared[1]))

    def declare_time_range(self, timeline: str, typ: TimeType, lo: int, hi: int) -> None:
        """The span a recording is known to cover before all its chunks are here (a server
        segment fetched on demand): `timelines` and `time_range` include it."""
        with self.lock:
            self._timelines.setdefault(timeline, typ)
            self._declared[timeline] = (int(lo), int(hi))
            self.generation += 1

    def stats(self) -> StoreStats:
        """Counts of what the store holds, from running totals (O(1), no walk over chunks)."""
        with self.lock:
            t = self._totals
            return StoreStats(
                num_chunks=t.chunks,
                num_static_chunks=t.static_chunks,
                num_rows=t.rows,
                num_static_rows=t.static_rows,
                num_bytes=t.bytes,
                num_entities=self._num_entities,
                num_timelines=len(self._timelines),
                num_columns=t.columns,
            )

    def __len__(self) -> int:
        return len(self._chunks)

    def __repr__(self) -> str:
        return f"ChunkStore({self.store_id}, chunks={len(self._chunks)})"

    # --- queries (implemented in query.py / dataframe.py) --------------------------------

    def latest_at(
        self,
        entity_path: EntityPath | str,
        components: Iterable[str | ComponentDescriptor] | None,
        timeline: str | None,
        time: int | None = None,
    ) -> dict[str, LatestAtCell]:
        """Per component: the latest cell at or before ``time`` (see ``query.latest_at``)."""
        from .query import latest_at

        with self.lock:
            return latest_at(self, entity_path, components, timeline, time)

    def range(
        self,
        entity_path: EntityPath | str,
        components: Iterable[str | ComponentDescriptor] | None,
        timeline: str,
        t0: int,
        t1: int,
    ) -> dict[str, RangeColumn]:
        """Per component: every cell with ``t0 <= time <= t1`` (see ``query.range_query``)."""
        from .query import range_query

        with self.lock:
            return range_query(self, entity_path, components, timeline, t0, t1)

    def dataframe(
        self,
        index: str | None,
        contents: str | Iterable[str] = "/**",
        *,
        start: int | None = None,
        end: int | None = None,
        fill_latest_at: bool = False,
        using_index_values: Iterable[int] | np.ndarray | None = None,
        include_tombstone_columns: bool = False,
        include_semantically_empty_columns: bool = False,
    ) -> pa.Table:
        """One row per index value, one column per component (see ``dataframe.dataframe``)."""
        from .dataframe import dataframe

        with self.lock:
            return dataframe(
                self,
                index,
                contents,
                start=start,
                end=end,
                fill_latest_at=fill_latest_at,
                using_index_values=using_index_values,
                include_tombstone_columns=include_tombstone_columns,
                include_semantically_empty_columns=include_semantically_empty_columns,
            )


def _has_instances(arr: pa.Array) -> bool:
    """Whether a list column holds any instance at all (O(1): first vs last offset)."""
    if len(arr) == 0 or arr.null_count == len(arr):
        return False
    offsets = arr.offsets
    return bool(offsets[len(offsets) - 1].as_py() > offsets[0].as_py())


def _min_row_id(chunk: Chunk) -> tuple[int, int]:
    hi, lo = chunk.row_id_keys
    if chunk.is_sorted_by_row_id:
        return int(hi[0]), int(lo[0])
    i = int(np.lexsort((lo, hi))[0])
    return int(hi[i]), int(lo[i])
