"""The ``views`` list of a session's state: each view's rect and header, plus what the browser
needs to draw its kind (text-log rows, a document's HTML, tensor sliders, a dataframe window).

Per-kind data comes from the kind's ``ViewKind.payload`` (the built-in kinds' are in
``view_kinds.py``); a kind the view registry does not know may ``register`` one here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rerun_core.viewer import view_registry
from rerun_core.viewer.protocols import ViewRef

from . import panels, view_kinds  # noqa: F401  (view_kinds: the built-in kinds' payloads)

if TYPE_CHECKING:
    from .session import ViewerSession


Payload = Callable[["ViewerSession", ViewRef], dict[str, Any]]  # (session, view) -> keys to add
# Kinds the view registry does not know may register a payload here; the registry's kinds carry
# theirs (``ViewKind.payload``, the built-in ones set in ``view_kinds``).
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
    known = view_registry.get(kind)  # the kind's own payload, else one registered here
    payload = known.payload if known is not None and known.payload is not None else PAYLOADS.get(kind)
    if payload is not None:
        origin = d.get("origin")
        entities = [panels.path_str(e) for e in (d.get("entities") or ([origin] if origin else []))]
        entry.update(payload(session, ViewRef(vid, kind, d, entities)))
    return entry


__all__ = ["PAYLOADS", "ViewRef", "register", "view_entries", "view_entry"]
