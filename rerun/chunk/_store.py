"""``rerun.chunk.ChunkStore`` (materialized) and ``LazyStore`` (manifest in memory, chunks on demand)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from rerun_core.store.chunk import Chunk as CoreChunk
from rerun_core.store.compaction import compact
from rerun_core.store.messages import ArrowMsg, StoreId, StoreKind
from rerun_core.store.rrd import RrdManifest, decode_message
from rerun_core.store.rrd.frames import MessageKind
from rerun_core.store.rrd.manifest import ManifestBuilder

from ._chunk import Chunk
from ._filter import ContentArg, ExprSource
from ._stream import LazyChunkStream

if TYPE_CHECKING:
    import datafusion

    from rerun.catalog import Schema


_ANON = StoreId(StoreKind.RECORDING, "", "")


@dataclass(frozen=True, slots=True)
class SummaryRow:
    entity_path: str
    num_rows: int
    is_static: bool
    timelines: list[str]
    components: list[str]

    def line(self) -> str:
        tls = ", ".join(f"'{t}'" for t in self.timelines)
        cols = ", ".join(f"'{c}'" for c in sorted([*self.components, *self.timelines]))
        return (
            f"{self.entity_path} rows={self.num_rows} static={self.is_static} timelines=[{tls}] cols=[{cols}]"
        )


def format_summary(rows: Iterable[SummaryRow]) -> str:
    ordered = sorted(rows, key=lambda r: (r.entity_path, not r.is_static))
    return "\n".join(r.line() for r in ordered)


def _schema(arrow: pa.Schema) -> Schema:
    from rerun.catalog._schema import Schema

    return Schema(arrow)


def _write(stream: LazyChunkStream, path: str | Path, application_id: str, recording_id: str) -> None:
    stream.write_rrd(path, application_id=application_id, recording_id=recording_id)


class ChunkStore:
    """A fully materialized, in-memory set of chunks (Rerun's store semantics: newest static wins)."""

    __slots__ = ("_chunks",)

    def __init__(self, chunks: Sequence[CoreChunk]) -> None:
        self._chunks = list(chunks)

    @classmethod
    def _of(cls, chunks: Sequence[CoreChunk]) -> ChunkStore:
        return cls(chunks)

    @staticmethod
    def from_chunks(chunks: Sequence[Chunk]) -> ChunkStore:
        """A store of these chunks as given (no compaction)."""
        core = []
        for c in chunks:
            if not isinstance(c, Chunk):
                raise TypeError(f"from_chunks expects Chunk objects, got {type(c).__name__}")
            core.append(c._internal)
        return ChunkStore(compact(core, None))

    def _builder(self) -> ManifestBuilder:
        builder = ManifestBuilder(_ANON)
        for c in self._chunks:
            builder.add(c, 0, 0, 0)
        return builder

    def schema(self) -> Schema:
        """The timelines and component columns of every chunk, as a catalog ``Schema``."""
        return _schema(self._builder().sorbet_schema())

    def summary(self) -> str:
        """One line per chunk: ``{entity} rows={n} static={bool} timelines=[...] cols=[...]``."""
        return format_summary(
            SummaryRow(
                c.entity_path.path,
                c.num_rows,
                c.is_static,
                sorted(c.timelines),
                [d.component for d in c.components],
            )
            for c in self._chunks
        )

    def stream(self) -> LazyChunkStream:
        """A lazy stream over the store's chunks."""
        chunks = self._chunks
        return LazyChunkStream(lambda: iter(chunks))

    def reader(
        self,
        index: str | None,
        *,
        contents: ContentArg = None,
        include_semantically_empty_columns: bool = False,
        include_tombstone_columns: bool = False,
        fill_latest_at: bool = False,
        using_index_values: Iterable[int] | np.ndarray | None = None,
        ctx: datafusion.SessionContext | None = None,
    ) -> datafusion.DataFrame:
        """A DataFusion DataFrame over the store, shaped like a dataset reader's (no segment column)."""
        import datafusion

        from rerun_core.store.dataframe import dataframe
        from rerun_core.store.store import ChunkStore as CoreStore

        exprs: list[str]
        if contents is None:
            exprs = ["/**"]
        elif isinstance(contents, str):
            exprs = [contents]
        elif isinstance(contents, ExprSource):
            exprs = contents.to_exprs()
        else:
            exprs = list(contents)
        core = CoreStore()
        core.insert_many(self._chunks)
        table = dataframe(
            core,
            index,
            exprs,
            fill_latest_at=fill_latest_at,
            using_index_values=using_index_values,
            include_tombstone_columns=include_tombstone_columns,
            include_semantically_empty_columns=include_semantically_empty_columns,
        )
        context = ctx if ctx is not None else datafusion.SessionContext.global_ctx()
        return context.from_arrow(table)

    def write_rrd(self, path: str | Path, *, application_id: str, recording_id: str) -> None:
        """Write every chunk to an .rrd file with these ids."""
        _write(self.stream(), path, application_id, recording_id)

    def __len__(self) -> int:
        return len(self._chunks)

    def __repr__(self) -> str:
        return f"ChunkStore({len(self)} chunks)"


class LazyStore:
    """An .rrd store opened through its footer manifest: chunks are read only when streamed."""

    __slots__ = ("_loaded", "_manifest", "_path")

    def __init__(self, path: Path, manifest: RrdManifest) -> None:
        self._path = path
        self._manifest = manifest
        self._loaded = 0

    def _column(self, name: str) -> list[object]:
        return self._manifest.table.column(name).to_pylist()

    def schema(self) -> Schema:
        """The store's columns, from the manifest (no chunk is read)."""
        return _schema(self._manifest.sorbet_schema)

    def summary(self) -> str:
        """One line per chunk, from the manifest alone (same format as ``ChunkStore.summary``)."""
        table = self._manifest.table
        timeline_cols: list[tuple[str, str]] = []  # (column, timeline)
        static_cols: list[tuple[str, str]] = []  # (column, component)
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
        cols = {
            name: table.column(name).to_pylist() for name, _ in [*timeline_cols, *static_cols, *count_cols]
        }
        rows = []
        for i in range(table.num_rows):
            static = bool(table.column("chunk_is_static")[i].as_py())
            tls = sorted(tl for name, tl in timeline_cols if cols[name][i] is not None)
            if static:
                names = [comp for name, comp in static_cols if cols[name][i]]
            else:
                names = sorted({comp for name, comp in count_cols if (cols[name][i] or 0) > 0})
            entity = str(table.column("chunk_entity_path")[i].as_py())
            rows.append(
                SummaryRow(entity, int(table.column("chunk_num_rows")[i].as_py()), static, tls, names)
            )
        return format_summary(rows)

    def _chunks(self) -> Iterator[CoreChunk]:
        offsets = self._column("chunk_byte_offset")
        sizes = self._column("chunk_byte_size")
        with open(self._path, "rb") as f:
            for off, size in zip(offsets, sizes, strict=True):
                assert isinstance(off, int) and isinstance(size, int)
                f.seek(off)
                msg = decode_message(MessageKind.ARROW_MSG, f.read(size))
                self._loaded += 1
                if isinstance(msg, ArrowMsg):
                    yield msg.chunk

    def stream(self) -> LazyChunkStream:
        """A lazy stream over the store's chunks (read from the file as they are pulled)."""
        return LazyChunkStream(self._chunks)

    @property
    def _chunks_loaded(self) -> int:
        """How many chunks were read from the file since the store was opened."""
        return self._loaded

    def write_rrd(self, path: str | Path, *, application_id: str, recording_id: str) -> None:
        """Write every chunk to an .rrd file with these ids."""
        _write(self.stream(), path, application_id, recording_id)

    def __len__(self) -> int:
        return self._manifest.table.num_rows

    def __repr__(self) -> str:
        return f"LazyStore({len(self)} chunks)"
