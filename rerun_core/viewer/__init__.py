"""The kernel-side renderer: a live ChunkStore -> views -> offscreen pygfx frames.

The only package that imports pygfx/wgpu. The notebook widget drives it through ``ViewerApp``::

    app = ViewerApp(store, width=640, height=480)   # subscribes to the store (dirty marking)
    app.set_size(w, h)
    app.set_time("frame", 42)          # timeline + int time (ns for durations/timestamps);
    app.set_time("frame", None)        # ... None = follow the newest data (the default)
    app.time_cursor                    # -> (timeline, time) actually shown
    app.layout()                       # -> [{"id", "kind", "origin", "name", "rect": (x, y, w, h),
                                       #      "entities", "html"}]; kind in spatial3d | spatial2d |
                                       #      timeseries | bar_chart | tensor | text_log | text_document
    frame = app.render()               # (H, W, 4) uint8 RGBA; HTML views' rects are left blank
    app.is_dirty()                     # True after new data / time / camera / size / visibility
    app.handle_event(ev)               # jupyter_rfb events: pointer_down/move/up (x, y, button,
                                       # modifiers), wheel (dx, dy, x, y), double_click, resize
                                       # (width, height); optional "view_id"; returns True if the
                                       # picture changed. Dragging renders at reduced scale.
    app.set_interactive(True)          # force reduced frames; while moving (drag, just after a
                                       # wheel, or interactive) the scale adapts to target_fps=15
                                       # between min_interactive_scale=0.25 and interactive_scale=0.5,
                                       # and big point clouds draw a strided subset (adaptive budget
                                       # min_interactive_points..interactive_max_points); is_dirty()
                                       # turns True once motion stops so a full frame follows
    app.pick(x, y)                     # -> {"view_id", "view", "entity_path", "archetype",
                                       #     "instance", "position", "values"} or None (reads the
                                       #     last frame's pick buffer; images add pixel + value)
    app.reset_camera(view_id=None)     # back to auto-fit (one view or all)
    app.set_selection(entity, instance=None)  # outline what the user selected (None clears)
    app.set_visible("/world/points", False)   # hides the entity and its descendants
    app.tree()                         # blueprint tree for the panel: containers -> views -> each
                                       # view's entities ({type, id, kind, name, visible, shown, ...})
    app.set_node_visible(id, False)    # hide a view or container (the others take its space)
    app.set_entity_visible_in_view(view_id, "/world/points", False)  # hidden in that view only
    app.maximize(view_id)              # one view fills the viewport; maximize(None) restores
    app.set_active_tab(container_id, child_id); app.reveal(view_id)  # tab containers
    app.set_view_header(20)            # layout() rects leave 20 px above each view for a header
    app.text_log("text_log:/")         # rows {time, entity_path, level, text, color} for HTML
    app.text_document(view_id)         # {"text", "media_type"}
    app.tensor_info(view_id)           # {"names", "shape", "axes", "slice"} for slice sliders
    app.set_tensor_slice(view_id, {dim: index})
    app.close()                        # unsubscribe, free GPU objects
    app.view_errors, app.view(view_id).errors   # bad data is logged and skipped, never fatal

Without any Vulkan driver, ``ViewerApp(...)`` raises ``NoGpuError`` whose message says to
install ``mesa-vulkan-drivers``. Internals: ``heuristics`` (which views, Rerun's auto layout),
``layout`` (the viewport tree of containers and views -> rects), ``viewport`` (the user's toggles
on it), ``panel_tree`` (the tree as the blueprint panel shows it),
``visualizers`` (registry keyed by archetype name), ``spatial_view`` / ``plot_views`` (scene
caches), ``camera`` + ``controls`` (per-view camera state), ``gpu`` (offscreen renderers).
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rerun_core.viewer.app import ViewerApp
    from rerun_core.viewer.gpu import NO_DRIVER_HELP, NoGpuError, check_gpu

# Resolved on first use, so the pygfx-free modules (protocols, view_registry, blueprint_tree,
# timelines, spaces, ...) import without pygfx/wgpu: the notebook layer imports them eagerly.
_LAZY = {
    "ViewerApp": "rerun_core.viewer.app",
    "NO_DRIVER_HELP": "rerun_core.viewer.gpu",
    "NoGpuError": "rerun_core.viewer.gpu",
    "check_gpu": "rerun_core.viewer.gpu",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)  # a lazily imported name


__all__ = ["NO_DRIVER_HELP", "NoGpuError", "ViewerApp", "check_gpu"]
