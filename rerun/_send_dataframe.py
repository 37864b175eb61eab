"""``send_record_batch`` / ``send_dataframe``: log Arrow tables whose columns carry Rerun metadata.

Columns are classified by their field metadata (sorbet keys): ``rerun:kind=index`` columns are
indexes, ``control`` columns (row ids) are dropped, everything else is data, grouped by
``rerun:entity_path`` (else the ``entity_path`` argument, else the batch's own, else ``/``).
``index=`` overrides which columns are indexes (``None``: static data).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from rerun_core.types import ComponentDescriptor, TimeType

from ._active_recording import get_data_recording
from ._errors import catch_and_log_exceptions
from ._recording_core import RecordingCore
from ._rows import entity_path_str
from ._send_columns import _as_list_column, columns_to_chunks
from ._sentinels import AUTO_INDEX, _AutoIndex

if TYPE_CHECKING:
    from ._recording_stream import RecordingStream

SORBET_INDEX_NAME = b"rerun:index_name"
SORBET_ENTITY_PATH = b"rerun:entity_path"
SORBET_ARCHETYPE_NAME = b"rerun:archetype"
SORBET_COMPONENT = b"rerun:component"
SORBET_COMPONENT_TYPE = b"rerun:component_type"
SORBET_IS_TABLE_INDEX = b"rerun:is_table_index"
RERUN_KIND = b"rerun:kind"
RERUN_KIND_CONTROL = b"control"
RERUN_KIND_INDEX = b"index"


def _index_values(name: str, arr: pa.Array) -> tuple[str, TimeType, Any]:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    typ = TimeType.from_arrow(arr.type)
    if typ is TimeType.TIMESTAMP:
        arr = arr.cast(pa.timestamp("ns"))
    elif typ is TimeType.DURATION:
        arr = arr.cast(pa.duration("ns"))
    return name, typ, arr.cast(pa.int64()).to_numpy(zero_copy_only=False)


def _descriptor(field: pa.Field) -> ComponentDescriptor:
    meta = field.metadata or {}
    get = lambda k: meta[k].decode() if k in meta else None  # noqa: E731
    return ComponentDescriptor(
        get(SORBET_COMPONENT) or field.name, get(SORBET_ARCHETYPE_NAME), get(SORBET_COMPONENT_TYPE)
    )


def _classify(
    batch: pa.RecordBatch, index: Any, entity_path: str | None
) -> tuple[list[Any], dict[str, dict[ComponentDescriptor, pa.Array]]]:
    names = [index] if isinstance(index, str) else list(index) if isinstance(index, (list, tuple)) else None
    default_path = entity_path or (batch.schema.metadata or {}).get(SORBET_ENTITY_PATH, b"/").decode()
    indexes: list[Any] = []
    per_entity: dict[str, dict[ComponentDescriptor, pa.Array]] = {}
    for field, col in zip(batch.schema, batch.columns, strict=True):
        meta = field.metadata or {}
        kind = meta.get(RERUN_KIND)
        if kind == RERUN_KIND_CONTROL:
            continue
        is_index = (
            field.name in names if names is not None else (index is not None and kind == RERUN_KIND_INDEX)
        )
        if is_index:
            indexes.append(_index_values(meta.get(SORBET_INDEX_NAME, field.name.encode()).decode(), col))
        elif kind != RERUN_KIND_INDEX:
            path = entity_path or meta.get(SORBET_ENTITY_PATH, default_path.encode()).decode()
            per_entity.setdefault(entity_path_str(path), {})[_descriptor(field)] = _as_list_column(col)
    return indexes, per_entity


@catch_and_log_exceptions("send_record_batch", depth_to_user_code=2)
def send_record_batch_to(
    core: RecordingCore,
    batch: pa.RecordBatch,
    *,
    index: str | list[str] | _AutoIndex | None = AUTO_INDEX,
    entity_path: str | None = None,
) -> None:
    """One record batch into ``core``: one row per batch row, per entity found in its metadata."""
    if not core.enabled:
        return
    indexes, per_entity = _classify(batch, index, entity_path)
    core.batcher.flush()
    for path, comps in per_entity.items():
        for chunk in columns_to_chunks(path, indexes, comps):
            core.send_chunk(chunk)


def record_batches(df: Any) -> Iterable[pa.RecordBatch]:
    """The record batches of a pyarrow Table / RecordBatch / RecordBatchReader (or anything with
    ``to_arrow_table``)."""
    if hasattr(df, "to_arrow_table"):
        df = df.to_arrow_table()
    if isinstance(df, pa.RecordBatch):
        return [df]
    if isinstance(df, pa.Table):
        return df.to_batches()
    if isinstance(df, pa.RecordBatchReader):
        return df
    raise TypeError(f"send_dataframe: expected a pyarrow Table/RecordBatch/RecordBatchReader, got {type(df)}")


def send_record_batch(
    batch: pa.RecordBatch,
    recording: RecordingStream | None = None,
    *,
    index: str | list[str] | _AutoIndex | None = AUTO_INDEX,
    entity_path: str | None = None,
) -> None:
    """Log one record batch: one row per batch row, per entity found in its metadata."""
    rec = get_data_recording(recording)
    if rec is not None:
        rec.send_record_batch(batch, index=index, entity_path=entity_path)


def send_dataframe(
    df: Any,
    recording: RecordingStream | None = None,
    *,
    index: str | list[str] | _AutoIndex | None = AUTO_INDEX,
    entity_path: str | None = None,
) -> None:
    """Log a pyarrow Table / RecordBatch / RecordBatchReader (or anything with ``to_arrow_table``)."""
    rec = get_data_recording(recording)
    if rec is not None:
        rec.send_dataframe(df, index=index, entity_path=entity_path)
