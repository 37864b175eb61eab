"""The palette's screens and dialogs, run in-process on the viewer-control handler (pages without a
browser): each opens on every page a client's command reaches, on the one page whose palette ran it,
and closes; the palette lists what can run now and runs an entry through the handler."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from rerun_core.proto.gen import viewer_control_pb2 as pb
from rerun_core.store.hub import StoreHub
from rerun_core.store.rrd import read_messages
from rerun_notebook import viewer_control_screen_commands as screens
from rerun_notebook.host import SessionHost
from rerun_notebook.session import ViewerSession
from rerun_notebook.viewer_control_ops import FullViewerControlHandler

from .conftest import write_steps


class _Page(SessionHost):
    """A page as the handler and the page messages see it: a session (no renderer: no recording
    reaches it), no opened URLs."""

    def __init__(self) -> None:
        self.session = ViewerSession(320, 240)
        self.sources = type("Sources", (), {"opened": {}})()


class _Web:
    def __init__(self, pages: list[_Page]) -> None:
        self.pages = pages

    def page_sessions(self) -> list[_Page]:
        return self.pages


def _viewer(tmp_path: Path, pages: int = 2) -> tuple[FullViewerControlHandler, list[_Page]]:
    hub = StoreHub(memory_limit=3 << 30)
    hub.insert_many(read_messages(write_steps(tmp_path / "steps.rrd")))
    web = _Web([_Page() for _ in range(pages)])
    return FullViewerControlHandler(hub, web), web.pages


def _modals(pages: list[_Page]) -> list[Any]:
    """Each page's open screen, as its published state says (``modals.js`` draws it)."""
    for page in pages:
        page.session._update_state()  # what the pump does at the next frame
    return [page.session.state()["modal"] for page in pages]


@pytest.mark.parametrize(
    ("command", "kind"),
    [
        ("ui.about", "about"),
        ("ui.open_settings", "settings"),
        ("ui.open_url_dialog", "open_url"),
        ("ui.open_add_server_dialog", "add_server"),
        ("ui.open_share_dialog", "share"),
        ("ui.toggle_command_palette", "palette"),
    ],
)
def test_a_clients_command_opens_its_screen_on_every_page(tmp_path: Path, command: str, kind: str) -> None:
    handler, pages = _viewer(tmp_path)
    answer = handler.run_command(pb.RunCommandRequest(id=command))
    assert answer.command.available and answer.command.scope == "global"
    assert [m["kind"] for m in _modals(pages)] == [kind, kind]


def test_about_names_version_platform_and_renderer(tmp_path: Path) -> None:
    handler, pages = _viewer(tmp_path, 1)
    handler.run_command(pb.RunCommandRequest(id="ui.about"))
    rows = dict(_modals(pages)[0]["rows"])
    assert rows["Version"].startswith("0.41.0")
    assert rows["Build"].startswith("Python 3.")
    assert "Renderer" in rows and "Platform" in rows


def test_settings_show_the_memory_limit(tmp_path: Path) -> None:
    handler, pages = _viewer(tmp_path, 1)
    handler.run_command(pb.RunCommandRequest(id="ui.open_settings"))
    assert _modals(pages)[0]["memory_limit"] == "3.0 GiB"


def test_palette_lists_what_can_run_now_and_toggles(tmp_path: Path) -> None:
    handler, pages = _viewer(tmp_path, 1)
    handler.run_command(pb.RunCommandRequest(id="ui.toggle_command_palette"))
    listed = {c["id"]: c for c in _modals(pages)[0]["commands"]}
    assert listed["ui.about"]["title"] == "About Rerun…"
    assert listed["recording.seek_to_start"]["shortcuts"] == ["Ctrl+Shift+Left"]
    assert "ui.toggle_command_palette" not in listed  # the palette itself is open
    assert "table.refresh" not in listed and "table.undo_blueprint_edit" not in listed  # no table shown
    handler.run_command(pb.RunCommandRequest(id="ui.toggle_command_palette"))
    assert _modals(pages) == [None]


def test_a_palette_entry_runs_on_its_own_page_only(tmp_path: Path) -> None:
    _handler, pages = _viewer(tmp_path)
    screens.run_from_page(pages[0], {"type": "run_command", "id": "ui.toggle_command_palette"})
    assert [m and m["kind"] for m in _modals(pages)] == ["palette", None]
    screens.run_from_page(pages[0], {"type": "run_command", "id": "ui.about"})  # the palette closes
    assert [m and m["kind"] for m in _modals(pages)] == ["about", None]
    pages[0]._dispatch_msg({"type": "close_modal"})  # Escape / the × button
    assert _modals(pages) == [None, None]


