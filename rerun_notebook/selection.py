"""The selection panel's content and the selection history (back / forward), as Rerun 0.41 has them.

Rerun's selection panel shows, with nothing selected, the recording's ids, source, duration and
sizes; for an entity its components grouped by archetype with their latest-at values at the time
cursor; for an instance that instance's values; for a view its kind, origin and entities; for a
container its kind and contents. This module builds those as plain JSON-able dicts for the widget
to render as HTML, and keeps the history the top bar's back / forward buttons walk.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from rerun_core.store.store import ChunkStore
from rerun_notebook.blueprint_panel import find_node
from rerun_notebook.panels import _color_hex, jsonable, path_str

log = logging.getLogger(__name__)

SHOWN_VALUES = 5  # long arrays show this many values, then "N values"
MAX_HISTORY = 100  # selections kept for back / forward (Rerun's MAX_SELECTION_HISTORY_LENGTH)

Item = dict[str, Any]


# --- labels ----------------------------------------------------------------------------------


def item_kind(item: Item) -> str:
    """``entity``, ``instance``, ``view`` or ``container`` (an entity with an instance id is an instance)."""
    kind = str(item.get("type") or "entity")
    if kind == "entity" and item.get("instance_id") is not None:
        return "instance"
    return kind


def item_label(item: Item) -> str:
    """How the history menu names one item: a view or container by name, an entity by path."""
    kind = item.get("type") or "entity"
    if kind == "view":
        return str(item.get("view_name") or item.get("view_id") or "view")
    if kind == "container":
        return str(item.get("container_name") or item.get("container_id") or "container")
    label = path_str(item.get("entity_path") or "/")
    if item.get("instance_id") is not None:
        label += f"[{item['instance_id']}]"
    view = item.get("view_name")
    return f"{label} in {view}" if view else label


def selection_label(items: list[Item]) -> str:
    """One selection's name: its item's label, "3x entitys" style counts as Rerun, or a mix."""
    if len(items) == 1:
        return item_label(items[0])
    kinds = {item_kind(i) for i in items}
    if len(kinds) == 1:
        return f"{len(items)}x {kinds.pop()}s"
    return "<multiple selections>"


def _identity(item: Item) -> tuple[Any, ...]:
    """What makes two items the same selection (a click at another pixel of one point is no new one)."""
    return (
        item.get("type") or "entity",
        item.get("entity_path"),
        item.get("instance_id"),
        item.get("view_id") or item.get("view_name"),
        item.get("container_id"),
    )


def same_selection(a: list[Item], b: list[Item]) -> bool:
    return [_identity(i) for i in a] == [_identity(i) for i in b]


def toggle_item(selection: list[Item], item: Item) -> list[Item]:
    """Ctrl/Cmd+click, as Rerun: an item already selected leaves the selection, another one joins it."""
    key = _identity(item)
    kept = [i for i in selection if _identity(i) != key]
    return kept if len(kept) < len(selection) else [*selection, item]


# --- history ---------------------------------------------------------------------------------


class SelectionHistory:
    """Rerun's selection history: a stack of past selections with a cursor, undo/redo style.

    Selecting nothing leaves the history alone; re-selecting the current entry adds nothing; a new
    selection after going back drops the entries ahead of the cursor (a diverging timeline).
    Only the newest `MAX_HISTORY` entries are kept.
    """

    def __init__(self) -> None:
        self.stack: list[list[Item]] = []
        self.current = 0

    def update(self, items: list[Item]) -> None:
        """Record a new selection (made by the user, not by walking the history)."""
        if not items:
            return
        now = self.stack[self.current] if self.stack else None
        if now is not None and same_selection(now, items):
            return
        del self.stack[self.current + 1 :]
        self.stack.append([dict(i) for i in items])
        del self.stack[: max(0, len(self.stack) - MAX_HISTORY)]
        self.current = len(self.stack) - 1

    def back(self) -> list[Item] | None:
        """The previous selection (the cursor moves there), or None at the oldest."""
        return self.goto(self.current - 1)

    def forward(self) -> list[Item] | None:
        return self.goto(self.current + 1)

    def goto(self, index: int) -> list[Item] | None:
        """Jump to one entry (the history menu); None when there is no such entry."""
        if not 0 <= index < len(self.stack) or index == self.current:
            return None
        self.current = index
        return [dict(i) for i in self.stack[index]]

    def retain(self, keep: Callable[[Item], bool]) -> None:
        """Drop items that no longer exist (e.g. a removed view); emptied entries go, cursor kept valid."""
        kept: list[list[Item]] = []
        for i, entry in enumerate(self.stack):
            items = [x for x in entry if keep(x)]
            if items:
                kept.append(items)
            elif i <= self.current:
                self.current = max(0, self.current - 1)
        self.stack = kept
        self.current = min(self.current, max(0, len(kept) - 1))

    def state(self) -> dict[str, Any]:
        """For the top bar: labels of the neighbours and of every entry (menu: newest past first)."""
        entries = [[i, selection_label(s), item_kind(s[0])] for i, s in enumerate(self.stack)]
        return {
            "back": entries[self.current - 1][1] if self.current > 0 else None,
            "forward": entries[self.current + 1][1] if self.current + 1 < len(entries) else None,
            "past": entries[: self.current][::-1],
            "future": entries[self.current + 1 :],
            "current": self.current,
        }


# --- panel content ---------------------------------------------------------------------------


def _size(num_bytes: int) -> str:
    size = float(num_bytes)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{num_bytes} B"


def _duration(store: Any, timeline: str | None) -> str | None:
    if timeline is None:
        return None
    span = store.time_range(timeline)
    if span is None:
        return None
    kind = getattr(store.timelines().get(timeline), "value", "sequence")
    d = int(span[1]) - int(span[0])
    return f"{d} steps on {timeline}" if kind == "sequence" else f"{d / 1e9:.3f}s on {timeline}"


def store_counts(store: ChunkStore) -> dict[str, Any]:
    """Entity / column / row / chunk counts and size, from the store's running totals (O(1))."""
    stats = store.stats()
    return {
        "entities": stats.num_entities,
        "columns": stats.num_columns,  # "entity:component" columns, as Rerun counts them
        "rows": stats.num_rows,
        "chunks": stats.num_chunks,
        "size": _size(stats.num_bytes),
    }


