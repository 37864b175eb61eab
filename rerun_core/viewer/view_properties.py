"""How each view kind reads its blueprint view properties (pure Python: no pygfx).

A ``ViewProperties`` (held by the kind's ``view_registry.ViewKind``) says which properties a kind
takes from ``/view/<id>/<Archetype>``: ``read(get)`` turns them into a plain dict stored on the
``BlueprintView`` (``properties``), ``apply(view, values)`` sets them on the view object the renderer
made (a lazy import of the kind's pygfx module: ``ViewerApp`` calls it when the view gets the spec),
and ``layout_keys`` are copied into the layout entry, i.e. sent to the browser (a map's zoom, a
dataframe's query). Property values read as None when the blueprint does not set them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rerun_core.viewer.dataframe_view import read_dataframe_query
from rerun_core.viewer.graph_layout import force_overrides

# (archetype, field) -> the newest value of ``/view/<id>/<archetype>:<field>``, or None
PropertyGetter = Callable[[str, str], Any]
Values = dict[str, Any]
Applier = Callable[[Any, Values], None]  # (the view object of the kind, its values) -> None
BRIGHT_BACKGROUND = (0.82, 0.83, 0.85, 1.0)


@dataclass(frozen=True)
class ViewProperties:
    """The blueprint properties of one view kind: read, applied, sent to the browser."""

    names: frozenset[str]  # the keys ``read`` returns (None when the blueprint sets nothing)
    read: Callable[[PropertyGetter], Values]
    apply: Applier | None = None
    layout_keys: frozenset[str] = field(default_factory=frozenset)  # copied into the layout entry


def lazy_apply(module: str, name: str) -> Applier:
    """An ``apply`` that imports the view's module (pygfx) on first use."""

    def apply(view: Any, values: Values) -> None:
        fn: Applier = getattr(importlib.import_module(module), name)  # a module function by name
        fn(view, values)

    return apply


def unpack_rgba(color: Any) -> tuple[float, float, float, float]:
    """A packed ``0xRRGGBBAA`` color as RGBA 0..1."""
    c = int(color)
    return ((c >> 24) & 0xFF) / 255, ((c >> 16) & 0xFF) / 255, ((c >> 8) & 0xFF) / 255, (c & 0xFF) / 255


def _background(get: PropertyGetter) -> tuple[float, float, float, float] | None:
    kind, color = get("Background", "kind"), get("Background", "color")
    if color is not None and kind in (None, 3):  # SolidColor
        return unpack_rgba(color)
    if kind == 2:  # GradientBright: a light backdrop (our views draw flat backgrounds)
        return BRIGHT_BACKGROUND
    return None


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def read_spatial3d(get: PropertyGetter) -> Values:
    """Background, LineGrid3D:visible."""
    return {"background": _background(get), "grid_visible": _bool(get("LineGrid3D", "visible"))}


def read_spatial2d(get: PropertyGetter) -> Values:
    """Background, VisualBounds2D (x and y ranges)."""
    bounds = get("VisualBounds2D", "range")
    bounds_2d = None
    if isinstance(bounds, dict) and bounds.get("x_range") and bounds.get("y_range"):
        (x0, x1), (y0, y1) = bounds["x_range"], bounds["y_range"]
        bounds_2d = ((float(x0), float(x1)), (float(y0), float(y1)))
    return {"background": _background(get), "bounds_2d": bounds_2d}


def read_plot(get: PropertyGetter) -> Values:
    """ScalarAxis:range (the y extent) and PlotLegend:visible."""
    rng = get("ScalarAxis", "range")
    y_range = (float(rng[0]), float(rng[1])) if isinstance(rng, list) and len(rng) == 2 else None
    return {"y_range": y_range, "legend_visible": _bool(get("PlotLegend", "visible"))}


def read_graph(get: PropertyGetter) -> Values:
    """The Force* properties (``graph_layout.force_overrides``) and GraphBackground."""
    color = get("GraphBackground", "color")
    return {"graph_forces": force_overrides(get), "background": None if color is None else unpack_rgba(color)}


def read_map(get: PropertyGetter) -> Values:
    """MapZoom:zoom and MapBackground:provider (MapProvider: 1 OpenStreetMap, 2.. Mapbox)."""
    zoom, provider = get("MapZoom", "zoom"), get("MapBackground", "provider")
    return {
        "map_zoom": None if zoom is None else float(zoom),
        "map_provider": None if provider is None else int(provider),
    }


def read_dataframe(get: PropertyGetter) -> Values:
    """The DataframeQuery (``dataframe_view.read_dataframe_query``) as a plain dict."""

    def one(path: str, component: str) -> Any:  # read_dataframe_query's (path, "Arch:field") reader
        arch, _, fld = component.partition(":")
        return get(arch, fld)

    return {"dataframe_query": read_dataframe_query(one, "").to_dict()}


SPATIAL3D = ViewProperties(
    frozenset({"background", "grid_visible"}),
    read_spatial3d,
    lazy_apply("rerun_core.viewer.spatial_view", "apply_properties"),
)
SPATIAL2D = ViewProperties(
    frozenset({"background", "bounds_2d"}),
    read_spatial2d,
    lazy_apply("rerun_core.viewer.spatial_view", "apply_properties"),
)
PLOT = ViewProperties(
    frozenset({"y_range", "legend_visible"}),
    read_plot,
    lazy_apply("rerun_core.viewer.plot_views", "apply_properties"),
)
GRAPH = ViewProperties(
    frozenset({"graph_forces", "background"}),
    read_graph,
    lazy_apply("rerun_core.viewer.graph_view", "apply_properties"),
)
MAP = ViewProperties(
    frozenset({"map_zoom", "map_provider"}), read_map, layout_keys=frozenset({"map_zoom", "map_provider"})
)
DATAFRAME = ViewProperties(
    frozenset({"dataframe_query"}), read_dataframe, layout_keys=frozenset({"dataframe_query"})
)

__all__ = [
    "DATAFRAME",
    "GRAPH",
    "MAP",
    "PLOT",
    "SPATIAL2D",
    "SPATIAL3D",
    "PropertyGetter",
    "ViewProperties",
    "lazy_apply",
    "unpack_rgba",
]
