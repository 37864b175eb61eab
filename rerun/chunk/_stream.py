"""``rerun.chunk.LazyChunkStream``: a lazy, composable pipeline over chunks, and ``ChunkStore``.

A stream is a recipe: a source (a file, a store, an iterable) plus steps. Builder methods
(``filter``, ``drop``, ``split``, ``map``, ``flat_map``, ``lenses``, ``merge``) consume their
input stream (reusing it raises ``ValueError``); terminals (``to_chunks``, iteration,
``collect``, ``write_rrd``) run the recipe afresh each time and leave the stream usable.

``ChunkStore`` (materialized chunks) lives here too: ``collect`` makes one and its ``stream``
is a stream again, so the two types are one unit (apart they would import each other).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from rerun_core.store.chunk import Chunk as CoreChunk
from rerun_core.store.compaction import Thresholds, compact
from rerun_core.store.gop_batching import rebatch_videos
from rerun_core.store.lenses import OUTPUT_MODES, LensError, apply_lenses
from rerun_core.store.messages import (
    ArrowMsg,
    SetStoreInfo,
    StoreId,
    StoreInfo,
    StoreKind,
    StoreSource,
    StoreSourceKind,
)
from rerun_core.store.rrd import RrdWriter
from rerun_core.store.rrd.manifest import ManifestBuilder
from rerun_core.types import ComponentDescriptor, new_tuid

from ._chunk import Chunk
from ._filter import ChunkFilter, ContentArg, ExprSource, content_rules, matches_content
from ._lens import Lens, core_lenses
from ._summary import _ANON, SummaryRow, _schema, format_summary

if TYPE_CHECKING:
    import datafusion

    from rerun._schema import Schema

    from ._profile import OptimizationProfile

Source = Callable[[], Iterator[CoreChunk]]
Pushdown = Callable[[Sequence[ChunkFilter]], Iterator[CoreChunk]]
ComponentsArg = ComponentDescriptor | str | Sequence[ComponentDescriptor | str] | None
STORE_SOURCE = StoreSource(StoreSourceKind.OTHER, b"rerun-sdk-python-chunk-pipeline")


class _Split:
    """One upstream run shared by the two branches of ``split`` (each buffers what it has not read)."""

    def __init__(self, source: Source, flt: ChunkFilter) -> None:
        self.source = source
        self.filter = flt
        self.upstream: Iterator[CoreChunk] | None = None
        self.queues: tuple[deque[CoreChunk], deque[CoreChunk]] = (deque(), deque())
        self.done = [False, False]

    def branch(self, side: int) -> Iterator[CoreChunk]:
        if self.upstream is None or self.done[side]:
            self.upstream = self.source()
            self.queues = (deque(), deque())
            self.done = [False, False]
        upstream, queue = self.upstream, self.queues[side]
        while True:
            if queue:
                yield queue.popleft()
                continue
            chunk = next(upstream, None)
            if chunk is None:
                self.done[side] = True
                return
            hit, miss = self.filter.split(chunk)
            if hit is not None:
                self.queues[0].append(hit)
            if miss is not None:
                self.queues[1].append(miss)


def _from_iterable(chunks: Iterable[Chunk]) -> Source:
    def run() -> Iterator[CoreChunk]:
        for c in chunks:
            if not isinstance(c, Chunk):
                raise TypeError(f"LazyChunkStream.from_iter expects Chunk objects, got {type(c).__name__}")
            yield c._internal

    return run


class LazyChunkStream:
    """A lazy pipeline over chunks; see the module docstring for consume/terminal rules."""

    __slots__ = ("_consumed", "_filters", "_pushdown", "_source")

    def __init__(
        self,
        source: Source,
        *,
        pushdown: Pushdown | None = None,
        filters: tuple[ChunkFilter, ...] = (),
    ) -> None:
        self._source = source
        self._consumed = False
        # An indexed source decides leading filters on its manifest (see LazyStore).
        self._pushdown = pushdown
        self._filters = filters

    def _take(self) -> Source:
        self._check_unconsumed()
        self._consumed = True
        return self._source

    def _run(self) -> Iterator[CoreChunk]:
        self._check_unconsumed()
        return self._source()

    def _check_unconsumed(self) -> None:
        if self._consumed:
            raise ValueError(
                "This stream has already been consumed by a pipeline operation (e.g. filter, drop, split, or merge)."
            )

    # --- structured filtering -----------------------------------------------------------------

    def filter(
        self,
        *,
        content: ContentArg = None,
        has_timeline: str | None = None,
        is_static: bool | None = None,
        components: ComponentsArg = None,
    ) -> LazyChunkStream:
        """Keep the matching part of each chunk (predicates AND-ed; ``components`` keeps columns)."""
        flt = ChunkFilter.make(content, has_timeline, is_static, components)
        source = self._take()
        pushdown = self._pushdown
        if pushdown is not None:
            filters = (*self._filters, flt)

            def pushed() -> Iterator[CoreChunk]:
                for c in pushdown(filters):
                    for f in filters:
                        kept = f.keep(c)
                        if kept is None:
                            break
                        c = kept
                    else:
                        yield c

            return LazyChunkStream(pushed, pushdown=pushdown, filters=filters)
        return LazyChunkStream(lambda: (out for c in source() if (out := flt.keep(c)) is not None))

    def drop(
        self,
        *,
        content: ContentArg = None,
        has_timeline: str | None = None,
        is_static: bool | None = None,
        components: ComponentsArg = None,
    ) -> LazyChunkStream:
        """Drop what ``filter`` with the same arguments would keep."""
        flt = ChunkFilter.make(content, has_timeline, is_static, components)
        source = self._take()
        return LazyChunkStream(lambda: (out for c in source() if (out := flt.complement(c)) is not None))

    def split(
        self,
        *,
        content: ContentArg = None,
        has_timeline: str | None = None,
        is_static: bool | None = None,
        components: ComponentsArg = None,
    ) -> tuple[LazyChunkStream, LazyChunkStream]:
        """(matching, non-matching) over one shared run of the upstream."""
        shared = _Split(self._take(), ChunkFilter.make(content, has_timeline, is_static, components))
        return LazyChunkStream(lambda: shared.branch(0)), LazyChunkStream(lambda: shared.branch(1))

    @staticmethod
    def merge(*streams: LazyChunkStream) -> LazyChunkStream:
        """All chunks of all streams (each stream's order kept)."""
        for s in streams:
            if not isinstance(s, LazyChunkStream):
                raise TypeError(f"merge expects LazyChunkStream arguments, got {type(s).__name__}")
        sources = [s._take() for s in streams]
        return LazyChunkStream(lambda: (c for src in sources for c in src()))

    # --- map / flat_map / lenses --------------------------------------------------------------

    def map(self, fn: Callable[[Chunk], Chunk]) -> LazyChunkStream:
        """Apply ``fn`` to each chunk; it must return one Chunk."""
        source = self._take()

        def run() -> Iterator[CoreChunk]:
            for c in source():
                out = fn(Chunk(c))
                if not isinstance(out, Chunk):
                    raise TypeError(f"map function must return a Chunk, got {type(out).__name__}")
                yield out._internal

        return LazyChunkStream(run)

    def flat_map(self, fn: Callable[[Chunk], Iterable[Chunk]]) -> LazyChunkStream:
        """Apply ``fn`` to each chunk; it returns zero or more Chunks."""
        source = self._take()

        def run() -> Iterator[CoreChunk]:
            for c in source():
                for out in fn(Chunk(c)):
                    if not isinstance(out, Chunk):
                        raise TypeError(f"flat_map function must yield Chunks, got {type(out).__name__}")
                    yield out._internal

        return LazyChunkStream(run)

    def lenses(
        self,
        lenses: Sequence[Lens] | Lens,
        *,
        output_mode: Literal["drop_unmatched", "forward_unmatched", "forward_all"] = "drop_unmatched",
        content: ContentArg = None,
    ) -> LazyChunkStream:
        """Apply lenses; ``content`` limits them to some entities (others pass through unchanged)."""
        if output_mode not in OUTPUT_MODES:
            raise ValueError(
                f"Unknown output_mode {output_mode!r}, expected 'forward_all', 'forward_unmatched', or 'drop_unmatched'"
            )
        core = core_lenses(lenses)
        rules = content_rules(content)
        source = self._take()

        def run() -> Iterator[CoreChunk]:
            for c in source():
                if rules is not None and not matches_content(rules, c.entity_path):
                    yield c
                    continue
                try:
                    yield from apply_lenses(core, c, output_mode)
                except LensError as exc:
                    raise RuntimeError(f"Lenses error: {exc}") from None

        return LazyChunkStream(run)

    # --- terminals ----------------------------------------------------------------------------

    def to_chunks(self) -> list[Chunk]:
        """Run the pipeline; all chunks as a list."""
        return [Chunk(c) for c in self._run()]

    def __iter__(self) -> Iterator[Chunk]:
        for c in self._run():
            yield Chunk(c)

    def collect(self, *, optimize: OptimizationProfile | None = None) -> ChunkStore:
        """Run the pipeline into a ChunkStore (compacted on insert, as Rerun's store does)."""
        from ._profile import OptimizationProfile

        if optimize is None:
            return ChunkStore._of(compact(self._run()))
        if not isinstance(optimize, OptimizationProfile):
            raise TypeError(f"optimize must be an OptimizationProfile or None, got {type(optimize).__name__}")
        live = OptimizationProfile.LIVE
        th = Thresholds(
            optimize.max_bytes if optimize.max_bytes is not None else live.max_bytes or 0,
            optimize.max_rows if optimize.max_rows is not None else live.max_rows or 0,
            optimize.max_rows_if_unsorted
            if optimize.max_rows_if_unsorted is not None
            else live.max_rows_if_unsorted or 0,
        )
        chunks = compact(
            self._run(), th, extra_passes=optimize.extra_passes, split_size_ratio=optimize.split_size_ratio
        )
        if optimize.gop_batching:
            chunks = rebatch_videos(
                chunks, th, fix_keyframe=optimize.fix_keyframe, extra_passes=optimize.extra_passes
            )
        return ChunkStore._of(chunks)

    def write_rrd(self, path: str | Path, *, application_id: str, recording_id: str) -> None:
        """Run the pipeline into an .rrd file holding one recording with these ids."""
        store_id = StoreId(StoreKind.RECORDING, str(recording_id), str(application_id))
        chunks = self._run()
        with RrdWriter(Path(path)) as writer:
            writer.write(SetStoreInfo(new_tuid(), StoreInfo(store_id, STORE_SOURCE)))
            for c in chunks:
                writer.write(ArrowMsg(store_id, c))

    @staticmethod
    def from_iter(chunks: Iterable[Chunk]) -> LazyChunkStream:
        """A stream over a Python iterable of Chunks (a generator can be run only once)."""
        if not isinstance(chunks, Iterable):
            raise TypeError(f"from_iter expects an iterable of Chunk, got {type(chunks).__name__}")
        return LazyChunkStream(_from_iterable(chunks))

    def __repr__(self) -> str:
        return "LazyChunkStream()"


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
        self.stream().write_rrd(path, application_id=application_id, recording_id=recording_id)

    def __len__(self) -> int:
        return len(self._chunks)

    def __repr__(self) -> str:
        return f"ChunkStore({len(self)} chunks)"
