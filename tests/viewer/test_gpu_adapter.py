"""With a hardware GPU present, the viewer renders on it (not on a software adapter)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from rerun_core.store.store import ChunkStore
from tests.viewer import builders as b
from tests.viewer.conftest import content_mask, require_adapter


@pytest.mark.gpu
def test_the_renderer_uses_a_hardware_adapter_when_one_exists() -> None:
    require_adapter()
    import pygfx
    import wgpu

    from rerun_core.viewer import ViewerApp
    from rerun_core.viewer.gpu import is_software

    hardware = [a for a in wgpu.gpu.enumerate_adapters_sync() if not is_software(dict(a.info))]
    if not hardware:
        pytest.skip("no hardware GPU adapter on this machine")
    store = ChunkStore()
    pts = np.random.default_rng(0).normal(size=(100_000, 3))
    b.log(store, "pts", "Points3D", {"positions": b.vecs(pts, 3), "radii": pa.array([-2.0], pa.float32())})
    app = ViewerApp(store, 640, 480)
    frame = app.render()
    used = dict(pygfx.renderers.wgpu.get_shared().adapter.info)
    app.close()
    assert not is_software(used), used
    assert content_mask(frame).sum() > 1000
