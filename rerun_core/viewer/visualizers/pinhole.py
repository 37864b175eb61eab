"""Pinhole camera frustum (3D views only); the image-plane placement lives in the scene graph."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pygfx as gfx

from rerun_core.viewer.transforms import PINHOLE_FIELDS, Pinhole
from rerun_core.viewer.visualizers.base import VisContext, Visualizer, register, set_buffer


@register
class PinholeVisualizer(Visualizer):
    archetype = "Pinhole"
    required = "image_from_camera"
    optional = PINHOLE_FIELDS[1:]
    line: gfx.Line | None = None

    def update(self, data: dict[str, pa.Array], ctx: VisContext) -> None:
        self.data = data
        segs = Pinhole(data).frustum_segments()
        color = ctx.default_color
        colors = np.repeat(color[None], segs.shape[0], axis=0)
        if self.line is None:
            mat = gfx.LineSegmentMaterial(thickness=1.5, color_mode="vertex", pick_write=True)
            self.line = gfx.Line(gfx.Geometry(positions=segs, colors=colors), mat)
            self.node.add(self._track(self.line))
        else:
            set_buffer(self.line.geometry, "positions", segs)
        self._set_bounds(segs)
