"""Dataframe queries: a store seen as one table, as Rerun 0.41's dataframe reader shows it.

Shape (observed on the real ``rerun.chunk.ChunkStore.reader``): one column per timeline of the
store (sorted by name), then one ``<entity>:<component>`` list column per component of the
selected entities (``property:<component>`` for ``/__properties``), sorted by entity then
component. One row per distinct value of the index timeline; at a value where several rows
exist, the one with the highest row id wins, also for the other timelines' columns. Static
columns hold their value on every row. ``fill_latest_at`` fills nulls (data and timeline
columns) with the latest earlier value. A ``Clear`` shows as an empty list at its own row in
the columns it clears (fills ignore clears, as Rerun's do); ``Clear`` columns are not shown.

Everything is vectorized: numpy over the sorted index runs, Arrow ``take``/``slice``/concat
for values; no per-row Python.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rerun_core.types import ComponentDescriptor, EntityPath, TimeType

from .contents import PROPERTIES_ENTITY, select_entities
from .index import RunSet, concat_runs, contiguous_rows
from .query import gather_chunks, gather_values
from .store import CLEAR_COMPONENT

if TYPE_CHECKING:
    from .store import ChunkStore, EntityData

# --- columns ------------------------------------------------------------------------------


def column_name(path: EntityPath, component: str) -> str:
    if path.starts_with(PROPERTIES_ENTITY):
        rest = path.parts[1:]
        return ":".join(["property", *rest, component]) if rest else f"property:{component}"
    return f"{path.path}:{component}"


def _data_field(
    path: EntityPath, desc: ComponentDescriptor, typ: pa.DataType, is_static: bool, is_empty: bool = False
) -> pa.Field:
    meta = {b"rerun:kind": b"data", b"rerun:component": desc.component.encode()}
    if desc.archetype:
        meta[b"rerun:archetype"] = desc.archetype.encode()
    if desc.component_type:
        meta[b"rerun:component_type"] = desc.component_type.encode()
    meta[b"rerun:entity_path"] = path.path.encode()
    if is_static:
        meta[b"rerun:is_static"] = b"true"
    if desc.component == CLEAR_COMPONENT:
        meta[b"rerun:is_tombstone"] = b"true"
    if is_empty:
        meta[b"rerun:is_semantically_empty"] = b"true"
    return pa.field(column_name(path, desc.component), typ, nullable=True, metadata=meta)


def _index_field(name: str, typ: TimeType) -> pa.Field:
    meta = {b"rerun:index_name": name.encode(), b"rerun:kind": b"index"}
    return pa.field(name, typ.arrow_type, nullable=True, metadata=meta)


@dataclass(slots=True)
class _Column:
    path: EntityPath
    desc: ComponentDescriptor
    static: pa.Array | None = None  # one-cell list array
    run: RunSet | None = None  # deduplicated cells inside [start, end]
    seed: RunSet | None = None  # the last cell before start (for fills)
    clears: RunSet | None = None
    empty: bool = False  # only ever logged as empty lists ("semantically empty")


def _time_window(run: RunSet, start: int | None, end: int | None) -> tuple[RunSet, RunSet | None]:
    n = run.times.size
    lo = 0 if start is None else int(run.times.searchsorted(start, "left"))
    hi = n if end is None else int(run.times.searchsorted(end, "right"))
    seed = run.slice(lo - 1, lo) if lo > 0 else None
    if lo == 0 and hi == n:
        return run, seed
    return run.slice(lo, max(lo, hi)), seed


def _clear_runs(store: ChunkStore, path: EntityPath, index: str) -> RunSet | None:
    """Clears that apply to ``path``: its own (any kind) and its ancestors' recursive ones."""
    runs = []
    for depth in range(len(path.parts), -1, -1):
        at = EntityPath(path.parts[:depth])
        if not store.has_clears(at):
            continue
        ent = store.entity(at)
        idx = None if ent is None else ent.index(index, CLEAR_COMPONENT)
        if idx is None:
            continue
        run = idx.merged()
        if depth < len(path.parts) and len(run):
            flags = pc.fill_null(pc.list_element(gather_values(store, CLEAR_COMPONENT, run), 0), False)
            run = run.take(np.asarray(flags.to_numpy(zero_copy_only=False), dtype=bool))
        runs.append(run)
    if not runs:
        return None
    merged = RunSet([concat_runs(runs)]).dedup_last()
    return merged if len(merged) else None


