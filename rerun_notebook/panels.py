"""Panel content computed from the store: entity tree, text logs, text documents, hover values.

Panels are HTML in the widget (not pixels): this module turns store contents into small JSON
structures the ES module renders. Everything here is best effort against the store's query
API and never raises into the frame pump.
"""

from __future__ import annotations

import html
import logging
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

TEXT_LOG_LIMIT = 500  # newest rows shown per text log view
_LEVELS = ("CRITICAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE")


def path_str(path: Any) -> str:
    s = str(path)
    return s if s.startswith("/") else "/" + s


def entity_tree(paths: list[str], hidden: set[str]) -> list[dict[str, Any]]:
    """Flat, depth-first rows of the entity tree (ancestors included), with visibility flags."""
    nodes: set[str] = set()
    for p in paths:
        parts = [x for x in p.split("/") if x]
        for i in range(1, len(parts) + 1):
            nodes.add("/" + "/".join(parts[:i]))
    has_data = set(paths)
    rows = []
    for node in sorted(nodes, key=lambda s: [x for x in s.split("/") if x]):
        parts = [x for x in node.split("/") if x]
        hidden_by = next((h for h in hidden if node == h or node.startswith(h.rstrip("/") + "/")), None)
        rows.append(
            {
                "path": node,
                "name": parts[-1],
                "depth": len(parts) - 1,
                "has_data": node in has_data,
                "visible": hidden_by is None,
                "own_toggle": node not in hidden,
            }
        )
    return rows


def _component_names(store: Any, entity: str) -> set[str]:
    names: set[str] = set()
    try:
        for chunk in store.chunks():
            if path_str(chunk.entity_path) == entity:
                names.update(str(d) for d in chunk.components)
    except Exception:
        log.debug("listing components failed", exc_info=True)
    return names


def entities_with(store: Any, component: str) -> list[str]:
    """Entities that have the given component column (e.g. ``TextLog:text``)."""
    found: set[str] = set()
    try:
        for chunk in store.chunks():
            if any(str(d) == component for d in chunk.components):
                found.add(path_str(chunk.entity_path))
    except Exception:
        log.debug("scanning chunks failed", exc_info=True)
    return sorted(found)


def _py(values: Any) -> list[Any]:
    if values is None:
        return []
    if hasattr(values, "to_pylist"):
        return list(values.to_pylist())
    return list(values)


def _flatten(values: Any) -> list[Any]:
    """One row's instances, whether the store hands a flat array or a one-row list array."""
    out = _py(values)
    if len(out) == 1 and isinstance(out[0], list):
        return out[0]
    return out


def text_log_rows(
    store: Any, entities: list[str], timeline: str | None, time: int | None
) -> list[dict[str, Any]]:
    """TextLog rows up to the time cursor, newest last, at most TEXT_LOG_LIMIT."""
    rows: list[dict[str, Any]] = []
    for entity in entities:
        try:
            cols = store.range(
                entity,
                ["TextLog:text", "TextLog:level"],
                timeline,
                -(2**63) + 1,
                time if time is not None else 2**63 - 1,
            )
        except Exception:
            log.debug("text log range query failed", exc_info=True)
            continue
        text = cols.get("TextLog:text")
        if text is None:
            continue
        level = cols.get("TextLog:level")
        levels = _py(level.values) if level is not None else []
        for i, (t, v) in enumerate(zip(np.asarray(text.times).tolist(), _py(text.values))):
            body = v[0] if isinstance(v, list) and v else v
            lv = levels[i] if i < len(levels) else None
            lv = lv[0] if isinstance(lv, list) and lv else lv
            rows.append(
                {
                    "time": t,
                    "entity": entity,
                    "level": (lv or "INFO"),
                    "text": "" if body is None else str(body),
                }
            )
    rows.sort(key=lambda r: r["time"])
    return rows[-TEXT_LOG_LIMIT:]


def log_row(row: dict[str, Any]) -> dict[str, Any]:
    """One text-log row from the renderer, in the shape the browser table takes."""
    return {
        "time": row.get("time"),
        "entity": path_str(row.get("entity_path") or row.get("entity") or "/"),
        "level": str(row.get("level") or "INFO"),
        "text": str(row.get("text") or ""),
        "color": row.get("color"),
    }


def markdown_to_html(text: str, media_type: str | None) -> str:
    """TextDocument body: markdown rendered (raw HTML in it escaped), anything else preformatted."""
    if media_type in ("text/markdown", "text/x-markdown"):
        try:
            from markdown_it import MarkdownIt

            return str(MarkdownIt("commonmark", {"html": False}).enable("table").render(text))
        except ImportError:
            pass
    return f"<pre>{html.escape(text)}</pre>"


def text_document_html(store: Any, entity: str, timeline: str | None, time: int | None) -> str | None:
    try:
        cells = store.latest_at(entity, ["TextDocument:text", "TextDocument:media_type"], timeline, time)
    except Exception:
        log.debug("text document query failed", exc_info=True)
        return None
    text = cells.get("TextDocument:text")
    if text is None:
        return None
    body = _flatten(text.values)
    media = cells.get("TextDocument:media_type")
    media_type = _flatten(media.values)[0] if media is not None and _flatten(media.values) else None
    return markdown_to_html(str(body[0]) if body else "", media_type)


def jsonable(value: Any, depth: int = 0) -> Any:
    """Hover values as short JSON: numbers rounded, arrays and strings truncated."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, np.generic):
        value = value.item()
    if hasattr(value, "to_pylist"):
        value = value.to_pylist()
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, (int, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        items = [jsonable(v, depth + 1) for v in list(value)[:16]]
        return [*items, "…"] if len(value) > 16 else items
    if isinstance(value, dict) and depth < 3:
        return {str(k): jsonable(v, depth + 1) for k, v in list(value.items())[:32]}
    s = str(value)
    return s if len(s) <= 200 else s[:200] + "…"


def pick_info(hit: Any) -> dict[str, Any] | None:
    """Normalize whatever the renderer's pick() returns into {entity_path, instance, values, ...}."""
    if hit is None:
        return None
    data = hit if isinstance(hit, dict) else {k: v for k, v in vars(hit).items() if not k.startswith("_")}
    entity = data.get("entity_path") or data.get("entity")
    if entity is None:
        return None
    instance = data.get("instance", data.get("instance_id"))
    return {
        "entity_path": path_str(entity),
        "instance": None if instance is None else int(instance),
        "view": data.get("view") or data.get("view_name"),
        "position": jsonable(data.get("position")),
        "values": {k: _color_hex(k, v) for k, v in jsonable(data.get("values") or {}).items()},
    }


def _color_hex(key: str, value: Any) -> Any:
    """Packed RGBA colors read better as #rrggbbaa than as a 32-bit integer."""
    if "color" in key.lower() and isinstance(value, int) and 0 <= value < 2**32:
        return f"#{value:08x}"
    return value


def level_names() -> list[str]:
    return list(_LEVELS)


def component_summary(store: Any, entity: str) -> list[str]:
    return sorted(_component_names(store, entity))
