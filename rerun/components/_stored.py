"""How a one-value component prints: the value as 0.41's attrs class stores it (its converter's
output), read back from what the component would log where 0.41 converts on construction."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from .. import encodings


def annotation_context_repr(single: Any) -> str:
    from ..encodings._annotation import class_map_repr

    try:
        arr = single.as_arrow_array()
    except Exception:  # repr must not fail on a value that cannot be logged
        arr = None
    if arr is None or len(arr) != 1:
        return f"AnnotationContext(class_map={single.value!r})"
    return f"AnnotationContext(class_map={class_map_repr(arr[0].as_py())})"


def arrow_type(single: Any) -> pa.DataType | None:
    return getattr(getattr(type(single), "_BATCH_TYPE", None), "_ARROW_DATATYPE", None)


def stored(single: Any) -> Any:
    """The value as 0.41 stores it: a scalar, or a numpy array for fixed-size vectors."""
    arrow = arrow_type(single)
    convert = {pa.bool_(): bool, pa.string(): str}.get(arrow)  # 0.41's attrs converters
    if convert is not None:
        try:
            return convert(single.value)
        except Exception:  # e.g. bool() of a numpy array of several values
            return single.value
    if isinstance(arrow, pa.FixedSizeListType) or isinstance(single.value, np.ndarray):
        dtype = None
        if isinstance(arrow, pa.FixedSizeListType):
            element = arrow.value_type
            while pa.types.is_list(element) or pa.types.is_fixed_size_list(element):  # e.g. SH3 coefficients
                element = element.value_type
            dtype = element.to_pandas_dtype()
        try:  # 0.41's converter: the input as one numpy array of the element type, any shape
            return np.asarray(single.value, dtype=dtype)
        except Exception:
            return single.value
    try:
        arr = single.as_arrow_array()
    except Exception:  # repr must not fail on a value that cannot be logged
        return single.value
    if len(arr) != 1:
        return single.value
    if type(single).__name__ == "KeyValuePairs":  # 0.41 stores Utf8Pair values
        return [encodings.Utf8Pair(pair["first"], pair["second"]) for pair in arr[0].as_py()]
    if isinstance(arr.type, pa.FixedSizeListType):
        return arr.values.to_numpy(zero_copy_only=False)
    value = arr[0].as_py()
    if isinstance(value, dict) and len(value) == 1:  # a one-field struct: 0.41 stores the field
        return next(iter(value.values()))
    return value
