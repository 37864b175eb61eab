"""Rerun's ROS 2 lenses: reflected messages of these types become archetypes.

Each lens takes the decoded messages of one channel (one MCAP chunk) and returns the chunk Rerun's
lens would leave on that topic, with the reflection's timelines (log, publish, ``ros2_timestamp``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa

from rerun_core.store.chunk import Chunk

from ._arrow import custom_desc, fixed_lists, lists, rr_desc, strings, unit_lists
from ._context import ParserContext
from ._ros2_sensors import FRAME, IMAGE_FORMAT, frames_column, image_plane

Lens = Callable[[ParserContext, list[Any]], list[Chunk]]


def _f32(rows: list[list[float]]) -> pa.Array:
    k = len(rows[0]) if rows else 1
    return unit_lists(fixed_lists(np.asarray(rows, dtype=np.float32).reshape(-1, k), pa.float32()))


def _frames(messages: list[Any]) -> pa.Array:
    return frames_column([m.header.frame_id for m in messages])


def string_lens(ctx: ParserContext, messages: list[Any]) -> list[Chunk]:
    text = unit_lists(strings(m.data for m in messages))
    return [ctx.chunk({rr_desc("TextDocument", "text", "Text"): text})]


def measurement_lens(field: str, unit: str | None) -> Lens:
    def lens(ctx: ParserContext, messages: list[Any]) -> list[Chunk]:
        comps = {
            rr_desc("Measurements", "values", "Scalar"): lists(
                [[getattr(m, field)] for m in messages], pa.float64()
            ),
            rr_desc("Measurements", "variances", "Variance"): lists(
                [[m.variance] for m in messages], pa.float64()
            ),
            FRAME: _frames(messages),
        }
        if unit is not None:
            comps[rr_desc("Measurements", "units", "Unit")] = unit_lists(strings([unit] * len(messages)))
        return [ctx.chunk(comps)]

    return lens


def camera_info_lens(ctx: ParserContext, messages: list[Any]) -> list[Chunk]:
    frames = [m.header.frame_id for m in messages]
    comps = {
        # K is row-major; Rerun's projection matrix is column-major.
        rr_desc("Pinhole", "image_from_camera", "PinholeProjection"): _f32(
            [np.asarray(m.k, dtype=np.float64).reshape(3, 3).T.reshape(-1).tolist() for m in messages]
        ),
        rr_desc("Pinhole", "resolution", "Resolution"): _f32([[m.width, m.height] for m in messages]),
        rr_desc("Pinhole", "child_frame", "TransformFrameId"): unit_lists(strings(image_plane(frames))),
        rr_desc("Pinhole", "parent_frame", "TransformFrameId"): unit_lists(strings(frames)),
    }
    return [ctx.chunk(comps)]


LOG_LEVELS = {10: "DEBUG", 20: "INFO", 30: "WARN", 40: "ERROR", 50: "CRITICAL"}
LOG_COLORS = {20: (0, 128, 255), 30: (255, 165, 0), 40: (255, 0, 0), 50: (139, 0, 0)}


def _rgba(rgb: tuple[int, int, int]) -> int:
    r, g, b = rgb
    return (r << 24) | (g << 16) | (b << 8) | 0xFF


def log_lens(ctx: ParserContext, messages: list[Any]) -> list[Chunk]:
    arch = "rcl_interfaces.msg.Log"
    comps = {
        rr_desc("TextLog", "text", "Text"): unit_lists(strings(f"[{m.name}] {m.msg}" for m in messages)),
        rr_desc("TextLog", "level", "TextLogLevel"): unit_lists(
            strings(LOG_LEVELS.get(m.level, "UNKNOWN") for m in messages)
        ),
        rr_desc("TextLog", "color", "Color"): unit_lists(
            pa.array([_rgba(LOG_COLORS.get(m.level, (128, 128, 128))) for m in messages], pa.uint32())
        ),
        custom_desc("file", arch): unit_lists(strings(m.file for m in messages)),
        custom_desc("function", arch): unit_lists(strings(m.function for m in messages)),
        custom_desc("line", arch): unit_lists(pa.array([m.line for m in messages], pa.uint32())),
    }
    return [ctx.chunk(comps)]


def magnetic_field_lens(ctx: ParserContext, messages: list[Any]) -> list[Chunk]:
    vecs = [[m.magnetic_field.x, m.magnetic_field.y, m.magnetic_field.z] for m in messages]
    comps = {rr_desc("Arrows3D", "vectors", "Vector3D"): _f32(vecs), FRAME: _frames(messages)}
    return [ctx.chunk(comps)]


def pose_stamped_lens(ctx: ParserContext, messages: list[Any]) -> list[Chunk]:
    p = [m.pose.position for m in messages]
    q = [m.pose.orientation for m in messages]
    comps = {
        rr_desc("InstancePoses3D", "translations", "Translation3D"): _f32([[v.x, v.y, v.z] for v in p]),
        rr_desc("InstancePoses3D", "quaternions", "RotationQuat"): _f32([[v.x, v.y, v.z, v.w] for v in q]),
        FRAME: _frames(messages),
    }
    return [ctx.chunk(comps)]


RVIZ_MAP_COLORMAP = 10


def _map_buffer(m: Any) -> list[int]:
    """The grid as L8 pixels, rows bottom-up (ROS maps start at the origin corner)."""
    w, h = int(m.info.width), int(m.info.height)
    data = np.asarray(list(m.data), dtype=np.int64).astype(np.uint8)
    if w * h == 0 or len(data) < w * h:
        return data.tolist()
    return data[: w * h].reshape(h, w)[::-1].reshape(-1).tolist()


def occupancy_grid_lens(ctx: ParserContext, messages: list[Any]) -> list[Chunk]:
    info = [m.info for m in messages]
    fmt = [
        {"width": i.width, "height": i.height, "pixel_format": None, "color_model": 1, "channel_datatype": 6}
        for i in info
    ]
    comps = {
        rr_desc("GridMap", "data", "ImageBuffer"): unit_lists(
            lists([_map_buffer(m) for m in messages], pa.uint8())
        ),
        rr_desc("GridMap", "format", "ImageFormat"): unit_lists(pa.array(fmt, type=IMAGE_FORMAT)),
        rr_desc("GridMap", "cell_size", "CellSize"): unit_lists(
            pa.array([i.resolution for i in info], pa.float32())
        ),
        rr_desc("GridMap", "translation", "Translation3D"): _f32(
            [[i.origin.position.x, i.origin.position.y, i.origin.position.z] for i in info]
        ),
        rr_desc("GridMap", "quaternion", "RotationQuat"): _f32(
            [
                [
                    i.origin.orientation.x,
                    i.origin.orientation.y,
                    i.origin.orientation.z,
                    i.origin.orientation.w,
                ]
                for i in info
            ]
        ),
        rr_desc("GridMap", "colormap", "Colormap"): unit_lists(
            pa.array([RVIZ_MAP_COLORMAP] * len(info), pa.uint8())
        ),
        FRAME: _frames(messages),
    }
    return [ctx.chunk(comps)]


ROS2_LENSES: dict[str, Lens] = {
    "std_msgs/msg/String": string_lens,
    "sensor_msgs/msg/Temperature": measurement_lens("temperature", "°C"),
    "sensor_msgs/msg/FluidPressure": measurement_lens("fluid_pressure", "Pa"),
    "sensor_msgs/msg/Illuminance": measurement_lens("illuminance", "lux"),
    "sensor_msgs/msg/RelativeHumidity": measurement_lens("relative_humidity", None),
    "sensor_msgs/msg/CameraInfo": camera_info_lens,
    "rcl_interfaces/msg/Log": log_lens,
    "sensor_msgs/msg/MagneticField": magnetic_field_lens,
    "geometry_msgs/msg/PoseStamped": pose_stamped_lens,
    "nav_msgs/msg/OccupancyGrid": occupancy_grid_lens,
}


MARKED_COLOR = 0xFF0000FF
FREE_COLOR = 0x00FF00FF


def _nav2_voxels(m: Any) -> tuple[list[list[int]], list[int], list[float]]:
    """Known voxels (free or marked; unknown ones left out), y-major, then x, then z."""
    sx, sy, sz = int(m.size_x), int(m.size_y), int(m.size_z)
    data = list(m.data)
    idx, colors, values = [], [], []
    for y in range(sy):
        for x in range(sx):
            column = data[y * sx + x] if y * sx + x < len(data) else 0
            for z in range(sz):
                bits = bin(column & (((1 << 16) | 1) << z)).count("1")
                if bits == 1:
                    continue  # unknown
                marked = bits > 1
                idx.append([x, y, z])
                colors.append(MARKED_COLOR if marked else FREE_COLOR)
                values.append(1.0 if marked else 0.0)
    return idx, colors, values


def nav2_voxel_grid_lens(ctx: ParserContext, messages: list[Any]) -> list[Chunk]:
    grids = [_nav2_voxels(m) for m in messages]
    indices = [g[0] for g in grids]
    flat = np.asarray([v for r in indices for v in r], dtype=np.int32).reshape(-1, 3)
    offsets = np.zeros(len(indices) + 1, dtype=np.int32)
    np.cumsum([len(r) for r in indices], out=offsets[1:])
    comps = {
        rr_desc("VoxelGridMap", "voxel_indices", "VoxelIndex"): pa.ListArray.from_arrays(
            pa.array(offsets), fixed_lists(flat, pa.int32())
        ),
        rr_desc("VoxelGridMap", "colors", "Color"): lists([g[1] for g in grids], pa.uint32()),
        rr_desc("VoxelGridMap", "values", "VoxelValue"): lists([g[2] for g in grids], pa.float32()),
        rr_desc("VoxelGridMap", "voxel_size", "VoxelSize"): _f32(
            [[m.resolutions.x, m.resolutions.y, m.resolutions.z] for m in messages]
        ),
        rr_desc("VoxelGridMap", "translation", "Translation3D"): _f32(
            [[m.origin.x, m.origin.y, m.origin.z] for m in messages]
        ),
        rr_desc("VoxelGridMap", "opacity", "Opacity"): unit_lists(
            pa.array([0.5] * len(messages), pa.float32())
        ),
        FRAME: _frames(messages),
    }
    return [ctx.chunk(comps)]


ROS2_LENSES["nav2_msgs/msg/VoxelGrid"] = nav2_voxel_grid_lens
