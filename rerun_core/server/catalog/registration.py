"""Registering ``.rrd`` files with a dataset, by the real server's rules.

Three phases, as in Rerun: resolve every source (URL -> path or object in a bucket, prefix ->
files or objects, index each), refuse duplicates within the request, then add layer by layer.
A schema conflict fails only that source's task; a missing or unreadable file refuses the
whole request before anything changes. Error messages never quote file contents.
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from rerun_core.store.rrd import RrdError

from .model import Catalog, CatalogError, Dataset, Layer
from .object_store import ObjectLocation, index_object, is_object_url, list_rrd, parse_config
from .segment_index import LayerIndex, index_file

log = logging.getLogger(__name__)

TASK_ID_SUCCESS = "task_00000000DEADBEEF"


@dataclass(frozen=True)
class Source:
    """One data source of a request: a file or object URL (or prefix) and the layer it goes to.

    ``object_store_config`` (JSON, see ``object_store.py``) overrides the environment's.
    """

    storage_url: str
    layer: str = ""
    prefix: bool = False
    object_store_config: str | None = None


Target = Path | ObjectLocation  # a local file, or an object in a bucket


@dataclass
class Outcome:
    """One row of the registration answer."""

    segment_id: str
    layer: str
    storage_url: str
    task_id: str
    error: str | None = None


def path_from_url(url: str, object_store_config: str | None = None) -> Target:
    """A local path from a ``file://`` URL; an object location from an object store URL."""
    if is_object_url(url):
        return ObjectLocation(url, parse_config(object_store_config))
    parsed = urlparse(url)
    if parsed.scheme == "file":
        if parsed.netloc not in ("", "localhost"):
            raise CatalogError(
                "NOT_FOUND",
                f"RRD file not found, file URI should not have a host: {url}"
                " (this may be caused by invalid relative-path URI)",
            )
        return Path(unquote(parsed.path))
    if parsed.scheme == "":
        raise CatalogError("INVALID_ARGUMENT", "could not parse url: relative URL without a base")
    raise CatalogError("NOT_FOUND", f"RRD file not found, could not load URI: {url}")


def check_allowed(catalog: Catalog | None, path: Target) -> None:
    """Refuse a local path outside every ``--allowed-root`` (symlinks resolved first)."""
    roots = catalog.allowed_roots if catalog is not None else None
    if roots is None or isinstance(path, ObjectLocation):
        return
    if not within_roots(roots, path):
        raise CatalogError(
            "PERMISSION_DENIED", f'path is outside every allowed root (--allowed-root): "{path}"'
        )


def within_roots(roots: tuple[Path, ...], path: Path) -> bool:
    """Whether ``path``, symlinks resolved, lies under one of ``roots`` (resolved already)."""
    real = Path(os.path.realpath(path))
    return any(real.is_relative_to(root) for root in roots)


def index_path(path: Target, ds: Dataset, *, partial: bool = False) -> list[LayerIndex]:
    """The recordings of one file matching the dataset's store kind; clear one-line errors.

    ``partial`` (``rerun server -d``, as 0.41): a file cut short serves its whole chunks."""
    if isinstance(path, ObjectLocation):
        return _index_object(path, ds)
    if not path.exists():
        raise CatalogError("NOT_FOUND", f'RRD file not found, file does not exist: "{path}"')
    if not path.is_file():
        raise CatalogError("NOT_FOUND", f'RRD file not found, path is not a file: "{path}"')
    try:
        return index_file(path, ds.kind.store_kind, partial=partial)
    except RrdError as exc:
        raise CatalogError(
            "INVALID_ARGUMENT", f'Failed to enumerate RRD stores: "{path}": {_describe(exc)}'
        ) from None
    except OSError as exc:
        raise CatalogError(
            "INVALID_ARGUMENT", f'Failed to enumerate RRD stores: "{path}": {exc.strerror or exc}'
        ) from None


def _index_object(loc: ObjectLocation, ds: Dataset) -> list[LayerIndex]:
    try:
        return index_object(loc, ds.kind.store_kind)
    except RrdError as exc:
        raise CatalogError(
            "INVALID_ARGUMENT", f'Failed to enumerate RRD stores: "{loc.url}": {_describe(exc)}'
        ) from None


def url_of(target: Target) -> str:
    """The storage URL a layer of ``target`` is registered (and persisted) under."""
    return target.url if isinstance(target, ObjectLocation) else target.absolute().as_uri()


def _describe(exc: RrdError) -> str:
    """The decoder's error without any bytes of the file (never echo contents)."""
    text = str(exc)
    if "found b'" in text or 'found b"' in text:
        return "not an .rrd file (bad magic)"
    return text


