"""`XBatch` classes, plain value classes and `XLike` aliases for the encodings (datatypes).

Each datatype's Arrow type and conversion come from `_table.DATATYPES` (shared with the
components built on it).
"""

from __future__ import annotations

import enum
import inspect
from typing import Any

import numpy as np
import pyarrow as pa

from .._baseclasses import BaseBatch, type_module
from .._converters import blob_bytes
from ._table import DATATYPES


class _Value:
    """A plain datatype value (e.g. `Float32(1.0)`), converted when batched."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self.value, dtype=dtype)

    _ARG = "value"  # 0.41's name for the one argument, shown by repr

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._ARG}={self.value!r})"


class _TextValue(_Value):
    """A string datatype: `str()` is the string itself, as 0.41's."""

    def __str__(self) -> str:
        return str(self.value)


class _IntValue(_Value):
    def __int__(self) -> int:
        return int(self.value)


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


def _array_of(dtype: Any) -> Any:
    return lambda value: np.asarray(value, dtype=dtype)


# How 0.41 stores a value's one argument, where it converts it on construction.
STORED_AS: dict[str, Any] = {
    "Blob": blob_bytes,
    **dict.fromkeys(("Float32", "Float64"), float),
    "Bool": bool,
    **dict.fromkeys(("ClassId", "KeypointId", "UInt16", "UInt32", "UInt64", "VideoTimestamp"), int),
    **dict.fromkeys(("Utf8", "EntityPath"), str),
    **dict.fromkeys(("DVec2D", "Range1D"), _array_of(np.float64)),
    **dict.fromkeys(("UVec2D", "UVec3D", "UVec4D"), _array_of(np.uint32)),
    "IVec3D": _array_of(np.int32),
    "SphericalHarmonics3Rgb": _array_of(np.float16),
    "Uuid": _array_of(np.uint8),
}
BASES = {
    **dict.fromkeys(("Utf8", "EntityPath"), _TextValue),
    **dict.fromkeys(("ClassId", "KeypointId", "UInt16", "UInt32", "UInt64", "VideoTimestamp"), _IntValue),
}


def _value_type(name: str, arg: str) -> type:
    """A `_Value` class whose one argument (and attribute) carries 0.41's name."""
    store = STORED_AS.get(name, lambda value: value)

    def __init__(self: _Value, *args: Any, **kwargs: Any) -> None:
        _Value.__init__(self, store(signature.bind(self, *args, **kwargs).arguments[arg]))

    P = inspect.Parameter
    signature = inspect.Signature([P("self", P.POSITIONAL_OR_KEYWORD), P(arg, P.POSITIONAL_OR_KEYWORD)])
    __init__.__signature__ = signature  # type: ignore[attr-defined]
    body: dict[str, Any] = {"__init__": __init__, "__module__": "rerun.encodings", "_ARG": arg}
    if arg != "value":
        body[arg] = property(lambda self: self.value)
    return type(name, (BASES.get(name, _Value),), body)


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
    added = []
    for name, (arrow, convert) in DATATYPES.items():
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
