"""The viewport tree lays views out as Rerun's containers do; hidden and maximized views drop out."""

from __future__ import annotations

import pytest

from rerun_core.viewer.heuristics import ViewSpec, grid_layout
from rerun_core.viewer.layout import ContainerSpec, default_tree, find, grid_rects, layout_tree, views_of


def _views(n: int) -> list[ViewSpec]:
    return [ViewSpec(f"v{i}", "spatial3d", "/", f"v{i}") for i in range(n)]


@pytest.mark.parametrize(("n", "w", "h"), [(1, 640, 480), (3, 640, 480), (5, 800, 400), (4, 300, 900)])
def test_default_tree_matches_the_flat_grid(n: int, w: int, h: int) -> None:
    flat, tree = _views(n), _views(n)
    grid_layout(flat, w, h)
    shown = layout_tree(default_tree(tree), w, h)
    assert [v.rect for v in shown] == [v.rect for v in flat]


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
