"""Box-drawn chunk tables for ``rerun rrd print -vv/-vvv`` and ``compare --full-dump``.

The layout follows the real CLI: an outer box with the chunk's schema metadata, an inner table
whose header cells list each column's name, Arrow type and field metadata, then one line per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from rerun_core.types.arrow_names import format_type as format_type

MAX_CELL_WIDTH = 100


def short_name(value: str) -> str:
    """``rerun.archetypes.Points3D`` -> ``Points3D``; other values unchanged."""
    return value.rsplit(".", 1)[-1] if value.startswith("rerun.") else value


def format_duration(ns: int) -> str:
    """ISO 8601 durations as chrono prints them: ``P0D``, ``PT0.1S``, ``PT1S``."""
    if ns == 0:
        return "P0D"
    sign = "-" if ns < 0 else ""
    secs, frac = divmod(abs(ns), 1_000_000_000)
    text = f"{secs}.{frac:09d}".rstrip("0").rstrip(".")
    return f"{sign}PT{text}S"


def format_timestamp(ns: int) -> str:
    """ISO 8601, with only as many sub-second digits (0, 3, 6 or 9) as the value needs."""
    text = str(np.datetime64(int(ns), "ns"))
    frac = int(ns) % 1_000_000_000
    if frac == 0:
        return text[:-10]
    if frac % 1_000_000 == 0:
        return text[:-6]
    if frac % 1_000 == 0:
        return text[:-3]
    return text


def format_value(value: Any, dtype: pa.DataType) -> str:
    """One cell value (``to_pylist`` form) given its Arrow type."""
    if value is None:
        return "null"
    if pa.types.is_list(dtype) or pa.types.is_large_list(dtype) or pa.types.is_fixed_size_list(dtype):
        inner = dtype.value_type
        return "[" + ", ".join(format_value(v, inner) for v in value) + "]"
    if pa.types.is_struct(dtype):
        parts = (f"{f.name}: {format_value(value.get(f.name), f.type)}" for f in dtype)
        return "{" + ", ".join(parts) + "}"
    if pa.types.is_float32(dtype) or pa.types.is_float16(dtype):
        return str(np.float32(value))
    if pa.types.is_floating(dtype):
        return repr(float(value))
    if pa.types.is_boolean(dtype):
        return "true" if value else "false"
    if pa.types.is_binary(dtype) or pa.types.is_large_binary(dtype) or pa.types.is_fixed_size_binary(dtype):
        return "0x" + bytes(value).hex() if len(value) <= 32 else f"<{len(value)} bytes>"
    return str(value)


def _has_union(dtype: pa.DataType) -> bool:
    if pa.types.is_union(dtype):
        return True
    if pa.types.is_list(dtype) or pa.types.is_large_list(dtype) or pa.types.is_fixed_size_list(dtype):
        return _has_union(dtype.value_type)
    if pa.types.is_struct(dtype):
        return any(_has_union(f.type) for f in dtype)
    return False


def format_scalar(scalar: pa.Scalar) -> str:
    """Slow path for values holding unions, whose tag ``to_pylist`` drops: ``{F64=[...]}``."""
    dtype = scalar.type
    if not scalar.is_valid:
        return "null"
    if pa.types.is_union(dtype):
        name = dtype.field(list(dtype.type_codes).index(scalar.type_code)).name
        return "{" + f"{name}={format_scalar(scalar.value)}" + "}"
    if isinstance(scalar, pa.ListScalar | pa.LargeListScalar | pa.FixedSizeListScalar):
        return "[" + ", ".join(format_scalar(v) for v in scalar.values) + "]"
    if isinstance(scalar, pa.StructScalar):
        return "{" + ", ".join(f"{k}: {format_scalar(v)}" for k, v in scalar.items()) + "}"
    return format_value(scalar.as_py(), dtype)


def format_column(arr: pa.Array) -> list[str]:
    """Every cell of a column as text (index columns as ISO times, values truncated)."""
    dtype = arr.type
    if pa.types.is_timestamp(dtype):
        cells = [format_timestamp(v) for v in arr.view(pa.int64()).to_pylist()]
    elif pa.types.is_duration(dtype):
        cells = [format_duration(v) for v in arr.view(pa.int64()).to_pylist()]
    elif _has_union(dtype):
        cells = ["" if not v.is_valid else format_scalar(v) for v in arr]
    else:
        cells = ["" if v is None else format_value(v, dtype) for v in arr.to_pylist()]
    return [truncate(c) for c in cells]


def truncate(text: str, width: int = MAX_CELL_WIDTH) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def render_table(headers: Sequence[Sequence[str]], rows: Sequence[Sequence[str]]) -> list[str]:
    """The inner table: multi-line header cells, then one line per row."""
    widths = [max((len(line) for line in cell), default=0) for cell in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row)]
    height = max((len(cell) for cell in headers), default=0)
    lines = ["┌" + "┬".join("─" * (w + 2) for w in widths) + "┐"]
    for i in range(height):
        cells = [(cell[i] if i < len(cell) else "").ljust(w) for cell, w in zip(headers, widths)]
        lines.append("│ " + " ┆ ".join(cells) + " │")
    lines.append("╞" + "╪".join("═" * (w + 2) for w in widths) + "╡")
    for r, row in enumerate(rows):
        if r:
            lines.append("├" + "┼".join("╌" * (w + 2) for w in widths) + "┤")
        lines.append("│ " + " ┆ ".join(c.ljust(w) for c, w in zip(row, widths)) + " │")
    lines.append("└" + "┴".join("─" * (w + 2) for w in widths) + "┘")
    return lines


def render_boxed(meta_lines: Sequence[str], table: Sequence[str]) -> str:
    """The outer box: metadata lines, a dashed rule, then the inner table."""
    width = max([len(line) for line in meta_lines] + [len(line) for line in table])
    out = ["┌" + "─" * (width + 2) + "┐"]
    out += ["│ " + line.ljust(width) + " │" for line in meta_lines]
    out.append("├" + "╌" * (width + 2) + "┤")
    out += ["│ " + line.ljust(width) + " │" for line in table]
    out.append("└" + "─" * (width + 2) + "┘")
    return "\n".join(out)
