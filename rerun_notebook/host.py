"""What the notebook widget and a web viewer page share: a ``ViewerSession`` driven by a
``FramePump``, the browser -> kernel messages (one protocol for both) and the shutdown order.

A new browser message is one entry in ``_HANDLERS`` (type -> handler(host, content)); the
messages of a view kind's own controls (a tensor's slice sliders, a dataframe's scrolling) are the
kind's (``ViewKind.messages``), reached through ``ViewerSession.view_message``.
No anywidget here: the web viewer uses it without Jupyter.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from .pump import FramePump
from .selection import toggle_item
from .session import ViewerSession

log = logging.getLogger(__name__)
DISPLAYED = "<displayed, no view has reported yet>"  # the pump's visibility key before any view reports


class SessionHost:
    """Mixin: owns ``session`` and ``pump``; ``_dispatch_msg`` applies one browser message."""

    session: ViewerSession
    pump: FramePump
    _pump_started: bool = False  # set once ``pump`` exists: the session's first changes come before it
    _closed: bool = False
    _seen_view: bool = False  # a browser view has reported its visibility

    def _dispatch_msg(self, content: dict[str, Any]) -> None:
        kind = content.get("type")
        handler = _HANDLERS.get(str(kind))
        if handler is not None:
            handler(self, content)
        elif not self.session.view_message(str(kind), content):
            log.debug("rerun notebook: unknown message %r", kind)

    def _shutdown(self) -> bool:
        """Stop the pump, then free the renderer and store subscriptions; False if already done."""
        if self._closed:
            return False
        self._closed = True
        self.pump.close()
        self.session.close()
        return True

    @property
    def closed(self) -> bool:
        return self._closed

    def _changed(self) -> None:
        """The session's ``on_change``: draw at the pump's next slot (none yet while constructing)."""
        if self._pump_started:
            self.pump.request()


def _visible(host: SessionHost, c: dict[str, Any]) -> None:
    if not host._seen_view:
        host._seen_view = True
        host.pump.set_visible(DISPLAYED, False)
    host.pump.set_visible(str(c.get("view", "")), bool(c.get("visible")))


def _resize(host: SessionHost, c: dict[str, Any]) -> None:
    host.session.set_size(int(c["width"]), int(c["height"]))
    host.pump.request()


def _input(host: SessionHost, c: dict[str, Any]) -> None:
    host.session.handle_input(dict(c["event"]))
    host.pump.wake()


def _hover(host: SessionHost, c: dict[str, Any]) -> None:
    host.session.request_hover(float(c["x"]), float(c["y"]), c.get("seq"))
    host.pump.wake()


def _click(host: SessionHost, c: dict[str, Any]) -> None:
    host.session.request_click(float(c["x"]), float(c["y"]), add=bool(c.get("add")))
    host.pump.wake()


def _select(host: SessionHost, c: dict[str, Any]) -> None:
    s = host.session
    path = c.get("entity_path")
    item = {"type": "entity", "entity_path": path, "instance_id": c.get("instance")}
    if c.get("view_name"):  # a click in a view the browser draws (the map) names it
        item["view_name"] = str(c["view_name"])
    if c.get("add") and path:  # Ctrl/Cmd+click adds to (or removes from) the selection
        s.set_selection(toggle_item(s.selection, item))
    else:
        s.set_selection([item] if path else [])


def _select_node(host: SessionHost, c: dict[str, Any]) -> None:
    path = c.get("entity_path")
    host.session.select_node(str(c["node_id"]), None if path is None else str(path))


def _reset_camera(host: SessionHost, c: dict[str, Any]) -> None:
    host.session.reset_camera()
    host.pump.request()


def _maximize(host: SessionHost, c: dict[str, Any]) -> None:
    host.session.maximize(None if c.get("view_id") is None else str(c["view_id"]))


Handler = Callable[[SessionHost, dict[str, Any]], None]
_HANDLERS: dict[str, Handler] = {
    "ack": lambda h, c: h.pump.ack(int(c["index"])),
    "visible": _visible,
    "resize": _resize,
    "input": _input,
    "hover": _hover,
    "click": _click,
    "select": _select,
    "selection_history": lambda h, c: h.session.selection_history(str(c["action"]), c.get("index")),
    # blueprint panel / view headers
    "node_visible": lambda h, c: h.session.set_node_visible(str(c["node_id"]), bool(c["visible"])),
    "view_entity_visible": lambda h, c: h.session.set_view_entity_visible(
        str(c["view_id"]), str(c["entity_path"]), bool(c["visible"])
    ),
    "maximize": _maximize,
    "active_tab": lambda h, c: h.session.set_active_tab(str(c["container_id"]), str(c["child_id"])),
    "select_node": _select_node,
    "entity_visible": lambda h, c: h.session.set_entity_visible(str(c["entity_path"]), bool(c["visible"])),
    "time": lambda h, c: h.session.time_action(str(c["action"]), c.get("value")),
    "reset_camera": _reset_camera,
    "recording": lambda h, c: h.session.set_active(str(c["recording_id"])),
}


def register(kind: str, handler: Handler) -> None:
    """Handle browser messages of type ``kind`` (a view kind's own controls go in ``ViewKind.messages``)."""
    _HANDLERS[kind] = handler
