"""Chunks: Rerun's unit of storage and transport, one Arrow RecordBatch in the sorbet schema.

A chunk holds rows of one entity. Columns: the row ids (control), zero or more index columns
(one per timeline; none for static chunks) and one list column per component (one list per row,
null where the row did not log that component). Schema and field metadata follow sorbet 0.1.4,
so the batch is exactly what travels inside an ``ArrowMsg``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
import pyarrow as pa

from rerun_core.types import (
    TUID_DTYPE,
    ComponentDescriptor,
    EntityPath,
    TimePoint,
    TimeType,
    Tuid,
    new_tuid,
    new_tuids,
)

SORBET_VERSION = "0.1.4"
ROW_ID_COLUMN = "rerun.controls.RowId"
TUID_EXTENSION_NAME = "rerun.datatypes.TUID"

_ROW_ID_FIELD_META = {
    b"ARROW:extension:metadata": b'{"namespace":"row"}',
    b"ARROW:extension:name": TUID_EXTENSION_NAME.encode(),
    b"rerun:is_sorted": b"true",
    b"rerun:kind": b"control",
}
_ROW_ID_FIELD_META_UNSORTED = {k: v for k, v in _ROW_ID_FIELD_META.items() if k != b"rerun:is_sorted"}


class ChunkError(ValueError):
    """A record batch that is not a valid Rerun chunk."""


@dataclass(frozen=True, slots=True)
class TimeColumn:
    """One index column: int64 values (ns for durations/timestamps) of a timeline."""

    name: str
    typ: TimeType
    values: np.ndarray  # int64
    is_sorted: bool

    @classmethod
    def from_values(cls, name: str, typ: TimeType, values: np.ndarray | list[int]) -> TimeColumn:
        arr = np.asarray(values, dtype=np.int64)
        return cls(name, typ, arr, bool(arr.size < 2 or np.all(arr[1:] >= arr[:-1])))

    def to_arrow(self) -> pa.Array:
        return pa.array(self.values, type=pa.int64()).view(self.typ.arrow_type)

    def time_range(self) -> tuple[int, int] | None:
        if self.values.size == 0:
            return None
        if self.is_sorted:
            return int(self.values[0]), int(self.values[-1])
        return int(self.values.min()), int(self.values.max())


def descriptor_field(desc: ComponentDescriptor, dtype: pa.DataType) -> pa.Field:
    meta = {b"rerun:kind": b"data", b"rerun:component": desc.component.encode()}
    if desc.archetype:
        meta[b"rerun:archetype"] = desc.archetype.encode()
    if desc.component_type:
        meta[b"rerun:component_type"] = desc.component_type.encode()
    return pa.field(desc.component, dtype, nullable=True, metadata=meta)


def descriptor_from_field(field: pa.Field) -> ComponentDescriptor:
    return _descriptor(field.name, field.metadata or {})


def _descriptor(name: str, meta: dict[bytes, bytes]) -> ComponentDescriptor:
    component = meta.get(b"rerun:component")
    archetype = meta.get(b"rerun:archetype")
    ctype = meta.get(b"rerun:component_type")
    return ComponentDescriptor(
        component=component.decode() if component else name,
        archetype=archetype.decode() if archetype else None,
        component_type=ctype.decode() if ctype else None,
    )


def _index_field(col: TimeColumn) -> pa.Field:
    meta = {b"rerun:index_name": col.name.encode(), b"rerun:kind": b"index"}
    if col.is_sorted:  # Rerun writes the flag only when it holds
        meta[b"rerun:is_sorted"] = b"true"
    return pa.field(col.name, col.typ.arrow_type, nullable=True, metadata=meta)


def row_id_keys(row_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (time_ns, inc) halves of ``TUID_DTYPE`` ids as ``uint64`` arrays, for sorting and
    comparing. Zero-copy (big-endian, strided) views: numpy compares them by value."""
    return row_ids["time_ns"], row_ids["inc"]


def keys_sorted(hi: np.ndarray, lo: np.ndarray) -> bool:
    """Whether the pairs (hi, lo) are in non-decreasing lexicographic order."""
    if hi.size < 2:
        return True
    dh = hi[1:] >= hi[:-1]
    if not dh.all():
        return False
    ties = hi[1:] == hi[:-1]
    return bool(np.all(~ties | (lo[1:] >= lo[:-1])))


