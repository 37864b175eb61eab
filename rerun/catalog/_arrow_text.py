"""Arrow values and types as Rust's arrow-rs prints them (``Display`` of ``DataType``, ``ArrayFormatter``).

The real client renders tables in Rust, so its type names (``Timestamp(ns)``, ``List(Utf8)``) and
cell texts (``PT1.5S``, ``1e-7``, hex blobs) are arrow-rs's, not pyarrow's. This module rebuilds
them from pyarrow arrays for the few rows a display shows.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterator

import numpy as np
import pyarrow as pa

NULL = "null"
_UNITS = {"s": "s", "ms": "ms", "us": "µs", "ns": "ns"}
_PER_SECOND = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}
_EPOCH = dt.datetime(1970, 1, 1)
_SIMPLE_TYPES: dict[pa.DataType, str] = {
    pa.null(): "Null", pa.bool_(): "Boolean",
    pa.int8(): "Int8", pa.int16(): "Int16", pa.int32(): "Int32", pa.int64(): "Int64",
    pa.uint8(): "UInt8", pa.uint16(): "UInt16", pa.uint32(): "UInt32", pa.uint64(): "UInt64",
    pa.float16(): "Float16", pa.float32(): "Float32", pa.float64(): "Float64",
    pa.string(): "Utf8", pa.large_string(): "LargeUtf8", pa.string_view(): "Utf8View",
    pa.binary(): "Binary", pa.large_binary(): "LargeBinary", pa.binary_view(): "BinaryView",
    pa.date32(): "Date32", pa.date64(): "Date64",
    pa.month_day_nano_interval(): "Interval(MonthDayNano)",
}  # fmt: skip


# --- types ------------------------------------------------------------------------------


def field_type(field: pa.Field) -> str:
    """A column's type as Rerun's header shows it: arrow-rs's name, ``non-null`` when not nullable."""
    name = type_name(storage_type(field.type))
    return name if field.nullable else f"non-null {name}"


def storage_type(typ: pa.DataType) -> pa.DataType:
    """Extension types reach Rust as their storage type (plus field metadata)."""
    return typ.storage_type if isinstance(typ, pa.BaseExtensionType) else typ


def _child(field: pa.Field, default_name: str) -> str:
    """A list child as arrow-rs shows it: ``non-null Float32``, ``Int64, field: 'x'``."""
    out = field_type(field)
    return out if field.name == default_name else f"{out}, field: '{field.name}'"


def _struct_fields(typ: pa.StructType) -> str:
    return ", ".join(f'"{f.name}": {field_type(f)}' for f in typ)


def type_name(typ: pa.DataType) -> str:
    """``Display`` of an arrow-rs ``DataType``."""
    simple = _SIMPLE_TYPES.get(typ)
    if simple is not None:
        return simple
    if pa.types.is_timestamp(typ):
        unit = _UNITS[typ.unit]
        return f'Timestamp({unit}, "{typ.tz}")' if typ.tz else f"Timestamp({unit})"
    if pa.types.is_duration(typ):
        return f"Duration({_UNITS[typ.unit]})"
    if pa.types.is_time32(typ) or pa.types.is_time64(typ):
        return f"Time{typ.bit_width}({_UNITS[typ.unit]})"
    if pa.types.is_fixed_size_binary(typ) and not pa.types.is_decimal(typ):
        return f"FixedSizeBinary({typ.byte_width})"
    if pa.types.is_decimal(typ):
        return f"Decimal{typ.bit_width}({typ.precision}, {typ.scale})"
    if pa.types.is_fixed_size_list(typ):
        return f"FixedSizeList({typ.list_size} x {_child(typ.value_field, 'item')})"
    if pa.types.is_map(typ):
        entries = pa.field("entries", pa.struct([typ.key_field, typ.item_field]), nullable=False)
        return f"Map({_child_named(entries)}, {'sorted' if typ.keys_sorted else 'unsorted'})"
    for check, label in _LIST_KINDS:
        if check(typ):
            return f"{label}({_child(typ.value_field, 'item')})"
    if pa.types.is_struct(typ):
        return f"Struct({_struct_fields(typ)})"
    if pa.types.is_dictionary(typ):
        return f"Dictionary({type_name(typ.index_type)}, {type_name(typ.value_type)})"
    if pa.types.is_union(typ):
        mode = "Sparse" if typ.mode == "sparse" else "Dense"
        kids = ", ".join(f'{code}: ("{f.name}": {field_type(f)})' for code, f in zip(typ.type_codes, typ))
        return f"Union({mode}, {kids})"
    return str(typ)


