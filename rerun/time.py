"""rerun-sdk 0.41's public module name for the time functions."""

from datetime import timezone

from ._time import (
    disable_timeline,
    reset_time,
    set_log_tick_enabled,
    set_log_time_enabled,
    set_time,
    to_nanos,
    to_nanos_since_epoch,
)

UTC = timezone.utc  # as 0.41 (`rerun.time.UTC`): naive datetimes are read as UTC

__all__ = [
    "UTC",
    "disable_timeline",
    "reset_time",
    "set_log_tick_enabled",
    "set_log_time_enabled",
    "set_time",
    "to_nanos",
    "to_nanos_since_epoch",
]
