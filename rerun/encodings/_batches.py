"""`XBatch` classes, plain value classes and `XLike` aliases for the encodings (datatypes).

Most datatypes share Arrow type and conversion with a component type; the table says which.
"""

from __future__ import annotations

import enum
import inspect
from typing import Any

import numpy as np
import pyarrow as pa

from .. import _converters as cv
from .._baseclasses import BaseBatch, type_module

# datatype -> component type with the same Arrow type and conversion
SAME_AS_COMPONENT = {
    "Blob": "Blob",
    "Bool": "Bool",
    "ClassId": "ClassId",
    "DVec2D": "LatLon",
    "EntityPath": "EntityPath",
    "Float32": "Radius",
    "Float64": "Scalar",
    "IVec3D": "VoxelIndex",
    "ImageFormat": "ImageFormat",
    "KeypointId": "KeypointId",
    "Mat3x3": "TransformMat3x3",
    "Plane3D": "Plane3D",
    "Quaternion": "RotationQuat",
    "Range1D": "Range1D",
    "Rgba32": "Color",
    "RotationAxisAngle": "RotationAxisAngle",
    "SphericalHarmonics3Rgb": "SphericalHarmonics3Rgb",
    "TensorData": "TensorData",
    "TensorDimensionIndexSelection": "TensorDimensionIndexSelection",
    "TimeInt": "Timestamp",
    "UInt16": "ChannelId",
    "UInt32": "SphericalHarmonicsDegree",
    "UInt64": "Count",
    "UVec3D": "TriangleIndices",
    "Utf8": "Text",
    "Utf8Pair": "GraphEdge",
    "Vec2D": "Position2D",
    "Vec3D": "Position3D",
    "Vec4D": "RotationQuat",
    "VideoTimestamp": "VideoTimestamp",
    "ViewCoordinates": "ViewCoordinates",
}


class _Value:
    """A plain datatype value (e.g. `Float32(1.0)`), converted when batched."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self.value, dtype=dtype)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.value!r})"


# 0.41's name for a datatype's one constructor argument, where it is not `value`.
VALUE_ARGS = {
    **dict.fromkeys(("ClassId", "KeypointId"), "id"),
    **dict.fromkeys(("DVec2D", "UVec2D"), "xy"),
    **dict.fromkeys(("IVec3D", "UVec3D"), "xyz"),
    "UVec4D": "xyzw",
    "Blob": "data",
    "EntityPath": "path",
    "SphericalHarmonics3Rgb": "coefficients",
    "Uuid": "bytes",
    "VideoTimestamp": "timestamp_ns",
    "ViewCoordinates": "coordinates",
}


def _value_type(name: str, arg: str) -> type:
    """A `_Value` class whose one argument (and attribute) carries 0.41's name."""
    if arg == "value":
        return type(name, (_Value,), {"__module__": "rerun.encodings"})

    def __init__(self: _Value, *args: Any, **kwargs: Any) -> None:
        _Value.__init__(self, signature.bind(self, *args, **kwargs).arguments[arg])

    P = inspect.Parameter
    signature = inspect.Signature([P("self", P.POSITIONAL_OR_KEYWORD), P(arg, P.POSITIONAL_OR_KEYWORD)])
    __init__.__signature__ = signature  # type: ignore[attr-defined]
    body = {"__init__": __init__, "__module__": "rerun.encodings", arg: property(lambda self: self.value)}
    return type(name, (_Value,), body)


def _to_arrow(batch: type[BaseBatch]) -> staticmethod:  # type: ignore[type-arg]
    def native_to_pa_array_override(data: Any, data_type: Any) -> pa.Array:
        """Values of this type as an Arrow array (``data_type`` is the datatype's own)."""
        return batch(data).as_arrow_array()

    return staticmethod(native_to_pa_array_override)


def _batch(name: str, arrow: pa.DataType, convert: Any) -> type[BaseBatch]:
    return type(
        f"{name}Batch",
        (BaseBatch,),
        {
            "_COMPONENT_TYPE": f"rerun.datatypes.{name}",
            "_ARROW_DATATYPE": arrow,
            "_CONVERT": staticmethod(convert),
            "_NUMPY": getattr(convert, "numpy_dtype", None),
            "__module__": type_module("rerun.encodings", name),
        },
    )


def build(namespace: dict[str, Any]) -> list[str]:
    """Add batches, value classes and Like aliases to the encodings namespace; returns new names."""
    from ..components._table import COMPONENT_TYPES
    from ._image import ChannelDatatype, ColorModel, PixelFormat, ViewDir
    from ._time import TIME_RANGE_TYPE, VISIBLE_TIME_RANGE_TYPE, time_range_array, visible_time_range_array

    table: dict[str, tuple[pa.DataType, Any]] = {n: COMPONENT_TYPES[c] for n, c in SAME_AS_COMPONENT.items()}
    for enum_cls in (ChannelDatatype, ColorModel, PixelFormat, ViewDir):
        table[enum_cls.__name__] = (pa.uint8(), cv.enums(enum_cls, pa.uint8()))
    table["UVec2D"] = (cv.fixed_list(pa.uint32(), 2), cv.vectors(np.uint32, pa.uint32(), 2))
    table["UVec4D"] = (cv.fixed_list(pa.uint32(), 4), cv.vectors(np.uint32, pa.uint32(), 4))
    table["Uuid"] = (cv.fixed_list(pa.uint8(), 16), cv.vectors(np.uint8, pa.uint8(), 16))
    table["TimeRange"] = (TIME_RANGE_TYPE, time_range_array)
    table["VisibleTimeRange"] = (VISIBLE_TIME_RANGE_TYPE, visible_time_range_array)
    added = []
    for name, (arrow, convert) in table.items():
        namespace[f"{name}Batch"] = _batch(name, arrow, convert)
        if name not in namespace:
            namespace[name] = _value_type(name, VALUE_ARGS.get(name, "value"))
        cls = namespace[name]
        if (
            isinstance(cls, type)
            and not issubclass(cls, enum.Enum)
            and "native_to_pa_array_override" not in vars(cls)
        ):
            cls.native_to_pa_array_override = _to_arrow(namespace[f"{name}Batch"])  # type: ignore[attr-defined]
        namespace.setdefault(f"{name}Like", Any)
        namespace.setdefault(f"{name}ArrayLike", Any)
        added += [name, f"{name}Batch", f"{name}Like", f"{name}ArrayLike"]
    return sorted(set(added))
