"""The component type table: Rerun component name -> (Arrow type, converter).

One row per component type; the batch and single-value classes in `rerun.components` are
made from this table. Most components are a datatype under a name, so their row is the
datatype's (`rerun.encodings._table`); only component-only encodings are defined here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from .. import _converters as cv
from .._baseclasses import ComponentMixin
from .._converters import Converter, nn, var_list
from ..encodings._annotation import ANNOTATION_CONTEXT_TYPE, annotation_context_array
from ..encodings._field_converters import utf8_pairs
from ..encodings._table import DATATYPES, DIM_SELECTION, UTF8_PAIR, dim_selection
from ._enums import ENUM_COMPONENTS
from ._line_strips import line_strips

_CHANNEL_COUNT = pa.struct(
    [
        pa.field("channel_id", pa.uint16(), nullable=False),
        pa.field("message_count", pa.uint64(), nullable=False),
    ]
)


def _key_value_pairs(data: Any) -> pa.Array:
    """As 0.41: a dict or a `KeyValuePairs` value is one row; a sequence is one row per item (a
    dict, a `KeyValuePairs` value, or something `KeyValuePairs(...)` takes); anything else one row.
    A row that can't be read is a ValueError."""
    if isinstance(data, (dict, ComponentMixin)) or not isinstance(data, Sequence):
        rows = [_key_value_row(data)]
    else:
        rows = [_key_value_row(item) for item in data]
    return pa.array([[{"first": k, "second": v} for k, v in row] for row in rows], type=var_list(UTF8_PAIR))


def _key_value_row(item: Any) -> list[tuple[str, str]]:
    if isinstance(item, dict):
        return [(str(k), str(v)) for k, v in item.items()]
    if isinstance(item, ComponentMixin):  # a KeyValuePairs value: its pairs
        item = getattr(item, "pairs", item)
    try:
        return [(str(p.first), str(p.second)) for p in utf8_pairs(item)]
    except Exception as err:
        raise ValueError(f"Cannot convert {type(item)} to `KeyValuePairs`") from err


def _channel_counts(data: Any) -> pa.Array:
    """0.41 has no Arrow serialization for this component: every native input raises (an Arrow
    array of the right type is taken as is, by the batch itself)."""
    raise NotImplementedError(
        "Arrow serialization of ChannelMessageCounts not implemented: "
        "We lack codegen for arrow-serialization of general structs"
    )


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
