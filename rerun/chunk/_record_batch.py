"""How ``Chunk.from_record_batch`` reads an Arrow batch: row ids, index columns, components.

A column's kind comes from its ``rerun:kind`` metadata (``control``: row ids, ``index``), or
from ``index=``. A component's entity is its ``rerun:entity_path``, else the batch's, else the
column-name convention (``/entity:Archetype:field``), else ``entity_path=``, else ``/``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from rerun_core.store.chunk import Chunk as CoreChunk
from rerun_core.store.chunk import TimeColumn
from rerun_core.types import ComponentDescriptor, EntityPath, TimeType, new_tuids

from .._sentinels import _AutoIndex

KIND = b"rerun:kind"
ENTITY = b"rerun:entity_path"
INDEX_NAME = b"rerun:index_name"
COMPONENT = b"rerun:component"
ARCHETYPE = b"rerun:archetype"
COMPONENT_TYPE = b"rerun:component_type"

_RUST_NAMES = {
    "string": "Utf8",
    "large_string": "LargeUtf8",
    "double": "Float64",
    "float": "Float32",
    "bool": "Boolean",
}

IndexArg = str | list[str] | _AutoIndex | None


@dataclass(frozen=True, slots=True)
class _Columns:
    row_ids: pa.Array | None
    indexes: list[TimeColumn]
    components: dict[EntityPath, dict[ComponentDescriptor, pa.Array]]


def _meta(field: pa.Field) -> dict[bytes, bytes]:
    return dict(field.metadata or {})


def _time_column(field: pa.Field, column: pa.Array) -> TimeColumn:
    name = _meta(field).get(INDEX_NAME, field.name.encode()).decode()
    if column.null_count:
        raise ValueError(
            f'The index column "{field.name}" contains null values. Time columns must be dense — express '
            "static data with `index=None` rather than null times. (Mixing static and temporal rows in a "
            "single batch is not supported.)"
        )
    dtype = column.type
    if pa.types.is_int64(dtype):
        typ = TimeType.SEQUENCE
    elif pa.types.is_timestamp(dtype):
        typ, column = TimeType.TIMESTAMP, column.cast(pa.timestamp("ns"))
    elif pa.types.is_duration(dtype):
        typ, column = TimeType.DURATION, column.cast(pa.duration("ns"))
    else:
        raise ValueError(f"Unsupported time type: {_RUST_NAMES.get(str(dtype), str(dtype))}")
    values = np.asarray(column.cast(pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)
    return TimeColumn.from_values(name, typ, values)


def _as_lists(column: pa.Array) -> pa.Array:
    if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
        return column
    offsets = pa.array(np.arange(len(column) + 1, dtype=np.int32))
    return pa.ListArray.from_arrays(offsets, column)


def _component(
    field: pa.Field, batch_entity: str | None, default: str | None
) -> tuple[str, ComponentDescriptor]:
    meta = _meta(field)
    name = field.name
    entity = meta[ENTITY].decode() if ENTITY in meta else batch_entity
    component = meta[COMPONENT].decode() if COMPONENT in meta else None
    if entity is None and component is None and name.startswith("/") and ":" in name:
        entity, _, component = name.partition(":")
    desc = ComponentDescriptor(
        component or name,
        meta[ARCHETYPE].decode() if ARCHETYPE in meta else None,
        meta[COMPONENT_TYPE].decode() if COMPONENT_TYPE in meta else None,
    )
    return entity or default or "/", desc


def _index_names(batch: pa.RecordBatch, index: IndexArg) -> set[str]:
    marked = {f.name for f in batch.schema if _meta(f).get(KIND) == b"index"}
    if isinstance(index, _AutoIndex):
        return marked
    if index is None:
        if marked:
            raise ValueError(
                "`index=None` (static) was requested, but the record batch also carries index metadata or "
                "names an index column. Drop the index metadata, or request a temporal interpretation instead."
            )
        return set()
    names = [index] if isinstance(index, str) else list(index)
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"index must be a column name or a list of them, got {type(name).__name__}")
        if name not in batch.schema.names:
            raise ValueError(f'The requested index column "{name}" is not present in the record batch.')
    return set(names)


def classify(batch: pa.RecordBatch, index: IndexArg, entity_path: str | None) -> _Columns:
    """Row ids, index columns and per-entity components of ``batch`` (ValueError when ambiguous)."""
    names = _index_names(batch, index)
    if isinstance(index, _AutoIndex) and not names:
        raise ValueError(
            "The record batch carries no index column, so it cannot be unambiguously interpreted as temporal "
            "or static. Pass `index=<column>` for temporal data or `index=None` for static data."
        )
    batch_entity = (batch.schema.metadata or {}).get(ENTITY)
    batch_entity_str = batch_entity.decode() if batch_entity is not None else None
    row_ids: pa.Array | None = None
    indexes: list[TimeColumn] = []
    per_entity: dict[EntityPath, dict[ComponentDescriptor, pa.Array]] = {}
    for field, column in zip(batch.schema, batch.columns, strict=True):
        kind = _meta(field).get(KIND)
        if kind == b"control":
            row_ids = column
        elif field.name in names:
            indexes.append(_time_column(field, column))
        elif kind != b"index":
            entity, desc = _component(field, batch_entity_str, entity_path)
            per_entity.setdefault(EntityPath(entity), {})[desc] = _as_lists(column)
    if not per_entity:
        raise ValueError("The record batch contains no component columns, so there is nothing to log.")
    return _Columns(row_ids, indexes, per_entity)


def is_identified(batch: pa.RecordBatch) -> bool:
    """A batch that already is a whole chunk (chunk id + row-id column)."""
    has_row_ids = any(_meta(f).get(KIND) == b"control" for f in batch.schema)
    return b"rerun:id" in (batch.schema.metadata or {}) and has_row_ids


def chunks_of(batch: pa.RecordBatch, index: IndexArg, entity_path: str | None) -> list[CoreChunk]:
    """The chunks a record batch describes, one per entity in first-seen column order."""
    if isinstance(index, _AutoIndex) and entity_path is None and is_identified(batch):
        cols = classify(
            batch, index if any(_meta(f).get(KIND) == b"index" for f in batch.schema) else None, None
        )
        if len(cols.components) > 1:
            raise ValueError(
                "The record batch is an identified chunk (row ids and chunk id) but names more than one entity "
                "path; drop the chunk id metadata and/or the row-id column to split it into one chunk per entity."
            )
        return [CoreChunk.from_record_batch(batch)]
    cols = classify(batch, index, entity_path)
    rows = batch.num_rows
    return [
        CoreChunk.from_columns(entity, new_tuids(rows), cols.indexes, comps)
        for entity, comps in cols.components.items()
    ]
