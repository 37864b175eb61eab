"""The dataframe views' state for the widget: one page of rows per view, never the whole table.

The browser scrolls a virtual table (``js/src/dataframe.js``) and asks for the rows it shows with
``{type: "dataframe_window", view_id, offset, count}``; the session keeps that window here and
sends ``{columns, total, offset, rows, cursor_row, ...}`` in the view's state entry. A query's
result is cached per (store, generation, query, entities, timeline), so cursor moves and
scrolling re-slice it instead of re-querying the store.
"""

from __future__ import annotations

import json
import logging
import time as _time
from collections.abc import Callable
from typing import Any

from rerun_core.viewer.dataframe_view import MAX_PAGE, DataframeQuery, DataframeTable, run_query

log = logging.getLogger(__name__)

DEFAULT_WINDOW = 100  # rows sent before the browser asks for its own window
MIN_REQUERY_S = 0.25  # while data streams in, a view re-queries at most this often ...
REQUERY_FACTOR = 4.0  # ... or every 4 query durations, whichever is longer (big tables stay responsive)


class DataframePanels:
    """Per-view row windows and cached query results (owned by one ``ViewerSession``)."""

    def __init__(self, clock: Callable[[], float] = _time.monotonic) -> None:
        self.windows: dict[str, tuple[int, int]] = {}
        # view id -> (key, generation, result, computed at, query seconds)
        self._cache: dict[str, tuple[Any, Any, DataframeTable, float, float]] = {}
        self._clock = clock
        self._stale: dict[str, float] = {}  # view id -> when it was last served an older generation

    def set_window(self, view_id: str, offset: int, count: int) -> bool:
        """Remember the rows the browser shows; True when that changes what is sent."""
        window = (max(0, int(offset)), max(1, min(int(count), MAX_PAGE)))
        if self.windows.get(view_id) == window:
            return False
        self.windows[view_id] = window
        return True

    @property
    def stale(self) -> bool:
        """A shown view holds rows of an older store generation (re-queries are throttled while data
        streams in): the session updates its state again until they are current. Views no longer
        asked for stop counting after a few seconds."""
        now = self._clock()
        for vid in [v for v, t in self._stale.items() if now - t > 3.0]:
            del self._stale[vid]
        return bool(self._stale)

    def table(
        self, store: Any, view_id: str, query: DataframeQuery, entities: list[str], timeline: str | None
    ) -> DataframeTable:
        key = (id(store), json.dumps(query.to_dict(), sort_keys=True), tuple(entities), timeline)
        generation = getattr(store, "generation", None)
        now = self._clock()
        cached = self._cache.get(view_id)
        if cached is not None and cached[0] == key:
            if cached[1] == generation:
                self._stale.pop(view_id, None)
                return cached[2]
            if now - cached[3] < max(MIN_REQUERY_S, REQUERY_FACTOR * cached[4]):
                self._stale[view_id] = now  # new data, but this view re-queried just now: old rows a moment
                return cached[2]
        self._stale.pop(view_id, None)
        result = run_query(store, entities, query, timeline)
        self._cache[view_id] = (key, generation, result, now, self._clock() - now)
        return result

    def entry(
        self,
        store: Any,
        view_id: str,
        query: dict[str, Any] | None,
        entities: list[str],
        timeline: str | None,
        time: int | None,
    ) -> dict[str, Any]:
        """The view's state: columns, the window's rows, the total and the row at the time cursor."""
        q = DataframeQuery.from_dict(query)
        if store is None:
            return {"columns": [], "rows": [], "total": 0, "offset": 0, "cursor_row": -1}
        try:
            result = self.table(store, view_id, q, entities, timeline)
        except Exception as exc:  # bad data on one entity must not take the widget down
            log.warning("dataframe view %s: query failed", view_id, exc_info=True)
            return {"columns": [], "rows": [], "total": 0, "offset": 0, "cursor_row": -1, "error": str(exc)}
        offset, count = self.windows.get(view_id, (0, DEFAULT_WINDOW))
        offset = min(offset, max(0, result.total - count))
        # the cursor only means something on the timeline the time panel shows
        cursor = result.cursor_row(time) if result.timeline == timeline and result.timeline else -1
        return {
            "timeline": result.timeline,
            "time_kind": result.time_kind,
            "columns": result.columns,
            "total": result.total,
            "offset": offset,
            "rows": result.page(offset, count),
            "times": result.times(offset, count),  # the rows' index times (double click seeks)
            "cursor_row": cursor,
            "auto_scroll": q.auto_scroll,
        }

    def row_time(self, view_id: str, row: int, timeline: str | None) -> int | None:
        """The index time of row ``row`` of the view's last result, if that result is on ``timeline``."""
        cached = self._cache.get(view_id)
        if cached is None or timeline is None or cached[2].timeline != timeline:
            return None
        times = cached[2].times(row, 1) if 0 <= row < cached[2].total else []
        return times[0] if times else None

    def forget(self, keep: set[str]) -> None:
        """Drop the state of views no longer shown."""
        for vid in [v for v in self._cache if v not in keep]:
            del self._cache[vid]
        for vid in [v for v in self.windows if v not in keep]:
            del self.windows[vid]


def snapshot_lines(df: dict[str, Any], fmt_time: Callable[[str | None, int | None], str]) -> list[str]:
    """The table as fixed-width text lines (header, then the window's rows), for the static PNG
    a saved notebook shows; ``fmt_time(kind, t)`` formats time cells as the widget does."""
    cols = df.get("columns") or []
    if not cols:
        return [str(df.get("error") or "No data matches this view's query")]
    head = [  # a column of a table sent to the viewer has no entity: its name alone
        c["name"]
        if c["kind"] == "time"
        else ":".join(filter(None, (c["entity"], c["component"].split(":")[-1])))
        for c in cols
    ]
    rows = [
        [
            fmt_time(c.get("timeline_kind"), v) if c["kind"] == "time" else ("" if v is None else str(v))
            for c, v in zip(cols, r)
        ]
        for r in df.get("rows") or []
    ]
    widths = [
        min(32, max(len(h), *(len(r[i]) for r in rows))) if rows else len(h) for i, h in enumerate(head)
    ]

    def line(cells: list[str]) -> str:
        return "  ".join(c[:w].ljust(w) for c, w in zip(cells, widths)).rstrip()

    return [line(head), *(line(r) for r in rows)]


__all__ = ["DEFAULT_WINDOW", "DataframePanels", "snapshot_lines"]
