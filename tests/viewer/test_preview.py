"""Preview frames (issue 5 §4): new data shows up first in a cheap reduced frame, then full."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from rerun_core.viewer.app import _upscale
from tests.viewer import builders as b
from tests.viewer.conftest import color_mask

F32 = pa.float32()


def _cloud(store, n: int) -> None:
    pts = np.random.default_rng(0).normal(size=(n, 3))
    b.log(store, "cloud", "Points3D", {"positions": b.vecs(pts, 3), "colors": b.colors([(200, 120, 40)])})


def test_preview_draws_new_data_with_a_point_budget_and_leaves_the_refinement_to_the_caller(
    store, render
) -> None:
    _cloud(store, 5000)
    app, _ = render(160, 120)
    app.preview_max_points = 1000
    b.log(
        store,
        "new",
        "Points3D",
        {
            "positions": b.vecs([(0, 0, 4)], 3),
            "colors": b.colors([(0, 255, 0)]),
            "radii": pa.array([-8.0], F32),
        },
    )
    assert app.is_dirty()
    frame = app.render(preview=True)
    assert frame.shape == (120, 160, 4)
    assert color_mask(frame, (0, 255, 0)).sum() > 0  # the new entity is in the very first frame
    cloud = app.view("spatial3d:/").visualizers[("/cloud", "Points3D")]
    assert cloud.lod is not None and cloud.lod.visible and not cloud.points.visible
    assert cloud.lod.geometry.positions.data.shape[0] <= 1000
    assert app._last_scale < 1.0
    assert not app.is_dirty()  # the caller (the frame pump) asks for the full frame itself
    full = app.render()
    assert app._last_scale == 1.0 and cloud.points.visible and not cloud.lod.visible
    assert color_mask(full, (0, 255, 0)).sum() > 0


def test_a_reduced_frame_while_moving_still_refines_itself(store, render) -> None:
    _cloud(store, 100)
    app, _ = render(160, 120)
    app.set_interactive(True)
    app.render()
    app.set_interactive(False)
    assert app.is_dirty()  # motion stopped: the app owes a full-resolution frame


def test_upscale_is_nearest_neighbour_at_any_ratio() -> None:
    rng = np.random.default_rng(3)
    small = rng.integers(0, 255, (27, 36, 4), dtype=np.uint8)
    big = _upscale(small, 100, 75)
    ys = np.arange(75) * 27 // 75
    xs = np.arange(100) * 36 // 100
    assert big.shape == (75, 100, 4)
    assert np.array_equal(big, small[ys[:, None], xs[None, :]])
    strided = np.ascontiguousarray(rng.integers(0, 255, (40, 50, 4), dtype=np.uint8))[:27, :36]
    assert np.array_equal(_upscale(strided, 100, 75), strided[ys[:, None], xs[None, :]])
    assert np.array_equal(_upscale(small, 72, 54), np.repeat(np.repeat(small, 2, 0), 2, 1))


def test_bounds_skip_nan_rows_and_vanish_when_nothing_is_finite() -> None:
    from rerun_core.viewer.visualizers.points_lines import Points3DVisualizer

    vis = Points3DVisualizer("/p")
    vis._set_bounds(np.array([[0, 1, 2], [np.nan, 5, 5], [3, -1, 0]], np.float32), pad=0.5)
    assert vis.bounds is not None
    np.testing.assert_allclose(vis.bounds[0], [-0.5, -1.5, -0.5])
    np.testing.assert_allclose(vis.bounds[1], [3.5, 5.5, 5.5])
    vis._set_bounds(np.full((4, 3), np.nan, np.float32))
    assert vis.bounds is None
    vis._set_bounds(np.array([[1, 2], [3, 4]], np.float32))  # 2D content sits in z = 0
    assert vis.bounds is not None and vis.bounds[1].tolist() == [3.0, 4.0, 0.0]


def test_the_point_budget_is_shared_among_a_views_clouds(store, render) -> None:
    rng = np.random.default_rng(1)
    for path, n in (("a", 6000), ("b", 2000), ("c", 50)):
        b.log(store, path, "Points3D", {"positions": b.vecs(rng.normal(size=(n, 3)), 3)})
    app, _ = render(160, 120)
    app.preview_max_points = 2000
    app._dirty = True
    app.render(preview=True)
    vis = app.view("spatial3d:/").visualizers
    drawn = {
        p: (v.lod.geometry.positions.data.shape[0] if v.lod is not None and v.lod.visible else v.lod_size())
        for (p, _), v in vis.items()
    }
    assert drawn["/c"] == 50  # a small cloud is drawn whole
    assert drawn["/a"] <= 1500 and drawn["/b"] <= 500 and drawn["/a"] > drawn["/b"]
    assert sum(drawn.values()) <= 2000 + 50


def test_lod_shares_never_exceed_the_budget() -> None:
    from rerun_core.viewer.spatial_view import lod_shares

    assert lod_shares({"a": 10, "b": 20}, None) == {"a": None, "b": None}
    assert lod_shares({"a": 10, "b": 20}, 100) == {"a": None, "b": None}
    assert lod_shares({"a": 600, "b": 601}, 1000) == {"a": 499, "b": 500}
    shares = lod_shares({"s": 50, "m": 2000, "l": 6000}, 2000)
    assert shares["s"] is None and shares["m"] == 487 and shares["l"] == 1462
    rng = np.random.default_rng(5)
    for _ in range(200):
        sizes = {i: int(n) for i, n in enumerate(rng.integers(0, 5000, rng.integers(1, 6)))}
        budget = int(rng.integers(1, 8000))
        got = lod_shares(sizes, budget)
        drawn = sum(sizes[k] if s is None else min(s, sizes[k]) for k, s in got.items())
        assert drawn <= max(budget, len(sizes))
