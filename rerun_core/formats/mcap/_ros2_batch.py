"""sensor_msgs/Imu and JointState payloads of one layout decoded together with numpy.

A high-rate topic repeats one layout: the same frame_id (joint names, array lengths), so every
number sits at the same offset. The parsers keep such payloads whole (a length and a few bytes
comparisons per message) and read the numbers as columns at the end of the chunk; a message
of another layout flushes the batch, and the chunk goes on message by message, in order.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
from mcap.records import Message

from ._context import ROS2_TIME, ParserContext
from ._ros2 import I64_MAX
from ._ros2_fast import _align, _string, _u32

IMU_TAIL = struct.Struct("<37d")  # orientation, angular velocity, acceleration and covariances


class _Batching(Protocol):
    batch: Any
    frames: list[str]

    def _flush(self, ctx: ParserContext) -> None: ...


def batched(parser: _Batching, ctx: ParserContext, msg: Message, start: Callable[[bytes], Any]) -> bool:
    """Whether ``msg`` went into the parser's batch (a new one, from ``start``, only while the
    chunk has no message-by-message rows); False: the caller decodes it on its own."""
    if parser.batch is not None:
        if parser.batch.add(msg.data):
            ctx.add_log_and_publish(msg)
            return True
        parser._flush(ctx)  # another layout: message by message from here on, in order
    elif not parser.frames and (batch := start(msg.data)) is not None:
        parser.batch = batch
        ctx.timelines.setdefault(ROS2_TIME, [])  # (the timelines' order, as add_time makes it)
        ctx.add_log_and_publish(msg)
        return True
    return False


class ImuBatch:
    """Imu payloads of one layout (length, frame_id) kept whole and decoded together with numpy:
    the high-rate topic costs a length and a bytes comparison per message."""

    def __init__(self, data: bytes, frame: str, start: int, body: int) -> None:
        self.size, self.frame, self.body = len(data), frame, body
        self.start, self.head = start, bytes(data[12:start])  # frame_id's length, text and NUL
        self.payloads = [data]

    def add(self, data: bytes) -> bool:
        if len(data) != self.size or data[1] != 1 or data[12 : self.start] != self.head:
            return False
        self.payloads.append(data)
        return True

    def decode(self) -> tuple[list[int], np.ndarray, np.ndarray]:
        """ROS 2 times (as ``stamp_ns``), orientations (n, 4) and readings (n, 6)."""
        rows = np.frombuffer(b"".join(self.payloads), dtype=np.uint8).reshape(-1, self.size)
        sec = rows[:, 4:8].copy().view("<i4").ravel().astype(np.int64)
        ns = sec * 1_000_000_000 + rows[:, 8:12].copy().view("<u4").ravel()
        tail = rows[:, self.body : self.body + IMU_TAIL.size].copy().view("<f8")
        readings = np.concatenate([tail[:, 13:16], tail[:, 25:28]], axis=1)
        return np.where(ns < 0, I64_MAX, ns).tolist(), tail[:, 0:4], readings


def imu_batch(data: bytes) -> ImuBatch | None:
    """A batch starting with this payload, when it is one `_fast_imu` reads."""
    if len(data) < 16 or data[1] != 1:
        return None
    (n,) = struct.unpack_from("<I", data, 12)
    start = 16 + n
    if n == 0 or start > len(data) or data[start - 1] != 0:
        return None
    body = 4 + ((start - 4 + 7) & ~7)
    if body + IMU_TAIL.size != len(data):
        return None
    try:
        frame = data[16 : start - 1].decode("utf-8")
    except UnicodeDecodeError:
        return None  # (the message path reports it)
    return ImuBatch(data, frame, start, body)


ARRAYS = ("position", "velocity", "effort")


class JointBatch:
    def __init__(self, data: bytes, frame: str, names: list[str], arrays: list[tuple[int, int]]) -> None:
        self.size, self.frame, self.names = len(data), frame, names
        self.arrays = arrays  # (offset, count) of position, velocity, effort
        ends = [12] + [off + 8 * n for off, n in arrays]
        starts = [off for off, _n in arrays] + [len(data)]
        # Everything but the stamp and the doubles must repeat byte for byte.
        self.fixed = [(a, b, bytes(data[a:b])) for a, b in zip(ends, starts)]
        self.payloads = [data]

    def add(self, data: bytes) -> bool:
        if len(data) != self.size or data[1] != 1:
            return False
        if any(data[a:b] != same for a, b, same in self.fixed):
            return False
        self.payloads.append(data)
        return True

    def decode(self) -> tuple[list[int], dict[str, np.ndarray]]:
        """ROS 2 times (as ``stamp_ns``) and each array as an (n, count) float64 array."""
        rows = np.frombuffer(b"".join(self.payloads), dtype=np.uint8).reshape(-1, self.size)
        sec = rows[:, 4:8].copy().view("<i4").ravel().astype(np.int64)
        ns = sec * 1_000_000_000 + rows[:, 8:12].copy().view("<u4").ravel()
        cols = {
            key: rows[:, off : off + 8 * n].copy().view("<f8").reshape(len(rows), n)
            for key, (off, n) in zip(ARRAYS, self.arrays)
        }
        return np.where(ns < 0, I64_MAX, ns).tolist(), cols


def joint_batch(data: bytes) -> JointBatch | None:
    """A batch starting with this payload, when ``fast_joint_state`` reads it; else None."""
    if len(data) < 16 or data[1] != 1:
        return None
    try:
        frame, pos = _string(data, 12)
        count, pos = _u32(data, pos)
        names = []
        for _ in range(count):
            name, pos = _string(data, pos)
            names.append(name)
        arrays = []
        for _key in ARRAYS:
            n, pos = _u32(data, pos)
            if n:
                pos = _align(pos, 8)
            arrays.append((pos, n))
            pos += 8 * n
    except (struct.error, ValueError, UnicodeDecodeError):
        return None
    if pos > len(data) or len(data) - pos > 3:
        return None
    return JointBatch(data, frame, names, arrays)
