"""Point, arrow, line and box-like archetypes (2D and 3D)."""

from __future__ import annotations

import enum
from typing import Any

import numpy as np

from .._arch_base import Archetype, F

_LABELS = (F("labels", "Text"), F("show_labels", "ShowLabels"))


class Points3D(Archetype):
    """A 3D point cloud."""

    _FIELDS = (
        F("positions", "Position3D", pos=True, req=True),
        F("radii", "Radius"),
        F("colors", "Color"),
        *_LABELS,
        F("point_shading", "PointShading"),
        F("class_ids", "ClassId"),
        F("keypoint_ids", "KeypointId"),
    )

    def _prepare(self, values: dict[str, Any]) -> dict[str, Any]:
        return _default_class_id(values)


class Points2D(Archetype):
    """A 2D point cloud."""

    _FIELDS = (
        F("positions", "Position2D", pos=True, req=True),
        F("radii", "Radius"),
        F("colors", "Color"),
        *_LABELS,
        F("draw_order", "DrawOrder"),
        F("class_ids", "ClassId"),
        F("keypoint_ids", "KeypointId"),
    )

    def _prepare(self, values: dict[str, Any]) -> dict[str, Any]:
        return _default_class_id(values)


def _default_class_id(values: dict[str, Any]) -> dict[str, Any]:
    """Keypoints without class ids belong to class 0."""
    if values.get("keypoint_ids") is not None and values.get("class_ids") is None:
        values["class_ids"] = 0
    return values


class Arrows3D(Archetype):
    """3D arrows from origins along vectors."""

    _FIELDS = (
        F("vectors", "Vector3D", req=True),
        F("origins", "Position3D"),
        F("radii", "Radius"),
        F("colors", "Color"),
        *_LABELS,
        F("class_ids", "ClassId"),
    )


class Arrows2D(Archetype):
    """2D arrows from origins along vectors."""

    _FIELDS = (
        F("vectors", "Vector2D", req=True),
        F("origins", "Position2D"),
        F("radii", "Radius"),
        F("colors", "Color"),
        *_LABELS,
        F("draw_order", "DrawOrder"),
        F("class_ids", "ClassId"),
    )


class LineStrips3D(Archetype):
    """3D polylines."""

    _FIELDS = (
        F("strips", "LineStrip3D", pos=True, req=True),
        F("radii", "Radius"),
        F("colors", "Color"),
        *_LABELS,
        F("class_ids", "ClassId"),
    )


class LineStrips2D(Archetype):
    """2D polylines."""

    _FIELDS = (
        F("strips", "LineStrip2D", pos=True, req=True),
        F("radii", "Radius"),
        F("colors", "Color"),
        *_LABELS,
        F("draw_order", "DrawOrder"),
        F("class_ids", "ClassId"),
    )


class Ellipses2D(Archetype):
    """2D ellipses given by half sizes around centers."""

    _FIELDS = (
        F("half_sizes", "HalfSize2D"),
        F("centers", "Position2D"),
        F("colors", "Color"),
        F("line_radii", "Radius"),
        *_LABELS,
        F("draw_order", "DrawOrder"),
        F("class_ids", "ClassId"),
    )

    def __init__(
        self,
        *,
        half_sizes: Any = None,
        centers: Any = None,
        line_radii: Any = None,
        colors: Any = None,
        labels: Any = None,
        show_labels: Any = None,
        draw_order: Any = None,
        class_ids: Any = None,
    ) -> None:
        """As in 0.41, the constructor names `line_radii` before `colors`; the fields (and so
        `from_fields`, `columns` and what is logged) have `colors` first."""
        super().__init__(
            half_sizes=half_sizes,
            centers=centers,
            line_radii=line_radii,
            colors=colors,
            labels=labels,
            show_labels=show_labels,
            draw_order=draw_order,
            class_ids=class_ids,
        )


