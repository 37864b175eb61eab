"""ROS 2 sensor_msgs / tf2_msgs parsers that become archetypes directly (images, IMU, joints, GNSS, TF)."""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
from mcap.records import Message

from rerun_core.store.chunk import Chunk

from ._arrow import as_buffer, blobs, custom_desc, fixed_lists, lists, rr_desc, strings, unit_lists
from ._context import ROS2_TIME, ParserContext, static_chunk, topic_entity_path
from ._ros2 import I64_MAX, add_header_time
from ._ros2_batch import IMU_TAIL, ImuBatch, JointBatch, batched, imu_batch, joint_batch
from ._ros2_fast import fast_image, fast_joint_state

Decode = Callable[[bytes], Any]

COLOR = {"L": 1, "RGB": 2, "RGBA": 3, "BGR": 4, "BGRA": 5}
DT = {"U8": 6, "I8": 7, "U16": 8, "I16": 9, "U32": 10, "I32": 11, "F32": 34, "F64": 35}
# encoding -> (pixel_format, color_model, channel_datatype, is single channel)
IMAGE_ENCODINGS: dict[str, tuple[int | None, int | None, int | None, bool]] = {
    "rgb8": (None, COLOR["RGB"], DT["U8"], False),
    "rgba8": (None, COLOR["RGBA"], DT["U8"], False),
    "rgb16": (None, COLOR["RGB"], DT["U16"], False),
    "rgba16": (None, COLOR["RGBA"], DT["U16"], False),
    "bgr8": (None, COLOR["BGR"], DT["U8"], False),
    "8UC3": (None, COLOR["BGR"], DT["U8"], False),
    "bgra8": (None, COLOR["BGRA"], DT["U8"], False),
    "bgr16": (None, COLOR["BGR"], DT["U16"], False),
    "bgra16": (None, COLOR["BGRA"], DT["U16"], False),
    "mono8": (None, COLOR["L"], DT["U8"], True),
    "mono16": (None, COLOR["L"], DT["U16"], True),
    "yuyv": (27, None, None, False),
    "yuv422_yuy2": (27, None, None, False),
    "nv12": (26, None, None, False),
    "8UC1": (None, None, DT["U8"], True),
    "8SC1": (None, None, DT["I8"], True),
    "16UC1": (None, None, DT["U16"], True),
    "16SC1": (None, None, DT["I16"], True),
    "32SC1": (None, None, DT["I32"], True),
    "32FC1": (None, None, DT["F32"], True),
    "64FC1": (None, None, DT["F64"], True),
}
IMAGE_FORMAT = pa.struct(
    [
        pa.field("width", pa.uint32(), False),
        pa.field("height", pa.uint32(), False),
        pa.field("pixel_format", pa.uint8()),
        pa.field("color_model", pa.uint8()),
        pa.field("channel_datatype", pa.uint8()),
    ]
)
FRAME = rr_desc("CoordinateFrame", "frame", "TransformFrameId")


def image_plane(frames: list[str]) -> list[str]:
    return [f"{f}_image_plane" if f else f for f in frames]


def frames_column(frames: list[str]) -> pa.ListArray:
    return unit_lists(strings(frames))


class ImageParser:
    def __init__(self, decode: Decode) -> None:
        self.decode = decode
        self.buffers: list[bytes | memoryview] = []
        self.formats: list[dict[str, Any]] = []
        self.frames: list[str] = []
        self.depth = False

    def append(self, ctx: ParserContext, msg: Message) -> None:
        m = fast_image(msg.data) or self.decode(msg.data)
        enc = IMAGE_ENCODINGS.get(m.encoding)
        if enc is None:
            raise ValueError(f"Unsupported image encoding '{m.encoding}'")
        add_header_time(ctx, m.header)
        self.frames.append(m.header.frame_id)
        pixel, color, dtype, self.depth = enc
        self.buffers.append(as_buffer(m.data))
        fmt = {"width": m.width, "height": m.height, "pixel_format": pixel}
        self.formats.append({**fmt, "color_model": color, "channel_datatype": dtype})
        ctx.add_log_and_publish(msg)

    def finalize(self, ctx: ParserContext) -> list[Chunk]:
        arch = "DepthImage" if self.depth else "Image"
        comps = {
            rr_desc(arch, "buffer", "ImageBuffer"): unit_lists(blobs(self.buffers)),
            rr_desc(arch, "format", "ImageFormat"): unit_lists(pa.array(self.formats, type=IMAGE_FORMAT)),
            FRAME: frames_column(image_plane(self.frames)),
        }
        return [ctx.chunk(comps)]


