"""The datatype table: Rerun datatype name -> (Arrow type, converter).

Why here: a component is a datatype under a name (`Radius` is a `Float32`, `Position3D` a
`Vec3D`), so the Arrow encoding belongs to the datatype. `rerun.encodings` builds its `XBatch`
classes from this table and `rerun.components._table` names its rows, so the encodings never
import the components (dependencies run one way: encodings -> components -> archetypes).
"""

from __future__ import annotations

import numbers
import operator
from typing import Any

import numpy as np
import pyarrow as pa

from .. import _converters as cv
from .._converters import Converter, fixed_list
from ._geometry import Mat3x3, RotationAxisAngle, Utf8Pair
from ._image import (
    IMAGE_FORMAT_TYPE,
    TENSOR_DATA_TYPE,
    ChannelDatatype,
    ColorModel,
    PixelFormat,
    ViewDir,
    image_format_array,
    tensor_data_array,
)
from ._time import TIME_RANGE_TYPE, VISIBLE_TIME_RANGE_TYPE, time_range_array, visible_time_range_array

F32, F64 = pa.float32(), pa.float64()
_ROTATION_AXIS_ANGLE = pa.struct(
    [pa.field("axis", fixed_list(F32, 3), nullable=False), pa.field("angle", F32, nullable=False)]
)
UTF8_PAIR = pa.struct(
    [pa.field("first", pa.utf8(), nullable=False), pa.field("second", pa.utf8(), nullable=False)]
)
DIM_SELECTION = pa.struct(
    [pa.field("dimension", pa.uint32(), nullable=False), pa.field("invert", pa.bool_(), nullable=False)]
)
_DIM_INDEX = pa.struct(
    [pa.field("dimension", pa.uint32(), nullable=False), pa.field("index", pa.uint64(), nullable=False)]
)


def _mat3x3(data: Any) -> pa.Array:
    """3x3 matrices in numpy row layout (or Mat3x3 objects), stored column-major; read as 0.41
    does: one matrix if the input reshapes to 3x3, else (unless it starts with a number) one per
    item. `len()` of a lone number is its TypeError."""
    if isinstance(data, Mat3x3):
        flat = data.flat_columns
    elif len(data) == 0:
        flat = np.zeros(0, np.float32)
    else:
        try:
            flat = Mat3x3(data).flat_columns
        except ValueError:
            if isinstance(data[0], numbers.Number):
                raise
            flat = np.hstack([Mat3x3(d).flat_columns for d in data]).ravel()
    values = pa.array(np.ascontiguousarray(flat, dtype=np.float32), type=F32)
    return pa.FixedSizeListArray.from_arrays(values, type=fixed_list(F32, 9))


def _rotation_axis_angle(data: Any) -> pa.Array:
    # As 0.41: anything but one rotation is iterated (TypeError when it can't be) and each item
    # read as a rotation (AttributeError for items without `.axis` / `.angle`).
    items = [data] if isinstance(data, RotationAxisAngle) else data
    axis_list = [x.axis for x in items]
    angle_list = [x.angle for x in items]
    axes = cv.vectors(np.float32, F32, 3)(np.array(axis_list, dtype=np.float32).reshape(-1, 3))
    angles = pa.array([float(a) for a in angle_list], type=F32)
    return pa.StructArray.from_arrays([axes, angles], fields=list(_ROTATION_AXIS_ANGLE))


def pairs(data: Any) -> list[tuple[str, str]]:
    """String pairs, as 0.41's Utf8Pair batch reads them: one `Utf8Pair`, or a sequence of
    `Utf8Pair`s and 2-item sequences (anything else in it is a ValueError; a non-iterable is a
    TypeError). Numpy input goes through `_utf8_pair_columns`."""
    if isinstance(data, Utf8Pair):
        return [(data.first, data.second)]
    out = []
    for item in data:
        if isinstance(item, Utf8Pair):
            out.append((item.first, item.second))
        elif hasattr(item, "__len__") and len(item) == 2:
            out.append((str(item[0]), str(item[1])))
        else:
            raise ValueError(f"Cannot convert {type(item)} to Utf8Pair")
    return out