class Box2DFormat(enum.Enum):
    """How the four numbers of a `Boxes2D(array=...)` row are laid out."""

    XYWH = "XYWH"
    YXHW = "YXHW"
    XYXY = "XYXY"
    YXYX = "YXYX"
    XCYCWH = "XCYCWH"
    XCYCW2H2 = "XCYCW2H2"


def _box2d_from_array(array: Any, fmt: Box2DFormat) -> tuple[np.ndarray, np.ndarray]:
    """(half_sizes, centers) from an (N, 4) array in the given format."""
    arr = np.asarray(array, dtype=np.float64)
    arr = arr.reshape(1, -1) if arr.ndim == 1 else arr
    if not np.any(arr):
        arr = np.zeros((0, 4))
    a, b = arr[:, 0:2], arr[:, 2:4]
    if fmt in (Box2DFormat.YXHW, Box2DFormat.YXYX):
        a, b = np.flip(a, axis=1), np.flip(b, axis=1)
    if fmt in (Box2DFormat.XYWH, Box2DFormat.YXHW):
        return b / 2, a + b / 2
    if fmt in (Box2DFormat.XYXY, Box2DFormat.YXYX):
        centers = (a + b) / 2
        return b - centers, centers
    if fmt is Box2DFormat.XCYCWH:
        return b / 2, a
    return b, a


def _sizes_mins(values: dict[str, Any], sizes: Any, mins: Any) -> None:
    """Fill half_sizes / centers from full sizes and min corners."""
    if sizes is not None:
        if values.get("half_sizes") is not None:
            raise ValueError("Cannot specify both `sizes` and `half_sizes` at the same time.")
        values["half_sizes"] = np.asarray(sizes, dtype=np.float32) / 2.0
    if mins is not None:
        if values.get("centers") is not None:
            raise ValueError("Cannot specify both `mins` and `centers` at the same time.")
        if values.get("half_sizes") is None:
            raise ValueError("Cannot specify `mins` without `sizes` or `half_sizes`.")
        half = np.asarray(values["half_sizes"], dtype=np.float32)
        values["centers"] = np.asarray(mins, dtype=np.float32) + half


class Boxes2D(Archetype):
    """2D axis-aligned boxes."""

    _FIELDS = (
        F("half_sizes", "HalfSize2D"),
        F("centers", "Position2D"),
        F("colors", "Color"),
        F("radii", "Radius"),
        *_LABELS,
        F("draw_order", "DrawOrder"),
        F("class_ids", "ClassId"),
    )

    def __init__(
        self,
        *,
        sizes: Any = None,
        mins: Any = None,
        half_sizes: Any = None,
        centers: Any = None,
        array: Any = None,
        array_format: Box2DFormat | None = None,
        radii: Any = None,
        colors: Any = None,
        labels: Any = None,
        show_labels: Any = None,
        draw_order: Any = None,
        class_ids: Any = None,
    ) -> None:
        values = dict(half_sizes=half_sizes, centers=centers, radii=radii, colors=colors, labels=labels)
        values.update(show_labels=show_labels, draw_order=draw_order, class_ids=class_ids)
        try:
            if array is not None:
                if array_format is None:
                    raise ValueError("Must specify `array_format` when specifying `array`.")
                for name, other in (
                    ("half_sizes", half_sizes),
                    ("sizes", sizes),
                    ("mins", mins),
                    ("centers", centers),
                ):
                    if other is not None:
                        raise ValueError(f"Cannot specify both `array` and `{name}` at the same time.")
                values["half_sizes"], values["centers"] = _box2d_from_array(array, Box2DFormat(array_format))
            else:
                _sizes_mins(values, sizes, mins)
        except ValueError as err:
            self._fail(str(err))
            return
        self._set(values)


