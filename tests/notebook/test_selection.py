"""The selection panel's data: a recording summary with nothing selected, else latest-at components."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from rerun_core.store.store import ChunkStore
from rerun_notebook import session_state
from rerun_notebook.selection import (
    MAX_HISTORY,
    SelectionHistory,
    by_archetype,
    entity_components,
    instance_components,
    recording_summary,
    selection_details,
    selection_label,
    short_values,
    store_counts,
)
from rerun_notebook.session import ViewerSession
from tests.viewer import builders as b


def _store() -> ChunkStore:
    store = ChunkStore()
    for t in range(4):
        b.log(store, "pts", "Points3D", {"positions": b.vecs(np.full((10, 3), float(t)), 3)}, time=t)
    b.log(store, "pts", "Points3D", {"radii": pa.array([0.5], pa.float32())})
    return store


def test_recording_summary_has_ids_duration_and_counts() -> None:
    summary = recording_summary(_store(), "rec-1", "my_app", "frame")
    assert summary["recording id"] == "rec-1" and summary["application id"] == "my_app"
    assert summary["duration"] == "3 steps on frame"
    assert (summary["entities"], summary["rows"], summary["chunks"]) == (1, 5, 5)
    assert summary["size"].endswith("B") and summary["source"]


def test_entity_components_are_latest_at_the_cursor_and_truncated() -> None:
    comps = entity_components(_store(), "/pts", "frame", 1)
    assert comps["Points3D:radii"] == 0.5  # static data shows at every time
    positions = comps["Points3D:positions"]
    assert positions[:5] == [[1.0, 1.0, 1.0]] * 5 and positions[5] == "… 10 values"
    assert short_values(pa.array([1, 2])) == [1, 2]


def test_session_state_carries_the_selection_details() -> None:
    session = ViewerSession(200, 100, app_factory=lambda *a: None)
    session.add_store("rec-1", _store(), application_id="my_app")
    details = session_state.details(session)
    assert details["kind"] == "recording" and details["title"] == "rec-1"
    assert [k for k, _ in details["summary"]] == [
        "recording id",
        "application id",
        "source",
        "duration",
        "size",
        "entities",
        "columns",
        "rows",
        "chunks",
    ]
    session.set_selection([{"type": "entity", "entity_path": "/pts", "instance_id": None}])
    details = session_state.details(session)
    assert details["kind"] == "entity" and "Points3D:radii" in details["components"]


def test_colors_show_as_hex() -> None:
    assert short_values(pa.array([0xFF0000FF], pa.uint32()), "Points3D:colors") == "#ff0000ff"


# --- selection history (Rerun's SelectionHistory semantics) ------------------------------------


def _ent(path: str, instance: int | None = None, **extra: object) -> list[dict]:
    return [{"type": "entity", "entity_path": path, "instance_id": instance, **extra}]


def test_history_walks_back_and_forward_and_diverges_on_a_new_selection() -> None:
    h = SelectionHistory()
    for p in ("/a", "/b", "/c"):
        h.update(_ent(p))
    assert h.state()["back"] == "/b" and h.state()["forward"] is None
    assert h.back() == _ent("/b") and h.back() == _ent("/a") and h.back() is None
    assert h.state()["forward"] == "/b" and h.state()["back"] is None
    assert h.forward() == _ent("/b")
    h.update(_ent("/d"))  # a new selection after going back drops what lay ahead
    assert [s[0]["entity_path"] for s in h.stack] == ["/a", "/b", "/d"] and h.forward() is None
    assert h.state()["past"] == [[1, "/b", "entity"], [0, "/a", "entity"]]


def test_history_ignores_empty_and_repeated_selections() -> None:
    h = SelectionHistory()
    h.update([])
    assert h.stack == [] and h.back() is None and h.forward() is None
    h.update(_ent("/a", 3, position=[1.0, 2.0, 3.0]))
    h.update(_ent("/a", 3, position=[1.5, 2.0, 3.0]))  # the same instance, clicked at another pixel
    h.update([])  # clearing the selection is no history entry
    assert len(h.stack) == 1 and h.state()["back"] is None
    h.update(_ent("/a"))  # the entity is not its instance
    assert h.state()["back"] == "/a[3]" and h.state()["past"][0][2] == "instance"


def test_history_keeps_the_newest_entries_and_labels_views_and_groups() -> None:
    h = SelectionHistory()
    for i in range(MAX_HISTORY + 5):
        h.update(_ent(f"/e{i}"))
    assert len(h.stack) == MAX_HISTORY and h.stack[-1] == _ent(f"/e{MAX_HISTORY + 4}")
    assert h.stack[0] == _ent("/e5") and h.current == MAX_HISTORY - 1
    assert selection_label([{"type": "view", "view_id": "v1", "view_name": "world"}]) == "world"
    assert selection_label(_ent("/a") + _ent("/b")) == "2x entitys"
    assert selection_label([*_ent("/a"), {"type": "view", "view_name": "w"}]) == "<multiple selections>"
    assert selection_label(_ent("/p", 2, view_name="world")) == "/p[2] in world"


def test_history_retain_drops_vanished_items_and_keeps_the_cursor_valid() -> None:
    h = SelectionHistory()
    for p in ("/a", "/b", "/c"):
        h.update(_ent(p))
    h.retain(lambda item: item["entity_path"] != "/b")
    assert [s[0]["entity_path"] for s in h.stack] == ["/a", "/c"] and h.current == 1
    h.retain(lambda item: False)
    assert h.stack == [] and h.current == 0 and h.back() is None


def test_session_back_forward_fire_selection_events_and_keep_one_history_per_recording() -> None:
    session = ViewerSession(200, 100, app_factory=lambda *a: None)
    session.add_store("rec-1", _store())
    session.add_store("rec-2", _store(), make_active=False)
    session.set_selection(_ent("/pts"))
    session.set_selection(_ent("/pts", 2))
    session.set_selection([])  # clicking empty space: the history still points at the instance
    session.take_events()
    session.selection_history("back")
    assert session.selection == _ent("/pts")
    session.selection_history("back")  # nothing older: no change, no event
    events = session.take_events()
    assert [e["type"] for e in events] == ["selection_change"] and events[0]["items"] == _ent("/pts")
    session.selection_history("forward")
    assert session.selection == _ent("/pts", 2)
    assert session.history.state()["back"] == "/pts"
    session.set_active("rec-2")
    assert session.selection == [] and session.history.stack == []
    session.set_active("rec-1")
    assert session.history.state()["back"] == "/pts"
    with pytest.raises(ValueError, match="unknown selection history action"):
        session.selection_history("sideways")


def test_state_carries_history_and_instance_values_grouped_by_archetype() -> None:
    session = ViewerSession(200, 100, app_factory=lambda *a: None)
    session.add_store("rec-1", _store())
    session.set_time_ctrl("frame", 2, play=False)
    session.set_selection(_ent("/pts", 4))
    session.prepare(0.0)
    state = session.state()
    details = state["selection_details"]
    assert details["kind"] == "instance" and details["title"] == "/pts[4]"
    [group] = details["archetypes"]
    assert group["archetype"] == "Points3D"
    assert dict(map(tuple, group["components"])) == {"positions": [2.0, 2.0, 2.0], "radii": 0.5}
    assert state["selection_history"]["back"] is None and state["selection_history"]["current"] == 0


def test_instance_values_skip_components_the_instance_lacks() -> None:
    comps = instance_components(_store(), "/pts", 12, "frame", 3)
    assert comps == {"Points3D:radii": 0.5}  # one radius applies to every point; 10 positions only


def test_view_details_show_kind_origin_and_entities() -> None:
    views = [
        {
            "id": "spatial3d:/world",
            "kind": "spatial3d",
            "name": "world",
            "origin": "/world",
            "entities": ["/world/a", "world/b"],
        }
    ]
    items = [{"type": "view", "view_id": "spatial3d:/world", "view_name": "world"}]
    d = selection_details(items, _store(), "frame", 1, views=views)
    assert d == {
        "kind": "view",
        "title": "world",
        "view_kind": "spatial3d",
        "origin": "/world",
        "entities": ["/world/a", "/world/b"],
        "found": True,
    }
    by_name = selection_details(
        [{"type": "view", "view_id": "?", "view_name": "world"}], _store(), None, None, views=views
    )
    assert by_name["origin"] == "/world"
    both = selection_details(items + _ent("/pts"), _store(), None, None, views=views)
    assert both["others"] == ["/pts"]
    assert selection_details([], None, None, None) == {}


def test_components_group_by_archetype_with_loose_ones_last() -> None:
    groups = by_archetype({"Points3D:radii": 1, "Boxes3D:centers": 2, "custom": 3, "Points3D:colors": 4})
    assert [g["archetype"] for g in groups] == ["Boxes3D", "Points3D", "Other"]
    assert groups[1]["components"] == [["radii", 1], ["colors", 4]]


def test_container_details_come_from_the_blueprint_tree() -> None:
    tree = {
        "id": "root",
        "type": "container",
        "kind": "grid",
        "name": "Viewport",
        "children": [
            {
                "id": "c1",
                "type": "container",
                "kind": "horizontal",
                "name": "Horizontal",
                "children": [{"id": "v1", "type": "view", "kind": "timeseries", "name": "cos"}],
            }
        ],
    }
    item = {"type": "container", "container_id": "c1", "container_name": "Horizontal"}
    d = selection_details([item], _store(), None, None, tree=tree)
    assert d == {
        "kind": "container",
        "title": "Horizontal",
        "container_kind": "horizontal",
        "children": [["view", "cos"]],
        "found": True,
    }
    gone = selection_details([{**item, "container_id": "c9"}], _store(), None, None, tree=tree)
    assert gone["found"] is False and gone["title"] == "Horizontal"


def test_raw_bytes_show_as_a_size() -> None:
    blob = pa.array([list(range(200))], pa.list_(pa.uint8()))
    assert short_values(blob, "Image:buffer") == "<200 bytes>"
    assert short_values(pa.array([b"abcd"]), "EncodedImage:blob") == "<4 bytes>"
    assert short_values(pa.array([[1, 2]]), "Points3D:positions") == [1, 2]


def test_summary_counts_follow_inserts_and_gc_without_walking_the_store() -> None:
    store = _store()

    def same_as_stats() -> tuple[int, int, int, int]:
        counts, stats = store_counts(store), store.stats()
        assert (counts["rows"], counts["chunks"]) == (stats.num_rows, stats.num_chunks)
        assert stats.num_bytes == sum(c.num_bytes for c in store.chunks())  # totals match a walk
        return counts["entities"], counts["columns"], counts["rows"], counts["chunks"]

    assert same_as_stats() == (1, 2, 5, 5)  # /pts:Points3D:positions and :radii
    b.log(store, "more", "Points3D", {"positions": b.vecs(np.zeros((2, 3)), 3)}, time=9)
    assert same_as_stats() == (2, 3, 6, 6)
    store.gc(0)  # drops every temporal chunk; the static one stays
    assert same_as_stats() == (1, 1, 1, 1)


def test_only_the_shown_values_of_a_big_component_are_converted() -> None:
    class Huge:
        """An Arrow-like array whose full conversion would be the bug."""

        def __len__(self) -> int:
            return 1_000_000

        def __getitem__(self, i: int) -> pa.Scalar:
            return pa.scalar(i)

        def slice(self, start: int, length: int) -> pa.Array:
            raise AssertionError("not needed")

        def to_pylist(self) -> list:
            raise AssertionError("the whole array was converted")

    assert short_values(Huge()) == [0, 1, 2, 3, 4, "… 1000000 values"]


def test_one_huge_value_shows_its_first_items_and_bytes_their_size() -> None:
    strip = pa.array([[[float(i)] * 3 for i in range(50_000)]], pa.list_(pa.list_(pa.float32(), 3)))
    shown = short_values(strip, "LineStrips3D:strips")
    assert shown[:2] == [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]] and len(shown) == 17 and shown[-1] == "…"
    image = pa.array([bytes(6_000_000)], pa.binary())
    assert short_values(image, "EncodedImage:blob") == "<6000000 bytes>"
    tensor = pa.array([{"shape": [2, 3], "buffer": list(range(6))}])
    assert short_values(tensor, "Tensor:data") == {"shape": [2, 3], "buffer": "<6 bytes>"}


def test_a_picked_image_instance_shows_its_buffer_as_a_size() -> None:
    store = ChunkStore()
    b.log(store, "img", "Image", {"buffer": pa.array([list(range(256)) * 100], pa.list_(pa.uint8()))})
    assert instance_components(store, "/img", 0, None, None) == {"Image:buffer": "<25600 bytes>"}
