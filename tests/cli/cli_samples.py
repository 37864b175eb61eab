"""Sample recordings for the ``rerun`` CLI tests, built from our own chunks and codec."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa

from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.store.messages import ArrowMsg, LogMsg, SetStoreInfo, StoreId, StoreInfo, StoreKind
from rerun_core.types import ComponentDescriptor, TimeType, new_tuid, new_tuids

SCALAR = ComponentDescriptor("Scalars:scalars", "rerun.archetypes.Scalars", "rerun.components.Scalar")
POSITIONS = ComponentDescriptor(
    "Points3D:positions", "rerun.archetypes.Points3D", "rerun.components.Position3D"
)
TEXT = ComponentDescriptor("TextDocument:text", "rerun.archetypes.TextDocument", "rerun.components.Text")
STORE = StoreId(StoreKind.RECORDING, "rec_cli", "cli_test")
RERUN = [sys.executable, "-m", "rerun"]


def scalar_chunk(frames: list[int], entity: str = "/plot/scalar") -> Chunk:
    values = pa.array([[float(f) * 0.5] for f in frames], type=pa.list_(pa.float64()))
    cols = [
        TimeColumn.from_values("frame", TimeType.SEQUENCE, frames),
        TimeColumn.from_values(
            "log_time", TimeType.TIMESTAMP, [1_700_000_000_000_000_000 + f for f in frames]
        ),
    ]
    return Chunk.from_columns(entity, new_tuids(len(frames)), cols, {SCALAR: values})


def points_chunk(frame: int, n: int = 3) -> Chunk:
    pts = np.arange(n * 3, dtype=np.float32).reshape(n, 3) + frame
    flat = pa.FixedSizeListArray.from_arrays(pa.array(pts.ravel()), 3)
    values = pa.ListArray.from_arrays(pa.array([0, n], type=pa.int32()), flat)
    cols = [TimeColumn.from_values("frame", TimeType.SEQUENCE, [frame])]
    return Chunk.from_columns("/world/points", new_tuids(1), cols, {POSITIONS: values})


def text_chunk(text: str) -> Chunk:
    values = pa.array([[text]], type=pa.list_(pa.string()))
    return Chunk.from_columns("/world/text", new_tuids(1), [], {TEXT: values})


def recording_messages(num_frames: int = 10) -> list[LogMsg]:
    """A store info, one static chunk, then one small chunk per frame and entity."""
    msgs: list[LogMsg] = [SetStoreInfo(new_tuid(), StoreInfo(STORE)), ArrowMsg(STORE, text_chunk("hello"))]
    for frame in range(num_frames):
        msgs.append(ArrowMsg(STORE, scalar_chunk([frame])))
        msgs.append(ArrowMsg(STORE, points_chunk(frame)))
    return msgs


def write_rrd(path: Path, msgs: list[LogMsg]) -> Path:
    from rerun_core.store.rrd import RrdWriter

    with RrdWriter(path) as writer:
        for msg in msgs:
            writer.write(msg)
    return path


def run_rerun(
    *args: str | Path, stdin: bytes | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[bytes]:
    """Run our ``rerun`` in a subprocess (for pipes and stdin/stdout behaviour)."""
    return subprocess.run(
        [*RERUN, *(str(a) for a in args)], input=stdin, capture_output=True, timeout=timeout
    )
