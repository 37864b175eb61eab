"""Latest-at and range queries over a ChunkStore, with Rerun 0.41's semantics.

Order of cells: by (time, row id), except that static cells beat every temporal one (and
compare among themselves by row id). A ``Clear`` at entity E hides E's cells that are older
than it; a recursive ``Clear`` at an ancestor hides the entity's older cells too. The ``Clear``
column itself is never hidden. Range queries ignore clears (as Rerun's do).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from rerun_core.types import TUID_DTYPE, ComponentDescriptor, EntityPath, Tuid
from rerun_core.types.time import STATIC_TIME

from .index import Run, RunSet, contiguous_rows
from .store import CLEAR_COMPONENT

if TYPE_CHECKING:
    from .store import ChunkStore, EntityData

# (is_static, time, row id hi, row id lo): plain tuple order is Rerun's `compare_indices`.
_Key = tuple[int, int, int, int]
_NO_CLEAR: _Key = (0, STATIC_TIME, 0, 0)


@dataclass(frozen=True, slots=True)
class LatestAtCell:
    """One component's latest cell. ``time`` is None for static data; ``values`` is flat."""

    time: int | None
    row_id: Tuid
    values: pa.Array

    @property
    def is_static(self) -> bool:
        return self.time is None


@dataclass(frozen=True, slots=True)
class RangeColumn:
    """Cells of one component sorted by (time, row id); one list per cell in ``values``.

    When the component has static data, the static cell alone is returned (static wins), with
    time ``STATIC_TIME`` (int64 min).
    """

    times: np.ndarray  # int64
    row_ids: np.ndarray  # TUID_DTYPE
    values: pa.Array  # list array, one element per cell

    def __len__(self) -> int:
        return int(self.times.size)


def _names(ent: EntityData, components: Iterable[str | ComponentDescriptor] | None) -> list[str]:
    if components is None:
        return list(ent.descriptors)
    if isinstance(components, (str, ComponentDescriptor)):
        components = [components]
    return [c.component if isinstance(c, ComponentDescriptor) else c for c in components]


def _latest_key(
    store: ChunkStore, ent: EntityData, component: str, timeline: str | None, time: int | None
) -> tuple[_Key, int, int] | None:
    """(order key, chunk slot, row) of the latest cell, ignoring clears."""
    st = ent.static.get(component)
    if st is not None:
        return (1, 0, st.rid_hi, st.rid_lo), st.slot, st.row
    if timeline is None or time is None:
        return None
    idx = ent.index(timeline, component)
    if idx is None:
        return None
    hit = idx.latest_at(time)
    if hit is None:
        return None
    run, i = hit
    key = (0, int(run.times[i]), int(run.rid_hi[i]), int(run.rid_lo[i]))
    return key, int(run.slots[i]), int(run.rows[i])


def _max_clear(store: ChunkStore, path: EntityPath, timeline: str | None, time: int | None) -> _Key:
    """The newest Clear that applies to ``path`` at the query time."""
    best = _NO_CLEAR
    if not store._clear_entities:
        return best
    parts = path.parts
    for depth in range(len(parts), -1, -1):
        at = path if depth == len(parts) else EntityPath(parts[:depth])
        if at not in store._clear_entities:
            continue
        ent = store.entity(at)
        if ent is None:
            continue
        found = _latest_key(store, ent, CLEAR_COMPONENT, timeline, time)
        if found is None:
            continue
        key, slot, row = found
        if depth < len(parts):
            values = store.chunk(slot).row_values(CLEAR_COMPONENT, row)
            if values is None or len(values) == 0 or not values[0].as_py():
                continue
        best = max(best, key)
    return best