def _plan(
    store: ChunkStore,
    ent: EntityData,
    index: str | None,
    start: int | None,
    end: int | None,
    tombstones: bool = False,
    empties: bool = False,
) -> list[_Column]:
    clears = None if index is None else _clear_runs(store, ent.path, index)
    if clears is not None:
        clears, _ = _time_window(clears, start, end)
    cols = []
    for name in sorted(ent.descriptors):
        if name == CLEAR_COMPONENT and not tombstones:
            continue
        if name not in ent.nonempty and not empties and name != CLEAR_COMPONENT:
            continue  # "semantically empty": only ever empty lists
        col = _Column(ent.path, ent.descriptors[name], empty=name not in ent.nonempty)
        st = ent.static.get(name)
        if st is not None:
            arr = store.chunk(st.slot).component(name)
            assert arr is not None
            col.static = arr.slice(st.row, 1)
        elif index is not None:
            idx = ent.index(index, name)
            full = RunSet([]) if idx is None else idx.run_set().dedup_last()
            col.run, col.seed = _time_window(full, start, end)
            col.clears = None if name == CLEAR_COMPONENT else clears
        else:
            continue
        cols.append(col)
    return cols


# --- assembly -----------------------------------------------------------------------------


def _union(times: list[np.ndarray]) -> np.ndarray:
    times = [t for t in times if t.size]
    if not times:
        return np.empty(0, dtype=np.int64)
    if all(t is times[0] or np.array_equal(t, times[0]) for t in times[1:]):
        return times[0]
    big = max(times, key=lambda t: t.size)
    if all(t is big or _contained(t, big) for t in times):
        return big  # the common case: one dense column, sparse others on its times
    merged = np.sort(np.concatenate(times), kind="stable")
    keep = np.empty(merged.size, dtype=bool)
    keep[0] = True
    np.not_equal(merged[1:], merged[:-1], out=keep[1:])
    return merged[keep]


def _contained(small: np.ndarray, big: np.ndarray) -> bool:
    """Whether every value of sorted ``small`` occurs in sorted ``big`` (O(k log n))."""
    at = np.minimum(big.searchsorted(small), big.size - 1)
    return bool(np.all(big[at] == small))


def _positions(union: np.ndarray, times: np.ndarray) -> np.ndarray | None:
    """Where ``times`` sit in ``union``; None when they are the union itself."""
    if times is union or (times.size == union.size and np.array_equal(times, union)):
        return None
    return union.searchsorted(times)


def _gather_times(store: ChunkStore, run: RunSet, name: str) -> tuple[np.ndarray, np.ndarray]:
    """The cells' times on another timeline (values, validity)."""
    n = len(run)
    vals = np.zeros(n, dtype=np.int64)
    valid = np.zeros(n, dtype=bool)
    at = 0
    for part in run.pieces:
        single = part.single_slot()
        if single is not None:
            bounds = [0, len(part)]
        else:
            bounds = [0, *(np.flatnonzero(part.slots[1:] != part.slots[:-1]) + 1).tolist(), len(part)]
        for a, b in itertools.pairwise(bounds):
            col = store.chunk(int(part.slots[a])).timelines.get(name)
            if col is not None:
                first = contiguous_rows(part.rows[a:b])
                rows = slice(first, first + b - a) if first is not None else part.rows[a:b]
                vals[at + a : at + b] = col.values[rows]
                valid[at + a : at + b] = True
        at += len(part)
    return vals, valid


def _ffill_index(present: np.ndarray) -> np.ndarray:
    """For each position, the last position <= it where ``present`` holds (or -1)."""
    idx = np.where(present, np.arange(present.size), -1)
    return np.maximum.accumulate(idx) if idx.size else idx


_Times = dict[str, tuple[np.ndarray, np.ndarray]]  # timeline -> (values, validity) per row


