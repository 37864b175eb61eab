"""``sensor_msgs/PointCloud2``: the message's fields as columns, extra point fields, and ``Points3D`` per message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
from mcap.records import Message

from rerun_core.store.chunk import Chunk, TimeColumn

from ._arrow import as_buffer, blobs, custom_desc, fixed_lists, lists, rr_desc, unit_lists
from ._context import ParserContext, make_chunk
from ._ros2 import add_header_time
from ._ros2_fast import fast_pointcloud
from ._ros2_sensors import FRAME, frames_column

Buffer = bytes | memoryview

# PointField datatype -> (numpy little-endian dtype, arrow type)
POINT_TYPES: dict[int, tuple[str, pa.DataType]] = {
    1: ("i1", pa.int8()),
    2: ("u1", pa.uint8()),
    3: ("<i2", pa.int16()),
    4: ("<u2", pa.uint16()),
    5: ("<i4", pa.int32()),
    6: ("<u4", pa.uint32()),
    7: ("<f4", pa.float32()),
    8: ("<f8", pa.float64()),
}
ARCH = "sensor_msgs.msg.PointCloud2"
FIELD = pa.struct(
    [
        pa.field("name", pa.utf8(), False),
        pa.field("offset", pa.uint32(), False),
        pa.field("datatype", pa.uint8(), False),
        pa.field("count", pa.uint32(), False),
    ]
)


def _field_values(data: Buffer, step: int, offset: int, datatype: int, big_endian: bool) -> np.ndarray:
    """One field of every point as a strided view (the last point may be partial, as Rerun's
    ``chunks`` allow): no copy here, ``np.concatenate`` in ``finalize`` makes the one copy."""
    code, _ = POINT_TYPES[datatype]
    dt = np.dtype(code)
    if big_endian:
        dt = dt.newbyteorder(">")
    n = (len(data) + step - 1) // step
    if n and offset + dt.itemsize > len(data) - (n - 1) * step:
        raise ValueError(f"field offset {offset} exceeds point step {step}")
    if n == 0:
        return np.zeros(0, dt)
    return np.ndarray((n,), dtype=dt, buffer=data, offset=offset, strides=(step,))


def _xyz(data: Buffer, step: int, fields: list[Any], big_endian: bool) -> np.ndarray | None:
    """Positions in one strided copy when x, y, z are adjacent little-endian f32 (the usual
    layout), else None."""
    layout = {f.name: (f.offset, f.datatype) for f in fields}  # the last of a name wins, as in append
    o = layout["x"][0]
    if big_endian or [layout[k] for k in ("x", "y", "z")] != [(o, 7), (o + 4, 7), (o + 8, 7)]:
        return None
    n = len(data) // step
    if n == 0 or o + 12 > step:
        return None
    # Each point's 12 bytes as one item: numpy copies them in one loop (a (n, 3) float view
    # runs an inner loop of 3 per point, ~2x slower).
    points = np.ndarray((n,), dtype=_POINT_BYTES, buffer=data, offset=o, strides=(step,)).copy()
    return points.view("<f4").reshape(n, 3)


_POINT_BYTES = np.dtype((np.void, 12))


def _positions(data: Buffer, step: int, fields: list[Any], big_endian: bool) -> np.ndarray | None:
    if step == 0:
        return None
    acc = {f.name: (f.offset, f.datatype) for f in fields if f.name in ("x", "y", "z")}
    if len(acc) < 3:
        return None
    n = len(data) // step
    exact = data[: n * step]
    cols = [_field_values(exact, step, *acc[k], big_endian).astype(np.float32) for k in ("x", "y", "z")]
    return np.stack(cols, axis=1) if n else np.zeros((0, 3), np.float32)


def _numpy_lists(rows: list[np.ndarray], typ: pa.DataType) -> pa.ListArray:
    """One list per row from numpy arrays (nullable items, as Rerun's ListBuilder)."""
    offsets = np.zeros(len(rows) + 1, dtype=np.int32)
    np.cumsum([len(r) for r in rows], out=offsets[1:])
    flat = np.concatenate(rows) if rows else np.zeros(0)
    values = pa.array(flat.astype(flat.dtype.newbyteorder("="), copy=False), type=typ)
    return pa.ListArray.from_arrays(pa.array(offsets), values, type=pa.list_(pa.field("item", typ)))


class PointCloud2Parser:
    def __init__(self, decode: Callable[[bytes], Any]) -> None:
        self.decode = decode
        self.frames: list[str] = []
        self.scalars: dict[str, list[Any]] = {
            k: [] for k in ("height", "width", "is_bigendian", "point_step", "row_step", "is_dense")
        }
        self.fields: list[list[dict[str, Any]]] = []
        self.data: list[Buffer] = []
        self.extracted: list[tuple[str, int, list[np.ndarray]]] | None = None
        self.positions: list[np.ndarray] | None = None

    def append(self, ctx: ParserContext, msg: Message) -> None:
        m = fast_pointcloud(msg.data) or self.decode(msg.data)
        data, step, big = as_buffer(m.data), int(m.point_step), bool(m.is_bigendian)
        if self.extracted is None and m.fields:
            self.extracted = [(f.name, f.datatype, []) for f in m.fields]
        values = []
        if step != 0 and self.extracted is not None:
            for f, (_name, dtype, _rows) in zip(m.fields, self.extracted):
                if f.datatype != dtype:
                    raise ValueError(f"field `{f.name}` changed datatype")
                values.append(_field_values(data, step, f.offset, f.datatype, big))
        add_header_time(ctx, m.header)
        self.frames.append(m.header.frame_id)
        for (_n, dtype, rows), i in zip(self.extracted or [], range(len(self.extracted or []))):
            rows.append(values[i] if i < len(values) else np.zeros(0, np.dtype(POINT_TYPES[dtype][0])))
        named = {f.name: v for f, v in zip(m.fields, values)}
        pos: np.ndarray | None
        if step and len(data) % step == 0 and all(k in named for k in ("x", "y", "z")):
            # The x/y/z just extracted are the positions' columns (no partial last point).
            pos = _xyz(data, step, list(m.fields), big)
            if pos is None:
                pos = np.stack([named[k].astype(np.float32) for k in ("x", "y", "z")], axis=1)
        else:
            pos = _positions(data, step, list(m.fields), big)
        if pos is not None:
            self.positions = self.positions or []
            self.positions.append(pos)
        for k, col in self.scalars.items():
            col.append(getattr(m, k))
        self.fields.append(
            [{"name": f.name, "offset": f.offset, "datatype": f.datatype, "count": f.count} for f in m.fields]
        )
        self.data.append(data)
        ctx.add_log_and_publish(msg)

    def finalize(self, ctx: ParserContext) -> list[Chunk]:
        timelines = ctx.time_columns()
        chunks = [ctx.chunk({FRAME: frames_column(self.frames)})]
        for i, pos in enumerate(self.positions or []):
            sliced = {n: TimeColumn.from_values(n, c.typ, c.values[i : i + 1]) for n, c in timelines.items()}
            points = fixed_lists(pos, pa.float32())
            one = pa.ListArray.from_arrays(pa.array([0, len(points)], pa.int32()), points)
            chunks.append(
                make_chunk(ctx.entity_path, sliced, {rr_desc("Points3D", "positions", "Position3D"): one})
            )
        types = {
            "height": pa.uint32(),
            "width": pa.uint32(),
            "is_bigendian": pa.bool_(),
            "point_step": pa.uint32(),
            "row_step": pa.uint32(),
            "is_dense": pa.bool_(),
        }
        comps: dict[Any, pa.Array] = {
            custom_desc(f"{ARCH}:{k}", ARCH): lists([[v] for v in vals], types[k])
            for k, vals in self.scalars.items()
        }
        comps[custom_desc(f"{ARCH}:fields", ARCH)] = lists(
            [[f] for f in self.fields], pa.list_(pa.field("item", FIELD))
        )
        comps[custom_desc(f"{ARCH}:data", ARCH, "rerun.components.Blob")] = unit_lists(blobs(self.data))
        if self.positions is not None:
            for name, dtype, rows in self.extracted or []:
                if name in ("x", "y", "z"):
                    continue
                typ = POINT_TYPES[dtype][1]
                comps[custom_desc(f"Points3D:{name}", "rerun.archetypes.Points3D")] = _numpy_lists(rows, typ)
        chunks.append(make_chunk(ctx.entity_path, timelines, comps))
        return chunks
