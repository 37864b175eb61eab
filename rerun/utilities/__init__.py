"""Helpers for demos and tutorials (rerun-sdk 0.41's ``rerun.utilities``).

Used by Rerun's getting-started DNA tutorial: ``from rerun.utilities import build_color_spiral, bounce_lerp``.
"""

from __future__ import annotations

from ._data import ColorGrid, ColorSpiral, build_color_grid, build_color_spiral, color_grid, color_spiral
from ._util import bounce_lerp

__all__ = [
    "ColorGrid",
    "ColorSpiral",
    "bounce_lerp",
    "build_color_grid",
    "build_color_spiral",
    "color_grid",
    "color_spiral",
]
