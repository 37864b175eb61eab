"""Chunk compaction for ``rerun rrd optimize``, and the store rules ``merge`` shares with it.

Compaction merges small temporal chunks of the same entity and the same schema (timelines and
component columns with their datatypes) into bigger ones, in row-id order, up to row and byte
thresholds, as Rerun's compactor does. Static chunks follow the store's rule instead: the
newest static write of a component wins, and a static chunk none of whose components survive
is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from rerun_core.store.chunk import Chunk
from rerun_core.types import ComponentDescriptor, Tuid, new_tuid


@dataclass(frozen=True)
class CompactionConfig:
    """Thresholds after which a chunk is not grown any further."""

    max_bytes: int
    max_rows: int
    max_rows_if_unsorted: int

    @classmethod
    def for_profile(cls, profile: str) -> CompactionConfig:
        if profile == "live":
            return cls(max_bytes=384 * 1024, max_rows=4096, max_rows_if_unsorted=1024)
        return cls(max_bytes=2 * 1024 * 1024, max_rows=65536, max_rows_if_unsorted=8192)


SchemaKey = tuple[str, tuple[tuple[str, str], ...], tuple[tuple[ComponentDescriptor, str], ...]]


def schema_key(chunk: Chunk) -> SchemaKey:
    """Chunks with equal keys can be concatenated."""
    timelines = tuple(sorted((name, col.typ.value) for name, col in chunk.timelines.items()))
    components = tuple(
        sorted(((d, str(a.type)) for d, a in chunk.components.items()), key=lambda x: x[0].component)
    )
    return chunk.entity_path.path, timelines, components


def min_row_id(chunk: Chunk) -> tuple[int, int]:
    """The smallest row id as (time_ns, inc), for ordering chunks like a store iterates them."""
    hi, lo = chunk.row_id_keys
    if hi.size == 0:
        return (0, 0)
    i = int(np.lexsort((lo, hi))[0])
    return int(hi[i]), int(lo[i])


def concat_chunks(chunks: Sequence[Chunk]) -> Chunk:
    """Concatenate chunks of one schema key into one chunk under a new id, sorted by row id."""
    if len(chunks) == 1:
        return chunks[0].sorted_by_row_id()
    merged = Chunk.concat(chunks, chunk_id=new_tuid())
    return merged.sorted_by_row_id()


def drop_timelines(chunk: Chunk, names: Iterable[str]) -> Chunk:
    """The chunk without the index columns of the named timelines (same id)."""
    drop = set(names) & set(chunk.timelines)
    if not drop:
        return chunk
    keep = [
        i
        for i, field in enumerate(chunk.batch.schema)
        if (field.metadata or {}).get(b"rerun:index_name", field.name.encode()).decode() not in drop
        or (field.metadata or {}).get(b"rerun:kind") not in (b"index", b"time")
    ]
    schema = pa.schema([chunk.batch.schema.field(i) for i in keep], metadata=chunk.batch.schema.metadata)
    return Chunk(pa.RecordBatch.from_arrays([chunk.batch.column(i) for i in keep], schema=schema))


class StaticTable:
    """Static chunks of one recording under the store's rule: the newest write of a component wins."""

    def __init__(self) -> None:
        self._chunks: dict[Tuid, Chunk] = {}
        # (entity path, component) -> (newest row id bytes, chunk id)
        self._owner: dict[tuple[str, str], tuple[tuple[int, int], Tuid]] = {}

    def insert(self, chunk: Chunk) -> None:
        self._chunks[chunk.id] = chunk
        hi, lo = chunk.row_id_keys
        for desc, arr in chunk.components.items():
            valid = np.flatnonzero(arr.is_valid().to_numpy(zero_copy_only=False))
            if valid.size == 0:
                continue
            newest = max((int(hi[i]), int(lo[i])) for i in valid)
            key = (chunk.entity_path.path, desc.component)
            if key not in self._owner or self._owner[key][0] <= newest:
                self._owner[key] = (newest, chunk.id)

    def chunks(self) -> list[Chunk]:
        alive = {cid for _, cid in self._owner.values()}
        return [c for cid, c in self._chunks.items() if cid in alive or not c.components]


def _sorted_after(acc_ranges: dict[str, tuple[int, int]] | None, chunk: Chunk) -> bool:
    if acc_ranges is None:
        return False
    for name, col in chunk.timelines.items():
        rng = col.time_range()
        if not col.is_sorted or rng is None:
            return False
        if name in acc_ranges and acc_ranges[name][1] > rng[0]:
            return False
    return True


def compact_group(chunks: list[Chunk], config: CompactionConfig) -> list[Chunk]:
    """Greedily merge chunks of one schema key, in row-id order, up to the thresholds."""
    chunks = sorted(chunks, key=min_row_id)
    out: list[Chunk] = []
    acc: list[Chunk] = []
    acc_rows = acc_bytes = 0
    acc_sorted = True
    acc_ranges: dict[str, tuple[int, int]] | None = {}
    for chunk in chunks:
        rows, size = chunk.num_rows, chunk.num_bytes
        sorted_after = acc_sorted and _sorted_after(acc_ranges, chunk)
        limit = config.max_rows if sorted_after else config.max_rows_if_unsorted
        if acc and (acc_rows + rows > limit or acc_bytes + size > config.max_bytes):
            out.append(concat_chunks(acc))
            acc, acc_rows, acc_bytes, acc_ranges = [], 0, 0, {}
            sorted_after = _sorted_after(acc_ranges, chunk)
        acc.append(chunk)
        acc_rows += rows
        acc_bytes += size
        acc_sorted = sorted_after
        acc_ranges = _extend_ranges(acc_ranges, chunk) if sorted_after else None
    if acc:
        out.append(concat_chunks(acc))
    return out


def _extend_ranges(
    ranges: dict[str, tuple[int, int]] | None, chunk: Chunk
) -> dict[str, tuple[int, int]] | None:
    if ranges is None:
        return None
    out = dict(ranges)
    for name, col in chunk.timelines.items():
        rng = col.time_range()
        if rng is not None:
            lo = min(rng[0], out[name][0]) if name in out else rng[0]
            out[name] = (lo, max(rng[1], out.get(name, rng)[1]))
    return out


def compact(chunks: Iterable[Chunk], config: CompactionConfig) -> list[Chunk]:
    """Compact the temporal chunks of one recording; static chunks pass through the store rule.

    The result is ordered by each chunk's smallest row id, like a store's iteration order.
    """
    statics = StaticTable()
    groups: dict[SchemaKey, list[Chunk]] = {}
    for chunk in chunks:
        if chunk.is_static:
            statics.insert(chunk)
        else:
            groups.setdefault(schema_key(chunk), []).append(chunk)
    out = statics.chunks()
    for group in groups.values():
        out.extend(compact_group(group, config))
    out.sort(key=min_row_id)
    return out
