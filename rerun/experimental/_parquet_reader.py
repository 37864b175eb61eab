"""``rerun.experimental.ParquetReader``: a Parquet file as a lazy chunk stream (0.41)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..chunk import LazyChunkStream

if TYPE_CHECKING:
    from rerun_core.store.chunk import Chunk as CoreChunk

    from ..chunk import IndexColumn


class ParquetReader:
    """Read chunks from a Parquet file (columns grouped into entities; map them with lenses).

    Raises ``FileNotFoundError`` when ``path`` does not exist.
    """

    def __init__(self, path: str | Path) -> None:
        from rerun_core.formats.parquet import open_parquet

        self._path = Path(path)
        open_parquet(self._path)

    def stream(
        self,
        *,
        entity_path_prefix: str | None = None,
        column_grouping: str = "prefix",
        delimiter: str = "_",
        prefixes: list[str] | None = None,
        use_structs: bool = True,
        static_columns: list[str] | None = None,
        index_columns: list[IndexColumn] | None = None,
    ) -> LazyChunkStream:
        """A lazy stream over all chunks in the file; without ``index_columns`` a ``row_index`` sequence."""
        from rerun_core.formats.parquet import IndexSpec, ParquetOptions, iter_parquet_chunks

        opts = ParquetOptions(
            entity_path_prefix=entity_path_prefix,
            column_grouping=column_grouping,
            delimiter=delimiter,
            prefixes=list(prefixes) if prefixes is not None else None,
            use_structs=use_structs,
            static_columns=list(static_columns) if static_columns is not None else None,
            index_columns=None
            if index_columns is None
            else [IndexSpec(*ic._as_internal_tuple()) for ic in index_columns],
        )
        path = self._path

        def source() -> Iterator[CoreChunk]:
            return iter_parquet_chunks(path, opts)

        return LazyChunkStream(source)

    @property
    def path(self) -> Path:
        """The file path of the Parquet file."""
        return self._path

    def __repr__(self) -> str:
        return f"ParquetReader({self._path})"
