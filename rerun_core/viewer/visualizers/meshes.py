"""Mesh3D (vertex colors, normals, albedo factor) and Asset3D (glb/gltf/obj/stl via trimesh)."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pyarrow as pa
import pygfx as gfx

from rerun_core.viewer import arrow_data as ad
from rerun_core.viewer.visualizers.base import VisContext, Visualizer, instance_colors, register, set_buffer
from rerun_core.viewer.visualizers.shapes import vertex_normals


class _MeshBase(Visualizer):
    mesh: gfx.Mesh | None = None

    def _show(
        self, pos: np.ndarray, faces: np.ndarray, normals: np.ndarray | None, colors: np.ndarray
    ) -> None:
        pos = np.ascontiguousarray(pos, np.float32)
        faces = np.ascontiguousarray(faces, np.int32).reshape(-1, 3)
        if normals is None or normals.shape != pos.shape:
            normals = vertex_normals(pos, faces.astype(np.int64))
        normals = np.ascontiguousarray(normals, np.float32)
        colors = np.ascontiguousarray(colors, np.float32)
        if pos.shape[0] == 0 or faces.shape[0] == 0:
            if self.mesh is not None:
                self.mesh.visible = False
            self.bounds = None
            return
        if self.mesh is None:
            geom = gfx.Geometry(positions=pos, indices=faces, normals=normals, colors=colors)
            mat = gfx.MeshPhongMaterial(color_mode="vertex", pick_write=True, side="both")
            self.mesh = gfx.Mesh(geom, mat)
            self.node.add(self._track(self.mesh))
        else:
            for name, arr in (
                ("positions", pos),
                ("indices", faces),
                ("normals", normals),
                ("colors", colors),
            ):
                set_buffer(self.mesh.geometry, name, arr)
            self.mesh.visible = True
        self._set_bounds(pos)

    def instance_at(self, wobject: gfx.WorldObject, info: dict[str, Any]) -> int | None:
        return 0


@register
class Mesh3DVisualizer(_MeshBase):
    archetype = "Mesh3D"
    required = "vertex_positions"
    optional = ("triangle_indices", "vertex_normals", "vertex_colors", "albedo_factor", "class_ids")

    def update(self, data: dict[str, pa.Array], ctx: VisContext) -> None:
        self.data = data
        pos = ad.vectors(data.get("vertex_positions"), 3)
        n = pos.shape[0]
        tri = data.get("triangle_indices")
        if tri is not None and len(tri):
            faces = ad.vectors(tri, 3).astype(np.int64)
            faces = faces[np.all(faces < n, axis=1)]
        else:
            faces = np.arange(n - n % 3).reshape(-1, 3)
        normals = ad.vectors(data.get("vertex_normals"), 3)
        vcols = ad.broadcast(ad.colors(data.get("vertex_colors")), n)
        if vcols is None:
            albedo = ad.colors(data.get("albedo_factor"))
            base = albedo[0] if albedo.size else instance_colors(data, 1, ctx)[0]
            vcols = np.repeat(base[None], n, axis=0)
        self._show(pos, faces, normals if normals.shape[0] == n else None, vcols)


@register
class Asset3DVisualizer(_MeshBase):
    archetype = "Asset3D"
    required = "blob"
    optional = ("media_type", "albedo_factor")

    def update(self, data: dict[str, pa.Array], ctx: VisContext) -> None:
        self.data = data
        blob = data.get("blob")
        if blob is None or len(blob) == 0:
            return
        raw = bytes(np.asarray(blob[0].values.to_numpy(zero_copy_only=False), np.uint8))
        media = ad.first(data.get("media_type"))
        pos, faces, colors = load_asset(raw, media)
        if colors is None:
            albedo = ad.colors(data.get("albedo_factor"))
            base = albedo[0] if albedo.size else np.array([0.75, 0.75, 0.75, 1.0], np.float32)
            colors = np.repeat(base[None], pos.shape[0], axis=0)
        self._show(pos, faces, None, colors)

    def instance_values(self, instance: int) -> dict[str, Any]:
        return {"media_type": ad.first(self.data.get("media_type"))}


_FILE_TYPES = {"model/gltf-binary": "glb", "model/gltf+json": "gltf", "model/obj": "obj", "model/stl": "stl"}


def guess_file_type(raw: bytes, media_type: str | None) -> str:
    if media_type in _FILE_TYPES:
        return _FILE_TYPES[media_type]
    if raw[:4] == b"glTF":
        return "glb"
    if raw[:5] == b"solid" or (len(raw) > 84 and len(raw) == 84 + 50 * int.from_bytes(raw[80:84], "little")):
        return "stl"
    return "obj"


def load_asset(raw: bytes, media_type: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Asset bytes -> (vertices, faces, vertex colors or None), in the asset's own frame."""
    kind = guess_file_type(raw, media_type)
    if kind == "stl" and not raw[:5] == b"solid":
        return _binary_stl(raw)
    try:
        import trimesh
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError(f"showing {kind} assets needs trimesh (pip install trimesh)") from exc
    loaded: Any = trimesh.load(io.BytesIO(raw), file_type=kind, force="mesh")
    pos = np.asarray(loaded.vertices, np.float32)
    faces = np.asarray(loaded.faces, np.int64)
    colors = None
    vc = getattr(getattr(loaded, "visual", None), "vertex_colors", None)
    if vc is not None and len(vc) == len(pos) and getattr(loaded.visual, "kind", None) == "vertex":
        colors = np.asarray(vc, np.float32) / 255.0
    return pos, faces, colors


def _binary_stl(raw: bytes) -> tuple[np.ndarray, np.ndarray, None]:
    count = int.from_bytes(raw[80:84], "little")
    rec = np.dtype([("n", "<f4", 3), ("v", "<f4", (3, 3)), ("attr", "<u2")])
    tris = np.frombuffer(raw, rec, count=count, offset=84)
    pos = tris["v"].reshape(-1, 3).astype(np.float32)
    return pos, np.arange(pos.shape[0]).reshape(-1, 3), None
