"""``rerun.chunk.Selector``: jq-like queries over Arrow arrays (see ``rerun_core.store.selector``)."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa

from rerun_core.store.selector import Selector as CoreSelector
from rerun_core.store.selector import SelectorError, SelectorSyntaxError


class Selector:
    """A jq-like path query run column-wise on Arrow arrays.

    ``.field`` (struct field), ``[]`` (each list element), ``[N]`` (list index), ``?`` (suppress
    errors), ``!`` (all-null rows become null), ``|`` (pipe), ``map(...)``, ``pack(.a, .b)``.
    ``pipe`` chains another selector or a Python function of a ``pyarrow.Array``.
    """

    __slots__ = ("_internal",)

    def __init__(self, query: str) -> None:
        if not isinstance(query, str):
            raise TypeError(f"Selector query must be a str, got {type(query).__name__}")
        try:
            self._internal = CoreSelector(query)
        except SelectorSyntaxError as exc:
            raise ValueError(f"Failed to parse selector: {exc}") from None

    @classmethod
    def _wrap(cls, core: CoreSelector) -> Selector:
        new = cls.__new__(cls)
        new._internal = core
        return new

    def execute(self, source: pa.Array) -> pa.Array | None:
        """Run on an array; None when the selector's error was suppressed (or a field is absent)."""
        try:
            return self._internal.execute(source)
        except SelectorError as exc:
            raise RuntimeError(f"Selector execution failed: {exc}") from None

    def execute_per_row(self, source: pa.Array) -> pa.Array | None:
        """Run on each row of a list array; the result has as many rows as ``source``."""
        try:
            return self._internal.execute_per_row(source)
        except SelectorError as exc:
            raise RuntimeError(f"Selector execution failed: {exc}") from None

    def pipe(self, func: Callable[[pa.Array], pa.Array | None] | Selector) -> Selector:
        """A new selector: this one, then ``func`` (a Selector or a function of an array)."""
        if isinstance(func, Selector):
            return Selector._wrap(self._internal.pipe(func._internal))
        if not callable(func):
            raise TypeError(f"pipe expects a Selector or a callable, got {type(func).__name__}")
        return Selector._wrap(self._internal.pipe(func))

    def __repr__(self) -> str:
        return repr(self._internal)

    def __str__(self) -> str:
        return str(self._internal)

    def __reduce__(self) -> tuple[type[Selector], tuple[str]]:
        query = self._internal.query_string()
        if query is None:
            raise TypeError(
                "Cannot pickle Selector containing a Python callable from .pipe(); "
                "pass a Selector to .pipe() instead, or use a pure-string selector."
            )
        return (type(self), (query,))


def as_selector(selector: Selector | str) -> Selector:
    if isinstance(selector, Selector):
        return selector
    if isinstance(selector, str):
        return Selector(selector)
    raise TypeError(f"expected a Selector or a query string, got {type(selector).__name__}")
