"""The ``views`` list of a session's state: each view's rect and header, plus what the browser
needs to draw its kind (text-log rows, a document's HTML, tensor sliders, a dataframe window).

Per-kind data is one function in ``PAYLOADS`` (kind -> fn): a new view kind whose browser side
needs data adds one entry here (``register``), the session itself does not change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rerun_core.viewer.protocols import Renderer

from . import panels
from .map_panel import map_view_payload

if TYPE_CHECKING:
    from .session import ViewerSession


@dataclass
class ViewRef:
    """One view as a payload function sees it."""

    id: str
    kind: str
    raw: dict[str, Any]  # the renderer's layout entry (``ViewerApp.layout()``), e.g. a dataframe query
    entities: list[str]  # its entities (else its origin), as strings


Payload = Callable[["ViewerSession", ViewRef], dict[str, Any]]  # (session, view) -> keys to add
PAYLOADS: dict[str, Payload] = {}


def register(kind: str, fn: Payload) -> Payload:
    """Make ``fn`` add the browser's data for views of ``kind``."""
    PAYLOADS[kind] = fn
    return fn


def view_entries(session: ViewerSession) -> list[dict[str, Any]]:
    """The state's ``views`` list for the session's renderer (empty without one)."""
    if session.app is None:
        return []
    return [view_entry(session, i, v) for i, v in enumerate(session.app.layout())]


def view_entry(session: ViewerSession, i: int, d: dict[str, Any]) -> dict[str, Any]:
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


def _text_log(session: ViewerSession, view: ViewRef) -> dict[str, Any]:
    assert session.app is not None
    rows = [panels.log_row(r) for r in session.app.text_log(view.id, panels.TEXT_LOG_LIMIT)]
    tl = session.time.timeline
    return {"rows": rows, "time_kind": session.time.kinds.get(tl or "")}  # how the browser formats times


def _text_document(session: ViewerSession, view: ViewRef) -> dict[str, Any]:
    assert session.app is not None
    doc = session.app.text_document(view.id)
    return {"html": panels.markdown_to_html(str(doc.get("text", "")), doc.get("media_type"))}


def _tensor(session: ViewerSession, view: ViewRef) -> dict[str, Any]:
    assert session.app is not None
    return {"tensor": tensor_state(session.app, view.id)}


def tensor_state(app: Renderer, vid: str) -> dict[str, Any] | None:
    """Shape, names, shown axes and the other dims' slice indices, for the widget's slice sliders."""
    try:
        info = app.tensor_info(vid)
    except KeyError:
        return None
    if not info:
        return None
    return {
        "shape": [int(n) for n in info["shape"]],
        "names": [str(n) for n in info.get("names") or []],
        "axes": [int(a) for a in info["axes"]],
        "slice": {str(d): int(i) for d, i in info["slice"].items()},
    }


def _dataframe(session: ViewerSession, view: ViewRef) -> dict[str, Any]:
    """One window of rows (dataframe_panel.py)."""
    assert session.app is not None
    visible = session.app.visible_in(view.id)  # the view's own eye toggles (and EntityBehavior)
    ents = [e for e in view.entities if e not in session.hidden and visible(e)]
    tl, t = session.time.timeline, session.time.time
    query = view.raw.get("dataframe_query")
    return {"dataframe": session.dataframes.entry(session.store, view.id, query, ents, tl, t)}


register("text_log", _text_log)
register("text_document", _text_document)
register("tensor", _tensor)
register("dataframe", _dataframe)
register("map", map_view_payload)
