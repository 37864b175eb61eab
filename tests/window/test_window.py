"""The viewer as a desktop window (issue 16), under Xvfb: `rerun FILE` opens a window showing the
recording, a mouse drag in its 3D view moves the camera, closing the window ends the viewer and its
gRPC endpoint; a second `rerun` on the same port opens no second window."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from rerun_core.server.proxy import port_is_listening

from .conftest import Viewer
from .x11 import close_window, find_window, screenshot, window_geometry, xdotool

pytestmark = [pytest.mark.window, pytest.mark.slow]

ORANGE = (255, 120, 0)


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import rerun as rr

    path = tmp_path_factory.mktemp("window") / "spiral.rrd"
    rec = rr.RecordingStream("window_test", recording_id="spiral")
    rec.save(path)
    angle = np.linspace(0, 2 * np.pi, 200)
    rec.log("pts", rr.Points3D(np.c_[np.cos(angle) * 2, np.sin(angle), angle / 3], radii=0.06, colors=ORANGE))
    rec.flush()
    return path


@pytest.fixture
def viewer(display: str, recording: Path, tmp_path: Path) -> Iterator[Viewer]:
    v = Viewer(display, str(recording), "--window-size=1000x700", cwd=tmp_path)
    yield v
    v.stop()


def _orange_mask(display: str, window: int, path: Path) -> np.ndarray:
    """Where the window shows the recording's orange points (True per pixel)."""
    x, y, w, h = window_geometry(display, window)
    screen = np.asarray(Image.open(screenshot(display, path)).convert("RGB")).astype(int)
    part = screen[max(0, y) : y + h, max(0, x) : x + w]
    r, g, b = part[..., 0], part[..., 1], part[..., 2]
    return (r > 200) & (g > 70) & (g < 170) & (b < 80)


def _poll(condition, limit: float = 90.0, step: float = 1.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit
    while True:
        value = condition()
        if value is not None or time.monotonic() > deadline:
            return value
        time.sleep(step)


def test_window_shows_recording_drag_moves_camera_and_close_ends_viewer(
    viewer: Viewer, tmp_path: Path
) -> None:
    window = viewer.wait_window()
    shots = iter(range(1000))

    def points_shown() -> np.ndarray | None:
        mask = _orange_mask(viewer.display, window, tmp_path / f"shot{next(shots)}.png")
        return mask if mask.sum() > 300 else None

    before = _poll(points_shown)
    assert before is not None, f"the 3D view never showed the points: {viewer.output()}"

    # Drag across the 3D view: the camera orbits, so the points land elsewhere on screen.
    x, y, w, h = window_geometry(viewer.display, window)
    cx, cy = x + w // 2, y + h // 2
    xdotool(viewer.display, "mousemove", str(cx), str(cy))
    xdotool(viewer.display, "mousedown", "1")
    for step in range(1, 11):
        xdotool(viewer.display, "mousemove", str(cx + 20 * step), str(cy + 6 * step))
        time.sleep(0.05)
    xdotool(viewer.display, "mouseup", "1")

    def moved() -> np.ndarray | None:
        mask = points_shown()
        return mask if mask is not None and (mask ^ before).sum() > 0.5 * before.sum() else None

    after = _poll(moved)
    assert after is not None, "dragging in the 3D view did not move the points"

    close_window(viewer.display, window)
    assert viewer.proc.wait(90) == 0, viewer.output()
    assert not port_is_listening(viewer.port), "the gRPC endpoint outlived the window"
    assert "shutting down" in viewer.output()


def test_one_window_per_port(display: str, recording: Path, tmp_path: Path) -> None:
    first = Viewer(display, cwd=tmp_path)
    try:
        first.wait_window()
        second = Viewer(display, str(recording), port=first.port, cwd=tmp_path)
        assert second.proc.wait(90) == 0, second.output()
        assert "sent 1 file(s) to the Rerun viewer already running" in second.output()
        ids = xdotool(display, "search", "--onlyvisible", "--name", first.title).split()
        assert len(ids) == 1, f"windows for port {first.port}: {ids}"
        second.stop()
    finally:
        first.stop()
    assert first.proc.returncode == 0


def test_another_port_opens_a_second_window(display: str, tmp_path: Path) -> None:
    image = tmp_path / "image.png"
    Image.new("RGB", (64, 48), ORANGE).save(image)
    first = Viewer(display, cwd=tmp_path)
    second = Viewer(display, str(image), cwd=tmp_path)
    try:
        assert first.wait_window() != second.wait_window()
    finally:
        second.stop()
        first.stop()


def test_spawn_opens_a_window(display: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    from .conftest import free_port, window_env

    port = free_port()
    code = (
        "import rerun as rr; rr.init('spawned', recording_id='s'); "
        f"rr.spawn(port={port}); rr.log('pts', rr.Points3D([[0, 0, 0]])); rr.disconnect()"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=window_env(display), capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert "it opens on your display" in out.stderr
    title = f"(port {port})"
    window = _poll(lambda: find_window(display, title), limit=120)
    assert window is not None, "the spawned viewer opened no window"
    close_window(display, window)  # the spawned viewer is detached: closing its window ends it
    assert _poll(lambda: True if not port_is_listening(port) else None, limit=90), "viewer still running"
