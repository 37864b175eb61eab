"""What the browser asks a session to do with its views: queued pointer input, picking and
selection (with its history), entity / view / container visibility, maximize, tabs, and the
messages of a view kind's own controls (``view_message``: ``ViewKind.messages``). A mixin of
``ViewerSession`` (session.py), which owns the state."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from rerun_core.viewer import view_registry
from rerun_core.viewer.protocols import MessageContext, Renderer

from . import blueprint_panel, panels
from .selection import SelectionHistory, toggle_item
from .timectrl import TimeControl

log = logging.getLogger(__name__)


class SessionActions:
    """The browser-driven half of ``ViewerSession``; every method holds the session's lock."""

    _lock: threading.RLock
    _on_change: Callable[[], None]
    _inputs: deque[dict[str, Any]]
    _requests: deque[tuple[str, float, float, Any]]
    replies: deque[dict[str, Any]]
    app: Renderer | None
    selection: list[dict[str, Any]]
    selection_values: dict[str, Any]
    history: SelectionHistory
    hidden: set[str]
    time: TimeControl
    _events: list[dict[str, Any]]
    _force: bool
    _outline: bool
    _data_dirty: bool

    def handle_input(self, event: dict[str, Any]) -> None:
        """Queue a pointer/wheel/key event (jupyter_rfb's shape) for the renderer.

        Applied on the pump's thread at its next step, so the kernel's main thread never waits
        for a render, and a burst of pointer moves costs one frame.
        """
        self._inputs.append(event)

    def request_hover(self, x: float, y: float, seq: Any = None) -> None:
        """Answered (in `replies`) on the pump's thread, from the picture the browser shows."""
        self._requests.append(("hover", x, y, seq))

    def request_click(self, x: float, y: float, *, add: bool = False) -> None:
        self._requests.append(("click", x, y, add))

    def _apply_queued(self) -> None:
        while self._inputs:
            event = self._inputs.popleft()
            if self.app is not None:
                self.app.handle_event(event)
        while self._requests:
            kind, x, y, seq = self._requests.popleft()
            if kind == "hover":
                self.replies.append({"type": "hover", "seq": seq, "info": self.pick(x, y)})
            else:
                self.click(x, y, add=bool(seq))

    def reset_camera(self) -> None:
        with self._lock:
            if self.app is not None:
                self.app.reset_camera()
                self._force = True

    def pick(self, x: float, y: float) -> dict[str, Any] | None:
        with self._lock:
            if self.app is None:
                return None
            try:
                return panels.pick_info(self.app.pick(x, y))
            except Exception:
                log.debug("pick failed", exc_info=True)
                return None

    def click(self, x: float, y: float, *, add: bool = False) -> None:
        """Select what is under the pointer (or clear the selection), firing selection_change.

        ``add`` (Ctrl/Cmd+click) toggles the item in the selection instead, and a miss changes nothing.
        """
        info = self.pick(x, y)
        items = []
        if info is not None:
            items.append(
                {
                    "type": "entity",
                    "entity_path": info["entity_path"],
                    "instance_id": info["instance"],
                    "view_name": info.get("view"),
                    "position": info.get("position"),
                }
            )
        if add:
            if items:
                self.set_selection(toggle_item(self.selection, items[0]))
            return
        with self._lock:
            self.selection_values = info["values"] if info is not None else {}
        self.set_selection(items)

    def set_selection(self, items: list[dict[str, Any]], *, record: bool = True) -> None:
        """Select ``items`` (fires selection_change); ``record=False`` when walking the history."""
        with self._lock:
            if record:
                self.history.update(items)
            if items == self.selection:
                return
            self.selection = items
            self._events.append({"type": "selection_change", "items": items})
            self._force = self._outline = True
        self._on_change()

    def _apply_outline(self) -> None:
        """The renderer outlines the first selected entity (or instance) in its spatial views."""
        if self.app is None:
            return
        first = next((i for i in self.selection if (i.get("type") or "entity") == "entity"), None)
        try:
            self.app.set_selection(
                first["entity_path"] if first else None, first.get("instance_id") if first else None
            )
        except Exception:
            log.debug("outlining the selection failed", exc_info=True)

    def selection_history(self, action: str, index: int | None = None) -> None:
        """The top bar's back / forward buttons and history menu (``goto`` an entry's index)."""
        with self._lock:
            if action == "back":
                items = self.history.back()
            elif action == "forward":
                items = self.history.forward()
            elif action == "goto":
                items = self.history.goto(int(index if index is not None else -1))
            else:
                raise ValueError(f"unknown selection history action {action!r}")
            if items is None:
                return
            if items != self.selection:
                self.selection_values = {}
        self.set_selection(items, record=False)
        with self._lock:
            self._force = True  # the menu's cursor moved even when the selection stayed
        self._on_change()

    def set_entity_visible(self, path: str, visible: bool) -> None:
        path = panels.path_str(path)
        with self._lock:
            (self.hidden.discard if visible else self.hidden.add)(path)
            if self.app is not None:
                self.app.set_visible(path, visible)
            self._data_dirty = self._force = True
        self._on_change()

    def _blueprint_tree(self) -> dict[str, Any] | None:
        return self.app.tree() if self.app is not None else None

    def _app_call(self, change: Callable[[Renderer], object]) -> None:
        """Forward a view or layout change to the renderer (when there is one) and redraw."""
        with self._lock:
            if self.app is not None:
                change(self.app)
                self._force = True
        self._on_change()

    def set_node_visible(self, node_id: str, visible: bool) -> None:
        """The eye on a view or container row (and a view header's hide button)."""
        self._app_call(lambda app: app.set_node_visible(node_id, visible))

    def set_view_entity_visible(self, view_id: str, path: str, visible: bool) -> None:
        """The eye on an entity row under a view: hides the entity in that view only."""
        entity = panels.path_str(path)
        self._app_call(lambda app: app.set_entity_visible_in_view(view_id, entity, visible))

    def maximize(self, view_id: str | None) -> None:
        self._app_call(lambda app: app.maximize(view_id))

    def set_active_tab(self, container_id: str, child_id: str) -> None:
        """A click on a tab in a view header's tab bar."""
        self._app_call(lambda app: app.set_active_tab(container_id, child_id))

    def select_node(self, node_id: str, entity_path: str | None = None) -> None:
        """A click on a blueprint row: the view or container, or an entity as shown in that view."""
        with self._lock:
            path = panels.path_str(entity_path) if entity_path else None
            item = blueprint_panel.selection_item(self._blueprint_tree(), node_id, path)
            if self.app is not None:  # a view in a background tab comes to the front, as Rerun
                self.app.reveal(node_id)
        self.set_selection([item])

    def view_message(self: MessageContext, msg_type: str, content: dict[str, Any]) -> bool:
        """A browser message of a view kind's own controls (its ``ViewKind.messages`` handler gets
        this session, the message's ``view_id`` and the message); False: no kind handles it."""
        handler = view_registry.message_handler(msg_type)
        if handler is None:
            return False
        handler(self, str(content["view_id"]), content)
        return True

    def renderer_change(self, change: Callable[[Renderer], object]) -> None:
        """A kind's change to the renderer (``MessageContext``), under the lock, then a redraw."""
        self._app_call(change)

    def session_change(self, change: Callable[[], bool]) -> None:
        """A kind's change to the session's own state (``MessageContext``), under the lock; True
        from ``change``: the state is sent and the picture redrawn."""
        with self._lock:
            if change():
                self._force = True
        self._on_change()