def _utf8_pair_columns(data: np.ndarray) -> pa.Array:
    """A (N, 2) array: its columns as text (pyarrow refuses numbers, as in 0.41)."""
    if data.ndim != 2 or data.shape[1] != 2:
        raise ValueError(f"Expected a 2-column numpy array, got an array with shape {data.shape}")
    return pa.StructArray.from_arrays([cv.texts(data[:, 0]), cv.texts(data[:, 1])], fields=list(UTF8_PAIR))


def _utf8_pairs(data: Any) -> pa.Array:
    if isinstance(data, np.ndarray):
        return _utf8_pair_columns(data)
    rows = [{"first": a, "second": b} for a, b in pairs(data)]
    return pa.array(rows, type=UTF8_PAIR)


def _view_coordinates(data: Any) -> pa.Array:
    """Axis triples, read as 0.41 does: the input as one triple, else each item as one (a
    ViewCoordinates value, or 3 ViewDirs / names / ints). Ours also takes one 'RDF'-style string."""
    if _is_letters(data):
        rows = [[_view_dir(c) for c in data]]
    elif hasattr(data, "coordinates"):
        rows = [_axis_triple(data)]
    else:
        try:
            rows = [_axis_triple(data)]
        except (AttributeError, TypeError, ValueError):
            rows = [_axis_triple(item) for item in data]
    values = [d.value for row in rows for d in row]
    return pa.FixedSizeListArray.from_arrays(
        pa.array(values, type=pa.uint8()), type=fixed_list(pa.uint8(), 3)
    )


def _axis_triple(value: Any) -> list[ViewDir]:
    """One ViewCoordinates value (0.41's field converter): exactly 3 ViewDirs, names or ints."""
    if hasattr(value, "coordinates"):  # a ViewCoordinates value: its own triple
        value = value.coordinates
        if _is_letters(value):
            return [_view_dir(c) for c in value]
    try:
        items = iter(value)
    except TypeError as err:
        raise ValueError("coordinates must be an iterable of ViewDir values") from err
    dirs = [_axis(item) for item in items]
    if len(dirs) != 3:
        raise ValueError(f"coordinates must be a 3-element array. Got: {len(dirs)}")
    return dirs


