"""Viewer control (Rerun 0.41's ViewerControlService) against our viewer process: rerun-sdk 0.41's
own `rerun.experimental.ViewerClient` reads the window's state, moves its time cursor and takes a
screenshot of what the window shows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from .conftest import Viewer

pytestmark = [pytest.mark.window, pytest.mark.interop, pytest.mark.slow]


def _orange_pixels(png: bytes) -> int:
    """How many pixels show an orange (255, 120, 0) point."""
    import io

    from PIL import Image

    picture = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    r, g, b = picture[..., 0], picture[..., 1], picture[..., 2]
    return int(((r > 200) & (g > 70) & (g < 170) & (b < 80)).sum())


def _shown(client: Any, limit: float = 120) -> Any:
    """The viewer's state once its window's page shows a recording (it connects a moment after the
    window maps), or the last state seen after ``limit`` seconds."""
    import time

    deadline = time.monotonic() + limit
    state = client.get_state()
    while not (state.active_recording and state.views) and time.monotonic() < deadline:
        time.sleep(0.5)
        state = client.get_state()
    return state


@pytest.fixture
def viewer(display: str, tmp_path: Path) -> Iterator[Viewer]:
    import rerun as rr

    path = tmp_path / "steps.rrd"
    rec = rr.RecordingStream("control_test", recording_id="steps")
    rec.save(path)
    for t in range(10):
        rec.set_time("step", sequence=t)
        rec.log("pts", rr.Points3D([[t, 0, 0]], radii=0.5, colors=[255, 120, 0]))
    rec.flush()
    v = Viewer(display, str(path), "--window-size=800x600", cwd=tmp_path)
    v.wait_window()
    yield v
    v.stop()


def test_real_viewer_client_state_time_and_screenshot(viewer: Viewer, oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shot = tmp_path / "shot.png"
    code = f"""
import json, time
from rerun.experimental import ViewerClient
client = ViewerClient("rerun+http://127.0.0.1:{viewer.port}/proxy")
for _ in range(240):  # the window's page connects a moment after the window maps
    state = client.get_state()
    if state.active_recording and state.views:
        break
    time.sleep(0.5)
client.set_time("step", sequence=3)
after = client.get_state()
png = client.take_screenshot()
open({str(shot)!r}, "wb").write(png)
rec = after.recordings[0]
print(json.dumps({{
    "active": after.active_recording,
    "ids": [r.store_id for r in after.recordings],
    "timelines": {{t.name: [t.time_type, t.start, t.end] for t in rec.timelines}},
    "cursor": [rec.current_timeline, rec.current_time],
    "views": [v.view_class for v in after.views],
}}))
"""
    out = json.loads(oracle.run_script(code, timeout=180).stdout.strip().splitlines()[-1])
    assert out["active"] == "Recording:control_test:steps" and out["ids"] == ["Recording:control_test:steps"]
    assert out["timelines"]["step"] == ["sequence", 0, 9]
    assert out["cursor"] == ["step", 3]
    assert out["views"] == ["3D"]
    assert _orange_pixels(shot.read_bytes()) > 20, "the screenshot does not show the point"


def test_our_viewer_client(viewer: Viewer, tmp_path: Path) -> None:

    import rerun as rr
    from rerun.experimental import ViewerClient

    client = ViewerClient(f"rerun+http://127.0.0.1:{viewer.port}/proxy")
    state = _shown(client)
    assert state.active_recording == "Recording:control_test:steps"
    assert [
        (t.name, t.time_type, t.start, t.end) for t in state.recordings[0].timelines if t.name == "step"
    ] == [("step", "sequence", 0, 9)]
    client.set_time("step", sequence=7)
    rec = client.get_state().recordings[0]
    assert (rec.current_timeline, rec.current_time) == ("step", 7)
    with pytest.raises(ValueError, match='no timeline "nope"'):
        client.set_time("nope", sequence=1)
    assert client.take_screenshot(max_size=64)[:8] == b"\x89PNG\r\n\x1a\n"

    other = tmp_path / "other.rrd"
    second = rr.RecordingStream("control_test", recording_id="other")
    second.save(other)
    second.log("p", rr.Points3D([[0, 0, 0]]))
    second.flush()
    assert client.open(str(other)).store_ids == ["Recording:control_test:other"]
    assert client.close(store_ids=["Recording:control_test:other"]) == ["Recording:control_test:other"]
    assert [r.store_id for r in client.get_state().recordings] == ["Recording:control_test:steps"]


def test_rerun_url_opens_a_window_showing_the_stream(display: str, tmp_path: Path) -> None:
    """`rerun rerun+http://HOST:PORT/proxy`, as 0.41: a window (on the viewer's own port) showing what
    streams through that server, here what was logged to it before the viewer came."""
    import subprocess

    import rerun as rr
    from rerun.experimental import ViewerClient

    from .conftest import BIN, free_port, window_env

    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "rerun"), "--serve-grpc", f"--port={port}"],
        env=window_env(display),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    viewer = None
    try:
        rec = rr.RecordingStream("url_test", recording_id="streamed")
        rec.connect_grpc(f"rerun+http://127.0.0.1:{port}/proxy")
        rec.log("pts", rr.Points3D([[0, 0, 0]], radii=0.5, colors=[255, 120, 0]))
        rec.flush()
        viewer = Viewer(
            display, f"rerun+http://127.0.0.1:{port}/proxy", "--window-size=800x600", cwd=tmp_path
        )
        viewer.wait_window()
        client = ViewerClient(f"rerun+http://127.0.0.1:{viewer.port}/proxy")
        state = _shown(client)
        assert state.active_recording == "Recording:url_test:streamed", viewer.output()
        png = client.take_screenshot()
        assert _orange_pixels(png) > 20, "the window does not show the streamed point"
        rec.disconnect()
    finally:
        if viewer is not None:
            viewer.stop()
        server.terminate()
        server.wait(30)
