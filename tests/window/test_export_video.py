"""Timeline to video (beyond Rerun): `rerun export-video` and the notebook Viewer's export_video
render a timeline's range into an MP4, headless; decoded, it has a frame per step and its frames
differ where the data moves."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow

av = pytest.importorskip("av")
pytest.importorskip("pygfx")

STEPS = 12


def _log_moving_point(rec) -> None:  # type: ignore[no-untyped-def]
    import rerun as rr

    for t in range(STEPS):
        rec.set_time("frame", sequence=t)
        rec.log(
            "ball", rr.Points3D([[t / 2 - 3, 0, 0], [3, 1, 0], [-3, -1, 0]], radii=0.4, colors=[255, 120, 0])
        )
        rec.log("note", rr.TextLog(f"step {t}"))


def _decode(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def _orange(frame: np.ndarray) -> np.ndarray:
    r, g, b = (frame[..., i].astype(int) for i in range(3))
    return (r > 190) & (g > 60) & (g < 180) & (b < 90)


def test_cli_export_video(tmp_path: Path) -> None:
    import rerun as rr
    from rerun.cli.export_video import main

    rrd = tmp_path / "moving.rrd"
    rec = rr.RecordingStream("export_test", recording_id="moving")
    rec.save(rrd)
    _log_moving_point(rec)
    rec.flush()
    out = tmp_path / "out.mp4"
    args = [
        str(rrd),
        "--timeline",
        "frame",
        "--fps",
        "10",
        "--size",
        "320x240",
        "--start",
        "2",
        "-o",
        str(out),
    ]
    assert main(args) == 0
    frames = _decode(out)
    assert len(frames) == STEPS - 2  # steps 2..11, one frame each
    assert frames[0].shape == (240, 320, 3)
    first, last = _orange(frames[0]), _orange(frames[-1])
    assert first.sum() > 50 and last.sum() > 50, "the points are not in the video"
    assert (first ^ last).sum() > 0.3 * first.sum(), "the moving point did not move in the video"


def test_cli_export_video_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    import rerun as rr
    from rerun.cli.export_video import main

    rrd = tmp_path / "moving.rrd"
    rec = rr.RecordingStream("export_test", recording_id="moving")
    rec.save(rrd)
    _log_moving_point(rec)
    rec.flush()
    assert main([str(rrd), "--timeline", "nope", "-o", str(tmp_path / "x.mp4")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no timeline 'nope'" in err[0]
    assert main([str(rrd), "--timeline", "frame", "--size", "321x240", "-o", str(tmp_path / "x.mp4")]) == 1
    assert "even" in capsys.readouterr().err


def test_notebook_viewer_export_video_one_view(tmp_path: Path) -> None:
    import rerun as rr
    import rerun.blueprint as rrb
    from rerun.notebook import Viewer

    rec = rr.RecordingStream("export_nb", recording_id="nb")
    _log_moving_point(rec)
    layout = rrb.Horizontal(
        rrb.Spatial3DView(origin="/", name="space"), rrb.TextLogView(origin="/note", name="log")
    )
    viewer = Viewer(width=640, height=360, recording=rec, blueprint=layout)
    try:
        out = tmp_path / "nb.mp4"
        result = viewer.export_video(out, timeline="frame", fps=5, size=(320, 240), view="space")
        frames = _decode(out)
        assert result.frames == len(frames) == STEPS
        assert frames[0].shape == (240, 320, 3)
        moved = [(_orange(a) ^ _orange(b)).sum() for a, b in itertools.pairwise(frames)]
        assert min(moved) > 0, "some step of the moving point left the video unchanged"
    finally:
        viewer.close()


def test_screenshot_to_saves_the_picture_and_quits(tmp_path: Path) -> None:
    import os
    import socket
    import subprocess
    import sys

    from PIL import Image

    import rerun as rr

    rrd = tmp_path / "moving.rrd"
    rec = rr.RecordingStream("export_test", recording_id="moving")
    rec.save(rrd)
    _log_moving_point(rec)
    rec.flush()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    out = tmp_path / "shot.png"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    rerun = Path(sys.executable).parent / "rerun"
    args = [str(rerun), str(rrd), f"--port={port}", "--screenshot-to", str(out), "--window-size=320x240"]
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    picture = np.asarray(Image.open(out).convert("RGB"))
    assert picture.shape == (240, 320, 3)
    assert _orange(picture).sum() > 50, "the screenshot does not show the points"
