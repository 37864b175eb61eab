"""A parsed URDF robot: links with visual / collision geometry, joints, and joint kinematics."""

from __future__ import annotations

import logging
import math
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

Vec3 = tuple[float, float, float]
Quat = tuple[float, float, float, float]  # xyzw


class UrdfError(ValueError):
    """A file that is not a valid URDF robot description."""


def _floats(text: str | None, default: Vec3, what: str) -> Vec3:
    if text is None:
        return default
    try:
        values = [float(v) for v in text.split()]
    except ValueError:
        raise UrdfError(f"invalid {what} {text!r}") from None
    if len(values) != 3:
        raise UrdfError(f"invalid {what} {text!r}: expected 3 numbers")
    return (values[0], values[1], values[2])


def _half_sin_cos(angle: float) -> tuple[np.float32, np.float32]:
    """sin and cos of half a float32 angle, each rounded to float32 (0.41 computes in f32)."""
    h = float(np.float32(angle) * np.float32(0.5))
    return np.float32(math.sin(h)), np.float32(math.cos(h))


def quat_from_rpy(rpy: Vec3) -> Quat:
    """Fixed-axis roll, pitch, yaw (URDF's convention) as a unit quaternion, in 0.41's float32 steps."""
    sr, cr = _half_sin_cos(rpy[0])
    sp, cp = _half_sin_cos(rpy[1])
    sy, cy = _half_sin_cos(rpy[2])
    return (
        float((sr * cy) * cp - (cr * sy) * sp),
        float((cr * cy) * sp + (sr * sy) * cp),
        float((cr * sy) * cp - (sr * cy) * sp),
        float((cr * cy) * cp + (sr * sy) * sp),
    )


def quat_mul(a: Quat, b: Quat) -> Quat:
    ax, ay, az, aw = (np.float32(v) for v in a)
    bx, by, bz, bw = (np.float32(v) for v in b)
    return (
        float(aw * bx + ax * bw + ay * bz - az * by),
        float(aw * by - ax * bz + ay * bw + az * bx),
        float(aw * bz + ax * by - ay * bx + az * bw),
        float(aw * bw - ax * bx - ay * by - az * bz),
    )


def quat_axis_angle(axis: Vec3, angle: float) -> Quat:
    v = np.asarray(axis, dtype=np.float32)
    n = np.float32(np.sqrt(np.sum(v * v))) or np.float32(1.0)
    s, c = _half_sin_cos(angle)
    u = v / n
    return (float(u[0] * s), float(u[1] * s), float(u[2] * s), float(c))


def rotate(q: Quat, v: Vec3) -> Vec3:
    x, y, z, _ = quat_mul(quat_mul(q, (v[0], v[1], v[2], 0.0)), (-q[0], -q[1], -q[2], q[3]))
    return (x, y, z)


@dataclass(frozen=True)
class Origin:
    xyz: Vec3 = (0.0, 0.0, 0.0)
    rpy: Vec3 = (0.0, 0.0, 0.0)

    @staticmethod
    def of(elem: ET.Element | None) -> Origin:
        o = elem.find("origin") if elem is not None else None
        if o is None:
            return Origin()
        return Origin(
            _floats(o.get("xyz"), (0.0, 0.0, 0.0), "xyz"), _floats(o.get("rpy"), (0.0, 0.0, 0.0), "rpy")
        )


@dataclass(frozen=True)
class Geometry:
    kind: str  # box | cylinder | sphere | capsule | mesh
    size: Vec3 = (0.0, 0.0, 0.0)  # box size
    radius: float = 0.0
    length: float = 0.0
    filename: str | None = None
    scale: Vec3 | None = None


@dataclass(frozen=True)
class Shape:
    """One ``<visual>`` or ``<collision>`` element."""

    name: str | None
    origin: Origin
    geometry: Geometry
    rgba: tuple[float, float, float, float] | None = None


@dataclass
class Link:
    name: str
    visuals: list[Shape] = field(default_factory=list)
    collisions: list[Shape] = field(default_factory=list)


@dataclass(frozen=True)
class Mimic:
    joint: str
    multiplier: float = 1.0
    offset: float = 0.0


@dataclass(frozen=True)
class Joint:
    name: str
    joint_type: str
    parent: str
    child: str
    origin: Origin
    axis: Vec3 = (1.0, 0.0, 0.0)
    lower: float = 0.0
    upper: float = 0.0
    effort: float = 0.0
    velocity: float = 0.0
    mimic: Mimic | None = None

    def transform(self, value: float, clamp: bool = True) -> tuple[Vec3, Quat, str | None]:
        """(translation, rotation xyzw, warning) of the child frame in the parent frame at ``value``."""
        warning = None
        moving = self.joint_type in ("revolute", "continuous", "prismatic")
        if clamp and self.joint_type in ("revolute", "prismatic") and not self.lower <= value <= self.upper:
            clamped = min(max(value, self.lower), self.upper)
            warning = (
                f"Joint '{self.name}' value {value} is outside of its limits [{self.lower}, {self.upper}]; "
                f"clamped to {clamped}"
            )
            value = clamped
        rot = quat_from_rpy(self.origin.rpy)
        xyz = self.origin.xyz
        if moving and self.joint_type == "prismatic":
            d = rotate(rot, tuple(a * value for a in self.axis))  # type: ignore[arg-type]
            xyz = (xyz[0] + d[0], xyz[1] + d[1], xyz[2] + d[2])
        elif moving:
            rot = quat_mul(rot, quat_axis_angle(self.axis, value))
        return xyz, rot, warning


