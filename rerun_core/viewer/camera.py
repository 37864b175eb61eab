"""Per-view camera state and controllers (orbit / pan-zoom), independent of any canvas.

The state lives here, not in the pygfx camera, so it survives scene rebuilds and new data:
a view keeps auto-fitting its camera to the data until the user moves it; ``reset`` goes back
to auto-fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pygfx as gfx

Bounds = tuple[np.ndarray, np.ndarray]


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


@dataclass
class OrbitCamera:
    """Turntable orbit around ``target`` with ``up`` as the vertical axis (3D views)."""

    up: np.ndarray = field(default_factory=lambda: np.array([0.0, 0.0, 1.0]))
    target: np.ndarray = field(default_factory=lambda: np.zeros(3))
    distance: float = 10.0
    yaw: float = math.radians(-55.0)
    pitch: float = math.radians(25.0)
    fov: float = 50.0
    user_moved: bool = False
    camera: gfx.PerspectiveCamera = field(default_factory=lambda: gfx.PerspectiveCamera(50))

    def _basis(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        up = _unit(np.asarray(self.up, float))
        ref = np.array([1.0, 0, 0]) if abs(up[0]) < 0.9 else np.array([0, 1.0, 0])
        a = _unit(ref - up * np.dot(ref, up))
        b = np.cross(up, a)
        return a, b, up

    def eye(self) -> np.ndarray:
        a, b, up = self._basis()
        cp = math.cos(self.pitch)
        d = a * cp * math.cos(self.yaw) + b * cp * math.sin(self.yaw) + up * math.sin(self.pitch)
        return self.target + d * self.distance

    def fit(self, bounds: Bounds | None) -> None:
        lo, hi = bounds if bounds is not None else (-np.ones(3), np.ones(3))
        self.target = (lo + hi) / 2
        radius = max(float(np.linalg.norm(hi - lo)) / 2, 1e-3)
        self.distance = radius / math.sin(math.radians(self.fov) / 2) * 0.85

    def reset(self) -> None:
        """Default viewing angle, auto-fit again."""
        self.yaw, self.pitch = math.radians(-55.0), math.radians(25.0)
        self.user_moved = False

    def orbit(self, dx: float, dy: float) -> None:
        self.yaw -= dx * 0.01
        self.pitch = float(np.clip(self.pitch + dy * 0.01, -1.55, 1.55))
        self.user_moved = True

    def pan(self, dx: float, dy: float, view_h: float) -> None:
        fwd = _unit(self.target - self.eye())
        right = _unit(np.cross(fwd, self.up))
        cam_up = np.cross(right, fwd)
        scale = 2 * self.distance * math.tan(math.radians(self.fov) / 2) / max(view_h, 1)
        self.target = self.target + (-dx * right + dy * cam_up) * scale
        self.user_moved = True

    def zoom(self, steps: float) -> None:
        self.distance *= math.exp(steps * 0.0015)
        self.distance = max(self.distance, 1e-6)
        self.user_moved = True

    def apply(self, aspect: float) -> gfx.Camera:
        cam = self.camera
        cam.fov = self.fov
        cam.world.reference_up = tuple(self.up)
        cam.local.position = tuple(self.eye())
        cam.look_at(tuple(self.target))
        cam.depth_range = (self.distance * 1e-3, self.distance * 1e3)
        return cam


@dataclass
class PanZoomCamera:
    """2D camera over a plane; ``y_down`` for image space (Rerun's 2D convention)."""

    center: np.ndarray = field(default_factory=lambda: np.zeros(2))
    height: float = 2.0  # world units shown vertically
    y_down: bool = True
    user_moved: bool = False
    bounds_fixed: Bounds | None = None  # a blueprint's VisualBounds2D: fits show it, not the data
    camera: gfx.OrthographicCamera = field(default_factory=lambda: gfx.OrthographicCamera(2, 2))

    def fit(self, bounds: Bounds | None, aspect: float) -> None:
        bounds = self.bounds_fixed if self.bounds_fixed is not None else bounds
        lo, hi = bounds if bounds is not None else (np.zeros(3), np.ones(3))
        size = np.maximum(hi[:2] - lo[:2], 1e-6)
        self.center = (lo[:2] + hi[:2]) / 2
        self.height = float(max(size[1], size[0] / max(aspect, 1e-6)))

    def pan(self, dx: float, dy: float, view_h: float) -> None:
        s = self.height / max(view_h, 1)
        self.center = self.center + np.array([-dx * s, (-dy if self.y_down else dy) * s])
        self.user_moved = True

    def zoom(self, steps: float, anchor: tuple[float, float] | None = None) -> None:
        """Zoom by wheel steps; ``anchor`` (-0.5..0.5 of the view, x right / y down) stays put."""
        old = self.height
        self.height = max(self.height * math.exp(steps * 0.0015), 1e-9)
        if anchor is not None:
            ax, ay = anchor
            delta = old - self.height
            self.center = self.center + np.array([ax, ay if self.y_down else -ay]) * delta
        self.user_moved = True

    def world_at(self, fx: float, fy: float, aspect: float) -> np.ndarray:
        """World xy under a point of the view given as fractions (0..1, y down)."""
        w = self.height * aspect
        dy = (fy - 0.5) * self.height
        return np.asarray(self.center + np.array([(fx - 0.5) * w, dy if self.y_down else -dy]))

    def apply(self, aspect: float) -> gfx.Camera:
        cam = self.camera
        cam.maintain_aspect = True
        cam.width = self.height * aspect
        cam.height = self.height
        cx, cy = float(self.center[0]), float(self.center[1])
        if self.y_down:
            cam.world.reference_up = (0, -1, 0)
            cam.local.position = (cx, cy, -1000.0)
        else:
            cam.world.reference_up = (0, 1, 0)
            cam.local.position = (cx, cy, 1000.0)
        cam.look_at((cx, cy, 0.0))
        cam.depth_range = (1.0, 1e4)
        return cam


@dataclass
class PlotCamera:
    """Time-series camera: independent x/y extents, y up; auto-fits until the user moves it."""

    x_range: tuple[float, float] = (0.0, 1.0)
    y_range: tuple[float, float] = (0.0, 1.0)
    user_moved: bool = False
    y_fixed: tuple[float, float] | None = None  # a blueprint's ScalarAxis range: fits keep it
    camera: gfx.OrthographicCamera = field(
        default_factory=lambda: gfx.OrthographicCamera(1, 1, maintain_aspect=False)
    )

    def fit(self, x: tuple[float, float], y: tuple[float, float]) -> None:
        x0, x1 = x
        y0, y1 = y
        if x1 <= x0:
            x0, x1 = x0 - 0.5, x0 + 0.5
        if self.y_fixed is not None and self.y_fixed[1] > self.y_fixed[0]:
            self.x_range, self.y_range = (x0, x1), self.y_fixed
            return
        if y1 <= y0:
            y0, y1 = y0 - 0.5, y0 + 0.5
        pad = (y1 - y0) * 0.06
        self.x_range, self.y_range = (x0, x1), (y0 - pad, y1 + pad)

    def pan(self, dx: float, dy: float, w: float, h: float) -> None:
        sx = (self.x_range[1] - self.x_range[0]) / max(w, 1)
        sy = (self.y_range[1] - self.y_range[0]) / max(h, 1)
        self.x_range = (self.x_range[0] - dx * sx, self.x_range[1] - dx * sx)
        self.y_range = (self.y_range[0] + dy * sy, self.y_range[1] + dy * sy)
        self.user_moved = True

    def zoom(self, steps: float, fx: float = 0.5) -> None:
        f = math.exp(steps * 0.0015)
        x0, x1 = self.x_range
        anchor = x0 + (x1 - x0) * fx
        self.x_range = (anchor - (anchor - x0) * f, anchor + (x1 - anchor) * f)
        self.user_moved = True

    def apply(self, aspect: float) -> gfx.Camera:
        cam = self.camera
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        cam.maintain_aspect = False
        cam.width, cam.height = x1 - x0, y1 - y0
        cam.world.reference_up = (0, 1, 0)
        cam.local.position = ((x0 + x1) / 2, (y0 + y1) / 2, 10.0)
        cam.look_at(((x0 + x1) / 2, (y0 + y1) / 2, 0.0))
        cam.depth_range = (1.0, 100.0)
        return cam
