"""Rerun's table print-out (the box 0.41's client prints for every DataFrame) and its HTML table.

0.41 installs a DataFusion formatter that renders each record batch with Rerun's
``re_arrow_util`` format: an outer frame listing the schema metadata (``METADATA:``), then one box
per batch whose header gives each column's name, ``---``, arrow-rs's type name and the column's
metadata with the ``rerun:``/``sorbet:`` prefixes dropped. Columns are padded to their widest line
(no wrapping: notebooks and pipes have no terminal width), cells are cut at 100 characters.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Sequence

import pyarrow as pa

from ._arrow_text import field_type, format_values, storage_type

MAX_ROWS = 20
MAX_CELL_CHARS = 100
NO_DATA = "No data to display."
TRUNCATED = "Data truncated due to size."

_KEY_PREFIXES = ("rerun:", "sorbet:")
_VALUE_PREFIXES = (
    "rerun.archetypes.", "rerun.components.", "rerun.encodings.", "rerun.datatypes.",
    "rerun.controls.", "rerun.blueprint.archetypes.", "rerun.blueprint.components.",
    "rerun.blueprint.encodings.", "rerun.blueprint.datatypes.", "rerun.field.", "rerun.chunk.",
    "rerun.",
)  # fmt: skip


# --- Rerun's naming -------------------------------------------------------------------------


def _strip_each(text: str, prefixes: Sequence[str]) -> str:
    """Drop each prefix in turn, as often as it repeats (Rust's ``trim_start_matches`` chain)."""
    text = text.strip()
    for prefix in prefixes:
        while text.startswith(prefix):
            text = text[len(prefix) :]
    return text


def short_key(key: str) -> str:
    return _strip_each(key, _KEY_PREFIXES)


def short_name(name: str) -> str:
    """``rerun.archetypes.Points3D`` → ``Points3D``; also applied to column names."""
    return _strip_each(name, _VALUE_PREFIXES)


def _decode(meta: dict[bytes, bytes] | None) -> dict[str, str]:
    return {k.decode(errors="replace"): v.decode(errors="replace") for k, v in (meta or {}).items()}


def field_metadata(field: pa.Field) -> dict[str, str]:
    """A field's metadata as Rust sees it: extension types arrive as storage plus two keys."""
    meta = _decode(field.metadata)
    typ = field.type
    if isinstance(typ, pa.BaseExtensionType):
        meta["ARROW:extension:name"] = typ.extension_name
        # canonical C++ types (uuid, bool8, json) carry empty metadata and no Python serializer
        raw = typ.__arrow_ext_serialize__() if isinstance(typ, pa.ExtensionType) else b""
        meta["ARROW:extension:metadata"] = raw.decode(errors="replace")
    return meta


def metadata_lines(meta: dict[str, str], prefix: str = "") -> list[str]:
    """``key: value`` lines in key order (byte order of the full keys), shortened."""
    return [f"{prefix}{short_key(k)}: {short_name(meta[k])}" for k in sorted(meta, key=lambda k: k.encode())]


def header_cell(field: pa.Field) -> str:
    lines = [short_name(field.name), "---", f"type: {field_type(field)}"]
    return "\n".join(lines + metadata_lines(field_metadata(field)))


def cut_cell(text: str) -> str:
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def column_cells(batch: pa.RecordBatch) -> list[list[str]]:
    """Rows of cell texts (already cut)."""
    columns = [format_values(col) for col in batch.columns]
    return [[cut_cell(col[r]) for col in columns] for r in range(batch.num_rows)]


# --- the box ----------------------------------------------------------------------------


def text_width(text: str) -> int:
    """Terminal columns: wide East Asian characters count two, combining marks none."""
    width = 0
    for ch in text:
        if unicodedata.category(ch) in ("Mn", "Me"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _rule(left: str, fill: str, mid: str, right: str, widths: list[int]) -> str:
    return left + mid.join(fill * (w + 2) for w in widths) + right


def _row_lines(cells: list[list[str]], widths: list[int], sep: str) -> list[str]:
    height = max((len(c) for c in cells), default=0)
    out = []
    for k in range(height):
        parts = []
        for lines, w in zip(cells, widths):
            line = lines[k] if k < len(lines) else ""
            parts.append(f" {line}{' ' * (w - text_width(line))} ")
        out.append("│" + sep.join(parts) + "│")
    return out


def render_box(header: list[str] | None, rows: list[list[str]]) -> str:
    """comfy-table's ``UTF8_FULL`` preset: ``┆`` between columns, ``╌`` between rows."""
    head = [h.split("\n") for h in header] if header is not None else None
    body = [[c.split("\n") for c in row] for row in rows]
    ncols = len(head) if head is not None else max((len(r) for r in body), default=0)
    widths = [0] * ncols
    for row in ([head] if head is not None else []) + body:
        for i, lines in enumerate(row):
            widths[i] = max([widths[i], *(text_width(line) for line in lines)])
    out = [_rule("┌", "─", "┬", "┐", widths)]
    if head is not None:
        out += _row_lines(head, widths, "┆")
        out.append(_rule("╞", "═", "╪", "╡", widths))
    for n, row in enumerate(body):
        if n:
            out.append(_rule("├", "╌", "┼", "┤", widths))
        out += _row_lines(row, widths, "┆")
    out.append(_rule("└", "─", "┴", "┘", widths))
    return "\n".join(out)


def batch_text(batch: pa.RecordBatch) -> str:
    """One batch as 0.41 prints it, inside the ``METADATA:`` frame when the schema has metadata."""
    inner = render_box([header_cell(f) for f in batch.schema], column_cells(batch))
    meta = _decode(batch.schema.metadata)
    if not meta:
        return inner
    listing = "\n".join(["METADATA:", *metadata_lines(meta, "* ")])
    return render_box(None, [[listing], [inner]])


def format_text(batches: Sequence[pa.RecordBatch], has_more: bool) -> str:
    """The text of 0.41's formatter: one box per batch, then the truncation note."""
    if not batches:
        return NO_DATA
    parts = [batch_text(b) for b in batches]
    return "\n".join(parts + ([TRUNCATED] if has_more else []))


def to_text(table: pa.Table, *, limit: int = MAX_ROWS) -> str:
    """A table printed as 0.41 prints a DataFrame holding it in one batch (``limit`` rows shown)."""
    shown = table.slice(0, limit).combine_chunks()
    batches = shown.to_batches() or [pa.RecordBatch.from_pylist([], schema=table.schema)]
    return format_text(batches, table.num_rows > limit)


# --- HTML -------------------------------------------------------------------------------

# Same structure as 0.41's (a scrolling div, class ``rerun-table``, ``<strong>name</strong><br>type``
# headers, a row per record, the truncation note). On purpose: names and cells are escaped, the
# body tag is well formed, and the styling is readable in light and dark notebook themes.
_CSS = """
.rerun-table-wrap { width: 100%; max-height: 32em; overflow: auto; border: 1px solid #8884; }
.rerun-table.rerun-table { border-collapse: collapse; min-width: 100%; text-align: left;
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.rerun-table.rerun-table th { font-weight: normal; text-align: left; vertical-align: bottom;
  position: sticky; top: 0; background: var(--jp-layout-color1, #fff); padding: 4px 8px;
  border-bottom: 2px solid #8886; white-space: nowrap; }
.rerun-table.rerun-table th .rerun-type { opacity: 0.65; font-size: 11px; }
.rerun-table.rerun-table td { text-align: left; vertical-align: top; padding: 2px 8px;
  border-bottom: 1px solid #8882; white-space: pre; }
.rerun-table.rerun-table tbody tr:nth-child(even) { background: #8881; }
.rerun-table.rerun-table td.rerun-null { opacity: 0.45; }
"""


def _html_header(field: pa.Field) -> str:
    tip = "\n".join(metadata_lines(field_metadata(field)))
    title = f' title="{html.escape(tip)}"' if tip else ""
    return (
        f"<th{title}><strong>{html.escape(field.name)}</strong><br>"
        f"<span class='rerun-type'>{html.escape(field_type(field))}</span></th>"
    )


def _html_cell(text: str) -> str:
    if text == "null":
        return "<td class='rerun-null'>null</td>"
    return f"<td>{html.escape(text).replace(chr(10), '<br>')}</td>"


def format_html(batches: Sequence[pa.RecordBatch], schema: pa.Schema, has_more: bool) -> str:
    if not batches:
        return NO_DATA
    head = "".join(_html_header(f) for f in schema)
    rows = [
        "<tr>" + "".join(_html_cell(c) for c in row) + "</tr>"
        for batch in batches
        for row in column_cells(batch)
    ]
    parts = [
        f"<div class='rerun-table-wrap'><style>{_CSS}</style>",
        "<table class='rerun-table'>",
        f"<thead><tr>{head}</tr></thead>",
        "<tbody>",
        *rows,
        "</tbody></table></div>",
    ]
    if has_more:
        parts.append(f"<div>{TRUNCATED}</div>")
    return "\n".join(parts)


def to_html(table: pa.Table, *, limit: int = MAX_ROWS) -> str:
    shown = table.slice(0, limit).combine_chunks()
    return format_html(shown.to_batches(), table.schema, table.num_rows > limit)


__all__ = ["format_html", "format_text", "render_box", "storage_type", "to_html", "to_text"]
