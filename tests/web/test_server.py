"""The web viewer server: static files, one session per socket, state, frames and the ack flow."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

import rerun as rr
from rerun.sinks import StoreSink
from rerun_core.store.hub import StoreHub
from rerun_notebook.web.page import frame_packet, split_packet
from rerun_notebook.web.server import WebPortInUseError, WebViewerServer
from tests.notebook.fakes import FakeApp
from tests.web.wsclient import recv_frame, recv_state

STILL = {"max_fps": 1000.0, "stall_timeout": 60.0, "idle_poll": 0.01}


def _hub_with_points() -> StoreHub:
    hub = StoreHub()
    rec = rr.RecordingStream("web_test", recording_id="rec1")
    rec._add_sink(StoreSink(hub))
    rec.log("points", rr.Points3D([[0, 0, 0], [1, 1, 1]]))
    rec.flush()
    return hub


@pytest.fixture
def server() -> Any:
    srv = WebViewerServer(_hub_with_points(), port=0, app_factory=FakeApp, pump_options=STILL).start()
    yield srv
    srv.stop()


def _recv(ws: ClientConnection, want: str, limit: float = 10.0) -> Any:
    """The next `state` (panel state dict) or `frame` ((header, picture)) message."""
    return recv_state(ws, timeout=limit) if want == "state" else recv_frame(ws, limit)


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.headers["Content-Type"], r.read()
    except urllib.error.HTTPError as err:
        return err.code, "", b""


def test_page_files_are_served(server: WebViewerServer) -> None:
    status, ctype, body = _get(server.url + "/")
    assert status == 200 and ctype.startswith("text/html") and b"page.js" in body
    status, ctype, body = _get(server.url + "/widget.js")
    assert status == 200 and "javascript" in ctype and b"export default" in body
    assert _get(server.url + "/socket_model.js")[0] == 200
    assert _get(server.url + "/widget.css")[0] == 200
    assert _get(server.url + "/nope")[0] == 404


def test_state_then_frame_then_acks(server: WebViewerServer) -> None:
    with connect(server.url.replace("http", "ws") + "/ws") as ws:
        ws.send(json.dumps({"type": "resize", "width": 320, "height": 200}))
        ws.send(json.dumps({"type": "visible", "view": "v1", "visible": True}))
        state = _recv(ws, "state")
        assert state["recordings"] == ["rec1"] and state["active"] == "rec1"
        header, payload = _recv(ws, "frame")
        assert header["type"] == "frame" and header["index"] >= 1
        assert payload[:4] == b"\x89PNG" or payload[:2] == b"\xff\xd8"  # PNG still, JPEG moving
        assert (header["width"], header["height"]) == (320, 200)
        ws.send(json.dumps({"type": "ack", "index": header["index"]}))
        assert server.pages == 1


def test_unacked_frames_are_capped_at_two(server: WebViewerServer) -> None:
    with connect(server.url.replace("http", "ws") + "/ws") as ws:
        ws.send(json.dumps({"type": "visible", "view": "v1", "visible": True}))
        frames = [_recv(ws, "frame")]
        # Keep the picture changing without acking: at most two frames may be in flight.
        for i in range(20):
            ev = {"event_type": "pointer_move", "x": i, "y": i, "buttons": [1], "modifiers": []}
            ws.send(json.dumps({"type": "input", "event": ev}))
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            try:
                msg = ws.recv(timeout=max(0.01, end - time.monotonic()))
            except TimeoutError:
                break
            if isinstance(msg, bytes):
                frames.append(split_packet(msg))
        assert len(frames) == 2
        ws.send(json.dumps({"type": "ack", "index": frames[-1][0]["index"]}))
        header, _ = _recv(ws, "frame")
        assert header["index"] == frames[-1][0]["index"] + 1


def test_hidden_page_gets_no_frames(server: WebViewerServer) -> None:
    with connect(server.url.replace("http", "ws") + "/ws") as ws:
        ws.send(json.dumps({"type": "visible", "view": "v1", "visible": False}))
        _recv(ws, "state")
        end = time.monotonic() + 0.5
        while time.monotonic() < end:
            try:
                msg = ws.recv(timeout=max(0.01, end - time.monotonic()))
            except TimeoutError:
                break
            assert not isinstance(msg, bytes), "a frame went to a hidden page"


def test_each_tab_has_its_session_and_closing_frees_it(server: WebViewerServer) -> None:
    url = server.url.replace("http", "ws") + "/ws"
    with connect(url) as a, connect(url) as b:
        for ws in (a, b):
            ws.send(json.dumps({"type": "visible", "view": "v", "visible": True}))
            assert _recv(ws, "frame")[0]["index"] == 1  # each page counts its own frames
        assert server.pages == 2
    deadline = time.monotonic() + 5
    while server.pages and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.pages == 0


def test_new_recordings_show_up_on_open_pages(server: WebViewerServer) -> None:
    with connect(server.url.replace("http", "ws") + "/ws") as ws:
        _recv(ws, "state")
        rec = rr.RecordingStream("web_test", recording_id="rec2")
        rec._add_sink(StoreSink(server.hub))
        rec.log("x", rr.Points2D([[0, 0]]))
        rec.flush()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            state = _recv(ws, "state")
            if "rec2" in state["recordings"]:
                break
        assert state["recordings"] == ["rec1", "rec2"]


def test_bad_messages_are_ignored(server: WebViewerServer) -> None:
    with connect(server.url.replace("http", "ws") + "/ws") as ws:
        ws.send("not json")
        ws.send(json.dumps({"type": "resize"}))  # missing fields
        ws.send(json.dumps([1, 2]))
        ws.send(json.dumps({"type": "visible", "view": "v", "visible": True}))
        assert _recv(ws, "frame")[0]["type"] == "frame"


def test_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        port = sock.getsockname()[1]
        with pytest.raises(WebPortInUseError, match=f"port {port}.*in use"):
            WebViewerServer(StoreHub(), port=port).start()


def test_frame_packet_round_trip() -> None:
    header = {"type": "frame", "index": 3, "mime": "image/png"}
    assert split_packet(frame_packet(header, b"abc")) == (header, b"abc")
    with pytest.raises(ValueError):
        split_packet(b"\x10\x00\x00\x00{}")


def test_empty_page_says_where_to_send_data() -> None:
    srv = WebViewerServer(StoreHub(), port=0, app_factory=FakeApp, empty_hint="log to X").start()
    try:
        with connect(srv.url.replace("http", "ws") + "/ws") as ws:
            state = _recv(ws, "state")
        assert state["hint"] == "log to X" and state["recordings"] == []
    finally:
        srv.stop()


def test_panel_messages_use_the_widget_protocol(server: WebViewerServer) -> None:
    with connect(server.url.replace("http", "ws") + "/ws") as ws:
        recv_state(ws, lambda s: s["active"] == "rec1")
        ws.send(json.dumps({"type": "select", "entity_path": "/points"}))
        state = recv_state(ws, lambda s: bool(s["selection"]))
    assert state["selection"][0]["entity_path"] == "/points"


def test_stopping_the_server_closes_pages() -> None:
    srv = WebViewerServer(_hub_with_points(), port=0, app_factory=FakeApp, pump_options=STILL).start()
    with connect(srv.url.replace("http", "ws") + "/ws") as ws:
        recv_state(ws)
        srv.stop()
        with pytest.raises(ConnectionClosed):
            for _ in range(1000):
                ws.recv(timeout=5)
    assert srv.pages == 0
