"""The catalog's entries: datasets of segments (one or more layers each) and tables.

A dataset segment is one recording id; each of its layers is one recording of one ``.rrd``
file, indexed from its footer (``segment_index``) and read back by byte range on demand. Every
recording dataset owns two hidden companions, as in the real server: a blueprint dataset
(``__bp_<id>``) and an asset dataset (``__as_<id>``). Mutations go through :class:`Catalog`,
which tells its :class:`Journal` (persistence) before it answers.
"""

from __future__ import annotations

import enum
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa

from rerun_core.store.messages import StoreKind
from rerun_core.types.tuid import Tuid, TuidGenerator

from .names import InvalidNameError, check_entry_name
from .segment_index import LayerIndex

_IDS = TuidGenerator()


class CatalogError(Exception):
    """A request the catalog refuses; ``code`` names the gRPC status (e.g. ``NOT_FOUND``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class DatasetKind(enum.Enum):
    RECORDING = "recording"
    BLUEPRINT = "blueprint"
    ASSET = "asset"

    @property
    def store_kind(self) -> StoreKind:
        return StoreKind.BLUEPRINT if self is DatasetKind.BLUEPRINT else StoreKind.RECORDING


@dataclass
class Layer:
    """One registered recording: the layer ``name`` of a segment."""

    name: str
    storage_url: str
    index: LayerIndex
    registered_at_ns: int = field(default_factory=time.time_ns)
    slot: Tuid = field(default_factory=lambda: _IDS.new())  # half of every chunk key of this layer

    @property
    def num_chunks(self) -> int:
        return self.index.num_chunks

    @property
    def size_bytes(self) -> int:
        return self.index.size_bytes


@dataclass
class Segment:
    """A recording id of a dataset and its layers (registration order)."""

    segment_id: str
    layers: dict[str, Layer] = field(default_factory=dict)
    updated_at_ns: int = field(default_factory=time.time_ns)

    def ordered_layers(self) -> list[Layer]:
        return sorted(self.layers.values(), key=lambda lay: (lay.registered_at_ns, lay.name))

    @property
    def num_chunks(self) -> int:
        return sum(lay.num_chunks for lay in self.layers.values())

    @property
    def size_bytes(self) -> int:
        return sum(lay.size_bytes for lay in self.layers.values())


@dataclass
class Dataset:
    id: Tuid
    name: str
    kind: DatasetKind = DatasetKind.RECORDING
    created_at_ns: int = field(default_factory=time.time_ns)
    updated_at_ns: int = field(default_factory=time.time_ns)
    segments: dict[str, Segment] = field(default_factory=dict)
    blueprint_dataset: Tuid | None = None
    asset_dataset: Tuid | None = None
    default_blueprint_segment: str | None = None
    default_segment_table_blueprint_segment: str | None = None
    # SetSegmentProperties, by segment id (any id, registered or not, as the real server):
    # (one-row table, revision)
    properties: dict[str, tuple[pa.Table, int]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"memory:///{self.id}"

    def layers(self) -> Iterable[tuple[Segment, Layer]]:
        for seg in self.segments.values():
            for lay in seg.ordered_layers():
                yield seg, lay

    def schema(self) -> pa.Schema:
        """The union of every layer's sorbet schema (the dataset schema)."""
        return merge_schemas([lay.index.schema for _, lay in self.layers()])


@dataclass
class TableEntry:
    id: Tuid
    name: str
    url: str  # file:// URL of the Lance dataset
    created_at_ns: int = field(default_factory=time.time_ns)
    updated_at_ns: int = field(default_factory=time.time_ns)
    owned: bool = False  # created by the API inside the server's table dir
    blueprint_dataset: Tuid | None = None  # its hidden ``__bp_<id>`` dataset
    default_blueprint_segment: str | None = None
    system: bool = False  # ``__entries``: the catalog's own entry list, not a Lance table


Entry = Dataset | TableEntry