def recording_summary(
    store: Any, recording_id: str, application_id: str, timeline: str | None
) -> dict[str, Any]:
    """The recording's ids, source, duration on ``timeline`` and entity/row/chunk counts and size."""
    out: dict[str, Any] = {"recording id": recording_id, "application id": application_id or "–"}
    from .sources import source_label

    out["source"] = source_label(store)  # file / gRPC / server, as whoever opened it said
    try:
        out["duration"] = _duration(store, timeline) or "–"
        counts = store_counts(store)
        out["size"] = counts.pop("size")  # Rerun's order: ids, source, duration, size, then counts
        out.update(counts)
    except Exception:
        log.debug("recording summary failed", exc_info=True)
    return out


BLOB_FIELDS = ("buffer", "blob")  # raw bytes (images, encoded images, assets): shown as a size
PEEK_ITEMS = 16  # inner list items converted per value (as `jsonable` shows them)


def _peek(scalar: Any, blob: bool = False, depth: int = 0) -> Any:
    """One Arrow value as Python without converting all of it: lists give their first items, bytes a size.

    An image buffer or a long line strip is one value holding millions of numbers; the panel shows a
    few, so only those are converted.
    """
    if not getattr(scalar, "is_valid", True):
        return None
    inner = getattr(scalar, "values", None)  # list-like scalars
    if inner is not None and hasattr(inner, "slice"):
        if blob:
            return f"<{len(inner)} bytes>"
        items = [_peek(inner[i], depth=depth + 1) for i in range(min(len(inner), PEEK_ITEMS))]
        return [*items, "…"] if len(inner) > PEEK_ITEMS else items
    if hasattr(scalar, "items") and depth < 4:  # struct
        return {k: _peek(v, blob or k in BLOB_FIELDS, depth + 1) for k, v in scalar.items()}
    if type(scalar).__name__ == "UnionScalar":
        value = scalar.value
        return _peek(value, blob, depth + 1) if hasattr(value, "as_py") else value
    if blob and hasattr(scalar, "as_buffer"):
        return f"<{len(scalar.as_buffer())} bytes>"
    return scalar.as_py() if hasattr(scalar, "as_py") else scalar


def _short(value: Any, name: str) -> Any:
    if name.rpartition(":")[2] in BLOB_FIELDS and isinstance(value, (list, bytes)):
        return f"<{len(value)} bytes>"
    return _color_hex(name, jsonable(value))  # colours as #rrggbbaa


def short_values(values: Any, name: str = "") -> Any:
    """A component's values for the panel: one value bare, long arrays cut to the first few.

    Only the shown values are converted to Python (a 1M-point cloud is sliced, not listed).
    """
    n = len(values)
    if hasattr(values, "slice") and hasattr(values, "to_pylist"):
        blob = name.rpartition(":")[2] in BLOB_FIELDS
        head = [_peek(values[i], blob) for i in range(min(n, SHOWN_VALUES))]
    else:
        head = list(values)[:SHOWN_VALUES]
    shown = [_short(v, name) for v in head]
    if n == 1:
        return shown[0]
    return [*shown, f"… {n} values"] if n > SHOWN_VALUES else shown


def _latest(store: Any, entity: str, timeline: str | None, time: int | None) -> dict[str, Any]:
    try:
        return dict(store.latest_at(path_str(entity), None, timeline, time))
    except Exception:
        log.debug("latest-at for the selection panel failed", exc_info=True)
        return {}


