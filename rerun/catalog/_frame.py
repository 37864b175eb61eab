"""``ReaderFrame``: the DataFusion DataFrame a reader returns, planned before it reads.

The real reader is a DataFusion table provider: the columns a query needs (its projection) and
its filters reach the scan, and the projection decides which rows exist. datafusion-python has
no Python table providers, so this frame records the DataFrame calls made on it, plans them on
an empty table of the reader's schema, reads the scan DataFusion asked for (columns, segment and
index-range filters) and then replays the calls on the data.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import datafusion
import pyarrow as pa

from . import _df_format
from ._reader import SEGMENT_ID, Pushdown, ReadSpec, ReadStats, read_table

_IDS = itertools.count()

# DataFrame methods that return a new DataFrame: recorded, replayed once the data is read.
_CHAINED = (
    "select", "select_exprs", "select_columns", "filter", "sort", "sort_by", "limit", "head",
    "tail", "with_column", "with_columns", "with_column_renamed", "drop", "aggregate",
    "distinct", "distinct_on", "join", "join_on", "union", "union_by_name", "union_distinct",
    "intersect", "except_all", "cast", "unnest_columns", "fill_null", "fill_nan", "window",
    "repartition", "repartition_by_hash", "describe", "alias", "transform",
)  # fmt: skip

Op = tuple[str, tuple[Any, ...], dict[str, Any]]


class ReaderFrame(datafusion.DataFrame):
    """A lazy reader DataFrame; every method of ``datafusion.DataFrame`` works on it."""

    def __init__(
        self, ctx: datafusion.SessionContext, spec: ReadSpec, schema: pa.Schema, ops: tuple[Op, ...] = ()
    ) -> None:
        # no super().__init__: `df` is produced on first use (see the property below)
        self._ctx = ctx
        self._spec = spec
        self._schema = schema
        self._ops = ops
        self._data: Any = None
        self.last_read: ReadStats | None = None

    @property  # type: ignore[override]
    def df(self) -> Any:
        """The internal DataFusion frame, read on first use."""
        if self._data is None:
            self._data = self._materialize().df
        return self._data

    @df.setter
    def df(self, value: Any) -> None:
        self._data = value

    def _replay(self, base: datafusion.DataFrame) -> datafusion.DataFrame:
        cur = base
        for name, args, kwargs in self._ops:
            cur = getattr(cur, name)(*args, **kwargs)
        return cur

    def _register(self, table: pa.Table) -> tuple[str, datafusion.DataFrame]:
        name = f"rerun_reader_{next(_IDS)}"
        batches = table.to_batches(max_chunksize=1 << 16) or [pa.RecordBatch.from_pylist([], table.schema)]
        self._ctx.register_record_batches(name, [batches])
        return name, self._ctx.table(name)

    def _plan(self) -> tuple[datafusion.DataFrame, Pushdown]:
        name, base = self._register(self._schema.empty_table())
        try:
            planned = self._replay(base)
            return planned, pushdown_of(planned.optimized_logical_plan(), name, self._spec.index)
        finally:
            self._ctx.deregister_table(name)

    def _materialize(self) -> datafusion.DataFrame:
        _, push = self._plan()
        stats = ReadStats()
        table = read_table(self._spec, self._schema, push, stats)
        self.last_read = stats
        _, base = self._register(table)
        return self._replay(base)

    def schema(self) -> pa.Schema:
        """The result's schema, planned without reading any data."""
        if self._data is not None:
            return super().schema()
        return self._plan()[0].schema()

    # --- display: what DataFusion's repr does for 0.41's reader (first rows, one batch, the global
    # formatter, which is Rerun's box unless the user set another one)

    def _display_parts(self) -> tuple[_df_format.Formatter, list[pa.RecordBatch], bool]:
        fmt = _df_format.active_formatter()
        rows = fmt.max_rows
        batches, has_more = _df_format.display_batches(self.limit(rows + 1).to_arrow_table(), rows)
        return fmt, batches, has_more

    def __repr__(self) -> str:
        fmt, batches, has_more = self._display_parts()
        if not batches or not batches[0].num_rows:
            return _df_format.NO_ROWS
        return str(fmt.format_str(batches, batches[0].schema, has_more, ""))

    def __str__(self) -> str:
        return self.__repr__()

    def _repr_html_(self) -> str:
        fmt, batches, has_more = self._display_parts()
        if not batches or not batches[0].num_rows:
            return _df_format.NO_ROWS
        return str(fmt.format_html(batches, batches[0].schema, has_more, ""))


