"""``rerun.urdf``: load a URDF robot, log it, and compute its joints' transforms (0.41's API)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from rerun_core.formats.urdf_model import Joint, Link, Mimic, Robot, parse_urdf

if TYPE_CHECKING:
    from ._baseclasses import ComponentColumnList
    from ._recording_stream import RecordingStream
    from .archetypes import Transform3D
    from .chunk import LazyChunkStream


def _f32(values: Sequence[float]) -> list[float]:
    """Through float32, as the real loader's values are."""
    import numpy as np

    return [float(v) for v in np.asarray(values, dtype=np.float32)]


class UrdfMimic:
    """Mimic-tag specification of a joint."""

    def __init__(self, inner: Mimic) -> None:
        self._inner = inner

    @property
    def joint(self) -> str:
        """Name of the joint being mimicked."""
        return self._inner.joint

    @property
    def multiplier(self) -> float:
        """Multiplier applied to the mimicked joint's value."""
        return self._inner.multiplier

    @property
    def offset(self) -> float:
        """Offset added after applying the multiplier."""
        return self._inner.offset

    def __repr__(self) -> str:
        m = self._inner
        return f'UrdfMimic(joint="{m.joint}", multiplier={m.multiplier:g}, offset={m.offset:g})'


class UrdfJoint:
    """A URDF joint."""

    def __init__(self, inner: Joint) -> None:
        self._inner = inner
        self._prefix = ""

    @classmethod
    def _of(cls, inner: Joint, frame_prefix: str | None) -> UrdfJoint:
        joint = cls(inner)
        joint._prefix = frame_prefix or ""
        return joint

    @property
    def name(self) -> str:
        """Name of the joint."""
        return self._inner.name

    @property
    def joint_type(self) -> str:
        """Type of the joint (revolute, continuous, prismatic, fixed, floating, planar)."""
        return self._inner.joint_type

    @property
    def parent_link(self) -> str:
        """Name of the parent link."""
        return self._inner.parent

    @property
    def child_link(self) -> str:
        """Name of the child link."""
        return self._inner.child

    @property
    def axis(self) -> tuple[float, float, float]:
        """Axis of the joint."""
        return self._inner.axis

    @property
    def origin_xyz(self) -> tuple[float, float, float]:
        """Origin of the joint (translation)."""
        return self._inner.origin.xyz

    @property
    def origin_rpy(self) -> tuple[float, float, float]:
        """Origin of the joint (roll, pitch, yaw)."""
        return self._inner.origin.rpy

    @property
    def limit_lower(self) -> float:
        """Lower limit of the joint."""
        return self._inner.lower

    @property
    def limit_upper(self) -> float:
        """Upper limit of the joint."""
        return self._inner.upper

    @property
    def limit_effort(self) -> float:
        """Effort limit of the joint."""
        return self._inner.effort

    @property
    def limit_velocity(self) -> float:
        """Velocity limit of the joint."""
        return self._inner.velocity

    @property
    def mimic(self) -> UrdfMimic | None:
        """Mimic-tag specification, or ``None`` if this joint is not a mimic joint."""
        return UrdfMimic(self._inner.mimic) if self._inner.mimic is not None else None

    def _at(self, value: float, clamp: bool) -> tuple[list[float], list[float]]:
        xyz, quat, warning = self._inner.transform(value, clamp)
        if warning is not None:
            warnings.warn(warning, UserWarning, stacklevel=3)
        return _f32(xyz), _f32(quat)

    def compute_transform(self, value: float, clamp: bool = True) -> Transform3D:
        """The joint's ``Transform3D`` at ``value`` (radians or meters), with its parent and child frames."""
        from .archetypes import Transform3D
        from .encodings import Quaternion

        xyz, quat = self._at(value, clamp)
        return Transform3D(
            quaternion=Quaternion(xyzw=quat),
            translation=xyz,
            parent_frame=self._prefix + self.parent_link,
            child_frame=self._prefix + self.child_link,
        )

    def compute_transform_columns(
        self, values: Sequence[float], *, clamp: bool = True
    ) -> ComponentColumnList:
        """Columnar transforms of this joint at each value, for ``rr.send_columns``."""
        from .archetypes import Transform3D

        poses = [self._at(v, clamp) for v in values]
        return Transform3D.columns(
            translation=[p[0] for p in poses],
            quaternion=[p[1] for p in poses],
            parent_frame=[self._prefix + self.parent_link] * len(poses),
            child_frame=[self._prefix + self.child_link] * len(poses),
        )

    def __repr__(self) -> str:
        j = self._inner
        return f'UrdfJoint(name="{j.name}", type={j.joint_type}, parent="{j.parent}", child="{j.child}")'


class UrdfLink:
    """A URDF link."""

    def __init__(self, inner: Link) -> None:
        self._inner = inner

    @property
    def name(self) -> str:
        """Name of the link."""
        return self._inner.name

    def __repr__(self) -> str:
        return f'UrdfLink(name="{self._inner.name}")'


@dataclass(frozen=True)
class _UrdfTreeInternal:
    robot: Robot
    options: Any


