"""Small helpers used by Rerun's demos and tutorials."""

from __future__ import annotations

from typing import Any

import numpy as np


def bounce_lerp(
    a: float,
    b: float,
    t: float | np.ndarray[Any, np.dtype[Any]],
) -> float | np.ndarray[Any, np.dtype[Any]]:
    """
    Interpolate from `a` to `b` and back again as `t` keeps growing past 1.0.

    Even whole parts of `t` go a -> b, odd ones b -> a; useful to animate a value forever.
    Like rerun-sdk, an array `t` picks its direction from its (single) whole part.
    """
    frac = t % 1
    forward = int(t) % 2 == 0
    lo, hi = (a, b) if forward else (b, a)
    return (1.0 - frac) * lo + frac * hi
