"""Rerun 0.41's dataframe view: the recording as a table, driven by the view's ``DataframeQuery``.

The blueprint's properties (``/view/<id>/DataframeQuery``: timeline, filter_by_range,
filter_is_not_null, apply_latest_at, select, entity_order, auto_scroll) become a
``DataframeQuery``; ``DataframeTable`` runs it on the store's dataframe engine
(``ChunkStore.dataframe``) once per store generation and hands out pages of rows, so a
widget never receives more rows than it shows. Pure Python (no pygfx): the notebook imports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MAX_PAGE = 500  # rows per page at most, whatever the browser asks for
MAX_CELL_CHARS = 80  # a cell's text is cut here ...
MAX_CELL_ITEMS = 8  # ... and a list shows this many items before "…"


@dataclass(frozen=True)
class DataframeQuery:
    """What a dataframe view shows; ``None``/empty fields mean Rerun's defaults."""

    timeline: str | None = None  # None: the time panel's timeline
    range: tuple[int, int] | None = None  # filter_by_range, inclusive
    not_null: str | None = None  # filter_is_not_null: a column name "<entity>:<component>"
    latest_at: bool = False  # apply_latest_at: fill empty cells with latest-at values
    time_columns: tuple[str, ...] | None = None  # select (None: every column)
    component_columns: tuple[str, ...] | None = None
    entity_order: tuple[str, ...] = ()
    auto_scroll: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "timeline": self.timeline,
            "range": list(self.range) if self.range else None,
            "not_null": self.not_null,
            "latest_at": self.latest_at,
            "time_columns": None if self.time_columns is None else list(self.time_columns),
            "component_columns": None if self.component_columns is None else list(self.component_columns),
            "entity_order": list(self.entity_order),
            "auto_scroll": self.auto_scroll,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> DataframeQuery:
        if not d:
            return cls()
        rng = d.get("range")
        tcols, ccols = d.get("time_columns"), d.get("component_columns")
        return cls(
            timeline=d.get("timeline"),
            range=(int(rng[0]), int(rng[1])) if rng else None,
            not_null=d.get("not_null"),
            latest_at=bool(d.get("latest_at")),
            time_columns=None if tcols is None else tuple(tcols),
            component_columns=None if ccols is None else tuple(ccols),
            entity_order=tuple(d.get("entity_order") or ()),
            auto_scroll=bool(d.get("auto_scroll")),
        )


def _selector_name(sel: Any) -> str | None:
    """A ComponentColumnSelector struct as the dataframe's column name ``<entity>:<component>``."""
    if not isinstance(sel, dict) or not sel.get("entity_path") or not sel.get("component"):
        return None
    path = str(sel["entity_path"])
    return f"{path if path.startswith('/') else '/' + path}:{sel['component']}"


def read_dataframe_query(one: Any, path: str) -> DataframeQuery:
    """The ``DataframeQuery`` logged at ``<view path>/DataframeQuery``; ``one(path, component)``
    reads the blueprint's newest value (``blueprint_tree._Reader.one``)."""
    base = f"{path}/DataframeQuery"

    def get(name: str) -> Any:
        return one(base, f"DataframeQuery:{name}")

    rng = get("filter_by_range")
    not_null = get("filter_is_not_null")
    select = get("select")
    tcols = ccols = None
    if isinstance(select, dict):
        tcols = tuple(str(t) for t in select.get("time_columns") or ())
        ccols = tuple(n for n in (_selector_name(s) for s in select.get("component_columns") or ()) if n)
    return DataframeQuery(
        timeline=str(get("timeline")) if get("timeline") else None,
        range=(int(rng["start"]), int(rng["end"])) if isinstance(rng, dict) else None,
        not_null=_selector_name(not_null.get("column"))
        if isinstance(not_null, dict) and not_null.get("active")
        else None,
        latest_at=bool(get("apply_latest_at")),
        time_columns=tcols,
        component_columns=ccols,
        entity_order=tuple(str(e) for e in (get("entity_order") or ())),
        auto_scroll=bool(get("auto_scroll")),
    )


# --- running the query ------------------------------------------------------------------------


@dataclass
class DataframeTable:
    """The query's result for one store generation: columns, index times, and pages of rows."""

    timeline: str | None
    time_kind: str | None
    columns: list[dict[str, Any]]  # {name, kind: "time"|"component", entity, component, timeline_kind}
    table: pa.Table
    index_times: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    @property
    def total(self) -> int:
        return int(self.table.num_rows)

    def cursor_row(self, time: int | None) -> int:
        """The last row at or before ``time`` (rows are sorted by the index); -1: none."""
        if time is None or self.index_times.size == 0:
            return self.total - 1 if time is None else -1
        return int(np.searchsorted(self.index_times, time, side="right")) - 1

    def times(self, offset: int, count: int) -> list[int | None]:
        """The index times of the rows ``page(offset, count)`` returns (None: no time on that row)."""
        offset = max(0, min(int(offset), self.total))
        part = self.index_times[offset : offset + max(0, min(int(count), MAX_PAGE))]
        low = np.iinfo(np.int64).min
        return [None if t == low else int(t) for t in part.tolist()]

    def page(self, offset: int, count: int) -> list[list[Any]]:
        """Rows ``offset ..`` (at most ``MAX_PAGE``) as JSON-ready cells: times as ints, data abbreviated."""
        offset = max(0, min(int(offset), self.total))
        count = max(0, min(int(count), MAX_PAGE, self.total - offset))
        part = self.table.slice(offset, count)
        cols: list[list[Any]] = []
        for c in self.columns:
            arr = part.column(c["name"])
            if c["kind"] == "time":
                cols.append([None if v is None else int(v) for v in arr.cast(pa.int64()).to_pylist()])
            else:
                cols.append([abbreviate(v) for v in arr.to_pylist()])
        return [list(r) for r in zip(*cols, strict=True)] if cols else [[] for _ in range(count)]