@dataclass(slots=True)
class _Filled:
    """One data column's rows: where each row's cell comes from, before building Arrow."""

    source: RunSet  # the cells a row may show: the column's run, then its seed
    idx: np.ndarray | None  # per row: position in ``source`` or -1 (None: see ``pos``)
    cleared: np.ndarray | None = None  # per clear row: its position in the union
    clear_rows: np.ndarray | None = None  # per clear row: its position in ``col.clears``
    pos: np.ndarray | None = (
        None  # the (increasing) rows of cells 0..k-1; None with no idx: row i shows cell i
    )

    def index(self, n: int) -> np.ndarray:
        """Per row: the position of its cell in ``source``, or -1."""
        if self.idx is not None:
            return self.idx
        if self.pos is None:
            return np.arange(n, dtype=np.int64)
        idx = np.full(n, -1, dtype=np.int64)
        idx[self.pos] = np.arange(self.pos.size)
        return idx


def _fill(col: _Column, union: np.ndarray, fill: bool) -> _Filled:
    run = col.run
    assert run is not None
    n = union.size
    pos = _positions(union, run.times)
    out = _Filled(run, None, pos=pos)
    if pos is not None and fill:
        idx = np.full(n, -1, dtype=np.int64)
        idx[pos] = np.arange(len(run))
        seed_at = -1
        if col.seed is not None:
            seed_at = len(run)
            out.source = run.concat(col.seed)
        src = _ffill_index(idx >= 0)
        out.idx = np.where(src >= 0, idx[np.maximum(src, 0)], seed_at)
        out.pos = None
    if col.clears is not None and len(col.clears):
        _mark_clears(out, col.clears, run, union)
    return out


def _resample(col: _Column, union: np.ndarray, fill: bool) -> _Filled:
    """Rows at arbitrary index values: the cell at (or, filling, latest before) each value."""
    run = col.run
    assert run is not None
    t = run.times
    at = t.searchsorted(union, "right") - 1
    if not fill:
        ok = (at >= 0) & (t[np.maximum(at, 0)] == union) if t.size else np.zeros(union.size, dtype=bool)
        at = np.where(ok, at, -1)
    out = _Filled(run, at.astype(np.int64))
    if col.clears is not None and len(col.clears) and union.size:
        ct = col.clears.times
        hit = union[np.minimum(union.searchsorted(ct), union.size - 1)] == ct
        if hit.any():
            _mark_clears(out, col.clears._split(hit), run, union)
    return out


def _mark_clears(out: _Filled, clears: RunSet, run: RunSet, union: np.ndarray) -> None:
    """A clear shows as an empty list at its row, unless newer data sits at that row."""
    hit = np.zeros(len(clears), dtype=bool)
    if len(run):
        at = np.minimum(run.times.searchsorted(clears.times), len(run) - 1)
        same = run.times[at] == clears.times
        rh, rl = run.keys_at(at)
        ch, cl = clears.keys_at(np.arange(len(clears)))
        hit = same & ((rh > ch) | ((rh == ch) & (rl > cl)))
    rows = np.flatnonzero(~hit)
    if rows.size:
        out.clear_rows = rows
        out.cleared = union.searchsorted(clears.times[rows])


def _data_values(store: ChunkStore, col: _Column, f: _Filled, n: int) -> pa.Array | pa.ChunkedArray:
    name = col.desc.component
    if f.idx is None and f.pos is None and f.cleared is None and len(f.source):
        parts = gather_chunks(store, name, f.source)  # every row has its own cell: no copy
        typ = parts[0].type
        return pa.chunked_array([p if p.type == typ else p.cast(typ) for p in parts], type=typ)
    values = gather_values(store, name, f.source) if len(f.source) else None
    if f.pos is not None and values is not None:
        spread = _spread(values, f.pos, f.cleared, n)
        if spread is not None:
            return spread
    pieces = [] if values is None else [values]
    idx = f.index(n) if values is not None else np.full(n, -1, dtype=np.int64)
    if f.cleared is not None:
        typ = values.type if values is not None else _column_type(store, col)
        idx = idx.copy()
        idx[f.cleared] = sum(len(p) for p in pieces)
        pieces.append(pa.array([[]], type=typ))
    if not pieces:
        return pa.nulls(n, _column_type(store, col))
    source = pieces[0] if len(pieces) == 1 else pa.concat_arrays([p.cast(pieces[0].type) for p in pieces])
    return source.take(pa.array(idx, mask=idx < 0))


# Above a few dozen cells the per-cell Python loop costs more than ``np.repeat``'s fresh pages
# (measured: 100k cells on 1M rows, 200 ms against 5 ms).
_POOL_FILL_MAX_CELLS = 64