def _child_named(field: pa.Field) -> str:
    return f'"{field.name}": {field_type(field)}'


_LIST_KINDS: list[tuple[Callable[[pa.DataType], bool], str]] = [
    (pa.types.is_large_list, "LargeList"),
    (pa.types.is_list, "List"),
    (pa.types.is_list_view, "ListView"),
    (pa.types.is_large_list_view, "LargeListView"),
]


# --- numbers ----------------------------------------------------------------------------


def _shortest(value: float, kind: type[np.floating]) -> tuple[str, str, int]:
    """Sign, significant digits and decimal exponent of the shortest round-tripping form."""
    text = np.format_float_scientific(kind(value), unique=True, trim="-")
    sign = "-" if text.startswith("-") else ""
    mantissa, exp = text.lstrip("-").split("e")
    return sign, mantissa.replace(".", ""), int(exp)


def _positional(sign: str, digits: str, exp: int) -> str:
    if exp < 0:
        return f"{sign}0.{'0' * (-exp - 1)}{digits}"
    whole, frac = digits[: exp + 1].ljust(exp + 1, "0"), digits[exp + 1 :]
    return f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}"


# Decimal exponents that arrow-rs (lexical) still writes positionally, per float width.
_POSITIONAL = {32: (-6, 12), 64: (-5, 15)}


def format_float(value: float, bits: int) -> str:
    """arrow-rs float text: shortest digits, ``1e-7``/``1e16`` outside a width-dependent range."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    if bits == 16:  # half's Display: the f32 value, positional, no ".0"
        return _positional(*_shortest(value, np.float32))
    sign, digits, exp = _shortest(value, np.float32 if bits == 32 else np.float64)
    lo, hi = _POSITIONAL[bits]
    if lo <= exp <= hi:
        text = _positional(sign, digits, exp)
        return text if "." in text else f"{text}.0"
    mantissa = digits[0] + (f".{digits[1:]}" if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{exp}"


# --- times ------------------------------------------------------------------------------


def _fraction(nanos: int) -> str:
    """chrono's ``%.f``: nothing, or 3, 6 or 9 digits."""
    if nanos == 0:
        return ""
    if nanos % 1_000_000 == 0:
        return f".{nanos // 1_000_000:03d}"
    if nanos % 1_000 == 0:
        return f".{nanos // 1_000:06d}"
    return f".{nanos:09d}"


