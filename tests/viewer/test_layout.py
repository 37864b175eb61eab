"""The viewport tree lays views out as Rerun's containers do; hidden and maximized views drop out."""

from __future__ import annotations

import pytest

from rerun_core.viewer.heuristics import ViewSpec
from rerun_core.viewer.layout import (
    ContainerSpec,
    auto_tree,
    default_tree,
    find,
    grid_columns,
    grid_rects,
    layout_tree,
    views_of,
)


def _views(n: int) -> list[ViewSpec]:
    return [ViewSpec(f"v{i}", "spatial3d", "/", f"v{i}") for i in range(n)]


@pytest.mark.parametrize(
    ("n", "w", "h", "cols"),
    [
        (1, 640, 480, 1),
        (2, 640, 480, 2),
        (2, 300, 600, 1),
        (4, 640, 480, 2),
        (5, 300, 200, 3),
        (4, 300, 900, 1),
    ],
)
def test_grid_columns_aim_for_4_by_3_cells_as_egui_tiles(n: int, w: int, h: int, cols: int) -> None:
    assert grid_columns(n, w, h) == cols


def test_grid_keeps_equal_cells_and_leaves_the_last_row_short() -> None:
    rects = grid_rects(5, (0, 0, 300, 200), gap=0)
    assert rects[:3] == [(0, 0, 100, 100), (100, 0, 100, 100), (200, 0, 100, 100)]
    assert rects[3:] == [(0, 100, 100, 100), (100, 100, 100, 100)]  # the sixth cell stays empty


def _spec(kind: str, origin: str) -> ViewSpec:
    return ViewSpec(f"{kind}:{origin}", kind, origin, origin.rsplit("/", 1)[-1] or "/")


def _shape(node: object) -> object:
    if isinstance(node, ViewSpec):
        return node.id
    assert isinstance(node, ContainerSpec)
    return (node.kind, [_shape(c) for c in node.children])


def test_auto_tree_three_views_put_the_highest_priority_beside_a_grid() -> None:
    """Rerun's special case: `noise` + Grid(trig/cos, trig/sin); a spatial view takes the big side."""
    series = [_spec("timeseries", p) for p in ("/trig/sin", "/noise", "/trig/cos")]
    assert _shape(auto_tree(series)) == (
        "grid",
        ["timeseries:/noise", ("grid", ["timeseries:/trig/cos", "timeseries:/trig/sin"])],
    )
    mixed = [_spec("text_log", "/"), _spec("timeseries", "/a"), _spec("spatial2d", "/z")]
    assert _shape(auto_tree(mixed)) == ("grid", ["spatial2d:/z", ("grid", ["text_log:/", "timeseries:/a"])])


def test_auto_tree_sorts_by_origin_naturally_and_groups_many_views_into_tabs() -> None:
    views = [_spec("spatial2d", f"/cam{i}") for i in (10, 2, 1, 3)]
    assert _shape(auto_tree(views)) == (
        "grid",
        ["spatial2d:/cam1", "spatial2d:/cam2", "spatial2d:/cam3", "spatial2d:/cam10"],
    )
    many = [_spec("timeseries", f"/s{i:02}") for i in range(10)] + [
        _spec("spatial3d", f"/w{i}") for i in range(3)
    ]
    root = auto_tree(many)
    assert root.id == "viewport" and [c.kind for c in root.children] == ["tabs", "tabs"]
    assert [v.kind for v in views_of(root.children[0])] == ["spatial3d"] * 3  # spatial classes first
    assert len(layout_tree(root, 600, 300)) == 2  # one view per tab container shows


def test_nested_containers_split_by_shares_and_tabs_show_one_child() -> None:
    a, b, c, d = _views(4)
    tabs = ContainerSpec("t", "tabs", [c, d], active_tab=1)
    root = ContainerSpec(
        "root", "horizontal", [a, ContainerSpec("col", "vertical", [b, tabs])], shares=[3, 1]
    )
    shown = layout_tree(root, 400, 200, gap=0)
    assert [v.id for v in shown] == ["v0", "v1", "v3"]
    assert a.rect == (0, 0, 300, 200)
    assert b.rect == (300, 0, 100, 100) and d.rect == (300, 100, 100, 100)
    assert c.rect == (0, 0, 0, 0)


def test_hidden_and_maximized_views_leave_the_layout() -> None:
    views = _views(3)
    root = default_tree(views)
    shown = layout_tree(root, 600, 300, hidden={"v1"})
    assert [v.id for v in shown] == ["v0", "v2"] and views[1].rect == (0, 0, 0, 0)
    assert views[0].rect[2] > 250  # two views share the width
    shown = layout_tree(root, 600, 300, maximized="v2")
    assert [v.id for v in shown] == ["v2"] and views[2].rect == (0, 0, 600, 300)


def test_lookup_and_json() -> None:
    views = _views(2)
    root = ContainerSpec("root", "grid", [views[0], ContainerSpec("g", "grid", [views[1]], name="trig")])
    assert find(root, "v1") is views[1] and find(root, "nope") is None
    assert [v.id for v in views_of(root)] == ["v0", "v1"]
    assert root.as_dict()["children"] == [
        {"view": "v0"},
        {
            "id": "g",
            "kind": "grid",
            "name": "trig",
            "visible": True,
            "active_tab": 0,
            "children": [{"view": "v1"}],
        },
    ]
    assert grid_rects(0, (0, 0, 10, 10)) == []


def test_the_active_tab_view_carries_the_tab_bar() -> None:
    a, b, c = _views(3)
    root = ContainerSpec("root", "grid", [a, ContainerSpec("t", "tabs", [b, c], active_tab=1)])
    shown = layout_tree(root, 400, 200, hidden={"v1"})
    assert [v.id for v in shown] == ["v0", "v2"]
    assert a.tab_bar is None and c.tab_bar == {"container": "t", "tabs": [{"id": "v2", "name": "v2"}]}
    layout_tree(root, 400, 200)
    assert c.tab_bar is not None and [t["id"] for t in c.tab_bar["tabs"]] == ["v1", "v2"]
