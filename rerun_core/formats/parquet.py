"""Parquet files as chunks: columns grouped into entities, optional index / static columns (0.41).

Layout, as 0.41's reader emits it:
- a static ``/__properties`` chunk holding the file's key/value metadata (``ParquetMetadata``);
- one chunk per entity per batch of 1024 rows (across row groups); without index columns a ``row_index`` sequence counts rows
  across the whole file;
- ``prefix`` grouping splits a column name at its first ``delimiter``: the head is the entity,
  the tail the component (packed into one ``data`` struct when the group holds several columns);
- ``static_columns`` (constant columns) land once, static, on the prefix entity (``/``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.types import ComponentDescriptor, TimeType, new_tuids

from ._common import FormatError, IndexSpec, as_list_column, entity, key_value_column, property_descriptor

BATCH_ROWS = 1024  # the Parquet reader's batch size in 0.41: one chunk per batch
_GROUPINGS = ("prefix", "individual", "explicit_prefixes")


def _groups(
    names: list[str], grouping: str, delimiter: str, prefixes: list[str] | None
) -> list[tuple[str, list[tuple[str, str]]]]:
    """``(entity part, [(column, component name)])`` in 0.41's order."""
    if grouping == "individual":
        return [(n, [(n, n)]) for n in names]
    if grouping == "prefix":
        if not delimiter:
            raise FormatError("delimiter must not be empty")
        by: dict[str, list[tuple[str, str]]] = {}
        for n in names:
            head, sep, tail = n.partition(delimiter)
            if not (sep and head and tail):
                head, tail = n, n
            by.setdefault(head, []).append((n, tail))
        return sorted(by.items())
    if not prefixes:
        raise FormatError('column_grouping="explicit_prefixes" needs `prefixes`')
    ordered = sorted(prefixes, key=len, reverse=True)
    found: dict[str, list[tuple[str, str]]] = {p: [] for p in prefixes}
    rest: list[tuple[str, list[tuple[str, str]]]] = []
    for n in names:
        hit = next((p for p in ordered if n.startswith(p) and len(n) > len(p)), None)
        if hit is None:
            rest.append((n, [(n, n)]))
        else:
            found[hit].append((n, n[len(hit) :]))
    return [(p, cols) for p, cols in found.items() if cols] + rest


@dataclass(frozen=True)
class ParquetOptions:
    entity_path_prefix: str | None = None
    column_grouping: str = "prefix"
    delimiter: str = "_"
    prefixes: list[str] | None = None
    use_structs: bool = True
    static_columns: list[str] | None = None
    index_columns: list[IndexSpec] | None = None


def open_parquet(path: str | Path) -> object:
    import pyarrow.parquet as pq

    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"No such file: {p}")
    try:
        return pq.ParquetFile(p)
    except (pa.ArrowInvalid, OSError) as err:
        raise FormatError(f"{p}: not a Parquet file ({err})") from None


def _components(
    table: pa.Table, cols: list[tuple[str, str]], use_structs: bool
) -> dict[ComponentDescriptor, pa.Array]:
    if len(cols) > 1 and use_structs:
        arrays = [table.column(c).combine_chunks() for c, _ in cols]
        struct = pa.StructArray.from_arrays(arrays, names=[name for _, name in cols])
        return {ComponentDescriptor("data"): as_list_column(struct)}
    return {ComponentDescriptor(name): as_list_column(table.column(c).combine_chunks()) for c, name in cols}


def _sorted_by_index(table: pa.Table, specs: list[IndexSpec]) -> pa.Table:
    """Rows ordered by the index columns, taken in name order (as 0.41's chunks sort them)."""
    keys = [s.to_int64(table.column(s.path)) for s in sorted(specs, key=lambda s: s.path)]
    order = np.lexsort(keys[::-1])
    if np.array_equal(order, np.arange(len(order))):
        return table
    return table.take(pa.array(order))


def iter_parquet_chunks(path: str | Path, opts: ParquetOptions) -> Iterator[Chunk]:
    pf = open_parquet(path)
    if opts.column_grouping not in _GROUPINGS:
        raise FormatError(f"unknown column_grouping {opts.column_grouping!r} ({', '.join(_GROUPINGS)})")
    schema = pf.schema_arrow  # type: ignore[attr-defined]
    index_specs = list(opts.index_columns or [])
    statics = list(opts.static_columns or [])
    for name in [s.path for s in index_specs] + statics:
        if name not in schema.names:
            raise FormatError(f"column {name!r} not found in {path}")
    meta = pf.metadata.metadata or {}  # type: ignore[attr-defined]
    if meta:
        pairs = [(k.decode("utf-8", "replace"), v.decode("utf-8", "replace")) for k, v in meta.items()]
        yield Chunk.from_columns(
            "/__properties",
            new_tuids(1),
            [],
            {property_descriptor("ParquetMetadata", "file_metadata"): key_value_column(pairs)},
        )
    skip = {s.path for s in index_specs} | set(statics)
    data_names = [n for n in schema.names if n not in skip]
    groups = _groups(data_names, opts.column_grouping, opts.delimiter, opts.prefixes)
    offset = 0
    static_done = False
    for batch in pf.iter_batches(batch_size=BATCH_ROWS):  # type: ignore[attr-defined]
        table = pa.Table.from_batches([batch])
        n = table.num_rows
        if index_specs:
            table = _sorted_by_index(table, index_specs)
            # 0.41 sorts the rows by the index columns in name order, then flags every one sorted
            timelines = [
                TimeColumn(s.path, s.time_type, s.to_int64(table.column(s.path)), True) for s in index_specs
            ]
        else:
            timelines = [
                TimeColumn.from_values("row_index", TimeType.SEQUENCE, np.arange(offset, offset + n))
            ]
        offset += n
        for part, cols in groups:
            yield Chunk.from_columns(
                entity(opts.entity_path_prefix, part),
                new_tuids(n),
                timelines,
                _components(table, cols, opts.use_structs),
            )
        if statics and not static_done and n:
            static_done = True
            comps = {}
            for c in statics:
                col = table.column(c)
                if len(pc.unique(col)) > 1:
                    raise FormatError(f"static column {c!r} has varying values")
                comps[ComponentDescriptor(c)] = as_list_column(pc.take(col.combine_chunks(), pa.array([0])))
            yield Chunk.from_columns(entity(opts.entity_path_prefix), new_tuids(1), [], comps)
