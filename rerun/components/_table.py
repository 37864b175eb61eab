"""The component type table: Rerun component name -> (Arrow type, converter).

One row per component type; the batch and single-value classes in `rerun.components` are
made from this table.
"""

from __future__ import annotations

import datetime as _dt
import numbers
from typing import Any

import numpy as np
import pyarrow as pa

from .. import _converters as cv
from .._converters import Converter, fixed_list, nn, var_list
from ..encodings import Mat3x3, RotationAxisAngle, Utf8Pair, ViewDir
from ..encodings._annotation import ANNOTATION_CONTEXT_TYPE, annotation_context_array
from ..encodings._image import IMAGE_FORMAT_TYPE, TENSOR_DATA_TYPE, image_format_array, tensor_data_array
from ._enums import ENUM_COMPONENTS

F32, F64 = pa.float32(), pa.float64()
_ROTATION_AXIS_ANGLE = pa.struct(
    [pa.field("axis", fixed_list(F32, 3), nullable=False), pa.field("angle", F32, nullable=False)]
)
_UTF8_PAIR = pa.struct(
    [pa.field("first", pa.utf8(), nullable=False), pa.field("second", pa.utf8(), nullable=False)]
)
_CHANNEL_COUNT = pa.struct(
    [
        pa.field("channel_id", pa.uint16(), nullable=False),
        pa.field("message_count", pa.uint64(), nullable=False),
    ]
)
_DIM_SELECTION = pa.struct(
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
    items = [data] if isinstance(data, RotationAxisAngle) else list(data)
    if not all(isinstance(x, RotationAxisAngle) for x in items):
        raise TypeError("expected RotationAxisAngle values")
    axes = cv.vectors(np.float32, F32, 3)(np.array([x.axis for x in items]).reshape(-1, 3))
    angles = pa.array([x.angle.radians for x in items], type=F32)
    return pa.StructArray.from_arrays([axes, angles], fields=list(_ROTATION_AXIS_ANGLE))


def _pairs(data: Any) -> list[tuple[str, str]]:
    if isinstance(data, Utf8Pair) or (
        isinstance(data, (tuple, list)) and len(data) == 2 and all(isinstance(x, str) for x in data)
    ):
        data = [data]
    out = []
    for item in data:
        first, second = item
        out.append((str(first), str(second)))
    return out


def _utf8_pairs(data: Any) -> pa.Array:
    rows = [{"first": a, "second": b} for a, b in _pairs(data)]
    return pa.array(rows, type=_UTF8_PAIR)


def _key_value_pairs(data: Any) -> pa.Array:
    items = list(data.items()) if isinstance(data, dict) else _pairs(data)
    return pa.array([[{"first": str(k), "second": str(v)} for k, v in items]], type=var_list(_UTF8_PAIR))


def _channel_counts(data: Any) -> pa.Array:
    items = list(data.items()) if isinstance(data, dict) else list(data)
    rows = [{"channel_id": int(k), "message_count": int(v)} for k, v in items]
    return pa.array([rows], type=var_list(_CHANNEL_COUNT))


def _nanos(value: Any) -> int:
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        return round(value.timestamp() * 1e9)
    if isinstance(value, np.datetime64):
        return int(value.astype("datetime64[ns]").astype(np.int64))
    if isinstance(value, _dt.timedelta):
        return round(value.total_seconds() * 1e9)
    if isinstance(value, np.timedelta64):
        return int(value.astype("timedelta64[ns]").astype(np.int64))
    if isinstance(value, numbers.Integral):
        return int(value)
    raise TypeError(
        f"expected a timestamp (int nanoseconds, datetime, numpy datetime64), got {cv.describe(value)}"
    )


def _timestamps(data: Any) -> pa.Array:
    if isinstance(data, np.ndarray):
        if np.issubdtype(data.dtype, np.datetime64):
            data = data.astype("datetime64[ns]").astype(np.int64)
        return pa.array(cv.as_numeric(data, np.int64).ravel(), type=pa.int64())
    items = [data] if not isinstance(data, (list, tuple)) else data
    return pa.array([_nanos(x) for x in items], type=pa.int64())


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


def _dim_selection(data: Any) -> pa.Array:
    items = [data] if hasattr(data, "dimension") else list(data)
    rows = [{"dimension": int(x.dimension), "invert": bool(getattr(x, "invert", False))} for x in items]
    return pa.array(rows, type=_DIM_SELECTION)


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


def _f32(n: int = 1) -> tuple[pa.DataType, Converter]:
    if n == 1:
        return F32, cv.scalars(np.float32, F32)
    return fixed_list(F32, n), cv.vectors(np.float32, F32, n)


_F64 = (F64, cv.scalars(np.float64, F64))
_TEXT = (pa.utf8(), cv.texts)
_BOOL = (pa.bool_(), cv.bools)
_BLOB = (cv.BLOB, cv.blobs)
_U16 = (pa.uint16(), cv.scalars(np.uint16, pa.uint16()))
_RGBA = (pa.uint32(), cv.colors)
_RANGE = (fixed_list(F64, 2), cv.vectors(np.float64, F64, 2))
_MAT3 = (fixed_list(F32, 9), _mat3x3)

COMPONENT_TYPES: dict[str, tuple[pa.DataType, Converter]] = {
    "AlbedoFactor": _RGBA,
    "AnnotationContext": (ANNOTATION_CONTEXT_TYPE, annotation_context_array),
    "AxisLength": _f32(),
    "Blob": _BLOB,
    "Bool": _BOOL,
    "CellSize": _f32(),
    "ChannelId": _U16,
    "ChannelMessageCounts": (var_list(_CHANNEL_COUNT), _channel_counts),
    "ClassId": _U16,
    "ClearIsRecursive": _BOOL,
    "Color": _RGBA,
    "Count": (pa.uint64(), cv.scalars(np.uint64, pa.uint64())),
    "DepthMeter": _f32(),
    "DrawOrder": _f32(),
    "EntityPath": _TEXT,
    "FillRatio": _f32(),
    "Flag": _BOOL,
    "GammaCorrection": _f32(),
    "GeoLineString": (var_list(fixed_list(F64, 2)), cv.ragged_vectors(np.float64, F64, 2)),
    "GraphEdge": (_UTF8_PAIR, _utf8_pairs),
    "GraphNode": _TEXT,
    "HalfSize2D": _f32(2),
    "HalfSize3D": _f32(3),
    "ImageBuffer": _BLOB,
    "ImageFormat": (IMAGE_FORMAT_TYPE, image_format_array),
    "ImagePlaneDistance": _f32(),
    "Interactive": _BOOL,
    "IsKeyframe": _BOOL,
    "KeyValuePairs": (var_list(_UTF8_PAIR), _key_value_pairs),
    "KeypointId": _U16,
    "LatLon": (fixed_list(F64, 2), cv.vectors(np.float64, F64, 2)),
    "Length": _f32(),
    "LineStrip2D": (var_list(fixed_list(F32, 2)), cv.ragged_vectors(np.float32, F32, 2)),
    "LineStrip3D": (var_list(fixed_list(F32, 3)), cv.ragged_vectors(np.float32, F32, 3)),
    "LinearSpeed": _F64,
    "MarkerSize": _f32(),
    "MediaType": _TEXT,
    "Name": _TEXT,
    "Opacity": _f32(),
    "OpticalDensity": _f32(),
    "PinholeProjection": _MAT3,
    "Plane3D": _f32(4),
    "Position2D": _f32(2),
    "Position3D": _f32(3),
    "Radius": _f32(),
    "Range1D": _RANGE,
    "Resolution": _f32(2),
    "RotationAxisAngle": (_ROTATION_AXIS_ANGLE, _rotation_axis_angle),
    "RotationQuat": _f32(4),
    "Scalar": _F64,
    "Scale3D": _f32(3),
    "SchemaId": _U16,
    "ShowLabels": _BOOL,
    "SphericalHarmonics3Rgb": (_SH_TYPE, _spherical_harmonics),
    "SphericalHarmonicsDegree": (pa.uint32(), cv.scalars(np.uint32, pa.uint32())),
    "StrokeWidth": _f32(),
    "TensorData": (TENSOR_DATA_TYPE, tensor_data_array),
    "TensorDimensionIndexSelection": (_DIM_INDEX, _dim_index),
    "TensorHeightDimension": (_DIM_SELECTION, _dim_selection),
    "TensorWidthDimension": (_DIM_SELECTION, _dim_selection),
    "Texcoord2D": _f32(2),
    "Text": _TEXT,
    "TextLogLevel": _TEXT,
    "Thumbnail": _BLOB,
    "Timestamp": (pa.int64(), _timestamps),
    "TransformFrameId": _TEXT,
    "TransformMat3x3": _MAT3,
    "Translation3D": _f32(3),
    "TriangleIndices": (fixed_list(pa.uint32(), 3), cv.vectors(np.uint32, pa.uint32(), 3)),
    "Unit": _TEXT,
    "Url": _TEXT,
    "ValueRange": _RANGE,
    "Variance": _F64,
    "Vector2D": _f32(2),
    "Vector3D": _f32(3),
    "VideoSample": _BLOB,
    "VideoTimestamp": (pa.int64(), cv.scalars(np.int64, pa.int64())),
    "ViewCoordinates": (fixed_list(pa.uint8(), 3), _view_coordinates),
    "Visible": _BOOL,
    "VoxelIndex": (fixed_list(pa.int32(), 3), cv.vectors(np.int32, pa.int32(), 3)),
    "VoxelSize": _f32(3),
    "VoxelValue": _f32(),
}

for _name, _cls in ENUM_COMPONENTS.items():
    _arrow = pa.uint32() if _name == "VideoCodec" else pa.uint8()
    COMPONENT_TYPES[_name] = (_arrow, cv.enums(_cls, _arrow))

__all__ = ["COMPONENT_TYPES", "nn"]
