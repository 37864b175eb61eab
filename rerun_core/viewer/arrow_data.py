"""Arrow columns -> numpy arrays the visualizers feed to pygfx.

Component values arrive as flat Arrow arrays (one element per instance, as the store's
latest-at cells hold them). Rerun's rule for mismatched lengths: a single value splats over
all instances; a shorter list repeats its last value.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa


def _flat(arr: pa.Array | pa.ChunkedArray | None) -> pa.Array | None:
    if arr is None:
        return None
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr


def vectors(arr: pa.Array | None, dim: int) -> np.ndarray:
    """fixed_size_list<float>[dim] -> (N, dim) float32 (empty when absent)."""
    arr = _flat(arr)
    if arr is None or len(arr) == 0:
        return np.zeros((0, dim), np.float32)
    if pa.types.is_fixed_size_list(arr.type):
        values = arr.flatten()  # a row slice: .values would be the whole backing column
        flat = np.array(values.to_numpy(zero_copy_only=False), dtype=np.float32)  # own, writable
        return flat.reshape(-1, arr.type.list_size)[:, :dim]
    data = np.asarray(arr.to_pylist(), dtype=np.float32)
    return data.reshape(len(arr), -1)[:, :dim]


def scalars(arr: pa.Array | None, dtype: Any = np.float32) -> np.ndarray:
    arr = _flat(arr)
    if arr is None or len(arr) == 0:
        return np.zeros((0,), dtype)
    return np.array(arr.to_numpy(zero_copy_only=False), dtype=dtype)


def strings(arr: pa.Array | None) -> list[str]:
    arr = _flat(arr)
    return [] if arr is None else [s if s is not None else "" for s in arr.to_pylist()]


def first(arr: pa.Array | None) -> Any:
    arr = _flat(arr)
    if arr is None or len(arr) == 0:
        return None
    return arr[0].as_py()


def rgba_u32_to_float(values: np.ndarray) -> np.ndarray:
    """uint32 0xRRGGBBAA -> (N, 4) float32 in 0..1."""
    v = np.ascontiguousarray(values, dtype=">u4")  # big-endian: bytes in R, G, B, A order
    out = v.view(np.uint8).reshape(-1, 4).astype(np.float32)
    out *= 1.0 / 255.0
    return out


def colors(arr: pa.Array | None) -> np.ndarray:
    """Color component (uint32 RGBA) -> (N, 4) float32; empty when absent."""
    return rgba_u32_to_float(scalars(arr, np.uint32))


def broadcast(values: np.ndarray, n: int) -> np.ndarray | None:
    """Rerun's clamped join: splat one value, repeat the last of a short list, trim a long one."""
    if values.shape[0] == 0:
        return None
    if values.shape[0] >= n:
        return values[:n]
    pad = np.repeat(values[-1:], n - values.shape[0], axis=0)
    return np.concatenate([values, pad], axis=0)


def broadcast_or(values: np.ndarray, n: int, fill: np.ndarray | float) -> np.ndarray:
    """``broadcast`` with a fill value (scalar or row) when there are no values."""
    out = broadcast(values, n)
    if out is not None:
        return out
    row = np.asarray(fill, np.float32)
    return np.broadcast_to(row, (n, *row.shape)).copy() if row.ndim else np.full(n, row, np.float32)


def broadcast_list(values: list[Any], n: int) -> list[Any]:
    if not values:
        return []
    return values[:n] + [values[-1]] * max(0, n - len(values))


def list_of_vectors(arr: pa.Array | None, dim: int) -> list[np.ndarray]:
    """list<fixed_size_list<float>[dim]> (line strips) -> one (K, dim) array per strip."""
    arr = _flat(arr)
    if arr is None or len(arr) == 0:
        return []
    offsets = np.asarray(arr.offsets.to_numpy(zero_copy_only=False), dtype=np.int64)
    pts = vectors(arr.values, dim)
    return [pts[offsets[i] : offsets[i + 1]] for i in range(len(arr))]


def quaternions(arr: pa.Array | None) -> np.ndarray:
    """RotationQuat (xyzw) -> (N, 4) float32."""
    return vectors(arr, 4)


def quat_to_mat3(q: np.ndarray) -> np.ndarray:
    """(N, 4) xyzw quaternions -> (N, 3, 3) rotation matrices (normalized; zero -> identity)."""
    q = np.asarray(q, np.float64).reshape(-1, 4)
    norm = np.linalg.norm(q, axis=1, keepdims=True)
    q = np.where(norm > 0, q / np.where(norm > 0, norm, 1), np.array([0, 0, 0, 1.0]))
    x, y, z, w = q[:, 0], q[:, 1], q[:, 2], q[:, 3]
    m = np.empty((q.shape[0], 3, 3))
    m[:, 0, 0] = 1 - 2 * (y * y + z * z)
    m[:, 0, 1] = 2 * (x * y - z * w)
    m[:, 0, 2] = 2 * (x * z + y * w)
    m[:, 1, 0] = 2 * (x * y + z * w)
    m[:, 1, 1] = 1 - 2 * (x * x + z * z)
    m[:, 1, 2] = 2 * (y * z - x * w)
    m[:, 2, 0] = 2 * (x * z - y * w)
    m[:, 2, 1] = 2 * (y * z + x * w)
    m[:, 2, 2] = 1 - 2 * (x * x + y * y)
    return m


def axis_angle_to_mat3(axis: np.ndarray, angle: float) -> np.ndarray:
    axis = np.asarray(axis, np.float64)
    n = np.linalg.norm(axis)
    if n == 0:
        return np.eye(3)
    x, y, z = axis / n
    s, c = np.sin(angle / 2), np.cos(angle / 2)
    return np.asarray(quat_to_mat3(np.array([[x * s, y * s, z * s, c]]))[0])


def rotations(quats: pa.Array | None, axis_angles: pa.Array | None, n: int) -> np.ndarray:
    """Per-instance rotation matrices from quaternions or axis-angles (identity by default)."""
    out = np.repeat(np.eye(3)[None], n, axis=0)
    q = broadcast(quaternions(quats), n)
    if q is not None:
        out = quat_to_mat3(q)
    aa = _flat(axis_angles)
    if aa is not None and len(aa):
        items = broadcast_list(aa.to_pylist(), n)
        out = np.stack([axis_angle_to_mat3(np.asarray(it["axis"]), float(it["angle"])) for it in items])
    return out


def entity_color(path: str) -> np.ndarray:
    """A stable, pleasant default color per entity path (Rerun colors entities by hash too)."""
    h = 0
    for ch in path.encode():
        h = (h * 31 + ch) & 0xFFFFFFFF
    hue = ((h * 0.618033988749895) % 1.0) * 6.0
    i, f = int(hue), hue - int(hue)
    v, s = 0.95, 0.65
    p, q, t = v * (1 - s), v * (1 - s * f), v * (1 - s * (1 - f))
    rgb = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i % 6]
    return np.array([*rgb, 1.0], np.float32)
