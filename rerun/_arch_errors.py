"""Where construction errors go: raised in strict mode, otherwise a warning (as rerun-sdk does)."""

from __future__ import annotations

from ._errors import _send_warning_or_raise, strict_mode


def report(err: Exception, strict: bool | None = None, depth_to_user_code: int = 4) -> None:
    """Raise `err` in strict mode; otherwise warn (and log it on `__warnings`, as rerun-sdk does).

    `depth_to_user_code` counts the frames between the user's call and `report` itself.
    """
    if strict if strict is not None else strict_mode():
        raise err
    _send_warning_or_raise(str(err), depth_to_user_code, exception_type=type(err))
