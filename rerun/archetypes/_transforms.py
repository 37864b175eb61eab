"""Transforms between entities, cameras and coordinate systems."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .._arch_base import Archetype, F
from ..components import TransformRelation
from ..components import ViewCoordinates as _ViewCoordinatesComponent
from ..encodings import Quaternion, RotationAxisAngle


def _first(value: Any) -> Any:
    try:
        return value[0]
    except (TypeError, IndexError, KeyError):
        return None


def _split_rotation(rotation: Any) -> tuple[str, Any]:
    """Which field a generic `rotation=` argument fills."""
    if isinstance(rotation, RotationAxisAngle) or isinstance(_first(rotation), RotationAxisAngle):
        return "rotation_axis_angle", rotation
    if isinstance(rotation, Quaternion) or isinstance(_first(rotation), Quaternion):
        return "quaternion", rotation
    raise ValueError("Rotation must be compatible with either RotationQuat or RotationAxisAngle")


class Transform3D(Archetype):
    """An affine transform from a child entity to its parent (or the reverse, by `relation`)."""

    _FIELDS = (
        F("translation", "Translation3D"),
        F("rotation_axis_angle", "RotationAxisAngle"),
        F("quaternion", "RotationQuat"),
        F("scale", "Scale3D"),
        F("mat3x3", "TransformMat3x3"),
        F("relation", "TransformRelation"),
        F("child_frame", "TransformFrameId"),
        F("parent_frame", "TransformFrameId"),
    )

    def __init__(
        self,
        *,
        translation: Any = None,
        rotation: Any = None,
        rotation_axis_angle: Any = None,
        quaternion: Any = None,
        scale: Any = None,
        mat3x3: Any = None,
        from_parent: bool | None = None,
        relation: Any = None,
        child_frame: Any = None,
        parent_frame: Any = None,
    ) -> None:
        values = dict(translation=translation, rotation_axis_angle=rotation_axis_angle, quaternion=quaternion)
        values.update(mat3x3=mat3x3, child_frame=child_frame, parent_frame=parent_frame)
        try:
            if rotation is not None:
                if quaternion is not None or rotation_axis_angle is not None:
                    raise ValueError(
                        "`rotation` parameter can't be combined with `quaternion` or `rotation_axis_angle`."
                    )
                key, val = _split_rotation(rotation)
                values[key] = val
            if from_parent is not None:
                warnings.warn(
                    "`from_parent` is deprecated as an argument to `Transform3D`; "
                    "prefer `relation=rerun.TransformRelation.ChildFromParent` instead",
                    DeprecationWarning,
                    stacklevel=2,
                )
                if relation is not None:
                    raise ValueError("`from_parent` and `relation` parameters are mutually exclusive.")
                if from_parent:
                    relation = TransformRelation.ChildFromParent
        except ValueError as err:
            self._fail(str(err))
            return
        if scale is not None and (not hasattr(scale, "__len__") or len(scale) == 1):
            scale = np.full(3, np.asarray(scale, dtype=np.float32).ravel()[0])
        values.update(scale=scale, relation=relation)
        self._set(values)


class InstancePoses3D(Archetype):
    """One transform per instance of the entity (and its children's instances)."""

    _FIELDS = (
        F("translations", "Translation3D"),
        F("rotation_axis_angles", "RotationAxisAngle"),
        F("quaternions", "RotationQuat"),
        F("scales", "Scale3D"),
        F("mat3x3", "TransformMat3x3"),
    )


class ViewCoordinates(Archetype):
    """How to interpret the X, Y and Z axes of an entity's space (e.g. `RDF`, `RIGHT_HAND_Z_UP`)."""

    _FIELDS = (F("xyz", "ViewCoordinates", pos=True, req=True),)

    @staticmethod
    def deferred_patch_class(cls: Any) -> None:
        """Set the named constants (`RDF`, `RIGHT_HAND_Z_UP`, ...) on `cls`: as in 0.41, they are
        the component's values, which also log as this archetype."""
        for name in dir(_ViewCoordinatesComponent):
            if name.isupper() and not name.startswith("_"):
                setattr(cls, name, getattr(_ViewCoordinatesComponent, name))


ViewCoordinates.deferred_patch_class(ViewCoordinates)


class CoordinateFrame(Archetype):
    """Names the transform frame an entity lives in."""

    _FIELDS = (F("frame", "TransformFrameId", pos=True, req=True),)


class TransformAxes3D(Archetype):
    """Draws the axes of an entity's transform."""

    _FIELDS = (F("axis_length", "AxisLength", pos=True, req=True), F("show_frame", "ShowLabels"))


def _intrinsics(
    resolution: Any, focal_length: Any, principal_point: Any, fov_y: Any, aspect_ratio: Any
) -> tuple[list[list[float]], Any]:
    """image_from_camera (row layout) from focal length / principal point / fov, and the resolution."""
    if fov_y is not None and aspect_ratio is not None:
        focal_length = 0.5 / math.tan(max(fov_y * 0.5, 1.19209e-07))
        resolution = [aspect_ratio, 1.0]
    width = height = None
    if resolution is not None:
        res = np.asarray(resolution, dtype=np.float32).ravel()
        width, height = float(res[0]), float(res[1])
    if focal_length is None:
        if width is None or height is None:
            raise ValueError("Either image_from_camera or focal_length must be set")
        warnings.warn("Either image_from_camera or focal_length must be set", stacklevel=4)
        focal_length = (width * height) ** 0.5
    if principal_point is None:
        if width is None or height is None:
            raise ValueError("Must provide one of principal_point, resolution, or width/height")
        principal_point = [width / 2, height / 2]
    if type(focal_length) in (int, float):
        fx = fy = focal_length
    else:
        try:
            fx, fy = focal_length[0], focal_length[1]
        except (TypeError, IndexError) as err:
            raise ValueError("Expected focal_length to be one or two floats") from err
    try:
        u, v = principal_point[0], principal_point[1]
    except (TypeError, IndexError) as err:
        raise ValueError("Expected principal_point to be one or two floats") from err
    return [[fx, 0, u], [0, fy, v], [0, 0, 1]], resolution


class Pinhole(Archetype):
    """A pinhole camera projecting its 3D space onto a 2D image plane."""

    _FIELDS = (
        F("image_from_camera", "PinholeProjection"),
        F("resolution", "Resolution"),
        F("camera_xyz", "ViewCoordinates"),
        F("child_frame", "TransformFrameId"),
        F("parent_frame", "TransformFrameId"),
        F("image_plane_distance", "ImagePlaneDistance"),
        F("color", "Color"),
        F("line_width", "Radius"),
    )

    def __init__(
        self,
        *,
        image_from_camera: Any = None,
        resolution: Any = None,
        camera_xyz: Any = None,
        width: int | float | None = None,
        height: int | float | None = None,
        focal_length: Any = None,
        principal_point: Any = None,
        fov_y: float | None = None,
        aspect_ratio: float | None = None,
        child_frame: Any = None,
        parent_frame: Any = None,
        image_plane_distance: float | None = None,
        color: Any = None,
        line_width: Any = None,
    ) -> None:
        try:
            if resolution is None and width is not None and height is not None:
                resolution = [width, height]
            elif resolution is not None and (width is not None or height is not None):
                raise ValueError("Can't set both resolution and width/height")
            if image_from_camera is None:
                image_from_camera, resolution = _intrinsics(
                    resolution, focal_length, principal_point, fov_y, aspect_ratio
                )
        except ValueError as err:
            self._fail(str(err))
            return
        values = dict(image_from_camera=image_from_camera, resolution=resolution, camera_xyz=camera_xyz)
        values.update(
            child_frame=child_frame, parent_frame=parent_frame, image_plane_distance=image_plane_distance
        )
        values.update(color=color, line_width=line_width)
        self._set(values)
