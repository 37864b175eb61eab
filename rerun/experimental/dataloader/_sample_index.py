"""The sample space: every segment's usable index values, addressed by one global position.

Integer timelines: one sample per index value between the segment's first and last value, less
the room field windows need at either end. Timestamp / duration timelines: a fixed-rate grid
(``FixedRateSampling``) from the (window-trimmed) start; the reads' latest-at fill absorbs the
grid's drift from the real rows.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

import numpy as np
import pyarrow as pa

from ._tracing import with_tracing

if TYPE_CHECKING:
    from ._config import DataSource, Field

IndexValue: TypeAlias = int | np.datetime64 | np.timedelta64
"""An index value: ``int`` (integer timelines), ``datetime64[ns]`` or ``timedelta64[ns]``."""

_DATETIME = "datetime64[ns]"
_TIMEDELTA = "timedelta64[ns]"


def ns_to_value(ns: int, ns_dtype: str | None) -> IndexValue:
    if ns_dtype == _DATETIME:
        return np.datetime64(ns, "ns")
    if ns_dtype == _TIMEDELTA:
        return np.timedelta64(ns, "ns")
    return ns


def value_to_int(value: IndexValue) -> int:
    """The raw integer of an index value (nanoseconds for time values)."""
    if isinstance(value, (np.datetime64, np.timedelta64)):
        return int(value.astype(np.int64))
    return int(value)


@dataclass(frozen=True)
class FixedRateSampling:
    """Sample a timestamp or duration timeline on a grid of ``rate_hz`` samples per second."""

    rate_hz: float


@dataclass(frozen=True)
class SegmentMetadata:
    """One segment's sampled range: ``num_samples`` values from ``index_start`` to ``index_end``."""

    segment_id: str
    index_start: int
    index_end: int
    num_samples: int


