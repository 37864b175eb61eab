"""What the selection panel shows: a recording summary, or the selected entity's component values.

Rerun's selection panel shows, with nothing selected, the recording's ids, source, duration and
sizes, and for a selected entity its components with their latest-at values; this module builds
both as plain JSON-able dicts for the widget to render as HTML.
"""

from __future__ import annotations

import logging
from typing import Any

from rerun_notebook.panels import _color_hex, jsonable, path_str

log = logging.getLogger(__name__)

SHOWN_VALUES = 5  # long arrays show this many values, then "N values"


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


def recording_summary(
    store: Any, recording_id: str, application_id: str, timeline: str | None
) -> dict[str, Any]:
    """The recording's ids, source, duration on ``timeline`` and entity/row/chunk counts and size."""
    out: dict[str, Any] = {"recording id": recording_id, "application id": application_id or "–"}
    info = getattr(store, "info", None)
    source = getattr(info, "store_source", None) or getattr(info, "source", None)
    out["source"] = str(source) if source is not None else "Python SDK (in this kernel)"
    try:
        out["duration"] = _duration(store, timeline) or "–"
        stats = store.stats()
        out["entities"] = stats.num_entities
        out["rows"] = stats.num_rows
        out["chunks"] = stats.num_chunks
        out["size"] = _size(stats.num_bytes)
    except Exception:
        log.debug("recording summary failed", exc_info=True)
    return out


def short_values(values: Any, name: str = "") -> Any:
    """A component's values for the panel: one value bare, long arrays cut to the first few."""
    items = values.to_pylist() if hasattr(values, "to_pylist") else list(values)
    shown = [_color_hex(name, jsonable(v)) for v in items[:SHOWN_VALUES]]  # colours as #rrggbbaa
    if len(items) == 1:
        return shown[0]
    return [*shown, f"… {len(items)} values"] if len(items) > SHOWN_VALUES else shown


def entity_components(store: Any, entity: str, timeline: str | None, time: int | None) -> dict[str, Any]:
    """Every component of ``entity`` with its latest value at ``time`` (static data included)."""
    try:
        cells = store.latest_at(path_str(entity), None, timeline, time)
    except Exception:
        log.debug("latest-at for the selection panel failed", exc_info=True)
        return {}
    return {str(name): short_values(cell.values, str(name)) for name, cell in sorted(cells.items())}
