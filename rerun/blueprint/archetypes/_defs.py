"""Blueprint archetypes (`rerun.blueprint.archetypes.*`): field tables over the shared base (definitions)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ..._arch_base import Archetype as _DataArchetype
from ..._arch_base import F, Field, _with_field_signature
from .. import components as bpc


def B(name: str, component: str, **kwargs: Any) -> Field:
    """A field whose component type lives in `rerun.blueprint.components`."""
    return F(name, bpc.PREFIX + component, **kwargs)


class BlueprintArchetype(_DataArchetype):
    _ARCHETYPE_PREFIX: ClassVar[str] = "rerun.blueprint.archetypes."


class ViewportBlueprint(BlueprintArchetype):
    _FIELDS = (
        B("root_container", "RootContainer"),
        B("maximized", "ViewMaximized"),
        B("auto_layout", "AutoLayout"),
        B("auto_views", "AutoViews"),
        B("past_viewer_recommendations", "ViewerRecommendationHash"),
    )


class ContainerBlueprint(BlueprintArchetype):
    _FIELDS = (
        B("container_kind", "ContainerKind", pos=True, req=True),
        F("display_name", "Name"),
        B("contents", "IncludedContent"),
        B("col_shares", "ColumnShare"),
        B("row_shares", "RowShare"),
        B("active_tab", "ActiveTab"),
        F("visible", "Visible"),
        B("grid_columns", "GridColumns"),
    )


class ViewBlueprint(BlueprintArchetype):
    _FIELDS = (
        B("class_identifier", "ViewClass", pos=True, req=True),
        F("display_name", "Name"),
        B("space_origin", "ViewOrigin"),
        F("visible", "Visible"),
        B("titlebar", "Enabled"),
    )


class ViewContents(BlueprintArchetype):
    _FIELDS = (B("query", "QueryExpression", pos=True, req=True),)


class PanelBlueprint(BlueprintArchetype):
    _FIELDS = (B("state", "PanelState"),)


class TimePanelBlueprint(BlueprintArchetype):
    _FIELDS = (
        B("state", "PanelState"),
        B("timeline", "TimelineName"),
        B("playback_speed", "PlaybackSpeed"),
        B("fps", "Fps"),
        B("play_state", "PlayState"),
        B("loop_mode", "LoopMode"),
        B("time_selection", "AbsoluteTimeRange"),
    )


class Background(BlueprintArchetype):
    """A view's background: a gradient kind or a solid color."""

    _FIELDS = (B("kind", "BackgroundKind"), F("color", "Color"))

    def __init__(self, color_or_kind: Any = None, *, color: Any = None, kind: Any = None) -> None:
        if color_or_kind is not None:
            if color is not None or kind is not None:
                self._fail("Only one of `color_or_kind` and `color`/`kind` can be set.")
                return
            if isinstance(color_or_kind, bpc.BackgroundKind):
                kind = color_or_kind
            else:
                color = color_or_kind
        if kind is None:
            kind = bpc.BackgroundKind.SolidColor if color is not None else bpc.BackgroundKind.GradientDark
        self._set(dict(kind=kind, color=color))


class VisualBounds2D(BlueprintArchetype):
    """The visible region of a 2D view."""

    _FIELDS = (B("range", "VisualBounds2D"),)

    def __init__(self, *, x_range: Any = None, y_range: Any = None) -> None:
        if (x_range is None) != (y_range is None):
            self._fail("Both x_range and y_range must be specified.")
            return
        bounds = None if x_range is None else bpc.VisualBounds2D(x_range=x_range, y_range=y_range)
        self._set(dict(range=bounds))


class PlotLegend(BlueprintArchetype):
    _FIELDS = (B("corner", "Corner2D", pos=True), F("visible", "Visible"))


class PlotBackground(BlueprintArchetype):
    _FIELDS = (F("color", "Color"), B("show_grid", "Enabled"))


class PlotInteraction(BlueprintArchetype):
    _FIELDS = (B("tooltip_mode", "TooltipMode"), B("points_display", "PointsDisplay"))


class ScalarAxis(BlueprintArchetype):
    _FIELDS = (F("range", "Range1D"), B("zoom_lock", "LockRangeDuringZoom"))


