"""One connected browser page: a `ViewerSession` + `FramePump` following every recording of a hub.

Wire format on the WebSocket (the widget's protocol, re-framed):
- server -> page, text: `{"kind": "set", "name": "_state" | "_ticks", "value": <JSON text>}` (the
  widget's synced traitlets) or `{"kind": "msg", "content": {...}}` (a custom message without
  buffers, e.g. a hover answer).
- server -> page, binary: a frame: little-endian u32 header length, the JSON header
  (`{"type": "frame", index, mime, width, height, timestamp}`), then the encoded picture.
- page -> server, text: the widget's custom messages (`ack`, `visible`, `resize`, `input`, ...),
  applied by the dispatcher the notebook widget uses too (host.py), so both speak one protocol.
"""

from __future__ import annotations

import json
import logging
import struct
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from rerun_core.store.hub import StoreHub
from rerun_notebook.blueprint_sync import hub_source
from rerun_notebook.host import SessionHost, register
from rerun_notebook.pump import FramePump
from rerun_notebook.session import AppFactory, ViewerSession
from rerun_notebook.sources import UrlSources, apply_open_time

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


class PageSession(SessionHost):
    """The kernel side of one page: state, frames and input for one browser tab."""

    def __init__(
        self,
        hub: StoreHub,
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
        self._seen_view = True  # a page always reports its visibility itself
        self._send_lock = threading.Lock()
        self._sent: dict[str, str] = {}  # synced attribute -> the text the page has
        self._hub_active: Any = None
        self._timed: set[str] = set()  # recordings shown where their segment URL says (once each)
        self.session = ViewerSession(*size, app_factory=app_factory, on_change=self._changed)
        self.session.blueprint.source = hub_source(hub)  # blueprints in the hub lay the page out
        self.pump = FramePump(_Source(self), self._send_frame, **(pump_options or {}))
        self._pump_started = True
        self.sources = UrlSources(hub, self.session)

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
        active = self.hub.active_recording_id
        if active is not None and active != self._hub_active and active.recording_id in s.stores:
            self._hub_active = active
            s.set_active(active.recording_id)
        if s.active is not None and s.active not in self._timed:  # a segment URL's #when= (rerun URL)
            self._timed.add(s.active)
            apply_open_time(s, s.active)

    # --- session -> page ------------------------------------------------------------------------

    def _emit(self, data: str | bytes) -> None:
        if self._closed:
            return
        with self._send_lock:
            try:
                self._send(data)
            except Exception:  # the page went away: the server's handler closes us
                log.debug("sending to a web viewer page failed", exc_info=True)

    def _send_frame(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        self._emit(frame_packet(content, buffers[0]))

    def publish_state(self) -> None:
        """Send the synced attributes that changed, then pending replies (hover answers)."""
        self._publish("_state", self._page_state(self.session._state_json))
        self._publish("_ticks", self.session.ticks_json)
        self.session.take_events()  # no Python callbacks on a web page: keep the list short
        while self.session.replies:
            self._emit(json.dumps({"kind": "msg", "content": self.session.replies.popleft()}))

    def _publish(self, name: str, text: str) -> None:
        if text and text != self._sent.get(name):
            self._sent[name] = text
            self._emit(json.dumps({"kind": "set", "name": name, "value": text}))

    def _page_state(self, text: str) -> str:
        if not text or self.empty_hint is None or self.session.stores:
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
            self._dispatch_msg(content)
        except Exception as err:
            log.warning("web viewer: ignoring a bad message from the page (%s)", err)

    def open_url(self, url: str) -> threading.Thread | None:
        """The page's ``?url=``: a Rerun server / dataset / segment URL, a proxy URL or an http(s)
        .rrd URL (never a local path: anyone can craft the link), opened on a thread."""
        from rerun_core.server.redap_source import is_redap_url

        remote_file = url.startswith(("http://", "https://")) and url.lower().split("?")[0].endswith(
            (".rrd", ".rbl")
        )
        if not (is_redap_url(url) or remote_file):
            self._url_failed(url, "expected a rerun+http(s):// URL or an http(s) URL of an .rrd file")
            return None
        thread = threading.Thread(target=self._open, args=(url,), name="rerun-web-open", daemon=True)
        thread.start()
        return thread

    def _open(self, url: str) -> None:
        try:
            log.info("web viewer: %s", self.sources.open(url))
        except (ValueError, RuntimeError, OSError) as err:
            self._url_failed(url, str(err))

    def _url_failed(self, url: str, why: str) -> None:
        log.warning("web viewer: cannot open %s: %s", url, why)
        self.empty_hint = f"Cannot open {url}: {' '.join(why.split())}"
        self._changed()

    def close(self) -> None:
        """Stop the pump and free the renderer; the page is gone."""
        self._shutdown()


def _open_url_msg(host: SessionHost, content: dict[str, Any]) -> None:
    if isinstance(host, PageSession):
        host.open_url(str(content.get("url", "")))


register("open_url", _open_url_msg)


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

    def preview_pays(self) -> bool:
        page = self._page
        if page.closed:
            return False
        with _GPU_LOCK:
            return page.session.preview_pays()

    def render(self, *, lowres: bool = False) -> np.ndarray | None:
        page = self._page
        if page.closed:
            return None
        with _GPU_LOCK:
            frame = page.session.render(lowres=lowres)
        page.publish_state()
        return frame