class Journal(Protocol):
    """Where the catalog's acknowledged changes go (``persist.SqliteJournal``; none in memory)."""

    def save_entry(self, entry: Entry) -> None: ...
    def delete_entry(self, entry_id: Tuid) -> None: ...
    def save_layer(self, dataset_id: Tuid, segment_id: str, layer: Layer) -> None: ...
    def delete_layer(self, dataset_id: Tuid, segment_id: str, layer_name: str) -> None: ...
    def save_properties(
        self, dataset_id: Tuid, segment_id: str, props: pa.Table | None, revision: int
    ) -> None: ...


ENTRIES_TABLE_ID = Tuid(0, 1)  # the system table listing every entry, as the real server has


def merge_schemas(schemas: Iterable[pa.Schema]) -> pa.Schema:
    """Row id, timelines, then data columns. As 0.41: each layer's columns sorted by name,
    layers appended in registration order (a later layer's new columns come after); the first
    field of a name wins."""

    def kind(f: pa.Field) -> int:
        return {b"control": 0, b"index": 1}.get((f.metadata or {}).get(b"rerun:kind", b"data"), 2)

    fields: dict[str, pa.Field] = {}
    for s in schemas:
        for f in sorted(s, key=lambda f: (kind(f), *column_order(f))):
            fields.setdefault(f.name, f)
    return pa.schema(sorted(fields.values(), key=kind))


def column_order(f: pa.Field) -> tuple[Any, ...]:
    """Where a data column sorts as in 0.41's store: properties last, else by entity path (part by
    part, case-insensitive, digit runs as numbers: ``/a`` < ``/a/b`` < ``/a_b`` < ``/B`` <
    ``/cam2`` < ``/cam10``), then by component; other columns by name."""
    meta = f.metadata or {}
    entity = meta.get(b"rerun:entity_path")
    if entity is None or f.name.startswith("property:"):
        return (f.name.startswith("property:"), (), f.name)
    parts = [_natural(re.sub(r"\\(.)", r"\1", p)) for p in re.split(r"(?<!\\)/", entity.decode()) if p]
    return (False, parts, meta.get(b"rerun:component", b"").decode())


def _natural(part: str) -> list[tuple[int, int]]:
    """A path part as tokens: a digit run is one token (its number), any other character its code."""
    return [
        (ord("0"), int(tok)) if tok.isdigit() else (ord(tok.lower()), 0)
        for tok in re.findall(r"\d+|.", part, re.DOTALL)
    ]


def schema_conflict(current: pa.Schema, new: pa.Schema) -> str | None:
    """The first column whose type differs between ``current`` and ``new``, described."""
    for f in new:
        idx = current.get_field_index(f.name)
        if idx >= 0 and not current.field(idx).type.equals(f.type):
            return f"column '{f.name}': {current.field(idx).type} vs {f.type}"
    return None


