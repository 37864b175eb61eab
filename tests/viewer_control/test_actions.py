"""The palette's actions and developer panels, run in-process on the viewer-control handler over
real page sessions (a fake renderer): the dev panel's numbers, the chunk store browser's pages, the
panel state overrides, the clipboard copies each page gets, the primary-cache print, the reset."""

from __future__ import annotations

import base64
import logging
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from rerun_core.proto.gen import viewer_control_pb2 as pb
from rerun_core.store.hub import StoreHub
from rerun_core.store.rrd import read_messages
from rerun_notebook import dev_panels
from rerun_notebook.dev_panels import actions
from rerun_notebook.session import ViewerSession
from rerun_notebook.viewer_control_ops import FullViewerControlHandler
from tests.notebook.fakes import FakeApp

from .conftest import write_steps


class _Stats:
    def __init__(self) -> None:
        self.sent_frames, self.render_s, self.encode_s = 0, 0.0, 0.0


class _Pump:
    def __init__(self) -> None:
        self.stats = _Stats()


class _Page:
    def __init__(self, hub: StoreHub) -> None:
        self.session = ViewerSession(320, 240, app_factory=FakeApp)
        self.pump = _Pump()
        for sid in hub.recordings():
            self.session.add_store(sid.recording_id, hub.get(sid), application_id=sid.application_id)


class _Web:
    def __init__(self, pages: list[_Page]) -> None:
        self.pages = pages

    def page_sessions(self) -> list[_Page]:
        return self.pages


@pytest.fixture
def setup(tmp_path: Path) -> tuple[FullViewerControlHandler, list[_Page]]:
    hub = StoreHub()
    hub.insert_many(read_messages(write_steps(tmp_path / "steps.rrd")))
    pages = [_Page(hub), _Page(hub)]
    handler = FullViewerControlHandler(hub, _Web(pages))
    yield handler, pages
    for page in pages:
        page.session.close()


def _run(handler: FullViewerControlHandler, command: str) -> pb.ViewerCommand:
    return handler.run_command(pb.RunCommandRequest(id=command)).command


def _dev(page: _Page) -> dict[str, Any]:
    page.session._update_state()
    return page.session.state()["dev"]  # type: ignore[no-any-return]