def entity_components(store: Any, entity: str, timeline: str | None, time: int | None) -> dict[str, Any]:
    """Every component of ``entity`` with its latest value at ``time`` (static data included)."""
    cells = _latest(store, entity, timeline, time)
    return {str(name): short_values(cell.values, str(name)) for name, cell in sorted(cells.items())}


def instance_components(
    store: Any, entity: str, instance: int, timeline: str | None, time: int | None
) -> dict[str, Any]:
    """One instance's values: element ``instance`` of each component, a single value applying to all."""
    out: dict[str, Any] = {}
    for name, cell in sorted(_latest(store, entity, timeline, time).items()):
        values = cell.values
        n = len(values)
        if n == 0 or (n > 1 and instance >= n):
            continue  # Rerun leaves out components this instance has no value of
        value = values[instance if n > 1 else 0]
        blob = str(name).rpartition(":")[2] in BLOB_FIELDS
        value = _peek(value, blob) if hasattr(value, "as_py") else value
        out[str(name)] = short_values([value], str(name))
    return out


def by_archetype(components: dict[str, Any]) -> list[dict[str, Any]]:
    """``{"Points3D:radii": v}`` -> ``[{"archetype": "Points3D", "components": [["radii", v]]}]``."""
    groups: dict[str, list[list[Any]]] = {}
    for name, value in components.items():
        arch, _, field = name.rpartition(":")
        groups.setdefault(arch.rsplit(".", 1)[-1] or "Other", []).append([field, value])
    order = sorted(groups, key=lambda a: (a == "Other", a))
    return [{"archetype": a, "components": groups[a]} for a in order]


def view_details(item: Item, views: list[dict[str, Any]]) -> dict[str, Any]:
    """A selected view: its kind, origin and entities, from the renderer's layout."""
    vid, name = item.get("view_id"), item.get("view_name")
    view = next((v for v in views if vid is not None and str(v.get("id")) == str(vid)), None)
    view = view or next((v for v in views if name is not None and v.get("name") == name), None) or {}
    entities = [path_str(e) for e in (view.get("entities") or [])]
    return {
        "kind": "view",
        "title": str(name or view.get("name") or vid or "view"),
        "view_kind": view.get("kind"),
        "origin": path_str(view["origin"]) if view.get("origin") is not None else None,
        "entities": entities,
        "found": bool(view),
    }


def container_details(item: Item, tree: dict[str, Any] | None) -> dict[str, Any]:
    """A selected container: its kind (grid, horizontal, ...) and what it holds, from the blueprint tree."""
    node = find_node(tree, str(item.get("container_id"))) or {}
    return {
        "kind": "container",
        "title": str(
            item.get("container_name") or node.get("name") or item.get("container_id") or "container"
        ),
        "container_kind": node.get("kind"),
        "children": [[str(c.get("type")), str(c.get("name"))] for c in node.get("children", [])],
        "found": bool(node),
    }


def entity_details(item: Item, store: Any, timeline: str | None, time: int | None) -> dict[str, Any]:
    """A selected entity (its components by archetype) or instance (that instance's values)."""
    path = path_str(item.get("entity_path") or "/")
    instance = item.get("instance_id")
    if instance is not None:
        comps = instance_components(store, path, int(instance), timeline, time)
    else:
        comps = entity_components(store, path, timeline, time)
    return {
        "kind": "instance" if instance is not None else "entity",
        "title": item_label({**item, "view_name": None}),
        "entity_path": path,
        "instance_id": instance,
        "view_name": item.get("view_name"),
        "archetypes": by_archetype(comps),
        "components": comps,
    }


def selection_details(
    items: list[Item],
    store: Any,
    timeline: str | None,
    time: int | None,
    *,
    views: list[dict[str, Any]] | None = None,
    tree: dict[str, Any] | None = None,
    recording: tuple[str, str] = ("", ""),
) -> dict[str, Any]:
    """The selection panel's body: the first item's details (and how many more), else the recording.

    ``views`` is the renderer's layout (for a selected view), ``tree`` its blueprint tree (for a
    container); ``recording`` is (recording id, application id), for the summary shown with nothing
    selected.
    """
    if store is None:
        return {}
    if not items:
        rid, app_id = recording
        summary = recording_summary(store, rid, app_id, timeline)  # pairs: the state's JSON sorts keys
        return {"kind": "recording", "title": rid, "summary": [[k, v] for k, v in summary.items()]}
    first = items[0]
    kind = first.get("type") or "entity"
    if kind == "view":
        out = view_details(first, views or [])
    elif kind == "container":
        out = container_details(first, tree)
    else:
        out = entity_details(first, store, timeline, time)
    if len(items) > 1:
        out["others"] = [item_label(i) for i in items[1:]]
    return out
