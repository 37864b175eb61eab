"""``using_index_values`` checked and converted when the reader is made, as 0.41's bindings do.

0.41 takes, per segment, an int64 or datetime64 numpy array (datetimes as nanoseconds), a
pyarrow (Chunked)Array of int64, timestamp or duration (its raw values), or a sequence of
integers; anything else is a TypeError naming what it takes (observed on 0.41).
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
import pyarrow as pa

_TAKES = (
    "IndexValuesLike must be a pyarrow.Array, pyarrow.ChunkedArray, numpy.ndarray of int64, "
    "or numpy.ndarray of datetime64."
)


def index_values(values: Any) -> np.ndarray:
    """One segment's index values as int64; TypeError with 0.41's message otherwise."""
    if isinstance(values, np.ndarray):
        if values.dtype == np.int64:
            return values
        if values.dtype.kind == "M":
            return values.astype("datetime64[ns]").astype(np.int64)
    elif isinstance(values, pa.Array | pa.ChunkedArray):
        t = values.type
        if not (pa.types.is_int64(t) or pa.types.is_timestamp(t) or pa.types.is_duration(t)):
            raise TypeError(
                "pyarrow.Array for IndexValuesLike must be of type int64, timestamp, or duration."
            )
        raw = values.cast(pa.int64()) if not pa.types.is_int64(t) else values
        return np.asarray(raw.to_numpy(zero_copy_only=False), dtype=np.int64)
    elif (
        not isinstance(values, str | bytes) and hasattr(values, "__len__") and hasattr(values, "__getitem__")
    ):
        try:
            return np.array([operator.index(v) for v in values], dtype=np.int64)
        except (TypeError, OverflowError):
            pass
    try:
        values.chunks  # noqa: B018  # the attribute 0.41 tried last: its AttributeError is in the message
    except AttributeError as exc:
        raise TypeError(f"{_TAKES} AttributeError: {exc}") from None
    raise TypeError(_TAKES)


def checked_using(using: Any, index: str | None) -> Any:
    """``using_index_values`` as the reader takes it: a dict's values and plain values converted
    (a DataFrame goes on as it is)."""
    if using is None or hasattr(using, "to_arrow_table"):
        return using
    if isinstance(using, dict):
        return {k: index_values(v) for k, v in using.items()}
    if index is None:
        raise ValueError("index must be provided when using_index_values is specified")
    try:
        return index_values(using)
    except TypeError as err:
        raise TypeError(
            "using_index_values must be index values, a dict of segment ID to index values, "
            f"or a datafusion.DataFrame with 'rerun_segment_id' and '{index}' columns: {err}"
        ) from err
