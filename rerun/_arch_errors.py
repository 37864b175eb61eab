"""Where construction errors go: raised in strict mode, otherwise a warning (as rerun-sdk does)."""

from __future__ import annotations

from ._errors import _send_warning_or_raise, strict_mode


def builtin_kind(err: BaseException) -> type[Exception]:
    """The built-in exception class a conversion error is reported as (0.41 lets its converters'
    own TypeError / AttributeError / OverflowError ... through; Arrow's errors are ValueError or
    TypeError subclasses)."""
    for cls in type(err).__mro__:
        if cls.__module__ == "builtins" and issubclass(cls, Exception):
            return cls
    return ValueError


def report(err: Exception, strict: bool | None = None, depth_to_user_code: int = 4) -> None:
    """Raise `err` in strict mode; otherwise warn (and log it on `__warnings`, as rerun-sdk does).

    `depth_to_user_code` counts the frames between the user's call and `report` itself.
    """
    if strict if strict is not None else strict_mode():
        raise err
    _send_warning_or_raise(str(err), depth_to_user_code, exception_type=type(err))
