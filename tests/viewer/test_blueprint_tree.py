"""Blueprint stores (as rr.send_blueprint logs them) read into the viewer's layout tree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

import rerun as rr
import rerun.blueprint as rrb
from rerun.sinks import blueprint_messages
from rerun_core.store import StoreHub
from rerun_core.store.messages import StoreKind
from rerun_core.store.rrd import read_messages
from rerun_core.viewer.blueprint_tree import (
    PLACEHOLDER,
    BlueprintView,
    EntityFilter,
    ViewerBlueprint,
    read_blueprint,
    resolve_entities,
)
from rerun_core.viewer.layout import ContainerSpec, layout_tree, views_of
from tests.viewer import builders as b
from tests.viewer.conftest import color_mask, content_mask


def load(bp: Any, app_id: str = "bp_test") -> ViewerBlueprint:
    """Our SDK's encoding of ``bp``, through a StoreHub, read back."""
    hub = StoreHub()
    msgs = blueprint_messages(bp, app_id)
    for m in msgs:
        hub.insert(m)
    return read_blueprint(hub.get(msgs[0].store_id))


def by_name(root: ContainerSpec) -> dict[str, BlueprintView]:
    return {v.name: v for v in views_of(root) if isinstance(v, BlueprintView)}


# --- the query filter ---------------------------------------------------------------------------


def test_filter_most_specific_rule_wins_as_rerun_documents() -> None:
    f = EntityFilter.parse(["+ /world/**", "- /world", "- /world/car/**", "+ /world/car/driver"])
    assert f.matches("/world/car/driver")
    assert not f.matches("/world/car/hood")
    assert not f.matches("/world")
    assert f.matches("/world/house")
    assert not f.matches("/elsewhere")  # no rule matches: excluded


def test_filter_origin_substitution_prefixes_and_multiline_text() -> None:
    f = EntityFilter.parse("$origin/**\n- $origin/hidden  # not this one\n\n", origin="/world")
    assert f.matches("/world") and f.matches("/world/a/b")
    assert not f.matches("/world/hidden")
    assert f.matches("/world/hidden/child")  # "- path" without /** drops that path only
    assert not f.matches("/other")
    root = EntityFilter.parse("$origin/**", origin="/")
    assert root.matches("/") and root.matches("/anything/deep")
    exact = EntityFilter.parse("/points")  # no prefix = include; no /** = that path only
    assert exact.matches("/points") and not exact.matches("/points/child")


def test_filter_same_rule_twice_last_one_wins() -> None:
    assert not EntityFilter.parse(["+ /a/**", "- /a/**"]).matches("/a/b")
    assert EntityFilter.parse(["- /a/**", "+ /a/**"]).matches("/a/b")


# --- round trips through our SDK ---------------------------------------------------------------


def test_horizontal_column_shares_give_two_to_one_widths() -> None:
    bp = load(
        rrb.Horizontal(
            rrb.Spatial3DView(origin="/world", name="left"),
            rrb.TimeSeriesView(origin="/plot", name="right"),
            column_shares=[2, 1],
        )
    )
    assert bp.root is not None and bp.root.kind == "horizontal"
    views = by_name(bp.root)
    assert views["left"].kind == "spatial3d" and views["left"].origin == "/world"
    assert views["right"].kind == "timeseries" and views["right"].class_identifier == "TimeSeries"
    shown = layout_tree(bp.root, 302, 100, gap=2)
    assert [v.name for v in shown] == ["left", "right"]
    wl, wr = views["left"].rect[2], views["right"].rect[2]
    assert abs(wl / wr - 2.0) < 0.05, (wl, wr)
    assert views["left"].rect[3] == views["right"].rect[3] == 100


