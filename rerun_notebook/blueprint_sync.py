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
from typing import TYPE_CHECKING, Any

from rerun_core.store.hub import StoreHub
from rerun_core.store.store import ChunkStore
from rerun_core.viewer.protocols import Renderer

from .timectrl import TimeControl

if TYPE_CHECKING:
    from rerun_core.viewer.blueprint_tree import BlueprintView, ViewerBlueprint
    from rerun_core.viewer.specs import ViewSpec

    from .session import ViewerSession

log = logging.getLogger(__name__)

BlueprintSource = Callable[[str], "ChunkStore | None"]  # application id -> its blueprint store
POLL_S = 0.5  # without a mark(), look for a new or changed blueprint this often


def hub_source(hub: StoreHub) -> BlueprintSource:
    """A ``source`` for viewers over a ``StoreHub`` (the web viewer, ``rerun file.rrd``)."""

    def source(application_id: str) -> ChunkStore | None:
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
        self.current: ViewerBlueprint | None = None  # the last blueprint applied

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

    def apply(self, session: ViewerSession) -> bool:
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
        key = None if store is None else (id(store), store.generation)
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
        if session.app is not None:
            _apply_layout(session.app, bp)
        _apply_time_panel(session.time, bp.time_panel)
        return True


def _apply_layout(app: Renderer, bp: ViewerBlueprint) -> None:
    """The tree (its views' properties travel with it: ``view_registry.ViewKind.properties``, applied
    by the renderer), the views' EntityBehavior overrides and the maximized view."""
    from rerun_core.viewer.blueprint_tree import BlueprintView
    from rerun_core.viewer.layout import views_of

    app.set_blueprint(bp.root)
    if bp.root is None:
        return
    _hide_overridden(app, [v for v in views_of(bp.root) if isinstance(v, BlueprintView)])
    try:
        app.maximize(bp.maximized)
    except ValueError:
        log.debug("blueprint maximizes an unknown view %r", bp.maximized)


def _hide_overridden(app: Renderer, views: list[BlueprintView]) -> None:
    """EntityBehavior(visible=False) overrides: that entity is hidden in that view only."""
    for view in views:
        for entity in sorted(view.hidden_entities):
            try:
                app.set_entity_visible_in_view(view.id, entity, False)
            except ValueError:
                log.debug("blueprint hides %s in unknown view %s", entity, view.id)


def _view_properties(app: Renderer, views: list[ViewSpec]) -> None:
    """Make the views of the new tree now: the renderer sets each view's blueprint properties
    (``ViewKind.properties``) on the view object it makes for the spec (``ViewerApp._set_tree``)."""
    del views  # they travel with the tree the renderer already has
    app.layout()


def _apply_time_panel(tc: TimeControl, settings: dict[str, Any]) -> None:
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
