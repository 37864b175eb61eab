"""Arrow types named as arrow-rs prints them, as Rerun's CLI (``rrd print``) and viewer (its
viewer-control schemas) show them: one formatter for both, checked against the real ``rrd print``."""

from __future__ import annotations

import pyarrow as pa


def format_type(dtype: pa.DataType, nullable: bool = True) -> str:
    """An Arrow type the way arrow-rs prints it (``List(FixedSizeList(3 x non-null Float32))``)."""
    prefix = "" if nullable else "non-null "
    return prefix + _type_body(dtype)


_SIMPLE_TYPES = {
    "null": "Null",
    "bool": "Boolean",
    "string": "Utf8",
    "large_string": "LargeUtf8",
    "binary": "Binary",
    "large_binary": "LargeBinary",
    "halffloat": "Float16",
    "float": "Float32",
    "double": "Float64",
}


def _type_body(dtype: pa.DataType) -> str:
    name = str(dtype)
    if name in _SIMPLE_TYPES:
        return _SIMPLE_TYPES[name]
    if pa.types.is_integer(dtype):
        return ("UInt" if pa.types.is_unsigned_integer(dtype) else "Int") + str(dtype.bit_width)
    if pa.types.is_fixed_size_binary(dtype):
        return f"FixedSizeBinary({dtype.byte_width})"
    if pa.types.is_timestamp(dtype):
        return f'Timestamp({dtype.unit}, "{dtype.tz}")' if dtype.tz else f"Timestamp({dtype.unit})"
    if pa.types.is_duration(dtype):
        return f"Duration({dtype.unit})"
    if pa.types.is_fixed_size_list(dtype):
        return (
            f"FixedSizeList({dtype.list_size} x {format_type(dtype.value_type, dtype.value_field.nullable)})"
        )
    if pa.types.is_list(dtype) or pa.types.is_large_list(dtype):
        kind = "LargeList" if pa.types.is_large_list(dtype) else "List"
        return f"{kind}({format_type(dtype.value_type, dtype.value_field.nullable)})"
    if pa.types.is_struct(dtype):
        fields = ", ".join(f'"{f.name}": {format_type(f.type, f.nullable)}' for f in dtype)
        return f"Struct({fields})"
    if pa.types.is_union(dtype):
        mode = "Dense" if dtype.mode == "dense" else "Sparse"
        fields = ", ".join(
            f'{code}: ("{f.name}": {format_type(f.type, f.nullable)})'
            for code, f in zip(dtype.type_codes, dtype, strict=True)
        )
        return f"Union({mode}, {fields})"
    if pa.types.is_dictionary(dtype):
        return f"Dictionary({_type_body(dtype.index_type)}, {_type_body(dtype.value_type)})"
    return name