def test_dev_panel_shows_ram_store_and_frame_rates(setup: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    handler, pages = setup
    assert _dev(pages[0])["dev_panel"] is None
    command = _run(handler, "ui.toggle_dev_panel")
    assert command.available and command.scope == "global"
    store = handler.hub.get(handler.hub.recordings()[0])
    first = _dev(pages[0])["dev_panel"]
    assert first["ram_bytes"] > 10_000_000  # a Python process with pyarrow loaded
    assert (first["store_bytes"], first["chunks"], first["rows"]) == (
        store.num_bytes,
        store.stats().num_chunks,
        store.stats().num_rows,
    )
    clock = iter([100.0, 102.0])
    monkeypatch.setattr(dev_panels, "clock", lambda: next(clock))
    actions(pages[0].session)._sample = None  # measured from here on
    stats = pages[0].pump.stats
    stats.sent_frames, stats.render_s, stats.encode_s = 10, 0.5, 0.1
    _dev(pages[0])
    stats.sent_frames, stats.render_s, stats.encode_s = 30, 1.5, 0.3
    later = _dev(pages[0])["dev_panel"]
    assert (later["fps"], later["render_ms"], later["encode_ms"], later["frames"]) == (10.0, 50.0, 10.0, 30)
    _run(handler, "ui.toggle_dev_panel")
    assert [_dev(p)["dev_panel"] for p in pages] == [None, None]


def test_chunk_store_browser_lists_every_chunk_a_page_at_a_time(setup: Any, tmp_path: Path) -> None:
    handler, pages = setup
    sid = handler.hub.recordings()[0]
    store = handler.hub.get(sid)
    monkey_page = 3
    old = dev_panels.CHUNK_PAGE_SIZE
    dev_panels.CHUNK_PAGE_SIZE = monkey_page
    try:
        _run(handler, "ui.toggle_chunk_store_browser")
        seen: list[dict[str, Any]] = []
        first = _dev(pages[1])["chunks"]
        total = first["total"]
        assert total == len(store.chunks()) and first["pages"] == -(-total // monkey_page)
        for page in range(first["pages"]):
            actions(pages[1].session).chunk_page = page
            seen += _dev(pages[1])["chunks"]["rows"]
    finally:
        dev_panels.CHUNK_PAGE_SIZE = old
    assert sorted(r["id"] for r in seen) == sorted(str(c.id) for c in store.chunks())
    by_id = {str(c.id): c for c in store.chunks()}
    for row in seen:
        chunk = by_id[row["id"]]
        assert row["rows"] == chunk.num_rows and row["bytes"] == chunk.num_bytes
        assert row["entity"] == "/" + str(chunk.entity_path).lstrip("/")
    pts = [r for r in seen if r["entity"] == "/pts"]
    assert pts and "Points3D:positions" in pts[0]["components"] and "step" in pts[0]["timelines"]
    before = _dev(pages[1])["chunks"]["total"]
    handler.hub.insert_many(read_messages(write_steps(tmp_path / "more.rrd")))  # more of the same recording
    assert _dev(pages[1])["chunks"]["total"] == len(store.chunks()) > before


def test_panel_state_overrides_toggle_the_states_set_from_code(setup: Any) -> None:
    handler, pages = setup
    session = pages[0].session
    session.set_panel_states({"blueprint": "hidden"})
    session._update_state()
    assert session.state()["panels"] == {"blueprint": "hidden"}
    _run(handler, "ui.toggle_panel_state_overrides")
    session._update_state()
    assert session.state()["panels"] == {} and session.state()["dev"]["overrides_active"] is False
    _run(handler, "ui.toggle_panel_state_overrides")
    session._update_state()
    assert session.state()["panels"] == {"blueprint": "hidden"}


def test_entity_hierarchy_goes_to_every_page_clipboard(setup: Any) -> None:
    handler, pages = setup
    _run(handler, "ui.copy_entity_hierarchy_to_clipboard")
    clips = [_dev(p)["clipboard"] for p in pages]
    assert clips[0] == clips[1] and clips[0]["text"] == "/\n  pts"


def test_direct_link_is_where_the_recording_came_from(setup: Any, tmp_path: Path) -> None:
    handler, pages = setup
    sid = handler.hub.recordings()[0]
    _run(handler, "ui.copy_direct_link_to_clipboard")
    assert _dev(pages[0])["clipboard"] is None  # not opened from a file or URL: nothing to link
    handler.loaded_from["rerun+http://127.0.0.1:1/dataset/abc?segment_id=steps"] = [sid]
    pages[0].session.set_time_ctrl("step", 4, False)
    _run(handler, "ui.copy_direct_link_to_clipboard")
    assert (
        _dev(pages[0])["clipboard"]["text"]
        == "rerun+http://127.0.0.1:1/dataset/abc?segment_id=steps#when=step@4"
    )


def test_time_selection_link_as_0_41_words_it(setup: Any, caplog: pytest.LogCaptureFixture) -> None:
    handler, pages = setup
    sid = handler.hub.recordings()[0]
    with caplog.at_level(logging.WARNING):
        _run(handler, "ui.copy_time_selection_link_to_clipboard")
        assert "The current recording doesn't support sharing a time range" in caplog.text
        handler.loaded_from["rerun+http://127.0.0.1:1/dataset/abc?segment_id=steps"] = [sid]
        _run(handler, "ui.copy_time_selection_link_to_clipboard")
        assert "No timeline selection to copy" in caplog.text
    for page in pages:
        page.session.time.timeline = "step"
        page.session.time.selections["step"] = (2, 6)
    _run(handler, "ui.copy_time_selection_link_to_clipboard")
    assert _dev(pages[1])["clipboard"]["text"] == (
        "rerun+http://127.0.0.1:1/dataset/abc?segment_id=steps#time_selection=step@2..6"
    )


def test_screenshot_goes_to_the_clipboard_as_png(setup: Any, caplog: pytest.LogCaptureFixture) -> None:
    handler, pages = setup
    with caplog.at_level(logging.INFO):
        _run(handler, "ui.copy_screenshot_to_clipboard")
    assert "Screenshot copied to clipboard" in caplog.text
    png = base64.b64decode(_dev(pages[0])["clipboard"]["png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_print_primary_cache_prints_the_store_state(setup: Any, capsys: pytest.CaptureFixture[str]) -> None:
    handler, _pages = setup
    command = _run(handler, "recording.print_primary_cache")
    assert command.scope == "recording" and command.target == "Recording:control_test:steps"
    out = capsys.readouterr().out
    assert '[Store @ StoreId(Recording, "control_test", "steps")]' in out
    assert "[/pts:Points3D:positions on 'step'] 10 rows in" in out


def test_reset_viewer_forgets_the_ui_state(setup: Any) -> None:
    handler, pages = setup
    for command in ("ui.zoom_in_ui", "ui.toggle_dev_panel", "ui.toggle_chunk_store_browser"):
        _run(handler, command)
    session = pages[0].session
    session.set_panel_states({"time": "collapsed"})
    session.selection = [{"type": "entity", "entity_path": "/pts"}]
    session.hidden.add("/pts")
    command = _run(handler, "ui.reset_viewer")
    assert command.destructive and command.available
    state = (session._update_state(), session.state())[1]
    assert (state["ui_zoom"], state["panels"], state["selection"], handler.ui_zoom) == (1.0, {}, [], 1.0)
    assert state["dev"]["dev_panel"] is None and state["dev"]["chunks"] is None
    assert state["dev"]["reset_seq"] == 1 and not session.hidden
    assert handler.hub.recordings()  # the recordings stay open


def test_back_and_forward_go_through_the_recordings_shown(tmp_path: Path) -> None:
    hub = StoreHub()
    for name in ("one", "two", "three"):
        hub.insert_many(read_messages(write_steps(tmp_path / f"{name}.rrd", recording_id=name)))
    pages = [_Page(hub), _Page(hub)]  # each showed one, two, three in turn
    handler = FullViewerControlHandler(hub, _Web(pages))
    pages[0].session.set_active("one")  # history: one, two, three, one

    def shown() -> list[str | None]:
        return [p.session.active for p in pages]

    _run(handler, "ui.navigate_back_in_history")
    assert shown() == ["three", "three"] and hub.active_recording_id.recording_id == "three"
    _run(handler, "ui.navigate_back_in_history")
    _run(handler, "ui.navigate_back_in_history")
    assert shown() == ["one", "one"]
    _run(handler, "ui.navigate_back_in_history")  # the start: nothing before it
    assert shown() == ["one", "one"]
    _run(handler, "ui.navigate_forward_in_history")
    assert shown() == ["two", "two"]
    pages[0].session.set_active("three")  # a new location drops the forward ones
    _run(handler, "ui.navigate_forward_in_history")
    assert pages[0].session.active == "three"
    _run(handler, "ui.toggle_chunk_store_browser")  # a step of its own: back closes it
    _run(handler, "ui.navigate_back_in_history")
    assert handler.get_state(pb.GetStateRequest()).location.startswith("about:recording?")
    assert pages[0].session.active == "three"
    hub.remove(next(s for s in hub.recordings() if s.recording_id == "two"))
    pages[0].session.stores.pop("two")
    handler.tables.put("t1", pa.table({"a": [1]}))
    handler.tables.show("t1")  # no step of its own: back goes to the recording before three
    _run(handler, "ui.navigate_back_in_history")  # a closed recording (two) is skipped
    assert pages[0].session.active == "one" and handler.tables.shown is None
    for page in pages:
        page.session.close()


class _Sources:
    """A page's URL sources as the sources panel needs them (nothing opened)."""

    def __init__(self, session: ViewerSession) -> None:
        self.session = session
        self.opened: dict[str, Any] = {}
        self.closed: list[str] = []

    def close(self, url: str) -> None:
        self.closed.append(url)


def test_server_commands_act_on_the_sources_panels_server(setup: Any) -> None:
    from rerun_notebook.sources_panel import SourcesPanel

    handler, pages = setup
    origin = "rerun+http://127.0.0.1:9"  # nothing listens there: listing it fails at once
    pushed: list[dict[str, Any]] = []
    for page in pages:
        page.sources = type("S", (), {})()
        page.sources.panel = SourcesPanel(_Sources(page.session), pushed.append)  # type: ignore[arg-type]
        page.sources.panel.add_server(origin, listed=False)
    # without `server_origin` no server is selected (this viewer has no server screen), as 0.41 says
    [described] = handler.describe_commands(pb.DescribeCommandsRequest(ids=["server.refresh"])).commands
    assert (described.available, described.scope) == (False, "server")
    with pytest.raises(LookupError, match="no server is selected; pass `server_origin`"):
        _run(handler, "server.refresh")
    with pytest.raises(
        LookupError, match=re.escape("The viewer is not connected to the server rerun+http://10.0.0.1:1")
    ):
        handler.run_command(
            pb.RunCommandRequest(id="server.refresh", server_origin="rerun+http://10.0.0.1:1")
        )
    with pytest.raises(
        ValueError, match=re.escape('only applies to `server.*` commands, not to "ui.toggle_dev_panel"')
    ):
        handler.run_command(pb.RunCommandRequest(id="ui.toggle_dev_panel", server_origin=origin))

    command = handler.run_command(
        pb.RunCommandRequest(id="server.copy_url_to_clipboard", server_origin=origin)
    )
    assert (command.command.available, command.command.target) == (True, origin)
    assert _dev(pages[0])["clipboard"]["text"] == origin

    handler.run_command(pb.RunCommandRequest(id="server.refresh", server_origin=origin))
    panel = pages[1].sources.panel
    assert _until(lambda: panel.servers[origin].error)  # listed again: refused by the empty port
    handler.run_command(pb.RunCommandRequest(id="server.remove", server_origin=origin))
    assert _until(lambda: all(origin not in p.sources.panel.servers for p in pages))
    assert _until(lambda: pushed and not pushed[-1]["servers"])  # the pages' panels list it no more


def _until(check: Any, limit: float = 20) -> Any:
    import time

    deadline = time.monotonic() + limit
    while not (value := check()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return value


def test_chunk_store_browser_is_a_location_as_in_0_41(setup: Any) -> None:
    handler, _pages = setup

    def where() -> tuple[str, bool]:
        state = handler.get_state(pb.GetStateRequest())
        return state.location, state.HasField("active_store_id")

    recording = "about:recording?app_id=control_test&recording_id=steps"
    assert where() == (recording, True)
    _run(handler, "ui.toggle_chunk_store_browser")
    assert where() == ("about:chunk_store?app_id=control_test&recording_id=steps", False)
    _run(handler, "ui.toggle_chunk_store_browser")
    assert where() == (recording, True)
    _run(handler, "ui.toggle_chunk_store_browser")
    handler.set_location(pb.SetLocationRequest(location=recording))  # going to a recording closes it
    assert where() == (recording, True)


def test_the_page_pages_the_chunk_browser_and_closes_the_panels(setup: Any) -> None:
    from rerun_notebook import host as host_module

    handler, pages = setup
    for command in ("ui.toggle_dev_panel", "ui.toggle_chunk_store_browser"):
        _run(handler, command)
    page = pages[0]
    dev_panels.CHUNK_PAGE_SIZE, old = 1, dev_panels.CHUNK_PAGE_SIZE
    try:
        host_module._HANDLERS["dev_chunk_page"](page, {"type": "dev_chunk_page", "page": 1})  # type: ignore[arg-type]
        shown = _dev(page)["chunks"]
        assert (shown["page"], len(shown["rows"])) == (1, 1)
        host_module._HANDLERS["dev_chunk_page"](page, {"type": "dev_chunk_page", "page": 99})  # type: ignore[arg-type]
        assert _dev(page)["chunks"]["page"] == _dev(page)["chunks"]["pages"] - 1  # kept within the pages
    finally:
        dev_panels.CHUNK_PAGE_SIZE = old
    host_module._HANDLERS["dev_close"](page, {"type": "dev_close", "panel": "chunks"})  # type: ignore[arg-type]
    host_module._HANDLERS["dev_close"](page, {"type": "dev_close", "panel": "dev"})  # type: ignore[arg-type]
    assert (_dev(page)["chunks"], _dev(page)["dev_panel"]) == (None, None)
    assert _dev(pages[1])["chunks"] is not None  # the other page's stay open


def test_a_clipboard_payload_nobody_publishes_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page whose state is not built again (the headless viewer's offscreen page) still drops a
    copy after CLIPBOARD_KEEP_S, and the timer that looks again stops."""
    import time

    monkeypatch.setattr(dev_panels, "STATS_PERIOD_S", 0.05)
    monkeypatch.setattr(dev_panels, "CLIPBOARD_KEEP_S", 0.1)
    session = ViewerSession(320, 240, app_factory=FakeApp)
    try:
        acts = actions(session)
        acts.to_clipboard(text="copied")
        dev_panels.keep_measuring(session)
        deadline = time.monotonic() + 10
        while (acts._timer is not None or acts.clipboard is not None) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert acts.clipboard is None and acts._timer is None
    finally:
        session.close()
