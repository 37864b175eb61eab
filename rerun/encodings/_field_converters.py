"""0.41's per-field converters (`ImageFormat.pixel_format__field_converter_override` ...).

0.41's attrs classes run these on each field; code built on them (and the API surface) calls
them directly. Ours convert in the constructors; these are the same conversions, one field each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._annotation import AnnotationInfo, ClassDescription, ClassDescriptionMapElem
from ._extra import TensorBuffer
from ._geometry import Angle, KeypointPair, Rgba32, RotationAxisAngle, Utf8Pair
from ._image import ChannelDatatype, ColorModel, ImageFormat, PixelFormat


def _enum_field(enum_cls: Any) -> staticmethod:  # type: ignore[type-arg]
    def convert(data: Any) -> Any:
        return None if data is None else enum_cls.auto(data)

    return staticmethod(convert)


def _info(data: Any) -> AnnotationInfo:
    return AnnotationInfo.from_like(data)


def _infos(data: Sequence[Any] | None) -> list[AnnotationInfo] | None:
    return None if data is None else [AnnotationInfo.from_like(x) for x in data]


def _pairs(data: Sequence[Any] | None) -> list[KeypointPair] | None:
    return None if data is None else [KeypointPair.from_like(x) for x in data]


def rgba_u32(data: Any) -> int:
    """One color as its packed RGBA u32 (an `Rgba32`, a 3- or 4-sequence, an array, or an int)."""
    return Rgba32(data).rgba


def class_map_elems(data: Sequence[Any]) -> list[ClassDescriptionMapElem]:
    """`AnnotationContext.class_map`: map entries, class descriptions or their infos, as entries."""
    elems = []
    for item in data:
        if not isinstance(item, ClassDescriptionMapElem):
            desc = item if isinstance(item, ClassDescription) else ClassDescription(info=item)
            item = ClassDescriptionMapElem(class_id=desc.info.id, class_description=desc)
        elems.append(item)
    return elems


def _utf8_pair(item: Any) -> Utf8Pair:
    return item if isinstance(item, Utf8Pair) else Utf8Pair(*item)


def utf8_pairs(data: Any) -> list[Any]:
    """`KeyValuePairs.pairs`: a dict, or pairs / dicts / `Utf8Pair`s, as a list of pairs."""
    if isinstance(data, dict):
        return [_utf8_pair(kv) for kv in data.items()]
    if not hasattr(data, "__iter__") or isinstance(data, str):
        raise ValueError(f"Cannot convert {type(data)} to `KeyValuePairs`")
    pairs: list[Any] = []
    for item in data:
        if hasattr(item, "first") and hasattr(item, "second"):
            pairs.append(item)
        elif isinstance(item, dict):
            pairs.extend(_utf8_pair(kv) for kv in item.items())
        else:
            pairs.append(_utf8_pair(item))
    return pairs


def _angle(x: Any) -> Angle:
    return x if isinstance(x, Angle) else Angle(rad=x)


def _flat(inner: Any) -> np.ndarray:
    return np.asarray(inner).flatten()  # a tensor buffer is always flat


for _field, _enum in (
    ("pixel_format", PixelFormat),
    ("color_model", ColorModel),
    ("channel_datatype", ChannelDatatype),
):
    setattr(ImageFormat, f"{_field}__field_converter_override", _enum_field(_enum))
for _cls, _field, _convert in (
    (ClassDescription, "info", _info),
    (ClassDescription, "keypoint_annotations", _infos),
    (ClassDescription, "keypoint_connections", _pairs),
    (Rgba32, "rgba", rgba_u32),
    (RotationAxisAngle, "angle", _angle),
    (TensorBuffer, "inner", _flat),
):
    setattr(_cls, f"{_field}__field_converter_override", staticmethod(_convert))