def _is_rvl(fmt: str) -> bool:
    enc, sep, rest = fmt.partition(";")
    rest = rest.strip().lower()
    return bool(sep and enc.strip() and "compresseddepth" in rest and "rvl" in rest)


class CompressedImageParser:
    def __init__(self, decode: Decode) -> None:
        self.decode = decode
        self.blobs: list[bytes] = []
        self.frames: list[str] = []
        self.mode: str | None = None

    def append(self, ctx: ParserContext, msg: Message) -> None:
        m = self.decode(msg.data)
        add_header_time(ctx, m.header)
        self.frames.append(m.header.frame_id)
        mode = "rvl" if _is_rvl(m.format) else "h264" if m.format.lower() == "h264" else "encoded"
        if self.mode not in (None, mode):
            raise ValueError(
                "Encountered mixed compressed image payloads on the same topic; this is not supported"
            )
        self.mode = mode
        self.blobs.append(bytes(m.data))
        ctx.add_log_and_publish(msg)

    def finalize(self, ctx: ParserContext) -> list[Chunk]:
        data = unit_lists(blobs(self.blobs))
        comps: dict[Any, pa.Array]
        if self.mode == "rvl":
            media = unit_lists(strings(["application/rvl"] * len(self.blobs)))
            arch = "EncodedDepthImage"
            comps = {rr_desc(arch, "blob", "Blob"): data, rr_desc(arch, "media_type", "MediaType"): media}
        elif self.mode == "h264":
            codec = unit_lists(pa.array([H264_FOURCC] * len(self.blobs), pa.uint32()))
            comps = {
                rr_desc("VideoStream", "sample", "VideoSample"): data,
                rr_desc("VideoStream", "codec", "VideoCodec"): codec,
            }
        else:
            comps = {rr_desc("EncodedImage", "blob", "Blob"): data}
        comps[FRAME] = frames_column(image_plane(self.frames))
        return [ctx.chunk(comps)]


H264_FOURCC = 0x61766331  # "avc1"

IMU_NAMES = [
    "gyroscope/x",
    "gyroscope/y",
    "gyroscope/z",
    "accelerometer/x",
    "accelerometer/y",
    "accelerometer/z",
]
SCALARS = rr_desc("Scalars", "scalars", "Scalar")
SERIES_NAMES = rr_desc("SeriesLines", "names", "Name")


def _fast_imu(data: bytes) -> tuple[int, int, str, tuple[float, ...]] | None:
    """sensor_msgs/Imu straight from little-endian CDR (the hot high-rate topic); None if odd."""
    if len(data) < 16 or data[1] != 1:  # encapsulation: CDR_LE / PL_CDR_LE
        return None
    sec, nsec, n = struct.unpack_from("<iII", data, 4)
    start = 16 + n
    if n == 0 or start > len(data) or data[start - 1] != 0:
        return None
    body = 4 + ((start - 4 + 7) & ~7)  # doubles align to 8 within the CDR body
    if body + IMU_TAIL.size != len(data):
        return None
    frame = data[16 : start - 1].decode("utf-8")
    return sec, nsec, frame, IMU_TAIL.unpack_from(data, body)


