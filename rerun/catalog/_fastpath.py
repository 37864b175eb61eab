"""The common reader case straight from chunks to the reader's table, skipping the ``ChunkStore``.

Covered: no latest-at fill, no resampling, no ``Clear`` anywhere in the fetched chunks, every
temporal chunk on the read's index, and per component strictly increasing index values (within
each chunk and from one chunk to the next, once the chunks are ordered by their first value).
Then no two cells share an index value, so the general path's "highest row id wins" never has to
choose, and its result is just: one row per index value that some shown component has a
(non-null) cell at; each component's cells placed at their rows; static components on every row;
another timeline's column the largest value of the cells a row shows. Anything else returns ``None`` and the caller takes the general
path (``ChunkStore.dataframe``), which is what this must equal.

All of it is numpy over offsets and Arrow buffers: no per-row Python, and a component that has a
cell on every row is passed through without a copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from rerun_core.store.chunk import Chunk
from rerun_core.store.store import CLEAR_COMPONENT
from rerun_core.types import EntityPath

_I32_MAX = 2**31 - 1
_REPEAT_BLOCK = 1 << 16


@dataclass
class _Piece:
    """A component's non-null cells in one chunk, with their index and other timelines' values."""

    times: np.ndarray
    cells: pa.Array
    others: dict[str, np.ndarray]

    def cut(self, lo: int, hi: int) -> _Piece:
        if (lo, hi) == (0, self.times.size):
            return self
        others = {k: v[lo:hi] for k, v in self.others.items()}
        return _Piece(self.times[lo:hi], self.cells.slice(lo, hi - lo), others)


@dataclass
class _Component:
    """One (entity, component) of a segment: its temporal pieces, its static cell, its flags."""

    pieces: list[_Piece] = field(default_factory=list)
    static: tuple[tuple[int, int], pa.Array] | None = None  # (row id key, one-cell list array)
    nonempty: bool = False


def _has_instances(arr: pa.Array) -> bool:
    if len(arr) == 0 or arr.null_count == len(arr):
        return False
    offsets = arr.offsets
    return bool(offsets[len(offsets) - 1].as_py() > offsets[0].as_py())


def _strictly_increasing(t: np.ndarray) -> bool:
    return t.size < 2 or bool(np.all(t[1:] > t[:-1]))


def _add_static(comp: _Component, chunk: Chunk, arr: pa.Array) -> None:
    """The static cell with the highest row id among non-null ones, as the store keeps it."""
    hi, lo = chunk.row_id_keys
    rows = np.arange(len(arr)) if arr.null_count == 0 else np.flatnonzero(arr.is_valid().to_numpy(False))
    if rows.size == 0:
        return
    best = int(rows[np.lexsort((lo[rows], hi[rows]))[-1]])
    key = (int(hi[best]), int(lo[best]))
    if comp.static is None or key > comp.static[0]:
        comp.static = (key, arr.slice(best, 1))


def _gather(chunks: list[Chunk], entities: set[str], index: str) -> dict[tuple[str, str], _Component] | None:
    """Per (entity, component): its pieces; None when a chunk is outside what this path covers."""
    comps: dict[tuple[str, str], _Component] = {}
    seen: set[object] = set()
    for chunk in chunks:
        path = str(chunk.entity_path)
        if path not in entities or chunk.id in seen:
            continue
        seen.add(chunk.id)
        static = chunk.is_static
        timelines = chunk.timelines
        if not static and index not in timelines:
            return None
        times = None if static else timelines[index].values
        others = {k: np.asarray(c.values, dtype=np.int64) for k, c in timelines.items() if k != index}
        for desc, arr in chunk.components.items():
            if desc.component == CLEAR_COMPONENT:
                return None
            comp = comps.setdefault((path, desc.component), _Component())
            comp.nonempty = comp.nonempty or _has_instances(arr)
            if static:
                _add_static(comp, chunk, arr)
                continue
            assert times is not None
            piece = _Piece(np.asarray(times, dtype=np.int64), arr, others)
            if arr.null_count:
                valid = arr.is_valid()
                keep = valid.to_numpy(zero_copy_only=False)
                o = {k: v[keep] for k, v in others.items()}
                piece = _Piece(piece.times[keep], arr.filter(valid), o)
            if piece.times.size:
                comp.pieces.append(piece)
    return comps


def _window(pieces: list[_Piece], start: int | None, end: int | None) -> list[_Piece] | None:
    """The pieces in index order, cut to [start, end]; None unless strictly increasing overall."""
    pieces = sorted(pieces, key=lambda p: int(p.times[0]))
    out = []
    last: int | None = None
    for p in pieces:
        t = p.times
        if not _strictly_increasing(t) or (last is not None and int(t[0]) <= last):
            return None
        last = int(t[-1])
        lo = 0 if start is None else int(t.searchsorted(start, "left"))
        hi = t.size if end is None else int(t.searchsorted(end, "right"))
        if hi > lo:
            out.append(p.cut(lo, hi))
    return out


def _union(times: list[np.ndarray]) -> np.ndarray:
    if not times:
        return np.empty(0, dtype=np.int64)
    big = max(times, key=lambda t: t.size)
    if all(t is big or _contained(t, big) for t in times):
        return big  # the common case: one dense column, sparse others on its values
    return np.unique(np.concatenate(times))


def _contained(small: np.ndarray, big: np.ndarray) -> bool:
    at = np.minimum(big.searchsorted(small), big.size - 1)
    return bool(np.all(big[at] == small))


def _offsets_np(arr: pa.Array) -> np.ndarray:
    return np.asarray(arr.offsets.to_numpy(zero_copy_only=False))


def _spread(cells: pa.Array, pos: np.ndarray, n: int) -> pa.Array | None:
    """An ``n``-row list column with the in-order ``cells`` at increasing rows ``pos``, nulls
    elsewhere: new offsets over the cells' own child values (no copy of the values)."""
    offs = _offsets_np(cells)
    if not pa.types.is_large_list(cells.type) and int(offs[-1]) > _I32_MAX:
        return None
    counts = np.diff(np.concatenate(([0], pos + 1, [n + 1])))
    offsets = np.repeat(offs, counts)
    flags = np.zeros(n, dtype=bool)
    flags[pos] = True
    bitmap = pa.py_buffer(np.packbits(flags, bitorder="little"))
    return pa.Array.from_buffers(
        cells.type, n, [bitmap, pa.py_buffer(offsets)], null_count=n - pos.size, children=[cells.values]
    )


