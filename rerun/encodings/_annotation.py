"""Annotation context values: class ids with labels, colors and keypoint skeletons."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from rerun_core.types.descriptor import ComponentDescriptor

from .._baseclasses import BaseBatch, ComponentMixin, DescribedComponentBatch
from .._converters import colors, nn
from ._geometry import KeypointPair

_INFO = pa.struct([pa.field("id", pa.uint16(), nullable=False), ("label", pa.utf8()), ("color", pa.uint32())])
_PAIR = pa.struct(
    [pa.field("keypoint0", pa.uint16(), nullable=False), pa.field("keypoint1", pa.uint16(), nullable=False)]
)
CLASS_DESCRIPTION_TYPE = pa.struct(
    [
        pa.field("info", _INFO, nullable=False),
        pa.field("keypoint_annotations", pa.list_(nn(_INFO)), nullable=False),
        pa.field("keypoint_connections", pa.list_(nn(_PAIR)), nullable=False),
    ]
)
MAP_ELEM_TYPE = pa.struct(
    [
        pa.field("class_id", pa.uint16(), nullable=False),
        pa.field("class_description", CLASS_DESCRIPTION_TYPE, nullable=False),
    ]
)
ANNOTATION_CONTEXT_TYPE = pa.list_(nn(MAP_ELEM_TYPE))


class AnnotationInfo:
    """A class or keypoint id with an optional label and color."""

    def __init__(self, id: int, label: str | None = None, color: Any = None) -> None:
        self.id = int(id)
        self.label = None if label is None else str(label)
        self.color = None if color is None else _rgba(color)

    def __repr__(self) -> str:  # 0.41's attrs repr
        return annotation_info_repr(self.id, self.label, self.color)

    @staticmethod
    def from_like(data: AnnotationInfo | int | Sequence[Any]) -> AnnotationInfo:
        if isinstance(data, AnnotationInfo):
            return data
        if isinstance(data, int):
            return AnnotationInfo(id=data)
        return AnnotationInfo(*data)

    def row(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "color": self.color}


def _rgba(color: Any) -> int:
    """A packed RGBA u32 as 0.41's Rgba32 field reads one: channels from a sequence or an array,
    anything else through `int()` (so a float is a packed value, truncated)."""
    if hasattr(color, "rgba"):
        return int(color.rgba)
    if isinstance(color, (Sequence, np.ndarray)):
        return int(colors(color)[0].as_py())
    return int(color)


class ClassDescription:
    """What a class id means: its info, named keypoints and the lines between them."""

    def __init__(
        self,
        *,
        info: AnnotationInfo | int | Sequence[Any],
        keypoint_annotations: Sequence[Any] | None = None,
        keypoint_connections: Sequence[Any] | None = None,
    ) -> None:
        self.info = AnnotationInfo.from_like(info)
        self.keypoint_annotations = [AnnotationInfo.from_like(k) for k in keypoint_annotations or []]
        self.keypoint_connections = [KeypointPair.from_like(k) for k in keypoint_connections or []]

    @staticmethod
    def from_like(data: Any) -> ClassDescription:
        if isinstance(data, ClassDescription):
            return data
        if isinstance(data, ClassDescriptionMapElem):
            return data.class_description
        return ClassDescription(info=data)

    def row(self) -> dict[str, Any]:
        return {
            "info": self.info.row(),
            "keypoint_annotations": [k.row() for k in self.keypoint_annotations],
            "keypoint_connections": [
                {"keypoint0": p.keypoint0, "keypoint1": p.keypoint1} for p in self.keypoint_connections
            ],
        }

    def as_component_batches(self) -> list[DescribedComponentBatch]:
        """A lone ClassDescription logs as a one-class AnnotationContext archetype.

        Built here from the archetype's descriptor (a constant) rather than by constructing
        `rerun.archetypes.AnnotationContext`, so the encodings do not import the archetypes.
        """
        return [_AnnotationContextBatch([self]).described(ANNOTATION_CONTEXT_DESCRIPTOR)]


class ClassDescriptionMapElem:
    """One entry of an annotation context: class id -> description."""

    def __init__(self, class_id: int, class_description: ClassDescription) -> None:
        self.class_id = int(class_id)
        self.class_description = ClassDescription.from_like(class_description)


def annotation_context_array(data: Any) -> pa.Array:
    """An AnnotationContext component: one list of class descriptions per instance (always one)."""
    if isinstance(data, ComponentMixin):  # a `rerun.components.AnnotationContext` value
        data = data._native()
    if isinstance(data, (ClassDescription, AnnotationInfo)):
        data = [data]
    rows = []
    for item in data:
        desc = ClassDescription.from_like(item)
        rows.append({"class_id": desc.info.id, "class_description": desc.row()})
    return pa.array([rows], type=ANNOTATION_CONTEXT_TYPE)


# The `AnnotationContext` archetype's one field, as `rerun.archetypes.AnnotationContext` describes it.
ANNOTATION_CONTEXT_DESCRIPTOR = ComponentDescriptor(
    "AnnotationContext:context",
    archetype="rerun.archetypes.AnnotationContext",
    component_type="rerun.components.AnnotationContext",
)


# The AnnotationContext component's batch, for a lone ClassDescription (the public
# `rerun.components.AnnotationContextBatch` is built on the same type and converter).
_AnnotationContextBatch: type[BaseBatch[Any]] = type(
    "_AnnotationContextBatch",
    (BaseBatch,),
    {
        "_COMPONENT_TYPE": "rerun.components.AnnotationContext",
        "_ARROW_DATATYPE": ANNOTATION_CONTEXT_TYPE,
        "_CONVERT": staticmethod(annotation_context_array),
    },
)


def annotation_info_repr(id: int, label: str | None, color: int | None) -> str:
    """0.41's repr of an AnnotationInfo: label and color as their datatype values."""
    label_text = "None" if label is None else f"Utf8(value={label!r})"
    color_text = "None" if color is None else f"Rgba32(rgba={color!r})"
    return f"AnnotationInfo(id={id!r}, label={label_text}, color={color_text})"


def class_map_repr(class_map: list[dict[str, Any]]) -> str:
    """0.41's repr of an AnnotationContext's class map, from its Arrow values."""

    def info(d: dict[str, Any]) -> str:
        return annotation_info_repr(d["id"], d["label"], d["color"])

    def elem(d: dict[str, Any]) -> str:
        desc = d["class_description"]
        keypoints = ", ".join(info(k) for k in desc["keypoint_annotations"])
        connections = ", ".join(
            f"KeypointPair(keypoint0=KeypointId(id={c['keypoint0']!r}), keypoint1=KeypointId(id={c['keypoint1']!r}))"
            for c in desc["keypoint_connections"]
        )
        return (
            f"ClassDescriptionMapElem(class_id=ClassId(id={d['class_id']!r}), class_description=ClassDescription("
            f"info={info(desc['info'])}, keypoint_annotations=[{keypoints}], keypoint_connections=[{connections}]))"
        )

    return "[" + ", ".join(elem(d) for d in class_map) + "]"
