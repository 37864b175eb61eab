"""End to end: a notebook logs an MP4 (AssetVideo + VideoFrameReference) and plays it in JupyterLab.

The video is made in the kernel with PyAV: 4 blocks of solid colors over 2 s. Playing the time
control must show the blocks' colors one after the other in the widget's frames. Screenshots go
to artifacts/video/ (gitignored).
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from .lab import notebook_page, run_all_until_frame, wait_settled, write_notebook

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "video"
COLORS = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)]

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

CELLS = [
    f"""import io
import av
import numpy as np
import rerun as rr

COLORS = {COLORS!r}
buf = io.BytesIO()
container = av.open(buf, "w", format="mp4")
stream = container.add_stream("libx264", rate=10)
stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
stream.options = {{"g": "10", "sc_threshold": "0"}}
for i in range(20):
    img = np.full((240, 320, 3), COLORS[i // 5], np.uint8)
    for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
        container.mux(packet)
for packet in stream.encode():
    container.mux(packet)
container.close()

rr.init("video_e2e")
video = rr.AssetVideo(contents=buf.getvalue(), media_type="video/mp4")
rr.log("video", video, static=True)
ts = video.read_frame_timestamps_nanos()
rr.send_columns("video", indexes=[rr.TimeColumn("video_time", duration=ts * 1e-9)],
                columns=rr.VideoFrameReference.columns_nanos(ts))""",
    "viewer = rr.notebook_show(width=640, height=420)",
]


def _view(page: Any) -> np.ndarray:
    from PIL import Image

    png = page.locator(".rr-view").first.screenshot()
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _block(img: np.ndarray) -> int | None:
    """Which color block fills most of the view (None: none does)."""
    shares = [float(np.mean(np.abs(img - c).max(axis=-1) < 40)) for c in COLORS]
    best = int(np.argmax(shares))
    return best if shares[best] > 0.3 else None


def test_notebook_plays_the_video(tmp_path: Path) -> None:
    write_notebook(tmp_path / "video.ipynb", CELLS)
    with notebook_page(tmp_path, "video.ipynb", viewport=(1000, 900), artifacts=ARTIFACTS) as page:
        run_all_until_frame(page)
        wait_settled(page)
        page.locator(".rr-root").first.screenshot(path=str(ARTIFACTS / "notebook_video_end.png"))
        assert _block(_view(page)) == 3  # the cursor starts at the end: the last block
        page.locator(".rr-play").first.click()  # at the end, play starts over (as Rerun)
        seen: list[int] = []
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and len(set(seen)) < 3:
            block = _block(_view(page))
            if block is not None and (not seen or seen[-1] != block):
                seen.append(block)
            time.sleep(0.1)
        page.locator(".rr-root").first.screenshot(path=str(ARTIFACTS / "notebook_video_playing.png"))
        assert len(set(seen)) >= 3, seen
        played = seen[1:] if seen[0] == 3 else seen  # (the end block we started on)
        assert played == sorted(played), seen  # the blocks came one after another, in order
