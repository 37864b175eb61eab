"""The datatype table: Rerun datatype name -> (Arrow type, converter).

Why here: a component is a datatype under a name (`Radius` is a `Float32`, `Position3D` a
`Vec3D`), so the Arrow encoding belongs to the datatype. `rerun.encodings` builds its `XBatch`
classes from this table and `rerun.components._table` names its rows, so the encodings never
import the components (dependencies run one way: encodings -> components -> archetypes).
"""

from __future__ import annotations

import numbers
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
    """3x3 matrices in numpy row layout (or Mat3x3 objects), stored column-major."""
    if isinstance(data, Mat3x3):
        mats = [data]
    else:
        arr = cv.as_numeric(data, np.float32) if not _has_objects(data) else None
        if arr is not None and arr.size == 9:
            mats = [Mat3x3(arr)]
        elif arr is not None and arr.size % 9 == 0 and arr.ndim == 3:
            mats = [Mat3x3(m) for m in arr]
        elif arr is None:
            mats = [m if isinstance(m, Mat3x3) else Mat3x3(m) for m in data]
        else:
            raise ValueError(f"expected a 3x3 matrix (9 values), got shape {arr.shape}")
    flat = np.concatenate([m.flat_columns for m in mats]) if mats else np.zeros(0, np.float32)
    return pa.FixedSizeListArray.from_arrays(pa.array(flat, type=F32), type=fixed_list(F32, 9))


def _has_objects(data: Any) -> bool:
    return isinstance(data, (list, tuple)) and any(isinstance(x, Mat3x3) for x in data)


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
    """Axis triples: 'RDF'-style strings, ViewDir sequences or ViewCoordinates values."""
    if hasattr(data, "coordinates") or isinstance(data, str):
        data = [data]
    elif len(data) and isinstance(data[0], (numbers.Integral, ViewDir)):
        data = [data]
    rows = []
    for item in data:
        coords = getattr(item, "coordinates", item)
        if isinstance(coords, str):
            coords = [_view_dir(c) for c in coords]
        vals = [ViewDir.auto(c).value if not isinstance(c, numbers.Integral) else int(c) for c in coords]
        if len(vals) != 3:
            raise ValueError(f"expected 3 axis directions, got {coords!r}")
        rows.extend(vals)
    return pa.FixedSizeListArray.from_arrays(pa.array(rows, type=pa.uint8()), type=fixed_list(pa.uint8(), 3))


def _view_dir(letter: str) -> ViewDir:
    for d in ViewDir:
        if d.name[0] == letter.upper():
            return d
    raise ValueError(f"unknown view direction {letter!r} (use U, D, L, R, F, B)")


def dim_selection(data: Any) -> pa.Array:
    """TensorDimensionSelection values (anything with `.dimension` and optional `.invert`)."""
    items = [data] if hasattr(data, "dimension") else list(data)
    rows = [{"dimension": int(x.dimension), "invert": bool(getattr(x, "invert", False))} for x in items]
    return pa.array(rows, type=DIM_SELECTION)


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
