"""A recording made by the real rerun-sdk 0.41 (oracle) renders: column types as Rerun writes them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.viewer.conftest import color_mask, content_mask, require_adapter

pytestmark = pytest.mark.interop

SCRIPT = """
import sys
import numpy as np
import rerun as rr

rr.init("viewer_oracle", recording_id="viewer_oracle")
rr.save(sys.argv[1])
rr.log("world", rr.ViewCoordinates.RIGHT_HAND_Z_UP, static=True)
rr.log("/", rr.AnnotationContext([(1, "a", (0, 255, 0))]), static=True)
for t in range(3):
    rr.set_time("frame", sequence=t)
    rr.log("world/pts", rr.Points3D(np.random.default_rng(t).normal(size=(30, 3)), colors=[255, 0, 0], radii=0.05))
    rr.log("world/box", rr.Boxes3D(half_sizes=[1, 1, 1], labels="box"))
    rr.log("world/mesh", rr.Mesh3D(vertex_positions=[[0, 0, 0], [1, 0, 0], [0, 1, 0]], triangle_indices=[[0, 1, 2]]))
    rr.log("world/cam", rr.Pinhole(focal_length=40, width=64, height=48))
    rr.log("world/cam/img", rr.Image(np.full((48, 64, 3), 200, np.uint8)))
    rr.log("world/cam/img/seg", rr.SegmentationImage(np.ones((48, 64), np.uint8)))
    rr.log("scalar", rr.Scalars(float(t)))
    rr.log("log", rr.TextLog(f"step {t}"))
"""


def test_oracle_recording_renders(oracle, tmp_path: Path) -> None:
    from rerun_core.store.hub import StoreHub
    from rerun_core.store.rrd import read_messages
    from rerun_core.viewer import ViewerApp

    require_adapter()
    path = tmp_path / "oracle.rrd"
    oracle.run_script(SCRIPT, str(path))
    hub = StoreHub()
    for msg in read_messages(path):
        hub.insert(msg)
    active = hub.active_recording
    store = active if hasattr(active, "latest_at") else hub.store(active)
    app = ViewerApp(store, 320, 240)
    try:
        frame = app.render()
        views = {v["id"]: v for v in app.layout()}
        assert {"spatial3d:/world", "spatial2d:/world/cam", "timeseries:/scalar", "text_log:/"} <= set(views)
        x, y, w, h = views["spatial3d:/world"]["rect"]
        assert color_mask(frame[y : y + h, x : x + w], (255, 0, 0), tol=60).sum() > 10
        x, y, w, h = views["spatial2d:/world/cam"]["rect"]
        assert content_mask(frame[y : y + h, x : x + w]).mean() > 0.3
        assert not any(v.errors for v in (app.view("spatial3d:/world"), app.view("spatial2d:/world/cam")))
        assert not app.view_errors
        assert [r["text"] for r in app.text_log("text_log:/")] == ["step 0", "step 1", "step 2"]
        assert np.isfinite(app.view("timeseries:/scalar").camera.x_range).all()
    finally:
        app.close()