def row_ids_to_arrow(row_ids: np.ndarray) -> pa.FixedSizeBinaryArray:
    buf = pa.py_buffer(np.ascontiguousarray(row_ids, dtype=TUID_DTYPE).tobytes())
    return pa.FixedSizeBinaryArray.from_buffers(pa.binary(16), len(row_ids), [None, buf])


class Chunk:
    """An immutable chunk. The record batch is the truth; everything else is derived lazily."""

    __slots__ = ("__dict__", "batch")

    def __init__(self, batch: pa.RecordBatch) -> None:
        self.batch = batch

    # --- construction -------------------------------------------------------------------

    @classmethod
    def from_columns(
        cls,
        entity_path: str | EntityPath,
        row_ids: np.ndarray,
        timelines: Mapping[str, TimeColumn] | list[TimeColumn],
        components: Mapping[ComponentDescriptor, pa.Array],
        *,
        chunk_id: Tuid | None = None,
    ) -> Chunk:
        """Build a chunk. ``components`` are list arrays, one list per row (nulls allowed)."""
        n = len(row_ids)
        cols = list(timelines.values()) if isinstance(timelines, Mapping) else list(timelines)
        rid_meta = _ROW_ID_FIELD_META if keys_sorted(*row_id_keys(row_ids)) else _ROW_ID_FIELD_META_UNSORTED
        fields: list[pa.Field] = [pa.field(ROW_ID_COLUMN, pa.binary(16), False, rid_meta)]
        arrays: list[pa.Array] = [row_ids_to_arrow(row_ids)]
        for col in sorted(cols, key=lambda c: c.name):
            if len(col.values) != n:
                raise ChunkError(f"index {col.name!r} has {len(col.values)} rows, expected {n}")
            fields.append(_index_field(col))
            arrays.append(col.to_arrow())
        for desc in sorted(components, key=lambda d: d.component):
            arr = components[desc]
            if isinstance(arr, pa.ChunkedArray):
                arr = arr.combine_chunks()
            if len(arr) != n:
                raise ChunkError(f"component {desc.component!r} has {len(arr)} rows, expected {n}")
            if not (pa.types.is_list(arr.type) or pa.types.is_large_list(arr.type)):
                raise ChunkError(f"component {desc.component!r} must be a list array, got {arr.type}")
            fields.append(descriptor_field(desc, arr.type))
            arrays.append(arr)
        cid = chunk_id or new_tuid()
        meta = {
            b"rerun:entity_path": EntityPath(entity_path).path.encode(),
            b"rerun:id": f"chunk_{cid}".encode(),
            b"sorbet:version": SORBET_VERSION.encode(),
        }
        schema = pa.schema(fields, metadata=meta)
        return cls(pa.RecordBatch.from_arrays(arrays, schema=schema))

    @classmethod
    def from_rows(
        cls,
        entity_path: str | EntityPath,
        rows: Sequence[tuple[TimePoint, Mapping[ComponentDescriptor, pa.Array | None]]],
        *,
        row_ids: np.ndarray | None = None,
        chunk_id: Tuid | None = None,
    ) -> Chunk:
        """Build a chunk from rows of (time point, {descriptor: flat instances or None}).

        Every row must have the same timelines (an empty time point: a static chunk). A
        component a row does not mention is null there. Row ids are fresh unless given.
        """
        if not rows:
            raise ChunkError("a chunk needs at least one row")
        times0 = {name: typ for name, typ, _ in rows[0][0].times}
        values: dict[str, list[int]] = {name: [] for name in times0}
        for tp, _ in rows:
            if {name: typ for name, typ, _ in tp.times} != times0:
                raise ChunkError(f"all rows of a chunk need the same timelines; got {tp} after {rows[0][0]}")
            for name, _, value in tp.times:
                values[name].append(value)
        cols = [TimeColumn.from_values(name, typ, values[name]) for name, typ in times0.items()]
        descs: dict[ComponentDescriptor, None] = {}
        for _, comps in rows:
            descs.update(dict.fromkeys(comps))
        lists = {d: _list_column([comps.get(d) for _, comps in rows]) for d in descs}
        ids = new_tuids(len(rows)) if row_ids is None else row_ids
        return cls.from_columns(entity_path, ids, cols, lists, chunk_id=chunk_id)

    @classmethod
    def from_record_batch(cls, batch: pa.RecordBatch, *, validate: bool = True) -> Chunk:
        chunk = cls(batch)
        if validate:
            chunk.validate()
        return chunk

    def to_record_batch(self) -> pa.RecordBatch:
        return self.batch

    # --- identity -----------------------------------------------------------------------

    @cached_property
    def _meta(self) -> dict[bytes, bytes]:
        return dict(self.batch.schema.metadata or {})

    @cached_property
    def id(self) -> Tuid:
        raw = self._meta.get(b"rerun:id") or self._meta.get(b"rerun.id")
        if raw is None:
            raise ChunkError("chunk schema has no rerun:id")
        try:
            return Tuid.parse(raw.decode())
        except (ValueError, UnicodeDecodeError) as exc:
            raise ChunkError(f"bad chunk id {raw!r}: {exc}") from None

    @cached_property
    def entity_path(self) -> EntityPath:
        raw = self._meta.get(b"rerun:entity_path") or self._meta.get(b"rerun.entity_path")
        if raw is None:
            raise ChunkError("chunk schema has no rerun:entity_path")
        return _entity_path(raw)

    @property
    def num_rows(self) -> int:
        return self.batch.num_rows

    def __len__(self) -> int:
        return self.batch.num_rows

    @property
    def is_static(self) -> bool:
        return not self._index_positions

    # --- columns ------------------------------------------------------------------------

    @cached_property
    def _fields(self) -> list[tuple[pa.Field, dict[bytes, bytes]]]:
        """Each field with its metadata (read once: pyarrow builds a new dict per access)."""
        return [(f, f.metadata or {}) for f in self.batch.schema]

    @cached_property
    def _kinds(self) -> list[bytes]:
        out = []
        for f, meta in self._fields:
            kind = meta.get(b"rerun:kind")
            if kind is None:
                kind = b"control" if f.name == ROW_ID_COLUMN else b"data"
            out.append(kind)
        return out

    @cached_property
    def _index_positions(self) -> list[int]:
        return [i for i, k in enumerate(self._kinds) if k in (b"index", b"time")]

    @cached_property
    def row_ids(self) -> np.ndarray:
        """Row ids as a ``TUID_DTYPE`` array (zero-copy view of the Arrow buffer)."""
        col = self.batch.column(self._kinds.index(b"control"))
        buf = col.buffers()[1]
        start = col.offset * 16
        return np.frombuffer(buf, dtype=TUID_DTYPE, count=len(col), offset=start)

    @cached_property
    def timelines(self) -> dict[str, TimeColumn]:
        out = {}
        for i in self._index_positions:
            f, meta = self._fields[i]
            name = meta.get(b"rerun:index_name", f.name.encode()).decode()
            col = self.batch.column(i)
            values = col.view(pa.int64()).to_numpy(zero_copy_only=False)
            is_sorted = meta.get(b"rerun:is_sorted") == b"true"
            out[name] = TimeColumn(name, TimeType.from_arrow(f.type), values, is_sorted)
        return out

    @cached_property
    def components(self) -> dict[ComponentDescriptor, pa.Array]:
        out = {}
        for i, kind in enumerate(self._kinds):
            if kind in (b"data", b"component"):
                f, meta = self._fields[i]
                out[_descriptor(f.name, meta)] = self.batch.column(i)
        return out

    @cached_property
    def _by_name(self) -> dict[str, pa.Array]:
        return {d.component: a for d, a in self.components.items()}

    def component(self, name: str) -> pa.Array | None:
        return self._by_name.get(name)

    # --- derived, cached views --------------------------------------------------------------

    @cached_property
    def row_id_keys(self) -> tuple[np.ndarray, np.ndarray]:
        """Row ids as (time_ns, inc) ``uint64`` arrays (zero-copy views)."""
        return row_id_keys(self.row_ids)

    @cached_property
    def is_sorted_by_row_id(self) -> bool:
        return keys_sorted(*self.row_id_keys)

    @cached_property
    def num_bytes(self) -> int:
        """Bytes of the batch's buffers (what the store's memory limit counts; O(columns))."""
        return int(self.batch.get_total_buffer_size())

    def time_column(self, timeline: str) -> TimeColumn | None:
        return self.timelines.get(timeline)

    def time_at(self, timeline: str, row: int) -> int | None:
        """The row's time on ``timeline``, or None if the chunk has no such index column."""
        col = self.timelines.get(timeline)
        return None if col is None else int(col.values[row])

    @cached_property
    def _list_parts(self) -> dict[str, tuple[np.ndarray, pa.Array, np.ndarray | None]]:
        """Per component name: (offsets, flat values, validity or None), for fast row access."""
        return {}

    def list_parts(self, component: str) -> tuple[np.ndarray, pa.Array, np.ndarray | None] | None:
        """Offsets (int32 or int64 numpy, a zero-copy view), flat values and validity of a
        component column (cached)."""
        parts = self._list_parts.get(component)
        if parts is None:
            arr = self.component(component)
            if arr is None:
                return None
            offsets = arr.offsets.to_numpy(zero_copy_only=False)
            valid = None if arr.null_count == 0 else arr.is_valid().to_numpy(zero_copy_only=False)
            parts = (offsets, arr.values, valid)
            self._list_parts[component] = parts
        return parts

    def row_values(self, component: str, row: int) -> pa.Array | None:
        """The instances one row logged for a component (flat), or None where it logged nothing."""
        parts = self.list_parts(component)
        if parts is None:
            return None
        offsets, values, valid = parts
        if valid is not None and not valid[row]:
            return None
        start = int(offsets[row])
        return values.slice(start, int(offsets[row + 1]) - start)

    # --- derived chunks (the original never changes) ----------------------------------------

    def slice(self, start: int, length: int | None = None) -> Chunk:
        """Rows ``[start, start + length)``; keeps the chunk id, as Rerun's row slicing does."""
        if start < 0 or start > self.num_rows:
            raise IndexError(f"slice start {start} outside 0..{self.num_rows}")
        return Chunk(self.batch.slice(start, length))

    def take(self, indices: np.ndarray, *, chunk_id: Tuid | None = None) -> Chunk:
        """The chosen rows in the given order; sortedness flags are recomputed."""
        idx = np.asarray(indices, dtype=np.int64)
        taken = pa.array(idx)
        comps = {d: a.take(taken) for d, a in self.components.items()}
        cols = [TimeColumn.from_values(c.name, c.typ, c.values[idx]) for c in self.timelines.values()]
        return Chunk.from_columns(
            self.entity_path, self.row_ids[idx], cols, comps, chunk_id=chunk_id or self.id
        )

    def sorted_by_row_id(self) -> Chunk:
        """Rows in row-id order (the chunk itself if already so)."""
        if self.is_sorted_by_row_id:
            return self
        hi, lo = self.row_id_keys
        return self.take(np.lexsort((lo, hi)))

    def is_sorted_by(self, timeline: str) -> bool:
        """Whether rows are ordered by (time on ``timeline``, row id)."""
        col = self.timelines[timeline]
        if not col.is_sorted:
            return False
        hi, lo = self.row_id_keys
        v = col.values
        if v.size < 2:
            return True
        tie = v[1:] == v[:-1]
        if not tie.any():
            return True
        later = (hi[1:] > hi[:-1]) | ((hi[1:] == hi[:-1]) & (lo[1:] >= lo[:-1]))
        return bool(np.all(~tie | later))

    def sorted_by(self, timeline: str) -> Chunk:
        """Rows ordered by (time on ``timeline``, row id); the chunk itself if already so."""
        if timeline not in self.timelines:
            raise KeyError(f"chunk {self.id} has no timeline {timeline!r}")
        if self.is_sorted_by(timeline):
            return self
        hi, lo = self.row_id_keys
        return self.take(np.lexsort((lo, hi, self.timelines[timeline].values)))

    @classmethod
    def concat(cls, chunks: Sequence[Chunk], *, chunk_id: Tuid | None = None) -> Chunk:
        """Rows of several chunks of one entity, in the given order, under a new id.

        The chunks must share the entity and timelines; components are united (a component a
        chunk lacks is null in its rows), but one component must have one Arrow type.
        """
        if not chunks:
            raise ChunkError("cannot concatenate zero chunks")
        first = chunks[0]
        if len(chunks) == 1 and chunk_id is None:
            return first
        _check_concat(chunks)
        timelines = [
            TimeColumn.from_values(n, c.typ, np.concatenate([ch.timelines[n].values for ch in chunks]))
            for n, c in first.timelines.items()
        ]
        types: dict[ComponentDescriptor, pa.DataType] = {}
        for ch in chunks:
            for desc, arr in ch.components.items():
                types.setdefault(desc, arr.type)
        comps = {
            desc: pa.concat_arrays([ch.components.get(desc, pa.nulls(ch.num_rows, typ)) for ch in chunks])
            for desc, typ in types.items()
        }
        row_ids = np.concatenate([ch.row_ids for ch in chunks])
        return cls.from_columns(first.entity_path, row_ids, timelines, comps, chunk_id=chunk_id)

    # --- checks -------------------------------------------------------------------------

    def validate(self) -> None:
        """Raise ChunkError if the batch breaks the sorbet chunk rules."""
        if b"control" not in self._kinds:
            raise ChunkError(f"chunk has no {ROW_ID_COLUMN} column")
        rid = self.batch.column(self._kinds.index(b"control"))
        if rid.type != pa.binary(16):
            raise ChunkError(f"row id column must be fixed_size_binary[16], got {rid.type}")
        if rid.null_count:
            raise ChunkError("row id column has nulls")
        _ = self.id, self.entity_path
        rid_field = self.batch.schema.field(self._kinds.index(b"control"))
        if (rid_field.metadata or {}).get(b"rerun:is_sorted") == b"true" and not self.is_sorted_by_row_id:
            raise ChunkError("row ids are flagged sorted but are not")
        for i in self._index_positions:
            f = self.batch.schema.field(i)
            try:
                TimeType.from_arrow(f.type)
            except TypeError as exc:
                raise ChunkError(f"index {f.name!r} has type {f.type}, not a time type") from exc
            if self.batch.column(i).null_count:
                raise ChunkError(f"index {f.name!r} has nulls")
        for name, col in self.timelines.items():
            if col.is_sorted and col.values.size > 1 and np.any(col.values[1:] < col.values[:-1]):
                raise ChunkError(f"index {name!r} is flagged sorted but is not")
        for desc, arr in self.components.items():
            if not (pa.types.is_list(arr.type) or pa.types.is_large_list(arr.type)):
                raise ChunkError(f"component {desc.component!r} is not a list column: {arr.type}")

    def __repr__(self) -> str:
        kind = "static" if self.is_static else ",".join(self.timelines)
        return f"Chunk({self.id}, {self.entity_path}, rows={self.num_rows}, {kind})"


