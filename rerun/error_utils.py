"""Public alias of the strict-mode helpers, under the module name rerun-sdk 0.41 uses."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast

from ._errors import (
    RerunMissingDependencyError,
    RerunWarning,
    _send_warning_or_raise,
    catch_and_log_exceptions,
    default_strict_mode,
    set_strict_mode,
    strict_mode,
)

T = TypeVar("T", bound=Callable[..., Any])

__all__ = [
    "RerunIncompatibleDependencyVersionError",
    "RerunMissingDependencyError",
    "RerunWarning",
    "T",
    "_send_warning_or_raise",
    "catch_and_log_exceptions",
    "default_strict_mode",
    "deprecated_param",
    "set_strict_mode",
    "strict_mode",
]


def deprecated_param(
    name: str, *, use_instead: str | None = None, since: str | None = None
) -> Callable[[T], T]:
    """Decorator: passing keyword ``name`` to the function warns (``DeprecationWarning``; raises
    when strict), naming the version it was deprecated in and its replacement."""

    def decorator(func: T) -> T:
        signature = inspect.signature(func)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if name in kwargs:
                message = f"The parameter '{name}' in function '{func.__name__}' is deprecated"
                if since:
                    message += f" since version {since}"
                if use_instead:
                    message += f", use {use_instead} instead"
                _send_warning_or_raise(message, 2, warning_type=DeprecationWarning)
            return func(*args, **kwargs)

        wrapper.__signature__ = signature  # type: ignore[attr-defined]
        return cast("T", wrapper)

    return decorator


class RerunIncompatibleDependencyVersionError(ImportError):
    """An optional dependency is installed in a major version this SDK does not support."""

    def __init__(
        self, package: str, actual_version: str, compatible_versions: list[int], *, optional_dep: str
    ) -> None:
        super().__init__(
            f"'{package}' version {actual_version} is incompatible with rerun. "
            f"Please install rerun as rerun-sdk[{optional_dep}]/rerun-sdk[all] to use this functionality. "
            f"Compatible major version(s): {', '.join(map(str, compatible_versions))}"
        )
