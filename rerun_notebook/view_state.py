"""The ``views`` list of a session's state: each view's rect and header, plus what the browser
needs to draw its kind (text-log rows, a document's HTML, tensor sliders, a dataframe window).

Per-kind data is one function in ``PAYLOADS`` (kind -> fn): a new view kind whose browser side
needs data adds one entry here (``register``), the session itself does not change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import panels
from .map_panel import map_view_payload

_KEYS = ("id", "kind", "rect", "name", "origin", "entities", "header", "tab_bar")


@dataclass
class ViewRef:
    """One view as a payload function sees it."""

    id: str
    kind: str
    raw: dict[str, Any]  # the renderer's layout entry (``ViewerApp.layout()``), e.g. a dataframe query
    entities: list[str]  # its entities (else its origin), as strings


Payload = Callable[[Any, ViewRef], dict[str, Any]]  # (session, view) -> keys to add to the entry
PAYLOADS: dict[str, Payload] = {}


def register(kind: str, fn: Payload) -> Payload:
    """Make ``fn`` add the browser's data for views of ``kind``."""
    PAYLOADS[kind] = fn
    return fn


def view_entries(session: Any) -> list[dict[str, Any]]:
    """The state's ``views`` list for the session's renderer (empty without one)."""
    if session.app is None:
        return []
    return [view_entry(session, i, v) for i, v in enumerate(session.app.layout())]


def view_entry(session: Any, i: int, view: Any) -> dict[str, Any]:
    d = view if isinstance(view, dict) else {k: getattr(view, k, None) for k in _KEYS}
    kind = str(d.get("kind") or "unknown")
    vid = str(d.get("id") if d.get("id") is not None else i)
    entry: dict[str, Any] = {
        "id": vid,
        "kind": kind,
        "rect": [float(v) for v in (d.get("rect") or (0, 0, 0, 0))],
        "name": str(d.get("name") or kind),
        "header": float(d.get("header") or 0),  # the title strip's height above ``rect``
        "tab_bar": d.get("tab_bar"),  # the tabs to show in the header (active tab of a tabs container)
    }
    payload = PAYLOADS.get(kind)
    if payload is not None:
        origin = d.get("origin")
        entities = [panels.path_str(e) for e in (d.get("entities") or ([origin] if origin else []))]
        entry.update(payload(session, ViewRef(vid, kind, d, entities)))
    return entry


def _text_log(session: Any, view: ViewRef) -> dict[str, Any]:
    store, tl, t = session.store, session.time.timeline, session.time.time
    if hasattr(session.app, "text_log"):
        rows = [panels.log_row(r) for r in session.app.text_log(view.id, panels.TEXT_LOG_LIMIT)]
    else:
        ents = view.entities or panels.entities_with(store, "TextLog:text")
        rows = panels.text_log_rows(store, [e for e in ents if e not in session.hidden], tl, t)
    return {"rows": rows, "time_kind": session.time.kinds.get(tl or "")}  # how the browser formats times


def _text_document(session: Any, view: ViewRef) -> dict[str, Any]:
    if hasattr(session.app, "text_document"):
        doc = session.app.text_document(view.id)
        return {"html": panels.markdown_to_html(str(doc.get("text", "")), doc.get("media_type"))}
    store, tl, t = session.store, session.time.timeline, session.time.time
    ents = view.entities or panels.entities_with(store, "TextDocument:text")
    docs = [panels.text_document_html(store, e, tl, t) for e in ents if e not in session.hidden]
    return {"html": "".join(d for d in docs if d)}


def _tensor(session: Any, view: ViewRef) -> dict[str, Any]:
    return {"tensor": tensor_state(session.app, view.id)}


def tensor_state(app: Any, vid: str) -> dict[str, Any] | None:
    """Shape, names, shown axes and slice indices, for the widget's slice sliders."""
    getter = getattr(app, "view", None)
    try:
        view = getter(vid) if getter is not None else None
    except KeyError:
        return None
    tensor = getattr(view, "tensor", None)
    if tensor is None:
        return None
    shape = [int(x) for x in np.shape(tensor)]
    chosen: dict[int, int] = getattr(view, "slice", None) or {}
    return {
        "shape": shape,
        "names": [str(n) for n in (getattr(view, "names", None) or [])],
        "axes": [int(a) for a in getattr(view, "axes", (0, 1))],
        "slice": {str(d): int(chosen.get(d, n // 2)) for d, n in enumerate(shape)},
    }


def _dataframe(session: Any, view: ViewRef) -> dict[str, Any]:
    """One window of rows (dataframe_panel.py)."""
    ents = [e for e in view.entities if e not in session.hidden]
    viewport, shown = getattr(session.app, "viewport", None), getattr(session.app, "is_visible", None)
    if viewport is not None and shown is not None:  # the view's own eye toggles (and EntityBehavior)
        visible = viewport.visible_in(view.id, shown)
        ents = [e for e in ents if visible(e)]
    tl, t = session.time.timeline, session.time.time
    query = view.raw.get("dataframe_query")
    return {"dataframe": session.dataframes.entry(session.store, view.id, query, ents, tl, t)}


register("text_log", _text_log)
register("text_document", _text_document)
register("tensor", _tensor)
register("dataframe", _dataframe)
register("map", map_view_payload)
