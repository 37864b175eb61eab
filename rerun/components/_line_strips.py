"""Line strips (`LineStrip2D`, `LineStrip3D`, `GeoLineString`): lists of n-vectors, as 0.41 reads them.

0.41 decides between "one strip" and "several strips" from the input's shape and converts each
strip through the vector batch class (`Vec2DBatch`, `Vec3DBatch`, `DVec2DBatch`). That inner
batch follows strict mode on its own: outside strict mode a strip it cannot read becomes an
empty strip (with a warning) and the other strips are kept. These converters do the same.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from .._baseclasses import BaseBatch, ComponentMixin
from .._converters import Converter, var_list
from ..encodings import DVec2DBatch, Vec2DBatch, Vec3DBatch

_INNER: dict[str, tuple[type[BaseBatch], int]] = {
    "LineStrip2D": (Vec2DBatch, 2),
    "LineStrip3D": (Vec3DBatch, 3),
    "GeoLineString": (DVec2DBatch, 2),
}


def _strip_values(strip: Any) -> Any:
    """A strip given as a component value (`LineStrip2D(points)`) stands for its points."""
    return strip._native() if isinstance(strip, ComponentMixin) else strip


def _strips(data: Any, vec: type[BaseBatch], n: int) -> list[Any]:
    """The inner arrays (or, for a lone non-sequence, 0.41's unconverted batch) of each strip."""
    if isinstance(data, ComponentMixin):
        return [vec(_strip_values(data)).as_arrow_array()]
    if not isinstance(data, Sequence):
        return [vec(data)]  # 0.41 keeps the batch itself here, which Arrow then refuses
    if len(data) == 0:
        return []
    first = data[0]
    if isinstance(first, Sequence) and len(first) > 0 and isinstance(first[0], numbers.Number):
        if len(first) != n:
            raise ValueError(
                f"Expected a sequence of sequences of {n}D vectors, but the inner sequence length was not {n}."
            )
        return [vec(data).as_arrow_array()]  # one strip of points
    if isinstance(first, np.ndarray) and first.shape == (n,):
        return [vec(data).as_arrow_array()]
    out = []
    for strip in data:
        strip = _strip_values(strip)
        if isinstance(strip, np.ndarray) and (strip.ndim != 2 or strip.shape[1] != n):
            raise ValueError(
                f"Expected a sequence of {n}D vectors, instead got array with shape {strip.shape}."
            )
        out.append(vec(strip).as_arrow_array())
    return out


def line_strips(component: str) -> tuple[pa.DataType, Converter]:
    vec, n = _INNER[component]
    arrow = var_list(vec._ARROW_DATATYPE)

    def convert(data: Any) -> pa.Array:
        if isinstance(data, np.ndarray):
            if len(data) == 0:
                inners: list[Any] = []
            elif data.ndim == 2:
                inners = [vec(data).as_arrow_array()]
            else:  # several strips in one array: (strips, points, n)
                offsets = np.cumsum([0] + [len(strip) for strip in data]).astype(np.int32)
                return pa.ListArray.from_arrays(
                    pa.array(offsets), vec(data.reshape(-1)).as_arrow_array(), type=arrow
                )
        else:
            inners = _strips(data, vec, n)
        offsets = np.cumsum([0] + [len(inner) for inner in inners]).astype(np.int32)
        values = pa.concat_arrays(inners) if inners else vec([]).as_arrow_array()
        return pa.ListArray.from_arrays(pa.array(offsets), values, type=arrow)

    return arrow, convert