def test_the_palette_shortcut_on_a_page_toggles_it(tmp_path: Path) -> None:
    """Ctrl+P (or Ctrl+K) on a page with its palette open closes it, as 0.41's toggle does."""
    _handler, pages = _viewer(tmp_path, 1)
    toggle = {"type": "run_command", "id": "ui.toggle_command_palette"}
    screens.run_from_page(pages[0], toggle)
    assert _modals(pages)[0]["kind"] == "palette"
    screens.run_from_page(pages[0], toggle)
    assert _modals(pages) == [None]


def test_a_palette_entry_that_cannot_run_says_why(tmp_path: Path) -> None:
    _handler, pages = _viewer(tmp_path, 1)
    screens.run_from_page(pages[0], {"type": "run_command", "id": "table.undo_blueprint_edit"})
    modal = _modals(pages)[0]
    assert modal["kind"] == "error" and "cannot run right now" in modal["message"]


def test_share_names_the_url_the_data_came_from(tmp_path: Path) -> None:
    handler, pages = _viewer(tmp_path, 1)
    handler.run_command(pb.RunCommandRequest(id="ui.open_share_dialog"))
    assert _modals(pages)[0] == {"kind": "share", "source": None}  # read from a local file
    sid = handler.hub.recordings()[0]
    handler.loaded_from["https://example.com/steps.rrd"] = [sid]
    handler.run_command(pb.RunCommandRequest(id="ui.open_share_dialog"))
    assert _modals(pages)[0] == {"kind": "share", "source": "https://example.com/steps.rrd"}


def test_the_page_state_says_whether_the_palette_runs_here(tmp_path: Path) -> None:
    """The shortcuts (Ctrl+P, Ctrl+S, ...) are the palette's only where a handler runs them; a
    notebook's widget leaves them to the notebook."""
    from rerun_notebook.session_state import build_state

    screens._HANDLER.clear()
    assert build_state(ViewerSession(320, 240))["palette"] is False
    handler, _pages = _viewer(tmp_path, 1)
    assert build_state(ViewerSession(320, 240))["palette"] is True
    assert screens.attached() is handler


def test_add_view_or_container_goes_into_the_root_container(tmp_path: Path) -> None:
    from rerun_notebook import viewer_control_add_view as add_view

    handler, pages = _viewer(tmp_path, 1)
    handler.run_command(pb.RunCommandRequest(id="recording.open_add_view_or_container_dialog"))
    modal = _modals(pages)[0]
    assert modal["kind"] == "add_view" and modal["store_id"] == "Recording:control_test:steps"
    assert {"class": "TimeSeries", "name": "Time series"} in modal["views"]
    assert modal["containers"] == ["Tabs", "Horizontal", "Vertical", "Grid"]

    view = add_view.add_to_viewport(handler, modal["store_id"], "view", "TextLog")
    box = add_view.add_to_viewport(handler, modal["store_id"], "container", "Grid")
    layout = json.loads(handler.get_blueprint(pb.GetBlueprintRequest()).json)
    root = layout["/viewport"]["ViewportBlueprint"]["root_container"]
    contents = [c.lstrip("/") for c in layout[f"/container/{root}"]["ContainerBlueprint"]["contents"]]
    assert contents[-2:] == [view[1:], box[1:]] and len(contents) == 3  # the heuristic's 3D view stays
    assert layout[view]["ViewBlueprint"]["class_identifier"] == "TextLog"
    assert layout[box]["ContainerBlueprint"]["container_kind"] == "Grid"
    handler.run_command(pb.RunCommandRequest(id="recording.undo_blueprint_edit"))  # an edit: undone
    layout = json.loads(handler.get_blueprint(pb.GetBlueprintRequest()).json)
    assert box not in layout and view in layout


def test_settings_is_a_screen_of_its_own_as_in_0_41(tmp_path: Path) -> None:
    """0.41: the settings screen is the location `about:settings`, with no active recording (so no
    recording command is available); navigating to a recording leaves it."""
    handler, pages = _viewer(tmp_path, 1)
    recording = "about:recording?app_id=control_test&recording_id=steps"
    assert handler._active_sid() is not None
    handler.run_command(pb.RunCommandRequest(id="ui.open_settings"))
    state = handler.get_state(pb.GetStateRequest())
    assert state.location == "about:settings" and not state.HasField("active_store_id")
    described = handler.describe_commands(pb.DescribeCommandsRequest(ids=["recording.save"]))
    assert not described.commands[0].available
    handler.set_location(pb.SetLocationRequest(location=recording))
    assert _modals(pages) == [None]
    assert handler._active_sid() is not None
    handler.set_location(pb.SetLocationRequest(location="about:settings"))
    assert _modals(pages)[0]["kind"] == "settings"
    pages[0]._dispatch_msg({"type": "close_modal"})  # its close button: back to the recording
    assert handler._active_sid() is not None

    handler.run_command(pb.RunCommandRequest(id="ui.open_settings"))
    handler.hub.insert_many(read_messages(write_steps(tmp_path / "new.rrd", recording_id="new")))
    handler.hub.set_active_recording(handler.hub.recordings()[-1])  # a new recording arrives
    state = handler.get_state(pb.GetStateRequest())
    assert state.location != "about:settings" and _modals(pages) == [None]


