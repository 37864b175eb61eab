"""Selectors: jq-like paths evaluated column-wise over Arrow arrays (0.41's lens query language).

Syntax: ``.field``, ``[N]``, ``[]`` (iterate a list), ``.`` (identity), ``|`` (pipe; adjacent
segments pipe implicitly), postfix ``?`` (suppress errors: the result is "nothing") and ``!``
(a row whose values are all null becomes a null row), ``map(expr)``, ``pack(path, ...)`` (zip
scalar paths into a fixed-size list) and functions (``string_prefix("p")``).

Evaluation is columnar: a result is a flat array plus, once a list was iterated, the offsets
that group its values into the input's rows. ``execute`` returns the flat array;
``execute_per_row`` evaluates against the values of a list array and regroups into one list
per input row. "Nothing" (a missing field, a suppressed error) is ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._selector_parse import (
    Constant,
    Each,
    Expr,
    Field,
    Function,
    Identity,
    Index,
    Map,
    NonNull,
    Pack,
    Pipe,
    PyFunc,
    SelectorSyntaxError,
    Try,
    parse,
)

__all__ = ["Selector", "SelectorError", "SelectorSyntaxError"]

ArrayFn = Callable[[pa.Array], "pa.Array | None"]


class SelectorError(ValueError):
    """A selector failed while running against data."""


@dataclass(frozen=True, slots=True)
class _Result:
    array: pa.Array
    offsets: np.ndarray | None = None  # int64, len = rows + 1, into `array`
    valid: np.ndarray | None = None  # bool per row (rows = offsets rows, else len(array))


def _validity(arr: pa.Array) -> np.ndarray | None:
    if arr.null_count == 0:
        return None
    return np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=bool)


def _and(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if a is None:
        return b
    if b is None:
        return a
    return a & b


def _list_offsets(arr: pa.Array) -> np.ndarray:
    return np.asarray(arr.offsets.to_numpy(zero_copy_only=False), dtype=np.int64)


def _list_values(arr: pa.Array) -> pa.Array:
    """The values an array's offsets index (not sliced to the visible range)."""
    return arr.values


