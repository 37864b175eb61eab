"""rerun-sdk 0.41's public module name for the time functions."""

from ._time import (
    disable_timeline,
    reset_time,
    set_log_tick_enabled,
    set_log_time_enabled,
    set_time,
    to_nanos,
    to_nanos_since_epoch,
)

__all__ = [
    "disable_timeline",
    "reset_time",
    "set_log_tick_enabled",
    "set_log_time_enabled",
    "set_time",
    "to_nanos",
    "to_nanos_since_epoch",
]
