"""A blueprint as log messages for its own blueprint store, without a recording stream.

`send_blueprint` (sinks) can forward these to a recording's sinks: store info, one chunk per
blueprint row (on the `blueprint` sequence timeline at 0, plus `log_time`, as rerun-sdk logs
them), then the activation command.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import pyarrow as pa

from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.store.messages import (
    ArrowMsg,
    BlueprintActivationCommand,
    LogMsg,
    SetStoreInfo,
    StoreId,
    StoreInfo,
    StoreKind,
)
from rerun_core.types import TimeType, new_tuid, new_tuids


class _RowCollector:
    """Quacks like a recording stream's `log` for `Blueprint._log_to_stream`."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, bool, list[Any]]] = []

    def log(self, path: str, entity: Any, static: bool = False) -> None:
        batches = entity.as_component_batches() if hasattr(entity, "as_component_batches") else list(entity)
        self.rows.append(("/" + str(path).lstrip("/"), static, batches))


def blueprint_store_id(application_id: str) -> StoreId:
    return StoreId(StoreKind.BLUEPRINT, f"rec_{uuid.uuid4().hex}", application_id)


def blueprint_messages(
    blueprint: Any,
    application_id: str,
    *,
    make_active: bool = True,
    make_default: bool = True,
    store_id: StoreId | None = None,
) -> list[LogMsg]:
    """Everything a sink needs to receive `blueprint` (a Blueprint, View or Container)."""
    store_id = store_id or blueprint_store_id(application_id)
    collector = _RowCollector()
    blueprint.to_blueprint()._log_to_stream(collector)
    msgs: list[LogMsg] = [SetStoreInfo(new_tuid(), StoreInfo(store_id))]
    for path, static, batches in collector.rows:
        if not batches:
            continue
        components = {}
        for batch in batches:
            values = batch.as_arrow_array()
            components[batch.component_descriptor()] = pa.ListArray.from_arrays(
                pa.array([0, len(values)], type=pa.int32()), values
            )
        timelines = (
            []
            if static
            else [
                TimeColumn.from_values("blueprint", TimeType.SEQUENCE, [0]),
                TimeColumn.from_values("log_time", TimeType.TIMESTAMP, [time.time_ns()]),
            ]
        )
        msgs.append(ArrowMsg(store_id, Chunk.from_columns(path, new_tuids(1), timelines, components)))
    msgs.append(BlueprintActivationCommand(store_id, make_active, make_default))
    return msgs
