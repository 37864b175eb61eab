"""The dataframe view: a blueprint's DataframeQuery -> rows from the store, paged for the widget."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

import rerun as rr
import rerun.blueprint as rrb
from rerun.sinks import StoreSink
from rerun_core.store.hub import StoreHub
from rerun_core.viewer.blueprint_tree import BlueprintView, read_blueprint, resolve_entities
from rerun_core.viewer.dataframe_view import DataframeQuery, abbreviate, run_query
from rerun_core.viewer.heuristics import choose_views
from rerun_core.viewer.layout import views_of
from rerun_notebook.dataframe_panel import DataframePanels
from rerun_notebook.session import ViewerSession

from .fakes import FakeApp


def _hub(blueprint: Any = None, n: int = 5) -> tuple[StoreHub, Any]:
    hub = StoreHub()
    rec = rr.RecordingStream("df_view", recording_id=uuid.uuid4().hex)
    rec._add_sink(StoreSink(hub))
    for i in range(n):
        rec.set_time("frame", sequence=i)
        rec.log("points", rr.Points3D([[i, 0, 0], [1, 2, 3]]))
        if i % 2 == 0:
            rec.log("scalar", rr.Scalars(i * 1.5))
    if blueprint is not None:
        rec.send_blueprint(blueprint)
    rec.flush()
    return hub, hub.get(hub.recordings()[0])


def _view(hub: StoreHub, store: Any) -> BlueprintView:
    bp = read_blueprint(hub.get(hub.blueprints()[-1]))
    assert bp.root is not None
    index = {p: {"x": None} for p in map(str, store.entity_paths())}
    resolve_entities(bp.root, index)
    (view,) = views_of(bp.root)
    assert isinstance(view, BlueprintView)
    return view


def test_blueprint_query_properties_drive_the_rows() -> None:
    query = rrb.archetypes.DataframeQuery(
        timeline="frame",
        filter_by_range=(1, 4),
        filter_is_not_null=("/scalar", "Scalars:scalars"),
        apply_latest_at=True,
        select=["frame", ("/scalar", "Scalars:scalars"), ("/points", "Points3D:positions")],
        entity_order=["/scalar", "/points"],
    )
    hub, store = _hub(rrb.Blueprint(rrb.DataframeView(origin="/", query=query)))
    view = _view(hub, store)
    assert view.kind == "dataframe" and view.class_identifier == "Dataframe"
    assert view.entities == ["/points", "/scalar"]
    assert view.as_dict()["dataframe_query"] == view.properties.get(
        "dataframe_query"
    )  # travels in the layout dicts
    entry = DataframePanels().entry(
        store, view.id, view.properties.get("dataframe_query"), view.entities, None, None
    )
    assert [c["name"] for c in entry["columns"]] == [
        "frame",
        "/scalar:Scalars:scalars",
        "/points:Points3D:positions",
    ]
    # range 1..4 and "scalar logged" keep frames 2 and 4; latest-at fills the points
    assert entry["rows"] == [[2, "3", "[[2, 0, 0], [1, 2, 3]]"], [4, "6", "[[4, 0, 0], [1, 2, 3]]"]]
    assert entry["total"] == 2 and entry["time_kind"] == "sequence"


def test_without_query_every_timeline_and_component_of_the_contents() -> None:
    hub, store = _hub(rrb.Blueprint(rrb.DataframeView(origin="/", contents="/points")))
    view = _view(hub, store)
    assert view.entities == ["/points"]
    entry = DataframePanels().entry(
        store, view.id, view.properties.get("dataframe_query"), view.entities, "frame", 2
    )
    assert [(c["kind"], c["name"]) for c in entry["columns"]][:2] == [("time", "frame"), ("time", "log_time")]
    assert [c["kind"] for c in entry["columns"]] == ["time", "time", "component"]
    assert [r[0] for r in entry["rows"]] == [0, 1, 2, 3, 4]
    assert entry["cursor_row"] == 2  # the row at the time panel's cursor


def test_pages_never_ship_the_whole_table_and_follow_the_window() -> None:
    _, store = _hub(n=300)
    panels = DataframePanels()
    first = panels.entry(store, "v", None, ["/points"], "frame", 250)
    assert first["total"] == 300 and len(first["rows"]) == 100 and first["offset"] == 0
    assert first["cursor_row"] == 250
    assert panels.set_window("v", 240, 20)
    assert not panels.set_window("v", 240, 20)
    page = panels.entry(store, "v", None, ["/points"], "frame", 250)
    assert page["offset"] == 240 and [r[0] for r in page["rows"]] == list(range(240, 260))
    panels.set_window("v", 10_000, 50)  # past the end: the last rows
    assert panels.entry(store, "v", None, ["/points"], "frame", None)["offset"] == 250


def test_cursor_row_only_on_the_time_panels_timeline() -> None:
    _, store = _hub()
    entry = DataframePanels().entry(store, "v", {"timeline": "log_time"}, ["/points"], "frame", 3)
    assert entry["columns"][0]["name"] == "log_time"  # the query's timeline comes first
    assert entry["timeline"] == "log_time" and entry["time_kind"] == "timestamp"
    assert entry["cursor_row"] == -1


def test_long_values_are_cut() -> None:
    assert abbreviate([5.0]) == "5"
    text = abbreviate(list(range(100)))
    assert text is not None and text.endswith("+92]") and text.startswith("[0, 1")
    long = abbreviate("x" * 500)
    assert long is not None and len(long) == 80 and long.endswith("…")
    assert abbreviate(None) is None and abbreviate(b"abc") == "<3 bytes>"
    assert [abbreviate(v) for v in (2499381.5, 0.0707372, 1e20)] == ["2499381.5", "0.0707372", "1e+20"]


def test_unknown_timeline_gives_the_static_view_not_an_error() -> None:
    _, store = _hub()
    table = run_query(store, ["/points"], DataframeQuery(timeline="nope"), None)
    assert table.timeline is None and table.total <= 1


def test_heuristics_never_spawn_a_dataframe_view() -> None:
    _, store = _hub()
    index: dict[str, dict[str, set[str]]] = {p: {"Points3D": set()} for p in map(str, store.entity_paths())}
    assert all(v.kind != "dataframe" for v in choose_views(index))


class _DfApp(FakeApp):
    def __init__(self, store: Any, width: int, height: int, view: dict[str, Any]) -> None:
        super().__init__(store, width, height)
        self.views = [view]  # type: ignore[list-item]


def test_session_state_carries_a_window_and_the_browser_can_move_it() -> None:
    hub, store = _hub(rrb.Blueprint(rrb.DataframeView(origin="/")), n=200)
    view = _view(hub, store).as_dict()
    view["rect"] = (0, 20, 400, 300)
    session = ViewerSession(400, 320, app_factory=lambda s, w, h: _DfApp(s, w, h, view))
    session.add_store("r", store)
    session.prepare(0.0)
    (entry,) = [v for v in session.state()["views"] if v["kind"] == "dataframe"]
    assert entry["dataframe"]["total"] == 200 and entry["dataframe"]["offset"] == 0
    session.view_message("dataframe_window", {"view_id": str(view["id"]), "offset": 150, "count": 30})
    session.prepare(0.1)
    (entry,) = session.state()["views"]
    df = entry["dataframe"]
    assert df["offset"] == 150 and len(df["rows"]) == 30 and df["rows"][0][0] == 150
    json.dumps(session.state())  # the state is plain JSON


@pytest.mark.parametrize("kind", ["dataframe"])
def test_dataframe_is_an_html_kind(kind: str) -> None:
    from rerun_core.viewer.specs import HTML_KINDS

    assert kind in HTML_KINDS


def test_component_column_selectors_as_rerun_sdk_spells_them() -> None:
    sel = rrb.components.ComponentColumnSelector(entity_path="/scalar", component="Scalars:scalars")
    assert (sel.entity_path, sel.component) == ("/scalar", "Scalars:scalars")
    assert rrb.components.ComponentColumnSelector("/a:B") == ("/a", "B")
    with pytest.raises(ValueError):
        rrb.components.ComponentColumnSelector("no_component")
    query = rrb.archetypes.DataframeQuery(timeline="frame", filter_is_not_null=sel, select=["frame", sel])
    hub, store = _hub(rrb.Blueprint(rrb.DataframeView(origin="/", query=query)))
    view = _view(hub, store)
    entry = DataframePanels().entry(
        store, view.id, view.properties.get("dataframe_query"), view.entities, None, None
    )
    assert [c["name"] for c in entry["columns"]] == ["frame", "/scalar:Scalars:scalars"]
    assert [r[0] for r in entry["rows"]] == [0, 2, 4]


def test_streaming_data_requeries_at_most_every_interval_then_catches_up() -> None:
    _, store = _hub(n=3)
    now = [0.0]
    panels = DataframePanels(clock=lambda: now[0])
    assert panels.entry(store, "v", None, ["/points"], "frame", None)["total"] == 3
    store.insert(_more_rows(store, 3))
    now[0] = 0.1  # new data within the re-query interval: the old rows, marked stale
    assert panels.entry(store, "v", None, ["/points"], "frame", None)["total"] == 3
    assert panels.stale
    now[0] = 1.0  # past it: the fresh rows, no longer stale
    assert panels.entry(store, "v", None, ["/points"], "frame", None)["total"] == 4
    assert not panels.stale


def _more_rows(store: Any, t: int) -> Any:
    hub = StoreHub()
    rec = rr.RecordingStream("df_view", recording_id=uuid.uuid4().hex)
    rec._add_sink(StoreSink(hub))
    rec.set_time("frame", sequence=t)
    rec.log("points", rr.Points3D([[t, 0, 0]]))
    rec.flush()
    other = hub.get(hub.recordings()[0])
    assert other is not None
    (chunk,) = [c for c in other.chunks() if str(c.entity_path) == "/points"]
    return chunk


def test_rows_carry_their_index_times_even_when_the_index_is_not_selected() -> None:
    _, store = _hub()
    query = {"timeline": "frame", "time_columns": [], "component_columns": ["/scalar:Scalars:scalars"]}
    entry = DataframePanels().entry(store, "v", query, ["/points", "/scalar"], "frame", 2)
    assert [c["name"] for c in entry["columns"]] == ["/scalar:Scalars:scalars"]
    assert entry["times"] == [0, 1, 2, 3, 4] and entry["cursor_row"] == 2


def test_a_not_null_filter_on_a_missing_column_keeps_no_rows() -> None:
    _, store = _hub()
    entry = DataframePanels().entry(store, "v", {"not_null": "/nope:X:y"}, ["/points"], "frame", None)
    assert entry["total"] == 0 and entry["rows"] == []


def test_the_static_png_draws_the_tables_rows() -> None:
    import numpy as np

    from rerun_notebook.dataframe_panel import snapshot_lines
    from rerun_notebook.snapshot import draw_html_views, format_time

    _, store = _hub()
    df = DataframePanels().entry(
        store, "v", {"timeline": "frame", "time_columns": ["frame"]}, ["/scalar"], None, None
    )
    lines = snapshot_lines(df, format_time)
    assert lines[0].split() == ["frame", "/scalar:scalars"]
    assert [ln.split() for ln in lines[1:]] == [["#0", "0"], ["#2", "3"], ["#4", "6"]]
    frame = np.zeros((200, 300, 4), np.uint8)
    view = {"kind": "dataframe", "rect": [0, 0, 300, 200], "name": "table", "dataframe": df}
    drawn = draw_html_views(frame, [view])
    assert (drawn[30:, :, :3] > 100).sum() > 50  # rows drawn below the title


_INTEROP_QUERY = """rrb.DataframeView(origin="/", name="t", query=rrb.archetypes.DataframeQuery(
    timeline="frame", filter_by_range=(1, 4), apply_latest_at=True, auto_scroll=True,
    filter_is_not_null=rrb.components.ComponentColumnSelector(entity_path="/scalar", component="Scalars:scalars"),
    select=["frame", rrb.components.ComponentColumnSelector(entity_path="/points", component="Points3D:positions")],
    entity_order=["/points"]))"""


@pytest.mark.interop
def test_real_sdk_dataframe_view_reads_like_ours(oracle: Any, tmp_path: Path) -> None:
    from rerun_core.store.rrd import read_messages

    path = tmp_path / "df.rrd"
    script = "\n".join(
        [
            "import sys",
            "import rerun as rr, rerun.blueprint as rrb",
            'rr.init("df_interop", recording_id="r1")',
            f"rr.save(sys.argv[1], default_blueprint=rrb.Blueprint({_INTEROP_QUERY}))",
            "for i in range(5):",
            '    rr.set_time("frame", sequence=i)',
            '    rr.log("points", rr.Points3D([[i, 0, 0]]))',
            '    if i % 2 == 0: rr.log("scalar", rr.Scalars(i * 1.5))',
        ]
    )
    oracle.run_script(script, str(path))
    hub = StoreHub()
    for msg in read_messages(str(path)):
        hub.insert(msg)
    (rec_id,) = hub.recordings()
    store = hub.get(rec_id)
    theirs = _view(hub, store)
    ours_hub, _ = _hub(eval(f"rrb.Blueprint({_INTEROP_QUERY})", {"rrb": rrb}))
    ours = _view(ours_hub, store)
    assert theirs.kind == "dataframe" and theirs.properties.get("dataframe_query") == ours.properties.get(
        "dataframe_query"
    )
    assert theirs.properties.get("dataframe_query") == {
        "timeline": "frame",
        "range": [1, 4],
        "not_null": "/scalar:Scalars:scalars",
        "latest_at": True,
        "time_columns": ["frame"],
        "component_columns": ["/points:Points3D:positions"],
        "entity_order": ["/points"],
        "auto_scroll": True,
    }
    entry = DataframePanels().entry(
        store, theirs.id, theirs.properties.get("dataframe_query"), theirs.entities, None, None
    )
    assert entry["rows"] == [[2, "[2, 0, 0]"], [4, "[4, 0, 0]"]]


def test_entities_hidden_in_the_view_leave_the_table() -> None:
    from rerun_core.viewer.viewport import Viewport

    hub, store = _hub(rrb.Blueprint(rrb.DataframeView(origin="/")))
    bview = _view(hub, store)
    view = bview.as_dict()
    view["rect"] = (0, 20, 400, 300)

    class _App(_DfApp):
        def __init__(self, s: Any, w: int, h: int) -> None:
            super().__init__(s, w, h, view)
            self.viewport = Viewport()
            self.viewport.root.children.append(bview)
            self.viewport.set_entity_visible_in_view(bview.id, "/points", False)

        def is_visible(self, entity: str) -> bool:
            return True

    session = ViewerSession(400, 320, app_factory=_App)
    session.add_store("r", store)
    session.prepare(0.0)
    (entry,) = session.state()["views"]
    assert [c["name"] for c in entry["dataframe"]["columns"] if c["kind"] == "component"] == [
        "/scalar:Scalars:scalars"
    ]


def test_double_click_seek_uses_the_rows_exact_int64_time() -> None:
    hub, store = _hub(
        rrb.Blueprint(rrb.DataframeView(origin="/", query=rrb.archetypes.DataframeQuery(timeline="log_time")))
    )
    view = _view(hub, store).as_dict()
    view["rect"] = (0, 20, 400, 300)
    session = ViewerSession(400, 320, app_factory=lambda s, w, h: _DfApp(s, w, h, view))
    session.add_store("r", store)
    session.time_action("timeline", "log_time")
    session.prepare(0.0)
    (entry,) = session.state()["views"]
    exact = entry["dataframe"]["times"][3]
    assert exact > 2**53  # a nanosecond timestamp: a JS number could not carry it
    session.view_message("dataframe_seek", {"view_id": str(view["id"]), "row": 3})
    session.prepare(0.1)
    assert session.time.time == exact
    (entry,) = session.state()["views"]
    assert entry["dataframe"]["cursor_row"] == 3


def test_static_only_data_is_one_row_without_a_time_column() -> None:
    hub = StoreHub()
    rec = rr.RecordingStream("df_static", recording_id=uuid.uuid4().hex)
    rec._add_sink(StoreSink(hub))
    rec.log("cfg", rr.TextDocument("hello"), static=True)
    rec.flush()
    store = hub.get(hub.recordings()[0])
    entry = DataframePanels().entry(store, "v", None, ["/cfg"], None, None)
    assert entry["timeline"] is None and entry["total"] == 1
    assert all(c["kind"] == "component" for c in entry["columns"])
    text = [v for c, v in zip(entry["columns"], entry["rows"][0], strict=True) if c["name"].endswith(":text")]
    assert text == ["hello"]