def expand(src: Source, catalog: Catalog | None = None) -> list[Target]:
    path = path_from_url(src.storage_url, src.object_store_config)
    check_allowed(catalog, path)  # before listing a prefix: its names are not ours to reveal
    if not src.prefix:
        return [path]
    found: list[Target]
    if isinstance(path, ObjectLocation):
        found = list(list_rrd(path))
    elif not path.exists():
        raise CatalogError("INVALID_ARGUMENT", f'Directory not found: "{path}"')  # 0.41's words
    else:
        found = [p for p in sorted(path.rglob("*.rrd")) if p.is_file()] if path.is_dir() else []
    if not found:
        raise CatalogError("INVALID_ARGUMENT", f"no rrd files found in {src.storage_url}")
    for target in found:  # all before any is read: files may be symlinks out of the root
        check_allowed(catalog, target)
    return found


def resolve(ds: Dataset, sources: list[Source], catalog: Catalog | None = None) -> list[tuple[str, Layer]]:
    """Phase 1 and 2: every (segment id, layer) the request would add; raises on bad input."""
    if not sources:
        raise CatalogError("INVALID_ARGUMENT", "no data sources to register")
    seen: dict[tuple[str, str], list[str]] = {}
    out: list[tuple[str, Layer]] = []
    for src in sources:
        layer_name = src.layer or "base"  # any other string is a layer name, as in 0.41
        for path in expand(src, catalog):
            url = url_of(path)
            for index in index_path(path, ds):
                segment_id = index.store_id.recording_id
                seen.setdefault((layer_name, segment_id), []).append(url)
                out.append((segment_id, Layer(layer_name, url, index)))
    dups = {k: v for k, v in seen.items() if len(v) > 1}
    if dups:
        lines = [
            f"  segment id: {sid}, layer name: {layer}\n" + "\n".join(f"    {u}" for u in urls)
            for (layer, sid), urls in sorted(dups.items())
        ]
        raise CatalogError("INVALID_ARGUMENT", "duplicate segment layers in request:\n" + "\n".join(lines))
    return out


def register(
    catalog: Catalog, ds: Dataset, sources: list[Source], on_duplicate: str, new_task_id: TaskIds
) -> list[Outcome]:
    """Register ``sources``; one outcome per (segment, layer) added, skipped or failed."""
    pending = resolve(ds, sources, catalog)
    out = []
    for segment_id, layer in pending:
        try:
            catalog.add_layer(ds, segment_id, layer, on_duplicate)
        except CatalogError as exc:
            if exc.code != "FAILED_PRECONDITION":
                raise
            # 0.41 answers the row (segment id included); the task id says it failed, and why.
            failed = new_task_id.failed(str(exc))
            out.append(Outcome(segment_id, layer.name, layer.storage_url, failed, str(exc)))
            continue
        out.append(Outcome(segment_id, layer.name, layer.storage_url, TASK_ID_SUCCESS))
    return out


class TaskIds:
    """Failed registrations get a task id whose QueryTasks answer carries the error."""

    def __init__(self) -> None:
        self._next = itertools.count(1)
        self._lock = threading.Lock()
        self._failed: dict[str, str] = {}

    def failed(self, message: str) -> str:
        with self._lock:
            task_id = f"task_{next(self._next):016x}"  # 0.41's failed tasks: 16 lowercase hex digits
            self._failed[task_id] = message
            return task_id

    def status(self, task_id: str) -> tuple[str, str | None]:
        """Unknown ids count as successes, as in the real server (all tasks finish at once)."""
        with self._lock:
            msg = self._failed.get(task_id)
        return ("failed", msg) if msg is not None else ("success", None)


def load_directory(catalog: Catalog, name: str, directory: Path) -> Dataset:
    """A dataset of every ``.rrd`` under ``directory``; unreadable files are skipped, warned."""
    check_allowed(catalog, directory)
    if not directory.is_dir():
        raise CatalogError("INVALID_ARGUMENT", f"dataset path is not a directory: {directory}")
    ds = catalog.create(name)
    load_files(catalog, ds, sorted(p for p in directory.rglob("*.rrd") if p.is_file()))
    return ds


def load_files(catalog: Catalog, ds: Dataset, paths: list[Path]) -> None:
    for path in paths:
        try:
            check_allowed(catalog, path)
            for index in index_path(path, ds, partial=True):
                layer = Layer("base", path.absolute().as_uri(), index)
                catalog.add_layer(ds, index.store_id.recording_id, layer, "overwrite")
        except CatalogError as exc:
            log.warning("skipping %s: %s", path, exc)