def test_vertical_row_shares_and_grid_columns() -> None:
    bp = load(
        rrb.Vertical(
            rrb.Grid(*(rrb.TextLogView(name=f"g{i}") for i in range(4)), grid_columns=4),
            rrb.BarChartView(name="bars"),
            row_shares=[1, 3],
        )
    )
    assert bp.root is not None and bp.root.shares == [1.0, 3.0]
    grid = bp.root.children[0]
    assert isinstance(grid, ContainerSpec) and grid.kind == "grid" and grid.grid_columns == 4
    layout_tree(bp.root, 400, 400, gap=0)
    views = by_name(bp.root)
    assert views["bars"].rect[3] == 300 and views["g0"].rect[3] == 100
    assert len({views[f"g{i}"].rect[1] for i in range(4)}) == 1  # one row of four


def test_tabs_show_only_the_active_tab() -> None:
    bp = load(rrb.Tabs(rrb.Spatial2DView(name="a"), rrb.TextDocumentView(name="b"), active_tab="b"))
    assert bp.root is not None and bp.root.kind == "tabs" and bp.root.active_tab == 1
    shown = layout_tree(bp.root, 200, 100)
    assert [v.name for v in shown] == ["b"] and shown[0].rect == (0, 0, 200, 100)
    assert load(rrb.Tabs(rrb.Spatial2DView(name="a"), rrb.Spatial2DView(name="b"))).root.active_tab == 0  # type: ignore[union-attr]


def test_contents_filter_excludes_an_entity_and_follows_new_data() -> None:
    bp = load(rrb.Spatial3DView(origin="/world", contents=["+ $origin/**", "- /world/hidden"], name="w"))
    assert bp.root is not None
    view = by_name(bp.root)["w"]
    index: dict[str, dict[str, set[str]]] = {
        "/world/pts": {"Points3D": {"Points3D:positions"}},
        "/world/hidden": {"Points3D": {"Points3D:positions"}},
        "/other": {"Points3D": {"Points3D:positions"}},
        "/__properties": {"RecordingInfo": set()},
    }
    assert resolve_entities(bp.root, index)
    assert view.entities == ["/world/pts"]
    assert not resolve_entities(bp.root, index)  # nothing new: unchanged
    index["/world/later"] = {"Boxes3D": {"Boxes3D:half_sizes"}}
    assert resolve_entities(bp.root, index) and view.entities == ["/world/later", "/world/pts"]


def test_plot_views_take_only_entities_they_can_draw() -> None:
    bp = load(rrb.Horizontal(rrb.TimeSeriesView(name="ts"), rrb.TextLogView(name="log")))
    assert bp.root is not None
    index = {
        "/s": {"Scalars": {"Scalars:scalars"}},
        "/l": {"TextLog": {"TextLog:text"}},
        "/p": {"Points3D": set()},
    }
    resolve_entities(bp.root, index)
    views = by_name(bp.root)
    assert views["ts"].entities == ["/s"] and views["log"].entities == ["/l"]


def test_panel_states_and_time_panel_settings() -> None:
    bp = load(
        rrb.Blueprint(
            rrb.Spatial3DView(),
            rrb.BlueprintPanel(state="hidden"),
            rrb.SelectionPanel(expanded=False),
            rrb.TimePanel(state="expanded", timeline="frame", play_state="paused", loop_mode="all"),
        )
    )
    assert bp.panel_states == {"blueprint": "hidden", "selection": "collapsed", "time": "expanded"}
    assert bp.time_panel == {"timeline": "frame", "play_state": "paused", "loop_mode": "all"}
    collapsed = load(rrb.Blueprint(rrb.Spatial3DView(), collapse_panels=True))
    assert collapsed.panel_states == {"blueprint": "collapsed", "selection": "collapsed", "time": "collapsed"}


def test_panels_only_blueprint_keeps_the_heuristic_layout() -> None:
    bp = load(rrb.Blueprint(rrb.TimePanel(expanded=False)))
    assert bp.root is None and bp.auto_views is True and bp.panel_states == {"time": "collapsed"}