class ImuParser:
    def __init__(self, decode: Decode) -> None:
        self.decode = decode
        self.orientation: list[Sequence[float]] = []
        self.readings: list[Sequence[float]] = []
        self.frames: list[str] = []
        self.batch: ImuBatch | None = None

    def append(self, ctx: ParserContext, msg: Message) -> None:
        if not batched(self, ctx, msg, imu_batch):
            self._append_one(ctx, msg)

    def _flush(self, ctx: ParserContext) -> None:
        assert self.batch is not None
        times, orientation, readings = self.batch.decode()
        ctx.timelines[ROS2_TIME].extend(times)
        self.frames.extend([self.batch.frame] * len(times))
        self.orientation.extend(orientation.tolist())
        self.readings.extend(readings.tolist())
        self.batch = None

    def _append_one(self, ctx: ParserContext, msg: Message) -> None:
        fast = _fast_imu(msg.data)
        if fast is not None:
            sec, nsec, frame, v = fast
            ns = sec * 1_000_000_000 + nsec
            ctx.add_time(ROS2_TIME, ns if 0 <= ns <= I64_MAX else I64_MAX)  # as stamp_ns
            self.frames.append(frame)
            self.orientation.append(v[0:4])
            self.readings.append(v[13:16] + v[25:28])
            ctx.add_log_and_publish(msg)
            return
        m = self.decode(msg.data)
        add_header_time(ctx, m.header)
        self.frames.append(m.header.frame_id)
        o, g, a = m.orientation, m.angular_velocity, m.linear_acceleration
        self.orientation.append([o.x, o.y, o.z, o.w])
        self.readings.append([g.x, g.y, g.z, a.x, a.y, a.z])
        ctx.add_log_and_publish(msg)

    def finalize(self, ctx: ParserContext) -> list[Chunk]:
        orientation: Sequence[Sequence[float]] | np.ndarray = self.orientation
        readings: Sequence[Sequence[float]] | np.ndarray = self.readings
        if self.batch is not None and not self.frames:  # all in one batch: its arrays as they are
            times, orientation, readings = self.batch.decode()
            ctx.timelines[ROS2_TIME].extend(times)
            self.frames = [self.batch.frame] * len(times)
        elif self.batch is not None:
            self._flush(ctx)
        comps = {
            SCALARS: _fixed_rows(readings, 6),
            custom_desc("sensor_msgs.msg.Imu:orientation", "sensor_msgs.msg.Imu"): _fixed_rows(
                orientation, 4
            ),
            FRAME: frames_column(self.frames),
        }
        meta = static_chunk(ctx.entity_path, {SERIES_NAMES: lists([IMU_NAMES], pa.utf8())})
        return [ctx.chunk(comps), meta]


def _fixed_rows(rows: Sequence[Sequence[float]] | np.ndarray, k: int) -> pa.Array:
    """Rows of ``k`` floats as one ``List<f64>`` per row (nullable items), as Rerun's parsers
    write them; built from one (n, k) array rather than value by value."""
    flat = np.asarray(rows, dtype=np.float64).reshape(-1)
    offsets = pa.array(np.arange(0, k * len(rows) + 1, k, dtype=np.int32))
    return pa.ListArray.from_arrays(offsets, pa.array(flat), type=F64_LIST)


F64_LIST = pa.list_(pa.field("item", pa.float64()))


def _float_rows(values: np.ndarray) -> pa.Array:
    """An (n, k) array as one ``List<f64>`` of k items per row (k may be 0)."""
    n, k = values.shape
    offsets = pa.array(np.arange(n + 1, dtype=np.int32) * k)
    return pa.ListArray.from_arrays(offsets, pa.array(values.reshape(-1)), type=F64_LIST)


class JointStateParser:
    def __init__(self, decode: Decode) -> None:
        self.decode = decode
        self.names: list[list[str]] = []
        self.cols: dict[str, list[Sequence[float]]] = {"position": [], "velocity": [], "effort": []}
        self.frames: list[str] = []
        self.batch: JointBatch | None = None

    def append(self, ctx: ParserContext, msg: Message) -> None:
        if batched(self, ctx, msg, joint_batch):
            return
        m = fast_joint_state(msg.data) or self.decode(msg.data)
        add_header_time(ctx, m.header)
        self.frames.append(m.header.frame_id)
        self.names.append(list(m.name))
        for key, rows in self.cols.items():
            rows.append(list(getattr(m, key)))
        ctx.add_log_and_publish(msg)

    def _flush(self, ctx: ParserContext) -> None:
        assert self.batch is not None
        times, cols = self.batch.decode()
        ctx.timelines[ROS2_TIME].extend(times)
        self.frames.extend([self.batch.frame] * len(times))
        self.names.extend([list(self.batch.names) for _ in times])
        for key, rows in self.cols.items():
            rows.extend(cols[key].tolist())
        self.batch = None

    def finalize(self, ctx: ParserContext) -> list[Chunk]:
        columns: dict[str, pa.Array] = {}
        if self.batch is not None and not self.frames:  # all in one batch: its arrays as they are
            times, cols = self.batch.decode()
            ctx.timelines[ROS2_TIME].extend(times)
            self.frames = [self.batch.frame] * len(times)
            self.names = [self.batch.names] * len(times)
            columns = {key: _float_rows(arr) for key, arr in cols.items()}
        elif self.batch is not None:
            self._flush(ctx)
        names = lists(self.names, pa.utf8())
        out = []
        timelines = ctx.time_columns()
        from ._context import make_chunk

        for key, rows in self.cols.items():
            path = topic_entity_path(ctx.topic, key)
            values = columns[key] if columns else lists(rows, pa.float64())
            out.append(make_chunk(path, timelines, {SCALARS: values, SERIES_NAMES: names}))
        out.append(ctx.chunk({FRAME: frames_column(self.frames)}))
        return out