def run_query(store: Any, entities: list[str], query: DataframeQuery, timeline: str | None) -> DataframeTable:
    """``query`` over ``entities`` of ``store``; ``timeline`` is used when the query names none."""
    kinds = {str(k): _kind_name(v) for k, v in store.timelines().items()}
    index = query.timeline or timeline
    if index is not None and index not in kinds:
        index = None  # an unknown timeline: the static view, not an error
    if not entities:
        return DataframeTable(index, kinds.get(index or ""), [], pa.table({}))
    start, end = query.range if (query.range and index is not None) else (None, None)
    args = dict(start=start, end=end)
    table = store.dataframe(index, list(entities), **args)
    mask = None
    if query.not_null:  # a column that does not exist is never set: no rows
        col = table.column(query.not_null) if query.not_null in table.column_names else None
        mask = pc.is_valid(col) if col is not None else pa.array(np.zeros(table.num_rows, bool))
    if query.latest_at and index is not None:
        filled = store.dataframe(index, list(entities), fill_latest_at=True, **args)
        table = filled if filled.num_rows == table.num_rows else table
    if mask is not None:
        table = table.filter(mask)
    times = np.zeros(0, np.int64)
    if index is not None and index in table.column_names:  # kept even when the index is not selected
        times = np.asarray(table.column(index).cast(pa.int64()).fill_null(np.iinfo(np.int64).min), np.int64)
    columns = _columns(table, kinds, query, index)
    table = table.select([c["name"] for c in columns]) if columns else pa.table({})
    return DataframeTable(index, kinds.get(index or ""), columns, table, times)


def _kind_name(t: Any) -> str:
    name = str(getattr(t, "name", t)).lower()
    return name.split(".")[-1]


def _columns(
    table: pa.Table, kinds: dict[str, str], query: DataframeQuery, index: str | None
) -> list[dict[str, Any]]:
    """Time columns then component columns grouped by entity (``entity_order`` first), as selected."""
    times, comps = [], []
    for f in table.schema:
        meta = {k.decode(): v.decode() for k, v in (f.metadata or {}).items()}
        if meta.get("rerun:kind") == "index":
            if query.time_columns is None or f.name in query.time_columns:
                times.append({"name": f.name, "kind": "time", "timeline_kind": kinds.get(f.name)})
        elif meta.get("rerun:kind") == "data":
            if query.component_columns is None or f.name in query.component_columns:
                entity = meta.get("rerun:entity_path") or f.name.rsplit(":", 2)[0]
                component = meta.get("rerun:component") or f.name[len(entity) + 1 :]
                comps.append({"name": f.name, "kind": "component", "entity": entity, "component": component})
    times.sort(key=lambda c: c["name"] != index)  # the query's timeline first, as Rerun's view
    order = {e: i for i, e in enumerate(query.entity_order)}
    comps.sort(key=lambda c: (order.get(c["entity"], len(order)), c["entity"]))  # stable within an entity
    return times + comps


def abbreviate(value: Any) -> str | None:
    """A cell as short text: lists cut after ``MAX_CELL_ITEMS``, text after ``MAX_CELL_CHARS``."""
    if value is None:
        return None
    if isinstance(value, list) and len(value) == 1:  # one instance: the value itself, as Rerun shows it
        value = value[0]
    text = _short(value, 0)
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def _short(value: Any, depth: int) -> str:
    if isinstance(value, list):
        if depth > 2:
            return "[…]"
        items = [_short(v, depth + 1) for v in value[:MAX_CELL_ITEMS]]
        more = "" if len(value) <= MAX_CELL_ITEMS else f", … +{len(value) - MAX_CELL_ITEMS}"
        return "[" + ", ".join(items) + more + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_short(v, depth + 1)}" for k, v in value.items()) + "}"
    if isinstance(value, float):
        text = f"{value:.6g}"
        if "e+" in text and abs(value) < 1e15:  # big plain numbers in full, as Rerun's table shows them
            text = f"{value:.6f}".rstrip("0").rstrip(".")
        return text
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)


__all__ = ["MAX_PAGE", "DataframeQuery", "DataframeTable", "abbreviate", "read_dataframe_query", "run_query"]
