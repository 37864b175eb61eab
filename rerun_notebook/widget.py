"""The anywidget `Viewer`: a remote framebuffer fed by the kernel-side renderer, plus HTML panels.

Python side of the protocol (see js/src/ for the browser side, bundled by jsbundle.py):
- kernel -> browser: custom message `{"type": "frame", index, mime, width, height, timestamp}`
  with the encoded picture as its one binary buffer; `{"type": "hover", ...}` answers. Panel
  contents (time, entity tree, text views, selection, errors) travel in the synced `_state`;
  the time panel's data ticks in `_ticks` (time_ticks.py), which changes with data, not time.
- browser -> kernel (applied by host.py, shared with the web viewer): `ack`, `visible`, `resize`, `input` (jupyter_rfb-style event dicts),
  `hover`, `click`, `select`, `selection_history` (back/forward/goto), `entity_visible`, `time`,
  `reset_camera`, `tensor_slice`, `dataframe_window`, `dataframe_seek`, `recording`; blueprint panel and view headers: `node_visible`,
  `view_entity_visible`, `maximize`, `select_node`, `active_tab`.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import numpy as np
import traitlets

from rerun_core import pandas_defer

from .encoding import png_base64
from .host import DISPLAYED as _DISPLAYED
from .host import SessionHost
from .jsbundle import bundle
from .pump import FramePump
from .session import AppFactory, ViewerSession
from .snapshot import draw_html_views
from .sources import UrlSources
from .sources_panel import register_panel_message

if TYPE_CHECKING:
    from rerun_core.server.redap_open import PlanPrefetch

register_panel_message()  # the sources panel's browser messages

log = logging.getLogger(__name__)

_JS = Path(__file__).parent / "js"
DEFAULT_WIDTH = 640
DEFAULT_HEIGHT = 480
# Panel sizes in CSS pixels; js/widget.css uses the same numbers.
TREE_WIDTH = 180
TOP_HEIGHT = 26
TIME_HEIGHT = 58
SELECTION_WIDTH = 260  # the docked selection panel (resizable in the browser)
SELECTION_MIN_WIDGET = 1000  # Rerun expands the selection panel by default only above this width

EventCallback = Callable[[dict[str, Any]], None]


def view_area(width: int, height: int, panels: dict[str, str] | None = None) -> tuple[int, int]:
    """The picture's size inside a widget of the given size, given which panels show."""
    panels = panels or {}
    w = width - (0 if panels.get("blueprint") in ("hidden", "collapsed") else TREE_WIDTH)
    selection = panels.get("selection") or ("expanded" if width > SELECTION_MIN_WIDGET else "collapsed")
    w -= SELECTION_WIDTH if selection == "expanded" else 0
    h = height - (0 if panels.get("top") in ("hidden", "collapsed") else TOP_HEIGHT)
    h -= {"hidden": 0, "collapsed": 30}.get(panels.get("time", ""), TIME_HEIGHT)
    return max(16, w), max(16, h)


def _css(value: int | str | None, default: str) -> str:
    if value is None or value == "auto":
        return default
    if isinstance(value, int):
        return f"{value}px"
    return str(value)