class LineGrid3D(BlueprintArchetype):
    _FIELDS = (
        F("visible", "Visible", pos=True),
        B("spacing", "GridSpacing"),
        F("plane", "Plane3D"),
        F("stroke_width", "StrokeWidth"),
        F("color", "Color"),
    )


class EyeControls3D(BlueprintArchetype):
    _FIELDS = (
        B("kind", "Eye3DKind"),
        F("position", "Position3D"),
        F("look_target", "Position3D"),
        F("eye_up", "Vector3D"),
        F("speed", "LinearSpeed"),
        F("tracking_entity", "EntityPath"),
        B("spin_speed", "AngularSpeed"),
    )


class SpatialInformation(BlueprintArchetype):
    _FIELDS = (
        F("target_frame", "TransformFrameId", pos=True, req=True),
        B("show_bounding_box", "Enabled"),
        B("show_axes", "Enabled"),
        F("axes", "ViewCoordinates"),
    )


class NearClipPlane(BlueprintArchetype):
    _FIELDS = (B("near_clip_plane", "NearClipPlane", pos=True, req=True),)


class TensorScalarMapping(BlueprintArchetype):
    _FIELDS = (
        F("mag_filter", "MagnificationFilter"),
        F("colormap", "Colormap"),
        F("gamma", "GammaCorrection"),
    )


class TensorViewFit(BlueprintArchetype):
    _FIELDS = (B("scaling", "ViewFit", pos=True),)


class MapZoom(BlueprintArchetype):
    _FIELDS = (B("zoom", "ZoomLevel", pos=True, req=True),)


class MapBackground(BlueprintArchetype):
    _FIELDS = (B("provider", "MapProvider", pos=True, req=True),)


class EntityBehavior(BlueprintArchetype):
    _FIELDS = (F("interactive", "Interactive"), F("visible", "Visible"))


class TextDocumentFormat(BlueprintArchetype):
    _FIELDS = (B("monospace", "Enabled"), B("word_wrap", "Enabled"))


class TextLogFormat(BlueprintArchetype):
    _FIELDS = (B("monospace_body", "Enabled"),)


class TextLogRows(BlueprintArchetype):
    _FIELDS = (F("filter_by_log_level", "TextLogLevel"),)


class GraphBackground(BlueprintArchetype):
    _FIELDS = (F("color", "Color"),)


class ForceCenter(BlueprintArchetype):
    _FIELDS = (B("enabled", "Enabled"), B("strength", "ForceStrength"))


class ForceManyBody(BlueprintArchetype):
    _FIELDS = (B("enabled", "Enabled"), B("strength", "ForceStrength"))


class ForcePosition(BlueprintArchetype):
    _FIELDS = (B("enabled", "Enabled"), B("strength", "ForceStrength"), F("position", "Position2D"))


class ForceLink(BlueprintArchetype):
    _FIELDS = (B("enabled", "Enabled"), B("distance", "ForceDistance"), B("iterations", "ForceIterations"))


class ForceCollisionRadius(BlueprintArchetype):
    _FIELDS = (B("enabled", "Enabled"), B("strength", "ForceStrength"), B("iterations", "ForceIterations"))


class VisibleTimeRanges(BlueprintArchetype):
    """Which time ranges a view shows, per timeline."""

    _FIELDS = (B("ranges", "VisibleTimeRange", pos=True),)

    def __init__(
        self,
        ranges: Any = None,
        *,
        timeline: Any = None,
        range: Any = None,
        start: Any = None,
        end: Any = None,
    ) -> None:
        from ...encodings import VisibleTimeRange

        if timeline is not None:
            if ranges is not None:
                self._fail("Specify either `ranges` or `timeline` with `range`/`start`/`end`, not both.")
                return
            try:
                ranges = VisibleTimeRange(timeline, range, start=start, end=end)
            except ValueError as err:
                self._fail(str(err))
                return
        self._set(dict(ranges=ranges))


class TimeAxis(BlueprintArchetype):
    _FIELDS = (B("link", "LinkAxis"), B("view_range", "TimeRange"), B("zoom_lock", "LockRangeDuringZoom"))


