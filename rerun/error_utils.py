"""Public alias of the strict-mode helpers, under the module name rerun-sdk 0.41 uses."""

from ._errors import (
    RerunMissingDependencyError,
    RerunWarning,
    _send_warning_or_raise,
    catch_and_log_exceptions,
    default_strict_mode,
    set_strict_mode,
    strict_mode,
)

__all__ = [
    "RerunMissingDependencyError",
    "RerunWarning",
    "_send_warning_or_raise",
    "catch_and_log_exceptions",
    "default_strict_mode",
    "set_strict_mode",
    "strict_mode",
]