def _rotations(values: dict[str, Any], rotations: Any) -> None:
    """`rotations=` takes quaternions or axis-angles; the other field is logged empty."""
    if rotations is None:
        return
    if values.get("quaternions") is not None or values.get("rotation_axis_angles") is not None:
        raise ValueError("Cannot specify both `rotations` and `quaternions` or `rotation_axis_angles`.")
    from ..components import batch_type

    for field, other in (("quaternions", "rotation_axis_angles"), ("rotation_axis_angles", "quaternions")):
        try:
            values[field] = batch_type(
                "RotationQuat" if field == "quaternions" else "RotationAxisAngle"
            )._to_arrow(rotations)
            values[other] = []
            return
        except (TypeError, ValueError):
            continue
    raise ValueError(
        "Could not infer the type of rotation from the input. Use `quaternions` or `rotation_axis_angles`."
    )


_POSE = (F("rotation_axis_angles", "RotationAxisAngle"), F("quaternions", "RotationQuat"))
_SOLID = (
    F("colors", "Color"),
    F("line_radii", "Radius"),
    F("fill_mode", "FillMode"),
    *_LABELS,
    F("class_ids", "ClassId"),
)


class Boxes3D(Archetype):
    """3D oriented boxes."""

    _FIELDS = (
        F("half_sizes", "HalfSize3D"),
        F("centers", "Translation3D"),
        *_POSE,
        F("colors", "Color"),
        F("radii", "Radius"),
        F("fill_mode", "FillMode"),
        *_LABELS,
        F("class_ids", "ClassId"),
    )

    def __init__(
        self,
        *,
        sizes: Any = None,
        mins: Any = None,
        half_sizes: Any = None,
        centers: Any = None,
        rotation_axis_angles: Any = None,
        quaternions: Any = None,
        rotations: Any = None,
        colors: Any = None,
        radii: Any = None,
        fill_mode: Any = None,
        labels: Any = None,
        show_labels: Any = None,
        class_ids: Any = None,
    ) -> None:
        values = dict(half_sizes=half_sizes, centers=centers, rotation_axis_angles=rotation_axis_angles)
        values.update(quaternions=quaternions, colors=colors, radii=radii, fill_mode=fill_mode)
        values.update(labels=labels, show_labels=show_labels, class_ids=class_ids)
        try:
            _sizes_mins(values, sizes, mins)
            _rotations(values, rotations)
        except ValueError as err:
            self._fail(str(err))
            return
        self._set(values)


class Ellipsoids3D(Archetype):
    """3D ellipsoids (or spheres, given `radii`)."""

    _FIELDS = (F("half_sizes", "HalfSize3D"), F("centers", "Translation3D"), *_POSE, *_SOLID)

    def __init__(
        self,
        *,
        half_sizes: Any = None,
        radii: Any = None,
        centers: Any = None,
        rotation_axis_angles: Any = None,
        quaternions: Any = None,
        colors: Any = None,
        line_radii: Any = None,
        fill_mode: Any = None,
        labels: Any = None,
        show_labels: Any = None,
        class_ids: Any = None,
    ) -> None:
        if radii is not None:
            if half_sizes is not None:
                self._fail("Cannot specify both `radii` and `half_sizes` at the same time.")
                return
            r = np.asarray(radii, dtype=np.float32).reshape(-1, 1)
            half_sizes = np.repeat(r, 3, axis=1)
        values = dict(half_sizes=half_sizes, centers=centers, rotation_axis_angles=rotation_axis_angles)
        values.update(quaternions=quaternions, colors=colors, line_radii=line_radii, fill_mode=fill_mode)
        values.update(labels=labels, show_labels=show_labels, class_ids=class_ids)
        self._set(values)


class Capsules3D(Archetype):
    """3D capsules: cylinders with hemispherical caps."""

    _FIELDS = (
        F("lengths", "Length"),
        F("radii", "Radius"),
        F("translations", "Translation3D"),
        *_POSE,
        *_SOLID,
    )


class Cylinders3D(Archetype):
    """3D cylinders."""

    _FIELDS = (F("lengths", "Length"), F("radii", "Radius"), F("centers", "Translation3D"), *_POSE, *_SOLID)
