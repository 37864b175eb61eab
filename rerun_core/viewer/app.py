"""ViewerApp: the whole kernel-side viewer for one store (views, time cursor, input, frames)."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np

from rerun_core.store.store import ChunkStore, StoreEvent
from rerun_core.types import EntityPath, TimeType
from rerun_core.viewer import view_registry
from rerun_core.viewer.blueprint_tree import BlueprintView, resolve_entities
from rerun_core.viewer.camera import OrbitCamera, PanZoomCamera, PlotCamera
from rerun_core.viewer.compose import adapt_motion, background_scene, covered_mask, project_labels, scaled
from rerun_core.viewer.compose import upscale as _upscale
from rerun_core.viewer.gpu import GPU_LOCK, OffscreenTarget, check_gpu, is_software
from rerun_core.viewer.heuristics import ViewSpec, choose_layout
from rerun_core.viewer.layout import ContainerSpec, views_of
from rerun_core.viewer.overlay import draw_texts
from rerun_core.viewer.panel_tree import hidden_by
from rerun_core.viewer.plot_views import TensorView, Text
from rerun_core.viewer.protocols import (
    Animating,
    Labelled,
    LevelOfDetail,
    Overlaid,
    PixelView,
    PlotRect,
    Rect,
    Renderer,
    Selectable,
    View,
)
from rerun_core.viewer.query import EntityIndex, Query
from rerun_core.viewer.spatial_view import BACKGROUND
from rerun_core.viewer.text_views import text_document, text_log_rows
from rerun_core.viewer.timelines import default_timeline
from rerun_core.viewer.viewport import Viewport

log = logging.getLogger(__name__)
_BG = np.array([int(c * 255) for c in BACKGROUND], np.uint8)
_GAP = np.array([40, 44, 48, 255], np.uint8)


class ViewerApp:
    """Renders a live ``ChunkStore`` into RGBA frames and takes jupyter_rfb-style input events.

    Thread-safety: store notifications may arrive from any thread (they only mark dirty);
    ``render``/``handle_event``/``pick`` serialize on one lock.
    """

    def __init__(self, store: ChunkStore, width: int = 640, height: int = 480) -> None:
        self.gpu_info = check_gpu()
        self.store = store
        self.width, self.height = max(1, int(width)), max(1, int(height))
        self.index = EntityIndex()
        self._lock = threading.RLock()
        self._pending: deque[Any] = deque()
        self._rescan = True
        self._epoch = 0  # bumped when a store event names no chunk (then everything is re-read)
        self._entity_versions: dict[str, int] = {}
        self._dirty = True
        self._data_dirty = True
        self._timeline: str | None = None
        self._time: int | None = None
        self._follow = True
        self._hidden: set[str] = set()
        self.viewport = Viewport()  # the tree in use + the user's toggles on it (hidden, maximized, tabs)
        self._blueprint_root: ContainerSpec | None = None  # a user's blueprint overrides the heuristics
        self._all_specs: list[ViewSpec] = []  # every view in the tree
        self._specs: list[ViewSpec] = []  # the views shown now, with their rects
        self._views: dict[str, View] = {}
        self._targets: dict[tuple[int, int], OffscreenTarget] = {}
        self._last_scale = 1.0
        self._last_preview = False  # the last frame was a preview its caller refines itself
        self.drew_views = False  # the last frame drew at least one pixel view (there was data)
        self._last_target: OffscreenTarget | None = None
        self._drag: dict[str, Any] | None = None
        self.interactive = False
        self.view_errors: dict[str, str] = {}  # view id -> why its last update failed
        self.interactive_scale = 0.5
        self.interactive_max_points = 50_000  # per point cloud, while moving (strided subset) ...
        self.min_interactive_points = 5_000  # ... adapting down to this many when frames are slow
        self._moving_points = self.interactive_max_points
        self.preview_max_points = 20_000  # per point cloud in a preview frame (new data, fast first look)
        self.target_fps = 15.0  # while moving, the scale adapts between the two bounds below
        self.min_interactive_scale = 0.25
        self._moving_scale = self.interactive_scale
        self.wheel_settle_s = 0.2  # frames this soon after a wheel event count as moving
        self._moving_until = 0.0
        self._covered_key: tuple[object, ...] = ()
        self._covered_mask = np.ones((1, 1), bool)
        self._sub: int | None = store.subscribe(self._on_store_event)

    # --- store ------------------------------------------------------------------------------

    def _on_store_event(self, event: StoreEvent) -> None:
        # Added or dropped (GC), the chunk's entity changed: its views read the store again.
        self._pending.append(event.chunk)
        path = event.chunk.entity_path.path
        self._entity_versions[path] = self._entity_versions.get(path, 0) + 1
        self._data_dirty = True
        self._dirty = True

    def _version_of(self, path: str) -> tuple[int, int]:
        """Changes whenever ``path`` got new data (or the whole store was rescanned)."""
        return (self._epoch, self._entity_versions.get(path, 0))

    def close(self) -> None:
        """Unsubscribe from the store and drop GPU resources."""
        if self._sub is not None:
            self.store.unsubscribe(self._sub)
            self._sub = None
        self._targets.clear()
        self._views.clear()

    def _ingest(self) -> None:
        changed = False
        if self._rescan:
            self._rescan = False
            self._pending.clear()
            changed |= self.index.add_chunks(self.store.chunks())
        while self._pending:
            changed |= self.index.add_chunk(self._pending.popleft())
        if changed or not self._all_specs:
            self._set_tree(self._choose_root())
        shown = self.viewport.place(self.width, self.height)
        if [s.id for s in shown] != [s.id for s in self._specs]:
            self._data_dirty = True  # views coming back into sight need their data
        self._specs = shown

    def _choose_root(self) -> ContainerSpec:
        """The one place the viewport tree is chosen: a user's blueprint, else Rerun's heuristics."""
        if self._blueprint_root is not None:
            resolve_entities(self._blueprint_root, self.index.archetypes)  # queries follow new data
            return self._blueprint_root
        return choose_layout(self.index.archetypes)

    def set_blueprint(self, root: ContainerSpec | None) -> None:
        """Lay out ``root`` (read from a sent blueprint, see ``blueprint_tree``) instead of the
        heuristic tree; ``None`` goes back to the heuristics."""
        with self._lock:
            if self._blueprint_root is not None:  # views only the old blueprint had: free them
                keep = {v.id for v in views_of(root)} if root is not None else set()
                for v in views_of(self._blueprint_root):
                    if v.id not in keep:
                        self._views.pop(v.id, None)
            self._blueprint_root = root
            self._all_specs = []  # the tree is chosen again at the next _ingest
            self._data_dirty = self._dirty = True

    def _set_tree(self, root: ContainerSpec) -> None:
        """Make ``root`` the viewport tree; views keep their state (camera) across trees by id."""
        self.viewport.set_root(root)
        self._all_specs = views_of(root)
        for spec in self._all_specs:
            view = self._views.get(spec.id)
            if view is None:
                view = self._views[spec.id] = view_registry.make_view(spec)
            elif view.spec is not spec:
                view.spec.entities = spec.entities
                view.spec = spec
            else:
                continue
            if isinstance(spec, BlueprintView):  # a sent blueprint's view properties, once per spec
                view_registry.apply_properties(view, spec, spec.properties)

    # --- time -------------------------------------------------------------------------------

    @property
    def timeline(self) -> str | None:
        if self._timeline is None:  # the session's rule too (timelines.default_timeline)
            return default_timeline(self.store.timelines())
        return self._timeline

    @property
    def time_cursor(self) -> tuple[str | None, int | None]:
        """(timeline, time) the views show; time follows the newest data unless set."""
        tl = self.timeline
        if tl is None:
            return None, None
        if self._follow or self._time is None:
            rng = self.store.time_range(tl)
            return tl, (rng[1] if rng else None)
        return tl, self._time

    def set_time(self, timeline: str, time: int | None) -> None:
        """Show ``timeline`` at ``time`` (int: sequence number or ns); ``None`` follows the newest data."""
        with self._lock:
            self._timeline = timeline
            self._time = None if time is None else int(time)
            self._follow = time is None
            self._data_dirty = self._dirty = True

    def _time_kind(self) -> str:
        tl = self.timeline
        typ = self.store.timelines().get(tl) if tl else None
        return typ.value if isinstance(typ, TimeType) else "sequence"

    # --- visibility / layout ----------------------------------------------------------------

    def set_visible(self, entity: str, visible: bool) -> None:
        """Hide or show an entity and its descendants in every view."""
        path = EntityPath(entity).path
        with self._lock:
            (self._hidden.discard if visible else self._hidden.add)(path)
            self._data_dirty = self._dirty = True

    def is_visible(self, entity: str) -> bool:
        return not hidden_by(entity, self._hidden)

    # --- the viewport tree (Rerun's blueprint panel and view headers act on it) --------------

    def _viewport_call(self, change: Callable[[Viewport], object], *, data: bool = False) -> None:
        """Apply one of the user's viewport choices (see ``viewport.Viewport``) and mark dirty."""
        with self._lock:
            self._ingest()
            change(self.viewport)
            self._dirty = True
            self._data_dirty |= data

    def set_entity_visible_in_view(self, view_id: str, entity: str, visible: bool) -> None:
        """Hide or show an entity (and its descendants) in one view only, as Rerun's blueprint tree."""
        path = EntityPath(entity).path
        self._viewport_call(lambda vp: vp.set_entity_visible_in_view(view_id, path, visible), data=True)

    def set_node_visible(self, node_id: str, visible: bool) -> None:
        """Show or hide a view or a container (with everything in it); the others take its space."""
        self._viewport_call(lambda vp: vp.set_node_visible(node_id, visible))

    def maximize(self, view_id: str | None) -> None:
        """Let one view fill the viewport (``None`` restores the layout), as Rerun's maximize button."""
        self._viewport_call(lambda vp: vp.maximize(view_id))

    def set_active_tab(self, container_id: str, child_id: str) -> None:
        """Show ``child_id`` in its tabs container (a click on a tab in a view header)."""
        self._viewport_call(lambda vp: vp.set_active_tab(container_id, child_id))

    def reveal(self, node_id: str) -> None:
        """Bring ``node_id`` to the front of every tab container above it (a selected view shows)."""
        self._viewport_call(lambda vp: vp.reveal(node_id))

    def visible_in(self, view_id: str) -> Callable[[str], bool]:
        """Entity path -> shown in that view (its own eye toggles, blueprint overrides, global ones)."""
        return self.viewport.visible_in(view_id, self.is_visible)

    def set_view_header(self, pixels: int) -> None:
        """Keep ``pixels`` above every view free for a title strip drawn by the caller."""
        with self._lock:
            self.viewport.header = max(0, int(pixels))
            self._dirty = True

    @property
    def maximized(self) -> str | None:
        return self.viewport.maximized

    def tree(self) -> dict[str, Any]:
        """The blueprint tree for the panel: containers -> views -> the entities each view shows."""
        with self._lock:
            self._ingest()
            return self.viewport.tree(self.is_visible, self._hidden)

    def set_size(self, width: int, height: int) -> None:
        with self._lock:
            w, h = max(1, int(width)), max(1, int(height))
            if (w, h) != (self.width, self.height):
                self.width, self.height = w, h
                self._targets.clear()
                self._dirty = True

    def layout(self) -> list[dict[str, Any]]:
        """The views with pixel rects; ``html`` views (text log/document) are drawn by the widget."""
        with self._lock:
            self._ingest()
            return [s.as_dict() for s in self._specs]

    def is_dirty(self) -> bool:
        """True when a new frame would differ (incl. a full-resolution frame once motion stops,
        unless the reduced frame was a ``preview`` whose caller asks for the full one itself)."""
        return self._dirty or (self._last_scale != 1.0 and not self._last_preview and not self._is_moving())

    def _is_moving(self) -> bool:
        return self.interactive or self._drag is not None or time.monotonic() < self._moving_until

    def set_interactive(self, on: bool) -> None:
        """While on, frames render at ``interactive_scale`` (upscaled) to keep dragging smooth."""
        with self._lock:
            if on != self.interactive:
                self.interactive = on
                self._dirty = True

    # --- rendering --------------------------------------------------------------------------

    def _target(self, scale: float) -> OffscreenTarget:
        """The full-size target, or one reduced target (at ``interactive_scale``) whose top-left
        part holds frames at any smaller scale: changing the scale never creates a renderer."""
        s = 1.0 if scale >= 1.0 else max(self.interactive_scale, scale)
        size = (max(1, round(self.width * s)), max(1, round(self.height * s)))
        tgt = self._targets.get(size)
        if tgt is None:
            if len(self._targets) >= 2:  # sizes changed: keep nothing stale
                self._targets.clear()
            tgt = self._targets[size] = OffscreenTarget(*size)
        return tgt

    def _refresh(self) -> None:
        """Take in new store data, then update the views' scenes if data or the cursor changed."""
        self._ingest()
        if self._data_dirty:
            self._data_dirty = False
            self._sync()

    def _sync(self) -> None:
        tl, t = self.time_cursor
        q = Query(self.store, tl, t)
        time_kind = self._time_kind()
        for spec in self._specs:
            view = self._views[spec.id]
            visible = self.viewport.visible_in(spec.id, self.is_visible)
            ctx = view_registry.SyncContext(self.store, q, self.index, visible, self._version_of, time_kind)
            try:
                view_registry.sync_view(view, spec, ctx)
                self.view_errors.pop(spec.id, None)
            except Exception as exc:  # one broken view must not blank the others
                log.warning("view %s failed to update: %s", spec.id, exc)
                self.view_errors[spec.id] = f"{type(exc).__name__}: {exc}"

    def preview_pays(self) -> bool:
        """Would a full frame now be slow where a preview is cheap? On a software rasterizer, when
        more than ``preview_max_points`` points are drawn (lavapipe's cost is per point)."""
        with GPU_LOCK, self._lock:
            self._refresh()
            points = sum(v.lod_points() for v in self._views.values() if isinstance(v, LevelOfDetail))
        return points > self.preview_max_points and is_software(check_gpu())

    def render(self, *, preview: bool = False) -> np.ndarray:
        """Update scenes from the store (only what changed) and draw all pixel views: (H, W, 4) uint8.

        ``preview``: draw as while moving (reduced resolution, strided point subsets), so a
        change shows up fast on a software rasterizer; the caller renders the full frame later."""
        with GPU_LOCK, self._lock:
            self._dirty = False
            self._refresh()
            really_moving = self._is_moving()
            moving = really_moving or preview
            scale = self._moving_scale if moving else 1.0
            started = time.perf_counter()
            tgt = self._target(scale)
            texts: list[tuple[float, float, str, tuple[int, int, int, int], str]] = []
            drawn = False
            lod = self._moving_points if scale != 1.0 else None
            if lod is not None and not really_moving:
                lod = min(lod, self.preview_max_points)
            for spec in self._specs:
                if view_registry.is_html(spec.kind):
                    continue
                view = self._views[spec.id]
                if not isinstance(view, PixelView):
                    continue
                if isinstance(view, LevelOfDetail):
                    view.set_lod(lod)
                texts += self._render_view(tgt, view, spec, scale, first=not drawn)
                drawn = True
                if isinstance(view, Animating) and view.animating:  # e.g. a graph layout still settling
                    self._dirty = True
            if drawn:
                frame = tgt.finish()
                if scale != 1.0:
                    frame = frame[: max(1, round(self.height * scale)), : max(1, round(self.width * scale))]
            else:
                frame = np.empty((tgt.size[1], tgt.size[0], 4), np.uint8)
                frame[...] = _BG
            self._last_scale, self._last_target = scale, tgt
            self._last_preview = preview
            self.drew_views = drawn
            if moving:
                self._adapt_scale(time.perf_counter() - started)
            if scale != 1.0:
                frame = _upscale(frame, self.width, self.height)
            frame[~self._covered()] = _GAP
            for spec in self._specs:
                if view_registry.is_html(spec.kind):
                    x, y, w, h = spec.rect
                    frame[y : y + h, x : x + w] = _BG
            return draw_texts(frame, texts)

    def _covered(self) -> np.ndarray:
        """Mask of the pixels inside some view (the gaps between views get a separator color)."""
        key = (self.width, self.height, tuple(s.rect for s in self._specs))
        if self._covered_key != key:
            self._covered_key = key
            self._covered_mask = covered_mask(self.width, self.height, [s.rect for s in self._specs])
        return self._covered_mask

    def _adapt_scale(self, seconds: float) -> None:
        """Keep moving frames near ``target_fps`` (resolution and point budget)."""
        self._moving_scale, self._moving_points = adapt_motion(
            seconds,
            self.target_fps,
            self._moving_scale,
            self._moving_points,
            (self.min_interactive_scale, self.interactive_scale),
            (self.min_interactive_points, self.interactive_max_points),
        )

    def _render_view(
        self, tgt: OffscreenTarget, view: PixelView, spec: ViewSpec, scale: float, *, first: bool
    ) -> list[Any]:
        rect: Rect = spec.rect
        inner = view.plot_rect(rect) if isinstance(view, PlotRect) else rect
        if inner != rect:
            bg_scene, bg_camera = background_scene()
            tgt.render(bg_scene, bg_camera, scaled(rect, scale), first=first)
            first = False
        aspect = inner[2] / max(inner[3], 1)
        camera = view.prepare_camera(aspect)
        tgt.render(view.scene, camera, scaled(inner, scale), first=first)
        texts: list[Any] = []
        if isinstance(view, Labelled):
            texts = project_labels(view.labels(), camera, inner)
        elif isinstance(view, Overlaid):
            for t in view.overlay(rect):
                texts.append((rect[0] + t.x, rect[1] + t.y, t.text, t.color, t.anchor))
        return texts

    # --- input ------------------------------------------------------------------------------

    def view_at(self, x: float, y: float) -> ViewSpec | None:
        for spec in self._specs:
            vx, vy, vw, vh = spec.rect
            if vx <= x < vx + vw and vy <= y < vy + vh:
                return spec
        return None

    def handle_event(self, ev: dict[str, Any]) -> bool:
        """Apply one jupyter_rfb-style event; True when the picture changes."""
        from rerun_core.viewer.controls import apply_event

        with self._lock:
            changed = apply_event(self, ev)
            if changed:
                self._dirty = True
                if (ev.get("event_type") or ev.get("type")) == "wheel":
                    self._moving_until = time.monotonic() + self.wheel_settle_s
            return changed

    def set_selection(self, entity: str | None, instance: int | None = None) -> None:
        """Outline the selected entity (or instance) in every view that can (spatial, graph); None clears."""
        path = EntityPath(entity).path if entity else None
        with self._lock:
            self._refresh()  # boxes are computed from the current scene
            for view in self._views.values():
                if isinstance(view, Selectable):  # spatial and graph views
                    view.set_selection(path, instance)
            self._dirty = True

    def reset_camera(self, view_id: str | None = None) -> None:
        """Back to auto-fit for one view (or all)."""
        with self._lock:
            for vid, view in self._views.items():
                if view_id is None or vid == view_id:
                    view.reset_camera()
            self._dirty = True

    def camera_state(self, view_id: str) -> dict[str, Any]:
        cam = self._views[view_id].camera
        if isinstance(cam, OrbitCamera):
            return {
                "target": cam.target.tolist(),
                "distance": cam.distance,
                "yaw": cam.yaw,
                "pitch": cam.pitch,
            }
        if isinstance(cam, PanZoomCamera):
            return {"center": cam.center.tolist(), "height": cam.height}
        assert isinstance(cam, PlotCamera)
        return {"x_range": cam.x_range, "y_range": cam.y_range}

    def view(self, view_id: str) -> View:
        return self._views[view_id]

    def pick(self, x: float, y: float) -> dict[str, Any] | None:
        """What is under pixel (x, y) of the last frame: entity path, instance, values."""
        from rerun_core.viewer.controls import pick

        with GPU_LOCK, self._lock:
            return pick(self, x, y)

    # --- HTML views -------------------------------------------------------------------------

    def text_log(self, view_id: str = "text_log:/", max_rows: int = 1000) -> list[dict[str, Any]]:
        """Rows for a text-log view (time, entity, level, text, color), oldest first, up to the cursor."""
        with self._lock:
            self._ingest()
            spec = next((s for s in self._specs if s.id == view_id), None)
            if spec is None:
                return []
            tl, t = self.time_cursor
            return text_log_rows(self.store, spec.entities, tl, t, max_rows)

    def text_document(self, view_id: str) -> dict[str, str]:
        """``{"text": ..., "media_type": ...}`` of a text-document view at the time cursor."""
        with self._lock:
            self._ingest()
            spec = next((s for s in self._specs if s.id == view_id), None)
            if spec is None or not spec.entities:  # a blueprint's view may match nothing yet
                return {"text": "", "media_type": "text/plain"}
            tl, t = self.time_cursor
            return text_document(Query(self.store, tl, t), spec.entities[0])

    def tensor_info(self, view_id: str) -> dict[str, Any]:
        """Dims of a tensor view for slice sliders: names, shape, the two shown axes, other dims' index."""
        with self._lock:
            view = self._views.get(view_id)
            if not isinstance(view, TensorView):
                return {}
            shape = list(view.tensor.shape)
            return {
                "names": list(view.names),
                "shape": shape,
                "axes": list(view.axes),
                "slice": {d: view.slice.get(d, s // 2) for d, s in enumerate(shape) if d not in view.axes},
            }

    def set_tensor_slice(self, view_id: str, indices: dict[int, int]) -> None:
        with self._lock:
            view = self._views[view_id]
            if isinstance(view, TensorView):
                view.set_slice(indices)
                self._data_dirty = self._dirty = True


_RENDERER: type[Renderer] = ViewerApp  # mypy checks that the app implements the notebook's seam

__all__ = ["Text", "ViewerApp"]
