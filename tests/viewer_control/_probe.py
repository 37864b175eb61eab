"""Every `rerun.experimental.ViewerClient` method, run by rerun-sdk 0.41 against one viewer.

A script, run under the oracle's Python: `python _probe.py URL RRD OUT.json`. Each call's result
(a dataclass as a dict) or its failure (the exception's type and first line) goes into OUT, by a
name; the interop test runs it against the real 0.41 viewer and against ours and compares.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import sys
import time
from collections.abc import Callable
from typing import Any


def plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bytes):
        return {"png": value[:8] == b"\x89PNG\r\n\x1a\n"}
    return value


def _stream_transforms(url: str) -> str:
    """A recording streamed to the viewer (not from a file) whose app id has a colon, with transforms."""
    import rerun as rr

    rec = rr.RecordingStream("tg:app", recording_id="tg:1")
    rec.connect_grpc(url)
    rec.set_time("step", sequence=1)
    rec.log("world/pts", rr.Points3D([[1, 0, 0]]))
    rec.log(
        "world/cam", rr.Transform3D(translation=[1, 2, 3]), rr.Pinhole(focal_length=100, width=64, height=48)
    )
    rec.log("world/cam/img/p", rr.Points2D([[1, 1]]))
    turn = rr.RotationAxisAngle(axis=[0, 0, 1], degrees=90)
    rec.log("turned", rr.Transform3D(translation=[0, 0, 1], rotation_axis_angle=turn), static=True)
    rec.flush()
    rec.disconnect()
    time.sleep(2.0)
    return "Recording:tg\\:app:tg:1"


def _with_blueprint(rrd: str) -> str:
    """A recording with a sent blueprint of several views, containers and panels (written once)."""
    import os

    import rerun as rr
    import rerun.blueprint as rrb

    path = rrd + ".bp.rrd"
    if os.path.exists(path):
        return path
    rec = rr.RecordingStream("bp_test", recording_id="withbp")
    rec.save(path)
    rec.send_blueprint(
        rrb.Blueprint(
            rrb.Horizontal(
                rrb.Spatial3DView(
                    origin="/pts", name="Points", background=[10, 20, 30], contents=["+ /pts/**"]
                ),
                rrb.Vertical(rrb.TimeSeriesView(origin="/plot", name="Plot"), rrb.TextLogView(name="Log")),
                column_shares=[2, 1],
            ),
            rrb.BlueprintPanel(state="collapsed"),
            rrb.TimePanel(state="expanded"),
        )
    )
    for t in range(3):
        rec.set_time("step", sequence=t)
        rec.log("pts", rr.Points3D([[t, 0, 0]]))
        rec.log("plot", rr.Scalars(float(t)))
    rec.flush()
    return path


def _profile(client: Any, path: str) -> tuple[int, bool, bool]:
    """A profile of one frame: (frames, the path answered is the one asked for, the file is there)."""
    import os

    trace = client.capture_profile_trace(path, num_frames=1)
    written = os.path.getsize(path) > 0
    os.remove(path)
    return trace.num_frames, trace.file_path == path, written


def _blueprint_calls(client: Any, run: Callable[[str, Callable[[], Any]], Any], rrd: str) -> None:
    """Read a sent blueprint, write it back changed (every field given), read it again."""
    [store_id] = run("open_blueprinted", lambda: client.open(_with_blueprint(rrd))).store_ids
    sent = run("blueprint_sent", client.get_blueprint)
    if sent is None:
        return
    changed = json.loads(json.dumps(sent.blueprint))
    for path, archetypes in changed.items():
        if path.startswith("/view/") and "ViewBlueprint" in archetypes:
            archetypes["ViewBlueprint"]["display_name"] = "Renamed " + path[-4:]
    changed["/blueprint_panel"]["PanelBlueprint"]["state"] = "Expanded"
    run("set_blueprint_full", lambda: client.set_blueprint(changed, store_id=store_id))
    time.sleep(0.5)
    run("blueprint_after_set", lambda: client.get_blueprint().blueprint)
    run("views_after_set", lambda: sorted(v.name for v in client.get_state().views))
    run(
        "set_blueprint_unknown_archetype",
        lambda: client.set_blueprint({"/x": {"Nope": {"f": 1}}}, of="recording"),
    )
    run("close_url_unknown", lambda: client.close(rrd + ".nope.rrd"))
    run("close_url", lambda: client.close(_with_blueprint(rrd)))
    run("close_all_end", lambda: client.close("all"))


def _sources_calls(client: Any, run: Callable[[str, Callable[[], Any]], Any], rrd: str) -> None:
    """Open a directory of recordings, and a server's stream (0.41's `rerun --serve-grpc`, with one
    recording logged to it); close the stream by its URL."""
    import os
    import shutil
    import signal
    import socket
    import subprocess

    import rerun as rr

    folder = rrd + ".dir"
    os.makedirs(folder, exist_ok=True)
    shutil.copy(rrd, os.path.join(folder, "a.rrd"))
    shutil.copy(_with_blueprint(rrd), os.path.join(folder, "b.rrd"))
    run("open_dir", lambda: sorted(client.open(folder).store_ids))  # 0.41 answers as each loads
    run("close_dir", lambda: sorted(client.close("all")))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    exe = shutil.which("rerun", path=os.path.dirname(sys.executable)) or "rerun"
    # its own process group: `rerun` is a Python shim over the Rust binary, and both must end
    server = subprocess.Popen(
        [exe, "--serve-grpc", f"--port={port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        url = f"rerun+http://127.0.0.1:{port}/proxy"
        rec = rr.RecordingStream("srv_app", recording_id="srv1")
        rec.connect_grpc(url)
        rec.log("p", rr.Points3D([[0, 0, 0]]))
        rec.flush()
        run("open_server", lambda: client.open(url))
        deadline = time.monotonic() + 20
        while not client.get_state().recordings and time.monotonic() < deadline:
            time.sleep(0.2)
        run("state_server", lambda: [(r.store_id, r.location) for r in client.get_state().recordings])
        run("close_server", lambda: client.close(url))
        run("close_server_again", lambda: client.close(url))
        rec.disconnect()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)


def main(url: str, rrd: str, out: str) -> None:
    import pyarrow as pa

    from rerun.experimental import ViewerClient

    client = ViewerClient.connect(url)
    results: dict[str, Any] = {}

    def run(name: str, call: Callable[[], Any]) -> Any:
        try:
            value = call()
        except Exception as err:  # what the viewer refused, as the client raises it
            results[name] = {"error": type(err).__name__, "message": str(err).split("\n- metadata")[0]}
            return None
        results[name] = plain(value)
        return value

    # nothing open
    run("state_empty", client.get_state)
    run("close_current_none", lambda: client.close("current"))
    run("run_command_none", lambda: client.run_command("recording.seek_to_start"))
    run("recording_schema_none", client.get_recording_schema)
    run("transform_graph_none", client.get_transform_graph)
    run("open_missing", lambda: client.open(rrd + ".missing.rrd"))
    run("open_not_rrd", lambda: client.open(__file__))
    # a recording
    run("open", lambda: client.open(rrd))
    run("open_again", lambda: client.open(rrd))
    time.sleep(0.5)
    state = run("state", client.get_state)
    store_id = state.active_recording if state else None
    run("location", client.get_location)
    run("set_time", lambda: client.set_time("step", sequence=3))
    run("cursor", lambda: [(r.current_timeline, r.current_time) for r in client.get_state().recordings])
    run("set_time_paused_at", lambda: client.set_time("step", sequence=2, play_state="paused"))
    run(
        "cursor_paused_at",
        lambda: [(r.current_timeline, r.current_time) for r in client.get_state().recordings],
    )
    run("set_time_sequence_only", lambda: client.set_time(sequence=4))
    run(
        "cursor_sequence_only",
        lambda: [(r.current_timeline, r.current_time) for r in client.get_state().recordings],
    )
    run("set_time_log_time", lambda: client.set_time("log_time", timestamp=1796573467.0))
    run(
        "cursor_log_time",
        lambda: [(r.current_timeline, r.current_time) for r in client.get_state().recordings],
    )
    run("set_time_step_again", lambda: client.set_time("step", sequence=3))
    run("set_time_bad_timeline", lambda: client.set_time("nope", sequence=3))
    run("set_time_bad_store_id", lambda: client.set_time("step", sequence=3, recording="steps"))
    run("recording_schema", client.get_recording_schema)
    run("recording_schema_paths", lambda: client.get_recording_schema(paths_only=True))
    run("recording_schema_one", lambda: client.get_recording_schema(entity_path="/pts", max_entities=1))
    run("recording_schema_by_id", lambda: client.get_recording_schema(store_id))
    run("recording_schema_unknown", lambda: client.get_recording_schema("Recording:x:y"))
    run("dataset_schema", client.get_dataset_schema)
    run("dataset_assets_schema", client.get_dataset_assets_schema)
    run("table_schema_none", client.get_table_schema)
    run("blueprint_table_none", lambda: client.get_blueprint("table"))
    run("highlight", lambda: client.highlight_rect((1, 2, 30, 40), label="here"))
    run("highlight_off", lambda: client.highlight_rect(None))
    run("take_screenshot", client.take_screenshot)
    run("describe", lambda: client.list_commands(["recording.seek_to_start", "recording.close"]))
    run("describe_unknown", lambda: client.list_commands(["nope.nope"]))
    run(
        "commands_all",
        lambda: [
            (c.id, c.title, c.description, c.scope) for c in client.list_commands(include_unavailable=True)
        ],
    )
    run("run_command", lambda: client.run_command("recording.seek_to_start"))
    run(
        "cursor_after_command",
        lambda: [(r.current_timeline, r.current_time) for r in client.get_state().recordings],
    )
    run("run_command_unknown", lambda: client.run_command("nope.nope"))
    run("commands_available", lambda: [c.id for c in client.list_commands()])
    run("save_screenshot", lambda: client.save_screenshot(out + ".png"))
    run("profile_trace", lambda: _profile(client, out + ".puffin"))
    blueprint = run("blueprint", client.get_blueprint)
    if blueprint is not None:
        run("set_blueprint", lambda: client.set_blueprint(blueprint.blueprint, store_id=store_id))
    run("open_in_background", lambda: client.open(rrd, navigate=False))
    streamed = _stream_transforms(url)
    run("state_streamed", lambda: [(r.store_id, r.location) for r in client.get_state().recordings])
    run("set_time_streamed", lambda: client.set_time("step", sequence=1, recording=streamed))
    run("transform_graph", lambda: client.get_transform_graph(streamed))
    run(
        "transform_graph_temporal",
        lambda: client.get_transform_graph(
            streamed, frame_filter="entity_path", edge_filter="temporal", include_transforms=True
        ),
    )
    run(
        "transform_graph_static",
        lambda: client.get_transform_graph(streamed, edge_filter="static", include_transforms=True),
    )
    run("transform_graph_named", lambda: client.get_transform_graph(streamed, frame_filter="named"))
    run("recording_schema_streamed", lambda: client.get_recording_schema(streamed, paths_only=True))
    run("close_streamed", lambda: client.close(store_ids=[streamed]))
    run("logs_after_all", lambda: client.get_logs(after_sequence=10**9))
    run("set_location_bad", lambda: client.set_location("nope://x"))
    run("close_bad_form", lambda: client.close(store_ids=["steps"]))
    run("close_unknown", lambda: client.close(store_ids=["Recording:x:y"]))
    # a table
    run(
        "send_table",
        lambda: client.send_table(
            "my table", pa.RecordBatch.from_pydict({"rerun_segment_id": ["s"], "fooBar": [1.5], "b": [True]})
        ),
    )
    time.sleep(1.0)
    run("state_table", client.get_state)
    run("location_table", client.get_location)
    run("table_schema", client.get_table_schema)
    run("blueprint_table", lambda: client.get_blueprint())
    run("close_current_table", lambda: client.close("current"))
    table_blueprint = run("blueprint_table_again", lambda: client.get_blueprint("table"))
    if table_blueprint is not None:
        laid = {
            "/table/layouts/table": {"TableLayout": {"column_order": ["b", "fooBar", "rerun_segment_id"]}}
        }
        run("set_blueprint_table", lambda: client.set_blueprint(laid, of="table"))
        run("blueprint_table_set", lambda: client.get_blueprint("table").blueprint)
        for command in (
            "table.undo_blueprint_edit",
            "table.redo_blueprint_edit",
            "table.reset_blueprint_to_default",
        ):
            run(command, functools.partial(client.run_command, command))
            time.sleep(0.3)
            run(command + ":blueprint", lambda: client.get_blueprint("table").blueprint)
    run(
        "commands_table",
        lambda: [
            (c.id, c.available, c.target)
            for c in client.list_commands(include_unavailable=True)
            if c.scope == "table"
        ],
    )
    run("set_location_back", lambda: client.set_location(state.location if state else ""))
    time.sleep(0.5)
    run("state_back", lambda: (client.get_state().active_recording, client.get_location()))
    # the end
    run("close_all", lambda: client.close("all"))
    run("state_end", lambda: (client.get_state().active_recording, client.get_state().recordings))
    _blueprint_calls(client, run, rrd)
    _sources_calls(client, run, rrd)
    with open(out, "w") as f:
        json.dump(results, f, indent=1, default=str)


if __name__ == "__main__":
    main(*sys.argv[1:4])
