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

from . import blueprint_panel, panels
from .blueprint_sync import BlueprintSync
from .dataframe_panel import DataframePanels
from .selection import SelectionHistory, selection_details, toggle_item
from .time_ticks import TimeTicks
from .timectrl import TimeControl, apply_action

log = logging.getLogger(__name__)

AppFactory = Callable[[Any, int, int], Any]
VIEW_HEADER = 20  # kernel pixels above each view for its header (icon, name, buttons): js/src/views.js
LIVE_WINDOW_S = 1.0  # data within this long counts as "more is coming": playback waits at the end

NO_DRIVER_MESSAGE = (
    "The Rerun notebook viewer found no GPU adapter: wgpu needs a Vulkan (or OpenGL) driver, "
    "and none is installed. On Debian/Ubuntu install Mesa's drivers, which include a CPU "
    "renderer: `sudo apt install mesa-vulkan-drivers` (Fedora: `sudo dnf install "
    "mesa-vulkan-drivers`), or your GPU vendor's Vulkan driver; then restart the kernel."
)


def default_app_factory(store: Any, width: int, height: int) -> Any:
    from rerun_core.viewer.app import ViewerApp  # lazy: only the viewer layer imports pygfx/wgpu

    return ViewerApp(store, width, height)


def describe_app_error(exc: BaseException) -> str:
    """A message for the cell instead of a traceback; a missing driver says what to install."""
    text = f"{type(exc).__name__}: {exc}"
    if type(exc).__name__ == "NoGpuError":  # the renderer's own message already says what to install
        return str(exc)
    lowered = text.lower()
    if any(k in lowered for k in ("adapter", "vulkan", "no backend", "driver", "icd")):
        return NO_DRIVER_MESSAGE + f"\n\n(wgpu said: {text})"
    if isinstance(exc, ImportError):
        return f"The Rerun notebook viewer could not load its renderer ({text}). Install `rerun-notebook-native[viewer]`."
    return f"The Rerun notebook viewer could not start its renderer: {text}"