def _color(elem: ET.Element | None) -> tuple[float, float, float, float] | None:
    c = elem.find("color") if elem is not None else None
    if c is None or c.get("rgba") is None:
        return None
    values = [float(v) for v in (c.get("rgba") or "").split()]
    if len(values) != 4:
        raise UrdfError(f"invalid rgba {c.get('rgba')!r}")
    return (values[0], values[1], values[2], values[3])


def _geometry(elem: ET.Element | None) -> Geometry | None:
    g = elem.find("geometry") if elem is not None else None
    if g is None or len(g) == 0:
        return None
    shape = g[0]
    tag = shape.tag
    if tag == "box":
        return Geometry("box", size=_floats(shape.get("size"), (0.0, 0.0, 0.0), "box size"))
    if tag in ("cylinder", "capsule"):
        return Geometry(tag, radius=float(shape.get("radius", 0)), length=float(shape.get("length", 0)))
    if tag == "sphere":
        return Geometry("sphere", radius=float(shape.get("radius", 0)))
    if tag == "mesh":
        scale = _floats(shape.get("scale"), (1.0, 1.0, 1.0), "mesh scale") if shape.get("scale") else None
        return Geometry("mesh", filename=shape.get("filename"), scale=scale)
    return None


@dataclass
class Robot:
    name: str
    path: Path
    links: list[Link]
    joints: list[Joint]

    def link(self, name: str) -> Link | None:
        return next((lk for lk in self.links if lk.name == name), None)

    def joint(self, name: str) -> Joint | None:
        return next((j for j in self.joints if j.name == name), None)

    def root_link(self) -> Link:
        children = {j.child for j in self.joints}
        roots = [lk for lk in self.links if lk.name not in children]
        if not roots:
            raise UrdfError(f"{self.path}: no root link (the joints form a cycle)")
        return roots[0]

    def resolve_mesh(self, filename: str) -> Path | None:
        """A mesh file name as a path: relative to the URDF, ``file://``, or ``package://`` on ROS paths."""
        if filename.startswith("file://"):
            return Path(filename[len("file://") :])
        if filename.startswith("package://"):
            rest = filename[len("package://") :]
            package, _, inner = rest.partition("/")
            for var in ("ROS_PACKAGE_PATH", "AMENT_PREFIX_PATH"):
                for base in filter(None, os.environ.get(var, "").split(os.pathsep)):
                    for candidate in (Path(base) / package / inner, Path(base) / "share" / package / inner):
                        if candidate.exists():
                            return candidate
            return None
        p = Path(filename)
        return p if p.is_absolute() else self.path.parent / p


def _shapes(
    link: ET.Element, tag: str, materials: dict[str, tuple[float, float, float, float]]
) -> list[Shape]:
    out = []
    for elem in link.findall(tag):
        geometry = _geometry(elem)
        if geometry is None:
            continue
        rgba = None
        mat = elem.find("material")
        if mat is not None:
            rgba = _color(mat) or materials.get(mat.get("name", ""))
        out.append(Shape(elem.get("name"), Origin.of(elem), geometry, rgba))
    return out


def _joint(j: ET.Element) -> Joint:
    parent, child = j.find("parent"), j.find("child")
    if parent is None or child is None:
        raise UrdfError(f"joint {j.get('name')!r} lacks a parent or child link")
    axis_elem, limit, mimic = j.find("axis"), j.find("limit"), j.find("mimic")
    lim = limit.attrib if limit is not None else {}
    return Joint(
        name=j.get("name", ""),
        joint_type=j.get("type", "fixed"),
        parent=parent.get("link", ""),
        child=child.get("link", ""),
        origin=Origin.of(j),
        axis=_floats(axis_elem.get("xyz") if axis_elem is not None else None, (1.0, 0.0, 0.0), "axis"),
        lower=float(lim.get("lower", 0)),
        upper=float(lim.get("upper", 0)),
        effort=float(lim.get("effort", 0)),
        velocity=float(lim.get("velocity", 0)),
        mimic=None
        if mimic is None
        else Mimic(mimic.get("joint", ""), float(mimic.get("multiplier", 1)), float(mimic.get("offset", 0))),
    )


def parse_urdf(path: Path, contents: bytes | None = None) -> Robot:
    try:
        root = ET.fromstring(contents) if contents is not None else ET.parse(path).getroot()
    except (ET.ParseError, OSError) as err:
        raise UrdfError(f"{path}: not a valid URDF file ({err})") from None
    if root.tag != "robot":
        raise UrdfError(f"{path}: not a URDF file (root element <{root.tag}>, expected <robot>)")
    materials = {}
    for m in root.findall("material"):
        rgba = _color(m)
        if rgba is not None:
            materials[m.get("name", "")] = rgba
    links = [
        Link(lk.get("name", ""), _shapes(lk, "visual", materials), _shapes(lk, "collision", materials))
        for lk in root.findall("link")
    ]
    if not links:
        raise UrdfError(f"{path}: the robot has no links")
    joints = [_joint(j) for j in root.findall("joint")]
    return Robot(root.get("name", ""), path, links, joints)