def _repeat_cell(cell: pa.Array, n: int) -> pa.Array | pa.ChunkedArray | None:
    """A one-cell list array repeated on ``n`` rows: one block of rows built from buffers
    (Arrow's list ``take`` is slow), then the same block again and again (no copies)."""
    m = min(n, _REPEAT_BLOCK)
    block = _repeat_block(cell, m)
    if block is None or m == n:
        return block
    reps, rest = divmod(n, m)
    return pa.chunked_array([block] * reps + ([block.slice(0, rest)] if rest else []), type=cell.type)


def _repeat_block(cell: pa.Array, n: int) -> pa.Array | None:
    offs = _offsets_np(cell)
    a, b = int(offs[0]), int(offs[1])
    k = b - a
    large = pa.types.is_large_list(cell.type)
    if not large and k * n > _I32_MAX:
        return None
    offsets = np.arange(n + 1, dtype=np.int64 if large else np.int32) * k
    child = cell.values.slice(a, k)
    values = child.take(pa.array(np.tile(np.arange(k, dtype=np.int64), n))) if k else child
    return pa.Array.from_buffers(cell.type, n, [None, pa.py_buffer(offsets)], children=[values])


def _times(pieces: list[_Piece]) -> np.ndarray:
    if not pieces:
        return np.empty(0, dtype=np.int64)
    return pieces[0].times if len(pieces) == 1 else np.concatenate([p.times for p in pieces])


def _temporal_column(
    pieces: list[_Piece], times: np.ndarray, union: np.ndarray, typ: pa.DataType
) -> pa.Array | pa.ChunkedArray | None:
    n = union.size
    if not pieces:
        return pa.nulls(n, typ)
    arrays = [p.cells if p.cells.type == typ else p.cells.cast(typ) for p in pieces]
    if times.size == n:  # a cell on every row (times are distinct and within the union)
        return pa.chunked_array(arrays, type=typ)
    cells = arrays[0] if len(arrays) == 1 else pa.concat_arrays(arrays)
    return _spread(cells, union.searchsorted(times), n)


