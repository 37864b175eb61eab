"""Chunks: Rerun's unit of storage and transport, one Arrow RecordBatch in the sorbet schema.

A chunk holds rows of one entity. Columns: the row ids (control), zero or more index columns
(one per timeline; none for static chunks) and one list column per component (one list per row,
null where the row did not log that component). Schema and field metadata follow sorbet 0.1.4,
so the batch is exactly what travels inside an ``ArrowMsg``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pyarrow as pa

from rerun_core.types import TUID_DTYPE, ComponentDescriptor, EntityPath, TimeType, Tuid, new_tuid

SORBET_VERSION = "0.1.4"
ROW_ID_COLUMN = "rerun.controls.RowId"
TUID_EXTENSION_NAME = "rerun.datatypes.TUID"

_ROW_ID_FIELD_META = {
    b"ARROW:extension:metadata": b'{"namespace":"row"}',
    b"ARROW:extension:name": TUID_EXTENSION_NAME.encode(),
    b"rerun:is_sorted": b"true",
    b"rerun:kind": b"control",
}


class ChunkError(ValueError):
    """A record batch that is not a valid Rerun chunk."""


@dataclass(frozen=True, slots=True)
class TimeColumn:
    """One index column: int64 values (ns for durations/timestamps) of a timeline."""

    name: str
    typ: TimeType
    values: np.ndarray  # int64
    is_sorted: bool

    @classmethod
    def from_values(cls, name: str, typ: TimeType, values: np.ndarray | list[int]) -> TimeColumn:
        arr = np.asarray(values, dtype=np.int64)
        return cls(name, typ, arr, bool(arr.size < 2 or np.all(arr[1:] >= arr[:-1])))

    def to_arrow(self) -> pa.Array:
        return pa.array(self.values, type=pa.int64()).view(self.typ.arrow_type)

    def time_range(self) -> tuple[int, int] | None:
        if self.values.size == 0:
            return None
        if self.is_sorted:
            return int(self.values[0]), int(self.values[-1])
        return int(self.values.min()), int(self.values.max())


def descriptor_field(desc: ComponentDescriptor, dtype: pa.DataType) -> pa.Field:
    meta = {b"rerun:kind": b"data", b"rerun:component": desc.component.encode()}
    if desc.archetype:
        meta[b"rerun:archetype"] = desc.archetype.encode()
    if desc.component_type:
        meta[b"rerun:component_type"] = desc.component_type.encode()
    return pa.field(desc.component, dtype, nullable=True, metadata=meta)


def descriptor_from_field(field: pa.Field) -> ComponentDescriptor:
    meta = field.metadata or {}
    component = meta.get(b"rerun:component")
    archetype = meta.get(b"rerun:archetype")
    ctype = meta.get(b"rerun:component_type")
    return ComponentDescriptor(
        component=component.decode() if component else field.name,
        archetype=archetype.decode() if archetype else None,
        component_type=ctype.decode() if ctype else None,
    )


def _index_field(col: TimeColumn) -> pa.Field:
    meta = {
        b"rerun:index_name": col.name.encode(),
        b"rerun:is_sorted": b"true" if col.is_sorted else b"false",
        b"rerun:kind": b"index",
    }
    return pa.field(col.name, col.typ.arrow_type, nullable=True, metadata=meta)


def row_ids_to_arrow(row_ids: np.ndarray) -> pa.FixedSizeBinaryArray:
    buf = pa.py_buffer(np.ascontiguousarray(row_ids, dtype=TUID_DTYPE).tobytes())
    return pa.FixedSizeBinaryArray.from_buffers(pa.binary(16), len(row_ids), [None, buf])


class Chunk:
    """An immutable chunk. The record batch is the truth; everything else is derived lazily."""

    __slots__ = ("__dict__", "batch")

    def __init__(self, batch: pa.RecordBatch) -> None:
        self.batch = batch

    # --- construction -------------------------------------------------------------------

    @classmethod
    def from_columns(
        cls,
        entity_path: str | EntityPath,
        row_ids: np.ndarray,
        timelines: Mapping[str, TimeColumn] | list[TimeColumn],
        components: Mapping[ComponentDescriptor, pa.Array],
        *,
        chunk_id: Tuid | None = None,
    ) -> Chunk:
        """Build a chunk. ``components`` are list arrays, one list per row (nulls allowed)."""
        n = len(row_ids)
        cols = list(timelines.values()) if isinstance(timelines, Mapping) else list(timelines)
        fields: list[pa.Field] = [pa.field(ROW_ID_COLUMN, pa.binary(16), False, _ROW_ID_FIELD_META)]
        arrays: list[pa.Array] = [row_ids_to_arrow(row_ids)]
        for col in sorted(cols, key=lambda c: c.name):
            if len(col.values) != n:
                raise ChunkError(f"index {col.name!r} has {len(col.values)} rows, expected {n}")
            fields.append(_index_field(col))
            arrays.append(col.to_arrow())
        for desc in sorted(components, key=lambda d: d.component):
            arr = components[desc]
            if isinstance(arr, pa.ChunkedArray):
                arr = arr.combine_chunks()
            if len(arr) != n:
                raise ChunkError(f"component {desc.component!r} has {len(arr)} rows, expected {n}")
            if not (pa.types.is_list(arr.type) or pa.types.is_large_list(arr.type)):
                raise ChunkError(f"component {desc.component!r} must be a list array, got {arr.type}")
            fields.append(descriptor_field(desc, arr.type))
            arrays.append(arr)
        cid = chunk_id or new_tuid()
        meta = {
            b"rerun:entity_path": EntityPath(entity_path).path.encode(),
            b"rerun:id": f"chunk_{cid}".encode(),
            b"sorbet:version": SORBET_VERSION.encode(),
        }
        schema = pa.schema(fields, metadata=meta)
        return cls(pa.RecordBatch.from_arrays(arrays, schema=schema))

    @classmethod
    def from_record_batch(cls, batch: pa.RecordBatch, *, validate: bool = True) -> Chunk:
        chunk = cls(batch)
        if validate:
            chunk.validate()
        return chunk

    def to_record_batch(self) -> pa.RecordBatch:
        return self.batch

    # --- identity -----------------------------------------------------------------------

    @cached_property
    def _meta(self) -> dict[bytes, bytes]:
        return dict(self.batch.schema.metadata or {})

    @cached_property
    def id(self) -> Tuid:
        raw = self._meta.get(b"rerun:id") or self._meta.get(b"rerun.id")
        if raw is None:
            raise ChunkError("chunk schema has no rerun:id")
        return Tuid.parse(raw.decode())

    @cached_property
    def entity_path(self) -> EntityPath:
        raw = self._meta.get(b"rerun:entity_path") or self._meta.get(b"rerun.entity_path")
        if raw is None:
            raise ChunkError("chunk schema has no rerun:entity_path")
        return EntityPath(raw.decode())

    @property
    def num_rows(self) -> int:
        return self.batch.num_rows

    def __len__(self) -> int:
        return self.batch.num_rows

    @property
    def is_static(self) -> bool:
        return not self._index_positions

    # --- columns ------------------------------------------------------------------------

    @cached_property
    def _kinds(self) -> list[bytes]:
        out = []
        for f in self.batch.schema:
            kind = (f.metadata or {}).get(b"rerun:kind")
            if kind is None:
                kind = b"control" if f.name in (ROW_ID_COLUMN, "rerun.controls.RowId") else b"data"
            out.append(kind)
        return out

    @cached_property
    def _index_positions(self) -> list[int]:
        return [i for i, k in enumerate(self._kinds) if k in (b"index", b"time")]

    @cached_property
    def row_ids(self) -> np.ndarray:
        """Row ids as a ``TUID_DTYPE`` array (zero-copy view of the Arrow buffer)."""
        col = self.batch.column(self._kinds.index(b"control"))
        buf = col.buffers()[1]
        start = col.offset * 16
        return np.frombuffer(buf, dtype=TUID_DTYPE, count=len(col), offset=start)

    @cached_property
    def timelines(self) -> dict[str, TimeColumn]:
        out = {}
        for i in self._index_positions:
            f = self.batch.schema.field(i)
            meta = f.metadata or {}
            name = meta.get(b"rerun:index_name", f.name.encode()).decode()
            col = self.batch.column(i)
            values = col.view(pa.int64()).to_numpy(zero_copy_only=False)
            is_sorted = meta.get(b"rerun:is_sorted") == b"true"
            out[name] = TimeColumn(name, TimeType.from_arrow(f.type), values, is_sorted)
        return out

    @cached_property
    def components(self) -> dict[ComponentDescriptor, pa.Array]:
        out = {}
        for i, kind in enumerate(self._kinds):
            if kind in (b"data", b"component"):
                out[descriptor_from_field(self.batch.schema.field(i))] = self.batch.column(i)
        return out

    def component(self, name: str) -> pa.Array | None:
        for desc, arr in self.components.items():
            if desc.component == name:
                return arr
        return None

    # --- checks -------------------------------------------------------------------------

    def validate(self) -> None:
        """Raise ChunkError if the batch breaks the sorbet chunk rules."""
        if b"control" not in self._kinds:
            raise ChunkError(f"chunk has no {ROW_ID_COLUMN} column")
        rid = self.batch.column(self._kinds.index(b"control"))
        if rid.type != pa.binary(16):
            raise ChunkError(f"row id column must be fixed_size_binary[16], got {rid.type}")
        _ = self.id, self.entity_path
        for name, col in self.timelines.items():
            if col.is_sorted and col.values.size > 1 and np.any(col.values[1:] < col.values[:-1]):
                raise ChunkError(f"index {name!r} is flagged sorted but is not")
        for desc, arr in self.components.items():
            if not (pa.types.is_list(arr.type) or pa.types.is_large_list(arr.type)):
                raise ChunkError(f"component {desc.component!r} is not a list column: {arr.type}")

    def __repr__(self) -> str:
        kind = "static" if self.is_static else ",".join(self.timelines)
        return f"Chunk({self.id}, {self.entity_path}, rows={self.num_rows}, {kind})"
