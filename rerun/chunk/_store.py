"""``rerun.chunk.ChunkStore`` (materialized) and ``LazyStore`` (manifest in memory, chunks on demand)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from rerun_core.store.chunk import Chunk as CoreChunk
from rerun_core.store.compaction import compact
from rerun_core.store.messages import StoreId, StoreKind
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
    """A catalog ``Schema``: timelines by name, then component columns by column name (as 0.41)."""
    from rerun.catalog._schema import Schema

    fields = list(arrow)
    index = sorted(
        (f for f in fields if (f.metadata or {}).get(b"rerun:kind") == b"index"), key=lambda f: f.name
    )
    rest = sorted(
        (f for f in fields if (f.metadata or {}).get(b"rerun:kind") != b"index"), key=lambda f: f.name
    )
    return Schema(pa.schema(index + rest, metadata=arrow.metadata))


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
