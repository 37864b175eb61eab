"""ViewerApp's blueprint tree: Rerun's nesting, per-view and per-node visibility, maximize."""

from __future__ import annotations

import pyarrow as pa
import pytest

from tests.viewer import builders as b
from tests.viewer.conftest import color_mask

F32 = pa.float32()


def _scalar(store, path: str, value: float, time: int = 1) -> None:
    b.log(store, path, "Scalars", {"scalars": pa.array([value], pa.float64())}, time=time)


def _points(store, path: str, color: tuple[int, int, int], x: float) -> None:
    pts = [(x, 0, 0), (x, 1, 1)]
    fields = {"positions": b.vecs(pts, 3), "colors": b.colors([color]), "radii": pa.array([-6.0], F32)}
    b.log(store, path, "Points3D", fields, time=1)


def _flat(node: dict) -> list[tuple[str, str]]:
    out = [(node["type"], node["id"])]
    for c in node.get("children", []):
        out += _flat(c)
    return out


def test_three_series_nest_as_rerun_noise_beside_a_grid_of_trig(store, render) -> None:
    for p in ("trig/sin", "trig/cos", "noise"):
        _scalar(store, p, 1.0)
    app, _ = render(320, 240)
    tree = app.tree()
    assert _flat(tree) == [
        ("container", "viewport"),
        ("view", "timeseries:/noise"),
        ("container", "grid:timeseries:/trig/cos"),
        ("view", "timeseries:/trig/cos"),
        ("view", "timeseries:/trig/sin"),
    ]
    assert tree["children"][1]["name"] == "Grid container"
    rects = {v["id"]: v["rect"] for v in app.layout()}
    assert rects["timeseries:/noise"][3] == 240  # full height on the left
    assert rects["timeseries:/trig/cos"][0] == rects["timeseries:/trig/sin"][0] > 150  # stacked right


def test_hiding_and_maximizing_change_the_layout(store, render) -> None:
    for p in ("trig/sin", "trig/cos", "noise"):
        _scalar(store, p, 1.0)
    app, _ = render(320, 240)
    app.set_node_visible("grid:timeseries:/trig/cos", False)
    assert [v["id"] for v in app.layout()] == ["timeseries:/noise"]
    assert app.layout()[0]["rect"] == (0, 0, 320, 240)
    assert app.tree()["children"][1]["children"][0]["shown"] is False
    app.set_node_visible("grid:timeseries:/trig/cos", True)
    app.maximize("timeseries:/trig/sin")
    assert [(v["id"], v["rect"]) for v in app.layout()] == [("timeseries:/trig/sin", (0, 0, 320, 240))]
    app.render()
    app.maximize(None)
    assert len(app.layout()) == 3
    try:
        app.maximize("nope")
    except ValueError as exc:
        assert "nope" in str(exc)
    else:
        raise AssertionError("unknown view id accepted")


def test_entity_hidden_in_one_view_only(store, render) -> None:
    """Rerun's blueprint eye on an entity row hides it in that view; the global toggle hides it everywhere."""
    b.log(store, "world", "ViewCoordinates", {"xyz": pa.array([[1, 2, 3]], pa.list_(pa.uint8(), 3))})
    _points(store, "world/red", (255, 0, 0), -1.0)
    _points(store, "world/green", (0, 255, 0), 1.0)
    app, frame = render(160, 120)
    views = [v["id"] for v in app.layout()]
    assert views == ["spatial3d:/world"]
    view = app.tree()["children"][0]
    assert view["entities"][0]["path"] == "/world"
    assert [c["name"] for c in view["entities"][0]["children"]] == ["green", "red"]
    assert color_mask(frame, (255, 0, 0)).sum() > 0
    app.set_entity_visible_in_view("spatial3d:/world", "/world/red", False)
    frame = app.render()
    assert color_mask(frame, (255, 0, 0)).sum() == 0 and color_mask(frame, (0, 255, 0)).sum() > 0
    node = app.tree()["children"][0]["entities"][0]["children"][1]
    assert (node["path"], node["visible"], node["shown"]) == ("/world/red", False, False)
    app.set_entity_visible_in_view("spatial3d:/world", "/world/red", True)
    assert color_mask(app.render(), (255, 0, 0)).sum() > 0


def test_many_views_become_tabs_per_class_and_a_tab_can_be_picked(store, render) -> None:
    """Over 12 views Rerun puts each class in a tab container; a click on a tab shows that view."""
    for i in range(13):
        _scalar(store, f"s{i:02}", float(i))
    app, _ = render(320, 240)
    tree = app.tree()
    assert tree["kind"] == "tabs" and len(tree["children"]) == 13
    shown = app.layout()
    assert [v["id"] for v in shown] == ["timeseries:/s00"]
    assert shown[0]["tab_bar"]["container"] == "viewport" and len(shown[0]["tab_bar"]["tabs"]) == 13
    app.set_active_tab("viewport", "timeseries:/s07")
    _scalar(store, "s03", 5.0, time=2)  # new data rebuilds the heuristic tree: the pick stays
    assert [v["id"] for v in app.layout()] == ["timeseries:/s07"]
    with pytest.raises(ValueError, match="not a tab"):
        app.set_active_tab("viewport", "nope")
    app.reveal("timeseries:/s11")  # selecting a view in a background tab brings it to the front
    assert [v["id"] for v in app.layout()] == ["timeseries:/s11"]