LATLON = pa.list_(pa.field("item", pa.float64(), False), 2)


class NavSatFixParser:
    def __init__(self, decode: Decode) -> None:
        self.decode = decode
        self.points: list[list[float]] = []
        self.altitude: list[list[float]] = []
        self.frames: list[str] = []

    def append(self, ctx: ParserContext, msg: Message) -> None:
        m = self.decode(msg.data)
        add_header_time(ctx, m.header)
        self.frames.append(m.header.frame_id)
        self.points.append([m.latitude, m.longitude])
        self.altitude.append([m.altitude])
        ctx.add_log_and_publish(msg)

    def finalize(self, ctx: ParserContext) -> list[Chunk]:
        comps = {
            rr_desc("GeoPoints", "positions", "LatLon"): unit_lists(
                fixed_lists(np.asarray(self.points, dtype=np.float64).reshape(-1, 2), pa.float64())
            ),
            custom_desc("altitude", "sensor_msgs.msg.NavSatFix"): _fixed_rows(self.altitude, 1),
            FRAME: frames_column(self.frames),
        }
        return [ctx.chunk(comps)]


_TF_TAIL = struct.Struct("<7d")


def _cdr_string(data: bytes, pos: int) -> tuple[str, int]:
    pos = 4 + ((pos - 4 + 3) & ~3)
    (n,) = struct.unpack_from("<I", data, pos)
    end = pos + 4 + n
    if n == 0 or end > len(data) or data[end - 1] != 0:
        raise ValueError("bad string")
    return data[pos + 4 : end - 1].decode("utf-8"), end


def _fast_tf(data: bytes) -> list[tuple[str, str, tuple[float, ...]]] | None:
    """tf2_msgs/TFMessage straight from little-endian CDR: (parent, child, xyz+xyzw) each."""
    if len(data) < 8 or data[1] != 1:
        return None
    try:
        (count,) = struct.unpack_from("<I", data, 4)
        pos, out = 8, []
        for _ in range(count):
            pos = 4 + ((pos - 4 + 3) & ~3) + 8  # stamp (sec, nanosec): not used for TF rows
            parent, pos = _cdr_string(data, pos)
            child, pos = _cdr_string(data, pos)
            pos = 4 + ((pos - 4 + 7) & ~7)
            out.append((parent, child, _TF_TAIL.unpack_from(data, pos)))
            pos += _TF_TAIL.size
    except (struct.error, ValueError, UnicodeDecodeError):
        return None
    return out if pos == len(data) else None


class TfParser:
    def __init__(self, decode: Decode) -> None:
        self.decode = decode
        self.translations: list[list[float]] = []
        self.quaternions: list[list[float]] = []
        self.parents: list[str] = []
        self.children: list[str] = []

    def append(self, ctx: ParserContext, msg: Message) -> None:
        fast = _fast_tf(bytes(msg.data))
        if fast is not None:
            for parent, child, v in fast:
                self.parents.append(parent)
                self.children.append(child)
                self.translations.append(list(v[0:3]))
                self.quaternions.append(list(v[3:7]))
            ctx.add_log_and_publish(msg, len(fast))
            return
        m = self.decode(msg.data)
        for t in m.transforms:
            self.parents.append(t.header.frame_id)
            self.children.append(t.child_frame_id)
            tr, q = t.transform.translation, t.transform.rotation
            self.translations.append([tr.x, tr.y, tr.z])
            self.quaternions.append([q.x, q.y, q.z, q.w])
        ctx.add_log_and_publish(msg, len(m.transforms))

    def finalize(self, ctx: ParserContext) -> list[Chunk]:
        f32 = pa.float32()
        comps = {
            rr_desc("Transform3D", "translation", "Translation3D"): unit_lists(
                fixed_lists(np.asarray(self.translations, dtype=np.float32).reshape(-1, 3), f32)
            ),
            rr_desc("Transform3D", "quaternion", "RotationQuat"): unit_lists(
                fixed_lists(np.asarray(self.quaternions, dtype=np.float32).reshape(-1, 4), f32)
            ),
            rr_desc("Transform3D", "child_frame", "TransformFrameId"): unit_lists(strings(self.children)),
            rr_desc("Transform3D", "parent_frame", "TransformFrameId"): unit_lists(strings(self.parents)),
        }
        # 0.41 keeps /tf_static on the message timelines too (no static chunk).
        return [ctx.chunk(comps)] if self.parents else []