class Viewer(SessionHost, anywidget.AnyWidget):  # type: ignore[misc]
    """Shows recordings from kernel-side stores; frames are rendered here and streamed in."""

    _esm = bundle()
    _css = _JS / "widget.css"

    css_width = traitlets.Unicode("100%").tag(sync=True)
    css_height = traitlets.Unicode(f"{DEFAULT_HEIGHT}px").tag(sync=True)
    _state = traitlets.Unicode("{}").tag(sync=True)
    _ticks = traitlets.Unicode("{}").tag(sync=True)  # time panel data ticks (time_ticks.py)

    def __repr__(self) -> str:
        """Stable text (no memory address): saved notebooks then pass strict nbval."""
        return "<rerun.notebook.Viewer>"

    def __init__(
        self,
        *,
        width: int | str | None = None,
        height: int | str | None = None,
        app_factory: AppFactory | None = None,
        start: bool = True,
        memory_limit: int | str | None = None,
        **kwargs: Any,
    ) -> None:
        from rerun_core.server.limits import parse_memory_limit
        from rerun_core.viewer import warmup

        if app_factory is None:
            warmup.start()  # GPU device and pipelines, beside opening the data (first frame sooner)
        limit = parse_memory_limit(memory_limit)  # server segments it opens are fetched within it
        super().__init__(
            css_width=_css(width, "100%"), css_height=_css(height, f"{DEFAULT_HEIGHT}px"), **kwargs
        )
        w = width if isinstance(width, int) else DEFAULT_WIDTH
        h = height if isinstance(height, int) else DEFAULT_HEIGHT
        self._callbacks: list[EventCallback] = []
        self._events_lock = threading.Lock()
        self._publish_lock = threading.Lock()
        self._closed = False
        self._seen_view = False  # a browser view has reported its visibility
        self._sources: UrlSources | None = None  # what open_url opened
        self._memory_limit = limit
        self.session = ViewerSession(*view_area(w, h), app_factory=app_factory, on_change=self._changed)
        self.pump = FramePump(_PumpSource(self), self._send_frame)
        self._pump_started = True
        self.on_msg(self._on_custom_msg)
        _track_cell(self)
        if start:
            self.pump.start()

    # --- recordings and controls ------------------------------------------------------------

    def add_store(
        self, recording_id: str, store: Any, *, application_id: str = "", make_active: bool = True
    ) -> None:
        """Show a recording's store (shared, never copied) in this viewer."""
        self.session.add_store(recording_id, store, application_id=application_id, make_active=make_active)

    def set_active_recording(self, recording_id: str) -> None:
        self.session.set_active(recording_id)

    def offer_store(self, recording_id: str, store: Any, *, application_id: str = "") -> None:
        """Show a recording that arrived from elsewhere, unless shown already; it becomes the
        active one only while this viewer shows nothing yet."""
        session = self.session
        if recording_id in session.stores:
            return
        empty = session.store is None or not session.store.entity_paths()
        self.add_store(recording_id, store, application_id=application_id, make_active=empty)

    def blueprints_changed(self) -> None:
        """A blueprint arrived or changed somewhere in the kernel: look again at the next frame."""
        self.session.blueprint.mark()
        self._changed()

    def set_blueprint_source(self, source: Callable[[str], Any]) -> None:
        """Where this viewer finds the blueprint store of an application id (None: heuristic)."""
        self.session.blueprint.source = source

    @property
    def error(self) -> str | None:
        """Why the viewer has nothing to show (None when fine)."""
        return self.session.error

    def open_url(self, url: str, hub: Any = None, plan: PlanPrefetch | None = None) -> str:
        """Open a Rerun server / dataset / segment / proxy URL or an .rrd file (path or http)
        into ``hub`` (the kernel's; a hub of this widget's own by default) and show it.
        ``plan``: `sources.prefetch_plan(url)`, begun before this widget was made.
        Returns a one-line summary; errors are one-line ValueError / RuntimeError / OSError."""
        try:
            return self._url_sources(hub).open(url, plan)
        finally:  # the kernel's code runs next: pyarrow has pandas again (see PlanPrefetch)
            pandas_defer.release()
            from rerun_core.viewer import warmup

            warmup.hold_for_viewer()  # this viewer's frame is next, not another warm-up kind

    def close_url(self, url: str) -> None:
        """Stop showing what ``url`` opened; nothing if it is not open."""
        if self._sources is not None:
            self._sources.close(url)

    def _url_sources(self, hub: Any) -> UrlSources:
        if self._sources is None:
            if hub is None:
                from rerun_core.store.hub import StoreHub

                hub = StoreHub()
            self._sources = UrlSources(hub, self.session, memory_limit=self._memory_limit)
        return self._sources

    def set_time_ctrl(self, timeline: str | None, time: int | None = None, *, play: bool = False) -> None:
        self.session.set_time_ctrl(timeline, time, play)

    def update_panel_states(self, states: dict[str, str]) -> None:
        self.session.set_panel_states(states)

    def on_event(self, callback: EventCallback) -> None:
        """Raw viewer events as dicts (`type`, `recording_id`, ...); rerun.notebook wraps them."""
        self._callbacks.append(callback)

    def screenshot(self) -> np.ndarray | None:
        """The current picture as (H, W, 4) uint8, rendered now."""
        self._prepare_now()
        return self.session.render()

    def snapshot(self) -> np.ndarray | None:
        """The rendered picture with the text of the HTML views (text log, documents) drawn in."""
        picture = self.screenshot()
        if picture is None:
            return None
        try:
            return draw_html_views(picture, self.session.state().get("views", []))
        except Exception:
            log.debug("drawing text views into the snapshot failed", exc_info=True)
            return picture

    def export_video(
        self, path: Any, *, timeline: str, size: tuple[int, int] | None = None, **options: Any
    ) -> Any:
        """Render ``timeline`` (``start``..``end``, ``fps``, ``view``: see
        ``video_export.export_session``) of the active recording into an MP4, headless, in a
        session of its own (this viewer's picture and time stay as they are). Returns a
        ``VideoExport``."""
        from .video_export import export_stores

        session = self.session
        rid, store = session.active, session.store
        if rid is None or store is None:
            raise RuntimeError(self.error or "the viewer has no recording to export")
        width, height = size or session.size
        return export_stores(
            [(rid, store, session.app_ids.get(rid, ""))],
            path,
            size=(width - width % 2, height - height % 2),
            blueprint_source=session.blueprint.source,
            app_factory=session._factory,
            timeline=timeline,
            **options,
        )

    # --- output ---------------------------------------------------------------------------

    def _prepare_now(self) -> None:
        self.session.prepare(time.monotonic())
        self._publish_state()
        self.pump.request()  # the pump's own prepare now sees nothing new: make it send anyway

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """The widget, plus a static PNG so saved notebooks (GitHub, nbconvert) show the picture."""
        bundle = super()._repr_mimebundle_(**kwargs)
        data, meta = bundle if isinstance(bundle, tuple) else (bundle, {})
        data = dict(data or {})
        try:
            picture = self.snapshot()
        except Exception:
            log.warning("rerun notebook: the static snapshot failed", exc_info=True)
            picture = None
        if picture is not None:
            data["image/png"] = png_base64(picture)
        if self.session.error:
            data["text/plain"] = self.session.error
        # Until a browser view reports in, assume the output is on screen: a cell that shows the
        # viewer and then logs in a long loop keeps the kernel busy, so the view's own
        # "visible" message only arrives when the cell ends (frames meanwhile go out at the
        # pump's stall rate, since no acks can arrive either).
        if not self._seen_view:
            self.pump.set_visible(_DISPLAYED, True)
        return data, meta

    # --- the comm ---------------------------------------------------------------------------

    def _send_frame(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        if not self._closed:
            self.send(content, buffers)

    def _publish_state(self) -> None:
        with self._publish_lock:
            text = self.session._state_json
            if text and text != self._state and not self._closed:
                self._state = text
            ticks = self.session.ticks_json
            if ticks and ticks != self._ticks and not self._closed:
                self._ticks = ticks
        self._dispatch_events()

    def _dispatch_events(self) -> None:
        with self._events_lock:
            events = self.session.take_events()
            for event in events:
                for cb in list(self._callbacks):
                    try:
                        cb(event)
                    except Exception:
                        log.exception("rerun notebook: an on_event callback failed")

    def _on_custom_msg(self, _widget: Any, content: dict[str, Any], buffers: list[bytes]) -> None:
        try:
            self._dispatch_msg(content)
        except Exception:
            log.exception("rerun notebook: handling %r failed", content.get("type"))
        self._dispatch_events()

    # --- lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        """Stop the pump, release the renderer and the store subscriptions, close the comm."""
        if self._shutdown():
            super().close()

    @property
    def stats(self) -> dict[str, float]:
        return self.pump.stats.as_dict()


class _PumpSource:
    """Feeds the pump from the session and publishes panel state and events as a side effect."""

    def __init__(self, widget: Viewer) -> None:
        self._widget = weakref.ref(widget)

    def prepare(self, now: float) -> bool:
        w = self._widget()
        if w is None or w.closed:
            return False
        changed = w.session.prepare(now)
        w._publish_state()
        while w.session.replies:
            w.send(w.session.replies.popleft())
        return changed

    def preview_pays(self) -> bool:
        w = self._widget()
        return w is not None and not w.closed and w.session.preview_pays()

    def render(self, *, lowres: bool = False) -> np.ndarray | None:
        w = self._widget()
        if w is None or w.closed:
            return None
        frame = w.session.render(lowres=lowres)
        w._publish_state()
        return frame


# --- re-running a cell frees the widgets its previous run made ----------------------------------

_by_cell: dict[str, list[tuple[Any, weakref.ref[Viewer]]]] = {}


def _cell_context() -> tuple[str, Any] | None:
    """(cell id, execution request id) of the running cell, when inside a Jupyter kernel."""
    try:
        from IPython import get_ipython

        ip = get_ipython()
        kernel = getattr(ip, "kernel", None)
        parent = kernel.get_parent() if kernel is not None else None
    except Exception:
        return None
    if not parent:
        return None
    cell = (parent.get("metadata") or {}).get("cellId")
    msg_id = (parent.get("header") or {}).get("msg_id")
    return (str(cell), msg_id) if cell else None


def _track_cell(widget: Viewer) -> None:
    ctx = _cell_context()
    if ctx is None:
        return
    cell, run = ctx
    kept = []
    for old_run, ref in _by_cell.get(cell, []):
        old = ref()
        if old is None:
            continue
        if old_run != run:
            old.close()
        else:
            kept.append((old_run, ref))
    kept.append((run, weakref.ref(widget)))
    _by_cell[cell] = kept


def state_of(widget: Viewer) -> dict[str, Any]:
    """The panel state as the browser sees it (tests and debugging)."""
    return dict(json.loads(widget._state or "{}"))
