"""The Lance datasets behind table entries: open, create, schema, scan, append/overwrite/upsert.

As the real 0.41 server: a table is a Lance dataset in a local directory; writes are Lance
commits (one per ``WriteTable`` message); upserts are Lance merge-inserts keyed on the columns
whose field metadata says ``rerun:is_table_index = true``. Errors carry the real server's status
codes and wording (Lance's own messages inside).
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlparse

import pyarrow as pa

from .model import CatalogError

TABLE_INDEX_KEY = b"rerun:is_table_index"
SORBET_VERSION = (b"sorbet:version", b"0.1.4")


class InsertMode(enum.Enum):
    """``TableInsertMode``: REPLACE is the client's ``upsert``; UPDATE only touches matched rows."""

    APPEND = "append"
    OVERWRITE = "overwrite"
    REPLACE = "replace"
    UPDATE = "update"


def _lance():  # type: ignore[no-untyped-def]
    """pylance, imported on first use: a catalog without tables never needs it."""
    try:
        import lance
    except ImportError as exc:  # pragma: no cover - the server extra installs it
        raise CatalogError("UNIMPLEMENTED", f"tables need pylance (pip install pylance): {exc}") from None
    return lance


def directory_url(path: Path) -> str:
    """``file:///abs/dir/``: the real server's table URLs end with a slash."""
    return path.absolute().as_uri().rstrip("/") + "/"


def path_from_table_url(url: str) -> Path:
    """The directory a Lance table URL names; only ``file://`` URLs (as the real server)."""
    parsed = urlparse(url)
    if not parsed.scheme:
        raise CatalogError("INVALID_ARGUMENT", "could not parse url: relative URL without a base")
    if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
        raise CatalogError("INVALID_ARGUMENT", "Invalid lance table path")
    return Path(unquote(parsed.path))


def index_columns(schema: pa.Schema) -> list[str]:
    """The upsert key: columns marked ``rerun:is_table_index`` (case-insensitive ``true``)."""
    return [f.name for f in schema if (f.metadata or {}).get(TABLE_INDEX_KEY, b"").decode().lower() == "true"]


def _internal_io(exc: BaseException) -> CatalogError:
    return CatalogError("INTERNAL", f"IO error: {exc}")


class LanceTable:
    """One Lance dataset. Writers are serialised; a scan reads the snapshot it started on."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            self._ds = _lance().dataset(str(path))
        except (ValueError, OSError) as exc:
            raise _internal_io(exc) from None

    @classmethod
    def open(cls, path: Path) -> LanceTable:
        """An existing Lance table directory (``rerun server -t``, RegisterTable)."""
        try:
            directory = path.resolve(strict=True)
        except FileNotFoundError:
            raise CatalogError("INTERNAL", "IO error: No such file or directory (os error 2)") from None
        except OSError as exc:
            raise _internal_io(exc) from None
        if not directory.is_dir():
            raise CatalogError("INTERNAL", f"IO error: Expected a directory, got: {directory}")
        return cls(directory)

    @classmethod
    def create(cls, path: Path, schema: pa.Schema, url: str) -> LanceTable:
        """A new, empty Lance table; refused where one already exists (``url`` is for the message)."""
        lance = _lance()
        try:
            lance.dataset(str(path))
        except (ValueError, OSError):
            pass
        else:
            raise CatalogError("ALREADY_EXISTS", f"Table storage already exists at location: {url}")
        meta = dict(schema.metadata or {})
        meta.setdefault(*SORBET_VERSION)  # the real server stamps created tables as sorbet
        schema = schema.with_metadata(meta)
        try:
            lance.write_dataset(pa.Table.from_batches([], schema), str(path))
        except (ValueError, OSError, TypeError, pa.ArrowException) as exc:
            raise CatalogError("INTERNAL", f"Lance error: {exc}") from None
        return cls(path)

    def schema(self) -> pa.Schema:
        """The dataset's Arrow schema, with its field and schema metadata."""
        return self._ds.schema  # type: ignore[no-any-return]

    def scan(self) -> Iterator[pa.RecordBatch]:
        """Every row, fragment by fragment; as the real scan, without the schema metadata."""
        ds = self._ds
        for batch in ds.to_batches(scan_in_order=True):  # fragment order, as the real server's
            if batch.num_rows:
                yield batch.replace_schema_metadata(None)

    def write(self, data: pa.Table, mode: InsertMode) -> None:
        """One Lance commit; raises INTERNAL ``error writing to table: ...`` as the real server."""
        lance = _lance()
        with self._lock:
            try:
                if mode is InsertMode.APPEND:
                    lance.write_dataset(data, str(self.path), mode="append")
                elif mode is InsertMode.OVERWRITE:
                    lance.write_dataset(data, str(self.path), mode="overwrite")
                else:
                    self._merge(data, mode)
            except (ValueError, OSError, TypeError, pa.ArrowException) as exc:
                raise CatalogError("INTERNAL", f"error writing to table: External error: {exc}") from None
            self._ds = lance.dataset(str(self.path))

    def _merge(self, data: pa.Table, mode: InsertMode) -> None:
        keys = index_columns(self._ds.schema)
        if not keys:
            raise ValueError(
                "Invalid user input: A merge insert operation requires join keys: specify `on` columns"
                " explicitly or configure a primary key in the dataset schema"
            )
        builder = self._ds.merge_insert(keys).when_matched_update_all()
        if mode is InsertMode.REPLACE:
            builder = builder.when_not_matched_insert_all()
        builder.execute(data)


class LanceTables:
    """Open tables by storage directory, shared by every RPC (one writer lock per table)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[Path, LanceTable] = {}

    def get(self, url: str) -> LanceTable:
        path = path_from_table_url(url)
        with self._lock:
            table = self._open.get(path)
            if table is None:
                table = self._open[path] = LanceTable(path)
            return table

    def add(self, table: LanceTable) -> LanceTable:
        with self._lock:
            self._open[table.path] = table
        return table

    def forget(self, url: str) -> None:
        """Drop a handle (a deleted entry): a new table at the same place is opened afresh."""
        try:
            path = path_from_table_url(url)
        except CatalogError:
            return
        with self._lock:
            self._open.pop(path, None)