class SampleIndex:
    """Every segment's samples, in segment order, addressed by a global position."""

    def __init__(
        self,
        segments: list[SegmentMetadata],
        *,
        ns_per_sample: int | None = None,
        ns_dtype: str | None = None,
    ) -> None:
        self._segments = segments
        self._ns_per_sample = ns_per_sample
        self._ns_dtype = ns_dtype
        sizes = np.array([s.num_samples for s in segments], dtype=np.int64)
        self._offsets = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(sizes, dtype=np.int64)])

    @property
    def segments(self) -> list[SegmentMetadata]:
        return self._segments

    @property
    def ns_dtype(self) -> str | None:
        """``datetime64[ns]`` / ``timedelta64[ns]`` for time indices, None for integer ones."""
        return self._ns_dtype

    @property
    def is_timestamp(self) -> bool:
        return self._ns_dtype == _DATETIME

    @property
    def is_duration(self) -> bool:
        return self._ns_dtype == _TIMEDELTA

    @property
    def ns_per_sample(self) -> int | None:
        """The grid step in nanoseconds (fixed-rate sampling), else None."""
        return self._ns_per_sample

    @property
    def total_samples(self) -> int:
        return int(self._offsets[-1])

    @property
    def segment_offsets(self) -> np.ndarray:
        """Segment ``i`` holds global positions ``[segment_offsets[i], segment_offsets[i + 1])``."""
        return self._offsets

    def global_to_local(self, idx: int) -> tuple[SegmentMetadata, IndexValue]:
        """The segment and index value of global position ``idx``."""
        total = self.total_samples
        if not 0 <= idx < total:
            raise IndexError(f"Index {idx} out of range [0, {total})")
        which = int(np.searchsorted(self._offsets, idx, side="right")) - 1
        seg = self._segments[which]
        return seg, self.resolve_local_index(seg, idx - int(self._offsets[which]))

    def resolve_local_index(self, seg: SegmentMetadata, pos: int) -> IndexValue:
        """The index value of position ``pos`` within ``seg``."""
        if self._ns_per_sample is None:
            return int(seg.index_start) + int(pos)
        return ns_to_value(seg.index_start + int(pos) * self._ns_per_sample, self._ns_dtype)

    def indices_in_range(self, lo: int, hi: int) -> Iterable[int]:
        """The sampled values in ``[lo, hi]`` (a grid walks down from ``hi``)."""
        if hi < lo:
            return ()
        step = self._ns_per_sample
        if step is None:
            return range(lo, hi + 1)
        return (hi - k * step for k in range((hi - lo) // step + 1))

    def offset_index(self, index_value: IndexValue, offset: int | float) -> IndexValue:
        """``index_value`` moved by a window offset (seconds on time timelines)."""
        if self._ns_dtype is not None:
            base = int(np.asarray(index_value, dtype=self._ns_dtype).astype(np.int64).item())
            return ns_to_value(base + round(float(offset) * 1e9), self._ns_dtype)
        if int(offset) != offset:
            raise ValueError(f"Integer timelines require integral window offsets, got {offset!r}")
        return value_to_int(index_value) + int(offset)

    def output_index_values(self, index_value: IndexValue, field: Field) -> tuple[IndexValue, ...]:
        """The index values a field returns for a sample, in its window's order."""
        if field.window is None:
            return (index_value,)
        return tuple(self.offset_index(index_value, o) for o in field.window)

    @staticmethod
    @with_tracing("SampleIndex.build")
    def build(
        source: DataSource,
        index: str,
        fields: dict[str, Field],
        *,
        timeline_sampling: FixedRateSampling | None = None,
    ) -> SampleIndex:
        """The sample space of ``source`` on ``index`` (from the dataset's index ranges)."""
        return _build(source, index, fields, timeline_sampling)


def _range_columns(names: list[str], index: str) -> tuple[str, str] | None:
    """The start / end columns of ``index`` in an index-ranges table (None: the index is absent)."""
    candidates = [n for n in names if n != "rerun_segment_id" and index in n]

    def one(words: tuple[str, ...], side: str) -> str | None:
        found = [n for n in candidates if any(w in n.lower() for w in words)]
        if len(found) > 1:
            raise ValueError(f"Ambiguous {side} range column for index {index!r}: {found}")
        return found[0] if found else None

    start, end = one(("start", "min"), "start"), one(("end", "max"), "end")
    return None if start is None or end is None else (start, end)


def _build(
    source: DataSource, index: str, fields: dict[str, Field], sampling: FixedRateSampling | None
) -> SampleIndex:
    if source.segments is not None and not source.segments:
        return SampleIndex([])
    view = source.dataset if source.segments is None else source.dataset.filter_segments(source.segments)
    ranges = view.get_index_ranges()
    cols = _range_columns(ranges.schema().names, index)
    if cols is None:
        return SampleIndex([])
    start, end = cols
    table = ranges.select("rerun_segment_id", start, end).sort("rerun_segment_id").to_arrow_table()
    start_type = table.schema.field(start).type
    is_time = pa.types.is_timestamp(start_type) or pa.types.is_duration(start_type)
    if is_time:
        kind = "timestamp" if pa.types.is_timestamp(start_type) else "duration"
        if sampling is None:
            raise TypeError(
                f"Index {index!r} is a {kind} timeline; you must pass "
                "timeline_sampling=FixedRateSampling(rate_hz=…) so the "
                "dataloader knows how to draw sample indices."
            )
        if sampling.rate_hz <= 0:
            raise ValueError(f"FixedRateSampling.rate_hz must be > 0, got {sampling.rate_hz}")
        return _fixed_rate(table, start, end, fields, round(1e9 / sampling.rate_hz), kind)
    if sampling is not None:
        warnings.warn(
            f"timeline_sampling={sampling!r} ignored: index {index!r} is not a timestamp or duration timeline",
            stacklevel=4,
        )
    return _integer(table, start, end, fields)


def _rows(table: pa.Table, start: str, end: str) -> Iterable[tuple[str, int | None, int | None]]:
    ids = table.column("rerun_segment_id").to_pylist()
    lo = table.column(start).cast(pa.int64()).to_pylist()
    hi = table.column(end).cast(pa.int64()).to_pylist()
    return zip(ids, lo, hi, strict=True)


def _integer(table: pa.Table, start: str, end: str, fields: dict[str, Field]) -> SampleIndex:
    before, after = 0, 0
    for f in fields.values():
        if f.window is not None:
            if any(int(o) != o for o in f.window):
                raise ValueError(f"Integer timelines require integral window offsets, got {f.window!r}")
            before = min(before, int(min(f.window)))
            after = max(after, int(max(f.window)))
    segments = []
    for seg_id, lo, hi in _rows(table, start, end):
        if lo is None or hi is None:
            continue
        first, last = lo - before, hi - after
        if first <= last:
            segments.append(SegmentMetadata(seg_id, first, last, last - first + 1))
    return SampleIndex(segments)


def _fixed_rate(
    table: pa.Table, start: str, end: str, fields: dict[str, Field], step: int, kind: str
) -> SampleIndex:
    trim_lo = trim_hi = 0
    for f in fields.values():
        if f.window is not None:
            trim_lo = max(trim_lo, -round(min(f.window) * 1e9))
            trim_hi = max(trim_hi, round(max(f.window) * 1e9))
    segments = []
    for seg_id, lo, hi in _rows(table, start, end):
        if lo is None or hi is None:
            continue
        first, last = lo + trim_lo, hi - trim_hi
        if first > last:
            continue
        n = (last - first) // step + 1
        segments.append(SegmentMetadata(seg_id, first, first + (n - 1) * step, n))
    return SampleIndex(
        segments, ns_per_sample=step, ns_dtype=_DATETIME if kind == "timestamp" else _TIMEDELTA
    )
