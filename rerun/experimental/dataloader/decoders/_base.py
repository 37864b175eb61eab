"""``ColumnDecoder`` and what the pipeline hands it: a field's ``FieldBatch`` and the samples'
``DecodeRequest``s (rows already located, so a decoder never searches index values)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np
import pyarrow as pa

if TYPE_CHECKING:
    from rerun.chunk import Selector

    from .._sample_index import IndexValue

DecodedSample = dict[str, Any]
_T_co = TypeVar("_T_co", covariant=True)


@dataclass(frozen=True, slots=True)
class DecodeRequest:
    """One sample's request within a field's batch."""

    sample_position: int
    """Where the result goes in the fetch block."""
    segment_id: str
    index_value: IndexValue
    decode_row_indices: tuple[int, ...]
    """Every batch row needed to decode the output (for video: from the keyframe on)."""
    output_row_indices: tuple[int, ...]
    """The batch rows whose values are the output (never empty)."""
    starts_at_keyframe: bool
    """Whether the first decode row is a keyframe a decoder may start from."""


class FieldBatch:
    """One field's rows for a whole fetch block: by segment, ascending index within each."""

    __slots__ = ("_chunk_starts", "_chunks", "_column", "is_windowed", "select")

    def __init__(
        self, *, column: pa.Array | pa.ChunkedArray, select: Selector | None = None, is_windowed: bool = False
    ) -> None:
        if not pa.types.is_list(column.type):
            raise TypeError(
                "FieldBatch.column must be a Rerun component column with an outer Arrow List type, "
                f"got {column.type}"
            )
        self._chunks = column if isinstance(column, pa.ChunkedArray) else pa.chunked_array([column])
        self._chunk_starts = np.cumsum([0, *(len(c) for c in self._chunks.chunks)], dtype=np.int64)
        self._column: pa.Array | None = column if isinstance(column, pa.Array) else None
        self.select = select
        self.is_windowed = is_windowed

    @property
    def column(self) -> pa.Array:
        """All rows as one array (concatenated on first use when fetched in several chunks)."""
        if self._column is None:
            c = self._chunks
            self._column = c.chunk(0) if c.num_chunks == 1 else c.combine_chunks()
        return self._column

    def rows(self, start: int, stop: int) -> pa.Array:
        """Rows ``[start, stop)``."""
        if self._column is not None:
            return self._column.slice(start, stop - start)
        return self._chunks.slice(start, stop - start).combine_chunks()

    def take_decode_rows(self, request: DecodeRequest) -> pa.Array:
        """The request's decode rows, ``select`` applied."""
        return self._select(self._take(request.decode_row_indices))

    def take_output_rows(self, request: DecodeRequest) -> pa.Array:
        """The request's output rows (repeats kept), ``select`` applied."""
        out = self._select(self._take(request.output_row_indices))
        if len(out) != len(request.output_row_indices):
            raise ValueError(
                f"Selector returned {len(out)} rows for {len(request.output_row_indices)} requested outputs; "
                "a windowed field requires a selector that preserves row count"
            )
        return out

    def _take(self, rows: tuple[int, ...]) -> pa.Array:
        taken = self.column.take(pa.array(rows, type=pa.int64()))
        return taken

    def _select(self, arr: pa.Array) -> pa.Array:
        if self.select is None:
            return arr
        out = self.select.execute(arr)
        return pa.array([], type=arr.type) if out is None else out


class ColumnDecoder(ABC, Generic[_T_co]):
    """Turns a field's Arrow rows into training values, one call per fetch block."""

    @abstractmethod
    def decode(self, batch: FieldBatch, requests: Sequence[DecodeRequest]) -> Sequence[_T_co | None]:
        """One result per request (None: no data for that sample)."""

    def prior_keyframe_path(self, field_path: str) -> str | None:
        """The sibling column whose rows mark keyframes (video decoders), else None."""
        del field_path
        return None

    @property
    def fill_latest_at(self) -> bool:
        """Whether reads fill empty grid slots with the latest earlier value (stateless columns)."""
        return True

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
