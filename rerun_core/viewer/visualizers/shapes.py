"""Boxes (3D and 2D), ellipsoids, capsules and cylinders: instanced shapes merged per entity.

Each entity becomes at most one wireframe ``Line`` (segments) and one solid ``Mesh``; a
per-triangle / per-segment instance index makes picking map back to the instance.
"""

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
    register,
    set_buffer,
)
from rerun_core.viewer.visualizers.points_lines import draw_order_z, line_thickness, to3

SOLID = 3
MAJOR_WIREFRAME = 1
TRANSPARENT_FILL_MAJOR_WIREFRAME = 4
# Face alpha of the translucent fill (Rerun draws it at 64/255 over the instance colour).
_TRANSPARENT_FILL_ALPHA = 64 / 255


# --- unit primitives (numpy) ------------------------------------------------------------

_BOX_CORNERS = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)], np.float32)
_BOX_EDGES = np.array(
    [[0, 1], [2, 3], [4, 5], [6, 7], [0, 2], [1, 3], [4, 6], [5, 7], [0, 4], [1, 5], [2, 6], [3, 7]]
)
_BOX_FACES = np.array(
    [
        [0, 1, 3], [0, 3, 2], [4, 6, 7], [4, 7, 5], [0, 4, 5], [0, 5, 1],
        [2, 3, 7], [2, 7, 6], [0, 2, 6], [0, 6, 4], [1, 5, 7], [1, 7, 3],
    ]
)  # fmt: skip


def unit_sphere(seg: int = 16, rings: int = 10) -> tuple[np.ndarray, np.ndarray]:
    th = np.linspace(0, np.pi, rings + 1)
    ph = np.linspace(0, 2 * np.pi, seg + 1)
    t, p = np.meshgrid(th, ph, indexing="ij")
    v = np.stack([np.sin(t) * np.cos(p), np.sin(t) * np.sin(p), np.cos(t)], -1).reshape(-1, 3)
    return v.astype(np.float32), _grid_faces(rings, seg)