def _spread(values: pa.Array, pos: np.ndarray, cleared: np.ndarray | None, n: int) -> pa.Array | None:
    """Place in-order cells at increasing rows of an ``n``-row list column (nulls elsewhere,
    empty lists at cleared rows), by building offsets: no ``take`` over all rows."""
    if cleared is not None and np.isin(cleared, pos).any():
        return None  # a clear replaces a cell: leave it to the general path
    large = pa.types.is_large_list(values.type)
    lens = pc.list_value_length(values).to_numpy(zero_copy_only=False)
    if not large and int(lens.sum()) >= 2**31:
        return None
    dtype = np.int64 if large else np.int32
    # Offsets are constant between cells: repeat each running total over the rows it covers.
    totals = np.zeros(pos.size + 1, dtype=dtype)
    np.cumsum(lens, out=totals[1:], dtype=dtype)
    bounds = np.concatenate(([0], pos + 1, [n + 1]))
    if pos.size <= _POOL_FILL_MAX_CELLS:
        # Few cells: fill slices of a buffer from Arrow's pool (reused memory, no fresh pages).
        buf = pa.allocate_buffer((n + 1) * np.dtype(dtype).itemsize)
        offsets = np.frombuffer(buf, dtype=dtype)
        b, t = bounds.tolist(), totals.tolist()
        for j in range(len(t)):
            offsets[b[j] : b[j + 1]] = t[j]
    else:
        offsets = np.repeat(totals, np.diff(bounds))
    valid = pos if cleared is None else np.concatenate([pos, cleared])
    bitmap = _validity_bitmap(valid, n)
    return pa.Array.from_buffers(values.type, n, [bitmap, pa.py_buffer(offsets)], children=[values.flatten()])


def _validity_bitmap(valid_rows: np.ndarray, n: int) -> pa.Buffer:
    """An Arrow validity bitmap with the given rows set (LSB-first bit order)."""
    if valid_rows.size * 8 < n:  # sparse: set the few bits directly
        bits = np.zeros((n + 7) // 8, dtype=np.uint8)
        np.bitwise_or.at(bits, valid_rows >> 3, np.left_shift(1, valid_rows & 7).astype(np.uint8))
        return pa.py_buffer(bits)
    flags = np.zeros(n, dtype=bool)
    flags[valid_rows] = True
    return pa.py_buffer(np.packbits(flags, bitorder="little"))


# Per timeline: (rows or None for all rows, values, validity) that one column contributes.
_Contribution = dict[str, tuple[np.ndarray | None, np.ndarray, np.ndarray]]


def _row_times(store: ChunkStore, col: _Column, f: _Filled, others: list[str]) -> _Contribution:
    """The other timelines' values of the cells this column shows, and the rows they are on."""
    out: _Contribution = {}
    if not others:
        return out
    rows: np.ndarray | None = None
    src: np.ndarray | None = None
    if f.pos is not None:
        rows = f.pos
    elif f.idx is not None:
        rows = np.flatnonzero(f.idx >= 0)
        src = f.idx[rows]
    for name in others:
        vals, valid = _gather_times(store, f.source, name)
        if src is not None:
            vals, valid = vals[src], valid[src]
        if f.cleared is not None and f.clear_rows is not None and col.clears is not None:
            cv, cok = _gather_times(store, _pick(col.clears, f.clear_rows), name)
            base = np.arange(vals.size) if rows is None else rows
            rows_c = np.concatenate([base, f.cleared])
            out[name] = (rows_c, np.concatenate([vals, cv]), np.concatenate([valid, cok]))
        else:
            out[name] = (rows, vals, valid)
    return out


def _pick(run: RunSet, positions: np.ndarray) -> RunSet:
    mask = np.zeros(len(run), dtype=bool)
    mask[positions] = True
    return run._split(mask)


def _merge_times(acc: _Times, new: _Contribution, n: int) -> None:
    """Keep the larger value per row (Rerun shows the max over the cells a row uses)."""
    for name, (rows, v, ok) in new.items():
        if name not in acc:
            acc[name] = (np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool))
        av, aok = acc[name]
        if rows is None:
            take_new = ok & (~aok | (v > av))
            np.copyto(av, v, where=take_new)
            aok |= ok
            continue
        take_new = ok & (~aok[rows] | (v > av[rows]))
        av[rows[take_new]] = v[take_new]
        aok[rows[ok]] = True


