"""The graph view: force layout (numpy), edge shapes, the spawn rule, and frames from a real
ViewerApp on lavapipe (nodes where given, free nodes apart, edges, arrowheads, labels, picking)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from rerun_core.viewer.graph_geometry import NodeShape, edge_paths
from rerun_core.viewer.graph_layout import ForceLayout, ForceParams
from rerun_core.viewer.heuristics import choose_views
from tests.viewer.builders import colors, log, vecs
from tests.viewer.conftest import color_mask, content_mask

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "graph"
PAIR = pa.struct([pa.field("first", pa.utf8(), False), pa.field("second", pa.utf8(), False)])


def _edges(pairs: list[tuple[str, str]]) -> pa.Array:
    return pa.array([{"first": a, "second": b} for a, b in pairs], PAIR)


def _ring(n: int) -> list[tuple[int, int]]:
    return [(i, (i + 1) % n) for i in range(n)]


# --- layout -----------------------------------------------------------------------------------


def test_layout_is_deterministic_and_settles() -> None:
    runs = []
    for _ in range(2):
        lay = ForceLayout(seed=3)
        lay.set_graph(list("abcdefgh"), edges=_ring(8))
        ticks = lay.run()
        assert lay.settled and 250 <= ticks <= 320  # d3's ~300 ticks from alpha 1 to alpha_min
        runs.append(lay.pos.copy())
    np.testing.assert_array_equal(runs[0], runs[1])


def test_free_nodes_are_laid_out_apart_and_linked_nodes_near_link_distance() -> None:
    lay = ForceLayout()
    tree = [((i - 1) // 2, i) for i in range(1, 15)]  # a binary tree: no cycle to tangle
    lay.set_graph(list(range(15)), edges=tree)
    lay.run()
    d = np.hypot(*(lay.pos[:, None, :] - lay.pos[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    assert d.min() > 25.0  # repulsion keeps every pair apart
    linked = np.array([d[s, t] for s, t in tree])
    assert np.all(np.abs(linked - 60.0) < 25.0)  # the link force's distance


def test_collision_force_keeps_big_nodes_from_overlapping() -> None:
    lay = ForceLayout(ForceParams(collision=True, many_body=False))
    lay.set_graph(list(range(6)), radii=np.full(6, 30.0), edges=[(0, i) for i in range(1, 6)])
    lay.run()
    d = np.hypot(*(lay.pos[:, None, :] - lay.pos[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    assert d.min() > 2 * 30.0 * 0.9


def test_pinned_nodes_stay_where_given() -> None:
    lay = ForceLayout()
    fixed = np.array([[100.0, -50.0], [np.nan, np.nan], [np.nan, np.nan]])
    lay.set_graph(["a", "b", "c"], fixed=fixed, edges=[(0, 1), (1, 2)])
    lay.run()
    np.testing.assert_array_equal(lay.position_of("a"), [100.0, -50.0])
    assert np.hypot(*(lay.position_of("b") - lay.position_of("a"))) < 120  # pulled towards its link


def test_new_nodes_do_not_reshuffle_a_settled_layout() -> None:
    tree = [((i - 1) // 2, i) for i in range(1, 10)]
    lay = ForceLayout()
    lay.set_graph(list(range(10)), edges=tree)
    lay.run()
    before = lay.pos.copy()
    assert lay.set_graph([*range(10), 10], edges=[*tree, (3, 10)])
    assert lay.alpha < 0.5  # reheated, not restarted
    lay.run()
    shift = lay.pos[:10] - before
    moved = np.hypot(*(shift - shift.mean(axis=0)).T)  # the shape, not the drift (the camera refits)
    assert np.median(moved) < 10.0  # the picture does not jump
    assert np.hypot(*(lay.pos[10] - lay.pos[3])) < 100.0  # the newcomer sits by its neighbour
    assert not lay.set_graph([*range(10), 10], edges=[*tree, (3, 10)])  # same graph: no change


def test_step_runs_a_bounded_number_of_ticks() -> None:
    lay = ForceLayout()
    lay.set_graph(list(range(300)), edges=_ring(300))
    lay.step(pair_budget=300 * 300 * 3)
    assert 1 <= lay.ticks <= 3 and not lay.settled


def test_near_pairs_finds_every_close_pair() -> None:
    from rerun_core.viewer.graph_layout import near_pairs

    pts = np.random.default_rng(1).uniform(0, 100, (400, 2))
    i, j = near_pairs(pts, 5.0)
    d = np.hypot(*(pts[:, None] - pts[None]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    close = set(zip(*np.nonzero(d < 5.0)))
    assert close and close <= set(zip(i.tolist(), j.tolist())) and not np.any(i == j)


def test_big_graphs_take_the_sampled_path_deterministically() -> None:
    from rerun_core.viewer.graph_layout import EXACT_LIMIT

    n = EXACT_LIMIT + 500
    runs = []
    for _ in range(2):
        lay = ForceLayout(ForceParams(collision=True))
        lay.set_graph(list(range(n)), radii=np.full(n, 10.0), edges=[((i - 1) // 3, i) for i in range(1, n)])
        for _ in range(3):
            lay.tick()
        runs.append(lay.pos.copy())
    np.testing.assert_array_equal(runs[0], runs[1])
    assert np.all(np.isfinite(runs[0]))


# --- edge shapes ------------------------------------------------------------------------------


def test_edges_run_between_borders_with_arrowheads_at_the_target() -> None:
    a = NodeShape(np.array([0.0, 0.0]), np.array([20.0, 10.0]), circle=False)
    b = NodeShape(np.array([100.0, 0.0]), np.array([8.0, 8.0]), circle=True)
    lines, arrows = edge_paths([a, b], [(0, 1, True)])
    np.testing.assert_allclose(lines[0], [[10.0, 0.0], [96.0, 0.0]])
    np.testing.assert_allclose(arrows[0][0], [96.0, 0.0])  # the tip touches the target's border
    assert np.all(arrows[0][1:, 0] < 96.0)
    lines, arrows = edge_paths([a, b], [(0, 1, True), (1, 0, False), (0, 0, True)])
    assert len(lines) == 3 and len(arrows) == 2
    mids = [line[len(line) // 2] for line in lines[:2]]
    assert mids[0][1] * mids[1][1] < 0  # two edges between one pair bend to opposite sides
    assert lines[2][:, 1].min() < -30  # the self loop rises above its node (y down)


def test_spawn_rule_one_view_per_graph_nodes_entity() -> None:
    index: dict[str, dict[str, set[str]]] = {
        "/g": {"GraphNodes": {"GraphNodes:node_ids"}, "GraphEdges": {"GraphEdges:edges"}},
        "/only_edges": {"GraphEdges": {"GraphEdges:edges"}},
    }
    views = [v for v in choose_views(index) if v.kind == "graph"]
    assert [(v.id, v.origin, v.entities) for v in views] == [("graph:/g", "/g", ["/g"])]


def test_blueprint_graph_class_maps_to_the_graph_kind() -> None:
    from rerun_core.viewer.blueprint_tree import VIEW_KINDS
    from rerun_core.viewer.specs import CLASS_IDENTIFIER, PIXEL_KINDS

    assert VIEW_KINDS["Graph"] == "graph" and CLASS_IDENTIFIER["graph"] == "Graph"
    assert "graph" in PIXEL_KINDS


# --- frames -----------------------------------------------------------------------------------


def _settle(app: Any) -> np.ndarray:
    frame = app.render()
    for _ in range(100):
        if not app.is_dirty():
            break
        frame = app.render()
    assert not app.is_dirty()
    return frame


def _to_pixel(view: Any, xy: Any) -> tuple[int, int]:
    x, y, w, h = view.spec.rect
    cam = view.camera
    px = x + w / 2 + (xy[0] - cam.center[0]) / (cam.height * w / h) * w
    py = y + h / 2 + (xy[1] - cam.center[1]) / cam.height * h
    return round(px), round(py)


def _near(mask: np.ndarray, p: tuple[int, int], r: int = 3) -> bool:
    return bool(mask[max(p[1] - r, 0) : p[1] + r + 1, max(p[0] - r, 0) : p[0] + r + 1].any())


def test_pinned_circles_edges_and_arrowheads_drawn(store: Any, render: Any) -> None:
    red, green = [255, 40, 40], [40, 255, 40]
    fields = {
        "node_ids": pa.array(["a", "b"]),
        "positions": vecs([[0, 0], [200, 100]], 2),
        "colors": colors([red, green]),
        "radii": pa.array([12.0, 12.0], pa.float32()),
        "show_labels": pa.array([False]),
    }
    log(store, "/graph", "GraphNodes", fields)
    log(
        store,
        "/graph",
        "GraphEdges",
        {"edges": _edges([("a", "b")]), "graph_type": pa.array([2], pa.uint8())},
    )
    app, _ = render(320, 240)
    frame = _settle(app)
    view = app.view("graph:/graph")
    assert [s["kind"] for s in app.layout()] == ["graph"]
    pa_, pb = _to_pixel(view, (0, 0)), _to_pixel(view, (200, 100))
    assert color_mask(frame, tuple(red))[pa_[1], pa_[0]]  # nodes exactly where given
    assert color_mask(frame, tuple(green))[pb[1], pb[0]]
    ink = content_mask(frame)
    mid = ((pa_[0] + pb[0]) // 2, (pa_[1] + pb[1]) // 2)
    assert _near(ink, mid)  # the edge between them
    # the arrowhead: a filled triangle just before the target, wider than the 1px line
    d = np.array(pb, float) - np.array(pa_, float)
    d /= np.linalg.norm(d)
    r_px = 12 * view.spec.rect[3] / view.camera.height
    base = np.array(pb) - d * (r_px + 5 * view.spec.rect[3] / view.camera.height)
    normal = np.array([-d[1], d[0]])
    across = [ink[round(float(y)), round(float(x))] for x, y in (base + normal * k for k in np.arange(-6, 7))]
    assert sum(across) >= 4
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    from PIL import Image

    Image.fromarray(frame).save(ARTIFACTS / "pinned_directed.png")


def test_free_labelled_nodes_laid_out_with_labels_and_picking(store: Any, render: Any) -> None:
    ids = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"]
    log(
        store, "/net", "GraphNodes", {"node_ids": pa.array(ids), "labels": pa.array([i.upper() for i in ids])}
    )
    ring = [(ids[i], ids[(i + 1) % 6]) for i in range(6)] + [("alpha", "omega")]  # omega: implicit
    log(store, "/net", "GraphEdges", {"edges": _edges(ring)})
    app, _ = render(480, 360)
    frame = _settle(app)
    view = app.view("graph:/net")
    assert [n.node_id for n in view.nodes] == [*ids, "omega"]
    assert view.nodes[-1].instance is None and view.nodes[-1].text is None  # implicit: a circle
    shapes = view.shapes()
    for i in range(6):  # label boxes do not overlap
        for j in range(i + 1, 6):
            assert not shapes[i].overlaps(shapes[j])
    bright = color_mask(frame, (204, 204, 204), tol=50)
    for i in range(6):  # text inside each box (light glyph pixels around its center)
        assert _near(bright, _to_pixel(view, view.layout.pos[i]), r=4)
    hit = app.pick(*_to_pixel(view, view.layout.pos[2]))
    assert hit is not None and hit["entity_path"] == "/net" and hit["instance"] == 2
    assert hit["values"]["node_id"] == "gamma" and hit["values"]["label"] == "GAMMA"
    implicit = app.pick(*_to_pixel(view, view.layout.pos[6]))
    assert implicit is not None and implicit["instance"] is None and implicit["values"]["implicit"]
    app.set_selection("/net", 1)
    selected = _settle(app)
    assert color_mask(selected, (255, 217, 51), tol=40).sum() > 20  # the selection outline
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    from PIL import Image

    Image.fromarray(selected).save(ARTIFACTS / "free_labels.png")


def test_layout_keeps_nodes_in_place_when_more_arrive(store: Any, render: Any) -> None:
    log(store, "/g", "GraphNodes", {"node_ids": pa.array(["a", "b", "c"])}, time=0)
    log(store, "/g", "GraphEdges", {"edges": _edges([("a", "b"), ("b", "c")])}, time=0)
    app, _ = render(200, 150)
    _settle(app)
    view = app.view("graph:/g")
    before = view.layout.pos.copy()
    log(store, "/g", "GraphNodes", {"node_ids": pa.array(["a", "b", "c", "d"])}, time=1)
    log(store, "/g", "GraphEdges", {"edges": _edges([("a", "b"), ("b", "c"), ("c", "d")])}, time=1)
    _settle(app)
    assert len(view.nodes) == 4
    assert np.hypot(*(view.layout.pos[:3] - before).T).max() < 40.0


def test_an_edge_with_a_missing_end_still_renders(store: Any, render: Any) -> None:
    log(store, "/g", "GraphNodes", {"node_ids": pa.array(["a"])})
    log(store, "/g", "GraphEdges", {"edges": pa.array([{"first": "a", "second": None}], PAIR)})
    app, frame = render(120, 90)
    assert frame.shape == (90, 120, 4) and not app.view_errors
    assert app.view("graph:/g").nodes[0].node_id == "a"


ORACLE_SCRIPT = """
import sys
import rerun as rr

