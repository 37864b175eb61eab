"""Chunk compaction for ``rerun rrd optimize``, and the store rules ``merge`` shares with it.

Compaction merges small temporal chunks of the same entity and timelines (whose shared
component columns agree on their types) into bigger ones, in row-id order, up to row and byte
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
from rerun_core.types import Tuid, new_tuid


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


GroupKey = tuple[str, tuple[tuple[str, str], ...]]
ColumnSig = tuple[str, str, str]  # (archetype, component type, Arrow type)


def group_key(chunk: Chunk) -> GroupKey:
    """Chunks with equal keys may be concatenated: same entity and timelines (name and type).

    Component sets may differ if they overlap (rows get nulls for what they lack), as in
    Rerun's compactor.
    Read straight off the Arrow schema, without decoding any column.
    """
    indexes = []
    for field in chunk.batch.schema:
        meta = field.metadata or {}
        if meta.get(b"rerun:kind") in (b"index", b"time"):
            indexes.append((meta.get(b"rerun:index_name", field.name.encode()).decode(), str(field.type)))
    return chunk.entity_path.path, tuple(sorted(indexes))


def column_signatures(chunk: Chunk) -> dict[str, ColumnSig]:
    """Component name -> what must agree for two chunks' columns to be concatenated."""
    out = {}
    for field in chunk.batch.schema:
        meta = field.metadata or {}
        if meta.get(b"rerun:kind", b"data") in (b"data", b"component"):
            name = meta.get(b"rerun:component", field.name.encode()).decode()
            out[name] = (
                meta.get(b"rerun:archetype", b"").decode(),
                meta.get(b"rerun:component_type", b"").decode(),
                str(field.type),
            )
    return out


def min_row_id(chunk: Chunk) -> tuple[int, int]:
    """The smallest row id as (time_ns, inc), for ordering chunks like a store iterates them."""
    hi, lo = chunk.row_id_keys
    if hi.size == 0:
        return (0, 0)
    i = 0 if chunk.is_sorted_by_row_id else int(np.lexsort((lo, hi))[0])
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
    """Static chunks of one recording under the store's rule, in insertion order.

    Per (entity, component) the newest row id wins. A stored chunk that loses every component
    it held to later inserts is dropped; an insert that wins nothing is still kept (as
    Rerun's store does, so inserting older static data after newer keeps both).
    """

    def __init__(self) -> None:
        self._chunks: dict[Tuid, Chunk] = {}
        # (entity path, component) -> (newest row id, owning chunk id)
        self._owner: dict[tuple[str, str], tuple[tuple[int, int], Tuid]] = {}
        self._held: dict[Tuid, int] = {}

    def insert(self, chunk: Chunk) -> None:
        self._chunks[chunk.id] = chunk
        self._held.setdefault(chunk.id, 0)
        hi, lo = chunk.row_id_keys
        for desc, arr in chunk.components.items():
            valid = np.flatnonzero(arr.is_valid().to_numpy(zero_copy_only=False))
            if valid.size == 0:
                continue
            newest = max((int(hi[i]), int(lo[i])) for i in valid)
            key = (chunk.entity_path.path, desc.component)
            previous = self._owner.get(key)
            if previous is not None and previous[0] > newest:
                continue
            self._owner[key] = (newest, chunk.id)
            self._held[chunk.id] += 1
            if previous is not None and previous[1] != chunk.id:
                self._held[previous[1]] -= 1
                if self._held[previous[1]] == 0:
                    del self._chunks[previous[1]]

    def chunks(self) -> list[Chunk]:
        return list(self._chunks.values())