@lru_cache(maxsize=65536)
def _entity_path(raw: bytes) -> EntityPath:
    """Chunks of one entity share one parsed path."""
    try:
        return EntityPath(raw.decode())
    except UnicodeDecodeError as exc:
        raise ChunkError(f"entity path is not UTF-8: {raw!r}") from exc


def _list_column(cells: list[pa.Array | None]) -> pa.Array:
    """One list per row from flat per-row arrays (None: a null cell)."""
    present = [c for c in cells if c is not None]
    if not present:
        return pa.nulls(len(cells), pa.list_(pa.null()))
    typ = present[0].type
    flat = pa.concat_arrays([c if c.type == typ else c.cast(typ) for c in present])
    lengths = np.array([0 if c is None else len(c) for c in cells], dtype=np.int64)
    offsets = np.zeros(len(cells) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    mask = pa.array([c is None for c in cells])
    if offsets[-1] < 2**31:
        return pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), flat, mask=mask)
    return pa.LargeListArray.from_arrays(pa.array(offsets), flat, mask=mask)


def _check_concat(chunks: Sequence[Chunk]) -> None:
    first = chunks[0]
    names = {n: c.typ for n, c in first.timelines.items()}
    types: dict[str, pa.DataType] = {}
    for ch in chunks:
        if ch.entity_path != first.entity_path:
            raise ChunkError(f"cannot concatenate chunks of {first.entity_path} and {ch.entity_path}")
        if {n: c.typ for n, c in ch.timelines.items()} != names:
            raise ChunkError(f"cannot concatenate chunks with different timelines ({ch.id})")
        for desc, arr in ch.components.items():
            if types.setdefault(desc.component, arr.type) != arr.type:
                raise ChunkError(
                    f"component {desc.component!r} has two types: {types[desc.component]}, {arr.type}"
                )
