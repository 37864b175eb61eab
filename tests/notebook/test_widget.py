"""The anywidget Viewer with a fake comm: frames, acks, input, panels, events, lifetime."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import numpy as np
import pytest
from PIL import Image

from rerun_notebook import widget as widget_mod
from rerun_notebook.session import NO_DRIVER_MESSAGE
from rerun_notebook.widget import Viewer, state_of

from .fakes import FakeApp, FakeStore


class Recorder:
    def __init__(self) -> None:
        self.msgs: list[tuple[dict, list]] = []

    def __call__(self, content: dict, buffers: Any = None) -> None:
        self.msgs.append((content, list(buffers or [])))

    def of(self, kind: str) -> list[tuple[dict, list]]:
        return [m for m in self.msgs if m[0].get("type") == kind]


def make(**kw: Any) -> tuple[Viewer, FakeStore, Recorder]:
    apps: list[FakeApp] = []

    def factory(store: Any, w: int, h: int) -> FakeApp:
        apps.append(FakeApp(store, w, h))
        return apps[-1]

    v = Viewer(app_factory=factory, start=False, **kw)
    rec = Recorder()
    v.send = rec  # type: ignore[method-assign]
    store = FakeStore()
    v.add_store("rec1", store, application_id="app")
    v.apps = apps  # type: ignore[attr-defined]
    return v, store, rec


def msg(v: Viewer, **content: Any) -> None:
    v._on_custom_msg(v, content, [])


def test_frames_go_out_as_binary_buffers_once_a_view_is_visible() -> None:
    v, _store, rec = make(width=500, height=400)
    try:
        v.pump.tick(now=0.0)
        assert rec.of("frame") == []
        msg(v, type="visible", view="x", visible=True)
        v.pump.tick(now=1.0)
        [(content, buffers)] = rec.of("frame")
        assert content["mime"] == "image/png" and content["index"] == 1
        img = Image.open(io.BytesIO(buffers[0]))
        assert img.size == (500 - widget_mod.TREE_WIDTH, 400 - widget_mod.TOP_HEIGHT - widget_mod.TIME_HEIGHT)
        msg(v, type="ack", index=1)
        assert v.pump.in_flight == 0
    finally:
        v.close()


def test_resize_and_input_reach_the_renderer() -> None:
    v, _, rec = make()
    try:
        app = v.apps[0]
        msg(v, type="resize", width=300, height=200)
        assert app.size == (300, 200)
        msg(v, type="input", event={"event_type": "pointer_move", "x": 5, "y": 6, "buttons": [1]})
        assert app.events == []  # queued: applied on the pump's thread, never blocking the kernel
        v.pump.tick(now=0.5)
        assert app.events[-1]["event_type"] == "pointer_move" and app.camera == 1
        msg(v, type="visible", view="x", visible=True)
        v.pump.tick(now=1.0)
        assert Image.open(io.BytesIO(rec.of("frame")[-1][1][0])).size == (300, 200)
    finally:
        v.close()


def test_hover_answers_with_entity_instance_and_values() -> None:
    v, _, rec = make()
    try:
        msg(v, type="hover", x=50, y=50, seq=7)
        v.pump.tick(now=0.0)
        [(content, _)] = rec.of("hover")
        assert content["seq"] == 7
        assert content["info"]["entity_path"] == "/points" and content["info"]["instance"] == 3
        assert content["info"]["values"]["Points3D:positions"] == [1.0, 2.0, 3.0]
        msg(v, type="hover", x=1, y=1, seq=8)
        v.pump.tick(now=0.1)
        assert rec.of("hover")[-1][0]["info"] is None
    finally:
        v.close()


def test_click_selects_and_fires_on_event() -> None:
    v, _, _ = make()
    events: list[dict] = []
    v.on_event(events.append)
    try:
        msg(v, type="click", x=50, y=50)
        v.pump.tick(now=0.0)
        sel = [e for e in events if e["type"] == "selection_change"]
        assert sel and sel[-1]["items"][0]["entity_path"] == "/points"
        assert sel[-1]["items"][0]["instance_id"] == 3
        assert sel[-1]["recording_id"] == "rec1" and sel[-1]["application_id"] == "app"
        assert state_of(v)["selection_values"]["Points3D:positions"] == [1.0, 2.0, 3.0]
        msg(v, type="click", x=1, y=1)
        v.pump.tick(now=0.1)
        assert [e for e in events if e["type"] == "selection_change"][-1]["items"] == []
    finally:
        v.close()


def test_time_panel_state_and_time_events() -> None:
    v, store, _ = make()
    events: list[dict] = []
    v.on_event(events.append)
    try:
        for t in range(5):
            store.add("/world/points", "frame", t)
        v.pump.tick(now=0.0)
        st = state_of(v)
        assert st["time"]["timeline"] == "frame" and st["time"]["time"] == 4 and st["time"]["following"]
        assert [r["path"] for r in st["tree"]] == ["/world", "/world/points"]
        assert v.apps[0].times[-1] == ("frame", 4)
        msg(v, type="time", action="seek", value=2)
        v.pump.tick(now=0.1)
        assert state_of(v)["time"]["time"] == 2 and v.apps[0].times[-1] == ("frame", 2)
        assert any(e["type"] == "time_update" and e["time"] == 2 for e in events)
        v.set_time_ctrl("frame", 1, play=True)
        v.pump.tick(now=0.2)
        assert any(e["type"] == "play" for e in events)
    finally:
        v.close()


def test_entity_visibility_toggle() -> None:
    v, store, _ = make()
    try:
        store.add("/world/points")
        msg(v, type="entity_visible", entity_path="/world", visible=False)
        v.pump.tick(now=0.0)
        assert v.apps[0].visible == {"/world": False}
        rows = {r["path"]: r for r in state_of(v)["tree"]}
        assert not rows["/world/points"]["visible"] and rows["/world/points"]["own_toggle"]
    finally:
        v.close()


def test_text_log_and_document_views_are_html_panels() -> None:
    v, store, _ = make()
    try:
        app = v.apps[0]
        from types import SimpleNamespace

        app.views = [
            SimpleNamespace(kind="text_log", rect=(0, 0, 100, 100), name="log"),
            SimpleNamespace(kind="text_document", rect=(100, 0, 100, 100), name="readme"),
        ]
        store.logs = [(0, "hello", "INFO"), (1, "<b>bad</b>", "ERROR"), (9, "future", "WARN")]
        store.doc = ("# Title\n\n<script>x</script>", "text/markdown")
        store.add("/log", "frame", 0)
        store.add("/log", "frame", 1)
        v.pump.tick(now=0.0)
        views = state_of(v)["views"]
        log_view = next(x for x in views if x["kind"] == "text_log")
        assert [r["text"] for r in log_view["rows"]] == ["hello", "<b>bad</b>"]  # up to the cursor
        assert log_view["rows"][1]["level"] == "ERROR"
        assert log_view["time_kind"] == "sequence"  # the browser formats row times as "#n"
        doc = next(x for x in views if x["kind"] == "text_document")
        assert "<h1>Title</h1>" in doc["html"] and "<script>" not in doc["html"]
    finally:
        v.close()


def test_mimebundle_carries_a_static_png() -> None:
    v, _, _ = make(width=400, height=300)
    try:
        data, _meta = v._repr_mimebundle_()
        assert "application/vnd.jupyter.widget-view+json" in data
        img = Image.open(io.BytesIO(base64.b64decode(data["image/png"])))
        assert img.size[0] > 0 and np.asarray(img).shape[1] == img.size[0]
    finally:
        v.close()


def test_missing_driver_shows_a_message_not_a_traceback() -> None:
    def factory(store: Any, w: int, h: int) -> Any:
        raise RuntimeError("Request adapter failed: no compatible adapter found (Vulkan)")

    v = Viewer(app_factory=factory, start=False)
    v.send = Recorder()  # type: ignore[method-assign]
    try:
        v.add_store("r", FakeStore())
        data, _ = v._repr_mimebundle_()
        assert data["text/plain"].startswith(NO_DRIVER_MESSAGE[:40])
        assert "mesa-vulkan-drivers" in state_of(v)["error"]
        assert "image/png" not in data
    finally:
        v.close()


def test_close_releases_renderer_and_store_subscription() -> None:
    v, store, _ = make()
    v.pump.start()
    app = v.apps[0]
    assert store.subs
    v.close()
    assert app.closed and not store.subs and v.pump._thread is None and v.closed
    v.close()  # idempotent


def test_rerunning_a_cell_closes_the_previous_widget(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = {"value": ("cell-1", "run-1")}
    monkeypatch.setattr(widget_mod, "_cell_context", lambda: ctx["value"])
    monkeypatch.setattr(widget_mod, "_by_cell", {})
    a, _, _ = make()
    b, _, _ = make()  # same run of the cell: both stay
    ctx["value"] = ("cell-1", "run-2")
    c, _, _ = make()
    try:
        assert a.closed and b.closed and not c.closed
    finally:
        c.close()


def test_live_data_reaches_the_browser_from_the_worker_thread() -> None:
    """New data triggers a frame without any call on the main thread."""
    import threading

    v, store, rec = make()
    got = threading.Event()

    def send(content: dict, buffers: Any = None) -> None:
        rec(content, buffers)
        if content.get("type") == "frame" and content["index"] >= 2:
            got.set()

    v.send = send  # type: ignore[method-assign]
    msg(v, type="visible", view="x", visible=True)
    v.pump.start()
    try:
        import time

        deadline = time.monotonic() + 5
        while not rec.of("frame") and time.monotonic() < deadline:
            time.sleep(0.01)
        msg(v, type="ack", index=1)
        store.add("/points", "frame", 1)
        assert got.wait(5.0)
        assert json.loads(v._state)["tree"][0]["path"] == "/points"
    finally:
        v.close()


def test_tensor_views_get_slice_sliders() -> None:
    from types import SimpleNamespace

    v, _, _ = make()
    try:
        app = v.apps[0]
        app.views = [SimpleNamespace(id="tensor:/t", kind="tensor", rect=(0, 0, 50, 50), name="t")]
        app.dirty = True
        v.pump.tick(now=0.0)
        tensor = state_of(v)["views"][0]["tensor"]
        assert tensor["shape"] == [4, 5, 6] and tensor["axes"] == [1, 2] and tensor["slice"]["0"] == 2
        msg(v, type="tensor_slice", view_id="tensor:/t", dim=0, index=3)
        v.pump.tick(now=0.1)
        assert app.slices == {0: 3} and state_of(v)["views"][0]["tensor"]["slice"]["0"] == 3
    finally:
        v.close()


def test_a_viewer_without_recordings_says_how_to_get_one() -> None:
    v = Viewer(app_factory=lambda *a: FakeApp(*a), start=False)
    try:
        v.send = Recorder()  # type: ignore[method-assign]
        v._prepare_now()
        assert "rr.init" in state_of(v)["hint"]
    finally:
        v.close()


def test_snapshot_draws_text_views_into_the_picture() -> None:
    from rerun_notebook.snapshot import _plain, draw_html_views

    frame = np.zeros((100, 200, 4), np.uint8)
    frame[..., 3] = 255
    views = [
        {
            "kind": "text_log",
            "rect": [0, 0, 200, 50],
            "name": "log",
            "rows": [{"time": 1, "entity": "/l", "level": "ERROR", "text": "boom"}],
        },
        {
            "kind": "text_document",
            "rect": [0, 50, 200, 50],
            "name": "doc",
            "html": "<h1>Hi</h1>\n<ul>\n<li>a</li>\n</ul>",
        },
        {"kind": "spatial3d", "rect": [0, 0, 10, 10], "name": "3d"},
    ]
    out = draw_html_views(frame, views)
    assert out.shape == frame.shape and (out[:50, :, 0] > 200).any() and (out[50:, :, :3] > 100).any()
    assert _plain("<h1>Hi</h1>\n<ul>\n<li>a</li>\n</ul>") == ["Hi", "", "- a", ""]


def test_displayed_widget_streams_before_its_view_reports_in() -> None:
    """A busy cell cannot read the view's "visible" message: once displayed, frames go out."""
    v, _, rec = make()
    try:
        v.pump.tick(now=0.0)
        assert rec.of("frame") == []
        v._repr_mimebundle_()
        v.pump.tick(now=1.0)
        assert len(rec.of("frame")) == 1
        msg(v, type="visible", view="real", visible=False)  # the real view takes over
        v.pump.request()
        v.pump.tick(now=2.0)
        assert len(rec.of("frame")) == 1
    finally:
        v.close()


