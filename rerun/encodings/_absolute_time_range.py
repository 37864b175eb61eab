"""`AbsoluteTimeRange`: a `min`..`max` range of one timeline (sequence numbers or nanoseconds).

An encoding in 0.41 (the blueprint component of the same name, e.g. the time panel's loop
selection, subclasses it); `(min, max)` pairs convert the same as instances.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from ._extra import _batch

ABSOLUTE_TIME_RANGE_TYPE = pa.struct(
    [pa.field("min", pa.int64(), nullable=False), pa.field("max", pa.int64(), nullable=False)]
)


class AbsoluteTimeRange:
    """A range of one timeline, `min` to `max` inclusive."""

    min: int = 0  # class-level too, as 0.41's attrs fields
    max: int = 0

    def __init__(self, min: Any, max: Any) -> None:
        self.min = int(getattr(min, "value", min))
        self.max = int(getattr(max, "value", max))

    def __repr__(self) -> str:
        return f"AbsoluteTimeRange(min={self.min}, max={self.max})"


def absolute_time_ranges(data: Any) -> pa.Array:
    """Ranges (or `(min, max)` pairs) as a struct array."""
    items = [data] if hasattr(data, "min") or (len(data) == 2 and np.isscalar(data[0])) else list(data)
    rows = [
        {"min": int(x.min), "max": int(x.max)} if hasattr(x, "min") else {"min": int(x[0]), "max": int(x[-1])}
        for x in items
    ]
    return pa.array(rows, type=ABSOLUTE_TIME_RANGE_TYPE)


AbsoluteTimeRangeBatch = _batch("AbsoluteTimeRange", ABSOLUTE_TIME_RANGE_TYPE, absolute_time_ranges)
AbsoluteTimeRangeLike = AbsoluteTimeRange
AbsoluteTimeRangeArrayLike = Any  # ranges or (min, max) pairs