def _is_letters(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 3 and all(c.upper() in "UDLRFB" for c in value)


def _axis(value: Any) -> ViewDir:
    if isinstance(value, (ViewDir, str)):
        return ViewDir.auto(value)  # type: ignore[no-any-return]
    if hasattr(type(value), "__index__"):
        return ViewDir.auto(operator.index(value))  # type: ignore[no-any-return]
    raise ValueError("coordinates must contain ViewDir values, names, or integers")


def _view_dir(letter: str) -> ViewDir:
    for d in ViewDir:
        if d.name[0] == letter.upper():
            return d
    raise ValueError(f"unknown view direction {letter!r} (use U, D, L, R, F, B)")


def dim_selection(data: Any) -> pa.Array:
    """TensorDimensionSelection values, read as 0.41 reads them: one selection (anything with
    `.dimension`, optional `.invert`), an int (that dimension, not inverted), a 0-d integer array
    n (dimensions 0..n-1; other arrays are a TypeError) or a sequence of selections (items without
    `.dimension` are an AttributeError). A dimension below 0 overflows uint32."""
    if hasattr(data, "dimension"):
        items = [(data.dimension, getattr(data, "invert", False))]
    elif isinstance(data, np.ndarray):
        items = [(d, False) for d in range(data)]  # type: ignore[call-overload]
    elif isinstance(data, int):
        items = [(data, False)]
    else:
        items = [(x.dimension, getattr(x, "invert", False)) for x in data]
    dims = np.asarray([int(d) for d, _ in items], dtype=np.uint32)
    inverts = np.asarray([bool(i) for _, i in items], dtype=np.bool_)
    return pa.StructArray.from_arrays([pa.array(dims), pa.array(inverts)], fields=list(DIM_SELECTION))


def _dim_index(data: Any) -> pa.Array:
    items = [data] if hasattr(data, "dimension") else list(data)
    return pa.array([{"dimension": int(x.dimension), "index": int(x.index)} for x in items], type=_DIM_INDEX)


_SH_TYPE = fixed_list(fixed_list(pa.float16(), 3), 15)


def _spherical_harmonics(data: Any) -> pa.Array:
    """15 RGB coefficient triples per instance (degree 1..3 terms), stored as float16."""
    arr = cv.as_numeric(data, np.float16)
    if arr.size % 45:
        raise ValueError(
            f"expected 15 RGB coefficients per instance (shape (N, 15, 3)), got shape {arr.shape}"
        )
    inner = pa.FixedSizeListArray.from_arrays(
        pa.array(arr.reshape(-1), type=pa.float16()), type=fixed_list(pa.float16(), 3)
    )
    return pa.FixedSizeListArray.from_arrays(inner, type=_SH_TYPE)


def _vectors(dtype: Any, arrow: pa.DataType, n: int) -> tuple[pa.DataType, Converter]:
    return fixed_list(arrow, n), cv.vectors(dtype, arrow, n)


def _scalars(dtype: Any, arrow: pa.DataType) -> tuple[pa.DataType, Converter]:
    return arrow, cv.scalars(dtype, arrow)


DATATYPES: dict[str, tuple[pa.DataType, Converter]] = {
    "Blob": (cv.BLOB, cv.blobs),
    "Bool": (pa.bool_(), cv.bools),
    "ClassId": _scalars(np.uint16, pa.uint16()),
    "DVec2D": _vectors(np.float64, F64, 2),
    "EntityPath": (pa.utf8(), cv.texts),
    "Float32": _scalars(np.float32, F32),
    "Float64": _scalars(np.float64, F64),
    "IVec3D": _vectors(np.int32, pa.int32(), 3),
    "ImageFormat": (IMAGE_FORMAT_TYPE, image_format_array),
    "KeypointId": _scalars(np.uint16, pa.uint16()),
    "Mat3x3": (fixed_list(F32, 9), _mat3x3),
    "Plane3D": _vectors(np.float32, F32, 4),
    "Quaternion": _vectors(np.float32, F32, 4),
    "Range1D": _vectors(np.float64, F64, 2),
    "Rgba32": (pa.uint32(), cv.colors),
    "RotationAxisAngle": (_ROTATION_AXIS_ANGLE, _rotation_axis_angle),
    "SphericalHarmonics3Rgb": (_SH_TYPE, _spherical_harmonics),
    "TensorData": (TENSOR_DATA_TYPE, tensor_data_array),
    "TensorDimensionIndexSelection": (_DIM_INDEX, _dim_index),
    "TimeInt": _scalars(np.int64, pa.int64()),  # as 0.41: np.asarray(data, int64), flattened
    "UInt16": _scalars(np.uint16, pa.uint16()),
    "UInt32": _scalars(np.uint32, pa.uint32()),
    "UInt64": _scalars(np.uint64, pa.uint64()),
    "UVec2D": _vectors(np.uint32, pa.uint32(), 2),
    "UVec3D": _vectors(np.uint32, pa.uint32(), 3),
    "UVec4D": _vectors(np.uint32, pa.uint32(), 4),
    "Utf8": (pa.utf8(), cv.texts),
    "Utf8Pair": (UTF8_PAIR, _utf8_pairs),
    "Uuid": _vectors(np.uint8, pa.uint8(), 16),
    "Vec2D": _vectors(np.float32, F32, 2),
    "Vec3D": _vectors(np.float32, F32, 3),
    "Vec4D": _vectors(np.float32, F32, 4),
    "VideoTimestamp": _scalars(np.int64, pa.int64()),
    "ViewCoordinates": (fixed_list(pa.uint8(), 3), _view_coordinates),
    "TimeRange": (TIME_RANGE_TYPE, time_range_array),
    "VisibleTimeRange": (VISIBLE_TIME_RANGE_TYPE, visible_time_range_array),
}
for _enum in (ChannelDatatype, ColorModel, PixelFormat, ViewDir):
    DATATYPES[_enum.__name__] = (pa.uint8(), cv.enums(_enum, pa.uint8()))