def test_snapshot_formats_log_times_by_timeline_type_and_titles_pixel_views() -> None:
    from rerun_notebook.snapshot import _lines, draw_html_views, format_time

    assert [format_time("sequence", 3), format_time("duration", 1_500_000_000), format_time(None, 5)] == [
        "#3",
        "1.500s",
        "5",
    ]
    assert format_time("timestamp", 0) == "1970-01-01 00:00:00.000"
    assert format_time("sequence", None) == "–"
    log = {
        "kind": "text_log",
        "time_kind": "sequence",
        "rows": [{"time": 7, "entity": "/l", "level": "INFO", "text": "x"}],
    }
    assert _lines(log)[0][0].startswith("#7  /l  INFO")
    frame = np.zeros((60, 120, 4), np.uint8)
    frame[..., 3] = 255
    out = draw_html_views(frame, [{"kind": "spatial2d", "rect": [0, 0, 120, 60], "name": "/camera"}])
    assert (out[:20, :60, :3] > 60).any() and not (out[30:, :, :3] > 0).any()


def test_a_kinds_own_messages_reach_its_handler_and_unknown_ones_are_ignored() -> None:
    from rerun_core.viewer import view_registry
    from rerun_core.viewer.protocols import MessageContext

    got: list[tuple[str, int]] = []

    def bins(session: MessageContext, view_id: str, m: dict[str, Any]) -> None:
        session.session_change(lambda: got.append((view_id, int(m["bins"]))) is None)

    view_registry.register(
        view_registry.ViewKind(
            "histogram", view_registry.HtmlView, html=True, messages={"histogram_bins": bins}
        )
    )
    v, _, _ = make()
    try:
        msg(v, type="histogram_bins", view_id="histogram:/h", bins=12)
        msg(v, type="no_such_message", view_id="histogram:/h")
        assert got == [("histogram:/h", 12)]
        assert view_registry.message_handler("tensor_slice") is not None
        assert view_registry.message_handler("no_such_message") is None
    finally:
        v.close()
        view_registry.unregister("histogram")
