"""``segment_url``: a DataFusion expression computing each row's segment URL in the Viewer.

0.41 runs a native UDF; this one is a Python UDF. Time values are taken as integers (cast to
Int64), so timestamp/duration columns come out as nanosecond counts rather than formatted times.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from rerun.error_utils import RerunMissingDependencyError

if TYPE_CHECKING:
    from rerun.catalog import DatasetEntry

HAS_DATAFUSION = True
try:
    from datafusion import Expr, ScalarUDF, col, lit
except ModuleNotFoundError:  # pragma: no cover - datafusion is in the catalog extra
    HAS_DATAFUSION = False


def _expr(value: str | Expr | None) -> Expr:
    if value is None:
        return lit(None)
    return col(value) if isinstance(value, str) else value


def segment_url(
    dataset: DatasetEntry,
    *,
    segment_id: str | Expr | None = None,
    timestamp: str | Expr | None = None,
    timeline_name: str | None = None,
    time_range_start: str | Expr | None = None,
    time_range_end: str | Expr | None = None,
    selection: str | Expr | None = None,
) -> Expr:
    """The URL of each row's segment (``rerun_segment_id`` by default), with cursor, range, selection."""
    if not HAS_DATAFUSION:
        raise RerunMissingDependencyError("datafusion", "catalog")
    if (time_range_start is None) != (time_range_end is None):
        raise ValueError("time_range_start and time_range_end must both be provided or both be omitted")
    if timeline_name is None and timestamp is not None:
        timeline_name = str(timestamp)
    if timeline_name is None and (timestamp is not None or time_range_start is not None):
        raise ValueError("timeline_name must be provided when using time_range without timestamp")
    base = f"{dataset.catalog.url}/dataset/{dataset.id}?segment_id="
    udf = _make_udf(base, timeline_name)
    seg = _expr(segment_id if segment_id is not None else "rerun_segment_id")
    times = [_expr(v).cast(pa.int64()) for v in (timestamp, time_range_start, time_range_end)]
    return udf(seg.cast(pa.string()), *times, _expr(selection).cast(pa.string())).alias("segment_url")


def _make_udf(base: str, timeline: str | None) -> ScalarUDF:
    def build(seg: pa.Array, when: pa.Array, lo: pa.Array, hi: pa.Array, sel: pa.Array) -> pa.Array:
        out: list[str | None] = []
        for s, w, a, b, x in zip(*(arr.to_pylist() for arr in (seg, when, lo, hi, sel)), strict=True):
            if s is None:
                out.append(None)
                continue
            parts = []
            if x is not None:
                parts.append(f"selection={x}")
            if w is not None:
                parts.append(f"when={timeline}@{w}")
            if a is not None and b is not None:
                parts.append(f"time_selection={timeline}@{a}..{b}")
            out.append(base + s + ("#" + "&".join(parts) if parts else ""))
        return pa.array(out, pa.string())

    from datafusion import udf

    types = [pa.string(), pa.int64(), pa.int64(), pa.int64(), pa.string()]
    return udf(build, types, pa.string(), "immutable", name="segment_url")
