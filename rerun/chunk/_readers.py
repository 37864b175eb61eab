"""``RrdReader`` and the reader protocols (``StreamingReader``, ``IndexedReader``), ``StoreEntry``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from rerun_core.store.messages import ArrowMsg, StoreId, StoreKind
from rerun_core.store.rrd import RrdError, read_footer, read_messages

from ._stream import LazyChunkStream

if TYPE_CHECKING:
    from rerun_core.store.chunk import Chunk as CoreChunk

    from ._lazy_store import LazyStore


@runtime_checkable
class StreamingReader(Protocol):
    """A reader that produces a sequential stream of chunks."""

    def stream(self) -> LazyChunkStream:
        """A lazy stream over all chunks from this source."""
        ...


@runtime_checkable
class IndexedReader(StreamingReader, Protocol):
    """A reader backed by an index/manifest: ``store()`` opens a LazyStore over it."""

    def store(self) -> LazyStore:
        """A LazyStore view of this source."""
        ...


class StoreEntry:
    """One store (recording or blueprint) found in an .rrd file."""

    __slots__ = ("_store_id",)

    def __init__(self, store_id: StoreId) -> None:
        self._store_id = store_id

    @property
    def kind(self) -> Literal["recording", "blueprint"]:
        return "blueprint" if self._store_id.kind is StoreKind.BLUEPRINT else "recording"

    @property
    def application_id(self) -> str:
        return self._store_id.application_id

    @property
    def recording_id(self) -> str:
        return self._store_id.recording_id

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StoreEntry):
            return NotImplemented
        return self._store_id == other._store_id

    def __hash__(self) -> int:
        return hash(self._store_id)

    def __repr__(self) -> str:
        return (
            f"StoreEntry(kind={self.kind!r}, application_id={self.application_id!r}, "
            f"recording_id={self.recording_id!r})"
        )


class RrdReader:
    """Read the chunks of an .rrd file; ``stream()``/``store()`` use the first recording by default."""

    __slots__ = ("_path", "_stores")

    def __init__(self, path: str | Path) -> None:
        self._path = Path(path)
        if not self._path.is_file():
            raise ValueError(f"RRD file not found: {self._path}")
        self._stores: list[StoreId] | None = None

    def _store_ids(self) -> list[StoreId]:
        if self._stores is None:
            manifests = read_footer(self._path)
            if manifests is not None:
                self._stores = [m.store_id for m in manifests]
            else:
                seen: dict[StoreId, None] = {}
                for msg in read_messages(self._path):
                    seen.setdefault(msg.store_id, None)
                self._stores = list(seen)
        return self._stores

    def recordings(self) -> list[StoreEntry]:
        """The recording stores in the file."""
        return [StoreEntry(s) for s in self._store_ids() if s.kind is StoreKind.RECORDING]

    def blueprints(self) -> list[StoreEntry]:
        """The blueprint stores in the file."""
        return [StoreEntry(s) for s in self._store_ids() if s.kind is StoreKind.BLUEPRINT]

    def _resolve(self, store: StoreEntry | None) -> StoreId:
        if store is None:
            recordings = self.recordings()
            if not recordings:
                raise ValueError(f"{self._path} contains no recording store")
            return recordings[0]._store_id
        if not isinstance(store, StoreEntry):
            raise TypeError(f"store must be a StoreEntry or None, got {type(store).__name__}")
        if store._store_id not in self._store_ids():
            raise ValueError(f"{store!r} is not in {self._path}")
        return store._store_id

    def stream(self, *, store: StoreEntry | None = None) -> LazyChunkStream:
        """A lazy stream over one store's chunks (the file is read as chunks are pulled)."""
        store_id = self._resolve(store)
        path = self._path

        def run() -> Iterator[CoreChunk]:
            for msg in read_messages(path):
                if isinstance(msg, ArrowMsg) and msg.store_id == store_id:
                    yield msg.chunk

        return LazyChunkStream(run)

    def store(self, *, store: StoreEntry | None = None) -> LazyStore:
        """One store as a LazyStore: the footer manifest now, chunk data on demand.

        Files without a footer (older writers) raise ValueError: use ``stream().collect()``.
        """
        from ._lazy_store import LazyStore

        store_id = self._resolve(store)
        try:
            manifests = read_footer(self._path)
        except RrdError as exc:
            raise ValueError(f"cannot read the footer of {self._path}: {exc}") from None
        for m in manifests or []:
            if m.store_id == store_id:
                return LazyStore._of_file(self._path, m)
        raise ValueError(
            f"{self._path} has no footer manifest for {StoreEntry(store_id)!r}; use RrdReader(...).stream().collect()"
        )

    @property
    def path(self) -> Path:
        return self._path

    def __repr__(self) -> str:
        return f"RrdReader({self._path})"