def unit_tube(seg: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """Open cylinder of radius 1 along z from 0 to 1."""
    ph = np.linspace(0, 2 * np.pi, seg + 1)
    z = np.array([0.0, 1.0])
    zz, p = np.meshgrid(z, ph, indexing="ij")
    v = np.stack([np.cos(p), np.sin(p), zz], -1).reshape(-1, 3)
    return v.astype(np.float32), _grid_faces(1, seg)


def _grid_faces(rows: int, cols: int) -> np.ndarray:
    faces = []
    w = cols + 1
    for r in range(rows):
        for c in range(cols):
            a, b = r * w + c, r * w + c + 1
            faces += [[a, a + w, b], [b, a + w, b + w]]
    return np.array(faces, np.int64)


def cap_disk(seg: int = 16) -> tuple[np.ndarray, np.ndarray]:
    ph = np.linspace(0, 2 * np.pi, seg, endpoint=False)
    v = np.concatenate([[[0, 0, 0]], np.stack([np.cos(ph), np.sin(ph), np.zeros(seg)], -1)])
    f = np.array([[0, 1 + i, 1 + (i + 1) % seg] for i in range(seg)])
    return v.astype(np.float32), f


def vertex_normals(pos: np.ndarray, faces: np.ndarray) -> np.ndarray:
    n = np.zeros_like(pos, dtype=np.float32)
    if faces.size:
        tri = pos[faces]
        fn = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
        for k in range(3):
            np.add.at(n, faces[:, k], fn)
    norm = np.linalg.norm(n, axis=1, keepdims=True)
    return (n / np.where(norm > 0, norm, 1)).astype(np.float32)


# --- base: merged instances --------------------------------------------------------------


class _ShapesBase(Visualizer):
    """Subclasses yield per-instance (vertices, faces, edges) in local space."""

    default_fill: ClassVar[int] = MAJOR_WIREFRAME
    mesh: gfx.Mesh | None = None
    wire: gfx.Line | None = None
    _face_instance: np.ndarray = np.zeros(0, np.int64)
    _edge_instance: np.ndarray = np.zeros(0, np.int64)

    def instances(self, data: dict[str, pa.Array]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        raise NotImplementedError

    def centers(self, data: dict[str, pa.Array], n: int) -> np.ndarray:
        c = ad.broadcast(ad.vectors(data.get("centers"), 3), n)
        return c if c is not None else np.zeros((n, 3), np.float32)

    def update(self, data: dict[str, pa.Array], ctx: VisContext) -> None:
        self.data = data
        parts = self.instances(data)
        self._parts = parts
        n = len(parts)
        cols = instance_colors(data, n, ctx)
        fill = ad.first(data.get("fill_mode")) or self.default_fill
        solid = fill == SOLID
        translucent = fill == TRANSPARENT_FILL_MAJOR_WIREFRAME
        self._update_mesh(parts, cols, solid or translucent, _TRANSPARENT_FILL_ALPHA if translucent else 1.0)
        self._update_wire(parts, cols, not solid, data)
        allv = np.concatenate([p[0] for p in parts]) if parts else np.zeros((0, 3), np.float32)
        self._set_bounds(allv)
        anchors = np.array([p[0].mean(axis=0) for p in parts]).reshape(-1, 3)
        self._make_labels(data, anchors, cols, ctx)

    def _update_mesh(self, parts: list[Any], cols: np.ndarray, show: bool, alpha: float = 1.0) -> None:
        if not show or not parts:
            if self.mesh is not None:
                self.mesh.visible = False
            return
        verts, faces, inst, vcols, off = [], [], [], [], 0
        for i, (v, f, _e) in enumerate(parts):
            verts.append(v)
            faces.append(f + off)
            inst.append(np.full(len(f), i))
            vcols.append(np.repeat(cols[i][None], len(v), axis=0))
            off += len(v)
        pos = np.concatenate(verts).astype(np.float32)
        idx = np.concatenate(faces).astype(np.int32)
        self._face_instance = np.concatenate(inst)
        normals = vertex_normals(pos, idx)
        colors = np.concatenate(vcols).astype(np.float32)
        if alpha < 1.0 and colors.shape[1] == 4:
            colors[:, 3] *= alpha
        if self.mesh is None:
            geom = gfx.Geometry(positions=pos, indices=idx, normals=normals, colors=colors)
            mat = gfx.MeshPhongMaterial(color_mode="vertex", pick_write=True, side="both")
            self.mesh = gfx.Mesh(geom, mat)
            self.node.add(self._track(self.mesh))
        else:
            for name, arr in (("positions", pos), ("indices", idx), ("normals", normals), ("colors", colors)):
                set_buffer(self.mesh.geometry, name, arr)
        # Translucent faces must not hide the edges behind them.
        self.mesh.material.depth_write = alpha >= 1.0
        self.mesh.visible = True

    def _update_wire(self, parts: list[Any], cols: np.ndarray, show: bool, data: dict[str, pa.Array]) -> None:
        if not show or not parts:
            if self.wire is not None:
                self.wire.visible = False
            return
        segs, scol, inst = [], [], []
        for i, (v, _f, e) in enumerate(parts):
            segs.append(v[e.reshape(-1)])
            scol.append(np.repeat(cols[i][None], e.size, axis=0))
            inst.append(np.full(e.size, i))
        pos = np.concatenate(segs).astype(np.float32)
        colors = np.concatenate(scol).astype(np.float32)
        self._edge_instance = np.concatenate(inst)
        thickness, space = line_thickness(data, len(parts), 0.75)
        if self.wire is None:
            mat = gfx.LineSegmentMaterial(
                thickness=thickness, thickness_space=space, color_mode="vertex", pick_write=True
            )
            self.wire = gfx.Line(gfx.Geometry(positions=pos, colors=colors), mat)
            self.node.add(self._track(self.wire))
        else:
            set_buffer(self.wire.geometry, "positions", pos)
            set_buffer(self.wire.geometry, "colors", colors)
            self.wire.material.thickness = thickness
            self.wire.material.thickness_space = space
        self.wire.visible = True

    def instance_bounds(self, instance: int | None) -> tuple[np.ndarray, np.ndarray] | None:
        parts = getattr(self, "_parts", [])
        if instance is None or not 0 <= instance < len(parts):
            return self.bounds
        v = parts[instance][0]
        return v.min(axis=0).astype(float), v.max(axis=0).astype(float)

    def instance_at(self, wobject: gfx.WorldObject, info: dict[str, Any]) -> int | None:
        if wobject is self.mesh and "face_index" in info:
            fi = int(info["face_index"])
            return int(self._face_instance[fi]) if fi < self._face_instance.size else None
        v = info.get("vertex_index")
        if v is not None and int(v) < self._edge_instance.size:
            return int(self._edge_instance[int(v)])
        return None


def _box_part(center: np.ndarray, half: np.ndarray, rot: np.ndarray) -> tuple[Any, ...]:
    v = (_BOX_CORNERS * half) @ rot.T + center
    return v.astype(np.float32), _BOX_FACES, _BOX_EDGES


@register
class Boxes3DVisualizer(_ShapesBase):
    archetype = "Boxes3D"
    required = "half_sizes"
    optional = ("centers", "rotation_axis_angles", "quaternions", "colors", "radii", "fill_mode", "labels", "class_ids", "show_labels")  # fmt: skip
    # Rerun 0.41 draws boxes with no fill_mode as edges over faint translucent faces.
    default_fill = TRANSPARENT_FILL_MAJOR_WIREFRAME

    def instances(self, data: dict[str, pa.Array]) -> list[Any]:
        half = ad.vectors(data.get("half_sizes"), 3)
        n = half.shape[0]
        rots = ad.rotations(data.get("quaternions"), data.get("rotation_axis_angles"), n)
        return [_box_part(c, h, r) for c, h, r in zip(self.centers(data, n), half, rots)]


@register
class Boxes2DVisualizer(_ShapesBase):
    archetype = "Boxes2D"
    required = "half_sizes"
    optional = ("centers", "colors", "radii", "labels", "class_ids", "show_labels", "draw_order")
    view_kinds = frozenset({SPATIAL_2D, SPATIAL_3D})

    def instances(self, data: dict[str, pa.Array]) -> list[Any]:
        half = ad.vectors(data.get("half_sizes"), 2)
        n = half.shape[0]
        centers = ad.broadcast(ad.vectors(data.get("centers"), 2), n)
        centers = centers if centers is not None else np.zeros((n, 2), np.float32)
        z = draw_order_z(data, 10.0)
        out = []
        for c, h in zip(centers, half):
            v = to3(np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], np.float32) * h + c, z)
            out.append((v, np.array([[0, 1, 2], [0, 2, 3]]), np.array([[0, 1], [1, 2], [2, 3], [3, 0]])))
        return out

    def update(self, data: dict[str, pa.Array], ctx: VisContext) -> None:
        super().update(data, ctx)
        if self.bounds is not None:
            self.bounds = (self.bounds[0] * [1, 1, 0], self.bounds[1] * [1, 1, 0])
        for label, (v, _f, _e) in zip(self.labels, self.instances(data)):
            label.position = v[0]  # top-left corner, as Rerun places box labels


