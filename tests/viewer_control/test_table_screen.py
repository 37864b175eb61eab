"""What the pages get when viewer control changes the screen. A table sent to the viewer
(`send_table`) is what they draw while it is on screen: one dataframe view filling the viewport, its
columns in the table blueprint's order; going back to the recording brings the recording's views
back. A panel command's state arrives as the blueprint's panel state."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pytest
from websockets.sync.client import connect

import rerun as rr
from rerun.sinks import StoreSink
from rerun_core.proto.gen import viewer_control_pb2 as pb
from rerun_core.store.hub import StoreHub
from rerun_notebook.viewer_control_ops import FullViewerControlHandler
from rerun_notebook.viewer_control_tables import TableShelf
from rerun_notebook.web.server import WebViewerServer
from tests.notebook.fakes import FakeApp
from tests.web.wsclient import recv_state

STILL = {"max_fps": 1000.0, "stall_timeout": 60.0, "idle_poll": 0.01}


@pytest.fixture
def viewer() -> Iterator[tuple[WebViewerServer, FullViewerControlHandler]]:
    hub = StoreHub()
    rec = rr.RecordingStream("table_screen", recording_id="rec1")
    rec._add_sink(StoreSink(hub))
    rec.log("points", rr.Points3D([[0, 0, 0], [1, 1, 1]]))
    rec.flush()
    srv = WebViewerServer(hub, port=0, app_factory=FakeApp, pump_options=STILL).start()
    shelf = TableShelf(enabled=True)
    yield srv, FullViewerControlHandler(hub, srv, shelf)
    srv.stop()


def _shows_table(state: dict[str, Any]) -> bool:
    views = state.get("views") or []
    return len(views) == 1 and str(views[0].get("id", "")).startswith("table:")


def test_the_page_draws_the_table_on_screen(viewer: tuple[WebViewerServer, Any]) -> None:
    srv, handler = viewer
    with connect(srv.url.replace("http", "ws") + "/ws") as ws:
        before = recv_state(ws, lambda s: bool(s.get("views")))
        assert not _shows_table(before)

        handler.tables.put("my table", pa.table({"fooBar": [1.5, 2.5], "rerun_segment_id": ["s", "t"]}))
        state = recv_state(ws, _shows_table)
        [view] = state["views"]
        assert (view["kind"], view["name"]) == ("dataframe", "my table")
        assert view["rect"] == [0.0, 0.0, *map(float, state["size"])]  # the whole viewport
        frame = view["dataframe"]
        assert [c["name"] for c in frame["columns"]] == ["rerun_segment_id", "fooBar"]  # 0.41's order
        assert [c["component"] for c in frame["columns"]] == ["Segment id", "Foo bar"]
        assert frame["total"] == 2 and frame["rows"] == [["s", "1.5"], ["t", "2.5"]]

        laid = '{"/table/layouts/table": {"TableLayout": {"column_order": ["fooBar", "rerun_segment_id"]}}}'
        handler.set_blueprint(pb.SetBlueprintRequest(table=pb.TableBlueprintTarget(), json=laid))
        relaid = recv_state(
            ws, lambda s: _shows_table(s) and s["views"][0]["dataframe"]["rows"][0][0] == "1.5"
        )
        assert [c["name"] for c in relaid["views"][0]["dataframe"]["columns"]] == [
            "fooBar",
            "rerun_segment_id",
        ]

        [sid] = handler.hub.recordings()
        handler.set_location(pb.SetLocationRequest(location=handler._location(sid)))
        after = recv_state(ws, lambda s: bool(s.get("views")) and not _shows_table(s))
        assert [v["id"] for v in after["views"]] == [v["id"] for v in before["views"]]


def test_the_page_follows_panel_commands(viewer: tuple[WebViewerServer, Any]) -> None:
    """`ui.toggle_blueprint_panel` writes the panel's state into the blueprint: the page gets it as
    the blueprint's panel state (which its toggle button may change again, as in 0.41)."""
    srv, handler = viewer
    with connect(srv.url.replace("http", "ws") + "/ws") as ws:
        recv_state(ws, lambda s: bool(s.get("views")))
        handler.run_command(pb.RunCommandRequest(id="ui.toggle_blueprint_panel"))
        state = recv_state(ws, lambda s: s.get("panel_defaults", {}).get("blueprint") == "collapsed")
        assert state["panels"] == {}  # not an override: the user can open it again
        handler.run_command(pb.RunCommandRequest(id="ui.expand_blueprint_panel"))
        recv_state(ws, lambda s: s.get("panel_defaults", {}).get("blueprint") == "expanded")
        assert len(state["views"]) == 1  # the laid-out view stays
