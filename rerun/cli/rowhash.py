"""Order- and chunking-independent row hashes, vectorized, for ``rerun rrd compare --unordered``.

A row is its entity, static flag, time on each timeline and the value of each non-null
component. Its 64-bit hash is a wrapping *sum* of per-item hashes, so it does not depend on
column order or on which other (null) columns its chunk has; row ids and chunk ids play no part.
Two recordings hold the same rows iff their sorted hash arrays are equal (up to 64-bit
collisions). List cells of fixed-width numbers are hashed in numpy; other types via ``repr``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import xxhash

from rerun_core.store.chunk import Chunk

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_POS = np.uint64(0x9E3779B97F4A7C15)


def mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer, elementwise on uint64 (wrapping arithmetic)."""
    with np.errstate(over="ignore"):
        h = (h ^ (h >> np.uint64(30))) * _M1
        h = (h ^ (h >> np.uint64(27))) * _M2
    return h ^ (h >> np.uint64(31))


def text_hash(text: str) -> np.uint64:
    return np.uint64(xxhash.xxh64_intdigest(text.encode()))


def _bits(values: np.ndarray) -> np.ndarray:
    """Exact bit patterns of numbers as uint64 (floats by their IEEE bits)."""
    if values.dtype.kind == "f":
        wide = values.astype(np.float64) if values.dtype.itemsize < 8 else values
        return wide.view(np.uint64)
    return values.astype(np.int64).view(np.uint64)


def _fixed_width_child(arr: pa.Array) -> tuple[np.ndarray, int] | None:
    child = arr.values
    per_item = 1
    if pa.types.is_fixed_size_list(child.type):
        if child.null_count:
            return None
        per_item = child.type.list_size
        child = child.flatten()
    if child.null_count or not (pa.types.is_integer(child.type) or pa.types.is_floating(child.type)):
        return None
    return child.to_numpy(zero_copy_only=False), per_item


def cell_hashes(arr: pa.Array) -> np.ndarray:
    """A uint64 hash per cell of a list column (nulls hash like anything; mask them out)."""
    is_list = pa.types.is_list(arr.type) or pa.types.is_large_list(arr.type)
    flat = _fixed_width_child(arr) if is_list else None
    if flat is None:
        reprs = [repr(v) for v in arr.to_pylist()]
        return np.array([xxhash.xxh64_intdigest(r.encode()) for r in reprs], dtype=np.uint64)
    values, per_item = flat
    offsets = arr.offsets.to_numpy(zero_copy_only=False).astype(np.int64) * per_item
    if offsets.size < 2:
        return np.zeros(0, dtype=np.uint64)
    base = int(offsets[0])
    starts, ends = offsets[:-1] - base, offsets[1:] - base  # cells are adjacent in a list array
    lengths = ends - starts
    elem = mix(_bits(values[base : base + int(ends[-1])]) ^ text_hash(str(values.dtype)))
    pos = np.arange(elem.size, dtype=np.int64) - np.repeat(starts, lengths)
    with np.errstate(over="ignore"):
        elem = mix(elem ^ (pos.astype(np.uint64) * _POS))
        sums = np.concatenate([np.zeros(1, dtype=np.uint64), np.cumsum(elem, dtype=np.uint64)])
        total = sums[ends] - sums[starts]
    return mix(total ^ lengths.astype(np.uint64))


def row_hashes(chunk: Chunk) -> np.ndarray:
    """One uint64 per row of the chunk (see the module docstring)."""
    n = chunk.num_rows
    head = text_hash(f"{chunk.entity_path.path}\x00{chunk.is_static}")
    acc = np.full(n, head, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for name, col in chunk.timelines.items():
            acc += mix(mix(col.values.view(np.uint64)) ^ text_hash("t:" + name))
        for desc, arr in chunk.components.items():
            item = mix(cell_hashes(arr) ^ text_hash("c:" + str(desc)))
            if arr.null_count:
                item[~arr.is_valid().to_numpy(zero_copy_only=False)] = 0
            acc += item
    return mix(acc)