_SPHERE = unit_sphere()
_SPHERE_EDGES = np.array(
    [[r * 17 + c, r * 17 + c + 1] for r in range(1, 10) for c in range(16)]
    + [[r * 17 + c, (r + 1) * 17 + c] for r in range(10) for c in range(0, 16, 2)]
)


@register
class Ellipsoids3DVisualizer(_ShapesBase):
    archetype = "Ellipsoids3D"
    required = "half_sizes"
    optional = ("centers", "rotation_axis_angles", "quaternions", "colors", "line_radii", "fill_mode", "labels", "class_ids", "show_labels")  # fmt: skip

    def instances(self, data: dict[str, pa.Array]) -> list[Any]:
        half = ad.vectors(data.get("half_sizes"), 3)
        n = half.shape[0]
        rots = ad.rotations(data.get("quaternions"), data.get("rotation_axis_angles"), n)
        v0, f0 = _SPHERE
        return [((v0 * h) @ r.T + c, f0, _SPHERE_EDGES) for c, h, r in zip(self.centers(data, n), half, rots)]


def _capsule(length: float, radius: float, seg: int = 16) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    tv, tf = unit_tube(seg)
    tv = tv * [radius, radius, length]
    sv, sf = _SPHERE
    lo = sv * radius
    hi = sv * radius + [0, 0, length]
    verts = np.concatenate([tv, lo, hi])
    faces = np.concatenate([tf, sf + len(tv), sf + len(tv) + len(sv)])
    ring = [[i, i + 1] for i in range(seg)]
    edges = np.array(
        ring + [[i + seg + 1, i + seg + 2] for i in range(seg)] + [[i, i + seg + 1] for i in range(0, seg, 4)]
    )
    return verts.astype(np.float32), faces, edges


