"""One widget's viewer session: the renderer for the active recording, time, selection, panels.

The session is the frame pump's source. Every call into the renderer holds one lock, so input
handled on the kernel's main thread and frames drawn on the pump's thread never overlap.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np

from rerun_core import gc_pause, pandas_defer
from rerun_core.types import TimeType
from rerun_core.viewer import warmup
from rerun_core.viewer.gpu import NoGpuError
from rerun_core.viewer.protocols import Renderer, RendererFactory

from . import panels
from .blueprint_sync import BlueprintSync
from .dataframe_panel import DataframePanels
from .dev_panels import visited
from .selection import SelectionHistory
from .session_actions import SessionActions
from .session_state import build_state
from .time_ticks import TimeTicks
from .timectrl import TimeControl, apply_action

log = logging.getLogger(__name__)

AppFactory = RendererFactory  # (store, width, height) -> Renderer
VIEW_HEADER = 20  # kernel pixels above each view for its header (icon, name, buttons): js/src/views.js
LIVE_WINDOW_S = 1.0  # data within this long counts as "more is coming": playback waits at the end
RESUME_GC_S = 0.5  # the cyclic collector resumes this long after the first frame (see gc_pause)

NO_DRIVER_MESSAGE = (
    "The Rerun notebook viewer found no GPU adapter: wgpu needs a Vulkan (or OpenGL) driver, "
    "and none is installed. On Debian/Ubuntu install Mesa's drivers, which include a CPU "
    "renderer: `sudo apt install mesa-vulkan-drivers` (Fedora: `sudo dnf install "
    "mesa-vulkan-drivers`), or your GPU vendor's Vulkan driver; then restart the kernel."
)


def default_app_factory(store: Any, width: int, height: int) -> Renderer:
    from rerun_core.viewer.app import ViewerApp  # lazy: only the viewer layer imports pygfx/wgpu

    return ViewerApp(store, width, height)


def describe_app_error(exc: BaseException) -> str:
    """A message for the cell instead of a traceback; a missing driver says what to install."""
    text = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, NoGpuError):  # the renderer's own message already says what to install
        return str(exc)
    lowered = text.lower()
    if any(k in lowered for k in ("adapter", "vulkan", "no backend", "driver", "icd")):
        return NO_DRIVER_MESSAGE + f"\n\n(wgpu said: {text})"
    if isinstance(exc, ImportError):
        return f"The Rerun notebook viewer could not load its renderer ({text}). Install `rerun-notebook-native[viewer]`."
    return f"The Rerun notebook viewer could not start its renderer: {text}"


def _kind_name(typ: object) -> str:
    """A store's timeline type (``TimeType``; test stores give plain names) as the time panel's name."""
    return typ.value if isinstance(typ, TimeType) else str(typ)


class ViewerSession(SessionActions):
    """Owns the renderer for the active recording and everything the panels show; the browser's
    actions on views and selection are in ``SessionActions`` (session_actions.py)."""

    def __init__(
        self,
        width: int,
        height: int,
        *,
        app_factory: AppFactory | None = None,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self._lock = threading.RLock()
        self._factory = app_factory or default_app_factory
        self._on_change = on_change or (lambda: None)
        self.size = (max(1, int(width)), max(1, int(height)))
        self.stores: dict[str, Any] = {}
        self.app_ids: dict[str, str] = {}
        self._subs: dict[str, Any] = {}
        self.active: str | None = None
        self.app: Renderer | None = None
        self.error: str | None = None
        self.time = TimeControl()
        self.ticks = TimeTicks()  # data ticks for the time panel, fed by the active store's events
        self.ticks_json = ""  # published on its own traitlet: it changes with data, not with time
        self._last_data = float("-inf")
        self.hidden: set[str] = set()
        self.selection: list[dict[str, Any]] = []
        self.selection_values: dict[str, Any] = {}  # the picked instance's values, for the panel
        self._histories: dict[str, SelectionHistory] = {}  # back / forward, one per recording
        self.history = SelectionHistory()
        self._outline = False  # the selection changed: outline it in the views at the next prepare
        self._inputs: deque[dict[str, Any]] = deque()
        self._requests: deque[tuple[str, float, float, Any]] = deque()
        self.replies: deque[dict[str, Any]] = deque()  # hover answers for the browser
        self.panel_states: dict[str, str] = {}
        self.ui_zoom = 1.0  # the palette's UI zoom (0.41's zoom in / out / reset), CSS zoom on the page
        self.modal: dict[str, Any] | None = None  # a palette screen / dialog open over the page (modals.js)
        self.dataframes = DataframePanels()  # dataframe views' row windows and cached query results
        self.blueprint = BlueprintSync()  # the sent blueprint (rr.send_blueprint) -> layout, panels
        self.tables: Any = None  # tables sent to this viewer (a TableShelf); None: the process's
        self._data_dirty = True
        self._force = True
        self._events: list[dict[str, Any]] = []
        self._state_json = ""
        self.state_version = 0
        self._tree: list[dict[str, Any]] = []
        self._app_time: tuple[str | None, int | None] = (None, None)
        self.closed = False

    # --- recordings -------------------------------------------------------------------------

    def add_store(
        self, recording_id: str, store: Any, *, application_id: str = "", make_active: bool = True
    ) -> None:
        with self._lock:
            if recording_id not in self.stores:
                self.stores[recording_id] = store
                self.app_ids[recording_id] = application_id
                try:
                    self._subs[recording_id] = store.subscribe(
                        lambda event, rid=recording_id: self._store_changed(event, rid)
                    )
                except Exception:
                    log.debug("store has no subscribe(); relying on polling", exc_info=True)
            if make_active or self.active is None:
                self.set_active(recording_id)

    def set_active(self, recording_id: str) -> None:
        with self._lock:
            if recording_id not in self.stores:
                known = ", ".join(sorted(self.stores)) or "none"
                raise ValueError(f"unknown recording id {recording_id!r} (this viewer has: {known})")
            if recording_id == self.active and (self.app is not None or self.error):
                return
            self.active = recording_id
            visited(self, recording_id)  # the page's location history (back / forward)
            self._drop_app()
            self._app_time = (None, None)
            self.time = TimeControl()
            streams_open, self.ticks = self.ticks.streams_open, TimeTicks()
            self.ticks.streams_open = streams_open
            self.selection = []
            self.history = self._histories.setdefault(recording_id, SelectionHistory())
            self.error = None
            self.blueprint.reset()
            try:
                self.app = self._factory(self.stores[recording_id], *self.size)
                self.app.set_view_header(VIEW_HEADER)  # room for the HTML view headers
            except Exception as exc:  # no driver, no renderer: a message, not a traceback
                log.debug("creating the renderer failed", exc_info=True)
                self.error = describe_app_error(exc)
            self._data_dirty = self._force = True
            self._events.append({"type": "recording_open", "source": "kernel", "version": None})
        self._on_change()

    def _store_changed(self, event: Any = None, recording_id: str | None = None) -> None:
        if recording_id == self.active:
            self.ticks.on_event(event)
        self._data_dirty = True
        self._on_change()

    @property
    def store(self) -> Any:
        return self.stores.get(self.active or "")

    # --- input from the browser (the rest is in session_actions.py) ---------------------------

    def set_size(self, width: int, height: int) -> None:
        size = (max(16, int(width)), max(16, int(height)))
        with self._lock:
            if size == self.size:
                return
            self.size = size
            if self.app is not None:
                self.app.set_size(*size)
            self._force = True

    def time_action(self, action: str, value: Any = None) -> None:
        """Time panel actions (timectrl.apply_action), and opening / closing the streams area."""
        with self._lock:
            if action == "streams":
                self.ticks.streams_open = bool(value)
            elif action == "ticks_view":  # the time axis zoomed / panned: re-bin the ticks
                self.ticks.set_view(self.time.timeline, value)
            else:
                apply_action(self.time, action, value, self.ticks)
            self._force = True
        self._on_change()

    def set_time_ctrl(self, timeline: str | None, time: int | None, play: bool) -> None:
        with self._lock:
            if timeline is not None:
                self.time.set_timeline(timeline)
            if time is not None:
                self.time.seek(time)
            if play:
                self.time.play()
            else:
                self.time.pause()
            self._force = True
        self._on_change()

    def show_tables(self, shelf: Any) -> None:
        """Draw the table `shelf` shows (a ``TableShelf``) over the viewport instead of the views,
        as long as it shows one; look again now (a table was sent or put away)."""
        with self._lock:
            self.tables = shelf
            self._force = True
        self._on_change()

    def set_ui_zoom(self, zoom: float) -> None:
        """Scale the whole viewer UI (panels, views' boxes) by ``zoom``, as 0.41's UI zoom does."""
        with self._lock:
            self.ui_zoom = zoom
            self._force = True
        self._on_change()

    def set_modal(self, modal: dict[str, Any] | None) -> None:
        """Open a screen or dialog of the palette over the page (None: close it)."""
        with self._lock:
            self.modal = modal
            self._force = True
        self._on_change()

    def set_panel_states(self, states: dict[str, str]) -> None:
        with self._lock:
            for name, state in states.items():
                if state == "default":
                    self.panel_states.pop(name, None)
                else:
                    self.panel_states[name] = state
            self._force = True
        self._on_change()

    # --- the frame source ---------------------------------------------------------------------

    def prepare(self, now: float) -> bool:
        with self._lock:
            self._apply_queued()
            if self._outline:
                self._outline = False
                self._apply_outline()
            changed = self._force
            self._force = False
            store = self.store
            if self._data_dirty and store is not None:
                self._data_dirty = False
                self._last_data = now
                self._refresh_from_store(store)
                changed = True  # new data: redraw even when the time ranges stay put
            changed |= self.blueprint.apply(self)
            self.time.more_data_coming = now - self._last_data < LIVE_WINDOW_S
            changed |= self.time.advance(now)
            timeline, t = self.time.timeline, self.time.time
            if (
                self.app is not None
                and timeline is not None
                and t is not None
                and (timeline, t) != self._app_time
            ):
                self.app.set_time(timeline, t)
                self._app_time = (timeline, t)
                changed = True
            if self.app is not None:
                changed |= bool(self.app.is_dirty())
            # stale: throttled data ticks / dataframe re-queries
            if changed or self.time.events or self.ticks.stale or self.dataframes.stale:
                self._update_state()
            return changed

    def _refresh_from_store(self, store: Any) -> bool:
        try:
            kinds = {name: _kind_name(t) for name, t in store.timelines().items()}
            ranges = {}
            for name in kinds:
                rng = store.time_range(name)
                if rng is not None:
                    ranges[name] = (int(rng[0]), int(rng[1]))
            paths = [panels.path_str(p) for p in store.entity_paths()]
            paths = [p for p in paths if not p.startswith("/__")]  # properties are not entities to show
        except Exception:
            log.debug("reading the store failed", exc_info=True)
            return False
        self._tree = panels.entity_tree(paths, self.hidden)
        self.ticks.sync(store)
        counts = {name: hist.total for name, hist in self.ticks.totals.items()}
        return self.time.update_ranges(kinds, ranges, counts)

    def preview_pays(self) -> bool:
        """Whether a first look at the data is much cheaper as a preview (see `ViewerApp`)."""
        with self._lock:
            pays = getattr(self.app, "preview_pays", None)
            return bool(pays()) if pays is not None else False

    def render(self, *, lowres: bool = False) -> np.ndarray | None:
        with self._lock:
            if self.app is None:
                return None
            # a preview (the pump refines it later) draws as while moving: fast on lavapipe
            frame = np.asarray(self.app.render(preview=True) if lowres else self.app.render())
            self._update_state()  # views learn their data while rendering (e.g. tensor shapes)
        if getattr(self.app, "drew_views", True):  # not an empty frame before the data came
            warmup.release_hold()  # a frame is out: the renderer warm-up may go on
            gc_pause.resume(RESUME_GC_S)  # and the cyclic collector, once the frame is sent
        if not lowres:
            pandas_defer.release()  # a first full frame is out: pyarrow may import pandas now
        return frame

    # --- panels (assembled in session_state.py, view_state.py) --------------------------------

    def _update_state(self) -> None:
        state = build_state(self)
        text = json.dumps(state, default=str, sort_keys=True)
        if text != self._state_json:
            self._state_json = text
            self.state_version += 1
        tl = self.time.timeline
        self.ticks_json = self.ticks.payload_json(tl, self.time.kinds.get(tl or ""), self.time.range)
        self._events.extend(self.time.drain_events())

    def state(self) -> dict[str, Any]:
        with self._lock:
            if not self._state_json:
                self._update_state()
            return dict(json.loads(self._state_json))

    def take_events(self) -> list[dict[str, Any]]:
        """Viewer events since the last call, stamped with the active recording's ids."""
        with self._lock:
            events, self._events = self._events, []
            rec = self.active or ""
            app_id = self.app_ids.get(rec, "")
        return [{**e, "recording_id": rec, "application_id": app_id, "segment_id": None} for e in events]

    # --- teardown -----------------------------------------------------------------------------

    def _drop_app(self) -> None:
        app, self.app = self.app, None
        if app is not None:
            try:
                app.close()
            except Exception:
                log.debug("closing the renderer failed", exc_info=True)

    def close(self) -> None:
        with self._lock:
            self.closed = True
            for rec, handle in self._subs.items():
                try:
                    self.stores[rec].unsubscribe(handle)
                except Exception:
                    log.debug("unsubscribe failed", exc_info=True)
            self._subs.clear()
            self.stores.clear()
            self._drop_app()