def _split(value: int, unit: str) -> tuple[int, int]:
    """Whole seconds (floored) and nanoseconds."""
    per = _PER_SECOND[unit]
    secs, rest = divmod(value, per)
    return secs, rest * (1_000_000_000 // per)


def format_timestamp(value: int, unit: str, tz: str | None) -> str:
    secs, nanos = _split(value, unit)
    when = _EPOCH + dt.timedelta(seconds=secs)
    if not tz:
        return f"{when:%Y-%m-%dT%H:%M:%S}{_fraction(nanos)}"
    local = when.replace(tzinfo=dt.timezone.utc).astimezone(_zone(tz))
    offset = local.utcoffset() or dt.timedelta(0)
    return f"{local:%Y-%m-%dT%H:%M:%S}{_fraction(nanos)}{_offset(offset)}"


def _zone(tz: str) -> dt.tzinfo:
    if tz[:1] in "+-" and ":" in tz:
        hours, minutes = tz[1:].split(":")
        delta = dt.timedelta(hours=int(hours), minutes=int(minutes))
        return dt.timezone(-delta if tz[0] == "-" else delta)
    return dt.timezone.utc if tz.upper() in ("UTC", "Z") else zoneinfo.ZoneInfo(tz)


def _offset(offset: dt.timedelta) -> str:
    if not offset:
        return "Z"
    total = int(offset.total_seconds())
    sign = "-" if total < 0 else "+"
    hours, minutes = divmod(abs(total) // 60, 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def format_duration(value: int, unit: str) -> str:
    """chrono's ISO 8601 ``Display``: ``PT1.5S``, ``-PT5S``, ``P0D``; seconds never split."""
    per = _PER_SECOND[unit]
    total_ns = value * (1_000_000_000 // per)
    if total_ns == 0:
        return "P0D"
    secs, nanos = divmod(abs(total_ns), 1_000_000_000)
    frac = f".{nanos:09d}".rstrip("0") if nanos else ""
    return f"{'-' if total_ns < 0 else ''}PT{secs}{frac}S"


def format_time(value: int, unit: str) -> str:
    secs, nanos = _split(value, unit)
    hours, rest = divmod(secs, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}{_fraction(nanos)}"


def _interval(value: pa.MonthDayNano) -> str:
    months, days, nanos = value.months, value.days, value.nanoseconds
    parts = [f"{months} mons"] if months else []
    parts += [f"{days} days"] if days else []
    if nanos or not parts:
        secs, rest = divmod(abs(nanos), 1_000_000_000)
        parts.append(f"{'-' if nanos < 0 else ''}{secs}.{rest:09d} secs")
    return " ".join(parts)


# --- cells ------------------------------------------------------------------------------


def format_values(array: pa.Array) -> list[str]:
    """One text per row, as arrow-rs's ``ArrayFormatter`` (null as ``null``) writes it."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if isinstance(array, pa.ExtensionArray):
        array = array.storage
    return [format_value(array, i) for i in range(len(array))]


def format_value(array: pa.Array, i: int) -> str:
    if not array[i].is_valid:
        return NULL
    typ = array.type
    if isinstance(array, pa.ExtensionArray):
        return format_value(array.storage, i)
    if pa.types.is_floating(typ):
        return format_float(array[i].as_py(), typ.bit_width)
    if pa.types.is_boolean(typ):
        return "true" if array[i].as_py() else "false"
    if pa.types.is_timestamp(typ):
        return format_timestamp(_int(array, i), typ.unit, typ.tz)
    if pa.types.is_duration(typ):
        return format_duration(_int(array, i), typ.unit)
    if pa.types.is_time(typ):
        return format_time(_int(array, i), typ.unit)
    if pa.types.is_date32(typ):
        return f"{_EPOCH.date() + dt.timedelta(days=_int(array, i)):%Y-%m-%d}"
    if pa.types.is_date64(typ):
        return format_timestamp(_int(array, i), "ms", None)
    return _format_nested(array, i)


def _format_nested(array: pa.Array, i: int) -> str:
    typ = array.type
    if _is_binary(typ):
        return bytes(array[i].as_py()).hex()
    if pa.types.is_decimal(typ):
        return format(array[i].as_py(), "f")
    if pa.types.is_map(typ):
        entries = array[i].values
        keys, items = entries.field(0), entries.field(1)
        pairs = (f"{format_value(keys, j)}: {format_value(items, j)}" for j in range(len(keys)))
        return _join("{", pairs, "}")
    if any(check(typ) for check, _ in _LIST_KINDS) or pa.types.is_fixed_size_list(typ):
        values = array[i].values
        return _join("[", (format_value(values, j) for j in range(len(values))), "]")
    if pa.types.is_struct(typ):
        parts = [f"{typ.field(k).name}: {format_value(array.field(k), i)}" for k in range(typ.num_fields)]
        return "{" + ", ".join(parts) + "}"
    if pa.types.is_dictionary(typ):
        return format_value(array.dictionary, array.indices[i].as_py())
    if pa.types.is_interval(typ):
        return _interval(array[i].as_py())
    if pa.types.is_union(typ):
        scalar = array[i]
        return f"{{{scalar.type_code}={_scalar_text(scalar.value)}}}"
    return str(array[i].as_py())


# Cells are cut at 100 characters; a long list is only written until that is decided.
_ENOUGH = 128


def _join(open_: str, parts: Iterator[str], close: str) -> str:
    out, size = [], len(open_)
    for part in parts:
        out.append(part)
        size += len(part) + 2
        if size > _ENOUGH:
            return open_ + ", ".join(out) + ", …"
    return open_ + ", ".join(out) + close


def _scalar_text(scalar: pa.Scalar) -> str:
    return format_value(pa.array([scalar.as_py()], scalar.type), 0)


def _is_binary(typ: pa.DataType) -> bool:
    return (
        pa.types.is_binary(typ)
        or pa.types.is_large_binary(typ)
        or pa.types.is_binary_view(typ)
        or (pa.types.is_fixed_size_binary(typ) and not pa.types.is_decimal(typ))
    )


def _int(array: pa.Array, i: int) -> int:
    """The raw integer behind a temporal value (no conversion through Python datetimes)."""
    width = 32 if pa.types.is_date32(array.type) or pa.types.is_time32(array.type) else 64
    return int(array.slice(i, 1).view(pa.int32() if width == 32 else pa.int64())[0].as_py())
