"""The DataFusion formatter 0.41's client installs, so every DataFrame prints Rerun's box.

0.41 calls ``datafusion.dataframe_formatter.set_formatter`` when a client builds its session; from
then on DataFusion's own ``__repr__``/``_repr_html_`` (any DataFrame, any context) collect up to 20
rows within 10 MiB and hand the record batches to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa
from datafusion import dataframe_formatter

from . import _display

MAX_MEMORY_BYTES = 10 * 1024 * 1024
NO_ROWS = "No data to display"  # what DataFusion itself answers for an empty result


Formatter = dataframe_formatter.DataFrameHtmlFormatter


class RerunFormatter(dataframe_formatter.DataFrameHtmlFormatter):
    """Rerun's text box for ``repr``/``str``, Rerun's HTML table for notebooks."""

    def __init__(self) -> None:
        super().__init__(
            max_memory_bytes=MAX_MEMORY_BYTES, min_rows=_display.MAX_ROWS, max_rows=_display.MAX_ROWS
        )
        # the attribute names 0.41's formatter carries (older DataFusion reads these)
        self.min_rows_display = _display.MAX_ROWS

    def format_str(
        self,
        batches: Sequence[pa.RecordBatch],
        schema: Any,
        has_more: bool = False,
        table_uuid: str | None = None,
    ) -> str:
        return _display.format_text(list(batches), has_more)

    def format_html(
        self,
        batches: Sequence[pa.RecordBatch],
        schema: Any,
        has_more: bool = False,
        table_uuid: str | None = None,
    ) -> str:
        return _display.format_html(list(batches), schema, has_more)


def install_formatter() -> None:
    """Make Rerun's formatter DataFusion's global one, as constructing a 0.41 client does."""
    dataframe_formatter.set_formatter(RerunFormatter())


def active_formatter() -> Formatter:
    """The global formatter; DataFusion's untouched default is replaced by Rerun's first."""
    current = dataframe_formatter.get_formatter()
    if type(current) is dataframe_formatter.DataFrameHtmlFormatter and not isinstance(
        current, RerunFormatter
    ):
        install_formatter()
        current = dataframe_formatter.get_formatter()
    return current


def display_batches(table: pa.Table, max_rows: int) -> tuple[list[pa.RecordBatch], bool]:
    """The first ``max_rows`` rows as one batch (0.41's reader streams a query as one batch)."""
    shown = table.slice(0, max_rows).combine_chunks()
    return shown.to_batches(), table.num_rows > max_rows
