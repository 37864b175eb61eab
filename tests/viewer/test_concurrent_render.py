"""Several viewers in one process (notebook widgets, web pages) render from their own threads."""

from __future__ import annotations

import threading

import numpy as np
import pyarrow as pa

from rerun_core.store.store import ChunkStore
from tests.viewer import builders as b
from tests.viewer.conftest import color_mask, require_adapter


def _store(color: tuple[int, int, int]) -> ChunkStore:
    store = ChunkStore()
    rng = np.random.default_rng(0)
    fields = {
        "positions": b.vecs(rng.normal(size=(2000, 3)), 3),
        "colors": b.colors([color]),
        "radii": pa.array([-4.0], pa.float32()),
    }
    b.log(store, "pts", "Points3D", fields)
    return store


def test_two_apps_rendering_from_two_threads_each_draw_their_own_scene() -> None:
    """pygfx's shared renderer state is not thread-safe: renders take turns (gpu.GPU_LOCK)."""
    from rerun_core.viewer import ViewerApp

    require_adapter()
    apps = [ViewerApp(_store((255, 0, 0)), 160, 120), ViewerApp(_store((0, 255, 0)), 200, 100)]
    results: dict[int, list[np.ndarray]] = {0: [], 1: []}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for k in range(15):
                apps[i].set_size(160 + 8 * (k % 3), 120) if i == 0 else apps[i].reset_camera()
                results[i].append(apps[i].render())
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for app in apps:
        app.close()
    assert not errors, errors
    assert all(len(r) == 15 for r in results.values())
    for frame in results[0]:
        assert color_mask(frame, (255, 0, 0)).sum() > 50 and color_mask(frame, (0, 255, 0)).sum() == 0
    for frame in results[1]:
        assert frame.shape[:2] == (100, 200)
        assert color_mask(frame, (0, 255, 0)).sum() > 50 and color_mask(frame, (255, 0, 0)).sum() == 0