def latest_at(
    store: ChunkStore,
    entity_path: EntityPath | str,
    components: Iterable[str | ComponentDescriptor] | None,
    timeline: str | None,
    time: int | None,
) -> dict[str, LatestAtCell]:
    """Per component name: the latest cell at or before ``time`` on ``timeline``.

    ``timeline=None`` looks at static data only. ``components=None`` means all components the
    entity has. Components without a (visible) cell are left out of the result.
    """
    ent = store.entity(entity_path)
    if ent is None:
        return {}
    clear = _max_clear(store, ent.path, timeline, time) if store._clear_entities else _NO_CLEAR
    out: dict[str, LatestAtCell] = {}
    for name in _names(ent, components):
        found = _latest_key(store, ent, name, timeline, time)
        if found is None:
            continue
        key, slot, row = found
        if name != CLEAR_COMPONENT and key <= clear:
            continue
        values = store.chunk(slot).row_values(name, row)
        if values is None:
            continue
        out[name] = LatestAtCell(None if key[0] else key[1], Tuid(key[2], key[3]), values)
    return out


def gather_chunks(store: ChunkStore, component: str, run: Run | RunSet) -> list[pa.Array]:
    """The list cells a run points at, in run order, as pieces (slices where rows are
    contiguous, so usually no copy)."""
    pieces: list[pa.Array] = []
    for part in run.pieces if isinstance(run, RunSet) else [run]:
        if len(part):
            _gather_piece(store, component, part, pieces)
    return pieces


def gather_values(store: ChunkStore, component: str, run: Run | RunSet) -> pa.Array:
    """The list cells a run points at, in run order, as one array."""
    pieces = gather_chunks(store, component, run)
    if not pieces:
        return pa.array([], type=pa.list_(pa.null()))
    if len(pieces) == 1:
        return pieces[0]
    typ = pieces[0].type
    return pa.concat_arrays([p if p.type == typ else p.cast(typ) for p in pieces])


def _gather_piece(store: ChunkStore, component: str, run: Run, out: list[pa.Array]) -> None:
    n = len(run)
    single = run.single_slot()
    if single is not None:
        bounds = [0, n]
    else:
        cuts = np.flatnonzero(run.slots[1:] != run.slots[:-1]) + 1
        bounds = [0, *cuts.tolist(), n]
    for a, b in itertools.pairwise(bounds):
        col = store.chunk(int(run.slots[a])).component(component)
        assert col is not None
        first = contiguous_rows(run.rows[a:b])
        out.append(col.take(pa.array(run.rows[a:b])) if first is None else col.slice(first, b - a))


def _row_ids(store: ChunkStore, cells: RunSet) -> np.ndarray:
    """The cells' row ids as one ``TUID_DTYPE`` array (slices of the chunks' own where possible)."""
    parts = []
    for run in cells.pieces:
        single = run.single_slot()
        first = None if single is None else contiguous_rows(run.rows)
        if single is not None and first is not None:
            parts.append(store.chunk(single).row_ids[first : first + len(run)])
            continue
        ids = np.empty(len(run), dtype=TUID_DTYPE)
        ids["time_ns"] = run.rid_hi
        ids["inc"] = run.rid_lo
        parts.append(ids)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def range_query(
    store: ChunkStore,
    entity_path: EntityPath | str,
    components: Iterable[str | ComponentDescriptor] | None,
    timeline: str,
    t0: int,
    t1: int,
) -> dict[str, RangeColumn]:
    """Per component name: every cell with ``t0 <= time <= t1``, sorted by (time, row id)."""
    ent = store.entity(entity_path)
    if ent is None:
        return {}
    out: dict[str, RangeColumn] = {}
    for name in _names(ent, components):
        st = ent.static.get(name)
        if st is not None:
            chunk = store.chunk(st.slot)
            col = chunk.component(name)
            assert col is not None
            ids = chunk.row_ids[st.row : st.row + 1].copy()
            out[name] = RangeColumn(np.array([STATIC_TIME], dtype=np.int64), ids, col.slice(st.row, 1))
            continue
        idx = ent.index(timeline, name)
        if idx is None:
            continue
        cells = idx.range_parts(t0, t1)
        if len(cells) == 0:
            continue
        out[name] = RangeColumn(cells.times, _row_ids(store, cells), gather_values(store, name, cells))
    return out
