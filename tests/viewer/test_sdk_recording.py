"""End to end inside the kernel: our SDK logs -> StoreHub -> ViewerApp -> frame with every view."""

from __future__ import annotations

import numpy as np
import pytest

from tests.viewer.conftest import color_mask, content_mask, require_adapter

rr = pytest.importorskip("rerun")


def _record() -> object:
    from rerun_core.store.hub import StoreHub

    rec = rr.RecordingStream("viewer_sdk_test")
    mem = rec.memory_recording()
    rr.log("world", rr.ViewCoordinates.RIGHT_HAND_Z_UP, static=True, recording=rec)
    rr.log(
        "/",
        rr.AnnotationContext([(1, "car", (0, 255, 0)), (2, "tree", (255, 0, 0))]),
        static=True,
        recording=rec,
    )
    for t in range(3):
        rec.set_time("frame", sequence=t)
        pts = np.random.default_rng(t).normal(size=(50, 3))
        rr.log("world/points", rr.Points3D(pts, colors=[255, 0, 0], radii=0.05), recording=rec)
        rr.log("world/box", rr.Boxes3D(half_sizes=[1, 1, 1], centers=[3, 0, 0], labels="box"), recording=rec)
        rr.log("world/robot", rr.Transform3D(translation=[0, 2, 0]), recording=rec)
        rr.log("world/robot/arm", rr.Arrows3D(vectors=[[1, 0, 0]], colors=[0, 0, 255]), recording=rec)
        rr.log("world/cam", rr.Pinhole(focal_length=40, width=64, height=48), recording=rec)
        rr.log("world/cam/img", rr.Image(np.full((48, 64, 3), 200, np.uint8)), recording=rec)
        seg = (np.arange(64)[None, :].repeat(48, 0) // 22).astype(np.uint8)
        rr.log("world/cam/img/seg", rr.SegmentationImage(seg), recording=rec)
        rr.log("plot/sin", rr.Scalars(np.sin(t / 2)), recording=rec)
        rr.log("logs", rr.TextLog(f"step {t}", level=rr.TextLogLevel.INFO), recording=rec)
    rr.log("plot/sin", rr.SeriesLines(colors=[255, 128, 0], names="sine"), static=True, recording=rec)
    rr.log("readme", rr.TextDocument("# Hello", media_type=rr.MediaType.MARKDOWN), static=True, recording=rec)
    hub = StoreHub()
    for msg in mem.drain():
        hub.insert(msg)
    active = hub.active_recording
    return active if hasattr(active, "latest_at") else hub.store(active)


def test_sdk_recording_renders_every_view() -> None:
    from rerun_core.viewer import ViewerApp

    require_adapter()
    app = ViewerApp(_record(), 480, 240)
    try:
        frame = app.render()
        views = {v["id"]: v for v in app.layout()}
        assert set(views) == {"spatial3d:/world", "spatial2d:/world/cam", "timeseries:/plot/sin", "text_document:/readme", "text_log:/"}  # fmt: skip
        for vid in ("spatial3d:/world", "spatial2d:/world/cam", "timeseries:/plot/sin"):
            x, y, w, h = views[vid]["rect"]
            assert content_mask(frame[y : y + h, x : x + w]).mean() > 0.01, vid
        x, y, w, h = views["spatial2d:/world/cam"]["rect"]
        cam = frame[y : y + h, x : x + w]
        assert (
            color_mask(cam, (146, 230, 146), tol=30).sum() > 100
        )  # class 1 green, 50% over gray (linear blend)
        assert [r["text"] for r in app.text_log("text_log:/")] == ["step 0", "step 1", "step 2"]
        assert app.text_document("text_document:/readme")["text"] == "# Hello"
        assert ("/world/box", "Boxes3D") in app.view("spatial3d:/world").visualizers
    finally:
        app.close()