def test_unknown_view_class_becomes_a_placeholder_with_a_message() -> None:
    future = rrb.View(class_identifier="FutureView", origin="/", contents="$origin/**", name="map")
    bp = load(rrb.Horizontal(future, rrb.Spatial3DView(name="3d")))
    assert bp.root is not None
    view = by_name(bp.root)["map"]
    assert view.kind == PLACEHOLDER and "FutureView" in (view.message or "")
    assert view.as_dict()["message"] == view.message
    assert [v.name for v in layout_tree(bp.root, 100, 50)] == ["map", "3d"]


def test_hidden_views_and_containers() -> None:
    bp = load(rrb.Horizontal(rrb.Spatial3DView(name="a", visible=False), rrb.Vertical(rrb.Spatial2DView(name="b"), visible=False), rrb.BarChartView(name="c")))  # fmt: skip
    assert bp.root is not None
    hidden = bp.hidden_views()
    assert hidden == {by_name(bp.root)["a"].id}
    assert [v.name for v in layout_tree(bp.root, 100, 50, hidden=hidden)] == ["c"]


def test_maximized_view_and_default_names() -> None:
    view = rrb.Spatial3DView(origin="/world/robot")
    bp = load(rrb.Horizontal(view, rrb.TextLogView()))
    assert bp.root is not None
    names = sorted(v.name for v in views_of(bp.root))
    assert names == ["/", "world/robot"]  # Rerun names an unnamed view by its origin's last parts
    assert bp.maximized is None
    assert str(view.id) in {v.id for v in views_of(bp.root)}


# --- interop: the real SDK's encoding reads the same ----------------------------------------------

_INTEROP_BP = r"""
rrb.Blueprint(
    rrb.Horizontal(
        rrb.Spatial3DView(
            origin="/world",
            name="World",
            contents=["+ $origin/**", "- /world/hidden"],
            overrides={"world/off": rrb.EntityBehavior(visible=False), "world/pts": rr.Points3D.from_fields(radii=0.5)},
            background=[255, 0, 0],
            line_grid=rrb.LineGrid3D(visible=False),
        ),
        rrb.Tabs(
            rrb.TimeSeriesView(
                origin="/plot", name="plot", axis_y=rrb.ScalarAxis(range=(-2, 5)), plot_legend=rrb.PlotLegend(visible=False)
            ),
            rrb.TextLogView(name="logs"),
            active_tab=1,
        ),
        rrb.Vertical(rrb.MapView(name="map"), rrb.TensorView(name="t", visible=False), row_shares=[3, 1]),
        rrb.Grid(
            rrb.Spatial2DView(
                origin="/cam/image",
                contents="$origin/**\n- $origin/depth",
                visual_bounds=rrb.VisualBounds2D(x_range=[0, 64], y_range=[0, 48]),
                background=rrb.BackgroundKind.GradientBright,
            ),
            rrb.BarChartView(origin="/bars"),
            rrb.TextDocumentView(origin="/readme"),
            rrb.DataframeView(origin="/"),
            grid_columns=2,
            name="grid",
        ),
        rrb.Vertical(rrb.Spatial3DView(name="hidden 3d"), visible=False, name="off"),
        column_shares=[2, 1, 1, 1, 1],
    ),
    rrb.BlueprintPanel(state="hidden"),
    rrb.SelectionPanel(expanded=False),
    rrb.TimePanel(
        state="collapsed",
        timeline="frame",
        play_state="paused",
        time_selection=rrb.components.AbsoluteTimeRange(min=10, max=20),
    ),
)
"""


def _shape(node: Any) -> Any:
    """The tree without its (random) ids."""
    if isinstance(node, ContainerSpec):
        return (node.kind, node.name, node.visible, node.shares, node.grid_columns, node.active_tab,
                [_shape(c) for c in node.children])  # fmt: skip
    assert isinstance(node, BlueprintView)
    return (
        node.kind,
        node.class_identifier,
        node.name,
        node.origin,
        str(node.query),
        node.visible,
        (
            node.hidden_entities,
            node.properties.get("y_range"),
            node.properties.get("bounds_2d"),
            node.properties.get("background"),
            node.properties.get("grid_visible"),
            node.properties.get("legend_visible"),
        ),
    )


