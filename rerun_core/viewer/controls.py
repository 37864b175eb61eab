"""Input events (jupyter_rfb style) -> camera moves; picking -> entity/instance/values.

Buttons follow jupyter_rfb: 1 left (orbit in 3D, pan in 2D/plots), 2 right and 3 middle (pan),
shift+left pans too. Wheel zooms (about the cursor in 2D), double click resets the view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rerun_core.viewer import view_registry
from rerun_core.viewer.camera import OrbitCamera, PanZoomCamera, PlotCamera

if TYPE_CHECKING:
    from rerun_core.viewer.app import ViewerApp


def apply_event(app: ViewerApp, ev: dict[str, Any]) -> bool:
    kind = ev.get("event_type") or ev.get("type")
    if kind == "resize":
        app.set_size(int(ev.get("width", app.width)), int(ev.get("height", app.height)))
        return True
    x, y = float(ev.get("x", 0)), float(ev.get("y", 0))
    if kind == "pointer_down":
        spec = _view_for(app, ev, x, y)
        if spec is None:
            return False
        button = int(ev.get("button", 1))
        pan = button in (2, 3) or "Shift" in (ev.get("modifiers") or ())
        app._drag = {"view": spec.id, "x": x, "y": y, "pan": pan}
        return False
    if kind == "pointer_move":
        drag = app._drag
        if drag is None:
            return False
        dx, dy = x - drag["x"], y - drag["y"]
        drag["x"], drag["y"] = x, y
        return _drag(app, drag["view"], dx, dy, drag["pan"])
    if kind == "pointer_up":
        was = app._drag is not None
        app._drag = None
        return was  # full-resolution frame again
    if kind == "wheel":
        spec = _view_for(app, ev, x, y)
        return spec is not None and _wheel(app, spec.id, ev, x, y)
    if kind == "double_click":
        spec = _view_for(app, ev, x, y)
        if spec is not None:
            app._views[spec.id].reset_camera()
            return True
    return False


def _view_for(app: ViewerApp, ev: dict[str, Any], x: float, y: float) -> Any:
    """The pixel view an event targets (HTML views handle their own input in the browser)."""
    vid = ev.get("view_id")
    spec = next((s for s in app._specs if s.id == vid), None) if vid is not None else app.view_at(x, y)
    return None if spec is None or view_registry.is_html(spec.kind) else spec


def _drag(app: ViewerApp, view_id: str, dx: float, dy: float, pan: bool) -> bool:
    view = app._views.get(view_id)
    if view is None:
        return False
    spec = view.spec
    cam = view.camera
    w, h = spec.rect[2], spec.rect[3]
    if isinstance(cam, OrbitCamera):
        cam.pan(dx, dy, h) if pan else cam.orbit(dx, dy)
    elif isinstance(cam, PanZoomCamera):
        cam.pan(dx, dy, h)
    elif isinstance(cam, PlotCamera):
        cam.pan(dx, dy, w, h)
    else:
        return False
    return True


def _wheel(app: ViewerApp, view_id: str, ev: dict[str, Any], x: float, y: float) -> bool:
    view = app._views.get(view_id)
    if view is None:
        return False
    steps = float(ev.get("dy", 0.0))
    cam = view.camera
    vx, vy, w, h = view.spec.rect
    if isinstance(cam, OrbitCamera):
        cam.zoom(steps)
    elif isinstance(cam, PanZoomCamera):
        cam.zoom(steps, ((x - vx) / max(w, 1) - 0.5, (y - vy) / max(h, 1) - 0.5))
    elif isinstance(cam, PlotCamera):
        cam.zoom(steps, (x - vx) / max(w, 1))
    else:
        return False
    return True


def pick(app: ViewerApp, x: float, y: float) -> dict[str, Any] | None:
    """Read the pick buffer of the last frame at (x, y) and map it back to the data."""
    from rerun_core.viewer.protocols import SelfPicking
    from rerun_core.viewer.spatial_view import SpatialView

    spec = app.view_at(x, y)
    if spec is None:
        return None
    view = app._views.get(spec.id)
    if isinstance(view, SelfPicking):  # views that hit-test their own shapes (graph)
        hit = view.pick(x - spec.rect[0], y - spec.rect[1])
        if view.redraw:  # e.g. a hover highlight changed
            view.redraw = False
            app._dirty = True
        return hit
    tgt = app._last_target
    if tgt is None or not isinstance(view, SpatialView):
        return None
    s = app._last_scale
    info = tgt.pick(x * s, y * s)
    wobject = info.get("world_object")
    if wobject is None:
        return None
    vis = view.find_visualizer(wobject)
    if vis is None:
        return None
    instance = vis.instance_at(wobject, info)
    values = vis.instance_values(instance) if instance is not None else {}
    pixel = getattr(vis, "pixel_values", None)
    if pixel is not None:
        values.update(pixel(info))
    position = values.get("positions", values.get("centers", values.get("translations")))
    return {
        "view_id": spec.id,
        "view": spec.name,
        "position": position,
        "entity_path": vis.entity_path,
        "archetype": vis.archetype,
        "instance": instance,
        "values": values,
    }
