"""Small value types users build by hand: angles, rotations, matrices, vectors, pairs."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt


class Angle:
    """An angle, stored in radians; give exactly one of `rad` or `deg`."""

    def __init__(self, rad: float | None = None, deg: float | None = None) -> None:
        if rad is None and deg is None:
            raise ValueError("Either `rad` or `deg` must be provided.")  # both: `rad` wins, as 0.41
        self.radians = float(rad) if rad is not None else math.radians(float(deg))  # type: ignore[arg-type]

    def __float__(self) -> float:
        return self.radians

    def __repr__(self) -> str:
        return f"Angle(radians={self.radians})"


if TYPE_CHECKING:
    AngleLike = Angle | float | int
else:
    AngleLike = Any  # as 0.41: the union for type checkers, `typing.Any` at run time


class Quaternion:
    """A rotation quaternion in (x, y, z, w) order."""

    def __init__(self, *, xyzw: npt.ArrayLike) -> None:
        # Any length is kept, as in 0.41: a wrong one is reported when the value is batched.
        self.xyzw = np.asarray(xyzw, dtype=np.float32).ravel()

    @staticmethod
    def identity() -> Quaternion:
        return Quaternion(xyzw=[0, 0, 0, 1])

    @staticmethod
    def invalid() -> Quaternion:
        return Quaternion(xyzw=[0, 0, 0, 0])

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self.xyzw, dtype=dtype)

    def __repr__(self) -> str:
        return f"Quaternion(xyzw={self.xyzw!r})"


class RotationAxisAngle:
    """A rotation of `angle` around `axis`; the angle as `angle`, `radians` or `degrees`."""

    def __init__(
        self,
        axis: npt.ArrayLike,
        angle: AngleLike | None = None,
        *,
        radians: float | None = None,
        degrees: float | None = None,
    ) -> None:
        given = [x for x in (angle, radians, degrees) if x is not None]
        if len(given) != 1:
            raise ValueError("Must provide exactly one of angle, radians, or degrees")
        self.axis = np.asarray(axis, dtype=np.float32).ravel()  # length checked when batched
        if degrees is not None:
            self.angle = Angle(deg=degrees)
        elif isinstance(angle, Angle):
            self.angle = angle
        else:
            self.angle = Angle(rad=float(angle if angle is not None else radians))  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return f"RotationAxisAngle(axis=Vec3D(xyz={self.axis!r}), angle={self.angle!r})"


class Mat3x3:
    """A 3x3 matrix, stored column-major; built from `rows` (numpy layout) or `columns`."""

    def __init__(self, rows: npt.ArrayLike | None = None, *, columns: npt.ArrayLike | None = None) -> None:
        if rows is not None and columns is not None:
            raise ValueError("Mat3x3: give either rows or columns, not both")
        if isinstance(rows, Mat3x3):
            self.flat_columns: np.ndarray = rows.flat_columns
        elif rows is not None:
            self.flat_columns = np.asarray(rows, dtype=np.float32).reshape(3, 3).ravel("F")
        elif columns is not None:
            self.flat_columns = np.asarray(columns, dtype=np.float32).reshape(3, 3).ravel("C")
        else:
            self.flat_columns = np.identity(3, dtype=np.float32).ravel()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self.flat_columns, dtype=dtype)


class _Vec:
    """A fixed-length float vector; 0.41 names its field `xy`, `xyz` or `xyzw` by length."""

    _N = 0
    _FIELD = "xyz"

    def __init__(self, xyz: npt.ArrayLike) -> None:
        # Any length is kept, as in 0.41: a wrong one is reported when the value is batched.
        arr = np.asarray(xyz, dtype=np.float32)
        self._shape = arr.shape  # as given, for repr (0.41 stores the array unflattened)
        self.xyz = arr.ravel()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self.xyz, dtype=dtype)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._FIELD}={self.xyz.reshape(self._shape)!r})"


class Vec2D(_Vec):
    _N = 2
    _FIELD = "xy"

    def __init__(self, xy: npt.ArrayLike) -> None:
        super().__init__(xy)

    @property
    def xy(self) -> np.ndarray:
        return self.xyz


class Vec3D(_Vec):
    _N = 3


class Vec4D(_Vec):
    _N = 4
    _FIELD = "xyzw"

    def __init__(self, xyzw: npt.ArrayLike) -> None:
        super().__init__(xyzw)

    @property
    def xyzw(self) -> np.ndarray:
        return self.xyz


class Range1D:
    """An inclusive [min, max] range."""

    def __init__(self, range: npt.ArrayLike) -> None:
        # 0.41 keeps the input's shape and checks for pairs only when the range is logged
        self.range = np.asarray(range, dtype=np.float64)

    def __repr__(self) -> str:  # 0.41's attrs repr (also for the components named after it)
        return f"{type(self).__name__}(range={self.range!r})"

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self.range, dtype=dtype)


def _packed_rgba(data: Any) -> int:
    """As 0.41: an array or sequence is one color's channels (floats in 0..1), anything else an int."""
    if isinstance(data, Rgba32):
        return data.rgba
    if isinstance(data, Sequence) and not isinstance(data, np.ndarray):
        data = np.array(data)
        if data.size not in (3, 4):
            raise ValueError(f"expected sequence of length of 3 or 4, received {data.size}")
    elif not isinstance(data, np.ndarray):
        return int(data)
    channels = np.asarray(data).reshape(1, -1)
    if channels.dtype.type in (np.float32, np.float64):
        channels = np.round(channels * 255.0)
    # Only the first three (or four) channels count; out-of-range values wrap as uint8 casts do.
    u8 = channels.astype(np.int64).astype(np.uint8)
    alpha = int(u8[0, 3]) if u8.shape[1] == 4 else 0xFF  # fewer than 3 channels: IndexError, as 0.41
    return (int(u8[0, 0]) << 24) | (int(u8[0, 1]) << 16) | (int(u8[0, 2]) << 8) | alpha


class Rgba32:
    """A color packed as 0xRRGGBBAA; accepts what color arguments accept."""

    def __init__(self, rgba: Any) -> None:
        self.rgba = _packed_rgba(rgba)

    def __int__(self) -> int:
        return self.rgba

    def __repr__(self) -> str:  # 0.41's attrs repr
        return f"Rgba32(rgba={self.rgba!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Rgba32) and other.rgba == self.rgba

    def __hash__(self) -> int:
        return hash(self.rgba)


class Utf8Pair:
    """A pair of strings (graph edges, key/value pairs)."""

    def __init__(self, first: str, second: str) -> None:
        self.first = str(first)
        self.second = str(second)

    def __iter__(self) -> Any:
        return iter((self.first, self.second))

    def __repr__(self) -> str:  # 0.41's attrs repr, its fields being Utf8 values
        return f"{type(self).__name__}(first=Utf8(value={self.first!r}), second=Utf8(value={self.second!r}))"


class KeypointPair:
    """Two keypoint ids that a line connects."""

    def __init__(self, keypoint0: int, keypoint1: int) -> None:
        self.keypoint0 = int(keypoint0)
        self.keypoint1 = int(keypoint1)

    @staticmethod
    def from_like(value: KeypointPair | Sequence[int]) -> KeypointPair:
        if isinstance(value, KeypointPair):
            return value
        a, b = value
        return KeypointPair(a, b)
