"""Encodings that no component stores on its own: `Mat4x4`, `Range2D`, `TensorBuffer`."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from .._baseclasses import BaseBatch, type_module
from .._converters import fixed_list

MAT4X4_TYPE = fixed_list(pa.float32(), 16)
_F64x2 = fixed_list(pa.float64(), 2)
RANGE2D_TYPE = pa.struct(
    [pa.field("x_range", _F64x2, nullable=False), pa.field("y_range", _F64x2, nullable=False)]
)


class Mat4x4:
    """A 4x4 matrix: given as rows (or ``columns=``, one list per column), stored column-major."""

    flat_columns: np.ndarray

    def __init__(self, rows: Any = None, *, columns: Any = None) -> None:
        if (rows is None) == (columns is None):
            raise ValueError("Mat4x4 needs exactly one of `rows` or `columns`")
        flat_columns = columns
        if rows is not None:
            if isinstance(rows, Mat4x4):
                flat_columns = rows.flat_columns
            else:
                arr = np.asarray(rows, dtype=np.float32)
                if arr.size != 16:
                    raise ValueError(f"a 4x4 matrix needs 16 values, got {arr.size}")
                flat_columns = arr.reshape(4, 4).T.reshape(16)
        flat = np.asarray(flat_columns, dtype=np.float32).reshape(-1)
        if flat.size != 16:
            raise ValueError(f"a 4x4 matrix needs 16 values, got {flat.size}")
        self.flat_columns = flat

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self.flat_columns.reshape(4, 4).T, dtype=dtype)

    def __repr__(self) -> str:
        return f"Mat4x4(flat_columns={self.flat_columns.tolist()!r})"


def mat4x4_array(data: Any) -> pa.Array:
    items = [data] if isinstance(data, Mat4x4) or np.asarray(data, dtype=object).size == 16 else list(data)
    flat = np.concatenate([Mat4x4(m).flat_columns for m in items]) if items else np.zeros(0, np.float32)
    return pa.FixedSizeListArray.from_arrays(pa.array(flat, type=pa.float32()), 16)


class Range2D:
    """An axis-aligned 2D range: ``x_range`` and ``y_range`` as (min, max)."""

    def __init__(self, x_range: Any, y_range: Any) -> None:
        self.x_range = [float(v) for v in np.asarray(x_range, dtype=np.float64).reshape(2)]
        self.y_range = [float(v) for v in np.asarray(y_range, dtype=np.float64).reshape(2)]

    def __repr__(self) -> str:
        return f"Range2D(x_range={self.x_range!r}, y_range={self.y_range!r})"


def range2d_array(data: Any) -> pa.Array:
    items = (
        [data] if isinstance(data, Range2D) else [r if isinstance(r, Range2D) else Range2D(*r) for r in data]
    )
    return pa.array([{"x_range": r.x_range, "y_range": r.y_range} for r in items], type=RANGE2D_TYPE)


class TensorBuffer:
    """The flat element buffer of a tensor (``inner``), with its element type name (``kind``)."""

    inner: np.ndarray
    kind: str

    def __init__(self, inner: Any) -> None:
        arr = np.asarray(inner if not isinstance(inner, TensorBuffer) else inner.inner)
        self.inner = arr.reshape(-1)
        self.kind = arr.dtype.name.upper()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self.inner, dtype=dtype)

    def __repr__(self) -> str:
        return f"TensorBuffer(inner={self.inner!r})"


def _batch(name: str, arrow: pa.DataType, convert: Any) -> type[BaseBatch]:
    return type(
        f"{name}Batch",
        (BaseBatch,),
        {
            "_COMPONENT_TYPE": f"rerun.datatypes.{name}",
            "_ARROW_DATATYPE": arrow,
            "_CONVERT": staticmethod(convert),
            "_NUMPY": None,
            "__module__": type_module("rerun.encodings", name),
        },
    )


Mat4x4Batch = _batch("Mat4x4", MAT4X4_TYPE, mat4x4_array)
Range2DBatch = _batch("Range2D", RANGE2D_TYPE, range2d_array)