def _other_index(
    f: pa.Field,
    temporal: dict[tuple[str, str], list[_Piece]],
    times: dict[Any, np.ndarray],
    union: np.ndarray,
) -> pa.Array:
    """Per row, the largest value on timeline ``f`` among the cells the row shows (as the
    general path's ``_merge_times``); null where none of them has that timeline."""
    n = union.size
    best = np.zeros(n, dtype=np.int64)
    seen = np.zeros(n, dtype=bool)
    for key, pieces in temporal.items():
        if not any(f.name in p.others for p in pieces):
            continue
        vals = np.concatenate([p.others.get(f.name, np.zeros(p.times.size, np.int64)) for p in pieces])
        ok = np.concatenate([np.full(p.times.size, f.name in p.others) for p in pieces])
        rows = union.searchsorted(times[key])
        take = ok & (~seen[rows] | (vals > best[rows]))
        best[rows[take]] = vals[take]
        seen[rows[ok]] = True
    return pa.array(best, pa.int64(), mask=~seen).view(f.type)


def segment_id_column(segment: str, n: int) -> pa.Array:
    """``segment`` on ``n`` rows, built from buffers (a Python list of n strings is slow)."""
    raw = segment.encode()
    if len(raw) * n > _I32_MAX:
        return pa.array([segment] * n, pa.string())
    offsets = np.arange(n + 1, dtype=np.int32) * len(raw)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(raw * n)])


def _column_map(schema: pa.Schema) -> dict[str, tuple[str, str]]:
    out = {}
    for f in schema:
        meta = f.metadata or {}
        path, comp = meta.get(b"rerun:entity_path"), meta.get(b"rerun:component")
        if path is not None and comp is not None:
            out[f.name] = (path.decode(), comp.decode())
    return out


def _shown(comp: _Component, empties: bool) -> bool:
    """Whether the general path makes a column of it (else the reader's column is all null)."""
    return comp.nonempty or empties


def fast_segment_table(
    chunks: list[Chunk],
    schema: pa.Schema,
    segment: str,
    entities: list[str],
    index: str,
    start: int | None,
    end: int | None,
    *,
    include_semantically_empty_columns: bool = False,
) -> pa.Table | None:
    """The segment's rows in the reader's ``schema``, or None where the general path is needed."""
    comps = _gather(chunks, {str(EntityPath(e)) for e in entities}, index)
    if comps is None:
        return None
    empties = include_semantically_empty_columns
    temporal: dict[tuple[str, str], list[_Piece]] = {}
    for key, comp in comps.items():
        if comp.static is None and comp.pieces and _shown(comp, empties):
            windowed = _window(comp.pieces, start, end)
            if windowed is None:
                return None
            temporal[key] = windowed
    times = {key: _times(pieces) for key, pieces in temporal.items()}
    union = _union([t for t in times.values() if t.size])
    n = union.size
    by_name = _column_map(schema)
    cols: list[pa.Array | pa.ChunkedArray] = []
    for f in schema:
        col: pa.Array | pa.ChunkedArray | None
        ck = by_name.get(f.name)
        if f.name == "rerun_segment_id":
            col = segment_id_column(segment, n)
        elif f.name == index:
            col = pa.array(union, pa.int64()).view(f.type)
        elif (f.metadata or {}).get(b"rerun:kind") == b"index":
            col = _other_index(f, temporal, times, union)
        elif ck is None or ck not in comps or not _shown(comps[ck], empties):
            col = pa.nulls(n, f.type)
        elif (st := comps[ck].static) is not None:
            cell = st[1] if st[1].type == f.type else st[1].cast(f.type)
            col = _repeat_cell(cell, n)
        else:
            pieces = temporal.get(ck, [])
            col = _temporal_column(pieces, times[ck], union, f.type) if pieces else pa.nulls(n, f.type)
        if col is None:
            return None
        cols.append(col)
    return pa.Table.from_arrays(cols, schema=schema)