def _cylinder(length: float, radius: float, seg: int = 24) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    tv, tf = unit_tube(seg)
    tv = tv * [radius, radius, length] - [0, 0, length / 2]
    dv, df = cap_disk(seg)
    bottom = dv * [radius, radius, 1] - [0, 0, length / 2]
    top = dv * [radius, radius, 1] + [0, 0, length / 2]
    verts = np.concatenate([tv, bottom, top])
    faces = np.concatenate([tf, df + len(tv), df + len(tv) + len(dv)])
    ring = [[i, i + 1] for i in range(seg)]
    edges = np.array(
        ring + [[i + seg + 1, i + seg + 2] for i in range(seg)] + [[i, i + seg + 1] for i in range(0, seg, 6)]
    )
    return verts.astype(np.float32), faces, edges


class _RoundBase(_ShapesBase):
    default_fill = SOLID
    translation_field: ClassVar[str] = "centers"

    def instances(self, data: dict[str, pa.Array]) -> list[Any]:
        lengths = ad.scalars(data.get("lengths"))
        radii = ad.scalars(data.get("radii"))
        n = max(lengths.size, radii.size)
        lengths = ad.broadcast_or(lengths, n, 1.0)
        radii = ad.broadcast_or(radii, n, 0.5)
        tr = ad.broadcast_or(ad.vectors(data.get(self.translation_field), 3), n, np.zeros(3))
        rots = ad.rotations(data.get("quaternions"), data.get("rotation_axis_angles"), n)
        out = []
        for i in range(n):
            v, f, e = self.shape(float(lengths[i]), abs(float(radii[i])))
            out.append(((v @ rots[i].T + tr[i]).astype(np.float32), f, e))
        return out

    def shape(self, length: float, radius: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _update_wire(self, parts: list[Any], cols: np.ndarray, show: bool, data: dict[str, pa.Array]) -> None:
        # "radii" are the shapes' radii here, not line widths.
        super()._update_wire(parts, cols, show, {})


@register
class Capsules3DVisualizer(_RoundBase):
    archetype = "Capsules3D"
    required = "lengths"
    optional = ("radii", "translations", "rotation_axis_angles", "quaternions", "colors", "labels", "class_ids", "show_labels")  # fmt: skip
    translation_field = "translations"

    def shape(self, length: float, radius: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return _capsule(length, radius)


@register
class Cylinders3DVisualizer(_RoundBase):
    archetype = "Cylinders3D"
    required = "lengths"
    optional = ("radii", "centers", "rotation_axis_angles", "quaternions", "colors", "line_radii", "fill_mode", "labels", "class_ids", "show_labels")  # fmt: skip

    def shape(self, length: float, radius: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return _cylinder(length, radius)
