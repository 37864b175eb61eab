"""`Plane3D` as 0.41's encoding: `normal · p + distance = 0`, stored as `xyzd` (four float32).

0.41 reads the normal and distance with methods (`plane.normal()`), builds planes from a normal
and an optional distance, and names the three axis planes (`Plane3D.XY`); scripts use all three.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pyarrow as pa


def _flat_f32(data: Any, width: int) -> np.ndarray:
    """Flattened float32; as 0.41, a scalar passes, a flat array needs a multiple of `width` values
    and a deeper one `width` as its last dimension other than 1."""
    arr = np.asarray(data, dtype=np.float32)
    if arr.ndim == 1:
        valid = arr.shape[0] % width == 0
    elif arr.ndim >= 2:
        valid = next((d for d in reversed(arr.shape[1:]) if d != 1), 1) == width
    else:
        valid = True
    if not valid:
        raise ValueError(
            f"Expected a flat array of a multiple of {width} values, or shape (n, {width}); got {arr.shape}"
        )
    return arr.ravel()


class Plane3D:
    """A plane; does not normalize its normal."""

    XY: ClassVar[Plane3D]
    YZ: ClassVar[Plane3D]
    ZX: ClassVar[Plane3D]
    xyzd: np.ndarray = None  # type: ignore[assignment]  # class-level too, as 0.41's attrs field

    def __init__(self, normal: Any, distance: float | None = None) -> None:
        normal_np = _flat_f32(normal, 3)
        distance_np = np.array([0.0 if distance is None else distance], dtype=np.float32)
        self.xyzd = np.concatenate((normal_np, distance_np))

    @staticmethod
    def deferred_patch_class(cls: Any) -> None:
        """Set the three axis planes on `cls` (0.41 calls it once the class exists)."""
        cls.YZ = cls([1.0, 0.0, 0.0])
        cls.ZX = cls([0.0, 1.0, 0.0])
        cls.XY = cls([0.0, 0.0, 1.0])

    def normal(self) -> np.ndarray:
        return self.xyzd[:3]

    def distance(self) -> float:
        return float(self.xyzd[3])

    def with_distance(self, distance: float) -> Plane3D:
        """The same normal at another distance from the origin."""
        return Plane3D(self.normal(), distance)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self.xyzd, dtype=dtype)

    def __repr__(self) -> str:
        return f"Plane3D(xyzd={self.xyzd!r})"

    @staticmethod
    def native_to_pa_array_override(data: Any, data_type: pa.DataType) -> pa.Array:
        """Planes (or rows of four numbers) as a fixed-size list array of `data_type`."""
        return pa.FixedSizeListArray.from_arrays(_flat_f32(data, 4), type=data_type)


Plane3D.deferred_patch_class(Plane3D)
