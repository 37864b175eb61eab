"""The gallery scenes of scripts/viewer_gallery.py (issue 5 §2) render what each archetype should show."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from tests.viewer.conftest import color_mask, content_mask, require_adapter

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "viewer_gallery.py"


@pytest.fixture(scope="module")
def gallery() -> ModuleType:
    require_adapter()
    spec = importlib.util.spec_from_file_location("viewer_gallery", SCRIPT)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _has(frame: np.ndarray, rgb: tuple[int, int, int], tol: int = 40, at_least: int = 20) -> bool:
    return int(color_mask(frame, rgb, tol).sum()) >= at_least


def _halves(frame: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    w = frame.shape[1] // 2
    return frame[:, :w], frame[:, w:]


def check_shapes_3d(f: np.ndarray) -> None:
    for rgb in [(255, 80, 80), (80, 200, 80), (80, 120, 255), (240, 200, 60), (200, 80, 220), (60, 220, 220)]:
        assert _has(f, rgb, tol=60), f"no {rgb} shape drawn"


def check_mesh(f: np.ndarray) -> None:
    assert _has(f, (255, 160, 40), tol=60), "the child box under two transforms is missing"
    hues = {tuple(p // 64) for p in f[content_mask(f)][:, :3]}
    assert len(hues) >= 6, "the vertex-colored mesh shows no color gradient"


def check_assets(f: np.ndarray) -> None:
    mask = content_mask(f, 80)
    cols = np.nonzero(mask.any(axis=0))[0]
    assert cols.size and cols.max() - cols.min() > f.shape[1] // 2, "not all three assets are drawn"
    assert (f[..., 0].astype(int) - f[..., 2] > 60).sum() > 200, "the glb's vertex colors are lost"


def check_pinhole(f: np.ndarray) -> None:
    left, right = _halves(f)
    assert _has(right, (255, 0, 0), tol=30), "2D keypoints missing in the camera's 2D view"
    assert _has(left, (255, 200, 80), tol=50), "3D points missing"
    # the camera image on its image plane in 3D: many distinct colors inside the frustum
    assert len({tuple(p // 48) for p in left[content_mask(left)][:, :3]}) > 15


def check_images(f: np.ndarray) -> None:
    h, w = f.shape[:2]
    for r in range(2):
        for c in range(3):
            cell = f[r * h // 3 : (r + 1) * h // 3, c * w // 3 : (c + 1) * w // 3]
            assert content_mask(cell).mean() > 0.2, f"image cell {r},{c} is empty"
    assert content_mask(f[2 * h // 3 :]).mean() > 0.1, "the 7th image (last grid row) is empty"


def check_depth_seg(f: np.ndarray) -> None:
    assert _has(f, (255, 0, 0), tol=70, at_least=200), "segmentation class 1 is not its annotation color"
    assert _has(f, (0, 80, 255), tol=70, at_least=200), "segmentation class 2 is not its annotation color"
    assert _has(f, (68, 1, 84), tol=40), "the depth image is not viridis-colormapped"


def check_shapes_2d(f: np.ndarray) -> None:
    for rgb in [(255, 80, 80), (80, 220, 80), (80, 160, 255), (255, 220, 60)]:
        assert _has(f, rgb, tol=50), f"no {rgb} 2D shape drawn"
    for rgb in [(255, 0, 255), (0, 255, 255)]:  # class colors from the AnnotationContext
        assert _has(f, rgb, tol=30), f"class color {rgb} missing"


def check_time_series(f: np.ndarray, views: list[dict] | None = None) -> None:
    for rgb in [(255, 100, 100), (100, 160, 255), (120, 230, 120)]:
        assert _has(f, rgb, tol=50), f"series {rgb} missing"
    for v in views or []:  # the cursor spans each plot's height
        x, y, w, h = (int(c) for c in v["rect"])
        bright = (f[y : y + h, x : x + w, :3].min(axis=-1) > 200).sum(axis=0)
        assert bright.max() > h * 0.7, f"the time cursor does not span the plot {v['rect']}"


def check_text_and_charts(f: np.ndarray) -> None:
    h, w = f.shape[:2]
    for name, cell in (("tensor", f[: h // 2, : w // 2]), ("bar chart", f[: h // 2, w // 2 :])):
        assert content_mask(cell).mean() > 0.05, f"{name} view is empty"
    for name, cell in (("text document", f[h // 2 :, : w // 2]), ("text log", f[h // 2 :, w // 2 :])):
        assert content_mask(cell, 80).sum() > 100, f"{name} text is not in the picture"


def check_graph(f: np.ndarray) -> None:
    assert _has(f, (255, 160, 40), tol=40), "the colored (pinned) node's label is not drawn"
    assert _has(f, (220, 220, 220), tol=25, at_least=200), "labels / edges are not drawn"


CHECKS: dict[str, Callable[[np.ndarray], None]] = {
    "1_shapes_3d": check_shapes_3d,
    "2_mesh_transforms_3d": check_mesh,
    "3_assets_3d": check_assets,
    "4_pinhole_3d": check_pinhole,
    "5_images_2d": check_images,
    "6_depth_segmentation": check_depth_seg,
    "7_shapes_2d": check_shapes_2d,
    "8_time_series": check_time_series,
    "9_text_and_charts": check_text_and_charts,
    "10_graph": check_graph,
}


def test_every_gallery_scene_has_a_check(gallery: ModuleType) -> None:
    assert set(CHECKS) == set(gallery.SCENES)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CHECKS))
def test_gallery_scene(gallery: ModuleType, name: str) -> None:
    frame, views = gallery.render_scene_views(name, 480, 320)
    assert frame.ndim == 3 and frame.shape[2] in (3, 4)
    if name == "8_time_series":
        plots = [v for v in views if v["kind"] == "timeseries"]
        assert plots, "no time-series view"
        check_time_series(frame, plots)
    else:
        CHECKS[name](frame)
