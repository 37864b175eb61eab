"""The widget's selection messages: back/forward through the comm, events, panel sizes."""

from __future__ import annotations

from typing import Any

from rerun_notebook import widget as widget_mod
from rerun_notebook.session import ViewerSession
from rerun_notebook.widget import state_of, view_area

from .fakes import FakeApp, FakeStore
from .test_widget import make, msg


def test_back_and_forward_messages_walk_the_history_and_fire_events() -> None:
    v, _, _ = make()
    events: list[dict] = []
    v.on_event(events.append)
    try:
        for path in ("/a", "/b"):
            msg(v, type="select", entity_path=path)
        msg(v, type="click", x=50, y=50)  # the fake renderer picks /points #3
        v.pump.tick(now=0.0)
        assert state_of(v)["selection_history"]["back"] == "/b"
        msg(v, type="selection_history", action="back")
        msg(v, type="selection_history", action="back")
        v.pump.tick(now=0.1)
        state = state_of(v)
        assert [i["entity_path"] for i in state["selection"]] == ["/a"]
        assert state["selection_history"]["forward"] == "/b" and state["selection_history"]["back"] is None
        msg(v, type="selection_history", action="goto", index=2)
        v.pump.tick(now=0.2)
        assert state_of(v)["selection"][0]["instance_id"] == 3
        changes = [e["items"][0]["entity_path"] for e in events if e["type"] == "selection_change"]
        assert changes == ["/a", "/b", "/points", "/b", "/a", "/points"]
        msg(v, type="selection_history", action="sideways")  # logged, never raised into the comm
    finally:
        v.close()


def test_the_docked_panel_narrows_the_picture_when_open() -> None:
    w, h = 1200, 600
    base_w, base_h = view_area(w, h, {"selection": "collapsed"})
    assert view_area(w, h) == (base_w - widget_mod.SELECTION_WIDTH, base_h)  # open by default above 1000 px
    assert view_area(900, h)[0] == 900 - widget_mod.TREE_WIDTH  # collapsed by default below
    assert (
        view_area(900, h, {"selection": "expanded"})[0]
        == 900 - widget_mod.TREE_WIDTH - widget_mod.SELECTION_WIDTH
    )
    assert view_area(w, h, {"selection": "hidden"}) == (base_w, base_h)


def test_ctrl_click_adds_to_and_removes_from_the_selection() -> None:
    v, _, _ = make()
    try:
        msg(v, type="select", entity_path="/a")
        msg(v, type="select", entity_path="/b", add=True)
        msg(v, type="click", x=50, y=50, add=True)  # the fake renderer picks /points #3
        v.pump.tick(now=0.0)
        sel = state_of(v)["selection"]
        assert [(i["entity_path"], i["instance_id"]) for i in sel] == [
            ("/a", None),
            ("/b", None),
            ("/points", 3),
        ]
        details = state_of(v)["selection_details"]
        assert details["others"] == ["/b", "/points[3]"]
        assert state_of(v)["selection_history"]["back"] == "2x entitys"
        msg(v, type="select", entity_path="/a", add=True)  # already selected: it leaves
        msg(v, type="click", x=1, y=1, add=True)  # a miss with Ctrl changes nothing
        v.pump.tick(now=0.1)
        assert [i["entity_path"] for i in state_of(v)["selection"]] == ["/b", "/points"]
    finally:
        v.close()


class _OutliningApp(FakeApp):
    def __init__(self, store: Any, width: int, height: int) -> None:
        super().__init__(store, width, height)
        self.outlines: list[tuple[str | None, int | None]] = []

    def set_selection(self, entity: str | None, instance: int | None = None) -> None:
        self.outlines.append((entity, instance))


def test_the_selection_is_outlined_in_the_views_on_the_pump_thread() -> None:
    apps: list[_OutliningApp] = []

    def factory(store: Any, w: int, h: int) -> _OutliningApp:
        apps.append(_OutliningApp(store, w, h))
        return apps[-1]

    session = ViewerSession(200, 100, app_factory=factory)
    session.add_store("rec", FakeStore())
    session.set_selection([{"type": "view", "view_id": "v", "view_name": "v"}, *_items("/a", 2)])
    assert apps[0].outlines == []  # not on the caller's (the kernel's main) thread
    session.prepare(0.0)
    assert apps[0].outlines == [("/a", 2)]  # the first entity item; views are not outlined
    session.set_selection([])
    session.prepare(0.1)
    session.prepare(0.2)
    assert apps[0].outlines == [("/a", 2), (None, None)]


def _items(path: str, instance: int | None = None) -> list[dict]:
    return [{"type": "entity", "entity_path": path, "instance_id": instance}]
