"""Time values for blueprints: TimeInt, range boundaries, ranges and per-timeline visible ranges."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa


class TimeInt:
    """A time point or offset: a sequence number, seconds or nanoseconds (stored as an int64)."""

    value: int = 0  # class-level too, as 0.41's attrs field

    def __init__(
        self, *, seq: int | None = None, seconds: float | None = None, nanos: int | None = None
    ) -> None:
        given = [x for x in (seq, seconds, nanos) if x is not None]
        if len(given) != 1:
            raise ValueError("Exactly one of 'seq', 'seconds', or 'nanos' must be provided.")
        if seconds is not None:
            self.value = round(seconds * 1e9)
        else:
            self.value = int(seq if seq is not None else nanos if nanos is not None else 0)

    def __int__(self) -> int:
        return self.value

    def __repr__(self) -> str:
        return f"{type(self).__name__}(value={self.value})"


def _time_int(
    offset: Any, seq: int | None, seconds: float | None, nanos: int | None, *, required: bool = False
) -> int:
    """As 0.41: a cursor-relative offset defaults to 0, an absolute time must be given."""
    given = [x for x in (offset, seq, seconds, nanos) if x is not None]
    if len(given) > 1:
        if required:
            raise ValueError("Exactly one of 'time', 'seq', 'seconds', or 'nanos' must be provided.")
        raise ValueError("Only one of time, seq, seconds, or nanos can be provided.")
    if not given:
        if required:
            raise ValueError("Exactly one of 'time', 'seq', 'seconds', or 'nanos' must be provided.")
        return 0
    if offset is not None:
        return int(offset)
    return TimeInt(seq=seq, seconds=seconds, nanos=nanos).value


_KINDS = {"cursor_relative": 1, "absolute": 2, "infinite": 3}  # union type codes


class TimeRangeBoundary:
    """One end of a time range: relative to the time cursor, absolute, or unbounded."""

    inner: Any = None  # class-level too, as 0.41's attrs fields
    kind: str = "cursor_relative"

    def __init__(self, inner: Any, kind: str = "cursor_relative") -> None:
        if kind not in _KINDS:
            raise ValueError(f"unknown time range boundary kind {kind!r}")
        self.inner = inner  # stored as given, as 0.41 does; converted to int64 when logged
        self.kind = kind

    @staticmethod
    def cursor_relative(
        offset: Any = None, *, seq: int | None = None, seconds: float | None = None, nanos: int | None = None
    ) -> TimeRangeBoundary:
        return TimeRangeBoundary(_time_int(offset, seq, seconds, nanos), "cursor_relative")

    @staticmethod
    def absolute(
        time: Any = None, *, seq: int | None = None, seconds: float | None = None, nanos: int | None = None
    ) -> TimeRangeBoundary:
        return TimeRangeBoundary(_time_int(time, seq, seconds, nanos, required=True), "absolute")

    @staticmethod
    def infinite() -> TimeRangeBoundary:
        return TimeRangeBoundary(None, "infinite")

    def __repr__(self) -> str:
        return f"TimeRangeBoundary(inner={self.inner!r}, kind={self.kind!r})"


class TimeRange:
    """A range between two boundaries."""

    start: TimeRangeBoundary = None  # type: ignore[assignment]  # class-level too, as 0.41's attrs fields
    end: TimeRangeBoundary = None  # type: ignore[assignment]

    def __init__(self, start: TimeRangeBoundary, end: TimeRangeBoundary) -> None:
        self.start = start
        self.end = end


class VisibleTimeRange:
    """The time range shown for one timeline: a `range` or its `start` and `end`."""

    timeline: str = ""  # class-level too, as 0.41's attrs fields
    range: TimeRange = None  # type: ignore[assignment]

    def __init__(
        self,
        timeline: str,
        range: TimeRange | None = None,
        *,
        start: TimeRangeBoundary | None = None,
        end: TimeRangeBoundary | None = None,
    ) -> None:
        if range is None:
            if start is None or end is None:
                raise ValueError("Specify either start_and_end or both start & end")
            range = TimeRange(start, end)
        elif start is not None or end is not None:
            raise ValueError("Specify either start_and_end or both start & end, not both")
        self.timeline = str(timeline)
        self.range = range


_BOUNDARY_TYPE = pa.union(
    [
        pa.field("_null_markers", pa.null()),
        pa.field("CursorRelative", pa.int64(), nullable=False),
        pa.field("Absolute", pa.int64(), nullable=False),
        pa.field("Infinite", pa.null()),
    ],
    mode="dense",
    type_codes=[0, 1, 2, 3],
)
TIME_RANGE_TYPE = pa.struct([("start", _BOUNDARY_TYPE), ("end", _BOUNDARY_TYPE)])
VISIBLE_TIME_RANGE_TYPE = pa.struct(
    [pa.field("timeline", pa.utf8(), nullable=False), pa.field("range", TIME_RANGE_TYPE, nullable=False)]
)


def _boundaries(items: list[TimeRangeBoundary]) -> pa.Array:
    codes = np.array([_KINDS[b.kind] for b in items], dtype=np.int8)
    offsets = np.zeros(len(items), dtype=np.int32)
    values: dict[int, list[int]] = {1: [], 2: [], 3: []}
    for i, b in enumerate(items):
        code = int(codes[i])
        offsets[i] = len(values[code])
        values[code].append(0 if code == 3 or b.inner is None else int(b.inner))
    children = [
        pa.nulls(0),
        pa.array(values[1], type=pa.int64()),
        pa.array(values[2], type=pa.int64()),
        pa.nulls(len(values[3])),
    ]
    buffers = [None, pa.py_buffer(codes.tobytes()), pa.py_buffer(offsets.tobytes())]
    return pa.UnionArray.from_buffers(_BOUNDARY_TYPE, len(items), buffers, children=children)


def _ranges(items: list[TimeRange]) -> pa.StructArray:
    return pa.StructArray.from_arrays(
        [_boundaries([r.start for r in items]), _boundaries([r.end for r in items])],
        fields=list(TIME_RANGE_TYPE),
    )


def time_range_array(data: Any) -> pa.Array:
    items = [data] if isinstance(data, TimeRange) else list(data)
    return _ranges(items)


def visible_time_range_array(data: Any) -> pa.Array:
    items = [data] if isinstance(data, VisibleTimeRange) else list(data)
    timelines = pa.array([v.timeline for v in items], type=pa.utf8())
    return pa.StructArray.from_arrays(
        [timelines, _ranges([v.range for v in items])], fields=list(VISIBLE_TIME_RANGE_TYPE)
    )
