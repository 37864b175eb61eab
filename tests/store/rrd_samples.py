"""Synthetic recordings for the .rrd codec tests (no oracle needed)."""

from __future__ import annotations

import io

import numpy as np
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
    StoreSource,
)
from rerun_core.store.rrd import RrdWriter
from rerun_core.types import ComponentDescriptor, TimeType, new_tuid, new_tuids

POS = ComponentDescriptor("Points3D:positions", "rerun.archetypes.Points3D", "rerun.components.Position3D")
TEXT = ComponentDescriptor("TextDocument:text", "rerun.archetypes.TextDocument", "rerun.components.Text")
REC = StoreId(StoreKind.RECORDING, "rec", "app")
BP = StoreId(StoreKind.BLUEPRINT, "bp", "app")
PY311 = b"\x08\x03\x10\x0b\x18\x07"  # PythonVersion 3.11.7, as the real SDK sends it


def points_chunk(entity: str, frames: list[int], *, with_nulls: bool = False) -> Chunk:
    n = len(frames)
    pts = [[[float(i), 2.0, 3.0]] for i in range(n)]
    if with_nulls and n:
        pts[0] = None  # type: ignore[call-overload]
    arr = pa.array(pts, type=pa.list_(pa.list_(pa.float32(), 3)))
    times = [
        TimeColumn.from_values("frame", TimeType.SEQUENCE, frames),
        TimeColumn.from_values("log_time", TimeType.TIMESTAMP, np.arange(n) + 1_700_000_000_000_000_000),
    ]
    return Chunk.from_columns(entity, new_tuids(n), times, {POS: arr})


def static_chunk(entity: str, text: str) -> Chunk:
    arr = pa.array([[text]], type=pa.list_(pa.utf8()))
    return Chunk.from_columns(entity, new_tuids(1), [], {TEXT: arr})


def sample_messages(store: StoreId = REC, *, n_chunks: int = 3) -> list[LogMsg]:
    msgs: list[LogMsg] = [SetStoreInfo(new_tuid(), StoreInfo(store, StoreSource(extra=PY311)))]
    msgs.append(ArrowMsg(store, static_chunk("/doc", "hello")))
    for i in range(n_chunks):
        msgs.append(ArrowMsg(store, points_chunk(f"/points/{i % 2}", [i, i + 1, i + 5], with_nulls=i == 1)))
    return msgs


def with_blueprint(msgs: list[LogMsg]) -> list[LogMsg]:
    return [*msgs, *sample_messages(BP, n_chunks=1), BlueprintActivationCommand(BP)]


def encode(msgs: list[LogMsg], *, compression: bool = True) -> bytes:
    buf = io.BytesIO()
    with RrdWriter(buf, compression=compression) as writer:
        for msg in msgs:
            writer.write(msg)
    return buf.getvalue()


def same_messages(a: list[LogMsg], b: list[LogMsg]) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if type(x) is not type(y):
            return False
        if isinstance(x, ArrowMsg):
            assert isinstance(y, ArrowMsg)
            if x.store_id != y.store_id or not x.chunk.batch.equals(y.chunk.batch, check_metadata=True):
                return False
        elif x != y:
            return False
    return True
