"""Shared pieces of the file-format readers: errors, index columns, one-value-per-row columns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from rerun_core.types import ComponentDescriptor, TimeType
from rerun_core.types.entity_path import format_entity_path, parse_entity_path

_UNIT_NS = {"ns": 1, "us": 1_000, "ms": 1_000_000, "s": 1_000_000_000}

KEY_VALUE_PAIRS = pa.list_(
    pa.field(
        "item",
        pa.struct(
            [pa.field("first", pa.utf8(), nullable=False), pa.field("second", pa.utf8(), nullable=False)]
        ),
        nullable=False,
    )
)


class FormatError(ValueError):
    """A file that cannot be read as its format, or options that do not fit it."""


@dataclass(frozen=True)
class IndexSpec:
    """A column read as a timeline: ``kind`` is timestamp / duration / sequence."""

    path: str
    kind: str
    input_unit: str | None = None

    @property
    def time_type(self) -> TimeType:
        return {"timestamp": TimeType.TIMESTAMP, "duration": TimeType.DURATION}.get(
            self.kind, TimeType.SEQUENCE
        )

    def to_int64(self, values: pa.Array | pa.ChunkedArray) -> np.ndarray:
        """Raw index values as Rerun's int64 time values (nanoseconds for temporal kinds)."""
        if pa.types.is_timestamp(values.type) or pa.types.is_duration(values.type):
            values = values.cast(pa.int64())  # 0.41 reads the raw numbers and applies `input_unit`
        if values.null_count:
            raise FormatError(f"index column {self.path!r} holds nulls")
        raw_f = np.asarray(values.to_numpy(zero_copy_only=False))
        if self.kind == "sequence":
            return raw_f.astype(np.int64)
        unit = self.input_unit or "ns"
        if unit not in _UNIT_NS:
            raise FormatError(f"unknown input_unit {unit!r} (ns, us, ms or s)")
        if raw_f.dtype.kind == "f":
            return np.round(raw_f * _UNIT_NS[unit]).astype(np.int64)
        return raw_f.astype(np.int64) * _UNIT_NS[unit]


def property_descriptor(archetype: str, component: str) -> ComponentDescriptor:
    return ComponentDescriptor(component, archetype, "rerun.components.KeyValuePairs")


def key_value_column(pairs: Sequence[tuple[str, str]]) -> pa.Array:
    """One row holding one ``KeyValuePairs`` instance."""
    inner = pa.array([[{"first": k, "second": v} for k, v in pairs]], KEY_VALUE_PAIRS)
    return pa.ListArray.from_arrays(pa.array([0, 1], pa.int32()), inner)


def as_list_column(values: pa.Array) -> pa.Array:
    """One value per row, each wrapped in a one-element list (a null value is ``[null]``, as 0.41)."""
    offsets = pa.array(np.arange(len(values) + 1, dtype=np.int32))
    return pa.ListArray.from_arrays(offsets, values)


def entity(prefix: str | None, *parts: str) -> str:
    base = parse_entity_path(prefix) if prefix else ()
    return format_entity_path((*base, *parts))
