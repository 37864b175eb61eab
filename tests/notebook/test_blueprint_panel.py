"""The widget's blueprint panel: rows from the renderer's tree, eye toggles, maximize, selection."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from rerun_core.store.store import ChunkStore
from rerun_notebook.blueprint_panel import panel_rows, selection_item
from rerun_notebook.widget import Viewer, state_of
from tests.viewer import builders as b


def _tree() -> dict[str, Any]:
    ent = {"path": "/w", "name": "w", "visible": True, "shown": True, "has_data": False, "children": []}
    leaf = {
        "path": "/w/pts",
        "name": "pts",
        "visible": False,
        "shown": False,
        "has_data": True,
        "children": [],
    }
    ent["children"].append(leaf)
    view = {"type": "view", "id": "spatial3d:/w", "kind": "spatial3d", "name": "w", "origin": "/w",
            "visible": True, "shown": True, "maximized": False, "entities": [ent]}  # fmt: skip
    return {"type": "container", "id": "viewport", "kind": "grid", "name": "Viewport", "visible": True,
            "shown": True, "children": [view]}  # fmt: skip


def test_rows_are_depth_first_with_keys_and_selection() -> None:
    sel = [{"type": "entity", "entity_path": "/w/pts", "instance_id": None, "view_name": "w"}]
    rows = panel_rows(_tree(), sel)
    assert [(r["key"], r["depth"]) for r in rows] == [
        ("c:viewport", 0),
        ("v:spatial3d:/w", 1),
        ("e:spatial3d:/w:/w", 2),
        ("e:spatial3d:/w:/w/pts", 3),
    ]
    assert rows[0]["root"] and rows[1]["has_children"] and not rows[3]["has_children"]
    assert [r["selected"] for r in rows] == [False, False, False, True]
    assert (rows[3]["visible"], rows[3]["shown"], rows[3]["view_id"]) == (False, False, "spatial3d:/w")
    assert panel_rows(None) == []


def test_clicked_rows_become_rerun_selection_items() -> None:
    tree = _tree()
    assert selection_item(tree, "spatial3d:/w") == {
        "type": "view",
        "view_id": "spatial3d:/w",
        "view_name": "w",
    }
    assert selection_item(tree, "viewport") == {
        "type": "container",
        "container_id": "viewport",
        "container_name": "Viewport",
    }
    assert selection_item(tree, "spatial3d:/w", "/w/pts")["view_name"] == "w"
    with pytest.raises(ValueError, match="nope"):
        selection_item(tree, "nope")


@pytest.fixture
def viewer() -> Any:
    from tests.viewer.conftest import require_adapter

    require_adapter()
    store = ChunkStore()
    for p in ("trig/sin", "trig/cos", "noise"):
        b.log(store, p, "Scalars", {"scalars": pa.array([1.0], pa.float64())}, time=1)
    v = Viewer(width=400, height=300, start=False)
    v.send = lambda *a, **k: None  # type: ignore[method-assign]
    v.add_store("rec", store, application_id="app")
    yield v
    v.close()


def _msg(v: Viewer, **content: Any) -> dict[str, Any]:
    v._on_custom_msg(v, content, [])
    v._prepare_now()
    return state_of(v)


def test_widget_state_carries_the_blueprint_and_its_actions_work(viewer: Viewer) -> None:
    state = _msg(viewer, type="noop")
    rows = state["blueprint"]
    assert [r["name"] for r in rows if r["type"] != "entity"] == [
        "Viewport",
        "noise",
        "Grid container",
        "trig/cos",
        "trig/sin",
    ]
    views = {v["id"]: v for v in state["views"]}
    assert all(v["header"] == 20 for v in views.values())  # room above each view for its header
    state = _msg(viewer, type="node_visible", node_id="timeseries:/noise", visible=False)
    assert [v["id"] for v in state["views"]] == ["timeseries:/trig/cos", "timeseries:/trig/sin"]
    assert next(r for r in state["blueprint"] if r["id"] == "timeseries:/noise")["visible"] is False
    state = _msg(viewer, type="maximize", view_id="timeseries:/trig/sin")
    assert [v["id"] for v in state["views"]] == ["timeseries:/trig/sin"]
    assert next(r for r in state["blueprint"] if r["key"] == "v:timeseries:/trig/sin")["maximized"]
    state = _msg(viewer, type="maximize", view_id=None)
    assert len(state["views"]) == 2


def test_blueprint_rows_select_views_and_entities_and_hide_per_view(viewer: Viewer) -> None:
    events: list[dict[str, Any]] = []
    viewer.on_event(events.append)
    state = _msg(viewer, type="select_node", node_id="timeseries:/trig/cos")
    assert state["selection"] == [
        {"type": "view", "view_id": "timeseries:/trig/cos", "view_name": "trig/cos"}
    ]
    changes = [e for e in events if e["type"] == "selection_change"]
    assert changes[-1]["items"][0]["view_name"] == "trig/cos"
    state = _msg(viewer, type="select_node", node_id="timeseries:/noise", entity_path="/noise")
    assert state["selection"][0] == {
        "type": "entity",
        "entity_path": "/noise",
        "instance_id": None,
        "view_name": "noise",
    }
    row = next(r for r in state["blueprint"] if r["key"] == "e:timeseries:/noise:/noise")
    assert row["selected"]
    state = _msg(
        viewer, type="view_entity_visible", view_id="timeseries:/noise", entity_path="/noise", visible=False
    )
    row = next(r for r in state["blueprint"] if r["key"] == "e:timeseries:/noise:/noise")
    assert (row["visible"], row["shown"]) == (False, False)
    glob = {r["path"]: r for r in state["tree"]}
    assert glob["/noise"]["visible"]  # the global entity list is untouched by a per-view toggle


def test_static_snapshot_draws_each_view_name_in_its_header_strip(viewer: Viewer) -> None:
    viewer._prepare_now()
    picture = viewer.snapshot()
    assert picture is not None
    view = state_of(viewer)["views"][0]
    x, y, w, _ = (int(v) for v in view["rect"])
    strip = picture[y - int(view["header"]) : y, x : x + w, :3].astype(int)
    assert (strip == (20, 24, 25)).all(axis=-1).mean() > 0.5  # the header's fill
    assert (strip.min(axis=-1) > 150).any()  # and the name's light text on it
