"""Spatial views (3D and 2D): the entity tree as a pygfx scene graph, updated in place.

Each entity in the view gets an ``outer`` group (its Transform3D, 3D views only) and an
``inner`` group its children hang under (a Pinhole's image-plane placement, 3D views only).
3D visualizers attach to ``outer``; 2D ones to ``inner`` (so an entity holding both a Pinhole
and an Image shows the image on the image plane).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numpy as np
import pygfx as gfx

from rerun_core.types import EntityPath
from rerun_core.viewer import transforms as tf
from rerun_core.viewer.camera import OrbitCamera, PanZoomCamera
from rerun_core.viewer.heuristics import ViewSpec
from rerun_core.viewer.query import EntityIndex, Query, fields_of
from rerun_core.viewer.visualizers import (
    SPATIAL_2D,
    SPATIAL_3D,
    Annotations,
    VisContext,
    Visualizer,
    visualizer_for,
)

log = logging.getLogger(__name__)
BACKGROUND = (0.07, 0.08, 0.09, 1.0)
_TRANSFORM_COLS = tuple(f"Transform3D:{f}" for f in tf.TRANSFORM_FIELDS)
_PINHOLE_COLS = tuple(f"Pinhole:{f}" for f in tf.PINHOLE_FIELDS)


def lod_shares(sizes: dict[Any, int], budget: int | None) -> dict[Any, int | None]:
    """Split a point budget among clouds: those under a fair share are drawn whole, the
    bigger ones share what is left in proportion to their sizes. ``None``: no limit."""
    if budget is None or sum(sizes.values()) <= budget:
        return dict.fromkeys(sizes)
    out: dict[Any, int | None] = {}
    left = budget
    order = sorted(sizes, key=lambda k: sizes[k])
    while order and sizes[order[0]] <= left // len(order):  # small ones: whole
        left -= sizes[order[0]]
        out[order.pop(0)] = None
    rest = sum(sizes[k] for k in order)
    for key in order:  # every remaining one is bigger than its fair share
        out[key] = max(1, left * sizes[key] // max(rest, 1))
    return out


class _Node:
    __slots__ = ("inner", "key", "outer", "pinhole")

    def __init__(self, name: str) -> None:
        self.outer = gfx.Group(name=name)
        self.inner = gfx.Group(name=name + "#inner")
        self.outer.add(self.inner)
        self.key: tuple[Any, ...] = ()
        self.pinhole: tf.Pinhole | None = None


class SpatialView:
    """One spatial view's scene, scene cache and camera."""

    def __init__(self, spec: ViewSpec) -> None:
        self.spec = spec
        self.is_3d = spec.kind == SPATIAL_3D
        self.scene = gfx.Scene()
        self.background = gfx.Background(None, gfx.BackgroundMaterial(BACKGROUND))
        self.scene.add(self.background)
        self.root = gfx.Group(name=spec.origin)
        self.scene.add(self.root)
        self.nodes: dict[str, _Node] = {}
        self._lineage: dict[str, tuple[str, ...]] = {}  # path -> itself and its ancestors, nearest first
        self.visualizers: dict[tuple[str, str], Visualizer] = {}
        self._keys: dict[tuple[str, str], tuple[Any, ...]] = {}
        self._ann_cache: dict[str, tuple[tuple[Any, ...], Annotations]] = {}
        self.errors: dict[tuple[str, str], str] = {}  # (entity, archetype) -> why it is not shown
        self.plane_distance = 1.0  # image-plane distance for pinholes that do not give one
        self.selection: tuple[str, int | None] | None = None
        self.selection_box: gfx.Line | None = None
        self.camera: OrbitCamera | PanZoomCamera
        if self.is_3d:
            self.camera = OrbitCamera()
            self.grid = gfx.Grid(
                None,
                gfx.GridMaterial(
                    major_step=1,
                    minor_step=0.1,
                    major_color="#2f3439",
                    minor_color="#1c2024",
                    major_thickness=1.0,
                    minor_thickness=0.0,
                    infinite=True,
                ),
                orientation="xy",
            )
            self.scene.add(self.grid)
            self.scene.add(gfx.AmbientLight(intensity=0.6))
            self.light = gfx.DirectionalLight(intensity=2.2)
            self.camera.camera.add(self.light)
            self.scene.add(self.camera.camera)
        else:
            self.camera = PanZoomCamera()

    # --- scene graph ------------------------------------------------------------------------

    def _ancestry(self, path: str) -> tuple[str, ...]:
        """``path`` and its ancestors up to the root, nearest first (cached: every sync walks them)."""
        got = self._lineage.get(path)
        if got is None:
            out: list[str] = []
            p: EntityPath | None = EntityPath(path)
            while p is not None:
                out.append(p.path)
                p = p.parent()
            got = self._lineage[path] = tuple(out)
        return got

    def _relative_parts(self, path: str) -> tuple[str, ...]:
        parts = EntityPath(path).parts
        return parts[len(EntityPath(self.spec.origin).parts) :]

    def _node(self, path: str) -> _Node:
        node = self.nodes.get(path)
        if node is not None:
            return node
        rel = self._relative_parts(path)
        origin = EntityPath(self.spec.origin)
        parent = self.root if len(rel) <= 1 else self._node(origin.join(*rel[:-1]).path).inner
        node = _Node(path)
        parent.add(node.outer)
        self.nodes[path] = node
        return node

    def _update_transforms(self, q: Query, index: EntityIndex) -> None:
        if not self.is_3d:
            return
        for path, node in self.nodes.items():
            if path == self.spec.origin:
                continue
            archs = index.of(path)
            if "Transform3D" not in archs and "Pinhole" not in archs:
                continue
            cols = [c for c in (*_TRANSFORM_COLS, *_PINHOLE_COLS) if c in archs.get(c.split(":")[0], set())]
            data, key = q.latest(path, cols)
            key = (*key, self.plane_distance if "Pinhole" in archs else None)
            if key == node.key:
                continue
            node.key = key
            node.outer.local.matrix = tf.transform_matrix(fields_of(data, "Transform3D"))
            pin = fields_of({k: v for k, v in data.items() if k.startswith("Pinhole:")}, "Pinhole")
            node.pinhole = tf.Pinhole(pin, self.plane_distance) if "image_from_camera" in pin else None
            node.inner.local.matrix = node.pinhole.image_plane_matrix() if node.pinhole else np.eye(4)

    def _under_pinhole(self, path: str, index: EntityIndex) -> bool:
        return any("Pinhole" in index.of(p) for p in self._ancestry(path))

    # --- data -------------------------------------------------------------------------------

    def sync(self, q: Query, index: EntityIndex, visible: Callable[[str], bool], _again: bool = True) -> None:
        """Bring the scene to the query's time: only visualizers whose rows changed are updated."""
        for path in self.spec.entities:
            self._node(path)
        self._update_transforms(q, index)
        for path in self.spec.entities:
            archs = index.of(path)
            for arch, cols in archs.items():
                cls = visualizer_for(arch)
                if cls is None or not self._accepts(cls, path, index):
                    continue
                self._sync_one(q, index, path, arch, cls, cols, visible(path))
        self._apply_view_coordinates(q, index)
        # pinholes without an explicit distance follow the scene size
        if self.is_3d and self._update_plane_distance(index) and _again:
            self.sync(q, index, visible, _again=False)
        if self.selection is not None:
            self.update_selection_box()

    def _update_plane_distance(self, index: EntityIndex) -> bool:
        """Default image-plane distance: a tenth of the size of the scene outside the cameras."""
        corners = []
        for (path, _), vis in self.visualizers.items():
            if vis.bounds is not None and vis.node.visible and not self._under_pinhole(path, index):
                m = vis.node.world.matrix
                corners += [(m @ np.append(corner, 1.0))[:3] for corner in vis.bounds]
        if not corners:
            return False
        diag = float(np.linalg.norm(np.max(corners, axis=0) - np.min(corners, axis=0)))
        dist = float(f"{max(diag * 0.1, 1e-3):.1g}")  # one significant digit: stable across frames
        changed = dist != self.plane_distance
        self.plane_distance = dist
        return changed

    def _accepts(self, cls: type[Visualizer], path: str, index: EntityIndex) -> bool:
        kind = SPATIAL_3D if self.is_3d else SPATIAL_2D
        if kind not in cls.view_kinds:
            return False
        if self.is_3d and SPATIAL_2D in cls.view_kinds:
            return self._under_pinhole(path, index)
        return True

    def _sync_one(self, q: Query, index: EntityIndex, path: str, arch: str, cls: type[Visualizer], cols: set[str], shown: bool) -> None:  # fmt: skip
        wanted = [c for c in (cls.column(f) for f in cls.fields()) if c in cols]
        data, key = q.latest(path, wanted)
        vkey = (path, arch)
        vis = self.visualizers.get(vkey)
        present = cls.column(cls.required) in data
        if vis is None:
            if not present:
                return
            vis = cls(path)
            node = self._node(path)
            (node.inner if SPATIAL_2D in cls.view_kinds else node.outer).add(vis.node)
            self.visualizers[vkey] = vis
        ann = self._annotations(q, index, path)
        pinhole = self._pinhole_of(path) if self.is_3d else None
        full_key = (key, id(ann), id(pinhole), vis.dependency_key(q, fields_of(data, arch)))
        if present and self._keys.get(vkey) != full_key:
            self._keys[vkey] = full_key
            try:
                vis.update(fields_of(data, arch), VisContext(path, self.spec.kind, ann, pinhole, q))
                self.errors.pop(vkey, None)
            except Exception as exc:  # bad data on one entity must not take the whole viewer down
                log.warning("cannot show %s %s: %s", arch, path, exc)
                self.errors[vkey] = f"{type(exc).__name__}: {exc}"
        vis.node.visible = shown and present and vkey not in self.errors

    def _pinhole_of(self, path: str) -> tf.Pinhole | None:
        for p in self._ancestry(path):
            node = self.nodes.get(p)
            if node is not None and node.pinhole is not None:
                return node.pinhole
        return None

    def _annotations(self, q: Query, index: EntityIndex, path: str) -> Annotations | None:
        for p in self._ancestry(path):
            if "AnnotationContext" in index.of(p):
                data, key = q.latest(p, ["AnnotationContext:context"])
                cached = self._ann_cache.get(p)
                if cached is None or cached[0] != key:
                    cached = (key, Annotations.from_arrow(data.get("AnnotationContext:context")))
                    self._ann_cache[p] = cached
                return cached[1]
        return None

    def _apply_view_coordinates(self, q: Query, index: EntityIndex) -> None:
        if not self.is_3d or not isinstance(self.camera, OrbitCamera):
            return
        candidates = [self.spec.origin] + [p for p in index.entities() if len(self._ancestry(p)) == 2]
        for path in candidates:
            if "ViewCoordinates" in index.of(path):
                data, _ = q.latest(path, ["ViewCoordinates:xyz"])
                arr = data.get("ViewCoordinates:xyz")
                up = tf.up_axis(arr[0].as_py() if arr is not None and len(arr) else None)
                if up is not None:
                    self._set_up(up)
                return

    def _set_up(self, up: np.ndarray) -> None:
        assert isinstance(self.camera, OrbitCamera)
        if not np.allclose(self.camera.up, up):
            self.camera.up = up
            axis = int(np.argmax(np.abs(up)))
            self.grid.local.matrix = np.eye(4)
            if axis == 1:
                self.grid.local.euler_x = np.pi / 2
            elif axis == 0:
                self.grid.local.euler_y = -np.pi / 2

    # --- camera -----------------------------------------------------------------------------

    def bounds(self) -> tuple[np.ndarray, np.ndarray] | None:
        """World-space bounding box of everything visible in the view."""
        los, his = [], []
        for vis in self.visualizers.values():
            if vis.bounds is None or not vis.node.visible:
                continue
            lo, hi = vis.bounds
            corners = np.array(
                [[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])]
            )
            m = vis.node.world.matrix
            w = (m @ np.c_[corners, np.ones(8)].T).T[:, :3]
            los.append(w.min(axis=0))
            his.append(w.max(axis=0))
        if not los:
            return None
        return np.min(los, axis=0), np.max(his, axis=0)

    def prepare_camera(self, aspect: float) -> gfx.Camera:
        if not self.camera.user_moved:
            if isinstance(self.camera, OrbitCamera):
                self.camera.fit(self.bounds())
            else:
                self.camera.fit(self.bounds(), aspect)
        if self.is_3d:
            self._place_grid()
        return self.camera.apply(aspect)

    def _place_grid(self) -> None:
        assert isinstance(self.camera, OrbitCamera)
        scale = 10 ** np.floor(np.log10(max(self.camera.distance, 1e-6) / 2))
        self.grid.material.major_step = (float(scale), float(scale))
        self.grid.material.minor_step = (float(scale) / 10, float(scale) / 10)

    def set_selection(self, entity: str | None, instance: int | None) -> None:
        """Outline the selected entity (or one instance of it) with a box; None clears."""
        self.selection = (entity, instance) if entity else None
        self.update_selection_box()

    def update_selection_box(self) -> None:
        boxes = []
        if self.selection is not None:
            entity, instance = self.selection
            for (path, _), vis in self.visualizers.items():
                if path == entity and vis.node.visible:
                    b = vis.instance_bounds(instance)
                    if b is not None:
                        corners = np.array([[x, y, z] for x in (b[0][0], b[1][0]) for y in (b[0][1], b[1][1]) for z in (b[0][2], b[1][2])])  # fmt: skip
                        boxes.append((vis.node.world.matrix @ np.c_[corners, np.ones(8)].T).T[:, :3])
        edges = [
            (0, 1),
            (2, 3),
            (4, 5),
            (6, 7),
            (0, 2),
            (1, 3),
            (4, 6),
            (5, 7),
            (0, 4),
            (1, 5),
            (2, 6),
            (3, 7),
        ]
        segs = np.array([c[i] for c in boxes for e in edges for i in e], np.float32).reshape(-1, 3)
        if segs.size == 0:
            if self.selection_box is not None:
                self.selection_box.visible = False
            return
        if self.selection_box is None:
            mat = gfx.LineSegmentMaterial(thickness=2.0, color=(1.0, 0.85, 0.2, 1.0), depth_test=False)
            self.selection_box = gfx.Line(gfx.Geometry(positions=segs), mat, render_order=1e6)
            self.scene.add(self.selection_box)
        else:
            self.selection_box.geometry.positions = gfx.Buffer(segs)
        self.selection_box.visible = True

    def set_lod(self, max_points: int | None) -> None:
        """While the camera moves, big point clouds draw a strided subset (None: everything).

        ``max_points`` is the view's budget (lavapipe's cost is per point drawn, however many
        entities hold them): see ``lod_shares``."""
        sizes = {key: vis.lod_size() for key, vis in self.visualizers.items()}
        shares = lod_shares(sizes, max_points)
        for key, vis in self.visualizers.items():
            vis.set_lod(shares.get(key))

    def lod_points(self) -> int:
        return sum(vis.lod_size() for vis in self.visualizers.values())

    def reset_camera(self) -> None:
        if isinstance(self.camera, OrbitCamera):
            self.camera.reset()
        self.camera.user_moved = False

    def labels(self) -> list[tuple[np.ndarray, str, np.ndarray, float]]:
        """(world position, text, color, pixel offset) of the visible visualizers' labels."""
        out = []
        for vis in self.visualizers.values():
            if not vis.node.visible or not vis.labels:
                continue
            m = vis.node.world.matrix
            for lab in vis.labels:
                out.append(((m @ np.append(lab.position, 1.0))[:3], lab.text, lab.color, lab.offset_px))
        return out

    def find_visualizer(self, wobject: Any) -> Visualizer | None:
        for vis in self.visualizers.values():
            if id(wobject) in vis.pickables:
                return vis
        return None


def apply_properties(view: SpatialView, values: dict[str, Any]) -> None:
    """A blueprint's view properties (``view_properties.SPATIAL2D/3D``): the background color, the 3D
    grid, and a 2D view's VisualBounds2D (what it shows until the user moves it)."""
    view.background.material.set_colors(values.get("background") or BACKGROUND)
    if view.is_3d:
        view.grid.visible = values.get("grid_visible") is not False
    if isinstance(view.camera, PanZoomCamera):
        bounds = values.get("bounds_2d")
        if bounds is None:
            view.camera.bounds_fixed = None
        else:
            (x0, x1), (y0, y1) = bounds
            view.camera.bounds_fixed = (np.array([x0, y0, 0.0]), np.array([x1, y1, 0.0]))
