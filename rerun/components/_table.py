"""The component type table: Rerun component name -> (Arrow type, converter).

One row per component type; the batch and single-value classes in `rerun.components` are
made from this table. Most components are a datatype under a name, so their row is the
datatype's (`rerun.encodings._table`); only component-only encodings are defined here.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from .. import _converters as cv
from .._converters import Converter, nn, var_list
from ..encodings._annotation import ANNOTATION_CONTEXT_TYPE, annotation_context_array
from ..encodings._table import DATATYPES, DIM_SELECTION, UTF8_PAIR, dim_selection, pairs
from ._enums import ENUM_COMPONENTS
from ._line_strips import line_strips

_CHANNEL_COUNT = pa.struct(
    [
        pa.field("channel_id", pa.uint16(), nullable=False),
        pa.field("message_count", pa.uint64(), nullable=False),
    ]
)


def _key_value_pairs(data: Any) -> pa.Array:
    items = list(data.items()) if isinstance(data, dict) else pairs(data)
    return pa.array([[{"first": str(k), "second": str(v)} for k, v in items]], type=var_list(UTF8_PAIR))


def _channel_counts(data: Any) -> pa.Array:
    items = list(data.items()) if isinstance(data, dict) else list(data)
    rows = [{"channel_id": int(k), "message_count": int(v)} for k, v in items]
    return pa.array([rows], type=var_list(_CHANNEL_COUNT))


# component type -> the datatype it is (same Arrow type and conversion)
_IS_DATATYPE = {
    "AlbedoFactor": "Rgba32",
    "AxisLength": "Float32",
    "Blob": "Blob",
    "Bool": "Bool",
    "CellSize": "Float32",
    "ChannelId": "UInt16",
    "ClassId": "ClassId",
    "ClearIsRecursive": "Bool",
    "Color": "Rgba32",
    "Count": "UInt64",
    "DepthMeter": "Float32",
    "DrawOrder": "Float32",
    "EntityPath": "EntityPath",
    "FillRatio": "Float32",
    "Flag": "Bool",
    "GammaCorrection": "Float32",
    "GraphEdge": "Utf8Pair",
    "GraphNode": "Utf8",
    "HalfSize2D": "Vec2D",
    "HalfSize3D": "Vec3D",
    "ImageBuffer": "Blob",
    "ImageFormat": "ImageFormat",
    "ImagePlaneDistance": "Float32",
    "Interactive": "Bool",
    "IsKeyframe": "Bool",
    "KeypointId": "KeypointId",
    "LatLon": "DVec2D",
    "Length": "Float32",
    "LinearSpeed": "Float64",
    "MarkerSize": "Float32",
    "MediaType": "Utf8",
    "Name": "Utf8",
    "Opacity": "Float32",
    "OpticalDensity": "Float32",
    "PinholeProjection": "Mat3x3",
    "Plane3D": "Plane3D",
    "Position2D": "Vec2D",
    "Position3D": "Vec3D",
    "Radius": "Float32",
    "Range1D": "Range1D",
    "Resolution": "Vec2D",
    "RotationAxisAngle": "RotationAxisAngle",
    "RotationQuat": "Quaternion",
    "Scalar": "Float64",
    "Scale3D": "Vec3D",
    "SchemaId": "UInt16",
    "ShowLabels": "Bool",
    "SphericalHarmonics3Rgb": "SphericalHarmonics3Rgb",
    "SphericalHarmonicsDegree": "UInt32",
    "StrokeWidth": "Float32",
    "TensorData": "TensorData",
    "TensorDimensionIndexSelection": "TensorDimensionIndexSelection",
    "Texcoord2D": "Vec2D",
    "Text": "Utf8",
    "TextLogLevel": "Utf8",
    "Thumbnail": "Blob",
    "Timestamp": "TimeInt",
    "TransformFrameId": "Utf8",
    "TransformMat3x3": "Mat3x3",
    "Translation3D": "Vec3D",
    "TriangleIndices": "UVec3D",
    "Unit": "Utf8",
    "Url": "Utf8",
    "ValueRange": "Range1D",
    "Variance": "Float64",
    "Vector2D": "Vec2D",
    "Vector3D": "Vec3D",
    "VideoSample": "Blob",
    "VideoTimestamp": "VideoTimestamp",
    "ViewCoordinates": "ViewCoordinates",
    "Visible": "Bool",
    "VoxelIndex": "IVec3D",
    "VoxelSize": "Vec3D",
    "VoxelValue": "Float32",
}

COMPONENT_TYPES: dict[str, tuple[pa.DataType, Converter]] = {
    **{name: DATATYPES[datatype] for name, datatype in _IS_DATATYPE.items()},
    "AnnotationContext": (ANNOTATION_CONTEXT_TYPE, annotation_context_array),
    "ChannelMessageCounts": (var_list(_CHANNEL_COUNT), _channel_counts),
    "GeoLineString": line_strips("GeoLineString"),
    "KeyValuePairs": (var_list(UTF8_PAIR), _key_value_pairs),
    "LineStrip2D": line_strips("LineStrip2D"),
    "LineStrip3D": line_strips("LineStrip3D"),
    "TensorHeightDimension": (DIM_SELECTION, dim_selection),
    "TensorWidthDimension": (DIM_SELECTION, dim_selection),
}
COMPONENT_TYPES = dict(sorted(COMPONENT_TYPES.items()))

for _name, _cls in ENUM_COMPONENTS.items():
    _arrow = pa.uint32() if _name == "VideoCodec" else pa.uint8()
    COMPONENT_TYPES[_name] = (_arrow, cv.enums(_cls, _arrow))

__all__ = ["COMPONENT_TYPES", "nn"]
