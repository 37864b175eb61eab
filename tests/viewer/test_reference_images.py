"""Whole-frame render tests against reference PNGs (lavapipe is deterministic enough).

Regenerate after an intended visual change with ``RERUN_VIEWER_REGEN_REFS=1 pytest tests/viewer``
and look at the new PNGs before committing them.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from PIL import Image

from tests.viewer import builders as b

REF = Path(__file__).parent / "ref"
F32 = pa.float32()


def _scene_3d(store) -> None:
    rng = np.random.default_rng(7)
    b.log(
        store,
        "world",
        "ViewCoordinates",
        {"xyz": pa.FixedSizeListArray.from_arrays(pa.array([3, 5, 1], pa.uint8()), 3)},
    )
    b.log(
        store,
        "world/pts",
        "Points3D",
        {
            "positions": b.vecs(rng.normal(size=(100, 3)), 3),
            "colors": b.colors(rng.integers(0, 255, (100, 3))),
            "radii": pa.array([-2.0], F32),
        },
    )
    b.log(
        store,
        "world/box",
        "Boxes3D",
        {
            "half_sizes": b.vecs([[1, 1, 0.5]], 3),
            "centers": b.vecs([[2, 0, 0]], 3),
            "colors": b.colors([[255, 200, 0]]),
        },
    )
    b.log(
        store,
        "world/arrows",
        "Arrows3D",
        {"vectors": b.vecs(np.eye(3) * 2, 3), "colors": b.colors([[255, 0, 0], [0, 255, 0], [0, 0, 255]])},
    )


def _scene_2d(store) -> None:
    img = np.zeros((48, 64, 3), np.uint8)
    img[..., 0] = np.linspace(0, 255, 64, dtype=np.uint8)[None]
    img[..., 2] = np.linspace(0, 255, 48, dtype=np.uint8)[:, None]
    b.log(store, "cam", "Image", b.image(img))
    b.log(
        store,
        "cam/pts",
        "Points2D",
        {
            "positions": b.vecs([[10, 10], [54, 38], [32, 24]], 2),
            "radii": pa.array([2.5], F32),
            "colors": b.colors([[255, 255, 255]]),
        },
    )
    b.log(
        store,
        "cam/box",
        "Boxes2D",
        {
            "half_sizes": b.vecs([[10, 6]], 2),
            "centers": b.vecs([[32, 24]], 2),
            "colors": b.colors([[0, 255, 0]]),
        },
    )


def _scene_plot(store) -> None:
    for t in range(40):
        b.log(store, "plot/a", "Scalars", {"scalars": pa.array([np.sin(t / 5)])}, time=t)
        b.log(store, "plot/b", "Scalars", {"scalars": pa.array([0.5 * np.cos(t / 3)])}, time=t)


@pytest.mark.parametrize(
    ("name", "build", "size"),
    [
        ("scene3d", _scene_3d, (160, 120)),
        ("scene2d", _scene_2d, (128, 96)),
        ("timeseries", _scene_plot, (160, 120)),
    ],
)
def test_frame_matches_reference(store, render, name, build, size) -> None:
    build(store)
    _, frame = render(*size)
    path = REF / f"{name}.png"
    if os.environ.get("RERUN_VIEWER_REGEN_REFS") or not path.exists():
        REF.mkdir(exist_ok=True)
        Image.fromarray(frame).save(path)
        if not os.environ.get("RERUN_VIEWER_REGEN_REFS"):
            pytest.fail(f"reference {path.name} was missing and has been written; check it and rerun")
    ref = np.asarray(Image.open(path).convert("RGBA"))
    assert ref.shape == frame.shape
    diff = np.abs(ref.astype(int) - frame.astype(int)).max(axis=-1)
    assert diff.mean() < 2.0, f"mean difference {diff.mean():.2f}"
    assert (diff > 60).mean() < 0.01, f"{(diff > 60).mean():.2%} of pixels differ a lot"
