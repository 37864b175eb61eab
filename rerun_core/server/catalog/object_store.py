"""Segments in object storage (S3, GCS, Azure, HTTP): listed, indexed and read by byte range.

Everything goes through obstore (the Python bindings of the ``object_store`` crate Rerun
uses), so signing, credentials and endpoints follow each cloud's own conventions: the
``AWS_*`` / ``GOOGLE_*`` / ``AZURE_*`` environment variables and the files they point to. A
request's ``object_store_config`` (a JSON object of the same keys, e.g. ``{"endpoint": ...,
"access_key_id": ...}``) overrides them. obstore is imported only when a bucket is used.

Nothing is downloaded whole unless it has no footer: indexing reads the last 32 bytes (which
also tells the size), the footer body and the 12-byte header; chunks are read by their ranges,
nearby ones coalesced. Footers are cached per object version (url, ETag, size), bounded.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from rerun_core.store.messages import StoreKind
from rerun_core.store.rrd import RrdError
from rerun_core.store.rrd.frames import TRAILER_ENTRY_SIZE, TRAILER_TAIL_SIZE

from .model import CatalogError
from .segment_index import FileManifests, LayerIndex, layers_of, read_manifests

if TYPE_CHECKING:
    from obstore.store import ObjectStore

SCHEMES = frozenset({"s3", "s3a", "gs", "az", "azure", "abfs", "abfss", "adl", "http", "https"})
COALESCE_BYTES = 64 << 10  # ranges this close are fetched as one request (the gap is wasted)
STORE_CACHE_SIZE = 64
FOOTER_CACHE_SIZE = 256
TRAILER_SIZE = TRAILER_ENTRY_SIZE + TRAILER_TAIL_SIZE
# obstore's ClientConfig keys: given in object_store_config, they go to client_options.
_CLIENT_KEYS = frozenset(
    {
        "allow_http",
        "allow_invalid_certificates",
        "connect_timeout",
        "default_content_type",
        "http1_only",
        "http2_only",
        "pool_idle_timeout",
        "pool_max_idle_per_host",
        "proxy_url",
        "timeout",
        "user_agent",
    }
)
# A registration should fail within seconds, not retry for the crate's default 3 minutes.
_RETRY = {"max_retries": 3, "retry_timeout": timedelta(seconds=20)}


def is_object_url(url: str) -> bool:
    """Whether ``url`` names an object store (rather than a local file)."""
    return urlparse(url).scheme.lower() in SCHEMES


def parse_config(text: str | None) -> tuple[tuple[str, str], ...]:
    """``object_store_config`` as sorted (key, value) pairs: a JSON object of scalars."""
    if not text:
        return ()
    try:
        obj = json.loads(text)
    except ValueError as exc:
        raise CatalogError("INVALID_ARGUMENT", f"object_store_config is not JSON: {exc}") from None
    if not isinstance(obj, dict) or not all(isinstance(v, str | int | float | bool) for v in obj.values()):
        raise CatalogError(
            "INVALID_ARGUMENT", "object_store_config must be a JSON object of strings, numbers or booleans"
        )
    return tuple(sorted((str(k), json.dumps(v) if isinstance(v, bool) else str(v)) for k, v in obj.items()))


@dataclass(frozen=True)
class ObjectLocation:
    """One object (or prefix) in a store, with the config overriding the environment's."""

    url: str
    config: tuple[tuple[str, str], ...] = ()

    @property
    def parent(self) -> str:
        return self.url.rsplit("/", 1)[0]

    @property
    def name(self) -> str:
        return self.url.rsplit("/", 1)[1]


@dataclass
class IoStats:
    """Requests made and bytes received from object stores (for tests and benchmarks)."""

    requests: int = 0
    bytes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, requests: int, nbytes: int) -> None:
        with self._lock:
            self.requests += requests
            self.bytes += nbytes

    def snapshot(self) -> tuple[int, int]:
        with self._lock:
            return self.requests, self.bytes


STATS = IoStats()


