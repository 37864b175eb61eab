"""Build one-row chunks of Rerun archetypes (Arrow types as rerun-sdk 0.41 logs them)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.types import ComponentDescriptor, TimeType, new_tuids

F32 = pa.float32()


def vec(dim: int) -> pa.DataType:
    return pa.list_(pa.field("item", F32, nullable=False), dim)


def vecs(values: Any, dim: int) -> pa.Array:
    arr = np.asarray(values, np.float32).reshape(-1, dim)
    return pa.FixedSizeListArray.from_arrays(pa.array(arr.reshape(-1), F32), dim)


def colors(values: Any) -> pa.Array:
    c = np.asarray(values, np.uint32).reshape(-1, 4 if np.asarray(values).shape[-1] == 4 else 3)
    if c.shape[1] == 3:
        c = np.c_[c, np.full(len(c), 255, np.uint32)]
    packed = (c[:, 0] << 24) | (c[:, 1] << 16) | (c[:, 2] << 8) | c[:, 3]
    return pa.array(packed.astype(np.uint32), pa.uint32())


def strips(values: list[Any], dim: int) -> pa.Array:
    inner = [np.asarray(s, np.float32).reshape(-1, dim) for s in values]
    offsets = np.concatenate([[0], np.cumsum([len(s) for s in inner])]).astype(np.int32)
    flat = vecs(np.concatenate(inner) if inner else np.zeros((0, dim)), dim)
    return pa.ListArray.from_arrays(pa.array(offsets), flat)


def image_format(w: int, h: int, color_model: int | None, channel: int | None) -> pa.Array:
    t = pa.struct(
        [
            pa.field("width", pa.uint32(), False),
            pa.field("height", pa.uint32(), False),
            pa.field("pixel_format", pa.uint8()),
            pa.field("color_model", pa.uint8()),
            pa.field("channel_datatype", pa.uint8()),
        ]
    )
    return pa.array(
        [
            {
                "width": w,
                "height": h,
                "pixel_format": None,
                "color_model": color_model,
                "channel_datatype": channel,
            }
        ],
        t,
    )


def image_buffer(arr: np.ndarray) -> pa.Array:
    data = pa.array(np.frombuffer(np.ascontiguousarray(arr).tobytes(), np.uint8), pa.uint8())
    return pa.ListArray.from_arrays(pa.array([0, len(data)], pa.int32()), data)


def image(arr: np.ndarray, archetype: str = "Image") -> dict[str, pa.Array]:
    dtypes = {np.uint8: 6, np.uint16: 8, np.float32: 34, np.int32: 11}
    model = None if archetype != "Image" else {2: 1, 3: 2, 4: 3}[arr.ndim if arr.ndim == 2 else arr.shape[2]]
    h, w = arr.shape[:2]
    return {
        "buffer": image_buffer(arr),
        "format": image_format(w, h, model, dtypes[arr.dtype.type]),
    }


def log(
    store: Any,
    path: str,
    archetype: str,
    fields: dict[str, pa.Array],
    *,
    time: int | None = None,
    timeline: str = "frame",
    timeline_type: TimeType = TimeType.SEQUENCE,
) -> Chunk:
    """Insert one row: ``fields`` maps archetype field -> flat array (one element per instance)."""
    comps = {}
    for name, arr in fields.items():
        desc = ComponentDescriptor(f"{archetype}:{name}", f"rerun.archetypes.{archetype}", None)
        offsets = pa.array([0, len(arr)], pa.int32())
        comps[desc] = pa.ListArray.from_arrays(offsets, arr)
    timelines = [] if time is None else [TimeColumn.from_values(timeline, timeline_type, [time])]
    chunk = Chunk.from_columns(path, new_tuids(1), timelines, comps)
    store.insert(chunk)
    return chunk


def _info_type() -> pa.DataType:
    return pa.struct(
        [pa.field("id", pa.uint16(), False), pa.field("label", pa.string()), pa.field("color", pa.uint32())]
    )


def annotation_context(classes: list[dict[str, Any]]) -> pa.Array:
    """One AnnotationContext instance: ``[{"id", "label", "color": 0xRRGGBBAA, "keypoints": [...],
    "connections": [(a, b)]}]`` (keypoints as ``{"id", "label", "color"}``)."""
    conn_t = pa.struct([pa.field("keypoint0", pa.uint16(), False), pa.field("keypoint1", pa.uint16(), False)])
    desc_t = pa.struct(
        [
            pa.field("info", _info_type(), False),
            pa.field("keypoint_annotations", pa.list_(pa.field("item", _info_type(), False)), False),
            pa.field("keypoint_connections", pa.list_(pa.field("item", conn_t, False)), False),
        ]
    )
    item_t = pa.struct(
        [pa.field("class_id", pa.uint16(), False), pa.field("class_description", desc_t, False)]
    )
    value = [
        {
            "class_id": c["id"],
            "class_description": {
                "info": {"id": c["id"], "label": c.get("label"), "color": c.get("color")},
                "keypoint_annotations": c.get("keypoints", []),
                "keypoint_connections": [
                    {"keypoint0": a, "keypoint1": b} for a, b in c.get("connections", [])
                ],
            },
        }
        for c in classes
    ]
    return pa.array([value], pa.list_(pa.field("item", item_t, False)))
