"""URDF robots as chunks, laid out as 0.41's URDF importer lays them out.

- ``<prefix>/<robot>``: a ``CoordinateFrame`` naming the root link's frame;
- per link, each visual at ``<robot>/visual_geometries/<link>/<name | visual_i>`` and each
  collision at ``<robot>/collision_geometries/<shape>/<link>/<name | collision_i>``, as three
  chunks: the element's origin (``InstancePoses3D``), its link frame (``CoordinateFrame``) and the
  shape (``Boxes3D`` / ``Cylinders3D`` / ``Ellipsoids3D`` / ``Asset3D``);
- one ``Transform3D`` chunk at ``/tf_static`` (or the given path) with every joint at rest.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.types import ComponentDescriptor, TimeType, new_tuids

from ._common import as_list_column, entity
from .urdf_model import Robot, Shape, parse_urdf, quat_from_rpy

log = logging.getLogger(__name__)

MESH_MEDIA_TYPES = {
    ".stl": "model/stl",
    ".obj": "model/obj",
    ".glb": "model/gltf-binary",
    ".gltf": "model/gltf+json",
    ".dae": "model/vnd.collada+xml",
}
_F32 = pa.field("item", pa.float32(), nullable=False)
_BLOB = pa.list_(pa.field("item", pa.uint8(), nullable=False))


def _desc(archetype: str, field: str, component_type: str) -> ComponentDescriptor:
    return ComponentDescriptor(
        f"{archetype}:{field}", f"rerun.archetypes.{archetype}", f"rerun.components.{component_type}"
    )


def vec_column(rows: list[tuple[float, ...]], width: int) -> pa.Array:
    flat = pa.array(np.asarray(rows, dtype=np.float32).reshape(-1))
    return as_list_column(pa.FixedSizeListArray.from_arrays(flat, type=pa.list_(_F32, width)))


def str_column(values: list[str]) -> pa.Array:
    return as_list_column(pa.array(values, pa.utf8()))


def _rgba_u32(rgba: tuple[float, float, float, float] | None) -> int:
    if rgba is None:
        return 0xFFFFFFFF
    r, g, b, a = (min(255, max(0, int(c * 255 + 0.5))) for c in rgba)
    return (r << 24) | (g << 16) | (b << 8) | a


@dataclass(frozen=True)
class UrdfOptions:
    entity_path_prefix: str | None = None
    frame_prefix: str | None = None
    static_transform_entity_path: str | None = None
    include_joint_transforms: bool = True


class UrdfChunks:
    """Builds the chunks of one robot; ``timelines`` empty makes them static."""

    def __init__(self, robot: Robot, opts: UrdfOptions, timelines: list[tuple[str, TimeType, int]]) -> None:
        self.robot, self.opts, self.timelines = robot, opts, timelines
        self.root = entity(opts.entity_path_prefix, robot.name)
        self.warned: list[str] = []

    def frame(self, link: str) -> str:
        return f"{self.opts.frame_prefix or ''}{link}"

    def chunk(self, ent: str, comps: dict[ComponentDescriptor, pa.Array], rows: int = 1) -> Chunk:
        tls = [TimeColumn.from_values(name, typ, [value] * rows) for name, typ, value in self.timelines]
        return Chunk.from_columns(ent, new_tuids(rows), tls, comps)

    def visual_path(self, link: str, index: int, shape: Shape) -> str:
        return entity(self.root, "visual_geometries", link, shape.name or f"visual_{index}")

    def collision_path(self, link: str, index: int, shape: Shape) -> str:
        return entity(
            self.root, "collision_geometries", shape.geometry.kind, link, shape.name or f"collision_{index}"
        )

    def _shape_components(self, shape: Shape) -> dict[ComponentDescriptor, pa.Array] | None:
        g = shape.geometry
        color = as_list_column(pa.array([_rgba_u32(shape.rgba)], pa.uint32()))
        if g.kind == "box":
            half = tuple(s / 2 for s in g.size)
            return {
                _desc("Boxes3D", "colors", "Color"): color,
                _desc("Boxes3D", "half_sizes", "HalfSize3D"): vec_column([half], 3),
            }
        if g.kind in ("cylinder", "capsule"):
            arch = "Cylinders3D" if g.kind == "cylinder" else "Capsules3D"
            return {
                _desc(arch, "colors", "Color"): color,
                _desc(arch, "lengths", "Length"): as_list_column(pa.array([g.length], pa.float32())),
                _desc(arch, "radii", "Radius"): as_list_column(pa.array([g.radius], pa.float32())),
            }
        if g.kind == "sphere":
            half = (g.radius, g.radius, g.radius)
            return {
                _desc("Ellipsoids3D", "colors", "Color"): color,
                _desc("Ellipsoids3D", "half_sizes", "HalfSize3D"): vec_column([half], 3),
            }
        return self._mesh_components(shape)

    def _mesh_components(self, shape: Shape) -> dict[ComponentDescriptor, pa.Array] | None:
        filename = shape.geometry.filename or ""
        path = self.robot.resolve_mesh(filename)
        if path is None or not path.is_file():
            if filename not in self.warned:
                self.warned.append(filename)
                log.warning("Could not resolve the URDF mesh %s", filename)
            return None
        media = MESH_MEDIA_TYPES.get(path.suffix.lower())
        if media is None:
            log.warning("Unsupported URDF mesh format: %s", filename)
            return None
        data = path.read_bytes()
        flat = pa.array(np.frombuffer(data, dtype=np.uint8))
        blob = pa.ListArray.from_arrays(pa.array([0, len(data)], pa.int32()), flat, type=_BLOB)
        comps = {
            _desc("Asset3D", "blob", "Blob"): as_list_column(blob),
            _desc("Asset3D", "media_type", "MediaType"): str_column([media]),
        }
        if shape.rgba is not None:
            albedo = as_list_column(pa.array([_rgba_u32(shape.rgba)], pa.uint32()))
            comps[_desc("Asset3D", "albedo_factor", "AlbedoFactor")] = albedo
        return comps

    def shape_chunks(self, ent: str, link: str, shape: Shape) -> Iterator[Chunk]:
        poses = {
            _desc("InstancePoses3D", "quaternions", "RotationQuat"): vec_column(
                [quat_from_rpy(shape.origin.rpy)], 4
            ),
            _desc("InstancePoses3D", "translations", "Translation3D"): vec_column([shape.origin.xyz], 3),
        }
        if shape.geometry.kind == "mesh" and shape.geometry.scale is not None:
            poses[_desc("InstancePoses3D", "scales", "Scale3D")] = vec_column([shape.geometry.scale], 3)
        yield self.chunk(ent, poses)
        yield self.chunk(
            ent, {_desc("CoordinateFrame", "frame", "TransformFrameId"): str_column([self.frame(link)])}
        )
        comps = self._shape_components(shape)
        if comps is not None:
            yield self.chunk(ent, comps)

    def joint_chunk(self) -> Chunk | None:
        joints = self.robot.joints
        if not joints:
            return None
        moves = [j.transform(0.0, clamp=False) for j in joints]
        comps = {
            _desc("Transform3D", "child_frame", "TransformFrameId"): str_column(
                [self.frame(j.child) for j in joints]
            ),
            _desc("Transform3D", "parent_frame", "TransformFrameId"): str_column(
                [self.frame(j.parent) for j in joints]
            ),
            _desc("Transform3D", "quaternion", "RotationQuat"): vec_column([m[1] for m in moves], 4),
            _desc("Transform3D", "translation", "Translation3D"): vec_column([m[0] for m in moves], 3),
        }
        # static even when logged on a time (log_file_from_path), as 0.41
        return Chunk.from_columns(
            self.opts.static_transform_entity_path or "/tf_static", new_tuids(len(joints)), [], comps
        )

    def __iter__(self) -> Iterator[Chunk]:
        frame = {
            _desc("CoordinateFrame", "frame", "TransformFrameId"): str_column(
                [self.frame(self.robot.root_link().name)]
            )
        }
        yield self.chunk(self.root, frame)
        for link in self.robot.links:
            for i, shape in enumerate(link.visuals):
                yield from self.shape_chunks(self.visual_path(link.name, i, shape), link.name, shape)
            for i, shape in enumerate(link.collisions):
                yield from self.shape_chunks(self.collision_path(link.name, i, shape), link.name, shape)
        if self.opts.include_joint_transforms:
            joints = self.joint_chunk()
            if joints is not None:
                yield joints


def iter_urdf_chunks(robot: Robot, opts: UrdfOptions) -> Iterator[Chunk]:
    """The robot's chunks, static (``UrdfTree.stream``)."""
    return iter(UrdfChunks(robot, opts, []))


def import_urdf(
    path: Path, contents: bytes, entity_path_prefix: str | None, static: bool = False
) -> Iterator[Chunk]:
    """What ``log_file_from_path`` logs: the same chunks on the call's ``log_time`` (static: none)."""
    robot = parse_urdf(path, contents)
    times = [] if static else [("log_time", TimeType.TIMESTAMP, time.time_ns())]
    return iter(UrdfChunks(robot, UrdfOptions(entity_path_prefix=entity_path_prefix), times))
