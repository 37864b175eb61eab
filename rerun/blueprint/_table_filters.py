"""Row filters of catalog table blueprints (`rerun.blueprint.table.col`), as SQL text.

The viewer's filter bar recognises a fixed set of SQL shapes and shows each as an editable
filter (anything else as raw SQL). So every builder here writes exactly the SQL one of those
filters writes: `"c" >= 3`, `("c" = 3) IS NOT TRUE` for a negation, `any_match("c", x -> ...)`
for list columns, `ILIKE` with `\\` escapes for text. The text must match 0.41's byte for byte,
or a filter saved by us shows up as raw SQL in the viewer.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

__all__ = ["Filter", "FilterColumn", "ListFilters", "StringFilters", "col"]

Number = int | float
"""A number a column can be compared to."""

_DAY = "date_trunc('day', now())"
_WEEK = "date_trunc('week', now())"


@dataclass(frozen=True)
class Filter:
    """A SQL expression (DataFusion dialect) selecting the rows of a table.

    No truth value: `not f`, `f and g` would silently drop a filter, so they raise instead.
    """

    sql: str

    def __post_init__(self) -> None:
        if not isinstance(self.sql, str):
            raise TypeError("Filter.sql must be a string")
        if not self.sql.strip():
            raise ValueError("Filter.sql must not be empty")

    def __bool__(self) -> bool:
        raise TypeError(
            "A filter has no truth value. Use the negated methods of `col`, such as `ne`, "
            "and pass several filters in a list instead of using `and`."
        )

    def __str__(self) -> str:
        return self.sql


def col(name: str) -> FilterColumn:
    """Start a filter on the (physical Arrow) column `name`: `col("score") >= 3`."""
    return FilterColumn(name)


def _ident(name: str) -> str:
    return '"{}"'.format(name.replace('"', '""'))


def _literal(text: str) -> str:
    return "'{}'".format(text.replace("'", "''"))


def _not(row_filter: Filter) -> Filter:
    """False or null where `row_filter` holds: the shape the viewer shows as a negated filter."""
    return Filter(f"({row_filter.sql}) IS NOT TRUE")


def _number(value: Any) -> str:
    # A bool is an int to Python, but comparing a column to True is a boolean filter.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(
            f"Can't compare a column to a value of type {type(value).__name__}. "
            "Comparisons take a number. Use `is_true`, `before` or `str.contains` for other columns."
        )
    if isinstance(value, int) or math.isfinite(value):
        return repr(value)
    special = "NaN" if math.isnan(value) else repr(value)  # SQL has no literal for these
    return f"CAST({_literal(special)} AS DOUBLE)"


def _timestamp(value: Any) -> str:
    if not isinstance(value, datetime):
        raise TypeError("Timestamp filters require a datetime")
    aware = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    naive_utc = aware.astimezone(timezone.utc).replace(tzinfo=None)
    return "TIMESTAMPTZ " + _literal(naive_utc.isoformat() + "Z")


class _ValueFilters:
    """Filters on the values of one column; for a list column a row matches when any value does.

    `str` below is the string-filters property, so the builtin is spelled `builtins.str`.
    """

    __hash__ = None  # type: ignore[assignment]  # `==` builds a filter, so no hashing

    def __init__(self, name: builtins.str, *, is_list: bool) -> None:
        self._name = name
        self._is_list = is_list

    def _predicate(self, on_value: Callable[[builtins.str], builtins.str]) -> Filter:
        column = _ident(self._name)
        if self._is_list:
            return Filter(f"any_match({column}, x -> {on_value('x')})")
        return Filter(on_value(column))

    def _compare(self, operator: builtins.str, literal: builtins.str) -> Filter:
        return self._predicate(lambda v: f"{v} {operator} {literal}")

    def _range(self, low: builtins.str, high: builtins.str) -> Filter:
        return self._predicate(lambda v: f"{v} >= {low} AND {v} < {high}")

    def eq(self, value: Number) -> Filter:
        """Rows whose value equals `value` (`col(...) == value`)."""
        return self._compare("=", _number(value))

    def ne(self, value: Number) -> Filter:
        """Rows whose value is not `value`, or is null (`col(...) != value`)."""
        return _not(self.eq(value))

    def lt(self, value: Number) -> Filter:
        return self._compare("<", _number(value))

    def le(self, value: Number) -> Filter:
        return self._compare("<=", _number(value))

    def gt(self, value: Number) -> Filter:
        return self._compare(">", _number(value))

    def ge(self, value: Number) -> Filter:
        return self._compare(">=", _number(value))

    def __eq__(self, value: Number) -> Filter:  # type: ignore[override]
        return self.eq(value)

    def __ne__(self, value: Number) -> Filter:  # type: ignore[override]
        return self.ne(value)

    def __lt__(self, value: Number) -> Filter:
        return self.lt(value)

    def __le__(self, value: Number) -> Filter:
        return self.le(value)

    def __gt__(self, value: Number) -> Filter:
        return self.gt(value)

    def __ge__(self, value: Number) -> Filter:
        return self.ge(value)

    def is_true(self) -> Filter:
        return self._compare("=", "true")

    def is_false(self) -> Filter:
        return self._compare("=", "false")

    def is_not_true(self) -> Filter:
        return _not(self.is_true())

    def is_not_false(self) -> Filter:
        return _not(self.is_false())

    def is_null(self) -> Filter:
        """Null rows; for a list column also empty lists and lists holding a null."""
        value_null = self._predicate(lambda v: f"{v} IS NULL").sql
        if not self._is_list:
            return Filter(value_null)
        empty = "NOT " + self._predicate(lambda _: "true").sql
        return Filter(f"{_ident(self._name)} IS NULL OR {empty} OR {value_null}")

    def is_not_null(self) -> Filter:
        return _not(self.is_null())

    def before(self, timestamp: datetime) -> Filter:
        """Timestamps before `timestamp` (a naive `datetime` is UTC)."""
        return self._compare("<", _timestamp(timestamp))

    def after(self, timestamp: datetime) -> Filter:
        """Timestamps at or after `timestamp` (a naive `datetime` is UTC)."""
        return self._compare(">=", _timestamp(timestamp))

    def between(self, start: datetime, end: datetime) -> Filter:
        return self._range(_timestamp(start), _timestamp(end))

    def today(self) -> Filter:
        return self._range(_DAY, f"{_DAY} + INTERVAL '1 day'")

    def yesterday(self) -> Filter:
        return self._range(f"{_DAY} - INTERVAL '1 day'", _DAY)

    def last_24_hours(self) -> Filter:
        return self._range("now() - INTERVAL '24 hours'", "now()")

    def this_week(self) -> Filter:
        return self._range(_WEEK, f"{_WEEK} + INTERVAL '7 days'")

    def last_week(self) -> Filter:
        return self._range(f"{_WEEK} - INTERVAL '7 days'", _WEEK)

    def not_between(self, start: datetime, end: datetime) -> Filter:
        return _not(self.between(start, end))

    def not_today(self) -> Filter:
        return _not(self.today())

    def not_yesterday(self) -> Filter:
        return _not(self.yesterday())

    def not_last_24_hours(self) -> Filter:
        return _not(self.last_24_hours())

    def not_this_week(self) -> Filter:
        return _not(self.this_week())

    def not_last_week(self) -> Filter:
        return _not(self.last_week())

    @property
    def str(self) -> StringFilters:
        """Text filters: `col("task").str.contains("pick")`."""
        return StringFilters(self)


class FilterColumn(_ValueFilters):
    """The column a filter applies to (from `col`); `.list` filters a list column's values."""

    def __init__(self, name: str) -> None:
        if not isinstance(name, str):
            raise TypeError("Filter column name must be a string")
        if not name:
            raise ValueError("Filter column name must not be empty")
        super().__init__(name, is_list=False)

    def __repr__(self) -> str:
        return f"col({self._name!r})"

    @property
    def list(self) -> ListFilters:
        return ListFilters(self._name)


