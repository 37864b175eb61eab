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
from typing import Any

from rerun_core.viewer.dataframe_view import MAX_PAGE, DataframeQuery, DataframeTable, run_query

log = logging.getLogger(__name__)

DEFAULT_WINDOW = 100  # rows sent before the browser asks for its own window


class DataframePanels:
    """Per-view row windows and cached query results (owned by one ``ViewerSession``)."""

    def __init__(self) -> None:
        self.windows: dict[str, tuple[int, int]] = {}
        self._cache: dict[str, tuple[Any, DataframeTable]] = {}

    def set_window(self, view_id: str, offset: int, count: int) -> bool:
        """Remember the rows the browser shows; True when that changes what is sent."""
        window = (max(0, int(offset)), max(1, min(int(count), MAX_PAGE)))
        if self.windows.get(view_id) == window:
            return False
        self.windows[view_id] = window
        return True

    def table(
        self, store: Any, view_id: str, query: DataframeQuery, entities: list[str], timeline: str | None
    ) -> DataframeTable:
        key = (
            id(store),
            getattr(store, "generation", None),
            json.dumps(query.to_dict(), sort_keys=True),
            tuple(entities),
            timeline,
        )
        cached = self._cache.get(view_id)
        if cached is not None and cached[0] == key:
            return cached[1]
        result = run_query(store, entities, query, timeline)
        self._cache[view_id] = (key, result)
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
            "cursor_row": cursor,
            "auto_scroll": q.auto_scroll,
        }

    def forget(self, keep: set[str]) -> None:
        """Drop the state of views no longer shown."""
        for vid in [v for v in self._cache if v not in keep]:
            del self._cache[vid]
        for vid in [v for v in self.windows if v not in keep]:
            del self.windows[vid]


__all__ = ["DEFAULT_WINDOW", "DataframePanels"]