rr.init("graph_oracle", recording_id="graph_oracle")
rr.save(sys.argv[1])
rr.log("net", rr.GraphNodes(["a", "b", "c"], labels=["A", "B", "C"], positions=[(0, 0), (120, 0), (60, 90)],
       colors=[(255, 0, 0), (0, 255, 0), (0, 0, 255)]))
rr.log("net", rr.GraphEdges([("a", "b"), ("b", "c"), ("c", "x")], graph_type=rr.GraphType.Directed))
"""


@pytest.mark.interop
def test_graph_logged_by_the_real_sdk_renders(oracle: Any, tmp_path: Path) -> None:
    """Column types as rerun-sdk 0.41 writes them: one graph view with pinned nodes, an implicit one."""
    from rerun_core.store.load import load_rrd
    from rerun_core.viewer import ViewerApp
    from tests.viewer.conftest import require_adapter

    require_adapter()
    path = tmp_path / "graph.rrd"
    oracle.run_script(ORACLE_SCRIPT, str(path))
    app = ViewerApp(load_rrd(path).active_recording, 320, 240)
    try:
        _settle(app)
        assert [v["id"] for v in app.layout()] == ["graph:/net"]
        view = app.view("graph:/net")
        assert [(n.node_id, n.text, n.fixed) for n in view.nodes] == [
            ("a", "A", (0.0, 0.0)),
            ("b", "B", (120.0, 0.0)),
            ("c", "C", (60.0, 90.0)),
            ("x", None, None),
        ]
        assert all(arrow for _, _, arrow in view.edges) and not app.view_errors
        np.testing.assert_array_equal(view.layout.pos[:3], [[0, 0], [120, 0], [60, 90]])
    finally:
        app.close()


def test_blueprint_graph_view_forces_and_background(store: Any, render: Any) -> None:
    """rrb.GraphView's Force* properties and GraphBackground reach the view's layout and scene."""
    import rerun.blueprint as rrb
    from tests.viewer.test_blueprint_tree import by_name, load

    bp = rrb.Blueprint(
        rrb.GraphView(
            origin="/net",
            name="net",
            force_link=rrb.archetypes.ForceLink(distance=150.0),
            force_many_body=rrb.archetypes.ForceManyBody(enabled=False),
            background=rrb.archetypes.GraphBackground(color=(30, 60, 90)),
        )
    )
    view = by_name(load(bp).root)["net"]
    assert view.kind == "graph" and view.properties.get("graph_forces") == {
        "link_distance": 150.0,
        "many_body": False,
    }
    assert (
        view.properties.get("background") is not None
        and round(view.properties.get("background")[2] * 255) == 90
    )
    from rerun_notebook.blueprint_sync import _view_properties

    log(store, "/net", "GraphNodes", {"node_ids": pa.array(["a", "b"])})
    log(store, "/net", "GraphEdges", {"edges": _edges([("a", "b")])})
    app, _ = render(160, 120)
    app.set_blueprint(load(bp).root)
    _view_properties(app, views_of_root(app))
    frame = _settle(app)
    drawn = app.view(view.id)
    assert drawn.layout.params.link_distance == 150.0 and not drawn.layout.params.many_body
    assert drawn.layout.params.collision  # our default stays unless the blueprint turns it off
    d = np.hypot(*(drawn.layout.pos[0] - drawn.layout.pos[1]))
    assert abs(d - 150.0) < 20.0
    assert color_mask(frame, (30, 60, 90), tol=6).mean() > 0.5


def views_of_root(app: Any) -> list[Any]:
    from rerun_core.viewer.layout import views_of

    app.layout()
    return views_of(app.viewport.root)


def test_several_graphs_in_one_view_are_framed_with_their_entity(store: Any, render: Any) -> None:
    """A blueprint GraphView over two graph entities: one simulation, a named frame per graph."""
    import rerun.blueprint as rrb
    from tests.viewer.test_blueprint_tree import load

    for path, names in (("/a", ["x", "y"]), ("/b", ["x", "z"])):  # the same id in two graphs: two nodes
        log(store, path, "GraphNodes", {"node_ids": pa.array(names)})
        log(store, path, "GraphEdges", {"edges": _edges([(names[0], names[1])])})
    app, _ = render(320, 240)
    app.set_blueprint(load(rrb.Blueprint(rrb.GraphView(origin="/", contents="/**", name="both"))).root)
    frame = _settle(app)
    (spec,) = [s for s in app.layout() if s["kind"] == "graph"]
    view = app.view(spec["id"])
    assert spec["entities"] == ["/a", "/b"] and len(view.nodes) == 4
    assert set(view.entity_rects()) == {"/a", "/b"} and view._entity_frames.visible
    assert color_mask(frame, (115, 120, 128), tol=20).sum() > 50  # the frames and entity names


def test_notebook_widget_hover_names_the_node_and_click_selects_it(store: Any) -> None:
    """Through the anywidget Viewer (real renderer): hover -> node id/label, click -> selection."""
    from rerun_notebook.widget import Viewer
    from tests.viewer.conftest import require_adapter

    require_adapter()
    log(
        store, "/g", "GraphNodes", {"node_ids": pa.array(["a", "b"]), "labels": pa.array(["Apple", "Banana"])}
    )
    log(store, "/g", "GraphEdges", {"edges": _edges([("a", "b")])})
    v = Viewer(width=400, height=300, start=False)
    sent: list[dict] = []
    v.send = lambda content, buffers=None: sent.append(content)  # type: ignore[method-assign]
    events: list[dict] = []
    v.on_event(events.append)
    try:
        v.add_store("rec", store, application_id="app")
        v.pump.tick(now=0.0)
        app = v.session.app
        _settle(app)
        view = app.view("graph:/g")
        x, y = _to_pixel(view, view.layout.pos[1])
        v._on_custom_msg(v, {"type": "hover", "x": x, "y": y, "seq": 1}, [])
        v.pump.tick(now=0.1)
        (hover,) = [m for m in sent if m.get("type") == "hover"]
        assert hover["info"]["entity_path"] == "/g" and hover["info"]["instance"] == 1
        assert hover["info"]["values"]["node_id"] == "b" and hover["info"]["values"]["label"] == "Banana"
        v._on_custom_msg(v, {"type": "click", "x": x, "y": y}, [])
        v.pump.tick(now=0.2)
        sel = [e for e in events if e["type"] == "selection_change"]
        assert sel and sel[-1]["items"][0]["entity_path"] == "/g" and sel[-1]["items"][0]["instance_id"] == 1
        _settle(app)
        assert view.selection == ("/g", 1) and view._select.visible
    finally:
        v.close()


def test_drag_pans_wheel_zooms_and_double_click_refits(store: Any, render: Any) -> None:
    log(store, "/g", "GraphNodes", {"node_ids": pa.array(["a", "b"])})
    log(store, "/g", "GraphEdges", {"edges": _edges([("a", "b")])})
    app, _ = render(200, 150)
    _settle(app)
    cam = app.view("graph:/g").camera
    center, height = cam.center.copy(), cam.height
    app.handle_event({"event_type": "pointer_down", "x": 100, "y": 75, "button": 1})
    app.handle_event({"event_type": "pointer_move", "x": 130, "y": 75})
    app.handle_event({"event_type": "pointer_up", "x": 130, "y": 75})
    assert cam.user_moved and cam.center[0] < center[0]  # dragged right: the scene follows the pointer
    app.handle_event({"event_type": "wheel", "x": 100, "y": 75, "dy": -200})
    assert cam.height < height
    app.handle_event({"event_type": "double_click", "x": 100, "y": 75})
    _settle(app)
    np.testing.assert_allclose(cam.center, center)
    assert cam.height == pytest.approx(height)


def test_zoomed_far_out_labels_become_blocks(store: Any, render: Any) -> None:
    """Below 0.2 pixels per scene unit text would be unreadable: blocks instead (Rerun's low LOD)."""
    fields = {"node_ids": pa.array(["a", "b"]), "positions": vecs([[0, 0], [3000, 2000]], 2)}
    log(store, "/g", "GraphNodes", fields)
    app, _ = render(160, 120)
    _settle(app)
    view = app.view("graph:/g")
    assert view.low_detail and view._text_blocks.visible and not view._texts.visible
    for _ in range(6):
        app.handle_event({"event_type": "wheel", "x": 10, "y": 10, "dy": -600, "view_id": "graph:/g"})
    _settle(app)
    assert not view.low_detail and view._texts.visible and not view._text_blocks.visible


def test_hovering_a_label_lights_its_box(store: Any, render: Any) -> None:
    log(
        store,
        "/g",
        "GraphNodes",
        {"node_ids": pa.array(["a", "b"]), "positions": vecs([[0, 0], [200, 0]], 2)},
    )
    app, _ = render(320, 120)
    before = _settle(app)
    view = app.view("graph:/g")
    x, y = _to_pixel(view, (0, 0))
    assert app.pick(x, y + 6)["values"]["node_id"] == "a" and app.is_dirty()
    lit = _settle(app)
    hover_rgb = tuple(round(c * 255) for c in (0.24, 0.26, 0.29))
    assert color_mask(lit, hover_rgb, tol=6).sum() > color_mask(before, hover_rgb, tol=6).sum() + 50
    assert app.pick(160, 110) is None and app.is_dirty()  # off the node: the highlight goes
    assert not view._hover_fill.visible
