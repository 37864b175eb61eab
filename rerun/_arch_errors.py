"""Where construction errors go: raised in strict mode, otherwise a warning (as rerun-sdk does)."""

from __future__ import annotations

import os
import warnings


def _strict(strict: bool | None) -> bool:
    if strict is not None:
        return strict
    try:
        from . import error_utils  # owned by the recording-stream side

        return bool(error_utils.strict_mode())  # type: ignore[attr-defined]
    except (ImportError, AttributeError):
        return os.environ.get("RERUN_STRICT", "").lower() in ("1", "true", "on", "yes")


def _warning_category() -> type[Warning]:
    try:
        from .error_utils import RerunWarning  # type: ignore[attr-defined]

        return RerunWarning  # type: ignore[no-any-return]
    except ImportError:
        return UserWarning


def report(err: Exception, strict: bool | None = None, depth_to_user_code: int = 4) -> None:
    """Raise `err` in strict mode; otherwise warn (and log it on `__warnings`, as rerun-sdk does).

    `depth_to_user_code` counts the frames between the user's call and `report` itself.
    """
    if _strict(strict):
        raise err
    try:
        from ._errors import _send_warning_or_raise
    except ImportError:
        warnings.warn(str(err), category=_warning_category(), stacklevel=depth_to_user_code)
        return
    _send_warning_or_raise(str(err), depth_to_user_code, exception_type=type(err))