@pytest.mark.interop
def test_real_sdk_blueprint_reads_like_ours(oracle: Any, tmp_path: Path) -> None:
    path = tmp_path / "bp.rrd"
    script = "\n".join(
        [
            "import sys",
            "import rerun as rr, rerun.blueprint as rrb",
            'rr.init("bp_interop", recording_id="r1")',
            f"rr.save(sys.argv[1], default_blueprint={_INTEROP_BP.strip()})",
            'rr.log("world/pts", rr.Points3D([[0, 0, 0]]))',
        ]
    )
    oracle.run_script(
        script,
        str(path),
    )
    hub = StoreHub()
    for msg in read_messages(str(path)):
        hub.insert(msg)
    (bp_id,) = hub.blueprints()
    assert hub.default_blueprint_id == bp_id and bp_id.kind == StoreKind.BLUEPRINT
    theirs = read_blueprint(hub.get(bp_id))
    ours = load(eval(_INTEROP_BP.strip(), {"rrb": rrb, "rr": rr}), "bp_interop")
    assert theirs.root is not None
    assert _shape(theirs.root) == _shape(ours.root)
    assert theirs.panel_states == ours.panel_states == {"blueprint": "hidden", "selection": "collapsed", "time": "collapsed"}  # fmt: skip
    assert theirs.time_panel == ours.time_panel
    assert ours.time_panel == {"timeline": "frame", "play_state": "paused", "time_selection": (10, 20)}
    kids = theirs.root.children
    assert [getattr(k, "name", "") for k in kids] == ["World", "", "", "grid", "off"]
    grid, off = kids[3], kids[4]
    assert isinstance(grid, ContainerSpec) and grid.kind == "grid" and grid.grid_columns == 2
    assert [v.kind for v in views_of(grid)] == ["spatial2d", "bar_chart", "text_document", "dataframe"]
    assert isinstance(off, ContainerSpec) and not off.visible
    image = views_of(grid)[0]
    assert isinstance(image, BlueprintView) and image.name == "cam/image"
    assert image.query.matches("/cam/image/rgb") and not image.query.matches("/cam/image/depth")
    world = by_name(theirs.root)["World"]
    assert world.hidden_entities == {"/world/off"}
    assert (
        world.properties.get("background") == (1.0, 0.0, 0.0, 1.0)
        and world.properties.get("grid_visible") is False
    )
    assert by_name(theirs.root)["plot"].properties.get("legend_visible") is False
    assert by_name(theirs.root)["plot"].properties.get("y_range") == (-2.0, 5.0) and image.properties.get(
        "bounds_2d"
    ) == (
        (0.0, 64.0),
        (0.0, 48.0),
    )
    resolve_entities(theirs.root, {"/world/pts": {"Points3D": set()}, "/world/hidden": {"Points3D": set()}})
    assert world.entities == ["/world/pts"]


# --- a real ViewerApp follows the tree ----------------------------------------------------------


def _points(store: Any, path: str, rgb: tuple[int, int, int], x: float) -> None:
    fields = {
        "positions": b.vecs([(x, 0, 0), (x, 1, 1), (x, -1, 0.5)], 3),
        "colors": b.colors([rgb]),
        "radii": pa.array([-8.0], pa.float32()),
    }
    b.log(store, path, "Points3D", fields, time=1)


