"""Rerun's Foxglove lenses: Protobuf messages of these schemas become archetypes.

Every lens puts the message's ``.timestamp`` on a ``timestamp`` timeline (next to log/publish time).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa

from rerun_core.store.chunk import Chunk

from ._arrow import blobs, fixed_lists, rr_desc, strings, unit_lists
from ._context import ParserContext
from ._foxglove_more import more_lenses as _more
from ._ros2_sensors import FRAME, frames_column, image_plane

Lens = Callable[[ParserContext, list[Any]], list[Chunk]]
TIMESTAMP = "timestamp"


def _with_timestamp(fn: Callable[[list[Any]], dict[Any, pa.Array]]) -> Lens:
    def lens(ctx: ParserContext, messages: list[Any]) -> list[Chunk]:
        comps = fn(messages)
        for m in messages:
            ctx.add_time(TIMESTAMP, m.timestamp.seconds * 1_000_000_000 + m.timestamp.nanos)
        return [ctx.chunk(comps)]

    return lens


def _f32(rows: list[list[float]]) -> pa.Array:
    k = len(rows[0]) if rows else 1
    return unit_lists(fixed_lists(np.asarray(rows, dtype=np.float32).reshape(-1, k), pa.float32()))


def _compressed_image(ms: list[Any]) -> dict[Any, pa.Array]:
    return {
        rr_desc("EncodedImage", "blob", "Blob"): unit_lists(blobs(bytes(m.data) for m in ms)),
        rr_desc("EncodedImage", "media_type", "MediaType"): unit_lists(
            strings(f"image/{m.format}" for m in ms)
        ),
        FRAME: frames_column(image_plane([m.frame_id for m in ms])),
    }


def _frame_transform(ms: list[Any]) -> dict[Any, pa.Array]:
    return {
        rr_desc("Transform3D", "translation", "Translation3D"): _f32(
            [[m.translation.x, m.translation.y, m.translation.z] for m in ms]
        ),
        rr_desc("Transform3D", "quaternion", "RotationQuat"): _f32(
            [[m.rotation.x, m.rotation.y, m.rotation.z, m.rotation.w] for m in ms]
        ),
        rr_desc("Transform3D", "parent_frame", "TransformFrameId"): unit_lists(
            strings(m.parent_frame_id for m in ms)
        ),
        rr_desc("Transform3D", "child_frame", "TransformFrameId"): unit_lists(
            strings(m.child_frame_id for m in ms)
        ),
    }


LATLON = pa.list_(pa.field("item", pa.float64(), False), 2)


def _location_fix(ms: list[Any]) -> dict[Any, pa.Array]:
    pts = np.asarray([[m.latitude, m.longitude] for m in ms], dtype=np.float64).reshape(-1, 2)
    return {
        rr_desc("GeoPoints", "positions", "LatLon"): unit_lists(fixed_lists(pts, pa.float64())),
        FRAME: frames_column([m.frame_id for m in ms]),
    }


_LEVELS = {"WARNING": "WARN", "FATAL": "CRITICAL", "UNKNOWN": None}


def _log(ms: list[Any]) -> dict[Any, pa.Array]:
    def level(m: Any) -> str | None:
        name = type(m).DESCRIPTOR.fields_by_name["level"].enum_type.values_by_number[m.level].name
        return _LEVELS.get(name, name)

    return {
        rr_desc("TextLog", "text", "Text"): unit_lists(strings(m.message for m in ms)),
        rr_desc("TextLog", "level", "TextLogLevel"): unit_lists(pa.array([level(m) for m in ms], pa.utf8())),
    }


def _pose_in_frame(ms: list[Any]) -> dict[Any, pa.Array]:
    p = [m.pose.position for m in ms]
    q = [m.pose.orientation for m in ms]
    return {
        rr_desc("InstancePoses3D", "translations", "Translation3D"): _f32([[v.x, v.y, v.z] for v in p]),
        rr_desc("InstancePoses3D", "quaternions", "RotationQuat"): _f32([[v.x, v.y, v.z, v.w] for v in q]),
        FRAME: frames_column([m.frame_id for m in ms]),
    }


FOXGLOVE_LENSES: dict[str, Lens] = {
    "foxglove.CompressedImage": _with_timestamp(_compressed_image),
    "foxglove.FrameTransform": _with_timestamp(_frame_transform),
    "foxglove.LocationFix": _with_timestamp(_location_fix),
    "foxglove.Log": _with_timestamp(_log),
    "foxglove.PoseInFrame": _with_timestamp(_pose_in_frame),
}

FOXGLOVE_LENSES.update(_more(_frame_transform, _location_fix))
