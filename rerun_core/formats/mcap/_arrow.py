"""Arrow helpers shared by the MCAP decoders: descriptors and list-array columns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from rerun_core.types import ComponentDescriptor

BLOB = pa.list_(pa.field("item", pa.uint8(), nullable=False))


def rr_desc(archetype: str, field: str, component_type: str | None) -> ComponentDescriptor:
    """A descriptor of one of Rerun's own archetypes (``Image``, ``buffer``, ``ImageBuffer``)."""
    ctype = f"rerun.components.{component_type}" if component_type else None
    return ComponentDescriptor(f"{archetype}:{field}", f"rerun.archetypes.{archetype}", ctype)


def custom_desc(
    component: str, archetype: str | None = None, component_type: str | None = None
) -> ComponentDescriptor:
    return ComponentDescriptor(component, archetype, component_type)


def unit_lists(values: pa.Array) -> pa.ListArray:
    """One single-instance list per value."""
    offsets = pa.array(np.arange(len(values) + 1, dtype=np.int32))
    return pa.ListArray.from_arrays(offsets, values)


def lists(
    rows: Sequence[Sequence[Any]], item_type: pa.DataType, *, item_nullable: bool = True
) -> pa.ListArray:
    """One list per row, from Python values."""
    counts = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
    offsets = np.zeros(len(rows) + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    flat = pa.array([v for r in rows for v in r], type=item_type)
    typ = pa.list_(pa.field("item", item_type, nullable=item_nullable))
    return pa.ListArray.from_arrays(pa.array(offsets), flat, type=typ)


def as_buffer(data: Any) -> bytes | memoryview:
    """A decoded ``uint8[]`` field as bytes, keeping a view as it is (``blobs`` copies it once)."""
    return data if isinstance(data, bytes | memoryview) else bytes(data)


def blobs(datas: Iterable[bytes | memoryview]) -> pa.Array:
    """A flat array of blobs (``List<u8 not null>``), one per value.

    The bytes are copied into one buffer from Arrow's pool, not a ``b"".join``: the pool keeps
    its pages between chunks, where each fresh multi-megabyte ``bytes`` page-faults anew."""
    views = [memoryview(d).cast("B") if not isinstance(d, bytes) else d for d in datas]
    offsets = np.zeros(len(views) + 1, dtype=np.int32)
    np.cumsum([len(d) for d in views], out=offsets[1:])
    total = int(offsets[-1])
    buf = pa.allocate_buffer(total)
    out = np.frombuffer(buf, dtype=np.uint8)
    for d, start, end in zip(views, offsets[:-1].tolist(), offsets[1:].tolist()):
        out[start:end] = np.frombuffer(d, dtype=np.uint8)
    flat = pa.Array.from_buffers(pa.uint8(), total, [None, buf])
    return pa.ListArray.from_arrays(pa.array(offsets), flat, type=BLOB)


def fixed_lists(values: np.ndarray, item_type: pa.DataType) -> pa.FixedSizeListArray:
    """Rows of an (n, k) array as ``FixedSizeList<item not null>[k]``."""
    _n, k = values.shape
    flat = pa.array(values.reshape(-1), type=item_type)
    return pa.FixedSizeListArray.from_arrays(
        flat, type=pa.list_(pa.field("item", item_type, nullable=False), k)
    )


def strings(values: Iterable[str]) -> pa.Array:
    return pa.array(list(values), type=pa.utf8())
