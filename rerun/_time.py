"""Time values and the per-thread time state of a recording.

``set_time`` converts what the user gives (ints, floats, numpy datetime64/timedelta64,
``datetime``/``timedelta``, pyarrow timestamps) to int64 nanoseconds with Rerun 0.41's rules:
plain numbers are seconds (since the epoch for timestamps). Each thread has its own cursor per
recording; ``log_time`` (and ``log_tick`` when enabled) are stamped automatically.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from rerun_core.types import TimeType

from . import _active_recording as _ar
from ._active_recording import get_data_recording

if TYPE_CHECKING:
    from ._recording_stream import RecordingStream


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_nanos(duration: Any) -> int:
    """A duration in ns: numbers are seconds; ``timedelta``/``np.timedelta64`` are exact."""
    if isinstance(duration, np.timedelta64):
        return int(duration.astype("timedelta64[ns]").astype(np.int64))
    if isinstance(duration, timedelta):
        return round(1e9 * duration.total_seconds())
    if isinstance(duration, (bool, np.bool_)):
        raise TypeError(
            f"set_time: duration must be a number, timedelta or numpy.timedelta64, got {type(duration)}"
        )
    if isinstance(duration, (int, np.integer)):
        return 1_000_000_000 * int(duration)
    if isinstance(duration, (float, np.floating)):
        return round(1e9 * float(duration))
    raise TypeError(
        f"set_time: duration must be an int, float, timedelta, or numpy.timedelta64 object, got {type(duration)}"
    )


def to_nanos_since_epoch(timestamp: Any) -> int:
    """A timestamp in ns since the Unix epoch: numbers are seconds; naive datetimes are UTC."""
    if isinstance(timestamp, (int, float, np.integer, np.floating)) and not isinstance(timestamp, bool):
        if timestamp > 1e11:
            raise ValueError(
                "set_time: Expected seconds since unix epoch, but it looks like this is in milliseconds"
            )
        return int(np.round(1e9 * timestamp))
    if isinstance(timestamp, datetime):
        to_dt64 = getattr(timestamp, "to_datetime64", None)  # pandas.Timestamp keeps its ns
        if to_dt64 is not None:
            return int(to_dt64().astype("datetime64[ns]").astype(np.int64))
        aware = timestamp.replace(tzinfo=UTC) if timestamp.tzinfo is None else timestamp.astimezone(UTC)
        delta = aware - _EPOCH
        return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000
    if isinstance(timestamp, np.datetime64):
        return int(timestamp.astype("datetime64[ns]").astype(np.int64))
    value = getattr(timestamp, "value", None)  # pyarrow.TimestampScalar
    if type(timestamp).__name__ == "TimestampScalar" and value is not None:
        unit = getattr(timestamp.type, "unit", "ns")
        return int(value) * {"s": 1_000_000_000, "ms": 1_000_000, "us": 1000, "ns": 1}[unit]
    raise TypeError(
        "set_time: timestamp must be an int, float, datetime, numpy.datetime64, or pyarrow.TimestampScalar "
        f"object, got {type(timestamp)}"
    )


def to_sequence(sequence: Any) -> int:
    if isinstance(sequence, (bool, np.bool_)) or not isinstance(sequence, (int, np.integer)):
        raise TypeError(f"set_time: sequence must be an integer, got {type(sequence)}")
    return int(sequence)


def time_value(timeline: str, sequence: Any, duration: Any, timestamp: Any) -> tuple[TimeType, int]:
    """Validate the ``set_time`` keyword arguments and return (type, int64 value)."""
    if (sequence is not None) + (duration is not None) + (timestamp is not None) != 1:
        raise ValueError(
            "set_time: Exactly one of `sequence`, `duration`, and `timestamp` must be set "
            f"(timeline='{timeline}')"
        )
    if sequence is not None:
        return TimeType.SEQUENCE, to_sequence(sequence)
    if duration is not None:
        return TimeType.DURATION, to_nanos(duration)
    return TimeType.TIMESTAMP, to_nanos_since_epoch(timestamp)


class ThreadTimes(threading.local):
    """Per-thread cursor: ``{timeline: (TimeType, value)}``, kept in insertion order."""

    def __init__(self) -> None:
        self.times: dict[str, tuple[TimeType, int]] = {}


# --- module-level API (the default recording) ---------------------------------------------


def set_time(
    timeline: str,
    *,
    recording: RecordingStream | None = None,
    sequence: int | None = None,
    duration: int | float | timedelta | np.timedelta64 | None = None,
    timestamp: int | float | datetime | np.datetime64 | None = None,
) -> None:
    """Set the current time of ``timeline`` for this thread (exactly one of the three kinds)."""
    if type(sequence) is int and duration is None and timestamp is None:  # the hot path
        typ, value = TimeType.SEQUENCE, sequence
    else:
        typ, value = time_value(timeline, sequence, duration, timestamp)
    rec = recording if recording is not None else (_ar._thread.rec or _ar._global)
    if rec is not None:
        rec._core.set_time(timeline, typ, value)


def disable_timeline(timeline: str, recording: RecordingStream | None = None) -> None:
    """Stop stamping ``timeline`` on this thread's subsequent logs."""
    rec = get_data_recording(recording)
    if rec is not None:
        rec.disable_timeline(timeline)


def reset_time(recording: RecordingStream | None = None) -> None:
    """Clear every timeline of this thread (``log_time``/``log_tick`` stay automatic)."""
    rec = get_data_recording(recording)
    if rec is not None:
        rec.reset_time()


def set_log_tick_enabled(enabled: bool, recording: RecordingStream | None = None) -> None:
    """Stamp (or stop stamping) the per-recording ``log_tick`` counter on each log call."""
    rec = get_data_recording(recording)
    if rec is not None:
        rec.set_log_tick_enabled(enabled)


def set_log_time_enabled(enabled: bool, recording: RecordingStream | None = None) -> None:
    """Stamp (or stop stamping) the wall-clock ``log_time`` on each log call."""
    rec = get_data_recording(recording)
    if rec is not None:
        rec.set_log_time_enabled(enabled)
