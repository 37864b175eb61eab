"""Viewer control on our headless viewer (`rerun --headless`): rerun-sdk 0.41's own ViewerClient and
ours open a file, move the time cursor, read the state back and take a screenshot that shows the
3D view's content, with no window and no page."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest

from .conftest import Headless

pytestmark = [pytest.mark.slow]


def _orange_pixels(png: bytes) -> int:
    """How many pixels show the point (255, 120, 0) of `write_steps`."""
    from PIL import Image

    picture = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    r, g, b = picture[..., 0], picture[..., 1], picture[..., 2]
    return int(((r > 200) & (g > 70) & (g < 170) & (b < 80)).sum())


@pytest.mark.interop
def test_real_viewer_client_drives_our_headless_viewer(headless: Headless, oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Every ViewerClient method, called by rerun-sdk 0.41, answers on our viewer as on the real
    0.41 viewer (`rerun --headless`), but for `_compare.KNOWN`; then the screenshots show the point."""
    from rerun_procs import running

    from ._compare import KNOWN, differences, run_probe
    from .conftest import free_port

    port = free_port()
    with running(["--headless"], port, exe=oracle.rerun, env=oracle.env()):
        real = run_probe(oracle, f"rerun+http://127.0.0.1:{port}/proxy", headless.rrd, tmp_path / "real.json")
    ours = run_probe(oracle, headless.url, headless.rrd, tmp_path / "ours.json")
    differ = differences(real, ours)
    assert not differ, json.dumps(differ, indent=1)[:6000]
    assert len(real) > 60 and set(KNOWN) <= set(real)

    shot, saved = tmp_path / "shot.png", tmp_path / "saved.png"
    code = f"""
import json
from rerun.experimental import ViewerClient
client = ViewerClient.connect({headless.url!r})
opened = client.open({str(headless.rrd)!r})
client.set_time("step", sequence=3)
state = client.get_state()
open({str(shot)!r}, "wb").write(client.take_screenshot())
client.save_screenshot({str(saved)!r})
rec = state.recordings[0]
schema = client.get_recording_schema()
client.run_command("recording.seek_to_start")
after = client.get_state().recordings[0]
print(json.dumps({{
    "entities": {{e.entity_path: sorted((c.component, c.datatype) for c in e.components) for e in schema.entities}},
    "commands": [c.id for c in client.list_commands()],
    "logs": [e.message for e in client.get_logs()],
    "after_command": [after.current_timeline, after.current_time],
    "opened": opened.store_ids,
    "active": state.active_recording,
    "timeline": [[t.name, t.time_type, t.start, t.end] for t in rec.timelines if t.name == "step"],
    "cursor": [rec.current_timeline, rec.current_time],
    "views": [v.view_class for v in state.views],
}}))
"""
    out = json.loads(oracle.run_script(code, timeout=180).stdout.strip().splitlines()[-1])
    assert out["opened"] == ["Recording:control_test:steps"]
    assert out["active"] == "Recording:control_test:steps"
    assert out["timeline"] == [["step", "sequence", 0, 9]]
    assert out["cursor"] == ["step", 3]
    assert out["views"] == ["3D"]
    assert out["entities"]["/pts"] == [
        ["Points3D:colors", "UInt32"],
        ["Points3D:positions", "FixedSizeList(3 x non-null Float32)"],
        ["Points3D:radii", "Float32"],
    ]
    assert "recording.seek_to_start" in out["commands"]
    assert out["after_command"] == ["step", 0]
    assert f"Loading {headless.rrd}…" in out["logs"]
    assert _orange_pixels(shot.read_bytes()) > 100, "the screenshot does not show the point"
    assert _orange_pixels(saved.read_bytes()) > 100, "the saved screenshot does not show the point"


def test_our_viewer_client_drives_our_headless_viewer(headless: Headless, tmp_path: Path) -> None:
    from rerun.experimental import ViewerClient

    with ViewerClient.connect(headless.url) as client:
        assert client.get_state().recordings == []
        assert client.open(str(headless.rrd)).store_ids == ["Recording:control_test:steps"]
        client.set_time("step", sequence=6)
        state = client.get_state()
        rec = state.recordings[0]
        assert state.active_recording == "Recording:control_test:steps"
        assert (rec.current_timeline, rec.current_time) == ("step", 6)
        assert [v.view_class for v in state.views] == ["3D"]
        png = client.take_screenshot()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert _orange_pixels(png) > 100, "the screenshot does not show the point"
        small = client.take_screenshot(max_size=64)
        from PIL import Image

        assert max(Image.open(io.BytesIO(small)).size) == 64
        assert client.close("all") == ["Recording:control_test:steps"]
        assert client.get_state().recordings == []


def test_spawned_headless_viewer_ends_with_its_client(tmp_path: Path) -> None:
    """`spawn(headless=True)` runs `rerun --headless` attached: quit() ends it, and so does
    dropping the client (0.41: a leftover invisible viewer is rarely what you want)."""
    import gc
    import os
    import shutil
    import sys
    import time

    from rerun.experimental import ViewerClient

    from .conftest import free_port, write_steps

    exe = shutil.which("rerun", path=os.path.dirname(sys.executable))
    assert exe is not None
    client = ViewerClient.spawn(headless=True, port=free_port(), executable_path=exe)
    assert client.open(str(write_steps(tmp_path / "a.rrd"))).store_ids == ["Recording:control_test:steps"]
    client.quit()
    with pytest.raises(ConnectionError):
        client.get_state()

    dropped = ViewerClient.spawn(headless=True, port=free_port(), executable_path=exe)
    pid = dropped._pid
    assert pid is not None
    del dropped
    gc.collect()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                break
        except ChildProcessError:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the dropped client's viewer is still running")


def test_screenshot_of_a_sent_table_shows_the_table(headless: Headless) -> None:
    """While a table is on screen the screenshot is of the table (its text on an empty viewport),
    not of the recording underneath; back on the recording, the point shows again."""
    import pyarrow as pa
    from PIL import Image

    from rerun.experimental import ViewerClient

    with ViewerClient.connect(headless.url) as client:
        client.open(str(headless.rrd))
        assert _orange_pixels(client.take_screenshot()) > 100
        client.send_table(
            "my table", pa.RecordBatch.from_pydict({"rerun_segment_id": ["s"], "fooBar": [1.5]})
        )
        shot = np.asarray(Image.open(io.BytesIO(client.take_screenshot())).convert("RGB")).astype(int)
        assert _orange_pixels(client.take_screenshot()) == 0
        text = (shot.min(axis=2) > 150).sum()  # the light text of the header and the row
        assert text > 50, "no table text in the screenshot"
        [recording] = client.get_state().recordings
        client.set_location(recording.location)
        assert _orange_pixels(client.take_screenshot()) > 100
