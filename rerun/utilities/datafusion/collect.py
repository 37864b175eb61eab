"""``collect_to_string_list``: one column of a DataFusion DataFrame as Python strings."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datafusion import DataFrame, Expr


def collect_to_string_list(df: DataFrame, col: str | Expr, remove_nulls: bool = True) -> list[str | None]:
    """Every value of ``col`` across all batches, as ``str`` (nulls dropped, or None if kept)."""
    batches = df.select(col).collect()
    values = [v for batch in batches for v in batch.column(0)]
    if remove_nulls:
        return [str(v) for v in values if v.is_valid]
    return [str(v) if v.is_valid else None for v in values]
