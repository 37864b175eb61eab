"""``rerun server --data-dir DIR``: the catalog journaled to SQLite, restored at start.

Every acknowledged change is committed (WAL, ``synchronous=FULL``) before the RPC answers, so
``kill -9`` loses nothing acknowledged. Files are not copied: a layer is its storage URL, and
is indexed again from that file at start. A row that can no longer be restored (a file gone,
a name a newer rule refuses) is reported and kept, never dropped.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa

from rerun_core.types.tuid import Tuid

from .model import Catalog, CatalogError, Dataset, DatasetKind, Entry, Layer, TableEntry
from .names import InvalidNameError, check_entry_name

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,
    created_at_ns INTEGER NOT NULL, updated_at_ns INTEGER NOT NULL, details TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS layers (
    dataset_id TEXT NOT NULL, segment_id TEXT NOT NULL, layer TEXT NOT NULL,
    storage_url TEXT NOT NULL, registered_at_ns INTEGER NOT NULL,
    PRIMARY KEY (dataset_id, segment_id, layer)
);
CREATE TABLE IF NOT EXISTS properties (
    dataset_id TEXT NOT NULL, segment_id TEXT NOT NULL, revision INTEGER NOT NULL, ipc BLOB,
    PRIMARY KEY (dataset_id, segment_id)
);
"""

Indexer = Callable[[Dataset, str], list[Layer]]  # storage URL -> the layers it holds


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def _from_ipc(data: bytes) -> pa.Table:
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


class SqliteJournal:
    """A :class:`~.model.Journal` over one SQLite file (``DIR/catalog.sqlite``)."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / "catalog.sqlite"
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def _run(self, sql: str, args: tuple[object, ...]) -> None:
        with self._lock:
            self._db.execute(sql, args)  # autocommit: durable when this returns

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- Journal ---------------------------------------------------------------------------

    def save_entry(self, entry: Entry) -> None:
        if isinstance(entry, TableEntry) and entry.system:
            return
        if isinstance(entry, TableEntry):
            kind = "table"
            details = {
                "url": entry.url,
                "owned": entry.owned,
                "blueprint_dataset": str(entry.blueprint_dataset) if entry.blueprint_dataset else None,
                "default_blueprint_segment": entry.default_blueprint_segment,
            }
        else:
            kind = entry.kind.value
            details = {
                "blueprint_dataset": str(entry.blueprint_dataset) if entry.blueprint_dataset else None,
                "asset_dataset": str(entry.asset_dataset) if entry.asset_dataset else None,
                "default_blueprint_segment": entry.default_blueprint_segment,
                "default_segment_table_blueprint_segment": entry.default_segment_table_blueprint_segment,
            }
        self._run(
            "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?)",
            (str(entry.id), kind, entry.name, entry.created_at_ns, entry.updated_at_ns, json.dumps(details)),
        )

    def delete_entry(self, entry_id: Tuid) -> None:
        with self._lock, self._db:
            self._db.execute("BEGIN")
            for table in ("layers", "properties"):
                self._db.execute(f"DELETE FROM {table} WHERE dataset_id = ?", (str(entry_id),))
            self._db.execute("DELETE FROM entries WHERE id = ?", (str(entry_id),))

    def save_layer(self, dataset_id: Tuid, segment_id: str, layer: Layer) -> None:
        self._run(
            "INSERT OR REPLACE INTO layers VALUES (?, ?, ?, ?, ?)",
            (str(dataset_id), segment_id, layer.name, layer.storage_url, layer.registered_at_ns),
        )

    def delete_layer(self, dataset_id: Tuid, segment_id: str, layer_name: str) -> None:
        self._run(
            "DELETE FROM layers WHERE dataset_id = ? AND segment_id = ? AND layer = ?",
            (str(dataset_id), segment_id, layer_name),
        )

    def save_properties(
        self, dataset_id: Tuid, segment_id: str, props: pa.Table | None, revision: int
    ) -> None:
        if props is None:
            self._run(
                "DELETE FROM properties WHERE dataset_id = ? AND segment_id = ?",
                (str(dataset_id), segment_id),
            )
            return
        self._run(
            "INSERT OR REPLACE INTO properties VALUES (?, ?, ?, ?)",
            (str(dataset_id), segment_id, revision, _ipc(props)),
        )

    # --- restore ---------------------------------------------------------------------------

    def restore(self, catalog: Catalog, index: Indexer) -> list[str]:
        """Put every journaled entry back into ``catalog``; returns what could not be restored."""
        problems: list[str] = []
        with self._lock:
            entries = self._db.execute("SELECT * FROM entries").fetchall()
            layers = self._db.execute("SELECT * FROM layers ORDER BY registered_at_ns").fetchall()
            props = self._db.execute("SELECT * FROM properties").fetchall()
        for eid, kind, name, created, updated, details_json in entries:
            try:
                check_entry_name(name) if not name.startswith("__") else None
            except InvalidNameError as exc:
                problems.append(f"entry {eid}: stored name is invalid ({exc}); kept as it is")
            catalog.restore(_entry(Tuid.parse(eid), kind, name, created, updated, json.loads(details_json)))
        for dataset_id, segment_id, layer_name, url, registered in layers:
            try:
                ds = catalog.by_id(Tuid.parse(dataset_id))
                match = [lay for lay in index(ds, url) if lay.index.store_id.recording_id == segment_id]
                if not match:
                    raise CatalogError("NOT_FOUND", f"recording {segment_id} no longer in {url}")
            except CatalogError as exc:
                problems.append(f"segment {segment_id} layer {layer_name} of {dataset_id}: {exc}")
                continue
            layer = match[0]
            layer.name, layer.registered_at_ns = layer_name, registered
            catalog.restore_layer(ds, segment_id, layer)
        for dataset_id, segment_id, revision, ipc in props:
            try:
                ds = catalog.by_id(Tuid.parse(dataset_id))
            except CatalogError as exc:
                problems.append(f"properties of segment {segment_id}: {exc}")
                continue
            ds.properties[segment_id] = (_from_ipc(ipc), revision)
        for p in problems:
            log.warning("--data-dir: %s", p)
        return problems


def _entry(eid: Tuid, kind: str, name: str, created: int, updated: int, d: dict[str, object]) -> Entry:
    def tid(key: str) -> Tuid | None:
        v = d.get(key)
        return Tuid.parse(str(v)) if v else None

    def text(key: str) -> str | None:
        v = d.get(key)
        return str(v) if v is not None else None

    if kind == "table":
        return TableEntry(
            eid,
            name,
            str(d["url"]),
            created,
            updated,
            bool(d.get("owned")),
            blueprint_dataset=tid("blueprint_dataset"),
            default_blueprint_segment=text("default_blueprint_segment"),
        )

    return Dataset(
        eid,
        name,
        DatasetKind(kind),
        created,
        updated,
        blueprint_dataset=tid("blueprint_dataset"),
        asset_dataset=tid("asset_dataset"),
        default_blueprint_segment=text("default_blueprint_segment"),
        default_segment_table_blueprint_segment=text("default_segment_table_blueprint_segment"),
    )


def _index_url(ds: Dataset, url: str) -> list[Layer]:
    from .registration import index_path, path_from_url

    return [Layer("base", url, ix) for ix in index_path(path_from_url(url), ds)]


def open_catalog(data_dir: Path | None) -> Catalog:
    """A catalog journaled under ``data_dir`` and restored from it; in memory when None."""
    if data_dir is None:
        return Catalog()
    journal = SqliteJournal(data_dir)
    catalog = Catalog(journal, table_dir=data_dir / "tables")
    journal.restore(catalog, _index_url)
    return catalog