class ViewerSession:
    """Owns the renderer for the active recording and everything the panels show."""

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
        self.app: Any = None
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
        self.dataframes = DataframePanels()  # dataframe views' row windows and cached query results
        self.blueprint = BlueprintSync()  # the sent blueprint (rr.send_blueprint) -> layout, panels
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
                if hasattr(self.app, "set_view_header"):  # room for the HTML view headers
                    self.app.set_view_header(VIEW_HEADER)
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

    # --- input from the browser ---------------------------------------------------------------

    def set_size(self, width: int, height: int) -> None:
        size = (max(16, int(width)), max(16, int(height)))
        with self._lock:
            if size == self.size:
                return
            self.size = size
            if self.app is not None:
                self.app.set_size(*size)
            self._force = True

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
        setter = getattr(self.app, "set_selection", None)
        if setter is None:
            return
        first = next((i for i in self.selection if (i.get("type") or "entity") == "entity"), None)
        try:
            setter(first["entity_path"] if first else None, first.get("instance_id") if first else None)
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

    # --- the blueprint panel and view headers ---------------------------------------------------

    def _blueprint_tree(self) -> dict[str, Any] | None:
        tree = getattr(self.app, "tree", None)
        return tree() if tree is not None else None

    def set_node_visible(self, node_id: str, visible: bool) -> None:
        """The eye on a view or container row (and a view header's hide button)."""
        with self._lock:
            if self.app is not None:
                self.app.set_node_visible(node_id, visible)
                self._force = True
        self._on_change()

    def set_view_entity_visible(self, view_id: str, path: str, visible: bool) -> None:
        """The eye on an entity row under a view: hides the entity in that view only."""
        with self._lock:
            if self.app is not None:
                self.app.set_entity_visible_in_view(view_id, panels.path_str(path), visible)
                self._force = True
        self._on_change()

    def maximize(self, view_id: str | None) -> None:
        with self._lock:
            if self.app is not None:
                self.app.maximize(view_id)
                self._force = True
        self._on_change()

    def set_active_tab(self, container_id: str, child_id: str) -> None:
        """A click on a tab in a view header's tab bar."""
        with self._lock:
            if self.app is not None:
                self.app.set_active_tab(container_id, child_id)
                self._force = True
        self._on_change()

    def select_node(self, node_id: str, entity_path: str | None = None) -> None:
        """A click on a blueprint row: the view or container, or an entity as shown in that view."""
        with self._lock:
            path = panels.path_str(entity_path) if entity_path else None
            item = blueprint_panel.selection_item(self._blueprint_tree(), node_id, path)
            reveal = getattr(self.app, "reveal", None)
            if reveal is not None:  # a view in a background tab comes to the front, as Rerun
                reveal(node_id)
        self.set_selection([item])

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
                changed |= self._refresh_from_store(store)
                changed = True
            changed |= self.blueprint.apply(self)
            self.time.more_data_coming = now - self._last_data < LIVE_WINDOW_S
            changed |= self.time.advance(now)
            cursor = (self.time.timeline, self.time.time)
            if (
                self.app is not None
                and cursor[0] is not None
                and cursor[1] is not None
                and cursor != self._app_time
            ):
                self.app.set_time(*cursor)
                self._app_time = cursor
                changed = True
            if self.app is not None:
                changed |= bool(self.app.is_dirty())
            if changed or self.time.events or self.ticks.stale:  # stale: throttled data ticks
                self._update_state()
            return changed

    def _refresh_from_store(self, store: Any) -> bool:
        try:
            kinds = {name: getattr(t, "value", str(t)) for name, t in store.timelines().items()}
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

    def render(self, *, lowres: bool = False) -> np.ndarray | None:
        with self._lock:
            if self.app is None:
                return None
            # a preview (the pump refines it later) draws as while moving: fast on lavapipe
            frame = np.asarray(self.app.render(preview=True) if lowres else self.app.render())
            self._update_state()  # views learn their data while rendering (e.g. tensor shapes)
            return frame

    # --- panels -------------------------------------------------------------------------------

    def _views(self) -> list[dict[str, Any]]:
        if self.app is None:
            return []
        return [self._view_entry(i, v) for i, v in enumerate(self.app.layout())]

    def _view_entry(self, i: int, view: Any) -> dict[str, Any]:
        keys = ("id", "kind", "rect", "name", "origin", "entities", "header", "tab_bar")
        d = view if isinstance(view, dict) else {k: getattr(view, k, None) for k in keys}
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
        origin = d.get("origin")
        entities = [panels.path_str(e) for e in (d.get("entities") or ([origin] if origin else []))]
        store, tl, t = self.store, self.time.timeline, self.time.time
        if kind == "text_log":
            if hasattr(self.app, "text_log"):
                rows = [panels.log_row(r) for r in self.app.text_log(vid, panels.TEXT_LOG_LIMIT)]
            else:
                ents = entities or panels.entities_with(store, "TextLog:text")
                rows = panels.text_log_rows(store, [e for e in ents if e not in self.hidden], tl, t)
            entry["rows"] = rows
            entry["time_kind"] = self.time.kinds.get(tl or "")  # how the browser formats row times
        elif kind == "text_document":
            if hasattr(self.app, "text_document"):
                doc = self.app.text_document(vid)
                entry["html"] = panels.markdown_to_html(str(doc.get("text", "")), doc.get("media_type"))
            else:
                ents = entities or panels.entities_with(store, "TextDocument:text")
                docs = [panels.text_document_html(store, e, tl, t) for e in ents if e not in self.hidden]
                entry["html"] = "".join(d for d in docs if d)
        elif kind == "tensor":
            entry["tensor"] = self._tensor_state(vid)
        elif kind == "dataframe":  # one window of rows (dataframe_panel.py)
            ents = [e for e in entities if e not in self.hidden]
            entry["dataframe"] = self.dataframes.entry(store, vid, d.get("dataframe_query"), ents, tl, t)
        return entry

    def _tensor_state(self, vid: str) -> dict[str, Any] | None:
        """Shape, names, shown axes and slice indices, for the widget's slice sliders."""
        getter = getattr(self.app, "view", None)
        try:
            view = getter(vid) if getter is not None else None
        except KeyError:
            return None
        tensor = getattr(view, "tensor", None)
        if tensor is None:
            return None
        shape = [int(x) for x in np.shape(tensor)]
        chosen: dict[int, int] = getattr(view, "slice", None) or {}
        return {
            "shape": shape,
            "names": [str(n) for n in (getattr(view, "names", None) or [])],
            "axes": [int(a) for a in getattr(view, "axes", (0, 1))],
            "slice": {str(d): int(chosen.get(d, n // 2)) for d, n in enumerate(shape)},
        }

    def set_dataframe_window(self, view_id: str, offset: int, count: int) -> None:
        """The rows a dataframe view shows now (the browser asks as it scrolls)."""
        with self._lock:
            if self.dataframes.set_window(view_id, offset, count):
                self._force = True
        self._on_change()

    def set_tensor_slice(self, view_id: str, dim: int, index: int) -> None:
        with self._lock:
            setter = getattr(self.app, "set_tensor_slice", None)
            if setter is not None:
                setter(view_id, {int(dim): int(index)})
                self._force = True
        self._on_change()

    def _update_state(self) -> None:
        try:
            views = self._views()
        except Exception:
            log.debug("layout failed", exc_info=True)
            views = []
        state = {
            "error": self.error,
            "hint": None
            if self.stores
            else "No recording yet: call rr.init(...) and log data, or viewer.add_recording(rec).",
            "size": list(self.size),
            "time": self.time.state(),
            "tree": self._tree,
            "blueprint": self._blueprint_rows(),
            "views": views,
            "selection": self.selection,
            "selection_values": self.selection_values if self.selection else {},
            "selection_details": self._selection_details(),
            "selection_history": self.history.state(),
            "panels": self.panel_states,
            "panel_defaults": self.blueprint.panel_states,  # a sent blueprint's: the user may toggle them
            "recordings": sorted(self.stores),
            "active": self.active,
        }
        text = json.dumps(state, default=str, sort_keys=True)
        if text != self._state_json:
            self._state_json = text
            self.state_version += 1
        tl = self.time.timeline
        self.ticks_json = self.ticks.payload_json(tl, self.time.kinds.get(tl or ""), self.time.range)
        self._events.extend(self.time.drain_events())

    def _blueprint_rows(self) -> list[dict[str, Any]]:
        try:
            return blueprint_panel.panel_rows(self._blueprint_tree(), self.selection)
        except Exception:
            log.debug("building the blueprint panel failed", exc_info=True)
            return []

    def _selection_details(self) -> dict[str, Any]:
        """The selection panel's body: the selected item's details, else the recording summary."""
        store = self.stores.get(self.active) if self.active is not None else None
        views: list[dict[str, Any]] = []
        if self.app is not None and any(i.get("type") == "view" for i in self.selection):
            keys = ("id", "kind", "name", "origin", "entities")
            for v in self.app.layout():
                views.append(v if isinstance(v, dict) else {k: getattr(v, k, None) for k in keys})
        rid = str(self.active)
        with_tree = any(i.get("type") == "container" for i in self.selection)
        return selection_details(
            self.selection,
            store,
            self.time.timeline,
            self.time.time,
            views=views,
            tree=self._blueprint_tree() if with_tree else None,
            recording=(rid, self.app_ids.get(rid, "")),
        )

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
        close = getattr(app, "close", None)
        if callable(close):
            try:
                close()
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
