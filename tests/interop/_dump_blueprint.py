"""Logs a blueprint into a fake stream and prints its rows (random ids replaced by counts)."""

import json

from _dump_batches import union_codes  # the sibling script (this one runs from its folder)

import rerun as rr
import rerun.blueprint as rrb


class Rec:
    def __init__(self):
        self.rows = []

    def log(self, path, ent, static=False):
        batches = ent.as_component_batches() if hasattr(ent, "as_component_batches") else list(ent)
        self.rows.append(
            (
                path.split("/")[0],
                static,
                [
                    (
                        b.component_descriptor().component,
                        b.component_descriptor().archetype,
                        b.component_descriptor().component_type,
                        str(b.as_arrow_array().type),
                        [b.as_arrow_array().to_pylist(), union_codes(b.as_arrow_array())],
                    )
                    for b in batches
                ],
            )
        )


bp = rrb.Blueprint(
    rrb.Horizontal(
        rrb.Spatial2DView(
            origin="/",
            name="2d",
            background=[100, 100, 100],
            visual_bounds=rrb.VisualBounds2D(x_range=[0, 10], y_range=[0, 5]),
        ),
        rrb.Vertical(
            rrb.TimeSeriesView(origin="/plot", plot_legend=rrb.Corner2D.LeftTop),
            rrb.Spatial3DView(line_grid=False, background=rrb.BackgroundKind.GradientBright),
            row_shares=[1, 2],
        ),
        rrb.Tabs(
            rrb.TensorView(view_fit="fill"),
            rrb.MapView(zoom=12, background=rrb.MapProvider.OpenStreetMap),
            rrb.TextLogView(name="logs"),
            active_tab="logs",
        ),
        rrb.Grid(
            rrb.BarChartView(),
            rrb.TextDocumentView(contents=["+ /a/**", "- /a/b"]),
            rrb.GraphView(),
            grid_columns=2,
        ),
        column_shares=[3, 2, 1, 1],
    ),
    rrb.BlueprintPanel(state="expanded"),
    rrb.TimePanel(state="collapsed", play_state="paused", fps=30),
    collapse_panels=True,
)
r = Rec()
bp._log_to_stream(r)
B = rrb.TimeRangeBoundary
views = [
    rrb.Spatial3DView(
        time_ranges=rrb.VisibleTimeRange(
            "time", start=B.cursor_relative(seconds=-5.0), end=B.cursor_relative()
        )
    ),
    rrb.TimeSeriesView(
        time_ranges=[rrb.VisibleTimeRange("frame", start=B.absolute(seq=3), end=B.infinite())],
        axis_x=rrb.TimeAxis(
            view_range=rrb.TimeRange(start=B.infinite(), end=B.cursor_relative(nanos=7)), link="LinkToGlobal"
        ),
        axis_y=rrb.ScalarAxis(range=(-1.0, 1.0), zoom_lock=True),
    ),
    rrb.Spatial2DView(
        time_ranges=rrb.VisibleTimeRanges(timeline="t", start=B.absolute(seconds=1.5), end=B.infinite())
    ),
]
views += [
    rrb.Spatial3DView(
        eye_controls=rrb.EyeControls3D(
            position=(0.0, 0.0, 2.0), look_target=(0.0, 2.0, 0.0), kind=rrb.Eye3DKind.FirstPerson, speed=20.0
        ),
        line_grid=rrb.LineGrid3D(
            visible=True,
            spacing=0.1,
            plane=rr.components.Plane3D.XY.with_distance(-5.0),
            color=[255, 255, 255, 128],
        ),
        spatial_information=rrb.SpatialInformation(target_frame="tf#/", show_axes=True),
    ),
    rrb.TensorView(
        slice_selection=rrb.TensorSliceSelection(
            width=1,
            height=rr.TensorDimensionSelection(dimension=2, invert=True),
            indices=[rr.TensorDimensionIndexSelection(dimension=2, index=4)],
            slider=[2],
        ),
        scalar_mapping=rrb.TensorScalarMapping(colormap="turbo", gamma=1.5, mag_filter="linear"),
    ),
    rrb.TextLogView(
        columns=rrb.TextLogColumns(
            timeline_columns=["time"], text_log_columns=["loglevel", "entitypath", "body"]
        ),
        rows=rrb.TextLogRows(filter_by_log_level=["INFO", "WARN"]),
        format_options=rrb.TextLogFormat(monospace_body=False),
    ),
    rrb.DataframeView(
        query=rrb.archetypes.DataframeQuery(
            timeline="t",
            filter_by_range=(rr.TimeInt(seconds=0), rr.TimeInt(seconds=20)),
            filter_is_not_null="/trig/tan:Scalar",
            select=["t", "/trig/sin:Scalar"],
            entity_order=["/trig/cos", "/trig/sin"],
            auto_scroll=True,
        )
    ),
    rrb.Spatial2DView(
        overrides={"boxes/1": rr.Boxes2D(colors=[0, 255, 0]), "pts": rrb.EntityBehavior(visible=False)},
        defaults=[rr.Boxes2D.from_fields(colors=[0, 0, 255])],
    ),
    rrb.TimeSeriesView(overrides={"trig/sin": [rr.SeriesLines(), rr.SeriesPoints()]}),
]
for view in views:
    rr_ = Rec()
    view._log_to_stream(rr_)
    r.rows.extend(rr_.rows)
r2 = Rec()
rrb.Blueprint(auto_views=False)._log_to_stream(r2)
r3 = Rec()
rrb.Blueprint(rrb.Spatial3DView(), rrb.Spatial2DView())._log_to_stream(r3)
out = []
for rows in (r.rows, r2.rows, r3.rows):
    for kind, static, batches in rows:
        # ids are random: replace UUID-valued columns by lengths
        clean = []
        for c, a, t, ty, v in batches:
            if any(
                k in (t or "")
                for k in ("RootContainer", "IncludedContent", "ActiveTab", "VisualizerInstructionId")
            ):
                v = len(v)
            clean.append((c, a, t, ty, v))
        out.append((kind, static, clean))
print(json.dumps(out))
