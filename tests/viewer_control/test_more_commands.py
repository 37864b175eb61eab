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
