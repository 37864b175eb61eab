"""The user's viewport choices survive tree rebuilds and combine with the global visibility."""

from __future__ import annotations

import pytest

from rerun_core.viewer.layout import ContainerSpec
from rerun_core.viewer.specs import ViewSpec
from rerun_core.viewer.viewport import Viewport


def _tree() -> ContainerSpec:
    a = ViewSpec("a", "spatial3d", "/w", "w", ["/w", "/w/pts", "/w/pts/sub"])
    b = ViewSpec("b", "timeseries", "/s", "s", ["/s"])
    c = ViewSpec("c", "timeseries", "/t", "t", ["/t"])
    return ContainerSpec("viewport", "grid", [a, ContainerSpec("tabs:x", "tabs", [b, c])])


def test_per_view_hiding_covers_descendants_and_keeps_global_toggles() -> None:
    vp = Viewport()
    vp.set_root(_tree())
    globally_hidden = {"/w/other"}

    def is_visible(p: str) -> bool:
        return p not in globally_hidden

    vp.set_entity_visible_in_view("a", "/w/pts", False)
    in_a, in_b = vp.visible_in("a", is_visible), vp.visible_in("b", is_visible)
    assert not in_a("/w/pts/sub") and in_a("/w") and not in_a("/w/other")
    assert in_b is is_visible  # no own toggles: the global test as is
    with pytest.raises(ValueError, match="unknown view"):
        vp.set_entity_visible_in_view("zzz", "/w", False)


def test_choices_survive_a_rebuilt_tree_and_a_vanished_view_unmaximizes() -> None:
    vp = Viewport()
    vp.set_root(_tree())
    assert vp.reveal("c") and not vp.reveal("c")  # True only when a tab changed
    vp.maximize("b")
    vp.set_root(_tree())  # new objects, same ids (the heuristics rebuild as data arrives)
    shown = vp.place(300, 200)
    assert [v.id for v in shown] == ["b"]
    vp.maximize(None)
    assert [v.id for v in vp.place(300, 200)] == ["a", "c"]  # the picked tab is still picked
    vp.set_root(ContainerSpec("viewport", "grid", [ViewSpec("a", "spatial3d", "/w", "w")]))
    vp.maximize("a")
    vp.set_root(ContainerSpec("viewport", "grid", [ViewSpec("z", "spatial3d", "/z", "z")]))
    assert vp.maximized is None


def test_the_panel_tree_is_cached_until_a_toggle_changes() -> None:
    vp = Viewport()
    vp.set_root(_tree())
    first = vp.tree(lambda p: True, set())
    assert vp.tree(lambda p: True, set()) is first
    vp.set_node_visible("tabs:x", False)
    second = vp.tree(lambda p: True, set())
    assert second is not first and second["children"][1]["visible"] is False
    assert second["children"][1]["children"][0]["shown"] is False  # hidden with its container