def test_viewer_app_lays_out_the_blueprint_and_follows_its_queries(store: Any, render: Any) -> None:
    _points(store, "world/red", (255, 0, 0), -1.0)
    _points(store, "world/green", (0, 255, 0), 1.0)
    b.log(store, "plot", "Scalars", {"scalars": pa.array([1.0], pa.float64())}, time=1)
    app, _ = render(300, 120)
    bp = load(
        rrb.Horizontal(
            rrb.Spatial3DView(origin="/world", contents=["+ $origin/**", "- /world/green"], name="3d"),
            rrb.TimeSeriesView(origin="/plot", name="plot"),
            column_shares=[2, 1],
        )
    )
    app.set_blueprint(bp.root)
    frame = app.render()
    views = {v["name"]: v for v in app.layout()}
    assert list(views) == ["3d", "plot"]
    assert views["3d"]["entities"] == ["/world/red"] and views["plot"]["entities"] == ["/plot"]
    (x3, _, w3, _), (xp, _, wp, _) = views["3d"]["rect"], views["plot"]["rect"]
    assert abs(w3 / wp - 2.0) < 0.1 and xp > x3
    left = frame[:, : x3 + w3]
    assert color_mask(left, (255, 0, 0), 60).sum() > 10
    assert color_mask(left, (0, 255, 0), 60).sum() == 0  # excluded by the contents query
    _points(store, "world/blue", (0, 0, 255), 0.0)  # new data matching the query joins the view
    app.render()
    assert {v["name"]: v for v in app.layout()}["3d"]["entities"] == ["/world/blue", "/world/red"]
    old_id = views["3d"]["id"]
    app.set_blueprint(None)  # back to the heuristic layout
    assert "3d" not in [v["name"] for v in app.layout()]
    with pytest.raises(KeyError):  # the blueprint's views were freed
        app.view(old_id)


def test_viewer_app_tabs_and_placeholder_views(store: Any, render: Any) -> None:
    _points(store, "world/red", (255, 0, 0), 0.0)
    app, _ = render(200, 120)
    future = rrb.View(class_identifier="FutureView", origin="/", contents="$origin/**", name="map")
    bp = load(rrb.Tabs(rrb.Spatial3DView(name="3d"), future, active_tab="map"))
    app.set_blueprint(bp.root)
    frame = app.render()
    (shown,) = app.layout()
    assert shown["name"] == "map" and shown["kind"] == PLACEHOLDER
    assert content_mask(frame).sum() > 20  # the message is drawn, nothing else
    assert color_mask(frame, (255, 0, 0), 60).sum() == 0
    assert np.isfinite(frame).all()


def test_hub_blueprint_picks_the_applications_active_then_default_then_newest() -> None:
    from rerun_core.store.messages import BlueprintActivationCommand
    from rerun_core.viewer.blueprint_tree import hub_blueprint

    hub = StoreHub()

    def send(bp: Any, app_id: str, **cmd: bool) -> Any:
        msgs = blueprint_messages(bp, app_id)
        for m in msgs:
            hub.insert(m)
        if cmd:
            hub.insert(BlueprintActivationCommand(msgs[0].store_id, **cmd))
        return hub.get(msgs[0].store_id)

    assert hub_blueprint(hub, "app") is None
    first = send(rrb.Spatial3DView(), "app")
    assert hub_blueprint(hub, "app") is first  # no command: the newest
    default = send(rrb.Spatial3DView(), "app", make_active=False, make_default=True)
    other = send(rrb.Spatial3DView(), "other", make_active=True, make_default=True)
    assert hub_blueprint(hub, "app") is default and hub_blueprint(hub, "other") is other
    active = send(rrb.Spatial3DView(), "app", make_active=True, make_default=False)
    assert hub_blueprint(hub, "app") is active