class TensorSliceSelection(BlueprintArchetype):
    """Which tensor dimensions a tensor view shows and where the others are sliced."""

    _FIELDS = (
        F("width", "TensorWidthDimension"),
        F("height", "TensorHeightDimension"),
        F("indices", "TensorDimensionIndexSelection"),
        B("slider", "TensorDimensionIndexSlider"),
    )

    def _prepare(self, values: dict[str, Any]) -> dict[str, Any]:
        from ...encodings import TensorDimensionSelection

        for axis in ("width", "height"):
            if isinstance(values.get(axis), (int, np.integer)):
                values[axis] = TensorDimensionSelection(dimension=int(values[axis]))
        return values


class TextLogColumns(BlueprintArchetype):
    _FIELDS = (B("timeline_columns", "TimelineColumn"), B("text_log_columns", "TextLogColumn"))


class DataframeQuery(BlueprintArchetype):
    """What a dataframe view shows: timeline, range and null filters, selected columns."""

    _FIELDS = (
        B("timeline", "TimelineName"),
        B("filter_by_range", "FilterByRange"),
        B("filter_is_not_null", "FilterIsNotNull"),
        B("apply_latest_at", "ApplyLatestAt"),
        B("select", "SelectedColumns"),
        B("entity_order", "ColumnOrder"),
        B("auto_scroll", "AutoScroll"),
    )

    def __init__(
        self,
        *,
        timeline: Any = None,
        filter_by_range: Any = None,
        filter_is_not_null: Any = None,
        apply_latest_at: bool = False,
        select: Any = None,
        entity_order: Any = None,
        auto_scroll: bool = False,
    ) -> None:
        values = dict(
            timeline=timeline, filter_by_range=filter_by_range, filter_is_not_null=filter_is_not_null
        )
        values.update(apply_latest_at=apply_latest_at, select=select, entity_order=entity_order)
        self._set(dict(values, auto_scroll=auto_scroll))


class VisualizerInstruction(BlueprintArchetype):
    _FIELDS = (
        B("visualizer_type", "VisualizerType", pos=True, req=True),
        B("component_map", "VisualizerComponentMapping"),
    )


class ActiveVisualizers(BlueprintArchetype):
    _FIELDS = (B("instruction_ids", "VisualizerInstructionId", pos=True, req=True),)


class AudioPlayback(BlueprintArchetype):
    _FIELDS = (B("volume", "Volume"),)


# Catalog table blueprints (logged by `rerun.blueprint.table.TableBlueprint`, not a viewport).
class TableBlueprint(BlueprintArchetype):
    _FIELDS = (
        B("layout", "TableLayoutKind"),
        B("column_display_mode", "ColumnDisplayMode"),
        B("filters", "SqlFilterExpression"),
        B("sort_by", "SortBy"),
    )


class TableLayout(BlueprintArchetype):
    _FIELDS = (B("column_order", "ColumnName"),)


class CardLayout(BlueprintArchetype):
    _FIELDS = (
        B("field_order", "ColumnName", pos=True, req=True),
        B("title", "ColumnName"),
        B("link", "ColumnName"),
    )


# 0.41 lists `field_order` last in `from_fields`; keyword-only there, so only the listing differs.
CardLayout.from_fields = _with_field_signature(  # type: ignore[method-assign, assignment]
    _DataArchetype.from_fields.__func__,  # type: ignore[attr-defined]
    (*CardLayout._FIELDS[1:], CardLayout._FIELDS[0]),
    "from_fields",
)


class TableColumn(BlueprintArchetype):
    _FIELDS = (
        F("name", "Name"),
        B("editable", "Editable"),
        F("visible", "Visible"),
        B("column_type", "ColumnType"),
    )


class TableColumnPreview(BlueprintArchetype):
    _FIELDS = (B("views", "IncludedContent", pos=True, req=True),)


class PreviewsConfig(BlueprintArchetype):
    _FIELDS = (
        B("timeline", "TimelineName"),
        B("play_state", "PlayState"),
        B("playback_speed", "PlaybackSpeed"),
        B("start_point", "TimelineFraction"),
    )


__all__ = [
    name
    for name, value in dict(globals()).items()
    if isinstance(value, type) and issubclass(value, BlueprintArchetype) and value is not BlueprintArchetype
]