class UrdfTree:
    """A URDF robot model with joints and links; log it, then animate joints with their transforms."""

    def __init__(self, inner: _UrdfTreeInternal) -> None:
        self._robot = inner.robot
        self._opts = inner.options

    @staticmethod
    def from_file_path(
        path: str | Path,
        entity_path_prefix: str | None = None,
        *,
        frame_prefix: str | None = None,
        static_transform_entity_path: str | None = None,
    ) -> UrdfTree:
        """Load a URDF file; ``frame_prefix`` makes the frame ids unique for several copies of a robot."""
        from rerun_core.formats.urdf import UrdfOptions

        p = Path(path)
        if not p.exists():
            raise FileNotFoundError(f"URDF file not found: {p}")
        opts = UrdfOptions(entity_path_prefix, frame_prefix, static_transform_entity_path)
        return UrdfTree(_UrdfTreeInternal(parse_urdf(p), opts))

    @property
    def name(self) -> str:
        """Name of the robot defined in this URDF."""
        return self._robot.name

    @property
    def frame_prefix(self) -> str | None:
        """The frame prefix, if set."""
        return self._opts.frame_prefix

    def root_link(self) -> UrdfLink:
        """The root link of the URDF."""
        return UrdfLink(self._robot.root_link())

    def joints(self) -> list[UrdfJoint]:
        """All joints in the URDF."""
        return [UrdfJoint._of(j, self.frame_prefix) for j in self._robot.joints]

    def get_joint_by_name(self, joint_name: str) -> UrdfJoint | None:
        """A joint by name, or ``None``."""
        j = self._robot.joint(joint_name)
        return UrdfJoint._of(j, self.frame_prefix) if j is not None else None

    def get_joint_child(self, joint: UrdfJoint) -> UrdfLink:
        """The child link of a joint."""
        link = self._robot.link(joint.child_link)
        if link is None:
            raise ValueError(f"joint {joint.name!r} has an unknown child link {joint.child_link!r}")
        return UrdfLink(link)

    def get_link_by_name(self, link_name: str) -> UrdfLink | None:
        """A link by name, or ``None``."""
        link = self._robot.link(link_name)
        return UrdfLink(link) if link is not None else None

    def _geometry_paths(self, link: str | UrdfLink, collision: bool) -> list[str]:
        from rerun_core.formats.urdf import UrdfChunks

        name = link if isinstance(link, str) else link.name
        lk = self._robot.link(name)
        if lk is None:
            return []
        builder = UrdfChunks(self._robot, self._opts, [])
        if collision:
            return [builder.collision_path(name, i, s) for i, s in enumerate(lk.collisions)]
        return [builder.visual_path(name, i, s) for i, s in enumerate(lk.visuals)]

    def get_visual_geometry_paths(self, link: str | UrdfLink) -> list[str]:
        """The entity paths of the link's visual geometries."""
        return self._geometry_paths(link, collision=False)

    def get_collision_geometry_paths(self, link: str | UrdfLink) -> list[str]:
        """The entity paths of the link's collision geometries."""
        return self._geometry_paths(link, collision=True)

    def log_urdf_to_recording(self, recording: RecordingStream | None = None) -> None:
        """Log the full robot model (geometry + static transforms) to a recording (default: the active one)."""
        from ._active_recording import get_data_recording
        from ._send_columns import send_chunks

        rec = get_data_recording(recording)
        if rec is None:
            return
        send_chunks(self.stream(), recording=rec)

    def stream(self, *, include_joint_transforms: bool = True) -> LazyChunkStream:
        """A lazy stream over the robot's (static) chunks."""
        import dataclasses

        from rerun_core.formats.urdf import iter_urdf_chunks
        from rerun_core.store.chunk import Chunk as CoreChunk

        from .chunk import LazyChunkStream

        robot, opts = (
            self._robot,
            dataclasses.replace(self._opts, include_joint_transforms=include_joint_transforms),
        )

        def source() -> Iterator[CoreChunk]:
            return iter_urdf_chunks(robot, opts)

        return LazyChunkStream(source)

    def compute_joint_transform_batches(
        self, names: pa.Array, values: pa.Array, *, clamp: bool = False
    ) -> pa.Array:
        """Per row, the transforms of the named joints at the given values (a list of structs)."""
        names_l, values_l = names.to_pylist(), values.cast(pa.list_(pa.float64())).to_pylist()
        if len(names_l) != len(values_l):
            raise ValueError("names and values must have the same number of rows")
        item = pa.struct(
            [
                ("translation", pa.list_(pa.float32(), 3)),
                ("quaternion", pa.list_(pa.float32(), 4)),
                ("parent_frame", pa.utf8()),
                ("child_frame", pa.utf8()),
            ]
        )
        rows: list[list[dict[str, Any]] | None] = []
        for row_names, row_values in zip(names_l, values_l, strict=True):
            if row_names is None or row_values is None:
                rows.append(None)
                continue
            out = []
            for n, v in zip(row_names, row_values, strict=False):
                joint = self.get_joint_by_name(n)
                if joint is None:
                    raise ValueError(f"unknown joint {n!r}")
                xyz, quat = joint._at(v, clamp)
                prefix = self.frame_prefix or ""
                out.append(
                    {
                        "translation": xyz,
                        "quaternion": quat,
                        "parent_frame": prefix + joint.parent_link,
                        "child_frame": prefix + joint.child_link,
                    }
                )
            rows.append(out)
        return pa.array(rows, pa.list_(item))

    def __repr__(self) -> str:
        return f'UrdfTree(name="{self._robot.name}")'


__all__ = ["UrdfJoint", "UrdfLink", "UrdfMimic", "UrdfTree"]
