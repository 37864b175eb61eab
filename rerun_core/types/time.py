"""Timelines and time points. Three kinds, as Rerun: sequence, duration (ns), timestamp (ns)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import pyarrow as pa


class TimeType(enum.Enum):
    SEQUENCE = "sequence"
    DURATION = "duration"
    TIMESTAMP = "timestamp"

    @property
    def arrow_type(self) -> pa.DataType:
        return _ARROW[self]

    @classmethod
    def from_arrow(cls, dtype: pa.DataType) -> TimeType:
        if pa.types.is_integer(dtype):
            return cls.SEQUENCE
        if pa.types.is_duration(dtype):
            return cls.DURATION
        if pa.types.is_timestamp(dtype):
            return cls.TIMESTAMP
        raise TypeError(f"not an index type: {dtype}")


_ARROW = {
    TimeType.SEQUENCE: pa.int64(),
    TimeType.DURATION: pa.duration("ns"),
    TimeType.TIMESTAMP: pa.timestamp("ns"),
}

# Rerun's sentinel bounds for an int64 time value ("static" sorts before every time).
TIME_MIN = -(2**63) + 1
TIME_MAX = 2**63 - 1
STATIC_TIME = -(2**63)


@dataclass(frozen=True, slots=True)
class Timeline:
    name: str
    typ: TimeType

    def __str__(self) -> str:
        return self.name


LOG_TIME = Timeline("log_time", TimeType.TIMESTAMP)
LOG_TICK = Timeline("log_tick", TimeType.SEQUENCE)


@dataclass(frozen=True, slots=True)
class TimePoint:
    """One row's time on each timeline it has: ``{timeline name: (type, int64 value)}``."""

    times: tuple[tuple[str, TimeType, int], ...] = ()

    def as_dict(self) -> dict[str, tuple[TimeType, int]]:
        return {name: (typ, value) for name, typ, value in self.times}

    def with_time(self, name: str, typ: TimeType, value: int) -> TimePoint:
        rest = tuple(t for t in self.times if t[0] != name)
        return TimePoint((*rest, (name, typ, value)))

    def without(self, name: str) -> TimePoint:
        return TimePoint(tuple(t for t in self.times if t[0] != name))

    def __bool__(self) -> bool:
        return bool(self.times)
