"""`rerun.utilities`: the demo helpers behave as their docstrings (and rerun-sdk 0.41) say."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest

import rerun as rr
from rerun.utilities import (
    ColorGrid,
    ColorSpiral,
    bounce_lerp,
    build_color_grid,
    build_color_spiral,
    color_grid,
    color_spiral,
)
from rerun.utilities._turbo import turbo_colormap_bytes, turbo_colormap_data


def test_importable_as_submodule_of_rerun() -> None:
    assert rr.utilities.build_color_spiral is build_color_spiral


def test_signatures_match_041() -> None:
    assert str(inspect.signature(build_color_spiral)).startswith(
        "(num_points: 'int' = 100, *, radius: 'float' = 2, angular_step: 'float' = 0.02, "
        "angular_offset: 'float' = 0, z_step: 'float' = 0.1)"
    )
    assert list(inspect.signature(build_color_grid).parameters) == ["x_count", "y_count", "z_count", "twist"]
    assert list(inspect.signature(bounce_lerp).parameters) == ["a", "b", "t"]


def test_turbo_table_is_the_published_one() -> None:
    assert turbo_colormap_bytes.shape == (256, 3)
    assert turbo_colormap_bytes[0].tolist() == [48, 18, 59]  # dark blue
    assert turbo_colormap_bytes[-1].tolist() == [122, 4, 3]  # dark red
    np.testing.assert_array_equal(np.round(turbo_colormap_data * 255), turbo_colormap_bytes)


def test_color_spiral_geometry_and_colors() -> None:
    s = build_color_spiral(5, radius=3, angular_step=0.25, angular_offset=0.1, z_step=2)
    assert isinstance(s, ColorSpiral) and s.positions.shape == (5, 3) and s.colors.shape == (5, 3)
    for i, (x, y, z) in enumerate(s.positions):
        angle = i * math.tau * 0.25 + 0.1
        assert (x, y, z) == pytest.approx((3 * math.cos(angle), 3 * math.sin(angle), 2 * i))
    np.testing.assert_array_equal(s.colors[0], turbo_colormap_data[0])
    np.testing.assert_array_equal(s.colors[-1], turbo_colormap_data[-1])
    assert len(color_spiral.positions) == 100


def test_color_grid_spans_cube_and_twists() -> None:
    g = build_color_grid(2, 3, 4)
    assert isinstance(g, ColorGrid) and g.positions.shape == (24, 3) and g.colors.dtype == np.uint8
    assert g.positions.min() == -10 and g.positions.max() == 10
    assert g.colors[0].tolist() == [0, 0, 0] and g.colors[-1].tolist() == [255, 255, 255]
    twisted = build_color_grid(2, 3, 4, twist=math.pi)
    # The bottom layer turns by -pi/2: (x, y) -> (y, -x).
    bottom = g.positions[:, 2] == -10
    np.testing.assert_allclose(twisted.positions[bottom][:, 0], g.positions[bottom][:, 1], atol=1e-9)
    np.testing.assert_allclose(twisted.positions[bottom][:, 1], -g.positions[bottom][:, 0], atol=1e-9)
    assert color_grid.positions.shape == (1000, 3)


def test_bounce_lerp_goes_there_and_back() -> None:
    assert bounce_lerp(0.0, 10.0, 0.25) == pytest.approx(2.5)
    assert bounce_lerp(0.0, 10.0, 1.25) == pytest.approx(7.5)
    assert bounce_lerp(0.0, 10.0, 2.25) == pytest.approx(2.5)
    np.testing.assert_allclose(bounce_lerp(np.zeros(3), np.ones(3) * 4, 0.5), [2, 2, 2])  # type: ignore[arg-type]