def test_a_palette_entry_acts_on_the_recording_its_page_shows(tmp_path: Path) -> None:
    handler, pages = _viewer(tmp_path)
    handler.hub.insert_many(read_messages(write_steps(tmp_path / "other.rrd", recording_id="other")))
    assert len(handler.hub.recordings()) == 2
    pages[1].session.active = "steps"  # the first page shows the newest ("other"), this one "steps"
    pages[0].session.active = "other"
    screens.run_from_page(
        pages[1], {"type": "run_command", "id": "recording.open_add_view_or_container_dialog"}
    )
    assert [m and m.get("store_id") for m in _modals(pages)] == [None, "Recording:control_test:steps"]


class _Panel:
    """A page's sources panel as the server commands see it: the servers it lists."""

    def __init__(self, *origins: str) -> None:
        self.servers: dict[str, Any] = dict.fromkeys(origins)
        self._lock = threading.RLock()
        self.error: str | None = None
        self.pushed: list[Any] = []

    def remove_server(self, url: str) -> None:
        self.servers.pop(url, None)

    def add_server(self, url: str) -> None:
        self.servers[url] = None

    def push(self, payload: Any) -> None:
        self.pushed.append(payload)

    def payload(self) -> dict[str, Any]:
        return {"servers": sorted(self.servers)}


def test_edit_server_replaces_it_in_the_sources_panel(tmp_path: Path) -> None:
    handler, [page] = _viewer(tmp_path, 1)
    old, new = "rerun+http://127.0.0.1:9876", "rerun+http://127.0.0.1:9877"
    page.sources.panel = _Panel(old)
    with pytest.raises(Exception, match="no server is selected; pass `server_origin`"):
        handler.run_command(pb.RunCommandRequest(id="server.open_edit_dialog"))  # as 0.41
    answer = handler.run_command(pb.RunCommandRequest(id="server.open_edit_dialog", server_origin=old))
    assert answer.command.target == old
    assert _modals([page]) == [{"kind": "edit_server", "origin": old}]
    page._dispatch_msg({"type": "edit_server", "origin": old, "url": new})  # the dialog's Save
    for _ in range(100):
        if page.sources.panel.pushed:
            break
        time.sleep(0.05)
    assert page.sources.panel.pushed == [{"servers": [new]}]
    assert _modals([page]) == [None]


class _Opened:
    """A page's URL sources as the real sources panel needs them: one URL opened from a server."""

    def __init__(self, session: ViewerSession, url: str) -> None:
        self.session = session
        self.opened: dict[str, Any] = {url: None}
        self.closed: list[str] = []

    def close(self, url: str) -> None:
        self.closed.append(url)
        self.opened.pop(url, None)


@pytest.mark.parametrize("typed", ["not a server url", "rerun+http://127.0.0.1:9876/proxy", "same"])
def test_an_edit_that_changes_nothing_or_fails_keeps_the_server(tmp_path: Path, typed: str) -> None:
    """The edit dialog's Save with a URL that is not a server's (a typo, a viewer's proxy) leaves the
    server listed and what was opened from it open, saying why; the same URL lists it again."""
    from rerun_notebook.sources_panel import SourcesPanel

    _handler, [page] = _viewer(tmp_path, 1)
    old = "rerun+http://127.0.0.1:9"  # nothing listens there: listing fails at once
    segment = old + "/dataset/abc?segment_id=s"
    pushed: list[dict[str, Any]] = []
    sources = _Opened(page.session, segment)
    page.sources = sources
    page.sources.panel = SourcesPanel(sources, pushed.append)  # type: ignore[arg-type]
    page.sources.panel.add_server(old, listed=False)
    page._dispatch_msg({"type": "edit_server", "origin": old, "url": old if typed == "same" else typed})
    for _ in range(200):
        if pushed:
            break
        time.sleep(0.05)
    assert pushed and [s["url"] for s in pushed[-1]["servers"]] == [old]
    assert sources.closed == [] and segment in sources.opened
    assert (page.sources.panel.error is None) == (typed == "same")
