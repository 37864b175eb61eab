"""Foxglove lenses for images, video, calibration, point clouds and the batched (plural) schemas."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa

from rerun_core.store.chunk import Chunk

from ._arrow import blobs, fixed_lists, rr_desc, strings, unit_lists
from ._context import ParserContext
from ._ros2_sensors import FRAME, IMAGE_ENCODINGS, IMAGE_FORMAT, frames_column, image_plane

TIMESTAMP = "timestamp"
VIDEO_CODECS = {"h264": 0x61766331, "h265": 0x68657631, "av1": 0x61763031, "vp9": 0x76703039}
# PackedElementField.NumericType -> numpy little-endian dtype
NUMERIC = {1: "u1", 2: "i1", 3: "<u2", 4: "<i2", 5: "<u4", 6: "<i4", 7: "<f4", 8: "<f8"}


def _ns(ts: Any) -> int:
    return int(ts.seconds) * 1_000_000_000 + int(ts.nanos)


def _f32(rows: list[list[float]], k: int) -> pa.Array:
    return unit_lists(fixed_lists(np.asarray(rows, dtype=np.float32).reshape(-1, k), pa.float32()))


def _many_f32(rows: list[list[list[float]]], k: int) -> pa.Array:
    """One list of k-vectors per row."""
    flat = [v for r in rows for v in r]
    values = fixed_lists(np.asarray(flat, dtype=np.float32).reshape(-1, k), pa.float32())
    offsets = np.zeros(len(rows) + 1, dtype=np.int32)
    np.cumsum([len(r) for r in rows], out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def _stamped(
    fn: Callable[[list[Any]], dict[Any, pa.Array]],
) -> Callable[[ParserContext, list[Any]], list[Chunk]]:
    def lens(ctx: ParserContext, ms: list[Any]) -> list[Chunk]:
        comps = fn(ms)
        for m in ms:
            ctx.add_time(TIMESTAMP, _ns(m.timestamp))
        return [ctx.chunk(comps)]

    return lens


_CHANNELS = {1: 1, 2: 3, 3: 4, 4: 3, 5: 4}  # color model -> channels (no model: one)
_DT_BYTES = {6: 1, 7: 1, 8: 2, 9: 2, 10: 4, 11: 4, 34: 4, 35: 8}


def _image_bytes(width: int, height: int, pixel: int | None, color: int | None, dtype: int | None) -> int:
    if pixel == 26:  # NV12
        return width * height * 3 // 2
    if pixel == 27:  # YUY2
        return width * height * 2
    return width * height * _CHANNELS.get(color or 0, 1) * _DT_BYTES.get(dtype or 6, 1)


def _image_buffer(m: Any, pixel: int | None, color: int | None, dtype: int | None) -> bytes:
    """Rows without their padding (``step`` past the row size), the blob cut to the image size."""
    blob = bytes(m.data)
    height = int(m.height)
    total = _image_bytes(int(m.width), height, pixel, color, dtype)
    stride = int(m.step) if m.step else (len(blob) // height if height else 0)
    per_row = total // height if height else 0
    if stride > per_row and height > 0:
        return b"".join(blob[r * stride : r * stride + per_row] for r in range(height))
    return blob[:total] if len(blob) > total else blob


def _raw_image(ms: list[Any]) -> dict[Any, pa.Array]:
    """foxglove.RawImage: always ``Image`` (depth encodings too, unlike ROS 2's DepthImage)."""
    fmts, buffers = [], []
    for m in ms:
        pixel, color, dtype, _ = IMAGE_ENCODINGS[m.encoding]
        fmts.append(
            {
                "width": m.width,
                "height": m.height,
                "pixel_format": pixel,
                "color_model": color,
                "channel_datatype": dtype,
            }
        )
        buffers.append(_image_buffer(m, pixel, color, dtype))
    return {
        rr_desc("Image", "buffer", "ImageBuffer"): unit_lists(blobs(buffers)),
        rr_desc("Image", "format", "ImageFormat"): unit_lists(pa.array(fmts, type=IMAGE_FORMAT)),
        FRAME: frames_column(image_plane([m.frame_id for m in ms])),
    }


def _compressed_video(ms: list[Any]) -> dict[Any, pa.Array]:
    codecs = [VIDEO_CODECS.get(m.format.lower()) for m in ms]
    return {
        rr_desc("VideoStream", "sample", "VideoSample"): unit_lists(blobs(bytes(m.data) for m in ms)),
        rr_desc("VideoStream", "codec", "VideoCodec"): unit_lists(pa.array(codecs, pa.uint32())),
        FRAME: frames_column(image_plane([m.frame_id for m in ms])),
    }


def _camera_calibration(ms: list[Any]) -> dict[Any, pa.Array]:
    frames = [m.frame_id for m in ms]
    return {
        rr_desc("Pinhole", "image_from_camera", "PinholeProjection"): _f32(
            [np.asarray(list(m.K), dtype=np.float64).reshape(3, 3).T.reshape(-1).tolist() for m in ms], 9
        ),
        rr_desc("Pinhole", "resolution", "Resolution"): _f32([[m.width, m.height] for m in ms], 2),
        rr_desc("Pinhole", "child_frame", "TransformFrameId"): unit_lists(strings(image_plane(frames))),
        rr_desc("Pinhole", "parent_frame", "TransformFrameId"): unit_lists(strings(frames)),
    }


def _packed(m: Any, stride: int, names: tuple[str, ...]) -> list[np.ndarray] | None:
    fields = {f.name: f for f in m.fields}
    if not stride or any(n not in fields for n in names):
        return None
    data = np.frombuffer(bytes(m.data), dtype=np.uint8)
    n = len(data) // stride
    out = []
    for name in names:
        f = fields[name]
        dt = np.dtype(NUMERIC[f.type])
        idx = (np.arange(n) * stride + f.offset)[:, None] + np.arange(dt.itemsize)[None, :]
        out.append(data[idx].copy().view(dt).reshape(-1))
    return out


def _colors(m: Any, stride: int) -> list[int] | None:
    """Packed RGBA per element from red/green/blue(/alpha) fields (floats are 0..1), or None."""
    rgb = _packed(m, stride, ("red", "green", "blue"))
    if rgb is None:
        return None
    alpha = _packed(m, stride, ("alpha",))
    chans = [*rgb, alpha[0] if alpha else np.full(len(rgb[0]), 255, dtype=np.uint8)]
    c = [
        np.clip(np.asarray(v, dtype=np.float64) * (255 if v.dtype.kind == "f" else 1), 0, 255) for v in chans
    ]
    r, g, b, a = (x.astype(np.uint32) for x in c)
    return ((r << 24) | (g << 16) | (b << 8) | a).tolist()


def _voxel_grid(ms: list[Any]) -> dict[Any, pa.Array]:
    indices: list[list[list[int]]] = []
    for m in ms:
        rows, cols = int(m.row_count), int(m.column_count)
        sl, rs, cs, n = int(m.slice_stride), int(m.row_stride), int(m.cell_stride), len(m.data)
        if not (rows and cols and sl and rs and cs):
            indices.append([])
            continue
        cells = [
            [x, y, z]
            for z in range(n // sl)
            for y in range(rows)
            for x in range(cols)
            if z * sl + y * rs + x * cs + cs <= n
        ]
        indices.append(cells)
    flat = np.asarray([v for r in indices for v in r], dtype=np.int32).reshape(-1, 3)
    offsets = np.zeros(len(indices) + 1, dtype=np.int32)
    np.cumsum([len(r) for r in indices], out=offsets[1:])
    return {
        FRAME: frames_column([m.frame_id for m in ms]),
        rr_desc("VoxelGridMap", "voxel_indices", "VoxelIndex"): pa.ListArray.from_arrays(
            pa.array(offsets), fixed_lists(flat, pa.int32())
        ),
        rr_desc("VoxelGridMap", "voxel_size", "VoxelSize"): _f32(
            [[m.cell_size.x, m.cell_size.y, m.cell_size.z] for m in ms], 3
        ),
        rr_desc("VoxelGridMap", "colors", "Color"): pa.array(
            [_colors(m, m.cell_stride) for m in ms], pa.list_(pa.uint32())
        ),
        rr_desc("VoxelGridMap", "translation", "Translation3D"): _f32(
            [[m.pose.position.x, m.pose.position.y, m.pose.position.z] for m in ms], 3
        ),
        rr_desc("VoxelGridMap", "quaternion", "RotationQuat"): _f32(
            [
                [m.pose.orientation.x, m.pose.orientation.y, m.pose.orientation.z, m.pose.orientation.w]
                for m in ms
            ],
            4,
        ),
    }


def _point_cloud(ms: list[Any]) -> dict[Any, pa.Array]:
    positions: list[list[list[float]]] = []
    colors: list[list[int] | None] = []
    for m in ms:
        xyz = _packed(m, m.point_stride, ("x", "y", "z"))
        positions.append(np.stack(xyz, axis=1).astype(np.float32).tolist() if xyz else [])
        colors.append(_colors(m, m.point_stride))
    return {
        rr_desc("Points3D", "positions", "Position3D"): _many_f32(positions, 3),
        rr_desc("Points3D", "colors", "Color"): pa.array(colors, pa.list_(pa.uint32())),
        rr_desc("InstancePoses3D", "translations", "Translation3D"): _f32(
            [[m.pose.position.x, m.pose.position.y, m.pose.position.z] for m in ms], 3
        ),
        rr_desc("InstancePoses3D", "quaternions", "RotationQuat"): _f32(
            [
                [m.pose.orientation.x, m.pose.orientation.y, m.pose.orientation.z, m.pose.orientation.w]
                for m in ms
            ],
            4,
        ),
        FRAME: frames_column([m.frame_id for m in ms]),
    }


def _poses_in_frame(ms: list[Any]) -> dict[Any, pa.Array]:
    return {
        rr_desc("InstancePoses3D", "translations", "Translation3D"): _many_f32(
            [[[p.position.x, p.position.y, p.position.z] for p in m.poses] for m in ms], 3
        ),
        rr_desc("InstancePoses3D", "quaternions", "RotationQuat"): _many_f32(
            [
                [[p.orientation.x, p.orientation.y, p.orientation.z, p.orientation.w] for p in m.poses]
                for m in ms
            ],
            4,
        ),
        FRAME: frames_column([m.frame_id for m in ms]),
    }


def _exploded(
    items: str, fn: Callable[[list[Any]], dict[Any, pa.Array]]
) -> Callable[[ParserContext, list[Any]], list[Chunk]]:
    """The plural schemas: one row per element, each on its own ``timestamp`` (log times repeat)."""

    def lens(ctx: ParserContext, ms: list[Any]) -> list[Chunk]:
        from ._context import LOG_TIME, PUBLISH_TIME

        log, pub = ctx.timelines.get(LOG_TIME, []), ctx.timelines.get(PUBLISH_TIME, [])
        flat, new_log, new_pub = [], [], []
        for k, m in enumerate(ms):
            elems = list(getattr(m, items))
            flat.extend(elems)
            new_log.extend([log[k]] * len(elems))
            new_pub.extend([pub[k]] * len(elems))
        ctx.timelines = {LOG_TIME: new_log, PUBLISH_TIME: new_pub}
        for e in flat:
            ctx.add_time(TIMESTAMP, _ns(e.timestamp))
        return [ctx.chunk(fn(flat))] if flat else []

    return lens


def more_lenses(
    frame_transform: Callable[[list[Any]], dict[Any, pa.Array]],
    location_fix: Callable[[list[Any]], dict[Any, pa.Array]],
) -> dict[str, Any]:
    return {
        "foxglove.RawImage": _stamped(_raw_image),
        "foxglove.CompressedVideo": _stamped(_compressed_video),
        "foxglove.CameraCalibration": _stamped(_camera_calibration),
        "foxglove.PointCloud": _stamped(_point_cloud),
        "foxglove.VoxelGrid": _stamped(_voxel_grid),
        "foxglove.PosesInFrame": _stamped(_poses_in_frame),
        "foxglove.FrameTransforms": _exploded("transforms", frame_transform),
        "foxglove.LocationFixes": _exploded("fixes", location_fix),
    }
