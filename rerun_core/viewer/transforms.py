"""Transform3D / Pinhole / ViewCoordinates -> 4x4 matrices for the entity-tree scene graph."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from rerun_core.viewer import arrow_data as ad

TRANSFORM_FIELDS = ("translation", "rotation_axis_angle", "quaternion", "scale", "mat3x3", "relation")
PINHOLE_FIELDS = ("image_from_camera", "resolution", "camera_xyz", "image_plane_distance")

# ViewDir codes: Up=1 Down=2 Right=3 Left=4 Forward=5 Back=6
_RDF = (3, 2, 5)


def transform_matrix(data: dict[str, pa.Array]) -> np.ndarray:
    """Parent-from-child matrix of a Transform3D (translation * rotation * scale, or mat3x3)."""
    m: np.ndarray = np.eye(4)
    rot: np.ndarray = np.eye(3)
    mat = ad.vectors(data.get("mat3x3"), 9)
    if mat.shape[0]:
        rot = mat[0].reshape(3, 3).T.astype(float)  # stored column-major
    q = ad.vectors(data.get("quaternion"), 4)
    if q.shape[0]:
        rot = ad.quat_to_mat3(q[:1])[0] @ rot
    aa = ad.first(data.get("rotation_axis_angle"))
    if aa:
        rot = ad.axis_angle_to_mat3(np.asarray(aa["axis"]), float(aa["angle"])) @ rot
    scale = ad.vectors(data.get("scale"), 3)
    if scale.shape[0]:
        rot = rot @ np.diag(scale[0].astype(float))
    m[:3, :3] = rot
    t = ad.vectors(data.get("translation"), 3)
    if t.shape[0]:
        m[:3, 3] = t[0]
    if ad.first(data.get("relation")) == 2:  # ChildFromParent
        m = np.linalg.inv(m)
    return m


def view_basis(code: Any) -> np.ndarray:
    """3x3 matrix taking RDF camera coords (right, down, forward) to the entity's xyz."""
    code = tuple(int(c) for c in code) if code is not None else _RDF
    out = np.zeros((3, 3))
    rdf_index = {3: (0, 1.0), 4: (0, -1.0), 2: (1, 1.0), 1: (1, -1.0), 5: (2, 1.0), 6: (2, -1.0)}
    for axis, c in enumerate(code[:3]):
        col, sign = rdf_index.get(c, (axis, 1.0))
        out[axis, col] = sign
    return out


def up_axis(code: Any) -> np.ndarray | None:
    """The world up vector a ViewCoordinates value implies (None when it names no up/down)."""
    if code is None:
        return None
    for axis, c in enumerate(tuple(int(x) for x in code)[:3]):
        if c in (1, 2):
            v = np.zeros(3)
            v[axis] = 1.0 if c == 1 else -1.0
            return v
    return None


class Pinhole:
    """A pinhole's intrinsics: image-plane placement for its children and its frustum."""

    def __init__(self, data: dict[str, pa.Array], default_distance: float = 1.0) -> None:
        k = ad.vectors(data.get("image_from_camera"), 9)
        kk = k[0].reshape(3, 3).T.astype(float) if k.shape[0] else np.diag([1.0, 1.0, 1.0])
        self.fx, self.fy = float(kk[0, 0]) or 1.0, float(kk[1, 1]) or 1.0
        self.cx, self.cy = float(kk[0, 2]), float(kk[1, 2])
        res = ad.vectors(data.get("resolution"), 2)
        self.width, self.height = (
            (float(res[0, 0]), float(res[0, 1])) if res.shape[0] else (2 * self.cx, 2 * self.cy)
        )
        self.basis = view_basis(ad.first(data.get("camera_xyz")))
        dist = ad.first(data.get("image_plane_distance"))
        self.distance = float(dist) if dist else default_distance

    def image_plane_matrix(self) -> np.ndarray:
        """Maps image-space (u, v, z) of the pinhole's children onto the plane at ``distance``."""
        d = self.distance
        m = np.array(
            [
                [d / self.fx, 0, 0, -self.cx * d / self.fx],
                [0, d / self.fy, 0, -self.cy * d / self.fy],
                [0, 0, d / self.fx, d],
                [0, 0, 0, 1],
            ]
        )
        out = np.eye(4)
        out[:3, :3] = self.basis
        return np.asarray(out @ m)

    def frustum_segments(self) -> np.ndarray:
        """(16, 3) segment endpoints: apex to the 4 corners + the image rectangle."""
        corners_px = np.array([[0, 0], [self.width, 0], [self.width, self.height], [0, self.height]])
        m = self.image_plane_matrix()
        corners = (m @ np.c_[corners_px, np.zeros(4), np.ones(4)].T).T[:, :3]
        segs = []
        for i in range(4):
            segs += [np.zeros(3), corners[i], corners[i], corners[(i + 1) % 4]]
        return np.array(segs, np.float32)