class ListFilters(_ValueFilters):
    """The values of a list column: a row matches when any of its values does."""

    def __init__(self, name: str) -> None:
        super().__init__(name, is_list=True)

    def __repr__(self) -> str:
        return f"col({self._name!r}).list"


class StringFilters:
    """Case-insensitive plain-text matching (`ILIKE`, not regular expressions)."""

    __hash__ = None  # type: ignore[assignment]

    def __init__(self, column: _ValueFilters) -> None:
        self._column = column

    def __repr__(self) -> str:
        return f"{self._column!r}.str"

    def contains(self, text: str) -> Filter:
        return self._ilike(text, prefix=True, suffix=True)

    def does_not_contain(self, text: str) -> Filter:
        return _not(self.contains(text))

    def starts_with(self, text: str) -> Filter:
        return self._ilike(text, prefix=False, suffix=True)

    def ends_with(self, text: str) -> Filter:
        return self._ilike(text, prefix=True, suffix=False)

    def _ilike(self, text: str, *, prefix: bool, suffix: bool) -> Filter:
        if not isinstance(text, str):
            raise TypeError("String filters require a string")
        if not text:
            raise ValueError("String filters require a non-empty string")
        escaped = "".join("\\" + c if c in "%_\\" else c for c in text)
        pattern = "%" * prefix + escaped + "%" * suffix
        escape = "" if escaped == text else " ESCAPE " + _literal("\\")
        return self._column._predicate(lambda v: f"{v} ILIKE {_literal(pattern)}{escape}")
