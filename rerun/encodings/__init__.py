"""Value types that components are built from (Rerun's `rerun.encodings`, formerly `datatypes`)."""

from __future__ import annotations

from ._annotation import AnnotationInfo, ClassDescription, ClassDescriptionMapElem
from ._batches import build
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
from ._time import TimeInt, TimeRange, TimeRangeBoundary, VisibleTimeRange

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


class TensorDimensionIndexSelection:
    """A fixed index along one tensor dimension."""

    def __init__(self, dimension: int, index: int) -> None:
        self.dimension = int(dimension)
        self.index = int(index)


__all__ += ["TensorDimensionIndexSelection", "TensorDimensionSelection"]
__all__ += [n for n in build(globals()) if n not in __all__]
