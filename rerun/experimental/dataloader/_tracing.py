"""Spans around the loader's stages: no-ops here (0.41 exports them to OpenTelemetry when enabled)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def tracing_scope(name: str) -> Iterator[None]:
    """A span named ``name`` over a ``with`` block (no exporter here: the block just runs)."""
    del name
    yield


def with_tracing(name: str) -> Callable[[F], F]:
    """A decorator that runs the function inside ``tracing_scope(name)``."""

    def decorator(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with tracing_scope(name):
                return func(*args, **kwargs)

        return cast("F", wrapper)

    return decorator