def test_auto_views_add_the_views_the_blueprint_lacks() -> None:
    index = {
        "/world": {"ViewCoordinates": {"ViewCoordinates:xyz"}},
        "/world/pts": {"Points3D": {"Points3D:positions"}},
        "/plot": {"Scalars": {"Scalars:scalars"}},
    }
    bp = load(rrb.Blueprint(rrb.Horizontal(rrb.Spatial3DView(origin="/world", name="mine"), column_shares=[1]), auto_views=True))  # fmt: skip
    assert bp.root is not None and bp.auto_views is True
    assert resolve_entities(bp.root, index)
    assert [(v.kind, v.origin) for v in views_of(bp.root)] == [
        ("spatial3d", "/world"),
        ("timeseries", "/plot"),
    ]
    assert bp.root.shares is None
    index["/plot2"] = {"Scalars": {"Scalars:scalars"}}
    assert resolve_entities(bp.root, index) and len(views_of(bp.root)) == 3
    plain = load(rrb.Blueprint(rrb.Spatial3DView(origin="/world")))
    assert plain.root is not None and plain.auto_views is None
    resolve_entities(plain.root, index)
    assert len(views_of(plain.root)) == 1


def test_a_view_listed_twice_or_a_cycle_is_read_once() -> None:
    import uuid

    from rerun.blueprint.archetypes import ContainerBlueprint, ViewBlueprint, ViewportBlueprint

    a, c, v = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

    class Raw:  # the SDK cannot make this; another writer could
        def _log_to_stream(self, stream: Any) -> None:
            stream.log(
                f"container/{a}", ContainerBlueprint("horizontal", contents=[f"container/{c}", f"view/{v}"])
            )
            stream.log(
                f"container/{c}", ContainerBlueprint("vertical", contents=[f"view/{v}", f"container/{a}"])
            )
            stream.log(f"view/{v}", ViewBlueprint("3D", display_name="twice"))
            stream.log("viewport", ViewportBlueprint(root_container=a.bytes))

    bp = load(Raw())
    assert bp.root is not None and bp.root.kind == "horizontal"
    assert [v.name for v in views_of(bp.root)] == ["twice"]


@pytest.mark.interop
def test_rbl_files_of_both_sdks_read_the_same(oracle: Any, tmp_path: Path) -> None:
    """``Blueprint.save`` (.rbl): the blueprint store plus a command making it active and default."""
    from rerun_core.viewer.blueprint_tree import hub_blueprint

    code = 'rrb.Blueprint(rrb.Vertical(rrb.Spatial3DView(origin="/a", name="a"), rrb.TextLogView(name="b"), row_shares=[1, 2]), rrb.TimePanel(expanded=False))'  # fmt: skip
    theirs_path, ours_path = tmp_path / "theirs.rbl", tmp_path / "ours.rbl"
    oracle.run_script(
        f"import sys, rerun.blueprint as rrb\n{code}.save('rbl_app', sys.argv[1])", str(theirs_path)
    )
    eval(code, {"rrb": rrb}).save("rbl_app", ours_path)
    shapes = []
    for path in (theirs_path, ours_path):
        hub = StoreHub()
        for msg in read_messages(str(path)):
            hub.insert(msg)
        store = hub_blueprint(hub, "rbl_app")
        assert store is not None and hub.active_blueprint_id == hub.default_blueprint_id
        bp = read_blueprint(store)
        shapes.append((_shape(bp.root), bp.panel_states))
    assert shapes[0] == shapes[1]
    assert shapes[0][1] == {"time": "collapsed"}


def test_scalar_axis_range_fixes_the_plots_y_extent(store: Any, render: Any) -> None:
    from rerun_notebook.blueprint_sync import _apply_layout

    for t in range(10):
        b.log(store, "plot", "Scalars", {"scalars": pa.array([float(t)], pa.float64())}, time=t)
    app, _ = render(200, 120)
    view = rrb.TimeSeriesView(origin="/plot", name="p", axis_y=rrb.ScalarAxis(range=(-2.0, 3.0)))
    bp = load(view)
    assert bp.root is not None and by_name(bp.root)["p"].properties.get("y_range") == (-2.0, 3.0)
    _apply_layout(app, bp)
    app.render()
    cam = app.view(str(view.id)).camera
    assert cam.y_range == (-2.0, 3.0) and cam.x_range[1] > cam.x_range[0]
    assert app.view(str(view.id)).show_legend  # no PlotLegend: shown
    view.properties = {}  # the same view sent again without an axis: it fits the data again
    _apply_layout(app, load(view))
    app.render()
    assert app.view(str(view.id)).camera is cam and cam.y_fixed is None and cam.y_range[1] >= 9.0


