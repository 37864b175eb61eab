"""``rerun.chunk.LazyStore``: a store known by its manifest; chunk data loads when streamed.

Leading ``filter`` steps of its stream are decided on the manifest rows, so chunks they reject
are never read (from the file, or fetched from the server).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from rerun_core.store.chunk import Chunk as CoreChunk
from rerun_core.store.messages import ArrowMsg
from rerun_core.store.rrd import RrdManifest, decode_message
from rerun_core.store.rrd.frames import MessageKind
from rerun_core.types import EntityPath

from ._filter import ChunkFilter
from ._stream import LazyChunkStream
from ._summary import SummaryRow, _schema, format_summary

if TYPE_CHECKING:
    from rerun._schema import Schema

Loader = Callable[[Sequence[int] | None], Iterator[CoreChunk]]


def _repeated_chunks(table: pa.Table | pa.RecordBatch) -> set[int]:
    """Rows whose chunk id an earlier row already listed (a file registered as two layers of a
    segment): 0.41 shows them with neither timelines nor components."""
    if "chunk_id" not in table.schema.names:
        return set()
    seen: set[object] = set()
    out: set[int] = set()
    for i, cid in enumerate(table.column("chunk_id").to_pylist()):
        key = cid if not isinstance(cid, dict) else tuple(sorted(cid.items()))
        if key in seen:
            out.add(i)
        seen.add(key)
    return out


def manifest_rows(table: pa.Table | pa.RecordBatch) -> list[SummaryRow]:
    """What each manifest row says of its chunk: entity, rows, static, timelines, components."""
    timeline_cols: list[tuple[str, str]] = []
    static_cols: list[tuple[str, str]] = []
    count_cols: list[tuple[str, str]] = []
    for f in table.schema:
        meta = f.metadata or {}
        comp = meta.get(b"rerun:component", b"").decode()
        if f.name.endswith(":has_static_data"):
            static_cols.append((f.name, comp))
        elif f.name.endswith(":num_rows") and comp:
            count_cols.append((f.name, comp))
        elif f.name.endswith(":start") and not comp and b"rerun:index" in meta:
            timeline_cols.append((f.name, meta[b"rerun:index"].decode()))
    cols = {name: table.column(name).to_pylist() for name, _ in [*timeline_cols, *static_cols, *count_cols]}
    entities = table.column("chunk_entity_path").to_pylist()
    statics = table.column("chunk_is_static").to_pylist()
    num_rows = table.column("chunk_num_rows").to_pylist()
    repeated = _repeated_chunks(table)
    # Per entity and component one chunk holds the static data: the last one the manifest lists.
    static_owner: dict[tuple[str, str], int] = {}
    for i in range(table.num_rows):
        for name, comp in static_cols:
            if statics[i] and cols[name][i] and i not in repeated:
                static_owner[(str(entities[i]), comp)] = i
    rows = []
    for i in range(table.num_rows):
        static = bool(statics[i])
        if i in repeated:
            rows.append(SummaryRow(str(entities[i]), int(num_rows[i]), static, [], []))
            continue
        tls = sorted(tl for name, tl in timeline_cols if cols[name][i] is not None)
        if static:
            names = [comp for _, comp in static_cols if static_owner.get((str(entities[i]), comp)) == i]
        else:
            names = sorted({comp for name, comp in count_cols if (cols[name][i] or 0) > 0})
        rows.append(SummaryRow(str(entities[i]), int(num_rows[i]), static, tls, names))
    return rows


class LazyStore:
    """An index-based, on-demand chunk store (``RrdReader.store()``, ``DatasetEntry.segment_store``)."""

    __slots__ = ("_load", "_loaded", "_manifest", "_rows")

    def __init__(self, manifest: RrdManifest, load: Loader) -> None:
        self._manifest = manifest
        self._load = load
        self._loaded = 0
        self._rows = manifest_rows(manifest.table)

    @classmethod
    def _of_file(cls, path: Path, manifest: RrdManifest) -> LazyStore:
        offsets = manifest.table.column("chunk_byte_offset").to_pylist()
        sizes = manifest.table.column("chunk_byte_size").to_pylist()

        def load(which: Sequence[int] | None) -> Iterator[CoreChunk]:
            with open(path, "rb") as f:
                for i in range(len(offsets)) if which is None else which:
                    f.seek(int(offsets[i]))
                    msg = decode_message(MessageKind.ARROW_MSG, f.read(int(sizes[i])))
                    if isinstance(msg, ArrowMsg):
                        yield msg.chunk

        return cls(manifest, load)

    def schema(self) -> Schema:
        """The store's columns, from the manifest (no chunk is read)."""
        return _schema(self._manifest.sorbet_schema)

    def summary(self) -> str:
        """One line per chunk, from the manifest alone (same format as ``ChunkStore.summary``)."""
        return format_summary(self._rows)

    def _chunks(self, which: Sequence[int] | None) -> Iterator[CoreChunk]:
        for chunk in self._load(which):
            self._loaded += 1
            yield chunk

    def _pushdown(self, filters: Sequence[ChunkFilter]) -> Iterator[CoreChunk]:
        keep = [
            i
            for i, row in enumerate(self._rows)
            if all(
                f.matches_parts(EntityPath(row.entity_path), row.is_static, row.timelines, row.components)
                for f in filters
            )
        ]
        return self._chunks(keep)

    def stream(self) -> LazyChunkStream:
        """A lazy stream over the store's chunks (loaded as they are pulled)."""
        return LazyChunkStream(lambda: self._chunks(None), pushdown=self._pushdown)

    @property
    def _chunks_loaded(self) -> int:
        """How many chunks were loaded since the store was opened (for tests)."""
        return self._loaded

    def write_rrd(self, path: str | Path, *, application_id: str, recording_id: str) -> None:
        """Write every chunk to an .rrd file with these ids."""
        self.stream().write_rrd(path, application_id=application_id, recording_id=recording_id)

    def __len__(self) -> int:
        return self._manifest.table.num_rows

    def __repr__(self) -> str:
        return f"LazyStore({len(self)} chunks)"
