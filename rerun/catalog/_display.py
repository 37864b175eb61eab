"""How reader DataFrames print: Rerun's boxed table with the schema, and an HTML table."""

from __future__ import annotations

import html

import pyarrow as pa

MAX_ROWS = 20


def _cell(value: pa.Scalar) -> str:
    if not value.is_valid:
        return "null"
    typ = value.type
    if pa.types.is_binary(typ) or pa.types.is_large_binary(typ) or pa.types.is_fixed_size_binary(typ):
        data = value.as_py()
        return data.hex() if len(data) <= 32 else f"{data[:32].hex()}… ({len(data)} bytes)"
    if pa.types.is_timestamp(typ):
        return str(value.value if value.value is None else pa.scalar(value.value, pa.int64()).cast(typ))
    if pa.types.is_list(typ) or pa.types.is_large_list(typ) or pa.types.is_fixed_size_list(typ):
        return "[" + ", ".join(_cell(v) for v in value.values) + "]"
    if pa.types.is_struct(typ):
        return "{" + ", ".join(f"{k}: {_cell(value[k])}" for k in (f.name for f in typ)) + "}"
    return str(value)


def to_text(table: pa.Table, *, limit: int = MAX_ROWS) -> str:
    """A plain boxed text table (column, type), at most ``limit`` rows."""
    shown = table.slice(0, limit)
    header = [f"{f.name}\n---\ntype: {f.type}" for f in table.schema]
    rows = [[_cell(shown.column(i)[r]) for i in range(shown.num_columns)] for r in range(shown.num_rows)]
    widths = [
        max([len(line) for line in h.splitlines()] + [len(r[i]) for r in rows]) for i, h in enumerate(header)
    ]
    out = ["┌" + "┬".join("─" * (w + 2) for w in widths) + "┐"]
    head_lines = [h.splitlines() for h in header]
    for k in range(max(len(h) for h in head_lines) if head_lines else 0):
        out.append(
            "│" + "┆".join(f" {(h[k] if k < len(h) else ''):<{w}} " for h, w in zip(head_lines, widths)) + "│"
        )
    out.append("╞" + "╪".join("═" * (w + 2) for w in widths) + "╡")
    for r in rows:
        out.append("│" + "┆".join(f" {c:<{w}} " for c, w in zip(r, widths)) + "│")
    out.append("└" + "┴".join("─" * (w + 2) for w in widths) + "┘")
    if table.num_rows > limit:
        out.append(f"({table.num_rows} rows, {limit} shown)")
    return "\n".join(out)


def to_html(table: pa.Table, *, limit: int = MAX_ROWS) -> str:
    """An HTML table that renders every Arrow type (timestamps, durations, lists, structs, blobs)."""
    shown = table.slice(0, limit)
    head = "".join(
        f"<th title='{html.escape(str(f.type))}'>{html.escape(f.name)}<br><small>{html.escape(str(f.type))}</small></th>"
        for f in table.schema
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape(_cell(shown.column(i)[r]))}</td>" for i in range(shown.num_columns))
        + "</tr>"
        for r in range(shown.num_rows)
    )
    more = f"<p>{table.num_rows if table.num_rows <= limit else f'{limit}+'} rows</p>"
    return f"<table class='rerun-dataframe'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"
