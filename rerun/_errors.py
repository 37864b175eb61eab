"""Strict mode and the warn-instead-of-raise policy of the SDK.

Logging must never kill the user's loop: a bad argument becomes a ``RerunWarning`` (and a
``TextLog`` on ``__warnings``) and the call is skipped. In strict mode the error is raised
instead. Strict mode comes from ``RERUN_STRICT``, ``set_strict_mode``, or a ``strict=`` keyword
on a single call (which wins for the duration of that call, on that thread).
"""

from __future__ import annotations

import functools
import inspect
import os
import threading
import warnings
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar, cast

_F = TypeVar("_F", bound=Callable[..., Any])

_TRUE = ("1", "true", "on", "yes")
_FALSE = ("0", "false", "off", "no")


def default_strict_mode() -> bool:
    """Strict mode as the ``RERUN_STRICT`` environment variable sets it (default off)."""
    raw = os.environ.get("RERUN_STRICT")
    if raw is None:
        return False
    val = raw.strip().lower()
    if val in _TRUE:
        return True
    if val not in _FALSE:
        print(f"Expected RERUN_STRICT to be one of 0/1 false/true off/on no/yes, found {raw}")
    return False


_strict_mode = default_strict_mode()
_ctx = threading.local()

WarningLogger = Callable[[str, Any], None]
"""``(text, recording)``: log a warning's text into a recording (a TextLog on ``__warnings``)."""
_warning_logger: WarningLogger | None = None


def set_warning_logger(logger: WarningLogger | None) -> None:
    """Where warnings are logged besides ``warnings.warn`` (the recording stream sets it)."""
    global _warning_logger
    _warning_logger = logger


class RerunWarning(Warning):
    """Warnings emitted by the Rerun SDK itself (misuse that was skipped, not raised)."""


class RerunMissingDependencyError(ImportError):
    """An optional dependency needed by this feature is not installed."""

    def __init__(self, package: str, optional_dep: str) -> None:
        super().__init__(
            f"'{package}' could not be imported. Install it with `pip install rerun-sdk[{optional_dep}]`."
        )


class NotAvailableYetError(RuntimeError):
    """A feature of rerun-sdk 0.41 that this implementation does not provide yet."""


def not_available(feature: str) -> NotAvailableYetError:
    return NotAvailableYetError(
        f"{feature} is not available yet in this Rerun implementation "
        "(use rr.save(), rr.memory_recording() or rr.stdout() instead)"
    )


def strict_mode() -> bool:
    """Whether misuse raises (True) or warns (False) right now, on this thread."""
    local = getattr(_ctx, "strict_mode", None)
    return _strict_mode if local is None else bool(local)


def set_strict_mode(mode: bool) -> None:
    """Turn strict mode on or off for the whole process."""
    global _strict_mode
    _strict_mode = bool(mode)


def _user_stack(skip: int) -> str:
    frames = inspect.stack()[skip:]
    return "\n".join(f'File "{f.filename}", line {f.lineno}, in {f.function}' for f in frames)


def _send_warning_or_raise(
    message: str,
    depth_to_user_code: int = 1,
    *,
    recording: Any = None,
    exception_type: type[Exception] = ValueError,
    warning_type: type[Warning] = RerunWarning,
) -> None:
    """Raise in strict mode; otherwise warn and log the warning as a TextLog on ``__warnings``."""
    if strict_mode():
        raise exception_type(message)
    warnings.warn(message, category=warning_type, stacklevel=depth_to_user_code + 1)
    logger = _warning_logger
    if logger is None or getattr(_ctx, "sending_warning", False):
        return
    _ctx.sending_warning = True
    try:
        logger(f"{message}\n{_user_stack(depth_to_user_code + 1)}", recording)
    except Exception:  # the warning itself was delivered; the TextLog is best effort
        pass
    finally:
        _ctx.sending_warning = False


class catch_and_log_exceptions:
    """Decorator / context manager: turn exceptions into warnings unless strict mode is on.

    Warnings are collected while nested contexts are open and emitted when the outermost one
    closes, so they point at the user's call site. A ``strict=`` keyword passed to a decorated
    function overrides the global mode for that call.
    """

    def __init__(
        self,
        context: str | None = None,
        *,
        depth_to_user_code: int = 1,
        exception_return_value: Any = None,
        strict: bool | None = None,
    ) -> None:
        self.context = context
        self.depth_to_user_code = depth_to_user_code
        self.exception_return_value = exception_return_value
        self.strict = strict

    def __enter__(self) -> catch_and_log_exceptions:
        self._saved_strict = getattr(_ctx, "strict_mode", None)
        if self.strict is not None:
            _ctx.strict_mode = self.strict
        _ctx.depth = (getattr(_ctx, "depth", None) or 0) + 1
        return self

    def __call__(self, func: _F) -> _F:
        if self.context is None:
            self.context = func.__qualname__

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                strict = kwargs.get("strict")
                if strict is not None:
                    _ctx.strict_mode = strict
                return func(*args, **kwargs)
            return self.exception_return_value

        return cast(_F, wrapper)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool:
        try:
            if exc_type is not None and issubclass(exc_type, Exception) and not strict_mode():
                pending = getattr(_ctx, "pending_warnings", None)
                if pending is None:
                    pending = _ctx.pending_warnings = []
                prefix = f"{self.context}: " if self.context else ""
                pending.append(f"{prefix}{exc_type.__name__}({exc_val})")
                return True
            return False
        finally:
            _ctx.depth = (getattr(_ctx, "depth", None) or 1) - 1
            try:
                if _ctx.depth == 0:
                    pending = getattr(_ctx, "pending_warnings", None) or []
                    _ctx.pending_warnings = []
                    for msg in pending:
                        _send_warning_or_raise(msg, depth_to_user_code=self.depth_to_user_code + 2)
            finally:
                _ctx.strict_mode = self._saved_strict
