"""`rr.serve_web_viewer`: the page shows a gRPC endpoint (`connect_to`) or this process's recording."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from websockets.sync.client import connect

import rerun as rr
from rerun import _web
from tests.server.rerun_procs import free_port
from tests.web.wsclient import recv_state, showing

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]


@pytest.fixture(autouse=True)
def _stop_servers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("DISPLAY", raising=False)  # never open a real browser from a test
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    yield
    _web.stop_web_viewers()
    rr.disconnect()


def _state_with(url: str, recording: str, entity: str, timeout: float = 60) -> dict[str, Any]:
    with connect(url.replace("http://", "ws://") + "/ws") as ws:
        return recv_state(ws, showing(recording, entity), timeout)


def test_connect_to_shows_the_grpc_endpoint(capsys: pytest.CaptureFixture[str]) -> None:
    rr.init("web_sdk", recording_id="via-grpc", spawn=False)
    url = rr.serve_grpc(grpc_port=free_port())
    rr.log("value", rr.Scalars(1.0))
    rr.serve_web_viewer(web_port=0, open_browser=True, connect_to=url)
    (server, _feed) = _web._servers[-1]
    assert _state_with(server.url, "via-grpc", "/value")["active"] == "via-grpc"
    assert f"Rerun web viewer serving at {server.url} showing {url}" in capsys.readouterr().err


def test_without_connect_to_the_page_shows_this_process() -> None:
    rr.init("web_sdk", recording_id="in-process", spawn=False)
    rr.log("points", rr.Points2D([[0, 0], [1, 1]]))
    rr.serve_web_viewer(web_port=0, open_browser=False)
    (server, _feed) = _web._servers[-1]
    rr.log("later", rr.TextLog("logged after the page was served"))
    _state_with(server.url, "in-process", "/points")
    _state_with(server.url, "in-process", "/later")


def test_bad_connect_to_and_busy_port_are_clear_errors() -> None:
    with pytest.raises(ValueError):
        rr.serve_web_viewer(open_browser=False, connect_to="ftp://nowhere")
    rr.serve_web_viewer(web_port=0, open_browser=False)
    (server, _feed) = _web._servers[-1]
    with pytest.raises(OSError, match=f"port {server.port} .*already in use"):
        rr.serve_web_viewer(web_port=server.port, open_browser=False)


def test_script_setup_serve_web_hosts_the_page_for_its_endpoint(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import argparse

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(rr.RecordingStream, "serve_grpc", lambda self, **kw: "rerun+http://127.0.0.1:1/proxy")
    monkeypatch.setattr(_web, "serve_web_viewer", lambda **kw: calls.append(kw))
    parser = argparse.ArgumentParser()
    rr.script_add_args(parser)
    rr.script_setup(parser.parse_args(["--serve-web"]), "web_script")
    assert calls == [{"web_port": None, "open_browser": True, "connect_to": "rerun+http://127.0.0.1:1/proxy"}]

    def busy(**kw: Any) -> None:
        raise OSError("port 9090 on 127.0.0.1 is already in use")

    monkeypatch.setattr(_web, "serve_web_viewer", busy)
    rr.script_setup(parser.parse_args(["--serve-web"]), "web_script")  # a message, not a crash
    assert "port 9090 on 127.0.0.1 is already in use" in capsys.readouterr().err
