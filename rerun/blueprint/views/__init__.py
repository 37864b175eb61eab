"""View classes: one table row per view type (class identifier + property arguments)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from .. import archetypes as bpa
from ..api import View

Coerce = Callable[[Any], Any]


def _as(cls: type, wrap: Callable[[Any], Any] | None = None) -> Coerce:
    """Pass archetype instances through; wrap anything else (e.g. a color) with `wrap`."""

    def coerce(value: Any) -> Any:
        if isinstance(value, cls) or wrap is None or hasattr(value, "as_component_batches"):
            return value
        return wrap(value)

    return coerce


_KEEP: Coerce = lambda value: value  # noqa: E731
_BACKGROUND = ("background", "Background", _as(bpa.Background, bpa.Background))
_BOUNDS = ("visual_bounds", "VisualBounds2D", _KEEP)
_SPATIAL_INFO = ("spatial_information", "SpatialInformation", _KEEP)
_TIME_RANGES = ("time_ranges", "VisibleTimeRanges", _as(bpa.VisibleTimeRanges, bpa.VisibleTimeRanges))
_LEGEND = ("plot_legend", "PlotLegend", _as(bpa.PlotLegend, bpa.PlotLegend))
_PLOT_BACKGROUND = ("background", "PlotBackground", _KEEP)

# name -> (class identifier, [(argument, property archetype name, coercion)])
VIEW_TABLE: dict[str, tuple[str, tuple[tuple[str, str, Coerce], ...]]] = {
    "Spatial2DView": ("2D", (_BACKGROUND, _BOUNDS, _SPATIAL_INFO, _TIME_RANGES)),
    "Spatial3DView": (
        "3D",
        (
            _BACKGROUND,
            ("line_grid", "LineGrid3D", _as(bpa.LineGrid3D, lambda v: bpa.LineGrid3D(visible=v))),
            _SPATIAL_INFO,
            ("eye_controls", "EyeControls3D", _KEEP),
            _TIME_RANGES,
        ),
    ),
    "TimeSeriesView": (
        "TimeSeries",
        (
            ("axis_x", "TimeAxis", _KEEP),
            ("axis_y", "ScalarAxis", _KEEP),
            _LEGEND,
            _PLOT_BACKGROUND,
            ("interaction", "PlotInteraction", _KEEP),
            _TIME_RANGES,
        ),
    ),
    "BarChartView": ("BarChart", (_LEGEND, _PLOT_BACKGROUND)),
    "TensorView": (
        "Tensor",
        (
            ("slice_selection", "TensorSliceSelection", _KEEP),
            ("scalar_mapping", "TensorScalarMapping", _KEEP),
            ("view_fit", "TensorViewFit", _as(bpa.TensorViewFit, bpa.TensorViewFit)),
        ),
    ),
    "TextDocumentView": ("TextDocument", (("format_options", "TextDocumentFormat", _KEEP),)),
    "TextLogView": (
        "TextLog",
        (
            ("columns", "TextLogColumns", _KEEP),
            ("rows", "TextLogRows", _KEEP),
            ("format_options", "TextLogFormat", _KEEP),
        ),
    ),
    "MapView": (
        "Map",
        (
            ("zoom", "MapZoom", _as(bpa.MapZoom, bpa.MapZoom)),
            ("background", "MapBackground", _as(bpa.MapBackground, bpa.MapBackground)),
        ),
    ),
    "GraphView": (
        "Graph",
        (
            ("background", "GraphBackground", _KEEP),
            _BOUNDS,
            ("force_link", "ForceLink", _KEEP),
            ("force_many_body", "ForceManyBody", _KEEP),
            ("force_position", "ForcePosition", _KEEP),
            ("force_collision_radius", "ForceCollisionRadius", _KEEP),
            ("force_center", "ForceCenter", _KEEP),
        ),
    ),
    "DataframeView": ("Dataframe", (("query", "DataframeQuery", _KEEP),)),
    "StateTimelineView": ("StateTimeline", (("time_view", "TimeAxis", _KEEP), _TIME_RANGES)),
    # 0.41 calls `AudioPlayback(value)` on anything else, which takes no positional argument: a
    # TypeError there and here.
    "AudioView": (
        "Audio",
        (("playback", "AudioPlayback", _as(bpa.AudioPlayback, cast(Coerce, bpa.AudioPlayback))),),
    ),
}


def _make_view(class_name: str, identifier: str, props: tuple[tuple[str, str, Coerce], ...]) -> Any:
    def __init__(
        self: View,
        *,
        origin: Any = "/",
        contents: Any = "$origin/**",
        name: Any = None,
        visible: Any = None,
        titlebar: Any = None,
        defaults: Any = None,
        overrides: Any = None,
        **kwargs: Any,
    ) -> None:
        known = {arg for arg, _, _ in props}
        unknown = sorted(set(kwargs) - known)
        if unknown:
            raise TypeError(f"{class_name}() got unexpected keyword argument(s): {', '.join(unknown)}")
        properties = {}
        for arg, prop_name, coerce in props:
            if kwargs.get(arg) is not None:
                properties[prop_name] = coerce(kwargs[arg])
        View.__init__(
            self,
            class_identifier=identifier,
            origin=origin,
            contents=contents,
            name=name,
            visible=visible,
            titlebar=titlebar,
            properties=properties,
            defaults=defaults,
            overrides=overrides,
        )

    # `help()` and IDEs see the view's properties as keywords (0.41's signature), not **kwargs.
    base = list(inspect.signature(__init__).parameters.values())[:-1]
    extra = [inspect.Parameter(arg, inspect.Parameter.KEYWORD_ONLY, default=None) for arg, _, _ in props]
    __init__.__signature__ = inspect.Signature([*base, *extra], return_annotation=None)  # type: ignore[attr-defined]
    doc = f"A `{identifier}` view; properties: {', '.join(a for a, _, _ in props) or 'none'}."
    return type(class_name, (View,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})


if TYPE_CHECKING:  # the view classes with their keyword signatures (built from VIEW_TABLE below)
    from ._declared import *  # noqa: F403
else:
    for _name, (_identifier, _props) in VIEW_TABLE.items():
        globals()[_name] = _make_view(_name, _identifier, _props)

__all__ = list(VIEW_TABLE)
