"""Value types that components are built from (Rerun's `rerun.encodings`, formerly `datatypes`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _datatype_batches
from . import _field_converters as _field_converters  # sets 0.41's per-field converters
from ._absolute_time_range import AbsoluteTimeRange as AbsoluteTimeRange
from ._absolute_time_range import AbsoluteTimeRangeArrayLike as AbsoluteTimeRangeArrayLike
from ._absolute_time_range import AbsoluteTimeRangeBatch as AbsoluteTimeRangeBatch
from ._absolute_time_range import AbsoluteTimeRangeLike as AbsoluteTimeRangeLike
from ._annotation import AnnotationInfo, ClassDescription, ClassDescriptionMapElem
from ._batches import build
from ._channel_count import (
    ChannelCountPair,
    ChannelCountPairArrayLike,
    ChannelCountPairBatch,
    ChannelCountPairLike,
)
from ._datatype_batches import AngleBatch as AngleBatch
from ._datatype_batches import AnnotationInfoBatch as AnnotationInfoBatch
from ._datatype_batches import ClassDescriptionBatch as ClassDescriptionBatch
from ._datatype_batches import ClassDescriptionMapElemBatch as ClassDescriptionMapElemBatch
from ._datatype_batches import KeypointPairBatch as KeypointPairBatch
from ._datatype_batches import TensorBufferBatch as TensorBufferBatch
from ._datatype_batches import TensorDimensionSelectionBatch as TensorDimensionSelectionBatch
from ._datatype_batches import TimeRangeBoundaryBatch as TimeRangeBoundaryBatch
from ._extra import Mat4x4, Mat4x4Batch, Range2D, Range2DBatch, TensorBuffer
from ._geometry import (
    Angle,
    AngleLike,
    KeypointPair,
    Mat3x3,
    Quaternion,
    Range1D,
    Rgba32,
    RotationAxisAngle,
    Utf8Pair,
    Vec2D,
    Vec3D,
    Vec4D,
)
from ._image import ChannelDatatype, ColorModel, ImageFormat, PixelFormat, TensorData, ViewDir
from ._plane import Plane3D as Plane3D
from ._time import TimeInt, TimeRange, TimeRangeBoundary, VisibleTimeRange

if TYPE_CHECKING:  # the names built from tables below, as type checkers should see them
    from ._declared import *  # noqa: F403

__all__ = [
    "Angle",
    "AngleLike",
    "AnnotationInfo",
    "ChannelDatatype",
    "ClassDescription",
    "ClassDescriptionMapElem",
    "ColorModel",
    "ImageFormat",
    "KeypointPair",
    "Mat3x3",
    "PixelFormat",
    "Quaternion",
    "Range1D",
    "Rgba32",
    "RotationAxisAngle",
    "TensorData",
    "TimeInt",
    "TimeRange",
    "TimeRangeBoundary",
    "Utf8Pair",
    "Vec2D",
    "Vec3D",
    "Vec4D",
    "ViewDir",
    "VisibleTimeRange",
]


class TensorDimensionSelection:
    """Which tensor dimension a view axis shows, optionally inverted."""

    def __init__(self, dimension: int, *, invert: bool = False) -> None:
        self.dimension = int(dimension)
        self.invert = bool(invert)

    def __repr__(self) -> str:  # 0.41's attrs repr (also for the components named after it)
        return f"{type(self).__name__}(dimension={self.dimension!r}, invert={self.invert!r})"


TensorDimensionSelection.native_to_pa_array_override = _datatype_batches.override(  # type: ignore[attr-defined]
    TensorDimensionSelectionBatch
)


class TensorDimensionIndexSelection:
    """A fixed index along one tensor dimension."""

    def __init__(self, dimension: int, index: int) -> None:
        self.dimension = int(dimension)
        self.index = int(index)


__all__ += ["TensorDimensionIndexSelection", "TensorDimensionSelection"]
__all__ += [n for n in build(globals()) if n not in __all__]
__all__ += ["Mat4x4", "Mat4x4Batch", "Range2D", "Range2DBatch", "TensorBuffer"]
__all__ += _datatype_batches.__all__
__all__ += [
    "AbsoluteTimeRange",
    "AbsoluteTimeRangeArrayLike",
    "AbsoluteTimeRangeBatch",
    "AbsoluteTimeRangeLike",
]
__all__ += ["ChannelCountPair", "ChannelCountPairArrayLike", "ChannelCountPairBatch", "ChannelCountPairLike"]
# What an argument of each type accepts; checked at run time by the converters.
for _name in (
    "Angle",
    "AnnotationInfo",
    "ClassDescription",
    "ClassDescriptionMapElem",
    "KeypointPair",
    "Mat4x4",
    "Range2D",
    "TensorBuffer",
    "TensorDimensionSelection",
    "TimeRangeBoundary",
):
    for _suffix in ("Like", "ArrayLike"):
        if f"{_name}{_suffix}" not in globals():
            globals()[f"{_name}{_suffix}"] = Any
            __all__.append(f"{_name}{_suffix}")

# 0.41's encodings are attrs classes, so each field is also a class attribute (`Vec3D.xyz`);
# instances set their own, and a name already on the class (a property) is left alone.
_CLASS_FIELDS = {
    "Angle": ("radians",),
    "AnnotationInfo": ("id", "label", "color"),
    "ClassDescription": ("info", "keypoint_annotations", "keypoint_connections"),
    "ClassDescriptionMapElem": ("class_id", "class_description"),
    "ImageFormat": ("width", "height", "pixel_format", "color_model", "channel_datatype"),
    "KeypointPair": ("keypoint0", "keypoint1"),
    "Mat3x3": ("flat_columns",),
    "Mat4x4": ("flat_columns",),
    "Quaternion": ("xyzw",),
    "Range1D": ("range",),
    "Range2D": ("x_range", "y_range"),
    "Rgba32": ("rgba",),
    "RotationAxisAngle": ("axis", "angle"),
    "TensorBuffer": ("inner",),
    "TensorData": ("names",),
    "TensorDimensionIndexSelection": ("dimension", "index"),
    "TensorDimensionSelection": ("dimension", "invert"),
    "Utf8Pair": ("first", "second"),
    "Vec3D": ("xyz",),
    **dict.fromkeys(("Bool", "Float32", "Float64", "UInt16", "UInt32", "UInt64", "Utf8"), ("value",)),
}
for _name, _fields in _CLASS_FIELDS.items():
    for _field in _fields:
        if not hasattr(globals()[_name], _field):
            setattr(globals()[_name], _field, None)
# Where 0.41's `XLike` is the class itself (its converters take only instances), at run time;
# type checkers keep the looser alias of `_declared.pyi`.
for _name in (
    "ImageFormat",
    "Plane3D",
    "Quaternion",
    "Range2D",
    "RotationAxisAngle",
    "TensorDimensionIndexSelection",
    "TimeRange",
    "VisibleTimeRange",
):
    globals()[f"{_name}Like"] = globals()[_name]