class _Accumulator:
    """Chunks being merged into one, with what decides whether the next one may join."""

    def __init__(self) -> None:
        self.chunks: list[Chunk] = []
        self.rows = 0
        self.bytes = 0
        self.columns: dict[str, ColumnSig] = {}
        # Per timeline (min, max) while the merged rows stay time-sorted; None once they do not.
        self.ranges: dict[str, tuple[int, int]] | None = {}

    def sorted_with(self, chunk: Chunk) -> bool:
        if self.ranges is None:
            return False
        for name, col in chunk.timelines.items():
            rng = col.time_range()
            if not col.is_sorted or rng is None:
                return False
            if name in self.ranges and self.ranges[name][1] > rng[0]:
                return False
        return True

    def accepts(self, chunk: Chunk, columns: dict[str, ColumnSig], config: CompactionConfig) -> bool:
        if not self.chunks:
            return True
        if any(self.columns.get(name, sig) != sig for name, sig in columns.items()):
            return False
        # Rerun finds merge candidates through shared components: disjoint sets never merge.
        if columns and self.columns and not columns.keys() & self.columns.keys():
            return False
        limit = config.max_rows if self.sorted_with(chunk) else config.max_rows_if_unsorted
        return self.rows + chunk.num_rows <= limit and self.bytes + chunk.num_bytes <= config.max_bytes

    def is_full(self, config: CompactionConfig) -> bool:
        """Whether not even one more row of the same width would fit."""
        per_row = self.bytes / max(1, self.rows)
        limit = config.max_rows if self.ranges is not None else config.max_rows_if_unsorted
        return self.rows + 1 > limit or self.bytes + per_row > config.max_bytes

    def add(self, chunk: Chunk, columns: dict[str, ColumnSig]) -> None:
        if self.ranges is not None and self.sorted_with(chunk):
            for name, col in chunk.timelines.items():
                lo, hi = col.time_range() or (0, 0)
                old = self.ranges.get(name, (lo, hi))
                self.ranges[name] = (min(lo, old[0]), max(hi, old[1]))
        else:
            self.ranges = None
        self.chunks.append(chunk)
        self.rows += chunk.num_rows
        self.bytes += chunk.num_bytes
        self.columns.update(columns)


# How many still-open merge targets a chunk may try (first fit), so leftovers of split chunks
# can gather although big pieces lie between them, at a bounded cost per chunk.
OPEN_TARGETS = 4


def compact_group(chunks: list[Chunk], config: CompactionConfig) -> list[Chunk]:
    """Merge chunks of one group key, in row-id order, up to the thresholds (first fit)."""
    done: list[Chunk] = []
    open_accs: list[_Accumulator] = []
    for chunk in sorted(chunks, key=min_row_id):
        columns = column_signatures(chunk)
        target = next((acc for acc in open_accs if acc.accepts(chunk, columns, config)), None)
        if target is None:
            target = _Accumulator()
            open_accs.append(target)
            if len(open_accs) > OPEN_TARGETS:
                done.append(concat_chunks(open_accs.pop(0).chunks))
        target.add(chunk, columns)
        if target.is_full(config):
            open_accs.remove(target)
            done.append(concat_chunks(target.chunks))
    done.extend(concat_chunks(acc.chunks) for acc in open_accs)
    return done


def split_chunk(chunk: Chunk, config: CompactionConfig) -> list[Chunk]:
    """Cut a chunk over the row limit into row-limit pieces, then pieces over the byte limit
    into as many rows as fit the byte limit and the rest, as Rerun's optimizer does."""
    sorted_ = all(col.is_sorted for col in chunk.timelines.values())
    max_rows = max(1, config.max_rows if sorted_ else config.max_rows_if_unsorted)
    if chunk.num_rows <= max_rows and chunk.num_bytes <= config.max_bytes:
        return [chunk]
    bounds = [(start, min(start + max_rows, chunk.num_rows)) for start in range(0, chunk.num_rows, max_rows)]
    per_row = chunk.num_bytes / max(1, chunk.num_rows)
    fit = max(1, int(config.max_bytes // per_row)) if per_row else max_rows
    pieces = []
    for start, stop in bounds:
        step = fit if (stop - start) * per_row > config.max_bytes else stop - start
        pieces += [(lo, min(lo + step, stop)) for lo in range(start, stop, step)]
    return [chunk.take(np.arange(start, stop), chunk_id=new_tuid()) for start, stop in pieces]


def compact(chunks: Iterable[Chunk], config: CompactionConfig) -> list[Chunk]:
    """Compact the temporal chunks of one recording; static chunks pass through the store rule.

    Chunks over the thresholds are split first. The result is ordered by each chunk's smallest
    row id, like a store's iteration order.
    """
    statics = StaticTable()
    groups: dict[GroupKey, list[Chunk]] = {}
    for chunk in chunks:
        if chunk.is_static:
            statics.insert(chunk)
        else:
            groups.setdefault(group_key(chunk), []).extend(split_chunk(chunk, config))
    out = statics.chunks()
    for group in groups.values():
        out.extend(compact_group(group, config))
    out.sort(key=min_row_id)
    return out
