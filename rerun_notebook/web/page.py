"""One connected browser page: a `ViewerSession` + `FramePump` following every recording of a hub.

Wire format on the WebSocket (the widget's protocol, re-framed):
- server -> page, text: `{"kind": "state", "value": <the _state JSON text>}` or
  `{"kind": "msg", "content": {...}}` (a custom message without buffers, e.g. a hover answer).
- server -> page, binary: a frame: little-endian u32 header length, the JSON header
  (`{"type": "frame", index, mime, width, height, timestamp}`), then the encoded picture.
- page -> server, text: the widget's custom messages (`ack`, `visible`, `resize`, `input`, ...).
"""

from __future__ import annotations

import json
import logging
import struct
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from rerun_notebook.pump import FramePump
from rerun_notebook.session import AppFactory, ViewerSession

log = logging.getLogger(__name__)

SendFn = Callable[[str | bytes], None]
DEFAULT_SIZE = (960, 600)
# pygfx keeps process-wide renderer state that is not thread-safe: the pages' pumps take turns.
_GPU_LOCK = threading.Lock()


def frame_packet(content: dict[str, Any], payload: bytes) -> bytes:
    """One binary WebSocket message carrying a frame's JSON header and its picture."""
    header = json.dumps(content).encode()
    return struct.pack("<I", len(header)) + header + payload


def split_packet(packet: bytes) -> tuple[dict[str, Any], bytes]:
    """The inverse of `frame_packet` (tests and Python clients)."""
    if len(packet) < 4:
        raise ValueError("frame packet shorter than its header length")
    (n,) = struct.unpack_from("<I", packet)
    if 4 + n > len(packet):
        raise ValueError("frame packet header runs past its end")
    return dict(json.loads(packet[4 : 4 + n])), bytes(packet[4 + n :])


class PageSession:
    """The kernel side of one page: state, frames and input for one browser tab."""

    def __init__(
        self,
        hub: Any,
        send: SendFn,
        *,
        app_factory: AppFactory | None = None,
        size: tuple[int, int] = DEFAULT_SIZE,
        pump_options: dict[str, Any] | None = None,
        empty_hint: str | None = None,
    ) -> None:
        self.hub = hub
        self.empty_hint = empty_hint  # replaces the notebook's "call rr.init" hint on an empty page
        self._send = send
        self._closed = False
        self._send_lock = threading.Lock()
        self._sent_state = ""
        self._hub_active: Any = None
        self.session = ViewerSession(*size, app_factory=app_factory, on_change=self._changed)
        self.pump = FramePump(_Source(self), self._send_frame, **(pump_options or {}))

    def start(self) -> PageSession:
        self.pump.start()
        return self

    # --- hub -> session -------------------------------------------------------------------------

    def sync_recordings(self) -> None:
        """Show recordings that appeared in the hub; follow the hub's active one when it changes."""
        s = self.session
        for sid in self.hub.recordings():
            if sid.recording_id not in s.stores:
                store = self.hub.get(sid)
                if store is not None:
                    s.add_store(sid.recording_id, store, application_id=sid.application_id, make_active=False)
        active = getattr(self.hub, "active_recording_id", None)
        if active is not None and active != self._hub_active and active.recording_id in s.stores:
            self._hub_active = active
            s.set_active(active.recording_id)

    # --- session -> page ------------------------------------------------------------------------

    def _changed(self) -> None:
        pump = getattr(self, "pump", None)
        if pump is not None:
            pump.request()

    def _emit(self, data: str | bytes) -> None:
        if self._closed:
            return
        with self._send_lock:
            try:
                self._send(data)
            except Exception:  # the page went away: the server's handler closes us
                log.debug("sending to a web viewer page failed", exc_info=True)

    def _send_frame(self, content: dict, buffers: list[bytes]) -> None:
        self._emit(frame_packet(content, buffers[0]))

    def publish_state(self) -> None:
        text = self.session._state_json
        if text and text != self._sent_state:
            self._sent_state = text
            self._emit(json.dumps({"kind": "state", "value": self._page_state(text)}))
        self.session.take_events()  # no Python callbacks on a web page: keep the list short
        while self.session.replies:
            self._emit(json.dumps({"kind": "msg", "content": self.session.replies.popleft()}))

    def _page_state(self, text: str) -> str:
        if self.empty_hint is None or self.session.stores:
            return text
        state = json.loads(text)
        state["hint"] = self.empty_hint
        return json.dumps(state, sort_keys=True)

    # --- page -> session ------------------------------------------------------------------------

    def handle_text(self, text: str) -> None:
        """One message from the page; bad ones are logged and dropped, never fatal."""
        try:
            content = json.loads(text)
            if not isinstance(content, dict):
                raise ValueError("expected a JSON object")
            handle_message(self.session, self.pump, content)
        except Exception as err:
            log.warning("web viewer: ignoring a bad message from the page (%s)", err)

    def close(self) -> None:
        """Stop the pump and free the renderer; the page is gone."""
        if self._closed:
            return
        self._closed = True
        self.pump.close()
        self.session.close()

    @property
    def closed(self) -> bool:
        return self._closed


def handle_message(session: ViewerSession, pump: FramePump, content: dict[str, Any]) -> None:
    """Apply one of the widget protocol's browser -> kernel messages (see widget.py)."""
    kind = content.get("type")
    if kind == "ack":
        pump.ack(int(content["index"]))
    elif kind == "visible":
        pump.set_visible(str(content.get("view", "")), bool(content.get("visible")))
    elif kind == "resize":
        session.set_size(int(content["width"]), int(content["height"]))
        pump.request()
    elif kind == "input":
        session.handle_input(dict(content["event"]))
        pump.wake()
    elif kind == "hover":
        session.request_hover(float(content["x"]), float(content["y"]), content.get("seq"))
        pump.wake()
    elif kind == "click":
        session.request_click(float(content["x"]), float(content["y"]))
        pump.wake()
    else:
        _handle_panel_message(session, pump, kind, content)


def _handle_panel_message(
    session: ViewerSession, pump: FramePump, kind: Any, content: dict[str, Any]
) -> None:
    if kind == "select":
        path = content.get("entity_path")
        session.set_selection([{"type": "entity", "entity_path": path, "instance_id": None}] if path else [])
    elif kind == "entity_visible":
        session.set_entity_visible(str(content["entity_path"]), bool(content["visible"]))
    elif kind == "time":
        session.time_action(str(content["action"]), content.get("value"))
    elif kind == "reset_camera":
        session.reset_camera()
        pump.request()
    elif kind == "tensor_slice":
        session.set_tensor_slice(str(content["view_id"]), int(content["dim"]), int(content["index"]))
    elif kind == "recording":
        session.set_active(str(content["recording_id"]))
    else:
        log.debug("web viewer: unknown message %r", kind)


class _Source:
    """The pump's source: syncs recordings, prepares the session, publishes state as it goes."""

    def __init__(self, page: PageSession) -> None:
        self._page = page

    def prepare(self, now: float) -> bool:
        page = self._page
        if page.closed:
            return False
        with _GPU_LOCK:
            page.sync_recordings()
            changed = page.session.prepare(now)
        page.publish_state()
        return changed

    def render(self, *, lowres: bool = False) -> np.ndarray | None:
        page = self._page
        if page.closed:
            return None
        with _GPU_LOCK:
            frame = page.session.render(lowres=lowres)
        page.publish_state()
        return frame
