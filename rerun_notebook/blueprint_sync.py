"""Keeps a session's renderer and panels on the blueprint sent for its recording's application.

``rr.send_blueprint`` / ``notebook_show(blueprint=...)`` log a blueprint store next to the
recording (same application id). ``source(application_id)`` (set by ``rerun.notebook``; a viewer
over a ``StoreHub`` can use ``blueprint_tree.hub_blueprint``) returns that application's blueprint
store, or None; whenever it or its contents change (``mark()``, or a poll every ``POLL_S``), the
layout tree goes to ``app.set_blueprint`` and the panel / time-panel settings to the session.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

BlueprintSource = Callable[[str], Any]
POLL_S = 0.5  # without a mark(), look for a new or changed blueprint this often


def hub_source(hub: Any) -> BlueprintSource:
    """A ``source`` for viewers over a ``StoreHub`` (the web viewer, ``rerun file.rrd``)."""

    def source(application_id: str) -> Any:
        from rerun_core.viewer.blueprint_tree import hub_blueprint

        return hub_blueprint(hub, application_id)

    return source


class BlueprintSync:
    """The blueprint state one session applied last; ``apply`` is cheap when nothing changed."""

    def __init__(self) -> None:
        self.source: BlueprintSource | None = None
        self.dirty = True
        self._key: tuple[int, int] | None = None
        self._checked = float("-inf")
        self.current: Any = None  # the last ViewerBlueprint applied

    @property
    def panel_states(self) -> dict[str, str]:
        """The blueprint's panel states: starting states the user may toggle (``update_panels`` locks)."""
        return dict(self.current.panel_states) if self.current is not None else {}

    def mark(self) -> None:
        """A blueprint arrived or changed somewhere in the kernel: look again at the next frame."""
        self.dirty = True

    def reset(self) -> None:
        """A new renderer (recording switch): apply the blueprint again."""
        self._key = None
        self.current = None
        self.dirty = True

    def apply(self, session: Any) -> bool:
        """Apply the active blueprint if it changed; True when something was applied."""
        now = time.monotonic()
        if self.source is None or session.app is None or not (self.dirty or now - self._checked >= POLL_S):
            return False
        self.dirty, self._checked = False, now
        app_id = session.app_ids.get(session.active or "", "")
        try:
            store = self.source(app_id)
        except Exception:
            log.debug("looking up the blueprint failed", exc_info=True)
            return False
        key = None if store is None else (id(store), int(getattr(store, "generation", 0)))
        if key == self._key:
            return False
        self._key = key
        from rerun_core.viewer.blueprint_tree import ViewerBlueprint, read_blueprint

        try:
            bp = read_blueprint(store) if store is not None else ViewerBlueprint()
        except Exception:
            log.warning(
                "could not read the blueprint of %r; keeping the current layout", app_id, exc_info=True
            )
            return False
        self.current = bp
        _apply_layout(session.app, bp)
        _apply_time_panel(session.time, bp.time_panel)
        return True


def _apply_layout(app: Any, bp: Any) -> None:
    from rerun_core.viewer.layout import views_of

    setter = getattr(app, "set_blueprint", None)
    if setter is None:
        return
    setter(bp.root)
    if bp.root is None:
        return
    _hide_overridden(app, views_of(bp.root))
    _view_properties(app, views_of(bp.root))
    maximize = getattr(app, "maximize", None)
    try:
        if maximize is not None:
            maximize(bp.maximized)
    except ValueError:
        log.debug("blueprint maximizes an unknown view %r", bp.maximized)


def _hide_overridden(app: Any, views: list[Any]) -> None:
    """EntityBehavior(visible=False) overrides: that entity is hidden in that view only."""
    hide = getattr(app, "set_entity_visible_in_view", None)
    if hide is None:
        return
    for view in views:
        for entity in sorted(getattr(view, "hidden_entities", ())):
            try:
                hide(view.id, entity, False)
            except ValueError:
                log.debug("blueprint hides %s in unknown view %s", entity, view.id)


def _view_properties(app: Any, views: list[Any]) -> None:
    """A ScalarAxis range fixes that plot's y extent (the x axis keeps following the data); a
    VisualBounds2D is what a 2D view shows until the user moves it; Background, LineGrid3D, PlotLegend."""
    get = getattr(app, "view", None)
    if get is None:
        return
    getattr(app, "layout", lambda: None)()  # makes the views of the new tree
    for view in views:
        try:
            camera = get(view.id).camera
        except KeyError:
            continue
        if hasattr(camera, "y_fixed"):
            camera.y_fixed = getattr(view, "y_range", None)
        if hasattr(camera, "bounds_fixed"):
            camera.bounds_fixed = _corners(getattr(view, "bounds_2d", None))
        drawn = get(view.id)
        if getattr(view, "kind", "") in ("spatial3d", "spatial2d"):
            _style(drawn, view)
        if hasattr(drawn, "set_forces"):  # graph views: Force* properties and GraphBackground
            drawn.set_forces(getattr(view, "graph_forces", None))
            drawn.set_background(getattr(view, "background", None))
        if hasattr(drawn, "show_legend"):
            drawn.show_legend = getattr(view, "legend_visible", None) is not False


def _style(drawn: Any, view: Any) -> None:
    """A spatial view's background color and 3D grid (the defaults when the blueprint says nothing)."""
    from rerun_core.viewer.spatial_view import BACKGROUND

    grid = getattr(drawn, "grid", None)
    if grid is not None:
        grid.visible = getattr(view, "grid_visible", None) is not False
    for obj in getattr(getattr(drawn, "scene", None), "children", ()):
        if type(obj).__name__ == "Background":
            obj.material.set_colors(getattr(view, "background", None) or BACKGROUND)


def _corners(bounds: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """((x0, x1), (y0, y1)) as the (lo, hi) corners cameras fit to."""
    if bounds is None:
        return None
    (x0, x1), (y0, y1) = bounds
    return np.array([x0, y0, 0.0]), np.array([x1, y1, 0.0])


def _apply_time_panel(tc: Any, settings: dict[str, Any]) -> None:
    """Timeline, playback speed, fps, play state and loop mode from the TimePanel blueprint."""
    actions: list[tuple[str, Callable[[], Any]]] = []
    if "timeline" in settings:
        actions.append(("timeline", lambda: tc.set_timeline(str(settings["timeline"]))))
    if "playback_speed" in settings:
        actions.append(("playback_speed", lambda: tc.set_speed(float(settings["playback_speed"]))))
    if "fps" in settings:
        actions.append(("fps", lambda: tc.set_fps(float(settings["fps"]))))
    if "time_selection" in settings:  # the loop selection, not looped unless loop_mode says so
        actions.append(
            ("time_selection", lambda: tc.set_loop_selection(settings["time_selection"], activate=False))
        )
    state = settings.get("play_state")
    if state in ("paused", "playing", "following"):
        actions.append(
            ("play_state", {"paused": tc.pause, "playing": tc.play, "following": tc.follow}[state])
        )
    if "loop_mode" in settings:
        actions.append(("loop_mode", lambda: tc.set_loop_mode(str(settings["loop_mode"]))))
    for name, action in actions:
        try:
            action()
        except (ValueError, AttributeError) as exc:
            log.warning("blueprint time panel: ignoring %s: %s", name, exc)
