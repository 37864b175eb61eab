"""``rerun.experimental.RrdReader``: iterate the chunks stored in an .rrd file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from rerun_core.store.messages import ArrowMsg, StoreId, StoreKind
from rerun_core.store.rrd import read_messages

from ._chunk import Chunk


class StoreEntry:
    """One store (recording or blueprint) found in an .rrd file."""

    def __init__(self, store_id: StoreId) -> None:
        self.store_id = store_id

    @property
    def application_id(self) -> str:
        return self.store_id.application_id

    @property
    def recording_id(self) -> str:
        return self.store_id.recording_id

    @property
    def kind(self) -> str:
        return self.store_id.kind.name.lower()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StoreEntry) and other.store_id == self.store_id

    def __hash__(self) -> int:
        return hash(self.store_id)

    def __repr__(self) -> str:
        return f"StoreEntry({self.store_id})"


class LazyChunkStream:
    """Chunks of one store, read from disk as they are iterated (every iteration re-reads)."""

    def __init__(self, path: Path, store: StoreId | None) -> None:
        self._path = path
        self._store = store

    def __iter__(self) -> Iterator[Chunk]:
        for msg in read_messages(self._path):
            if isinstance(msg, ArrowMsg) and msg.store_id == self._store:
                yield Chunk(msg.chunk)

    def to_list(self) -> list[Chunk]:
        return list(self)


class RrdReader:
    """Read the chunks of an .rrd file; ``stream()`` walks the first recording by default."""

    def __init__(self, path: str | Path) -> None:
        self._path = Path(path)
        if not self._path.is_file():
            raise FileNotFoundError(f"RRD file not found: {self._path}")

    def _stores(self) -> list[StoreId]:
        seen: dict[StoreId, None] = {}
        for msg in read_messages(self._path):
            seen.setdefault(msg.store_id, None)
        return list(seen)

    def recordings(self) -> list[StoreEntry]:
        """The recording stores in the file, in order of first appearance."""
        return [StoreEntry(s) for s in self._stores() if s.kind is StoreKind.RECORDING]

    def blueprints(self) -> list[StoreEntry]:
        """The blueprint stores in the file, in order of first appearance."""
        return [StoreEntry(s) for s in self._stores() if s.kind is StoreKind.BLUEPRINT]

    def stream(self, *, store: StoreEntry | None = None) -> LazyChunkStream:
        """The chunks of ``store`` (default: the file's only/first recording)."""
        if store is None:
            recordings = self.recordings()
            if not recordings:
                raise ValueError(f"{self._path} contains no recording")
            store = recordings[0]
        return LazyChunkStream(self._path, store.store_id)

    @property
    def path(self) -> Path:
        return self._path

    def __repr__(self) -> str:
        return f"RrdReader({str(self._path)!r})"
