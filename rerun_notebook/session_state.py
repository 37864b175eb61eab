"""The panel state a session publishes (the ``_state`` trait's JSON): one dict assembled from
the session's renderer, time control, selection, blueprint and panels."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from . import blueprint_panel
from .dev_panels import dev_state, panels_shown
from .selection import selection_details
from .view_state import view_entries
from .viewer_control_tables import table_view

if TYPE_CHECKING:
    from .session import ViewerSession

log = logging.getLogger(__name__)
NO_RECORDING_HINT = "No recording yet: call rr.init(...) and log data, or viewer.add_recording(rec)."


def build_state(session: ViewerSession) -> dict[str, Any]:
    """Everything the browser's panels draw, as plain JSON-able values."""
    try:
        table = table_view(session)  # a table sent to the viewer, on screen instead of the views
        views = [table] if table is not None else view_entries(session)
    except Exception:
        log.debug("layout failed", exc_info=True)
        views = []
    return {
        "error": session.error,
        "hint": None if session.stores else NO_RECORDING_HINT,
        "size": list(session.size),
        "time": session.time.state(),
        "tree": session._tree,
        "blueprint": blueprint_rows(session),
        "views": views,
        "selection": session.selection,
        "selection_values": session.selection_values if session.selection else {},
        "selection_details": details(session),
        "selection_history": session.history.state(),
        "panels": panels_shown(session),  # unless the palette turned the overrides off
        "ui_zoom": session.ui_zoom,
        "modal": session.modal,
        "palette": palette_here(),  # the palette's shortcuts run commands (a viewer process's page)
        "dev": dev_state(session),  # the palette's dev panels, clipboard (dev_panels.js)
        "panel_defaults": session.blueprint.panel_states,  # a sent blueprint's: the user may toggle them
        "recordings": sorted(session.stores),
        "active": session.active,
    }


def palette_here() -> bool:
    """Whether this process runs viewer control, which the pages' palette runs commands through."""
    from .viewer_control_screen_commands import attached

    return attached() is not None


def blueprint_rows(session: Any) -> list[dict[str, Any]]:
    try:
        return blueprint_panel.panel_rows(session._blueprint_tree(), session.selection)
    except Exception:
        log.debug("building the blueprint panel failed", exc_info=True)
        return []


def details(session: ViewerSession) -> dict[str, Any]:
    """The selection panel's body: the selected item's details, else the recording summary."""
    store = session.stores.get(session.active) if session.active is not None else None
    views: list[dict[str, Any]] = []
    if session.app is not None and any(i.get("type") == "view" for i in session.selection):
        keys = ("id", "kind", "name", "origin", "entities")
        views = [{k: v.get(k) for k in keys} for v in session.app.layout()]
    rid = str(session.active)
    with_tree = any(i.get("type") == "container" for i in session.selection)
    return selection_details(
        session.selection,
        store,
        session.time.timeline,
        session.time.time,
        views=views,
        tree=session._blueprint_tree() if with_tree else None,
        recording=(rid, session.app_ids.get(rid, "")),
    )
