"""Pieces of frame assembly that need no viewer state: rect scaling, the nearest-neighbour
upscale of reduced frames, the gap mask between views, projected 3D labels and the adaptive
resolution / point budget while moving."""

from __future__ import annotations

from typing import Any

import numpy as np

from rerun_core.viewer.spatial_view import BACKGROUND

Rect = tuple[int, int, int, int]
_BG_SCENE: Any = None
_BG_CAMERA: Any = None


def scaled(rect: Rect, s: float) -> Rect:
    """``rect`` in a target rendered at scale ``s`` of the full frame."""
    if s == 1.0:
        return rect
    x, y, w, h = rect
    return (round(x * s), round(y * s), max(1, round(w * s)), max(1, round(h * s)))


def upscale(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """Nearest-neighbour upscale of a reduced-resolution frame to the full size."""
    h, w = frame.shape[:2]
    if height == 2 * h and width == 2 * w:
        return np.repeat(np.repeat(frame, 2, axis=0), 2, axis=1)
    ys = (np.arange(height) * h // height).clip(0, h - 1)
    xs = (np.arange(width) * w // width).clip(0, w - 1)
    if frame.shape[2:] == (4,) and frame.dtype == np.uint8 and frame.flags.c_contiguous:
        px = frame.view(np.uint32).reshape(h, w)  # one RGBA pixel per element: 10x faster takes
        return np.asarray(px.take(ys, axis=0).take(xs, axis=1).view(np.uint8).reshape(height, width, 4))
    return np.asarray(frame.take(ys, axis=0).take(xs, axis=1))


def background_scene() -> tuple[Any, Any]:
    """(scene, camera) that fill a rect with the background (behind a plot's axes margin)."""
    global _BG_SCENE, _BG_CAMERA
    if _BG_SCENE is None:
        import pygfx as gfx

        _BG_SCENE = gfx.Scene()
        _BG_SCENE.add(gfx.Background(None, gfx.BackgroundMaterial(BACKGROUND)))
        _BG_CAMERA = gfx.NDCCamera()
    return _BG_SCENE, _BG_CAMERA


def covered_mask(width: int, height: int, rects: list[Rect]) -> np.ndarray:
    """Pixels inside some view (the gaps between views get a separator color); all if no views."""
    if not rects:
        return np.ones((height, width), bool)
    mask = np.zeros((height, width), bool)
    for x, y, w, h in rects:
        mask[y : y + h, x : x + w] = True
    return mask


def project_labels(labels: list[Any], camera: Any, rect: Rect) -> list[Any]:
    """A spatial view's ``labels()`` (point, text, color, offset) -> overlay texts in frame pixels;
    labels behind the camera or outside the view are dropped."""
    if not labels:
        return []
    m = np.asarray(camera.camera_matrix)
    pts = np.array([lab[0] for lab in labels])
    clip = (m @ np.c_[pts, np.ones(len(pts))].T).T
    out = []
    x, y, w, h = rect
    for (_, text, color, offset), c in zip(labels, clip):
        if c[3] <= 0:
            continue
        nx, ny = c[0] / c[3], c[1] / c[3]
        if abs(nx) > 1 or abs(ny) > 1:
            continue
        rgba = (*tuple(int(v * 255) for v in color[:3]), 255)
        out.append((x + (nx + 1) / 2 * w, y + (1 - ny) / 2 * h, text, rgba, f"label{offset:.0f}"))
    return out


def adapt_motion(
    seconds: float,
    target_fps: float,
    scale: float,
    points: int,
    scale_bounds: tuple[float, float],
    point_bounds: tuple[int, int],
) -> tuple[float, int]:
    """Next (scale, point budget) for moving frames: shrink both when the last frame was slow,
    grow when fast (point clouds cost per vertex on a software rasterizer)."""
    budget = 1.0 / target_fps
    factor = 0.85 if seconds > budget * 0.9 else 1.1 if seconds < budget * 0.5 else 1.0
    s = min(max(scale * factor, scale_bounds[0]), scale_bounds[1])
    pfactor = 0.7 if seconds > budget * 0.9 else 1.3 if seconds < budget * 0.5 else 1.0
    p = min(max(int(points * pfactor), point_bounds[0]), point_bounds[1])
    return max(round(s * 20) / 20, 0.05), max(1000, round(p / 1000) * 1000)  # few distinct strides
