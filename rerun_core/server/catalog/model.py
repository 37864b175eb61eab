"""In-memory catalog: datasets made of segments (one recording each, loaded from an .rrd)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from rerun_core.store.chunk import Chunk
from rerun_core.store.messages import ArrowMsg, StoreId, StoreKind
from rerun_core.store.rrd import RrdError, read_footer, read_messages
from rerun_core.types.tuid import Tuid, TuidGenerator

_IDS = TuidGenerator()


class CatalogError(Exception):
    """A request the catalog refuses; ``code`` names the gRPC status (e.g. ``NOT_FOUND``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Segment:
    """One recording of a dataset, as registered from one ``.rrd`` file (layer ``base``)."""

    segment_id: str
    storage_url: str
    layer: str
    store_id: StoreId
    chunks: list[Chunk]
    size_bytes: int
    registered_at_ns: int = field(default_factory=time.time_ns)
    _by_id: dict[Tuid, Chunk] = field(default_factory=dict, repr=False)

    def chunk(self, chunk_id: Tuid) -> Chunk | None:
        if len(self._by_id) != len(self.chunks):
            self._by_id = {c.id: c for c in self.chunks}
        return self._by_id.get(chunk_id)


@dataclass
class Dataset:
    id: Tuid
    name: str
    created_at_ns: int = field(default_factory=time.time_ns)
    updated_at_ns: int = field(default_factory=time.time_ns)
    segments: dict[str, Segment] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"memory:///{self.id}"


def path_from_url(url: str) -> Path:
    """A local path from a ``file://`` URL or a plain path; other schemes are refused."""
    parsed = urlparse(url)
    if parsed.scheme == "file":
        if parsed.netloc not in ("", "localhost"):
            raise CatalogError("INVALID_ARGUMENT", f"file URL with a remote host is not supported: {url}")
        return Path(unquote(parsed.path))
    if parsed.scheme == "":
        return Path(url)
    raise CatalogError("INVALID_ARGUMENT", f"only file:// storage URLs are supported, got {url!r}")


def load_segments(path: Path, layer: str = "base") -> list[Segment]:
    """The recordings of one ``.rrd`` file, one segment each (id = the recording id)."""
    if not path.is_file():
        raise CatalogError("NOT_FOUND", f"no such .rrd file: {path}")
    try:
        read_footer(path)  # checks the footer checksum when there is one
        by_store: dict[StoreId, list[Chunk]] = {}
        for msg in read_messages(path):
            if isinstance(msg, ArrowMsg) and msg.store_id.kind == StoreKind.RECORDING:
                by_store.setdefault(msg.store_id, []).append(msg.chunk)
    except (RrdError, OSError) as exc:
        raise CatalogError("INVALID_ARGUMENT", f"cannot read {path}: {exc}") from None
    if not by_store:
        raise CatalogError("INVALID_ARGUMENT", f"{path} holds no recording data")
    url = path.absolute().as_uri()
    size = path.stat().st_size
    return [
        Segment(sid.recording_id, url, layer, sid, chunks, size // len(by_store))
        for sid, chunks in by_store.items()
    ]


class Catalog:
    """Datasets by id and name; every method is thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._datasets: dict[Tuid, Dataset] = {}

    def datasets(self) -> list[Dataset]:
        with self._lock:
            return list(self._datasets.values())

    def by_id(self, entry_id: Tuid) -> Dataset:
        with self._lock:
            ds = self._datasets.get(entry_id)
        if ds is None:
            raise CatalogError("NOT_FOUND", f"no dataset with id {entry_id}")
        return ds

    def by_name(self, name: str) -> Dataset:
        with self._lock:
            for ds in self._datasets.values():
                if ds.name == name:
                    return ds
        raise CatalogError("NOT_FOUND", f"no dataset named {name!r}")

    def create(self, name: str, entry_id: Tuid | None = None) -> Dataset:
        if not name:
            raise CatalogError("INVALID_ARGUMENT", "a dataset needs a name")
        with self._lock:
            if any(ds.name == name for ds in self._datasets.values()):
                raise CatalogError("ALREADY_EXISTS", f"a dataset named {name!r} already exists")
            ds = Dataset(entry_id or _IDS.new(), name)
            self._datasets[ds.id] = ds
            return ds

    def delete(self, entry_id: Tuid) -> None:
        with self._lock:
            if self._datasets.pop(entry_id, None) is None:
                raise CatalogError("NOT_FOUND", f"no dataset with id {entry_id}")

    def rename(self, entry_id: Tuid, name: str) -> Dataset:
        if not name:
            raise CatalogError("INVALID_ARGUMENT", "an entry name cannot be empty")
        with self._lock:
            ds = self.by_id(entry_id)
            if any(d.name == name and d.id != entry_id for d in self._datasets.values()):
                raise CatalogError("ALREADY_EXISTS", f"a dataset named {name!r} already exists")
            ds.name = name
            ds.updated_at_ns = time.time_ns()
            return ds

    def register(self, ds: Dataset, segments: list[Segment], on_duplicate: str = "error") -> list[Segment]:
        """Add segments; a segment id already there is replaced, kept or refused per ``on_duplicate``."""
        added = []
        with self._lock:
            dup = [s.segment_id for s in segments if s.segment_id in ds.segments]
            if dup and on_duplicate == "error":  # checked first: all or nothing
                raise CatalogError("ALREADY_EXISTS", f"segment(s) {dup} already in dataset {ds.name!r}")
            for seg in segments:
                if seg.segment_id in ds.segments and on_duplicate == "skip":
                    continue
                ds.segments[seg.segment_id] = seg
                added.append(seg)
            ds.updated_at_ns = time.time_ns()
        return added

    def unregister(self, ds: Dataset, segment_ids: list[str], layers: list[str]) -> list[Segment]:
        """Drop the segments matching both filters (an empty filter matches all); returns them."""
        if not segment_ids and not layers:
            raise CatalogError("INVALID_ARGUMENT", "must specify at least 1 segment ID or layer for removal")
        with self._lock:
            gone = [
                seg
                for seg in ds.segments.values()
                if (not segment_ids or seg.segment_id in segment_ids) and (not layers or seg.layer in layers)
            ]
            for seg in gone:
                del ds.segments[seg.segment_id]
            ds.updated_at_ns = time.time_ns()
        return gone

    def load_directory(self, name: str, directory: Path) -> Dataset:
        """A new dataset of every ``.rrd`` under ``directory`` (as ``rerun server -d``)."""
        if not directory.is_dir():
            raise CatalogError("INVALID_ARGUMENT", f"dataset path is not a directory: {directory}")
        ds = self.create(name)
        for path in sorted(directory.rglob("*.rrd")):
            self.register(ds, load_segments(path), on_duplicate="overwrite")
        return ds
