"""Palette commands run in-process on the viewer-control handler (no viewer process): the website
links open the desktop's browser, never a console one; the store prints go to standard output."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import pytest

from rerun_core.proto.gen import viewer_control_pb2 as pb
from rerun_core.store.hub import StoreHub
from rerun_core.store.rrd import read_messages
from rerun_notebook import viewer_control_more_commands as more
from rerun_notebook.viewer_control_ops import FullViewerControlHandler

from .conftest import write_steps


def _handler(tmp_path: Path) -> FullViewerControlHandler:
    hub = StoreHub()
    hub.insert_many(read_messages(write_steps(tmp_path / "steps.rrd")))
    return FullViewerControlHandler(hub, None)


def test_website_opens_in_the_desktop_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    done = threading.Event()

    def fake_open(url: str) -> bool:
        opened.append(url)
        done.set()
        return True

    monkeypatch.setattr(more.webbrowser, "open", fake_open)
    monkeypatch.setenv("DISPLAY", ":99")
    handler = _handler(tmp_path)
    handler.run_command(pb.RunCommandRequest(id="ui.open_docs_website"))
    assert done.wait(10)
    assert opened == ["https://www.rerun.io/docs"]


def test_website_without_a_display_is_only_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    opened: list[Any] = []
    monkeypatch.setattr(more.webbrowser, "open", opened.append)
    monkeypatch.setattr(more.sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    handler = _handler(tmp_path)
    with caplog.at_level(logging.WARNING, logger=more.__name__):
        handler.run_command(pb.RunCommandRequest(id="ui.open_discord_website"))
    assert opened == []
    assert "No display to open https://discord.gg/Gcm8BbTaAj" in caplog.text


def test_print_chunk_store_goes_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    handler = _handler(tmp_path)
    answer = handler.run_command(pb.RunCommandRequest(id="recording.print_chunk_store"))
    assert answer.command.target == "Recording:control_test:steps"
    out = capsys.readouterr().out
    assert "ChunkStore(" in out and "/pts" in out and "Points3D:positions" in out


class _Page:
    """A page as the handler sees it (``web.page_sessions()``): its session's UI zoom."""

    def __init__(self) -> None:
        self.session = self
        self.active = None  # the hub's newest recording is the active one
        self.zooms: list[float] = []

    def set_ui_zoom(self, zoom: float) -> None:
        self.zooms.append(zoom)


class _Web:
    def __init__(self, pages: list[_Page]) -> None:
        self.pages = pages

    def page_sessions(self) -> list[_Page]:
        return self.pages


def test_ui_zoom_steps_as_egui_on_every_page(tmp_path: Path) -> None:
    hub = StoreHub()
    hub.insert_many(read_messages(write_steps(tmp_path / "steps.rrd")))
    pages = [_Page(), _Page()]
    handler = FullViewerControlHandler(hub, _Web(pages))
    for command in ("ui.zoom_in_ui", "ui.zoom_in_ui", "ui.zoom_out_ui", "ui.reset_ui_zoom", "ui.zoom_out_ui"):
        answer = handler.run_command(pb.RunCommandRequest(id=command))
        assert answer.command.available and answer.command.scope == "global"
    assert [p.zooms for p in pages] == [[1.1, 1.2, 1.1, 1.0, 0.9]] * 2


def test_ui_zoom_stays_within_egui_bounds() -> None:
    from rerun_notebook.viewer_control_ui_commands import ZOOM_STEP, next_zoom

    zoom = 1.0
    for _ in range(60):
        zoom = next_zoom(zoom, ZOOM_STEP)
    assert zoom == 5.0
    for _ in range(60):
        zoom = next_zoom(zoom, -ZOOM_STEP)
    assert zoom == 0.2
    assert next_zoom(3.7, 0) == 1.0


def test_ui_zoom_is_in_the_page_state() -> None:
    from rerun_notebook.session import ViewerSession
    from rerun_notebook.session_state import build_state

    session = ViewerSession(320, 240)
    assert build_state(session)["ui_zoom"] == 1.0
    session.set_ui_zoom(1.3)
    assert build_state(session)["ui_zoom"] == 1.3
