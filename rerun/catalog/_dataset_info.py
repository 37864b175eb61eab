"""``DatasetEntry.info()``: an overview built from the dataset schema and a few segment-table columns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
import pyarrow as pa

from ._format import format_bytes, format_index_value, format_uint

TimelineKind: TypeAlias = Literal["sequence", "timestamp", "duration"]
TimelineValue: TypeAlias = np.int64 | np.datetime64 | np.timedelta64


def _count(n: int, singular: str, plural: str | None = None) -> str:
    noun = singular if n == 1 else (plural or f"{singular}s")
    return f"{format_uint(n)} {noun}"


def _nanos(value: TimelineValue) -> int:
    if isinstance(value, np.datetime64):
        return int(value.astype("datetime64[ns]").astype(np.int64))
    if isinstance(value, np.timedelta64):
        return int(value.astype("timedelta64[ns]").astype(np.int64))
    return int(value)


@dataclass(frozen=True)
class LayerInfo:
    """One layer of a dataset and how many segments have it."""

    name: str
    num_segments: int

    def __repr__(self) -> str:
        return f"LayerInfo({self._describe()})"

    def _describe(self) -> str:
        return f"{self.name}: in {_count(self.num_segments, 'segment')}"


@dataclass(frozen=True)
class TimelineInfo:
    """One timeline of a dataset, aggregated over its segments (``min``/``max`` None without data)."""

    name: str
    kind: TimelineKind
    num_segments: int
    min: TimelineValue | None
    max: TimelineValue | None

    def __repr__(self) -> str:
        return f"TimelineInfo({self._describe()})"

    def _describe(self) -> str:
        if self.min is None or self.max is None:
            return f"{self.name}: {self.kind}, no data"
        lo = format_index_value(self.kind, _nanos(self.min))
        hi = format_index_value(self.kind, _nanos(self.max))
        return f"{self.name}: {self.kind}, {lo} … {hi}, in {_count(self.num_segments, 'segment')}"


@dataclass(frozen=True)
class DatasetInfo:
    """Overview of a dataset; the repr is a compact text summary, the fields are for programs."""

    dataset_name: str
    num_segments: int
    size_bytes: int
    layers: frozenset[LayerInfo]
    timelines: frozenset[TimelineInfo]
    num_entities: int
    num_component_columns: int
    property_columns: frozenset[str]

    def __repr__(self) -> str:
        header = (
            f"{self.dataset_name}: {_count(self.num_segments, 'segment')}, {format_bytes(self.size_bytes)}"
        )
        lines = [
            f"DatasetInfo({header})",
            f"  contents: {_count(self.num_entities, 'entity', 'entities')}, "
            f"{_count(self.num_component_columns, 'component column')}",
            f"  properties: {', '.join(sorted(self.property_columns)) or '(none)'}",
        ]
        if self.layers:
            lines.append("  layers:")
            lines.extend(f"    {x._describe()}" for x in sorted(self.layers, key=lambda x: x.name))
        if self.timelines:
            lines.append("  timelines:")
            lines.extend(f"    {x._describe()}" for x in sorted(self.timelines, key=lambda x: x.name))
        return "\n".join(lines)


def _to_numpy(kind: str, value: int | None) -> TimelineValue | None:
    if value is None:
        return None
    if kind == "timestamp":
        return np.datetime64(value, "ns")
    if kind == "duration":
        return np.timedelta64(value, "ns")
    return np.int64(value)


def _index_kind(field: pa.Field) -> str:
    kind = (field.metadata or {}).get(b"rerun:index_kind", b"sequence").decode()
    return kind if kind in ("sequence", "timestamp", "duration") else "sequence"


def _timeline(name: str, kind: str, starts: list[int | None], ends: list[int | None]) -> TimelineInfo:
    pairs = [(s, e) for s, e in zip(starts, ends, strict=True) if s is not None and e is not None]
    lo = min((s for s, _ in pairs), default=None)
    hi = max((e for _, e in pairs), default=None)
    return TimelineInfo(name, kind, len(pairs), _to_numpy(kind, lo), _to_numpy(kind, hi))  # type: ignore[arg-type]


def build_info(
    name: str, segment_schema: pa.Schema, dataset_schema: pa.Schema, table: pa.Table
) -> DatasetInfo:
    """``table``: the segment table's layer names, sizes and ``<timeline>:start/end`` columns."""
    from ._schema import Schema

    layers: dict[str, int] = {}
    for names in table.column("rerun_layer_names").to_pylist():
        for layer in set(names or []):
            layers[layer] = layers.get(layer, 0) + 1
    timelines = []
    for field in segment_schema:
        if field.name.endswith(":start") and (field.metadata or {}).get(b"rerun:kind") == b"index":
            tl = field.name.removesuffix(":start")
            starts = table.column(f"{tl}:start").cast(pa.int64()).to_pylist()
            ends = table.column(f"{tl}:end").cast(pa.int64()).to_pylist()
            timelines.append(_timeline(tl, _index_kind(field), starts, ends))
    schema = Schema(dataset_schema)
    visible = [c for c in schema.component_columns() if not c.is_property]
    props = [f.name for f in segment_schema if f.name.startswith("property:")]
    return DatasetInfo(
        dataset_name=name,
        num_segments=table.num_rows,
        size_bytes=sum(x or 0 for x in table.column("rerun_size_bytes").to_pylist()),
        layers=frozenset(LayerInfo(n, c) for n, c in layers.items()),
        timelines=frozenset(timelines),
        num_entities=len({c.entity_path for c in visible}),
        num_component_columns=len(visible),
        property_columns=frozenset(props),
    )
