"""Data for the views the widget draws as HTML: text log rows and text documents."""

from __future__ import annotations

from typing import Any

import numpy as np

from rerun_core.types.time import STATIC_TIME, TIME_MIN
from rerun_core.viewer import arrow_data as ad
from rerun_core.viewer.query import Query

_LOG_COLS = ["TextLog:text", "TextLog:level", "TextLog:color"]


def text_log_rows(
    store: Any, entities: list[str], timeline: str | None, time: int | None, max_rows: int
) -> list[dict[str, Any]]:
    """All log rows up to ``time`` on ``timeline`` (static rows first), newest ``max_rows`` kept."""
    rows: list[dict[str, Any]] = []
    for path in entities:
        if timeline is None or time is None:
            cells = store.latest_at(path, _LOG_COLS, None, None)
            if "TextLog:text" in cells:
                rows.append(_row(path, None, {k: c.values for k, c in cells.items()}))
            continue
        cols = store.range(path, _LOG_COLS, timeline, TIME_MIN, time)
        text = cols.get("TextLog:text")
        if text is None:
            continue
        level, color = cols.get("TextLog:level"), cols.get("TextLog:color")
        for i, t in enumerate(text.times):
            vals = {"TextLog:text": text.values[i].values}
            for name, col in (("TextLog:level", level), ("TextLog:color", color)):
                if col is not None:
                    j = np.searchsorted(col.times, t, side="right") - 1
                    if j >= 0 and col.times[j] == t and col.values[j].is_valid:
                        vals[name] = col.values[j].values
            rows.append(_row(path, None if t == STATIC_TIME else int(t), vals))
    rows.sort(key=lambda r: (r["time"] is not None, r["time"] or 0))
    return rows[-max_rows:]


def _row(path: str, time: int | None, vals: dict[str, Any]) -> dict[str, Any]:
    color = ad.colors(vals.get("TextLog:color"))
    return {
        "time": time,
        "entity_path": path,
        "level": ad.first(vals.get("TextLog:level")) or "",
        "text": ad.first(vals.get("TextLog:text")) or "",
        "color": None
        if color.size == 0
        else "#{:02x}{:02x}{:02x}".format(*tuple(int(c * 255) for c in color[0][:3])),
    }


def text_document(q: Query, path: str) -> dict[str, str]:
    data, _ = q.latest(path, ["TextDocument:text", "TextDocument:media_type"])
    return {
        "text": ad.first(data.get("TextDocument:text")) or "",
        "media_type": ad.first(data.get("TextDocument:media_type")) or "text/plain",
    }