def _chained(name: str) -> Callable[..., ReaderFrame]:
    def method(self: ReaderFrame, *args: Any, **kwargs: Any) -> Any:
        if self._data is not None:  # already read: plain DataFusion from here
            return getattr(datafusion.DataFrame, name)(self, *args, **kwargs)
        return ReaderFrame(self._ctx, self._spec, self._schema, (*self._ops, (name, args, kwargs)))

    method.__name__ = name
    method.__doc__ = getattr(datafusion.DataFrame, name).__doc__
    return method


for _name in _CHAINED:
    if hasattr(datafusion.DataFrame, _name):
        setattr(ReaderFrame, _name, _chained(_name))


# --- reading DataFusion's plan ----------------------------------------------------------


def _variant(node: Any) -> tuple[str, Any]:
    v = node.to_variant()
    return type(v).__name__, v


def pushdown_of(plan: Any, table: str, index: str | None) -> Pushdown:
    """The scan of ``table`` in an optimized plan: projected columns and pushable filters."""
    push = Pushdown()
    found = _find_scan(plan, table, [])
    if found is None:
        return push
    scan, predicates = found
    push.columns = [n for _, n in scan.projection()]
    for pred in [*predicates, *scan.filters()]:
        for conj in _conjuncts(pred):
            _apply_predicate(push, conj, index)
    return push


def _find_scan(node: Any, table: str, filters: list[Any]) -> tuple[Any, list[Any]] | None:
    kind, v = _variant(node)
    if kind == "TableScan":
        return (v, filters) if v.table_name() == table else None
    here = [v.predicate()] if kind == "Filter" else []
    # filters only travel through nodes that keep every row of the scan
    passing = filters + here if kind in ("Filter", "Projection", "SubqueryAlias") else here
    for child in node.inputs():
        got = _find_scan(child, table, passing)
        if got is not None:
            return got
    return None


def _conjuncts(expr: Any) -> list[Any]:
    kind, v = _variant(expr)
    if kind == "BinaryExpr" and v.op().upper() == "AND":
        return _conjuncts(v.left()) + _conjuncts(v.right())
    return [expr]


def _column_name(expr: Any) -> str | None:
    kind, v = _variant(expr)
    if kind == "Cast" or kind == "TryCast":
        return _column_name(v.expr())
    return str(v.name()) if kind == "Column" else None


def _literal(expr: Any) -> Any:
    kind, _ = _variant(expr)
    if kind != "Literal":
        return None
    value = expr.python_value()
    return value.as_py() if isinstance(value, pa.Scalar) else value


_FLIP = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "=": "="}


def _apply_predicate(push: Pushdown, expr: Any, index: str | None) -> None:
    kind, v = _variant(expr)
    if kind == "InList" and not v.negated():
        name = _column_name(v.expr())
        values = [_literal(e) for e in v.list()]
        if name == SEGMENT_ID and all(isinstance(x, str) for x in values):
            push.segments = set(values) if push.segments is None else push.segments & set(values)
        return
    if kind != "BinaryExpr":
        return
    op = v.op()
    left, right = _column_name(v.left()), _column_name(v.right())
    if left is None and right is not None and op in _FLIP:
        op, left, value = _FLIP[op], right, _literal(v.left())
    else:
        value = _literal(v.right())
    if left is None or value is None:
        return
    if left == SEGMENT_ID and op == "=" and isinstance(value, str):
        push.segments = {value} if push.segments is None else push.segments & {value}
    elif left == index and index is not None:
        _bound(push, op, _as_ns(value))


def _as_ns(value: Any) -> int | None:
    import datetime as dt

    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, dt.datetime):
        return int(pa.scalar(value, pa.timestamp("ns")).value)
    if isinstance(value, dt.timedelta):
        return int(pa.scalar(value, pa.duration("ns")).value)
    return None


def _bound(push: Pushdown, op: str, value: int | None) -> None:
    if value is None:
        return
    lo = {">=": value, ">": value + 1, "=": value}.get(op)
    hi = {"<=": value, "<": value - 1, "=": value}.get(op)
    if lo is not None:
        push.start = lo if push.start is None else max(push.start, lo)
    if hi is not None:
        push.end = hi if push.end is None else min(push.end, hi)
