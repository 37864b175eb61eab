"""ROS 2 scalar sensors that become ``Scalars`` (+ static ``SeriesLines`` names): battery, range, joy, arrays."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa
from mcap.records import Message

from rerun_core.store.chunk import Chunk

from ._arrow import lists
from ._context import ParserContext, make_chunk, static_chunk, topic_entity_path
from ._ros2 import add_header_time
from ._ros2_sensors import FRAME, SCALARS, SERIES_NAMES, frames_column

Decode = Callable[[bytes], Any]

SCALAR_FIELDS: dict[str, tuple[str, ...]] = {
    "sensor_msgs/msg/BatteryState": ("percentage", "voltage", "current", "charge", "temperature"),
    "sensor_msgs/msg/Range": ("range", "min_range", "max_range"),
}


class ScalarParser:
    """Named float fields of a message with a header, one ``Scalars`` row each."""

    def __init__(self, decode: Decode, fields: tuple[str, ...]) -> None:
        self.decode = decode
        self.fields = fields
        self.rows: list[list[float]] = []

    def append(self, ctx: ParserContext, msg: Message) -> None:
        m = self.decode(msg.data)
        add_header_time(ctx, m.header)
        self.rows.append([float(getattr(m, f)) for f in self.fields])
        ctx.add_log_and_publish(msg)

    def finalize(self, ctx: ParserContext) -> list[Chunk]:
        names = static_chunk(ctx.entity_path, {SERIES_NAMES: lists([list(self.fields)], pa.utf8())})
        return [ctx.chunk({SCALARS: lists(self.rows, pa.float64())}), names]


def scalar_parser(schema_name: str) -> Callable[[Decode], ScalarParser]:
    return lambda decode: ScalarParser(decode, SCALAR_FIELDS[schema_name])


class JoyParser:
    def __init__(self, decode: Decode) -> None:
        self.decode = decode
        self.axes: list[list[float]] = []
        self.buttons: list[list[float]] = []
        self.frames: list[str] = []

    def append(self, ctx: ParserContext, msg: Message) -> None:
        m = self.decode(msg.data)
        add_header_time(ctx, m.header)
        self.frames.append(m.header.frame_id)
        self.axes.append([float(v) for v in m.axes])
        self.buttons.append([float(v) for v in m.buttons])
        ctx.add_log_and_publish(msg)

    def finalize(self, ctx: ParserContext) -> list[Chunk]:
        t = ctx.time_columns()
        return [
            make_chunk(topic_entity_path(ctx.topic, "axes"), t, {SCALARS: lists(self.axes, pa.float64())}),
            make_chunk(
                topic_entity_path(ctx.topic, "buttons"), t, {SCALARS: lists(self.buttons, pa.float64())}
            ),
            ctx.chunk({FRAME: frames_column(self.frames)}),
        ]


class Float64ArrayParser:
    """``std_msgs/Float64MultiArray`` (and ``Float64Array``): the ``data`` values as ``Scalars``."""

    def __init__(self, decode: Decode) -> None:
        self.decode = decode
        self.rows: list[list[float]] = []

    def append(self, ctx: ParserContext, msg: Message) -> None:
        m = self.decode(msg.data)
        self.rows.append([float(v) for v in m.data])
        ctx.add_log_and_publish(msg)

    def finalize(self, ctx: ParserContext) -> list[Chunk]:
        return [ctx.chunk({SCALARS: lists(self.rows, pa.float64())})]