class _Lru:
    """A small thread-safe LRU map."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            return None

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_STORES = _Lru(STORE_CACHE_SIZE)
_FOOTERS = _Lru(FOOTER_CACHE_SIZE)


def clear_caches() -> None:
    """Forget cached stores and footers (after the environment's credentials changed)."""
    _STORES.clear()
    _FOOTERS.clear()


def _store(root_url: str, config: tuple[tuple[str, str], ...]) -> ObjectStore:
    """The store for a URL (bucket + prefix), built from the environment and ``config``."""
    key = (root_url, config)
    found = _STORES.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    try:
        from obstore.store import from_url
    except ImportError:
        raise CatalogError(
            "UNIMPLEMENTED",
            f"cannot read {root_url}: object storage needs obstore (pip install 'rerun-notebook-native[server]')",
        ) from None
    client: dict[str, Any] = {k: v for k, v in config if k in _CLIENT_KEYS}
    store_config = {k: v for k, v in config if k not in _CLIENT_KEYS}
    if urlparse(root_url).scheme == "http":
        client.setdefault("allow_http", True)
    kwargs: dict[str, Any] = {"retry_config": _RETRY}
    if client:
        kwargs["client_options"] = client
    if store_config:
        kwargs["config"] = store_config
    try:
        store = from_url(root_url, **kwargs)
    except Exception as exc:  # obstore raises several unrelated types for a bad URL or config
        raise CatalogError(
            "INVALID_ARGUMENT", f"cannot open object store {root_url}: {_first_line(exc)}"
        ) from None
    _STORES.put(key, store)
    return store


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _error(exc: Exception, url: str, store: ObjectStore | None = None) -> CatalogError:
    """A one-line error naming the URL, with a gRPC code that says whose problem it is."""
    from obstore.exceptions import (
        InvalidPathError,
        NotFoundError,
        PermissionDeniedError,
        UnauthenticatedError,
    )

    if isinstance(exc, PermissionDeniedError | UnauthenticatedError) or _says_denied(exc):
        return CatalogError(
            "PERMISSION_DENIED", f"RRD file not readable, access denied (check credentials): {url}"
        )
    if _says_no_bucket(exc):
        return CatalogError("NOT_FOUND", f"RRD file not found, bucket does not exist: {url}")
    if isinstance(exc, NotFoundError | FileNotFoundError):
        if store is not None and _bucket_missing(store):
            return CatalogError("NOT_FOUND", f"RRD file not found, bucket does not exist: {url}")
        return CatalogError("NOT_FOUND", f"RRD file not found, object does not exist: {url}")
    if _credentials_failed(exc):
        return CatalogError(
            "NOT_FOUND", f"RRD file not found, could not load URI: {url}: no usable credentials found"
        )
    if isinstance(exc, InvalidPathError | ValueError):
        return CatalogError("INVALID_ARGUMENT", f"invalid object URL {url}: {_first_line(exc)}")
    return CatalogError("UNAVAILABLE", f"object store unreachable for {url}: {_first_line(exc)}")


def _says_denied(exc: Exception) -> bool:
    """A refusal the crate reports as a generic error (e.g. Azure's list answering 403)."""
    text = str(exc)
    return "403 Forbidden" in text or "401 Unauthorized" in text


def _credentials_failed(exc: Exception) -> bool:
    """Whether the store failed to find credentials at all (the environment has none, and the
    instance metadata service is not there): the crate reports it only in its message."""
    text = str(exc).lower()
    return "credential" in text or "169.254.169.254" in text or "/latest/api/token" in text


# Stores whose object_store client refuses suffix ranges ("bytes=-N"): HEAD, then a range.
_NO_SUFFIX_RANGES = frozenset({"az", "azure", "abfs", "abfss", "adl"})
_NO_BUCKET = ("nosuchbucket", "containernotfound", "bucket does not exist")


def _says_no_bucket(exc: Exception) -> bool:
    """S3, Azure and GCS name a missing bucket in their error bodies (a HEAD has none)."""
    text = str(exc).lower()
    return any(m in text for m in _NO_BUCKET)


def _bucket_missing(store: ObjectStore) -> bool:
    """Whether a listing says the bucket itself is missing (only asked after a 404)."""
    import obstore

    try:
        next(iter(obstore.list(store, chunk_size=1)), None)
    except Exception as exc:
        return _says_no_bucket(exc)
    return False


class ObjectStoreReader:
    """A :class:`~.segment_index.RangeReader` for one object: ranged GETs, coalesced."""

    def __init__(self, location: ObjectLocation, coalesce: int = COALESCE_BYTES) -> None:
        self.location = location
        self.coalesce = coalesce
        self._store = _store(location.parent, location.config)
        self._size: int | None = None
        self._tail = b""
        self.etag: str | None = None

    @property
    def url(self) -> str:
        return self.location.url

    def size(self) -> int:
        """Known after one suffix GET of the trailer (kept: the footer read starts with it)."""
        if self._size is None:
            import obstore

            try:
                if urlparse(self.url).scheme.lower() in _NO_SUFFIX_RANGES:
                    meta, tail = self._head_then_tail()
                else:
                    res = obstore.get(
                        self._store, self.location.name, options={"range": {"suffix": TRAILER_SIZE}}
                    )
                    meta, tail = res.meta, bytes(res.bytes())
                    STATS.add(1, len(tail))
            except Exception as exc:
                raise _error(exc, self.url, self._store) from None
            self._size, self._tail, self.etag = meta["size"], tail, meta["e_tag"]
        return self._size

    def _head_then_tail(self) -> tuple[Any, bytes]:
        """Size and ETag from a HEAD, then the trailer by an explicit range (Azure)."""
        import obstore

        meta = obstore.head(self._store, self.location.name)
        size = meta["size"]
        start = max(0, size - TRAILER_SIZE)
        tail = (
            bytes(obstore.get_range(self._store, self.location.name, start=start, end=size)) if size else b""
        )
        STATS.add(2, len(tail))
        return meta, tail

    def read_range(self, offset: int, length: int) -> bytes:
        size = self.size()
        if offset >= size - len(self._tail) and offset + length <= size:
            start = offset - (size - len(self._tail))
            return self._tail[start : start + length]
        return self.read_ranges([(offset, length)])[0]

    def read_ranges(self, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
        """Each range's bytes; ranges closer than ``coalesce`` share one request."""
        import obstore

        if not ranges:
            return []
        merged = coalesce(ranges, self.coalesce)
        try:
            blobs = obstore.get_ranges(
                self._store,
                self.location.name,
                starts=[s for s, _ in merged],
                ends=[e for _, e in merged],
                coalesce=0,
            )
        except Exception as exc:
            raise _error(exc, self.url) from None
        STATS.add(len(merged), sum(len(b) for b in blobs))
        return list(_slices(ranges, merged, [memoryview(b) for b in blobs], self.url))


def coalesce(ranges: Sequence[tuple[int, int]], gap: int) -> list[tuple[int, int]]:
    """``(offset, length)`` ranges merged into sorted ``(start, end)`` spans no closer than ``gap``."""
    spans: list[tuple[int, int]] = []
    for offset, length in sorted(ranges):
        if spans and offset <= spans[-1][1] + gap:
            spans[-1] = (spans[-1][0], max(spans[-1][1], offset + length))
        else:
            spans.append((offset, offset + length))
    return spans


def _slices(
    ranges: Sequence[tuple[int, int]], spans: list[tuple[int, int]], blobs: list[memoryview], url: str
) -> Iterator[bytes]:
    import bisect

    starts = [s for s, _ in spans]
    for offset, length in ranges:
        i = bisect.bisect_right(starts, offset) - 1
        start = offset - spans[i][0]
        data = bytes(blobs[i][start : start + length])
        if len(data) != length:
            raise RrdError(f"{url}: {length} bytes at {offset} lie past the end of the object", offset)
        yield data


def list_rrd(prefix: ObjectLocation) -> list[ObjectLocation]:
    """Every ``.rrd`` object under a prefix URL (recursively), sorted by URL."""
    import obstore

    root = prefix.url.rstrip("/")
    store = _store(root, prefix.config)
    try:
        metas = [m for page in obstore.list(store) for m in page]
    except Exception as exc:
        if urlparse(root).scheme in ("http", "https") and _no_listing(exc):
            raise CatalogError(
                "INVALID_ARGUMENT",
                f"cannot list {prefix.url}: this HTTP server does not list directories (WebDAV);"
                " register its .rrd URLs one by one",
            ) from None
        raise _error(exc, prefix.url, store) from None
    STATS.add(1, 0)
    names = sorted(m["path"] for m in metas if m["path"].endswith(".rrd"))
    return [ObjectLocation(f"{root}/{n}", prefix.config) for n in names]


def _no_listing(exc: Exception) -> bool:
    text = str(exc)
    return "PROPFIND" in text and any(c in text for c in ("405", "501", "400", "403"))


def index_object(location: ObjectLocation, kind: StoreKind = StoreKind.RECORDING) -> list[LayerIndex]:
    """The recordings of ``kind`` in one object, from its footer (cached per object version)."""
    parsed = urlparse(location.url)
    if not parsed.netloc or not parsed.path.strip("/"):
        raise CatalogError("INVALID_ARGUMENT", f"object URL names no object: {location.url}")
    reader = ObjectStoreReader(location)
    size = reader.size()
    key = (location.url, reader.etag, size)
    found: FileManifests | None = _FOOTERS.get(key)
    if found is None:
        found = read_manifests(reader)
        _FOOTERS.put(key, found)
    return layers_of(reader, found, kind)


DIRECT_URL_TTL = timedelta(hours=1)


def direct_url(location: ObjectLocation, signed: bool) -> tuple[str, int] | None:
    """An HTTP(S) URL a client may GET ``location``'s bytes from, and when it expires (ns since the
    epoch): pre-signed with the store's credentials (``signed``), or the same URL without its
    signature (the client then brings its own bearer token). ``None`` where the store cannot
    sign (no credentials, or a store kind obstore does not sign for)."""
    import time

    try:
        import obstore

        store = _store(location.parent, location.config)
        signed_url = obstore.sign(store, "GET", location.name, DIRECT_URL_TTL)  # type: ignore[call-overload]
    except Exception:  # no direct URL: the client fetches through us
        return None
    expires = time.time_ns() + int(DIRECT_URL_TTL.total_seconds()) * 1_000_000_000
    return (signed_url if signed else signed_url.split("?", 1)[0]), expires