def test_visual_bounds_2d_is_what_the_2d_view_shows(store: Any, render: Any) -> None:
    from rerun_notebook.blueprint_sync import _apply_layout

    b.log(store, "img/pts", "Points2D", {"positions": b.vecs([(0, 0), (100, 50)], 2)}, time=1)
    app, _ = render(200, 100)
    view = rrb.Spatial2DView(origin="/img", name="2d", visual_bounds=rrb.VisualBounds2D(x_range=[10, 30], y_range=[0, 10]))  # fmt: skip
    bp = load(view)
    assert bp.root is not None and by_name(bp.root)["2d"].properties.get("bounds_2d") == (
        (10.0, 30.0),
        (0.0, 10.0),
    )
    _apply_layout(app, bp)
    app.render()
    cam = app.view(str(view.id)).camera
    assert np.allclose(cam.center, [20, 5]) and cam.height == pytest.approx(20 / (200 / 100), rel=0.2)


def test_background_and_line_grid_of_spatial_views(store: Any, render: Any) -> None:
    from rerun_notebook.blueprint_sync import _apply_layout

    _points(store, "world/red", (255, 0, 0), 0.0)
    app, _ = render(200, 100)
    bp = load(
        rrb.Horizontal(
            rrb.Spatial3DView(
                origin="/world", name="a", background=[0, 0, 255], line_grid=rrb.LineGrid3D(visible=False)
            ),
            rrb.Spatial3DView(origin="/world", name="b", background=rrb.BackgroundKind.GradientBright),
            rrb.Spatial3DView(origin="/world", name="c"),
        )
    )
    assert bp.root is not None
    views = by_name(bp.root)
    assert (
        views["a"].properties.get("background") == (0.0, 0.0, 1.0, 1.0)
        and views["a"].properties.get("grid_visible") is False
    )
    assert (
        views["b"].properties.get("background") is not None
        and views["b"].properties.get("background")[0] > 0.5
    )
    assert (
        views["c"].properties.get("background") is None and views["c"].properties.get("grid_visible") is None
    )
    _apply_layout(app, bp)
    frame = app.render()
    rects = {v["name"]: v["rect"] for v in app.layout()}

    def corner(name: str) -> np.ndarray:
        x, y = rects[name][:2]
        return frame[y + 2, x + 2, :3].astype(int)

    assert corner("a")[2] > 200 and corner("a")[0] < 40  # solid blue
    assert corner("b").min() > 150  # bright
    assert corner("c").max() < 60  # the default dark
    assert app.view(views["a"].id).grid.visible is False and app.view(views["c"].id).grid.visible is True


def test_plot_legend_visibility(store: Any, render: Any) -> None:
    from rerun_notebook.blueprint_sync import _apply_layout

    b.log(store, "plot", "Scalars", {"scalars": pa.array([1.0], pa.float64())}, time=1)
    app, _ = render(200, 120)
    hidden = rrb.TimeSeriesView(origin="/plot", name="p", plot_legend=rrb.PlotLegend(visible=False))
    _apply_layout(app, load(hidden))
    app.render()
    plot = app.view(str(hidden.id))
    assert plot.legend and not plot.show_legend
    assert not [t for t in plot.overlay((0, 0, 200, 120)) if t.anchor == "legend"]
    shown = rrb.TimeSeriesView(origin="/plot", name="q")
    _apply_layout(app, load(shown))
    app.render()
    assert [t for t in app.view(str(shown.id)).overlay((0, 0, 200, 120)) if t.anchor == "legend"]
