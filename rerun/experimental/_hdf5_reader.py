"""``rerun.experimental.Hdf5Reader``: an HDF5 file as a lazy chunk stream (0.41)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..chunk import LazyChunkStream

if TYPE_CHECKING:
    from rerun_core.store.chunk import Chunk as CoreChunk

    from ..chunk import IndexColumn


@dataclass(frozen=True)
class DatasetInfo:
    """Structural metadata of one HDF5 dataset: its full ``path``, ``shape`` and ``dtype`` name."""

    path: str
    shape: tuple[int, ...]
    dtype: str


class Hdf5Reader:
    """Read chunks from an HDF5 file: groups become entities, datasets their columns.

    Raises ``FileNotFoundError`` when ``path`` does not exist.
    """

    def __init__(self, path: str | Path) -> None:
        self._path = Path(path)
        if not self._path.exists():
            raise FileNotFoundError(f"HDF5 file not found: {self._path}")

    def _open(self) -> Any:
        from rerun_core.formats.hdf5 import open_hdf5

        return open_hdf5(self._path)

    def stream(
        self,
        *,
        root_group: str | None = None,
        entity_path_prefix: str | None = None,
        index_column: IndexColumn | None = None,
        ignore_datasets: list[str] | None = None,
        use_structs: bool = True,
    ) -> LazyChunkStream:
        """A lazy stream over the file's chunks; the layout is validated here (``ValueError``)."""
        from rerun_core.formats._common import IndexSpec
        from rerun_core.formats.hdf5 import Hdf5Options, iter_hdf5_chunks

        opts = Hdf5Options(
            root_group=root_group,
            entity_path_prefix=entity_path_prefix,
            index_column=None if index_column is None else IndexSpec(*index_column._as_internal_tuple()),
            ignore_datasets=list(ignore_datasets) if ignore_datasets is not None else None,
            use_structs=use_structs,
        )
        with self._open() as f:
            iter_hdf5_chunks(f, opts)  # eager validation

        def source() -> Iterator[CoreChunk]:
            with self._open() as f:
                yield from iter_hdf5_chunks(f, opts, warn=False)

        return LazyChunkStream(source)

    def _group(self, f: Any, path: str) -> Any:
        key = path.strip("/")
        if key and key not in f:
            raise KeyError(f'Object "{path}" not found in the file')
        return f[key] if key else f

    def groups(self, path: str = "/") -> list[str]:
        """The group paths under ``path``, recursively (metadata only)."""
        from rerun_core.formats.hdf5 import walk

        with self._open() as f:
            return [obj.name for kind, obj in walk(self._group(f, path)) if kind == "group"]

    def datasets(self, path: str = "/") -> list[DatasetInfo]:
        """The datasets under ``path``, recursively, with their shape and dtype (metadata only)."""
        from rerun_core.formats.hdf5 import dtype_name, walk

        with self._open() as f:
            return [
                DatasetInfo(path=obj.name, shape=tuple(obj.shape), dtype=dtype_name(obj))
                for kind, obj in walk(self._group(f, path))
                if kind == "dataset"
            ]

    def attributes(self, path: str = "/") -> dict[str, int | float | str | bytes | list[int | float | str]]:
        """The attributes of the object at ``path`` as Python values; ``KeyError`` if it does not exist."""
        from rerun_core.formats.hdf5 import attribute_value

        with self._open() as f:
            obj = self._group(f, path)
            return {name: attribute_value(obj.attrs[name]) for name in sorted(obj.attrs.keys())}

    @property
    def path(self) -> Path:
        """The file path of the HDF5 file."""
        return self._path

    def __repr__(self) -> str:
        return f"Hdf5Reader({self._path})"
