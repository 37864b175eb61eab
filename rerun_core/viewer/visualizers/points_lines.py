"""Points, line strips and arrows, in 3D and in 2D (2D draws in the z=0 plane, by draw order)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pygfx as gfx

from rerun_core.viewer import arrow_data as ad
from rerun_core.viewer.visualizers.base import (
    SPATIAL_2D,
    SPATIAL_3D,
    VisContext,
    Visualizer,
    instance_colors,
    radii_to_sizes,
    register,
    set_buffer,
)

DRAW_ORDER_Z = 0.01  # 2D: image-space z offset per draw-order unit (towards the camera)


def to3(pts: np.ndarray, z: float = 0.0) -> np.ndarray:
    if pts.shape[1] == 3:
        return np.ascontiguousarray(pts, np.float32)
    out = np.full((pts.shape[0], 3), z, np.float32)
    out[:, :2] = pts
    return out


def draw_order_z(data: dict[str, pa.Array], default: float) -> float:
    order = ad.first(data.get("draw_order"))
    return -float(default if order is None else order) * DRAW_ORDER_Z


class _PointsBase(Visualizer):
    dim: ClassVar[int] = 3
    default_draw_order: ClassVar[float] = 30.0
    points: gfx.Points | None = None
    lod: gfx.Points | None = None  # strided subset shown while the camera moves
    skeleton: gfx.Line | None = None
    _lod_stride = 1
    _lod_stale = True

    def update(self, data: dict[str, pa.Array], ctx: VisContext) -> None:
        self.data = data
        raw = ad.vectors(data.get("positions"), self.dim)
        n = raw.shape[0]
        pos = to3(raw, draw_order_z(data, self.default_draw_order))
        cols = instance_colors(data, n, ctx)
        sizes, space = radii_to_sizes(data, n, 1.5 if self.dim == 3 else 2.0)
        if n == 0:
            if self.points is not None:
                self.points.visible = False
            self.bounds, self.labels = None, []
            return
        if self.points is None:
            geom = gfx.Geometry(positions=pos, colors=cols, sizes=sizes)
            mat = gfx.PointsMaterial(
                color_mode="vertex", size_mode="vertex", size_space=space, pick_write=True
            )
            self.points = gfx.Points(geom, mat)
            self.node.add(self._track(self.points))
        else:
            set_buffer(self.points.geometry, "positions", pos)
            set_buffer(self.points.geometry, "colors", cols)
            set_buffer(self.points.geometry, "sizes", sizes)
            self.points.material.size_space = space
            self.points.visible = True
        self._set_bounds(raw, float(sizes.max()) / 2 if space == "model" else 0.0)  # whole discs in view
        self._make_labels(data, pos, cols, ctx)
        if space == "screen":
            for label, size in zip(self.labels, ad.broadcast_or(sizes, len(self.labels), 0.0)):
                label.offset_px = float(size) / 2
        self._lod_stale = True
        self._update_skeleton(data, pos, cols, ctx)

    def _update_skeleton(
        self, data: dict[str, pa.Array], pos: np.ndarray, cols: np.ndarray, ctx: VisContext
    ) -> None:
        """Keypoint connections from the AnnotationContext, per class (Rerun's skeletons)."""
        segs = keypoint_segments(data, pos, ctx)
        if segs is None:
            if self.skeleton is not None:
                self.skeleton.visible = False
            return
        seg_cols = np.repeat(ctx.default_color[None], segs.shape[0], axis=0)
        if self.skeleton is None:
            mat = gfx.LineSegmentMaterial(thickness=1.5, color_mode="vertex")
            self.skeleton = gfx.Line(gfx.Geometry(positions=segs, colors=seg_cols), mat)
            self.node.add(self.skeleton)
        else:
            set_buffer(self.skeleton.geometry, "positions", segs)
            set_buffer(self.skeleton.geometry, "colors", seg_cols)
        self.skeleton.visible = True

    def instance_bounds(self, instance: int | None) -> tuple[np.ndarray, np.ndarray] | None:
        pts = self.points
        if instance is None or pts is None or not 0 <= instance < pts.geometry.positions.data.shape[0]:
            return self.bounds
        p = pts.geometry.positions.data[instance].astype(float)
        r = float(pts.geometry.sizes.data[instance]) / 2 if pts.material.size_space == "model" else 0.0
        if r == 0.0 and self.bounds is not None:
            r = max(float(np.linalg.norm(self.bounds[1] - self.bounds[0])) * 0.02, 1e-6)
        return p - r, p + r

    def lod_size(self) -> int:
        pts = self.points
        return 0 if pts is None or not self.node.visible else int(pts.geometry.positions.data.shape[0])

    def set_lod(self, max_points: int | None) -> None:
        pts = self.points
        if pts is None:
            return
        n = pts.geometry.positions.data.shape[0]
        if max_points is None or n <= max_points or not self.node.visible:
            pts.visible = n > 0 and (pts.visible or (self.lod is not None and self.lod.visible))
            if self.lod is not None:
                self.lod.visible = False
            return
        stride = -(-n // max_points)
        if self._lod_stale or self.lod is None or stride != self._lod_stride:
            self._lod_stride = stride
            geo = pts.geometry
            sub = {k: getattr(geo, k).data[:: self._lod_stride] for k in ("positions", "colors", "sizes")}
            if self.lod is None:
                self.lod = gfx.Points(gfx.Geometry(**sub), pts.material)
                self.node.add(self._track(self.lod))
            else:
                for k, arr in sub.items():
                    set_buffer(self.lod.geometry, k, arr)
            self._lod_stale = False
        self.lod.visible, pts.visible = True, False

    def instance_at(self, wobject: gfx.WorldObject, info: dict[str, Any]) -> int | None:
        v = info.get("vertex_index")
        if v is None:
            return None
        return int(v) * self._lod_stride if wobject is self.lod else int(v)


@register
class Points3DVisualizer(_PointsBase):
    archetype = "Points3D"
    required = "positions"
    optional = ("radii", "colors", "labels", "class_ids", "keypoint_ids", "show_labels")


@register
class Points2DVisualizer(_PointsBase):
    archetype = "Points2D"
    required = "positions"
    optional = ("radii", "colors", "labels", "class_ids", "keypoint_ids", "show_labels", "draw_order")
    view_kinds = frozenset({SPATIAL_2D, SPATIAL_3D})
    dim = 2


def keypoint_segments(data: dict[str, pa.Array], pos: np.ndarray, ctx: VisContext) -> np.ndarray | None:
    """(2K, 3) segment endpoints joining keypoints of the same class, or None."""
    ann = ctx.annotations
    kp = ad.scalars(data.get("keypoint_ids"), np.int64)
    n = pos.shape[0]
    if ann is None or kp.size == 0 or n == 0 or not any(ann.connections.values()):
        return None
    kp = ad.broadcast_or(kp, n, 0)
    cids = ad.broadcast_or(ad.scalars(data.get("class_ids"), np.int64), n, 0)
    segs = []
    for cid in np.unique(cids):
        conns = ann.connections.get(int(cid)) or []
        where = {int(k): i for i, (c, k) in enumerate(zip(cids, kp)) if c == cid}
        for a, b in conns:
            if a in where and b in where:
                segs += [pos[where[a]], pos[where[b]]]
    return np.asarray(segs, np.float32) if segs else None


def polyline_buffers(
    strips: list[np.ndarray], colors: np.ndarray, z: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Strips -> one NaN-separated vertex array, per-vertex colors and each strip's first vertex."""
    total = sum(s.shape[0] + 1 for s in strips)
    pos = np.full((max(total, 1), 3), np.nan, np.float32)
    cols = np.zeros((max(total, 1), 4), np.float32)
    starts = np.zeros(len(strips), np.int64)
    i = 0
    for k, s in enumerate(strips):
        starts[k] = i
        pos[i : i + s.shape[0]] = to3(s, z)
        cols[i : i + s.shape[0] + 1] = colors[k]
        i += s.shape[0] + 1
    return pos, cols, starts


def line_thickness(data: dict[str, pa.Array], n: int, default_ui: float) -> tuple[float, str]:
    sizes, space = radii_to_sizes(data, max(n, 1), default_ui)
    return float(sizes[0]) if sizes.size else default_ui * 2, space


class _LinesBase(Visualizer):
    dim: ClassVar[int] = 3
    default_draw_order: ClassVar[float] = 20.0
    line: gfx.Line | None = None
    _starts: np.ndarray = np.zeros(0, np.int64)

    def _strips(self, data: dict[str, pa.Array]) -> list[np.ndarray]:
        return ad.list_of_vectors(data.get("strips"), self.dim)

    def _material(self, thickness: float, space: str) -> gfx.LineMaterial:
        return gfx.LineMaterial(
            thickness=thickness, thickness_space=space, color_mode="vertex", pick_write=True
        )

    def update(self, data: dict[str, pa.Array], ctx: VisContext) -> None:
        self.data = data
        strips = self._strips(data)
        n = len(strips)
        cols = instance_colors(data, n, ctx)
        z = draw_order_z(data, self.default_draw_order)
        pos, vcols, self._starts = polyline_buffers(strips, cols, z)
        thickness, space = line_thickness(data, n, 0.75 if self.dim == 3 else 1.0)
        if self.line is None:
            self.line = gfx.Line(gfx.Geometry(positions=pos, colors=vcols), self._material(thickness, space))
            self.node.add(self._track(self.line))
        else:
            set_buffer(self.line.geometry, "positions", pos)
            set_buffer(self.line.geometry, "colors", vcols)
            self.line.material.thickness = thickness
            self.line.material.thickness_space = space
        self.line.visible = n > 0
        allpts = np.concatenate(strips) if strips else np.zeros((0, self.dim), np.float32)
        self._set_bounds(allpts)
        anchors = np.array([s.mean(axis=0) if len(s) else np.zeros(self.dim) for s in strips]).reshape(
            -1, self.dim
        )
        self._make_labels(data, to3(anchors, z) if n else np.zeros((0, 3)), cols, ctx)

    def instance_at(self, wobject: gfx.WorldObject, info: dict[str, Any]) -> int | None:
        v = info.get("vertex_index")
        if v is None or self._starts.size == 0:
            return None
        return int(np.searchsorted(self._starts, v, side="right") - 1)


@register
class LineStrips3DVisualizer(_LinesBase):
    archetype = "LineStrips3D"
    required = "strips"
    optional = ("radii", "colors", "labels", "class_ids", "show_labels")


@register
class LineStrips2DVisualizer(_LinesBase):
    archetype = "LineStrips2D"
    required = "strips"
    optional = ("radii", "colors", "labels", "class_ids", "show_labels", "draw_order")
    view_kinds = frozenset({SPATIAL_2D, SPATIAL_3D})
    dim = 2


class _ArrowsBase(_LinesBase):
    """Arrows: shafts as two-vertex strips plus a merged mesh of heads (cones / triangles)."""

    heads: gfx.Mesh | None = None

    def _strips(self, data: dict[str, pa.Array]) -> list[np.ndarray]:
        vec = ad.vectors(data.get("vectors"), self.dim)
        origins = ad.broadcast(ad.vectors(data.get("origins"), self.dim), vec.shape[0])
        if origins is None:
            origins = np.zeros_like(vec)
        return [np.stack([o, o + v]) for o, v in zip(origins, vec)]

    def update(self, data: dict[str, pa.Array], ctx: VisContext) -> None:
        super().update(data, ctx)
        strips = self._strips(data)
        z = draw_order_z(data, self.default_draw_order)
        cols = instance_colors(data, len(strips), ctx)
        pos, faces, vcols = arrow_heads([to3(s, z) for s in strips], cols, flat=self.dim == 2)
        if self.heads is None and len(faces):
            mat = gfx.MeshBasicMaterial(color_mode="vertex", pick_write=True, side="both")
            self.heads = gfx.Mesh(gfx.Geometry(positions=pos, indices=faces, colors=vcols), mat)
            self.node.add(self._track(self.heads))
        elif self.heads is not None and len(faces):
            for name, arr in (("positions", pos), ("indices", faces), ("colors", vcols)):
                set_buffer(self.heads.geometry, name, arr)
        if self.heads is not None:
            self.heads.visible = bool(len(faces))
        for label, s in zip(self.labels, strips):
            label.position = to3(s[-1:], z)[0]

    def instance_at(self, wobject: gfx.WorldObject, info: dict[str, Any]) -> int | None:
        if wobject is self.heads and "face_index" in info:
            return int(info["face_index"]) // (1 if self.dim == 2 else 8)
        return super().instance_at(wobject, info)


def arrow_heads(
    segments: list[np.ndarray], colors: np.ndarray, flat: bool, seg: int = 8
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cone (3D) or triangle (2D) heads at each segment's end, 20% of its length."""
    pos: list[np.ndarray] = []
    faces: list[list[int]] = []
    cols: list[np.ndarray] = []
    for i, s in enumerate(segments):
        a, tip = s[0].astype(np.float64), s[1].astype(np.float64)
        d = tip - a
        length = float(np.linalg.norm(d))
        if length == 0:
            continue
        d /= length
        hl = 0.2 * length
        base = tip - d * hl
        ref = np.array([0, 0, 1.0]) if flat or abs(d[2]) < 0.9 else np.array([1.0, 0, 0])
        u = np.cross(d, ref)
        u /= np.linalg.norm(u)
        v = np.cross(d, u)
        off = len(pos)
        if flat:
            pos += [tip, base + u * hl * 0.4, base - u * hl * 0.4]
            faces.append([off, off + 1, off + 2])
        else:
            ang = np.linspace(0, 2 * np.pi, seg, endpoint=False)
            pos.append(tip)
            pos += [base + (np.cos(t) * u + np.sin(t) * v) * hl * 0.35 for t in ang]
            faces += [[off, off + 1 + k, off + 1 + (k + 1) % seg] for k in range(seg)]
        cols += [colors[i]] * (3 if flat else seg + 1)
    if not pos:
        return np.zeros((3, 3), np.float32), np.zeros((0, 3), np.int32), np.zeros((3, 4), np.float32)
    return np.array(pos, np.float32), np.array(faces, np.int32), np.array(cols, np.float32)


@register
class Arrows3DVisualizer(_ArrowsBase):
    archetype = "Arrows3D"
    required = "vectors"
    optional = ("origins", "radii", "colors", "labels", "class_ids", "show_labels")


@register
class Arrows2DVisualizer(_ArrowsBase):
    archetype = "Arrows2D"
    required = "vectors"
    optional = ("origins", "radii", "colors", "labels", "class_ids", "show_labels", "draw_order")
    view_kinds = frozenset({SPATIAL_2D, SPATIAL_3D})
    dim = 2
