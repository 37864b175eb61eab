"""Fixtures for renderer tests: a fresh store, and a small-frame render helper."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from rerun_core.store.store import ChunkStore

BG = np.array([18, 20, 23])


@pytest.fixture
def store() -> ChunkStore:
    return ChunkStore()


def require_adapter() -> None:
    """Skip (not fail) where wgpu has no adapter at all; the no-driver test covers that case."""
    from rerun_core.viewer import NoGpuError, check_gpu

    try:
        check_gpu()
    except NoGpuError as exc:
        pytest.skip(f"no wgpu adapter: {exc}")


@pytest.fixture
def render(store: ChunkStore) -> Callable[..., tuple[Any, np.ndarray]]:
    """``render(w=160, h=120)`` -> (app, frame) for the test's store."""
    from rerun_core.viewer import ViewerApp

    require_adapter()

    apps: list[Any] = []

    def _render(w: int = 160, h: int = 120) -> tuple[Any, np.ndarray]:
        app = ViewerApp(store, w, h)
        apps.append(app)
        return app, app.render()

    yield _render
    for app in apps:
        app.close()


def content_mask(frame: np.ndarray, threshold: int = 45) -> np.ndarray:
    """Pixels that differ clearly from the background (grid lines stay below the threshold)."""
    diff = np.abs(frame[..., :3].astype(int) - BG).max(axis=-1)
    return diff > threshold


def color_mask(frame: np.ndarray, rgb: tuple[int, int, int], tol: int = 40) -> np.ndarray:
    return np.abs(frame[..., :3].astype(int) - np.array(rgb)).max(axis=-1) <= tol