class Catalog:
    """Entries by id; every method is thread-safe."""

    def __init__(self, journal: Journal | None = None, table_dir: Path | None = None) -> None:
        self._lock = threading.RLock()
        self._entries: dict[Tuid, Entry] = {}
        self.journal = journal
        self._table_dir = table_dir
        self.staging_dir = table_dir.parent / "staging" if table_dir is not None else None
        self.fetch_batch_bytes: int | None = None  # --memory-limit: one FetchChunks answer's bytes
        # Directories (resolved) registration may read; None: anything, as the real server.
        self.allowed_roots: tuple[Path, ...] | None = None
        self._slots: dict[Tuid, tuple[Dataset, str, Layer]] = {}  # chunk-key slot -> its layer
        self._watchers: list[Callable[[str, Tuid], None]] = []  # WatchEvents streams
        self._entries[ENTRIES_TABLE_ID] = TableEntry(ENTRIES_TABLE_ID, "__entries", "", system=True)

    @property
    def lock(self) -> threading.RLock:
        return self._lock

    def watch(self, fn: Callable[[str, Tuid], None]) -> Callable[[], None]:
        """Call ``fn("created" | "deleted", entry_id)`` for every top-level entry; returns unwatch."""
        with self._lock:
            self._watchers.append(fn)

        def unwatch() -> None:
            with self._lock:
                if fn in self._watchers:
                    self._watchers.remove(fn)

        return unwatch

    def _notify(self, what: str, entry_id: Tuid) -> None:
        for fn in list(self._watchers):
            fn(what, entry_id)

    # --- lookup ----------------------------------------------------------------------------

    def entries(self) -> list[Entry]:
        with self._lock:
            return list(self._entries.values())

    def datasets(self) -> list[Dataset]:
        return [e for e in self.entries() if isinstance(e, Dataset)]

    def tables(self) -> list[TableEntry]:
        return [e for e in self.entries() if isinstance(e, TableEntry)]

    def entry(self, entry_id: Tuid) -> Entry:
        with self._lock:
            e = self._entries.get(entry_id)
        if e is None:
            raise CatalogError("NOT_FOUND", f"Entry id '{entry_id}' not found")
        return e

    def by_id(self, entry_id: Tuid) -> Dataset:
        e = self._entries.get(entry_id)
        if not isinstance(e, Dataset):
            raise CatalogError("NOT_FOUND", f"Entry id '{entry_id}' not found")
        return e

    def by_name(self, name: str) -> Dataset:
        with self._lock:
            for e in self._entries.values():
                if isinstance(e, Dataset) and e.name == name:
                    return e
        raise CatalogError("NOT_FOUND", f"dataset '{name}' not found")

    def table(self, entry_id: Tuid) -> TableEntry:
        e = self._entries.get(entry_id)
        if not isinstance(e, TableEntry):
            raise CatalogError("NOT_FOUND", f"table with entry ID '{entry_id}' not found")
        return e

    def table_by_name(self, name: str) -> TableEntry:
        with self._lock:
            for e in self._entries.values():
                if isinstance(e, TableEntry) and e.name == name:
                    return e
        raise CatalogError("NOT_FOUND", f"table '{name}' not found")

    def table_dir(self) -> Path:
        """Where tables created through the API live (the data dir's, else a temp dir)."""
        with self._lock:
            if self._table_dir is None:
                self._table_dir = Path(tempfile.mkdtemp(prefix="rerun-server-tables-"))
            self._table_dir.mkdir(parents=True, exist_ok=True)
            return self._table_dir

    # --- entries ---------------------------------------------------------------------------

    def _check_new_name(self, name: str) -> None:
        try:
            check_entry_name(name)
        except InvalidNameError as exc:
            raise CatalogError("INVALID_ARGUMENT", f"invalid entry name: {exc}") from None
        if any(e.name == name for e in self._entries.values()):
            raise CatalogError("ALREADY_EXISTS", f"Entry name '{name}' already exists")

    def _add(self, entry: Entry) -> None:
        if entry.id in self._entries:
            raise CatalogError("ALREADY_EXISTS", f"entry id '{entry.id}' already exists")
        self._entries[entry.id] = entry
        if self.journal is not None:
            self.journal.save_entry(entry)

    def create(
        self, name: str, entry_id: Tuid | None = None, kind: DatasetKind = DatasetKind.RECORDING
    ) -> Dataset:
        """A new dataset; a recording dataset gets its hidden blueprint and asset datasets."""
        with self._lock:
            ds = Dataset(entry_id or _IDS.new(), name, kind)
            companions = []
            if kind is DatasetKind.RECORDING:
                bp = Dataset(_IDS.new(), f"__bp_{ds.id}", DatasetKind.BLUEPRINT)
                assets = Dataset(_IDS.new(), f"__as_{ds.id}", DatasetKind.ASSET)
                companions = [bp, assets]
                ds.blueprint_dataset, ds.asset_dataset = bp.id, assets.id
            try:
                self._check_new_name(name)
            except CatalogError as exc:
                # 0.41 makes the companions before it checks the name: a create refused for a
                # taken name leaves its __bp_/__as_ pair behind (listed with include_hidden=True)
                if exc.code == "ALREADY_EXISTS":
                    for c in companions:
                        self._add(c)
                raise
            if entry_id is not None and entry_id in self._entries:
                raise CatalogError("ALREADY_EXISTS", f"entry id '{entry_id}' already exists")
            for c in companions:
                self._add(c)
            self._add(ds)
            self._notify("created", ds.id)
            return ds

    def create_table(
        self, name: str, url: str, *, entry_id: Tuid | None = None, owned: bool = False
    ) -> TableEntry:
        with self._lock:
            self._check_new_name(name)
            t = TableEntry(entry_id or _IDS.new(), name, url, owned=owned)
            self._add(t)
            self._notify("created", t.id)
            return t

    def touch_table(self, entry: TableEntry, *, keep_time: bool = False) -> None:
        """Journal a changed table entry (``keep_time``: a detail, not an update to report)."""
        with self._lock:
            if not keep_time:
                entry.updated_at_ns = time.time_ns()
            if self.journal is not None:
                self.journal.save_entry(entry)

    def delete(self, entry_id: Tuid) -> None:
        """Delete an entry; a dataset takes its companion datasets with it."""
        with self._lock:
            e = self.entry(entry_id)
            if isinstance(e, TableEntry) and e.system:
                return  # the real server answers OK and keeps its entry table
            del self._entries[entry_id]
            self._notify("deleted", entry_id)
            if isinstance(e, Dataset):
                for _, lay in e.layers():
                    self._slots.pop(lay.slot, None)
            if self.journal is not None:
                self.journal.delete_entry(entry_id)
            companions = [e.blueprint_dataset] + ([e.asset_dataset] if isinstance(e, Dataset) else [])
            for companion in companions:
                if companion is not None and companion in self._entries:
                    self.delete(companion)

    def rename(self, entry_id: Tuid, name: str) -> Entry:
        with self._lock:
            e = self.entry(entry_id)
            if e.name == name or (isinstance(e, TableEntry) and e.system):
                return e  # renaming __entries is answered OK and ignored, as in 0.41
            self._check_new_name(name)
            e.name = name
            e.updated_at_ns = time.time_ns()
            if self.journal is not None:
                self.journal.save_entry(e)
            return e

    def update_details(
        self,
        ds: Dataset,
        *,
        blueprint_dataset: Tuid | None,
        default_blueprint_segment: str | None,
        default_segment_table_blueprint_segment: str | None,
    ) -> Dataset:
        """Replace a dataset's details (what the request leaves out is cleared, as in 0.41)."""
        with self._lock:
            ds.blueprint_dataset = blueprint_dataset
            ds.default_blueprint_segment = default_blueprint_segment
            ds.default_segment_table_blueprint_segment = default_segment_table_blueprint_segment
            ds.updated_at_ns = time.time_ns()
            if self.journal is not None:
                self.journal.save_entry(ds)
            return ds

    # --- segments --------------------------------------------------------------------------

    def add_layer(self, ds: Dataset, segment_id: str, layer: Layer, on_duplicate: str) -> bool:
        """Add one layer to a segment; False when skipped. Raises on a schema conflict."""
        with self._lock:
            conflict = schema_conflict(ds.schema(), layer.index.schema)
            if conflict is not None:
                raise CatalogError(
                    "FAILED_PRECONDITION",
                    f"schema incompatibility on segment '{segment_id}', layer '{layer.name}': {conflict}",
                )
            if ds.kind is DatasetKind.ASSET and layer.index.has_temporal_chunks():
                raise CatalogError(  # the row's task fails, as 0.41
                    "FAILED_PRECONDITION",
                    "Registration failed for the segments/layers listed below.\n"
                    f'- Segment "{segment_id}", layer "{layer.name}": asset datasets only accept static'
                    f" chunks, but asset '{segment_id}' contains temporal data",
                )
            seg = ds.segments.get(segment_id)
            if seg is not None and layer.name in seg.layers:
                if on_duplicate == "error":  # the old layer stays; the row's task fails, as 0.41
                    raise CatalogError(
                        "FAILED_PRECONDITION",
                        "Registration failed for the segments/layers listed below.\n"
                        f'- Segment "{segment_id}", layer "{layer.name}": already exists',
                    )
                if on_duplicate != "overwrite":  # skip
                    return False
            if seg is None:
                seg = ds.segments[segment_id] = Segment(segment_id)
            old = seg.layers.get(layer.name)
            if old is not None:
                self._slots.pop(old.slot, None)
            seg.layers[layer.name] = layer
            self._slots[layer.slot] = (ds, segment_id, layer)
            seg.updated_at_ns = ds.updated_at_ns = time.time_ns()
            if self.journal is not None:
                self.journal.save_layer(ds.id, segment_id, layer)
            return True

    def restore_layer(self, ds: Dataset, segment_id: str, layer: Layer) -> None:
        """Put back a layer read from the journal (no checks, not journaled again)."""
        with self._lock:
            seg = ds.segments.setdefault(segment_id, Segment(segment_id))
            seg.layers[layer.name] = layer
            self._slots[layer.slot] = (ds, segment_id, layer)
            seg.updated_at_ns = max(seg.updated_at_ns, layer.registered_at_ns)

    def restore(self, entry: Entry) -> None:
        with self._lock:
            self._entries[entry.id] = entry

    def unregister(self, ds: Dataset, segment_ids: list[str], layers: list[str]) -> list[tuple[str, Layer]]:
        """Drop the layers matching both filters (an empty filter matches all); returns them."""
        if not segment_ids and not layers:
            raise CatalogError("INVALID_ARGUMENT", "must specify at least 1 segment ID or layer for removal")
        gone: list[tuple[str, Layer]] = []
        with self._lock:
            for seg in list(ds.segments.values()):
                if segment_ids and seg.segment_id not in segment_ids:
                    continue
                for lay in list(seg.layers.values()):
                    if layers and lay.name not in layers:
                        continue
                    del seg.layers[lay.name]
                    self._slots.pop(lay.slot, None)
                    gone.append((seg.segment_id, lay))
                    if self.journal is not None:
                        self.journal.delete_layer(ds.id, seg.segment_id, lay.name)
                if not seg.layers:
                    del ds.segments[seg.segment_id]
                else:
                    seg.updated_at_ns = time.time_ns()
            ds.updated_at_ns = time.time_ns()
        return gone

    def layer_by_slot(self, slot: Tuid) -> tuple[Dataset, str, Layer] | None:
        """The layer a chunk key points at, if it is still registered."""
        with self._lock:
            return self._slots.get(slot)

    def segment(self, ds: Dataset, segment_id: str) -> Segment:
        seg = ds.segments.get(segment_id)
        if seg is None:
            raise CatalogError("NOT_FOUND", f"segment '{segment_id}' not found in dataset '{ds.name}'")
        return seg

    def set_properties(
        self, ds: Dataset, segment_id: str, props: pa.Table, expected_revision: int | None
    ) -> int:
        """Replace a segment's properties; a new random revision (optimistic concurrency)."""
        with self._lock:
            current = ds.properties.get(segment_id)
            found = current[1] if current is not None else 0
            if expected_revision is not None and expected_revision != found:
                raise CatalogError(
                    "FAILED_PRECONDITION",
                    f"Properties of segment '{segment_id}' were modified concurrently:"
                    f" expected revision {expected_revision}, found {found}",
                )
            revision = secrets.randbits(63) or 1  # SQLite integers are signed 64-bit
            ds.properties[segment_id] = (props, revision)
            if self.journal is not None:
                self.journal.save_properties(ds.id, segment_id, props, revision)
            return revision

    def delete_properties(self, ds: Dataset, segment_id: str) -> None:
        with self._lock:
            if ds.properties.pop(segment_id, None) is not None and self.journal is not None:
                self.journal.save_properties(ds.id, segment_id, None, 0)
