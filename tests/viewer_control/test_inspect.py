"""Inspecting our headless viewer through `ViewerClient`: a recording's schema (entities, components,
their archetypes, component types and Arrow datatypes as 0.41 names them), the viewer's logs, and
the command palette's commands (listed, described, run), and tables sent to it (`send_table`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Headless

pytestmark = [pytest.mark.slow]


def test_recording_schema(headless: Headless) -> None:
    from rerun.experimental import ViewerClient

    with ViewerClient.connect(headless.url) as client:
        client.open(str(headless.rrd))
        schema = client.get_recording_schema()
        assert schema.store_id == "Recording:control_test:steps"
        assert [(t.name, t.time_type, t.start, t.end) for t in schema.timelines if t.name == "step"] == [
            ("step", "sequence", 0, 9)
        ]
        assert [e.entity_path for e in schema.entities] == ["/pts", "/__properties"]
        pts = {c.component: c for c in schema.entities[0].components}
        assert sorted(pts) == ["Points3D:colors", "Points3D:positions", "Points3D:radii"]
        positions = pts["Points3D:positions"]
        assert positions.archetype == "rerun.archetypes.Points3D"
        assert positions.component_type == "rerun.components.Position3D"
        assert positions.datatype == "FixedSizeList(3 x non-null Float32)"
        assert not positions.has_static
        assert (pts["Points3D:colors"].datatype, pts["Points3D:radii"].datatype) == ("UInt32", "Float32")
        start = schema.entities[1].components[0]
        assert (start.component, start.datatype, start.has_static) == (
            "RecordingInfo:start_time",
            "Int64",
            True,
        )

        only = client.get_recording_schema(paths_only=True, max_entities=1)
        assert [(e.entity_path, e.components) for e in only.entities] == [("/pts", [])]
        assert only.omitted_entities == 1
        assert [e.entity_path for e in client.get_recording_schema(entity_path="/pts").entities] == ["/pts"]
        with pytest.raises(LookupError, match="recording Recording:x:nope is not open"):
            client.get_recording_schema("Recording:x:nope")
        with pytest.raises(ValueError, match='"nope" is not a store id'):
            client.get_recording_schema("nope")


def test_logs_say_what_was_opened(headless: Headless) -> None:
    from rerun.experimental import ViewerClient

    with ViewerClient.connect(headless.url) as client:
        before = client.get_logs()
        last = before[-1].sequence if before else 0
        client.open(str(headless.rrd))
        new = client.get_logs(after_sequence=last)
        assert [e.message for e in new if "Loading" in e.message] == [f"Loading {headless.rrd}…"]
        assert all(e.sequence > last and e.level in ("INFO", "WARN", "ERROR") for e in new)
        assert client.get_logs(after_sequence=new[-1].sequence) == []


def test_commands(headless: Headless) -> None:
    from rerun.experimental import ViewerClient

    with ViewerClient.connect(headless.url) as client:
        # nothing open yet: the global commands this viewer runs, none of a recording's
        from rerun_notebook.viewer_control_commands import CATALOG, RUNNABLE

        listed = [c.id for c in client.list_commands()]
        assert listed == sorted(c[0] for c in CATALOG if c[3] == "global" and c[0] in RUNNABLE)
        assert {"ui.close_all_recordings", "ui.quit", "ui.zoom_in_ui", "ui.about"} <= set(listed)
        client.open(str(headless.rrd))
        commands = {c.id: c for c in client.list_commands()}
        assert commands["recording.seek_to_start"].target == "Recording:control_test:steps"
        assert commands["recording.close"].destructive
        ran = client.run_command("recording.seek_to_start")
        assert (ran.id, ran.scope, ran.available) == ("recording.seek_to_start", "recording", True)
        rec = client.get_state().recordings[0]
        assert (rec.current_timeline, rec.current_time) == ("step", 0)
        [described] = client.list_commands(["ui.close_all_recordings"])
        assert described.scope == "global" and described.target is None
        with pytest.raises(LookupError, match='Unknown command id "nope"'):
            client.run_command("nope")
        client.run_command("recording.close")
        assert client.get_state().recordings == []
        with pytest.raises(ConnectionError, match="cannot run right now: no recording is active"):
            client.run_command("recording.toggle_play_pause")
        with pytest.raises(ConnectionError, match="cannot run right now: this viewer does not have it"):
            client.run_command("ui.toggle_agent_panel")


def test_refusals_are_connection_errors_as_in_0_41(headless: Headless) -> None:
    """rerun-sdk 0.41 raises ConnectionError for whatever the viewer refuses; so do we (and say
    which kind of refusal with LookupError / ValueError)."""
    from rerun.experimental import ViewerClient

    with ViewerClient.connect(headless.url) as client:
        client.open(str(headless.rrd))
        with pytest.raises(ConnectionError, match=r'Unknown command id "nope".*\(NotFound\)') as caught:
            client.run_command("nope")
        assert isinstance(caught.value, LookupError)
        with pytest.raises(ConnectionError, match=r'no timeline "nope".*\(InvalidArgument\)') as caught:
            client.set_time("nope", sequence=1)
        assert isinstance(caught.value, ValueError)


def test_locations(headless: Headless, tmp_path: Path) -> None:
    from rerun.experimental import ViewerClient

    from .conftest import write_steps

    with ViewerClient.connect(headless.url) as client:
        assert client.get_location() == ""  # nothing open (0.41 answers its welcome page's)
        client.open(str(headless.rrd))
        first = client.get_location()
        assert first == "about:recording?app_id=control_test&recording_id=steps"
        state = client.get_state()
        assert state.location == first and state.recordings[0].location == first
        client.open(str(write_steps(tmp_path / "other.rrd", "other")))
        assert client.get_state().active_recording == "Recording:control_test:other"
        client.set_location(first)
        assert client.get_state().active_recording == "Recording:control_test:steps"
        with pytest.raises(LookupError, match="does not have"):
            client.set_location("about:recording?app_id=control_test&recording_id=gone")


def test_deprecated_aliases_warn_as_0_41(headless: Headless) -> None:
    from rerun.experimental import ViewerClient

    with ViewerClient.connect(headless.url) as client:
        with pytest.warns(DeprecationWarning, match="Use `open` instead"):
            assert client.open_url(str(headless.rrd)) is True
        with pytest.warns(DeprecationWarning, match="Use `get_state` instead"):
            assert client.viewer_state().active_recording == "Recording:control_test:steps"
        with pytest.warns(DeprecationWarning, match="Use `get_logs` instead"):
            assert client.viewer_logs()
        with pytest.warns(DeprecationWarning, match="Use `close` instead"):
            assert client.close_recordings("all") == ["Recording:control_test:steps"]


def test_column_headers_as_0_41_writes_them() -> None:
    from rerun_notebook.viewer_control_tables import display_name

    assert [display_name(c) for c in ("rerun_segment_id", "foo_bar", "camelCase", "x y", "ABC", "l")] == [
        "Segment id",
        "Foo bar",
        "Camel case",
        "X y",
        "Abc",
        "L",
    ]


def test_sent_tables_are_shown_and_described(headless: Headless) -> None:
    """`send_table` (the proxy's WriteTable): the table is shown, described and laid out; one of the
    same name replaces it; a recording shown again hides it."""
    import pyarrow as pa

    from rerun.experimental import ViewerClient

    with ViewerClient.connect(headless.url) as client:
        client.open(str(headless.rrd))
        recording = client.get_location()
        client.send_table("t 1", pa.RecordBatch.from_pydict({"n": [1, 2], "rerun_segment_id": ["a", "b"]}))
        state = client.get_state()
        assert (state.location, state.active_recording, state.views) == ("about:table?id=t+1", None, [])
        assert [(c.name, c.display_name, c.datatype) for c in client.get_table_schema()] == [
            ("rerun_segment_id", "Segment id", "Utf8"),
            ("n", "N", "Int64"),
        ]
        client.send_table("t 1", [pa.RecordBatch.from_pydict({"z": [0.5]})])
        assert client.get_blueprint().blueprint == {
            "/table/layouts/table": {"TableLayout": {"column_order": ["z"]}}
        }
        with pytest.raises(LookupError, match="no active recording to close"):
            client.close("current")
        client.set_location(recording)
        assert client.get_state().active_recording == "Recording:control_test:steps"
        with pytest.raises(ConnectionError, match="no table is on screen"):
            client.get_table_schema()


def test_a_server_without_a_viewer_refuses_tables(tmp_path: Path) -> None:
    import pyarrow as pa

    from rerun.experimental import ViewerClient

    from .conftest import free_port, running

    port = free_port()
    with running(["--serve-grpc"], port):
        client = ViewerClient.connect(f"rerun+http://127.0.0.1:{port}/proxy")
        with pytest.raises(ConnectionError, match="WriteTable is not implemented"):
            client.send_table("t", pa.RecordBatch.from_pydict({"n": [1]}))
