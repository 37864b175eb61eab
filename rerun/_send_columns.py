"""``send_columns``: columnar logging. Bypasses the batcher and the thread's time cursor.

Big columns are cut into chunks of bounded size, each sliced zero-copy from the inputs, so the
peak memory stays close to the data the user already holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pyarrow as pa

from rerun_core.store.chunk import Chunk
from rerun_core.store.chunk import TimeColumn as IndexColumn
from rerun_core.types import ComponentDescriptor, TimeType, new_tuids

from ._active_recording import get_data_recording
from ._errors import catch_and_log_exceptions
from ._recording_core import RecordingCore
from ._rows import entity_path_str, to_descriptor
from ._time import to_nanos, to_nanos_since_epoch

if TYPE_CHECKING:
    from ._recording_stream import RecordingStream

TARGET_CHUNK_BYTES = 4 * 1024 * 1024


class TimeColumnLike(Protocol):
    def timeline_name(self) -> str: ...
    def as_arrow_array(self) -> pa.Array: ...


def _numeric_ns(values: np.ndarray, kind: str) -> np.ndarray:
    # Seconds -> ns as 0.41 does it: a float multiply, then truncation toward zero.
    return (values * 1e9).astype(np.int64)


def _ns_array(values: Any, kind: str) -> np.ndarray:
    """int64 ns from an array of seconds, timedelta64/datetime64, or Python objects."""
    np_kind = "timedelta64" if kind == "duration" else "datetime64"
    if isinstance(values, pa.Array):
        values = values.to_numpy(zero_copy_only=False)
    if isinstance(values, np.ndarray):
        if np.issubdtype(values.dtype, np.dtype(np_kind)):
            return values.astype(f"{np_kind}[ns]").view(np.int64)
        if np.issubdtype(values.dtype, np.number):
            return _numeric_ns(values, kind)
        if values.dtype != object:
            raise TypeError(f"TimeColumn: unsupported numpy dtype {values.dtype} for {kind}")
    conv = to_nanos if kind == "duration" else to_nanos_since_epoch
    return np.fromiter((conv(v) for v in values), dtype=np.int64)


class TimeColumn(TimeColumnLike):
    """A column of index values: the columnar form of ``set_time``."""

    def __init__(
        self,
        timeline: str,
        *,
        sequence: Iterable[int] | None = None,
        duration: Iterable[Any] | None = None,
        timestamp: Iterable[Any] | None = None,
    ) -> None:
        if (sequence is not None) + (duration is not None) + (timestamp is not None) != 1:
            raise ValueError(
                "TimeColumn: Exactly one of `sequence`, `duration`, and `timestamp` must be set "
                f"(timeline='{timeline}')"
            )
        self.timeline = timeline
        if sequence is not None:
            arr = sequence.to_numpy(zero_copy_only=False) if isinstance(sequence, pa.Array) else sequence
            self.type = TimeType.SEQUENCE
            self.values = np.asarray(arr, dtype=np.int64)
        elif duration is not None:
            self.type = TimeType.DURATION
            self.values = _ns_array(duration, "duration")
        else:
            self.type = TimeType.TIMESTAMP
            self.values = _ns_array(timestamp, "timestamp")
        if self.values.ndim != 1:
            raise ValueError(f"TimeColumn {timeline!r}: expected a 1-D column, got shape {self.values.shape}")

    def timeline_name(self) -> str:
        return self.timeline

    def as_arrow_array(self) -> pa.Array:
        return pa.array(self.values, pa.int64()).view(self.type.arrow_type)

    def __len__(self) -> int:
        return len(self.values)


def _index_of(t: Any) -> tuple[str, TimeType, np.ndarray]:
    if isinstance(t, TimeColumn):
        return t.timeline, t.type, t.values
    arr = t.as_arrow_array()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    typ = TimeType.from_arrow(arr.type)
    if pa.types.is_timestamp(arr.type) or pa.types.is_duration(arr.type):
        arr = arr.cast(pa.timestamp("ns") if typ is TimeType.TIMESTAMP else pa.duration("ns"))
    values = arr.cast(pa.int64()).to_numpy(zero_copy_only=False)
    return t.timeline_name(), typ, values


def _as_list_column(arr: Any) -> pa.Array:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if pa.types.is_list(arr.type) or pa.types.is_large_list(arr.type):
        return arr
    offsets = pa.array(np.arange(len(arr) + 1, dtype=np.int32))
    return pa.ListArray.from_arrays(offsets, arr)


def build_column_args(
    indexes: Iterable[Any], columns: Iterable[Any]
) -> tuple[list[tuple[str, TimeType, np.ndarray]], dict[ComponentDescriptor, pa.Array]]:
    """Validate that every column has the same length; returns (index columns, list columns)."""
    expected: int | None = None
    timelines = []
    for t in indexes:
        name, typ, values = _index_of(t)
        if expected is None:
            expected = len(values)
        elif len(values) != expected:
            raise ValueError(
                f"All columns must have the same length. Expected {expected} but timeline '{name}' has {len(values)}."
            )
        timelines.append((name, typ, values))
    comps: dict[ComponentDescriptor, pa.Array] = {}
    for c in columns:
        desc = to_descriptor(c)
        arr = _as_list_column(c.as_arrow_array())
        if expected is None:
            expected = len(arr)
        elif len(arr) != expected:
            raise ValueError(
                f"All columns must have the same length. Expected {expected} but component '{desc}' has {len(arr)}."
            )
        comps[desc] = arr
    return timelines, comps


def _rows_per_chunk(num_rows: int, timelines: list[Any], comps: dict[Any, pa.Array]) -> int:
    total = 16 * num_rows + 8 * num_rows * len(timelines) + sum(a.nbytes for a in comps.values())
    per_row = max(total / max(num_rows, 1), 1.0)
    return max(1, int(TARGET_CHUNK_BYTES / per_row))


def columns_to_chunks(
    entity: str, timelines: list[tuple[str, TimeType, np.ndarray]], comps: dict[ComponentDescriptor, pa.Array]
) -> Iterable[Chunk]:
    """Cut the columns into chunks (lazily, so only one extra chunk lives at a time)."""
    num_rows = len(timelines[0][2]) if timelines else (len(next(iter(comps.values()))) if comps else 0)
    step = _rows_per_chunk(num_rows, timelines, comps)
    for start in range(0, num_rows, step):
        n = min(step, num_rows - start)
        index = [IndexColumn.from_values(name, typ, vals[start : start + n]) for name, typ, vals in timelines]
        parts = {desc: arr.slice(start, n) for desc, arr in comps.items()}
        yield Chunk.from_columns(entity, new_tuids(n), index, parts)


@catch_and_log_exceptions("send_columns", depth_to_user_code=2)
def send_columns_to(
    core: RecordingCore,
    entity_path: str,
    indexes: Iterable[Any],
    columns: Iterable[Any],
    *,
    strict: bool | None = None,
) -> None:
    """``send_columns`` into ``core``: the columns cut into chunks, sent past the batcher."""
    if not core.enabled:
        return
    timelines, comps = build_column_args(indexes, columns)
    entity = entity_path_str(entity_path)
    core.batcher.flush()  # keep earlier rows of this entity ahead of these
    for chunk in columns_to_chunks(entity, timelines, comps):
        core.send_chunk(chunk)


def send_columns(
    entity_path: str,
    indexes: Iterable[Any],
    columns: Iterable[Any],
    *,
    recording: RecordingStream | None = None,
    strict: bool | None = None,
) -> None:
    """Send columnar data: row i of every column is one logical ``log`` call.

    The thread's ``set_time`` state is ignored and no ``log_time``/``log_tick`` is added.
    """
    rec = get_data_recording(recording)
    if rec is not None:
        rec.send_columns(entity_path, indexes, columns, strict=strict)


def send_chunks(chunks: Any, *, recording: RecordingStream | None = None) -> None:
    """Send chunks: a ``rerun.chunk`` Chunk / LazyChunkStream / LazyStore / ChunkStore, or an
    iterable of Chunks (also core chunks or sorbet record batches). Streams run here.

    As in 0.41, a value that is not one of these raises ``TypeError`` (strict mode or not)."""
    rec = get_data_recording(recording)
    if rec is not None:
        rec.send_chunks(chunks)
