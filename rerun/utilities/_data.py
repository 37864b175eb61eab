"""Ready-made point clouds for demos: a colored cube grid and a colored spiral."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ._turbo import turbo_colormap_data


class ColorGrid(NamedTuple):
    """Positions (N, 3) and uint8 RGB colors (N, 3) of a point cube."""

    positions: np.ndarray
    colors: np.ndarray


class ColorSpiral(NamedTuple):
    """Positions (N, 3) and float RGB colors (N, 3) of a point spiral."""

    positions: np.ndarray
    colors: np.ndarray


def build_color_grid(
    x_count: int = 10, y_count: int = 10, z_count: int = 10, *, twist: float = 0
) -> ColorGrid:
    """
    A cube of `x_count * y_count * z_count` points spanning -10..10, colored by position.

    Each z-layer is rotated about the Z axis; the rotation grows linearly from `-twist/2` at the
    bottom to `+twist/2` at the top. Points are ordered x-major, then y, then z.
    """
    xs = np.linspace(-10.0, 10.0, x_count)
    ys = np.linspace(-10.0, 10.0, y_count)
    zs = np.linspace(-10.0, 10.0, z_count)
    gx, gy, gz = np.meshgrid(xs, ys, zs, indexing="ij")
    angle = np.linspace(-float(twist) / 2, float(twist) / 2, z_count)[np.newaxis, np.newaxis, :]
    cos, sin = np.cos(angle), np.sin(angle)
    rx, ry = gx * cos - gy * sin, gx * sin + gy * cos
    positions = np.stack([rx.ravel(), ry.ravel(), gz.ravel()], axis=1)

    cx, cy, cz = np.meshgrid(
        np.linspace(0.0, 255.0, x_count),
        np.linspace(0.0, 255.0, y_count),
        np.linspace(0.0, 255.0, z_count),
        indexing="ij",
    )
    colors = np.stack([cx.ravel(), cy.ravel(), cz.ravel()], axis=1).astype(np.uint8)
    return ColorGrid(positions, colors)


def build_color_spiral(
    num_points: int = 100,
    *,
    radius: float = 2,
    angular_step: float = 0.02,
    angular_offset: float = 0,
    z_step: float = 0.1,
) -> ColorSpiral:
    """
    A helix of `num_points` points climbing the Z axis, colored along the Turbo colormap.

    Point `i` sits at angle `i * tau * angular_step + angular_offset` on a circle of `radius`,
    at height `i * z_step`; colors sweep the whole colormap from the first point to the last.
    """
    i = np.arange(num_points, dtype=np.float64)
    theta = i * math.tau * angular_step + angular_offset
    positions = np.stack([np.cos(theta) * radius, np.sin(theta) * radius, i * z_step], axis=1)
    if num_points == 0:
        positions = np.empty((0,), dtype=np.float64)
    picks = np.linspace(0, len(turbo_colormap_data) - 1, num_points, dtype=int)
    return ColorSpiral(positions, turbo_colormap_data[picks])


color_grid = build_color_grid()
"""The default :func:`build_color_grid` (1000 points)."""

color_spiral = build_color_spiral()
"""The default :func:`build_color_spiral` (100 points)."""