def _any_valid_per_row(offsets: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Per row: valid when empty or when any of its values is valid."""
    counts = np.diff(offsets)
    if len(valid) == 0:
        return np.ones(len(counts), dtype=bool)
    starts = np.minimum(offsets[:-1], len(valid) - 1)
    sums = np.add.reduceat(valid.astype(np.int64), starts)
    return np.asarray(np.where(counts > 0, sums, 1) > 0, dtype=bool)


def _field(source: pa.Array, name: str) -> _Result | None:
    if not pa.types.is_struct(source.type):
        raise SelectorError(f"cannot access field `.{name}` on unexpected type {source.type}")
    if source.type.get_field_index(name) < 0:
        return None
    child = source.field(name)
    if source.null_count:
        mask = pc.invert(source.is_valid())
        child = pc.if_else(mask, pa.scalar(None, child.type), child)
    return _Result(child)


def _index(source: pa.Array, n: int) -> _Result:
    if pa.types.is_fixed_size_list(source.type):
        raise SelectorError(f"index access `[{n}]` is not yet implemented for {source.type}")
    if not pa.types.is_list(source.type):
        raise SelectorError(f"cannot access `[{n}]` on unexpected type {source.type}")
    offsets = _list_offsets(source)
    starts, ends = offsets[:-1], offsets[1:]
    ok = (starts + n) < ends
    valid = _validity(source)
    if valid is not None:
        ok &= valid
    idx = pa.array(np.where(ok, starts + n, 0), pa.int64(), mask=~ok)
    values = _list_values(source)
    if len(values) == 0:
        return _Result(pa.nulls(len(source), values.type))
    return _Result(values.take(idx))


def _each(source: pa.Array) -> _Result:
    if pa.types.is_list(source.type):
        return _Result(_list_values(source), _list_offsets(source), _validity(source))
    if pa.types.is_fixed_size_list(source.type):
        size = source.type.list_size
        offsets = np.arange(len(source) + 1, dtype=np.int64) * size
        values = source.values.slice(source.offset * size, len(source) * size)
        return _Result(values, offsets, _validity(source))
    raise SelectorError(f"`.[]` called on unexpected type {source.type}")


def _compose(outer: np.ndarray | None, inner: np.ndarray | None) -> np.ndarray | None:
    if outer is None:
        return inner
    if inner is None:
        return outer
    return inner[outer]


def _pipe(left: _Result, right: _Result) -> _Result:
    valid = left.valid
    if right.valid is not None:
        rv = right.valid
        if left.offsets is not None and len(rv) != len(left.offsets) - 1:
            rv = _any_valid_per_row(left.offsets, rv)
        valid = _and(valid, rv) if valid is None or len(valid) == len(rv) else valid
    return _Result(right.array, _compose(left.offsets, right.offsets), valid)


def _non_null(result: _Result) -> _Result:
    inner = _validity(result.array)
    if inner is None:
        return result
    promoted = inner if result.offsets is None else _any_valid_per_row(result.offsets, inner)
    return _Result(result.array, result.offsets, _and(result.valid, promoted))


def _string_prefix(prefix: str) -> ArrayFn:
    def apply(arr: pa.Array) -> pa.Array:
        if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
            raise SelectorError(f"Type mismatch: expected StringArray, got {arr.type} (string_prefix input)")
        return pc.binary_join_element_wise(pa.scalar(prefix), arr, "")

    return apply


_FUNCTIONS: dict[str, Callable[[list[str]], ArrayFn]] = {
    "string_prefix": lambda args: _string_prefix(args[0]),
}


def _function(name: str, args: list[str] | None) -> ArrayFn:
    make = _FUNCTIONS.get(name)
    if make is None:
        raise SelectorError(f"Unknown function: `{name}`")
    if len(args or []) != 1:
        raise SelectorError(f"Wrong arguments for function: `{name}`")
    return make(list(args or []))


def _path_type(path: Expr, dtype: pa.DataType, nullable: bool, root: Expr) -> tuple[pa.DataType, bool, bool]:
    """(datatype, nullable, acknowledged) of a `pack` path, from the input type alone."""
    match path:
        case Identity():
            return dtype, nullable, False
        case Field(name=name):
            if not pa.types.is_struct(dtype):
                raise SelectorError(
                    f"`pack` path `{root}` accesses field `.{name}` on {dtype}, expected Struct"
                )
            idx = dtype.get_field_index(name)
            if idx < 0:
                names = [dtype.field(i).name for i in range(dtype.num_fields)]
                raise SelectorError(f"field `{name}` not found, available fields: {names}")
            field = dtype.field(idx)
            return field.type, nullable or field.nullable, False
        case Index():
            if not (pa.types.is_list(dtype) or pa.types.is_fixed_size_list(dtype)):
                raise SelectorError(f"`pack` path `{root}` indexes into a list, got {dtype}")
            return dtype.value_type, True, False
        case NonNull(inner=inner):
            t, n, _ = _path_type(inner, dtype, nullable, root)
            return t, n, True
        case Try(inner=inner):
            return _path_type(inner, dtype, nullable, root)
        case Pipe(left=left, right=right):
            t, n, _ = _path_type(left, dtype, nullable, root)
            return _path_type(right, t, n, root)
    raise SelectorError(f"`pack` path `{root}` is not a scalar path")


def _pack(paths: list[Expr], source: pa.Array) -> _Result | None:
    nullable_in = source.null_count > 0
    expected: pa.DataType | None = None
    any_nullable = False
    for path in paths:
        dtype, nullable, acked = _path_type(path, source.type, nullable_in, path)
        if nullable and not acked:
            raise SelectorError(
                f"`pack` path `{path}` is nullable and must be acknowledged with `!` (e.g. `{path}!`), "
                "since a null shadows the whole entry"
            )
        any_nullable |= nullable
        if expected is None:
            expected = dtype
        elif dtype != expected:
            raise SelectorError(
                f"`pack` path `{path}` has type {dtype}, expected {expected} (all paths must match)"
            )
    arrays: list[pa.Array] = []
    valid: np.ndarray | None = None
    for path in paths:
        result = _eval(path, source)
        if result is None:
            return None
        valid = _and(valid, result.valid)
        arrays.append(result.array)
    assert expected is not None
    rows = len(arrays[0])
    k = len(arrays)
    order = (np.arange(rows * k) % k) * rows + np.arange(rows * k) // k
    child = pa.concat_arrays(arrays).take(pa.array(order, pa.int64())) if rows else arrays[0].slice(0, 0)
    field = pa.field("item", expected, nullable=any_nullable)
    mask = None if valid is None else pa.array(~valid)
    packed = pa.FixedSizeListArray.from_arrays(child, type=pa.list_(field, k), mask=mask)
    return _Result(packed)


def _map(body: Expr, source: pa.Array) -> _Result | None:
    if pa.types.is_fixed_size_list(source.type):
        raise SelectorError(f"`map()` is not yet implemented for {source.type}")
    if not pa.types.is_list(source.type):
        raise SelectorError(f"cannot call `.map()` on unexpected type {source.type}")
    out = _per_row(body, source)
    return None if out is None else _Result(out)


def _per_row(body: Expr, lists: pa.Array) -> pa.ListArray | None:
    outer = _list_offsets(lists)
    result = _eval(body, _list_values(lists))
    if result is None:
        return None
    offsets = outer if result.offsets is None else result.offsets[outer]
    valid = _validity(lists)
    if result.valid is not None:
        valid = _and(valid, _any_valid_per_row(outer, result.valid))
    field = pa.field("item", result.array.type, nullable=True)
    mask = None if valid is None else pa.array(~valid)
    return pa.ListArray.from_arrays(
        pa.array(offsets.astype(np.int32), pa.int32()), result.array, type=pa.list_(field), mask=mask
    )


def _eval(expr: Expr, source: pa.Array) -> _Result | None:
    match expr:
        case Identity():
            return _Result(source)
        case Field(name=name):
            return _field(source, name)
        case Index(n=n):
            return _index(source, n)
        case Each():
            return _each(source)
        case Pipe(left=left, right=right):
            lhs = _eval(left, source)
            if lhs is None:
                return None
            rhs = _eval(right, lhs.array)
            return None if rhs is None else _pipe(lhs, rhs)
        case Try(inner=inner):
            try:
                return _eval(inner, source)
            except (SelectorError, pa.ArrowException):
                return None
        case NonNull(inner=inner):
            res = _eval(inner, source)
            return None if res is None else _non_null(res)
        case Function(name=name, args=args):
            out = _function(name, args)(source)
            return None if out is None else _Result(out)
        case Map(body=body):
            return _map(body, source)
        case Pack(paths=paths):
            return _pack(paths, source)
        case Constant(value=value):
            return _Result(pa.array([value] * len(source), pa.utf8()))
        case PyFunc(fn=fn):
            got = fn(source)
            if got is None:
                return None
            if isinstance(got, pa.ChunkedArray):
                got = got.combine_chunks()
            if not isinstance(got, pa.Array):
                raise SelectorError(
                    f"piped function must return a pyarrow Array or None, got {type(got).__name__}"
                )
            return _Result(got)
    raise SelectorError(f"cannot evaluate {expr!r}")


def _as_array(source: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(source, pa.ChunkedArray):
        return source.combine_chunks()
    if not isinstance(source, pa.Array):
        raise TypeError(f"expected a pyarrow Array, got {type(source).__name__}")
    return source


class Selector:
    """A parsed selector; immutable. ``pipe`` returns a new one."""

    __slots__ = ("expr",)

    def __init__(self, query: str | Expr) -> None:
        self.expr: Expr = parse(query) if isinstance(query, str) else query

    def pipe(self, rhs: Selector | ArrayFn) -> Selector:
        right: Expr = rhs.expr if isinstance(rhs, Selector) else PyFunc(rhs)
        return Selector(Pipe(self.expr, right, implicit=False))

    def _run(self, fn: Callable[[], pa.Array | None]) -> pa.Array | None:
        try:
            return fn()
        except SelectorError:
            raise
        except pa.ArrowException as exc:
            raise SelectorError(str(exc)) from exc

    def execute(self, source: pa.Array | pa.ChunkedArray) -> pa.Array | None:
        arr = _as_array(source)

        def run() -> pa.Array | None:
            res = _eval(self.expr, arr)
            return None if res is None else res.array

        return self._run(run)

    def execute_per_row(self, source: pa.Array | pa.ChunkedArray) -> pa.ListArray | None:
        arr = _as_array(source)
        if not pa.types.is_list(arr.type):
            raise SelectorError(f"execute_per_row expects a list array, got {arr.type}")
        return self._run(lambda: _per_row(self.expr, arr))

    def query_string(self) -> str | None:
        """The query text, or None when a Python function is piped in."""
        return None if _has_pyfunc(self.expr) else str(self.expr)

    def __str__(self) -> str:
        return str(self.expr)

    def __repr__(self) -> str:
        text = str(self.expr).replace("\\", "\\\\").replace('"', '\\"')
        return f'Selector("{text}")'


def _has_pyfunc(expr: Expr) -> bool:
    match expr:
        case PyFunc():
            return True
        case Pipe(left=left, right=right):
            return _has_pyfunc(left) or _has_pyfunc(right)
        case Try(inner=inner) | NonNull(inner=inner):
            return _has_pyfunc(inner)
        case Map(body=body):
            return _has_pyfunc(body)
    return False
