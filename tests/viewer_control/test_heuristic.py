"""Without a sent blueprint: `get_blueprint` answers the whole layout the viewer made itself, as the
real 0.41 viewer does (containers, views, their queries, viewport, time panel), `set_blueprint`
writes over it, and the palette's blueprint resets, store prints, profile capture and quit run."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from ._scripts import on_both
from .conftest import Headless, free_port

pytestmark = [pytest.mark.slow]

READ_LAYOUT = """
client.open(path)
blueprint = client.get_blueprint()
views = {v.view_id: [v.view_class, v.origin] for v in client.get_state().views}
print(json.dumps({"blueprint": blueprint.blueprint, "id": blueprint.blueprint_id, "views": views}))
"""


def _write_three_spaces(path: Path) -> Path:
    """Points in 3D, an image space and a scalar series: 0.41 lays out three views, nested."""
    import numpy as np

    import rerun as rr

    rec = rr.RecordingStream("layout_test", recording_id="three")
    rec.save(path)
    for t in range(3):
        rec.set_time("step", sequence=t)
        rec.log("pts", rr.Points3D([[t, 0, 0]]))
        rec.log("plot", rr.Scalars(float(t)))
        rec.log("img", rr.Image(np.zeros((8, 8, 3), dtype=np.uint8)))
    rec.flush()
    return path


def _shape(blueprint: dict[str, Any], ref: str) -> Any:
    """The layout under `ref` without its ids: containers (kind, children), views (their fields
    and query)."""
    if ref.startswith("/view/"):
        return [blueprint[ref]["ViewBlueprint"], blueprint[ref + "/ViewContents"]["ViewContents"]]
    fields = dict(blueprint[ref]["ContainerBlueprint"])
    contents = fields.pop("contents")
    fields.pop("active_tab", None)
    children = contents if isinstance(contents, list) else [contents]
    return [fields, [_shape(blueprint, child) for child in children]]


def _layout(blueprint: dict[str, Any]) -> Any:
    viewport = blueprint["/viewport"]["ViewportBlueprint"]
    root = "/container/" + viewport["root_container"]
    tabs = blueprint[root]["ContainerBlueprint"].get("active_tab")
    others = {p: a for p, a in blueprint.items() if not p.startswith(("/view/", "/container/", "/viewport"))}
    cleared = {p: a for p, a in blueprint.items() if "Clear" in a}
    for archetypes in others.values():  # 0.41 writes the play state as it plays; ours keeps it on the page
        archetypes.get("TimePanelBlueprint", {}).pop("play_state", None)
    return {"root": _shape(blueprint, root), "tab": tabs is not None, "others": others, "cleared": cleared}


@pytest.mark.interop
@pytest.mark.parametrize("recording", ["three", "steps"])
def test_laid_out_blueprint_reads_as_the_real_viewer_reads_it(
    headless: Headless,
    oracle: Any,
    tmp_path: Path,
    recording: str,
) -> None:
    rrd = _write_three_spaces(tmp_path / "three.rrd") if recording == "three" else headless.rrd
    ours, theirs = on_both(oracle, headless.port, READ_LAYOUT, rrd)
    assert _layout(ours["blueprint"]) == _layout(theirs["blueprint"])
    # the views of the blueprint are the ones get_state lists, by id
    for answer in (ours, theirs):
        in_blueprint = {
            p.removeprefix("/view/")
            for p in answer["blueprint"]
            if p.count("/") == 2 and p.startswith("/view/")
        }
        assert in_blueprint == set(answer["views"])
    app = "layout_test" if recording == "three" else "control_test"
    assert ours["id"] == f"Blueprint:{app}:{app}"


def test_set_blueprint_without_a_sent_one_then_reset_to_heuristic(headless: Headless) -> None:
    """The laid-out blueprint, a view renamed, written back: the viewer shows the renamed view;
    `recording.reset_blueprint_to_heuristic` brings the laid-out one back."""
    from rerun.experimental import ViewerClient

    with ViewerClient.connect(headless.url) as client:
        [store_id] = client.open(str(headless.rrd)).store_ids
        laid_out = client.get_blueprint()
        assert [v.name for v in client.get_state().views] == ["/"]
        blueprint = laid_out.blueprint
        [view] = [p for p in blueprint if p.startswith("/view/") and "ViewBlueprint" in blueprint[p]]
        blueprint[view]["ViewBlueprint"]["display_name"] = "Renamed"
        info = client.set_blueprint(blueprint, store_id=store_id)
        assert info.blueprint_id == "Blueprint:control_test:control_test"
        assert info.store_id == store_id
        assert _wait_for(lambda: [v.name for v in client.get_state().views] == ["Renamed"])
        assert client.get_blueprint().blueprint[view]["ViewBlueprint"]["display_name"] == "Renamed"

        client.run_command("recording.reset_blueprint_to_heuristic")
        assert _wait_for(lambda: [v.name for v in client.get_state().views] == ["/"])
        again = client.get_blueprint().blueprint
        assert "display_name" not in again[view]["ViewBlueprint"]

        with pytest.raises(ConnectionError, match=r"Nope\.f is not in the current blueprint"):
            client.set_blueprint({"/x": {"Nope": {"f": 1}}}, store_id=store_id)


def _wait_for(check: Any, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return bool(check())


def test_profile_trace_of_our_frames(headless: Headless, tmp_path: Path) -> None:
    """A Chrome trace of the frames painted: one frame event per frame asked for, the calls inside."""
    from rerun.experimental import ViewerClient

    path = tmp_path / "trace.puffin"
    with ViewerClient.connect(headless.url) as client:
        client.open(str(headless.rrd))
        trace = client.capture_profile_trace(str(path), num_frames=3)
        assert (trace.num_frames, trace.file_path) == (3, str(path))
        events = json.loads(path.read_text())["traceEvents"]
        frames = [e for e in events if e.get("cat") == "frame"]
        assert [e["name"] for e in frames] == ["frame 1", "frame 2", "frame 3"]
        calls = [e for e in events if e.get("cat") == "python"]
        assert any(e["name"].endswith("render") for e in calls)
        first = frames[0]
        inside = [
            e
            for e in calls
            if first["ts"] <= e["ts"] and e["ts"] + e["dur"] <= first["ts"] + first["dur"] + 1
        ]
        assert inside, "no call recorded inside the first frame"
        with pytest.raises(ConnectionError, match="`num_frames` is 0, but has to be between 1 and 300"):
            client.capture_profile_trace(str(path), num_frames=0)
        with pytest.raises(ConnectionError, match="Failed to save profile trace: No such file or directory"):
            client.capture_profile_trace(str(tmp_path / "no" / "dir.puffin"), num_frames=1)


def test_print_commands_write_the_stores_to_the_viewer_output(tmp_path: Path) -> None:
    """`recording.print_chunk_store` / `print_blueprint_store` print to the viewer process's output."""
    import subprocess

    from .conftest import write_steps

    rrd = write_steps(tmp_path / "steps.rrd")
    port = free_port()
    exe = shutil.which("rerun", path=os.path.dirname(sys.executable))
    assert exe is not None
    env = {**os.environ, "XDG_RUNTIME_DIR": os.environ.get("XDG_RUNTIME_DIR", "/tmp/xdg-runtime-0")}
    proc = subprocess.Popen(
        [exe, "--headless", f"--port={port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        client = _connect(port, proc)
        client.open(str(rrd))
        assert client.run_command("recording.print_chunk_store").available
        client.run_command("recording.print_blueprint_store")
        client.run_command("ui.quit")  # ends the process, as 0.41's does
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 9)
            proc.wait(30)
    assert "/pts" in out and "Points3D:positions" in out
    assert '"ViewBlueprint"' in out and '"class_identifier": "3D"' in out
    assert proc.returncode is not None


def _connect(port: int, proc: Any) -> Any:
    from rerun_procs import wait_listening

    from rerun.experimental import ViewerClient

    wait_listening(port, proc, timeout=60)
    return ViewerClient.connect(f"rerun+http://127.0.0.1:{port}/proxy")


TOGGLE_PANELS = """
steps = []
client.open(path)
for command in ["ui.toggle_blueprint_panel", "ui.toggle_selection_panel", "recording.toggle_time_panel",
                "ui.toggle_top_panel", "ui.expand_blueprint_panel", "ui.toggle_selection_panel",
                "recording.toggle_time_panel"]:
    client.run_command(command)
    time.sleep(0.3)
    blueprint = client.get_blueprint().blueprint
    panels = {p: a for p, a in blueprint.items() if p.endswith("_panel")}
    panels.get("/time_panel", {}).get("TimePanelBlueprint", {}).pop("play_state", None)
    steps.append([command, panels, sorted(p.split("/")[1] for p in blueprint)])
print(json.dumps(steps))
"""


@pytest.mark.interop
def test_panel_commands_write_the_blueprint_as_the_real_viewer_does(headless: Headless, oracle: Any) -> None:
    """Each toggle / expand leaves the same panel states in the blueprint on both viewers, and the
    laid-out views stay (0.41 writes panel states into the blueprint of its own layout)."""
    ours, theirs = on_both(oracle, headless.port, TOGGLE_PANELS, headless.rrd)
    assert ours == theirs
    assert ours[0][1]["/blueprint_panel"] == {"PanelBlueprint": {"state": "Collapsed"}}
    assert ours[-1][1]["/time_panel"] == {"TimePanelBlueprint": {"state": "Expanded"}}
    assert "view" in ours[-1][2] and "viewport" in ours[-1][2]


UNDO_REDO = """
steps = []

def seen(what):
    time.sleep(0.3)
    blueprint = client.get_blueprint().blueprint
    panels = {p: a for p, a in blueprint.items() if p in ("/blueprint_panel", "/selection_panel")}
    names = [a["ViewBlueprint"].get("display_name") for a in blueprint.values() if "ViewBlueprint" in a]
    steps.append([what, panels, names, [v.name for v in client.get_state().views]])

[store_id] = client.open(path).store_ids
for command in ["recording.undo_blueprint_edit", "ui.toggle_blueprint_panel", "ui.toggle_selection_panel",
                "recording.undo_blueprint_edit", "recording.undo_blueprint_edit", "recording.redo_blueprint_edit"]:
    client.run_command(command)
    seen(command)
blueprint = client.get_blueprint().blueprint
[view] = [p for p in blueprint if p.startswith("/view/") and "ViewBlueprint" in blueprint[p]]
blueprint[view]["ViewBlueprint"]["display_name"] = "Renamed"
client.set_blueprint(blueprint, store_id=store_id)
seen("set_blueprint")
for command in ["recording.undo_blueprint_edit", "recording.redo_blueprint_edit", "recording.redo_blueprint_edit"]:
    client.run_command(command)
    seen(command)
print(json.dumps(steps))
"""


@pytest.mark.interop
def test_undo_redo_of_blueprint_edits_as_the_real_viewer(headless: Headless, oracle: Any) -> None:
    """Panel toggles and a written blueprint undone and redone step by step: the same panels, view
    names and shown views on both viewers after each step."""
    ours, theirs = on_both(oracle, headless.port, UNDO_REDO, headless.rrd)
    assert ours == theirs
    by_step = {what: (panels, names) for what, panels, names, _ in ours[-4:]}
    assert by_step["set_blueprint"][1] == ["Renamed"]
    assert ours[-3][2] == [None] and ours[-2][2] == ["Renamed"]  # undone, then redone
