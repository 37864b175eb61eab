"""Batches of encodings that are fields of components rather than components themselves.

0.41 has a `XBatch` for every encoding (`AnnotationInfoBatch`, `TimeRangeBoundaryBatch` ...);
code that builds Arrow data by hand uses them. Each converts like the component that holds the
type does (the same rows), so a value batched alone equals that component's field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa

from .._baseclasses import BaseBatch
from ._annotation import (
    _INFO,
    _PAIR,
    CLASS_DESCRIPTION_TYPE,
    MAP_ELEM_TYPE,
    AnnotationInfo,
    ClassDescription,
    ClassDescriptionMapElem,
)
from ._extra import Mat4x4, Mat4x4Batch, _batch
from ._geometry import Angle, KeypointPair
from ._image import TENSOR_BUFFER_TYPE
from ._table import DIM_SELECTION, dim_selection
from ._time import _BOUNDARY_TYPE, TimeRangeBoundary, _boundaries


def _items(cls: type, data: Any) -> list[Any]:
    return [data] if isinstance(data, cls) else list(data)


def _rows(cls: type, arrow: pa.DataType, row: Callable[[Any], dict[str, Any]]) -> Callable[[Any], pa.Array]:
    def convert(data: Any) -> pa.Array:
        return pa.array([row(x) for x in _items(cls, data)], type=arrow)

    return convert


def _angles(data: Any) -> pa.Array:
    items = [data] if isinstance(data, (Angle, int, float)) else list(data)
    return pa.array([float(x) for x in items], type=pa.float32())


def _map_elem_row(item: Any) -> dict[str, Any]:
    elem = item if isinstance(item, ClassDescriptionMapElem) else ClassDescriptionMapElem(*item)
    return {"class_id": elem.class_id, "class_description": elem.class_description.row()}


def _keypoint_pair_row(item: Any) -> dict[str, int]:
    pair = KeypointPair.from_like(item)
    return {"keypoint0": pair.keypoint0, "keypoint1": pair.keypoint1}


AngleBatch = _batch("Angle", pa.float32(), _angles)
AnnotationInfoBatch = _batch(
    "AnnotationInfo", _INFO, _rows(AnnotationInfo, _INFO, lambda x: AnnotationInfo.from_like(x).row())
)
ClassDescriptionBatch = _batch(
    "ClassDescription",
    CLASS_DESCRIPTION_TYPE,
    _rows(ClassDescription, CLASS_DESCRIPTION_TYPE, lambda x: ClassDescription.from_like(x).row()),
)
ClassDescriptionMapElemBatch = _batch(
    "ClassDescriptionMapElem", MAP_ELEM_TYPE, _rows(ClassDescriptionMapElem, MAP_ELEM_TYPE, _map_elem_row)
)
KeypointPairBatch = _batch("KeypointPair", _PAIR, _rows(KeypointPair, _PAIR, _keypoint_pair_row))
TensorDimensionSelectionBatch = _batch("TensorDimensionSelection", DIM_SELECTION, dim_selection)


def _tensor_buffers(data: Any) -> pa.Array:
    """0.41 cannot batch a lone TensorBuffer (it warns and logs nothing); neither do we, alike."""
    raise NotImplementedError(
        "Arrow serialization of TensorBuffer not implemented: We lack codegen for arrow-serialization "
        "of unions containing lists. Can't handle type rerun.encodings.TensorBuffer#U8"
    )


TensorBufferBatch = _batch("TensorBuffer", TENSOR_BUFFER_TYPE, _tensor_buffers)
TimeRangeBoundaryBatch = _batch(
    "TimeRangeBoundary", _BOUNDARY_TYPE, lambda data: _boundaries(_items(TimeRangeBoundary, data))
)

__all__ = [
    "AngleBatch",
    "AnnotationInfoBatch",
    "ClassDescriptionBatch",
    "ClassDescriptionMapElemBatch",
    "KeypointPairBatch",
    "TensorBufferBatch",
    "TensorDimensionSelectionBatch",
    "TimeRangeBoundaryBatch",
]


def override(batch: type[BaseBatch]) -> staticmethod:  # type: ignore[type-arg]
    def native_to_pa_array_override(data: Any, data_type: pa.DataType) -> pa.Array:
        """Values of this type as an Arrow array of `data_type` (0.41's conversion hook)."""
        return batch._CONVERT(data).cast(data_type)

    return staticmethod(native_to_pa_array_override)


# 0.41's types with a hand-written conversion expose it on the class (and
# `TensorDimensionSelection`, defined in the package itself, takes `override` there).
for _cls, _batch_cls in (
    (AnnotationInfo, AnnotationInfoBatch),
    (ClassDescription, ClassDescriptionBatch),
    (ClassDescriptionMapElem, ClassDescriptionMapElemBatch),
    (KeypointPair, KeypointPairBatch),
    (Mat4x4, Mat4x4Batch),
):
    _cls.native_to_pa_array_override = override(_batch_cls)  # type: ignore[attr-defined, union-attr]
