"""Turning one entity's pending rows into chunks, split as Rerun's batcher splits them.

Rerun accumulates rows per entity and, when it flushes, splits them by set of timelines, then
by the list of component datatypes (rows logging different components of the same datatypes
share one sparse chunk: a row without a component holds null there), then cuts a piece once it
holds ``chunk_max_rows_if_unsorted`` rows while one of its timelines is out of order.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.types import ComponentDescriptor, TimeType

TimelineKey = tuple[tuple[str, TimeType], ...]


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


class Group:
    """Rows of one entity logged with the same timeline tuple and descriptor objects."""

    __slots__ = ("acc", "cols", "descs", "idx", "timelines", "times")

    def __init__(self, timelines: TimelineKey | None, descs: tuple[ComponentDescriptor, ...]) -> None:
        self.timelines = timelines  # None: static
        self.descs = descs
        self.cols: list[list[Any]] = [[] for _ in descs]
        self.times: list[int] = []  # flat: len(timelines) values per row
        self.idx: list[int] = []  # each row's position among the entity's pending rows
        self.acc: Any = None  # the batcher's per-entity accumulator holding this group


_TYPE = operator.attrgetter("type")
_DTYPE = operator.attrgetter("dtype")
_VALUES = operator.attrgetter("values")
_NP_ARROW: dict[np.dtype, pa.DataType] = {}


def cell_type(a: Any) -> pa.DataType:
    """The Arrow type of one row's values (ndarray, ``NumpyCell`` or Arrow array)."""
    if type(a) is np.ndarray:
        t = _NP_ARROW.get(a.dtype)
        if t is None:
            t = _NP_ARROW[a.dtype] = pa.from_numpy_dtype(a.dtype)
        return t
    return a.type  # type: ignore[no-any-return]


def _to_arrow(a: Any) -> pa.Array:
    if type(a) is NumpyCell:
        return a.to_arrow()
    if type(a) is np.ndarray:
        return pa.array(a)
    return a


def _concat(arrays: list[Any]) -> pa.Array:
    first = arrays[0]
    kinds = set(map(type, arrays))
    if kinds == {np.ndarray} and len(set(map(_DTYPE, arrays))) == 1:
        return pa.array(np.concatenate(arrays) if len(arrays) > 1 else first)
    if kinds == {NumpyCell} and len(set(map(_TYPE, arrays))) == 1:
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
    """One list per row from (row index, flat values) cells in row order; other rows are null."""
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


# --- splitting ------------------------------------------------------------------------------


def _split_key(g: Group) -> tuple[Any, ...]:
    """Rows whose keys are equal go to one chunk: same timeline names, same datatypes."""
    timelines = tuple(sorted(name for name, _ in g.timelines)) if g.timelines else None  # () is static too
    dtypes = tuple(sorted(str(cell_type(col[0])) for col in g.cols))
    return (timelines, dtypes)


def _group_times(g: Group) -> dict[str, tuple[TimeType, np.ndarray]]:
    if not g.timelines:
        return {}
    k = len(g.timelines)
    flat = np.array(g.times, dtype=np.int64).reshape(-1, k)
    return {name: (typ, flat[:, i]) for i, (name, typ) in enumerate(g.timelines)}


def _single(entity: str, g: Group, row_ids: np.ndarray) -> Chunk:
    """The common case: one group alone in its split, rows already in log order."""
    ids = row_ids[np.asarray(g.idx, dtype=np.int64)]
    timelines = [TimeColumn.from_values(n, t, v) for n, (t, v) in _group_times(g).items()]
    columns = {desc: list_column(col) for desc, col in zip(g.descs, g.cols, strict=True)}
    return Chunk.from_columns(entity, ids, timelines, columns)


def _merged(entity: str, groups: list[Group], row_ids: np.ndarray) -> Chunk:
    """Several groups' rows interleaved in log order, components absent from a row null."""
    pos = np.concatenate([np.asarray(g.idx, dtype=np.int64) for g in groups])
    order = np.argsort(pos, kind="stable")
    n = len(pos)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    times: dict[str, tuple[TimeType, list[np.ndarray]]] = {}
    cells: dict[ComponentDescriptor, list[tuple[int, Any]]] = {}
    start = 0
    for g in groups:
        rows = rank[start : start + len(g.idx)].tolist()
        for name, (typ, vals) in _group_times(g).items():
            times.setdefault(name, (typ, []))[1].append(vals)
        for desc, col in zip(g.descs, g.cols, strict=True):
            cells.setdefault(desc, []).extend(zip(rows, col, strict=True))
        start += len(g.idx)
    timelines = [
        TimeColumn.from_values(name, typ, np.concatenate(parts)[order])
        for name, (typ, parts) in times.items()
    ]
    columns = {
        desc: build_list_column(sorted(cs, key=operator.itemgetter(0)), n) for desc, cs in cells.items()
    }
    return Chunk.from_columns(entity, row_ids[pos[order]], timelines, columns)


def _unsorted_cuts(timelines: Sequence[TimeColumn], n: int, max_rows: int) -> list[int]:
    """Rerun's rule: a piece ends once it holds ``max_rows`` rows and a timeline is unsorted."""
    cuts = [0]
    columns = [c.values for c in timelines]
    sorted_so_far = [True] * len(columns)
    for r in range(n):
        if r - cuts[-1] >= max_rows and not all(sorted_so_far):
            cuts.append(r)
            sorted_so_far = [True] * len(columns)
        for i, vals in enumerate(columns):
            if r > cuts[-1] and vals[r] < vals[r - 1]:
                sorted_so_far[i] = False
    return [*cuts, n]


def split_unsorted(chunk: Chunk, max_rows: int) -> list[Chunk]:
    n = chunk.num_rows
    cols = list(chunk.timelines.values())
    if n <= max_rows or max_rows <= 0 or all(c.is_sorted for c in cols):
        return [chunk]
    bounds = _unsorted_cuts(cols, n, max_rows)
    return [
        Chunk.from_columns(
            chunk.entity_path,
            chunk.row_ids[a:b],
            [TimeColumn.from_values(c.name, c.typ, c.values[a:b]) for c in cols],
            {desc: arr.slice(a, b - a) for desc, arr in chunk.components.items()},
        )
        for a, b in itertools.pairwise(bounds)
    ]


def entity_chunks(entity: str, groups: list[Group], row_ids: np.ndarray, max_unsorted: int) -> list[Chunk]:
    """All chunks for one entity's pending groups, in order of each split's first row."""
    splits: dict[tuple[Any, ...], list[Group]] = {}
    for g in groups:
        splits.setdefault(_split_key(g), []).append(g)
    chunks = []
    for gs in sorted(splits.values(), key=lambda gs: min(g.idx[0] for g in gs)):
        chunk = _single(entity, gs[0], row_ids) if len(gs) == 1 else _merged(entity, gs, row_ids)
        chunks.extend(split_unsorted(chunk, max_unsorted))
    return chunks