def _column_type(store: ChunkStore, col: _Column) -> pa.DataType:
    ent = store.entity(col.path)
    assert ent is not None
    for slot in ent.slots:
        arr = store.chunk(slot).component(col.desc.component)
        if arr is not None:
            return arr.type
    return pa.list_(pa.null())


def dataframe(
    store: ChunkStore,
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
    """The store as a table indexed by ``index`` (``None``: the static-only view, one row).

    ``include_tombstone_columns`` adds the ``Clear:is_recursive`` columns;
    ``include_semantically_empty_columns`` adds components only ever logged as empty lists.

    ``using_index_values`` resamples: one row per given value (sorted, deduplicated), showing
    cells logged exactly there, or with ``fill_latest_at`` the latest ones at or before it.
    """
    timelines = store.timelines()
    if index is not None and index not in timelines:
        raise ValueError(f"unknown index timeline {index!r}; the store has {sorted(timelines)}")
    resample = (
        None
        if using_index_values is None
        else np.unique(np.asarray(list(using_index_values), dtype=np.int64))
    )
    window = (None, None) if resample is not None else (start, end)
    cols: list[_Column] = []
    for path in select_entities(store, contents):
        ent = store.entity(path)
        if ent is not None:
            cols.extend(
                _plan(
                    store,
                    ent,
                    index,
                    *window,
                    tombstones=include_tombstone_columns,
                    empties=include_semantically_empty_columns,
                )
            )
    cols.sort(key=lambda c: c.path.starts_with(PROPERTIES_ENTITY))  # properties go last
    if index is None:
        return _static_view(store, [c for c in cols if c.static is not None], timelines)
    if resample is not None:
        lo = 0 if start is None else int(resample.searchsorted(start, "left"))
        hi = resample.size if end is None else int(resample.searchsorted(end, "right"))
        union = resample[lo:hi]
    else:
        union = _union(_row_sources([c for c in cols if c.run is not None]))
    return _assemble(store, cols, index, timelines, union, fill_latest_at, resample is not None)


def _assemble(
    store: ChunkStore,
    cols: list[_Column],
    index: str,
    timelines: dict[str, TimeType],
    union: np.ndarray,
    fill: bool,
    resample: bool,
) -> pa.Table:
    """Build the table: the timeline columns, then one column per (entity, component)."""
    others = [name for name in timelines if name != index]
    times: _Times = {}
    data: list[pa.Array | pa.ChunkedArray] = []
    for col in cols:
        if col.static is not None:
            data.append(col.static.take(pa.array(np.zeros(union.size, dtype=np.int64))))
            continue
        filled = _resample(col, union, fill) if resample else _fill(col, union, fill)
        data.append(_data_values(store, col, filled, union.size))
        _merge_times(times, _row_times(store, col, filled, others), union.size)
    fields, arrays = [], []
    for name, typ in timelines.items():
        fields.append(_index_field(name, typ))
        if name == index:
            arr = pa.array(union, type=pa.int64())
        else:
            vals, ok = times.get(
                name, (np.zeros(union.size, dtype=np.int64), np.zeros(union.size, dtype=bool))
            )
            arr = pa.array(vals, type=pa.int64(), mask=~ok)
        arrays.append(arr.view(typ.arrow_type))
    for col, arr in zip(cols, data, strict=True):
        fields.append(_data_field(col.path, col.desc, arr.type, col.static is not None, col.empty))
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _row_sources(cols: list[_Column]) -> list[np.ndarray]:
    """Times that make rows: every data cell and every clear of the selected columns."""
    out = [c.run.times for c in cols if c.run is not None and len(c.run)]
    seen: set[int] = set()
    for c in cols:
        if c.clears is not None and id(c.clears) not in seen:
            seen.add(id(c.clears))
            out.append(c.clears.times)
    return out


def _static_view(store: ChunkStore, cols: list[_Column], timelines: dict[str, TimeType]) -> pa.Table:
    n = 1  # the real reader's static view always has its one row, even with no columns
    fields = [_index_field(name, typ) for name, typ in timelines.items()]
    arrays = [pa.nulls(n, typ.arrow_type) for typ in timelines.values()]
    for col in cols:
        assert col.static is not None
        fields.append(_data_field(col.path, col.desc, col.static.type, True, col.empty))
        arrays.append(col.static.slice(0, n))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))
