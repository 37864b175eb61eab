"""Image, DepthImage, SegmentationImage and EncodedImage: one textured quad in image space.

Pixel (0, 0) covers [0, 1] x [0, 1] (Rerun's convention); 2D views look at it y-down. Under a
Pinhole the same quad lands on the camera's image plane in the 3D view.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pygfx as gfx

from rerun_core.viewer import arrow_data as ad
from rerun_core.viewer import images
from rerun_core.viewer.visualizers.base import (
    SPATIAL_2D,
    SPATIAL_3D,
    Annotations,
    VisContext,
    Visualizer,
    register,
    set_buffer,
)
from rerun_core.viewer.visualizers.points_lines import DRAW_ORDER_Z


class _ImageBase(Visualizer):
    view_kinds = frozenset({SPATIAL_2D, SPATIAL_3D})
    default_draw_order = -10.0
    default_opacity = 1.0
    image: gfx.Image | None = None
    pixels: np.ndarray | None = None  # decoded values, for picking

    def rgba(self, data: dict[str, pa.Array], ctx: VisContext) -> np.ndarray | None:
        raise NotImplementedError

    def update(self, data: dict[str, pa.Array], ctx: VisContext) -> None:
        self.data = data
        try:
            rgba = self.rgba(data, ctx)
        except images.ImageDecodeError:
            rgba = None
        if rgba is None:
            if self.image is not None:
                self.image.visible = False
            self.bounds = None
            return
        opacity = ad.first(data.get("opacity"))
        opacity = self.default_opacity if opacity is None else float(opacity)
        order = ad.first(data.get("draw_order"))
        z = -float(self.default_draw_order if order is None else order) * DRAW_ORDER_Z
        h, w = rgba.shape[:2]
        tex_data = np.ascontiguousarray(rgba)
        if self.image is not None and self.image.geometry.grid.data.shape == tex_data.shape:
            self.image.geometry.grid.data[...] = tex_data
            self.image.geometry.grid.update_full()
        else:
            if self.image is not None:
                self.node.remove(self.image)
            tex = gfx.Texture(tex_data, dim=2)
            mat = gfx.ImageBasicMaterial(clim=(0, 255), pick_write=True, alpha_mode="blend")
            self.image = gfx.Image(gfx.Geometry(grid=tex), mat)
            self.node.add(self._track(self.image))
        self.image.material.opacity = opacity
        self.image.local.position = (0.5, 0.5, z)
        self.image.visible = True
        self.bounds = (np.array([0.0, 0.0, 0.0]), np.array([float(w), float(h), 0.0]))

    def instance_at(self, wobject: gfx.WorldObject, info: dict[str, Any]) -> int | None:
        return 0

    def pixel_values(self, info: dict[str, Any]) -> dict[str, Any]:
        idx = info.get("index")
        if self.pixels is None or idx is None:
            return {}
        x, y = int(idx[0]), int(idx[1])
        if 0 <= y < self.pixels.shape[0] and 0 <= x < self.pixels.shape[1]:
            v = self.pixels[y, x]
            return {"pixel": [x, y], "value": v.tolist() if hasattr(v, "tolist") else v}
        return {}

    def instance_values(self, instance: int) -> dict[str, Any]:
        fmt = ad.first(self.data.get("format"))
        return {"format": fmt} if fmt else {}


def _decoded(data: dict[str, pa.Array]) -> np.ndarray | None:
    buf, fmt = data.get("buffer"), ad.first(data.get("format"))
    if buf is None or len(buf) == 0 or fmt is None:
        return None
    return images.decode_image(buf[0].values, fmt)


@register
class ImageVisualizer(_ImageBase):
    archetype = "Image"
    required = "buffer"
    optional = ("format", "opacity", "draw_order")

    def rgba(self, data: dict[str, pa.Array], ctx: VisContext) -> np.ndarray | None:
        self.pixels = _decoded(data)
        return None if self.pixels is None else images.to_rgba8(self.pixels)


@register
class EncodedImageVisualizer(_ImageBase):
    archetype = "EncodedImage"
    required = "blob"
    optional = ("media_type", "opacity", "draw_order")

    def rgba(self, data: dict[str, pa.Array], ctx: VisContext) -> np.ndarray | None:
        blob = data.get("blob")
        if blob is None or len(blob) == 0:
            return None
        raw = np.asarray(blob[0].values.to_numpy(zero_copy_only=False), np.uint8)
        self.pixels = images.decode_encoded(raw.tobytes(), ad.first(data.get("media_type")))
        return images.to_rgba8(self.pixels)


@register
class DepthImageVisualizer(_ImageBase):
    archetype = "DepthImage"
    required = "buffer"
    optional = ("format", "meter", "colormap", "depth_range", "point_fill_ratio", "draw_order")
    default_draw_order = -20.0

    max_cloud_points: ClassVar[int] = 200_000
    cloud: gfx.Points | None = None

    def rgba(self, data: dict[str, pa.Array], ctx: VisContext) -> np.ndarray | None:
        self.pixels = _decoded(data)
        if self.pixels is None:
            return None
        rng = ad.first(data.get("depth_range"))
        cmap = ad.first(data.get("colormap"))
        return images.apply_colormap(self.pixels, cmap or 5, tuple(rng) if rng else None)

    def update(self, data: dict[str, pa.Array], ctx: VisContext) -> None:
        """Under a pinhole in a 3D view, a depth image becomes a point cloud (as in Rerun)."""
        super().update(data, ctx)
        show_cloud = ctx.view_kind == SPATIAL_3D and ctx.pinhole is not None and self.pixels is not None
        if self.image is not None:
            self.image.visible = self.image.visible and not show_cloud
        if self.cloud is not None:
            self.cloud.visible = show_cloud
        if show_cloud:
            assert self.image is not None and self.pixels is not None
            rgba = self.image.geometry.grid.data
            meter = ad.first(data.get("meter"))
            self._show_cloud(
                self.pixels,
                rgba,
                float(meter or (1000.0 if self.pixels.dtype.kind == "u" else 1.0)),
                ctx.pinhole,
            )

    def _show_cloud(self, depth: np.ndarray, rgba: np.ndarray, meter: float, pin: Any) -> None:
        h, w = depth.shape[:2]
        step = max(1, int(np.ceil(np.sqrt(h * w / self.max_cloud_points))))
        v, u = np.mgrid[0:h:step, 0:w:step]
        z = depth[::step, ::step].astype(np.float32) / meter
        ok = np.isfinite(z) & (z > 0)
        u, v, z = u[ok] + 0.5, v[ok] + 0.5, z[ok]
        d = pin.distance
        # positions in the image-plane group's space (see transforms.Pinhole.image_plane_matrix)
        pos = np.stack(
            [pin.cx + (u - pin.cx) * z / d, pin.cy + (v - pin.cy) * z / d, (z - d) * pin.fx / d], -1
        )
        cols = rgba[::step, ::step][ok].astype(np.float32) / 255.0
        pos = np.ascontiguousarray(pos, np.float32) if len(pos) else np.zeros((1, 3), np.float32)
        cols = np.ascontiguousarray(cols, np.float32) if len(cols) else np.zeros((1, 4), np.float32)
        if self.cloud is None:
            mat = gfx.PointsMaterial(size=2.0, color_mode="vertex", pick_write=True)
            self.cloud = gfx.Points(gfx.Geometry(positions=pos, colors=cols), mat)
            self.node.add(self._track(self.cloud))
        else:
            set_buffer(self.cloud.geometry, "positions", pos)
            set_buffer(self.cloud.geometry, "colors", cols)
        self.cloud.visible = bool(ok.any())
        lo, hi = np.nanmin(pos, axis=0), np.nanmax(pos, axis=0)
        self.bounds = (lo.astype(float), hi.astype(float))


@register
class SegmentationImageVisualizer(_ImageBase):
    archetype = "SegmentationImage"
    required = "buffer"
    optional = ("format", "opacity", "draw_order")
    default_opacity = 0.5
    default_draw_order = 0.0

    def rgba(self, data: dict[str, pa.Array], ctx: VisContext) -> np.ndarray | None:
        self.pixels = _decoded(data)
        if self.pixels is None:
            return None
        lut = (ctx.annotations or Annotations()).color_lut()
        ids = np.clip(self.pixels.astype(np.int64), 0, lut.shape[0] - 1)
        return lut[ids]
