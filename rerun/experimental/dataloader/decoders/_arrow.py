"""Arrow layouts the decoders read: flattened numeric values with per-row offsets, blobs."""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def is_list(t: pa.DataType) -> bool:
    return bool(pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t))


def flat_values_with_offsets(arr: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """All leaf values once, and where each outer row's values start (None: nulls in the way)."""
    if arr.null_count:
        return None
    outer = arr.offsets.to_numpy().astype(np.int64)
    offsets = outer - outer[0]
    inner = arr.flatten()
    while is_list(inner.type):
        if inner.null_count:
            return None
        if pa.types.is_fixed_size_list(inner.type):
            offsets = offsets * inner.type.list_size
        else:
            level = inner.offsets.to_numpy().astype(np.int64)
            offsets = level[offsets] - level[0]
        inner = inner.flatten()
    if inner.null_count:
        return None
    return to_numpy(inner), offsets


def to_numpy(arr: pa.Array) -> np.ndarray:
    """Nested numeric lists as one writable numpy array of their leaf values."""
    while is_list(arr.type):
        arr = arr.flatten()
    out = arr.to_numpy(zero_copy_only=False)
    return out if out.flags.writeable else out.copy()


def blob_bytes(arr: pa.Array, row: int) -> bytes:
    """Row ``row``'s blob bytes of a ``list<list<uint8>>`` / ``list<binary>`` column."""
    inner = arr.slice(row, 1).flatten()
    if is_list(inner.type):
        return bytes(inner.flatten().to_numpy(zero_copy_only=False).tobytes())
    return b"".join(v.as_py() for v in inner)
