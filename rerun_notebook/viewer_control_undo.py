"""Undo and redo of a recording's blueprint edits (``recording.undo_blueprint_edit`` / ``redo``).

In this viewer a recording's blueprint changes only through viewer control (``set_blueprint``, the
panel commands, the resets; the page's own toggles stay on the page). Before each such edit the
handler keeps what the application's blueprint was (``BlueprintHistory.record``): its values in
``get_blueprint``'s JSON form and their field types, or none at all (the heuristic layout). Undo
brings the last one back, written afresh from those values under the blueprint's id (0.41 keeps
one id through undo and redo; for none, without the stores viewer control wrote), keeping what it
replaced for redo; a new edit clears the redo side, as in 0.41. Nothing to undo or redo leaves the blueprint as it is.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


@dataclass
class _Snapshot:
    values: dict[str, Any] | None  # None: the application had no blueprint (its heuristic layout)
    fields: dict[str, Any] = field(default_factory=dict)


def _snapshot(hub: Any, application_id: str) -> _Snapshot:
    from rerun_core.viewer.blueprint_tree import hub_blueprint
    from rerun_notebook.viewer_control_blueprint import known_fields
    from rerun_notebook.viewer_control_heuristic import FIELD_TYPES
    from rerun_notebook.viewer_control_ops import blueprint_json

    store = hub_blueprint(hub, application_id)
    if store is None:
        return _Snapshot(None)
    return _Snapshot(blueprint_json(store), FIELD_TYPES | known_fields(store))


class BlueprintHistory:
    """The undo and redo stacks of each application's blueprint."""

    def __init__(self) -> None:
        self._undo: dict[str, list[_Snapshot]] = {}
        self._redo: dict[str, list[_Snapshot]] = {}
        self._lock = threading.Lock()

    def record(self, hub: Any, application_id: str) -> None:
        """Keep the blueprint as it is now, before an edit."""
        snap = _snapshot(hub, application_id)
        with self._lock:
            self._undo.setdefault(application_id, []).append(snap)
            self._redo.pop(application_id, None)

    def step(self, handler: Any, application_id: str, *, back: bool) -> None:
        """Undo (``back``) or redo one edit of the application's blueprint."""
        source, target = (self._undo, self._redo) if back else (self._redo, self._undo)
        with self._lock:
            if not source.get(application_id):
                return
            snap = source[application_id].pop()
        now = _snapshot(handler.hub, application_id)
        try:
            _restore(handler, application_id, snap)
        except ValueError:
            log.error("Failed to restore the blueprint of %s", application_id, exc_info=True)
            with self._lock:
                source.setdefault(application_id, []).append(snap)
            return
        with self._lock:
            target.setdefault(application_id, []).append(now)


def _restore(handler: Any, application_id: str, snap: _Snapshot) -> None:
    from rerun_notebook import viewer_control_blueprint as written

    if snap.values is None:  # back to no blueprint: the stores viewer control wrote go
        for blueprint_id in handler.hub.blueprints():
            if blueprint_id.application_id == application_id:
                handler.hub.remove(blueprint_id)
        handler._write_blueprint([])
        return
    target = rewrite_target(handler.hub, application_id)
    messages = written.blueprint_messages(snap.values, snap.fields, target, 0)
    clear_target(handler.hub, target)  # once the messages are made: a refused one changes nothing
    handler._write_blueprint([*messages, written.activation(target)])


def rewrite_target(hub: Any, application_id: str) -> Any:
    """Where the application's blueprint is written afresh (an undo, a redo, a whole new one from
    ``set_blueprint``): under the id of its blueprint now, that store cleared first, as 0.41 keeps
    one blueprint id through its edits; without a blueprint, under the id 0.41 gives the one of its
    own layout (the application id as its recording id); `clear_target` empties it, once what
    goes there is made. The default blueprint (sent with the data) is not written over: the first
    edit of it goes to a new id, as 0.41 edits a copy of it, and
    ``recording.reset_blueprint_to_default`` still finds it as it came."""
    from rerun_core.store.messages import StoreId, StoreKind
    from rerun_core.viewer.blueprint_tree import hub_blueprint
    from rerun_notebook.viewer_control_blueprint import new_blueprint_id

    store = hub_blueprint(hub, application_id)
    found = next((b for b in hub.blueprints() if store is not None and hub.get(b) is store), None)
    if found is not None and found == hub.default_blueprint_id:
        return new_blueprint_id(application_id)
    return found or StoreId(StoreKind.BLUEPRINT, application_id, application_id)


def clear_target(hub: Any, target: Any) -> None:
    """Remove what `rewrite_target`'s store holds, before the blueprint is written there afresh."""
    if hub.get(target) is not None:
        hub.remove(target)
