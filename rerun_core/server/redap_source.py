"""Open Rerun server URLs: parse them, list what a server holds, stream a segment as log messages.

The viewers (CLI, notebook, web page) all open ``rerun+http://HOST:PORT[/dataset/ID[?segment_id=S]]``
the same way, through this module:

- `parse_url` classifies a URL (`RedapUrl.kind`: ``proxy`` / ``server`` / ``dataset`` /
  ``segment``) and reads the ``#when=...&time_selection=...`` fragment of segment URLs.
- `RedapClient` speaks the catalog protocol (FindEntries, ReadDatasetEntry, ScanSegmentTable,
  GetRrdManifest, FetchChunks).
- `segment_messages` turns one segment into the LogMsgs a StoreHub takes: a SetStoreInfo
  (recording id = segment id, application id = dataset name), then one ArrowMsg per chunk.

The manifest (`SegmentManifest`, one row per chunk with its entity, timeline bounds and size) is
the seam for fetching on demand: a later fetcher picks rows (a time window, a memory budget) and
hands only those to `RedapClient.fetch_chunks`. Errors are `RedapError` / `InvalidUrlError` with
a one-line message, fit for a terminal or a notebook cell.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import parse_qs, urlsplit

import grpc
import pyarrow as pa

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import cloud_pb2_grpc
from rerun_core.store.messages import (
    ArrowMsg,
    LogMsg,
    SetStoreInfo,
    StoreId,
    StoreInfo,
    StoreKind,
    StoreSource,
    StoreSourceKind,
)
from rerun_core.store.rrd import RrdError, dataframe_part_from_arrow, dataframe_part_to_table
from rerun_core.store.rrd.protocol import arrow_msg_from_proto
from rerun_core.types.tuid import TuidGenerator

from .urls import InvalidUrlError, grpc_channel, parse_grpc_url

UrlKind = Literal["proxy", "server", "dataset", "segment"]
SCHEMES = ("rerun://", "rerun+http://", "rerun+https://")
DEFAULT_SERVER_PORT = 51234  # `rerun server`'s default
CLIENT_VERSION = "rerun-py/0.41.0"
TIMEOUT_S = 60.0
_IDS = TuidGenerator()


@dataclass
class Credentials:
    """What a viewer in this process signs its catalog requests with (`Viewer.set_credentials`)."""

    access_token: str | None = None
    email: str | None = None


CREDENTIALS = Credentials()


def set_credentials(access_token: str | None, email: str | None = None) -> None:
    """From now on, catalog servers the viewers open get ``authorization: Bearer <access_token>``."""
    CREDENTIALS.access_token = access_token or None
    CREDENTIALS.email = email


__all__ = [
    "DatasetRef",
    "InvalidUrlError",
    "RedapClient",
    "RedapError",
    "RedapUrl",
    "SegmentInfo",
    "SegmentManifest",
    "TimeCursor",
    "TimeSelection",
    "is_redap_url",
    "parse_time_value",
    "parse_url",
    "segment_messages",
]


class RedapError(RuntimeError):
    """A server could not be reached or refused a request; the message is one line."""


@dataclass(frozen=True)
class TimeCursor:
    """``#when=timeline@value``: where the time cursor goes once the segment is open."""

    timeline: str
    value: int


@dataclass(frozen=True)
class TimeSelection:
    """``time_selection=timeline@start..end``: the selected (loop) range on a timeline."""

    timeline: str
    start: int
    end: int


@dataclass(frozen=True)
class RedapUrl:
    """One parsed viewer URL. ``origin`` is ``scheme://host:port`` (what `RedapClient` dials)."""

    url: str
    kind: UrlKind
    origin: str
    target: str  # host:port, as gRPC dials it
    tls: bool
    dataset_id: str | None = None
    segment_id: str | None = None
    when: TimeCursor | None = None
    selection: TimeSelection | None = None

    def dataset_url(self, dataset_id: str) -> str:
        return f"{self.origin}/dataset/{dataset_id}"

    def segment_url(self, dataset_id: str, segment_id: str) -> str:
        return f"{self.dataset_url(dataset_id)}?segment_id={segment_id}"


def is_redap_url(text: str) -> bool:
    """Whether ``text`` is a ``rerun://`` / ``rerun+http(s)://`` URL (else a path or http URL)."""
    return text.startswith(SCHEMES)


def _bad(url: str, why: str) -> InvalidUrlError:
    return InvalidUrlError(f"invalid Rerun URL {url!r}: {why}")


def parse_url(url: str) -> RedapUrl:
    """Classify a Rerun URL; `InvalidUrlError` (a ValueError) with a one-line reason otherwise."""
    parts = urlsplit(url.strip())
    if not is_redap_url(url.strip()):
        raise _bad(url, "the scheme must be rerun://, rerun+http:// or rerun+https://")
    path = parts.path.rstrip("/")
    if path == "/proxy":
        target, tls = parse_grpc_url(url.strip())
        return RedapUrl(url, "proxy", f"{parts.scheme}://{target}", target, tls)
    try:
        port = parts.port
    except ValueError as err:
        raise _bad(url, str(err)) from None
    if not parts.hostname:
        raise _bad(url, "missing host")
    tls = parts.scheme != "rerun+http"
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    target = f"{host}:{port or (443 if tls else DEFAULT_SERVER_PORT)}"
    origin = f"{parts.scheme}://{target}"
    if path == "":
        return RedapUrl(url, "server", origin, target, tls)
    found = re.fullmatch(r"/dataset/([0-9A-Fa-f]{32})", path)
    if found is None:
        raise _bad(url, "expected /proxy, /dataset/<32 hex digit id> or no path (a server)")
    query = parse_qs(parts.query)
    segments = query.get("segment_id") or []
    segment = segments[0] if segments else None
    when, selection = _fragment(url, parts.fragment)
    kind: UrlKind = "segment" if segment else "dataset"
    return RedapUrl(url, kind, origin, target, tls, found.group(1), segment, when, selection)


def _fragment(url: str, fragment: str) -> tuple[TimeCursor | None, TimeSelection | None]:
    """``when=tl@v&time_selection=tl@a..b``; other keys (0.41 has more) are ignored."""
    when = selection = None
    for item in filter(None, fragment.split("&")):
        key, _, value = item.partition("=")
        if key not in ("when", "time_selection"):
            continue
        timeline, at, text = value.rpartition("@")
        if not at or not timeline:
            raise _bad(url, f"{key} must be timeline@value, got {value!r}")
        try:
            if key == "when":
                when = TimeCursor(timeline, parse_time_value(text))
            else:
                lo, dots, hi = text.partition("..")
                if not dots:
                    raise ValueError(f"expected start..end, got {text!r}")
                selection = TimeSelection(timeline, parse_time_value(lo), parse_time_value(hi))
        except ValueError as err:
            raise _bad(url, f"{key}: {err}") from None
    return when, selection


_UNITS = {"s": 10**9, "ms": 10**6, "us": 10**3, "µs": 10**3, "ns": 1, "min": 60 * 10**9, "h": 3600 * 10**9}
_I64_MIN = -(2**63)


def parse_time_value(text: str) -> int:
    """A time in a segment URL as an int64: a tick count, an ISO timestamp (ns since the epoch)
    or a signed duration such as ``+1.5s`` (ns); 0.41 writes digit groups with thin spaces."""
    text = text.replace("\u2009", "").replace(" ", "").strip()
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    dur = re.fullmatch(r"([+-])?(\d+)(?:\.(\d+))?(min|ms|us|µs|ns|s|h)", text)
    if dur is not None:
        sign, whole, frac, unit = dur.groups()
        scale = _UNITS[unit]
        nanos = int(whole) * scale + (int(frac) * scale // 10 ** len(frac) if frac else 0)
        return -nanos if sign == "-" else nanos
    stamp = re.fullmatch(r"(-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)?", text)
    if stamp is not None:
        base, frac, zone = stamp.groups()
        try:
            moment = datetime.fromisoformat(base + ("+00:00" if zone in (None, "Z") else zone))
        except ValueError:
            if base.startswith("-"):  # 0.41 writes i64::MIN as a year far before year 1
                return _I64_MIN
            raise ValueError(f"not a valid timestamp: {text!r}") from None
        seconds = int(moment.timestamp())
        return seconds * 10**9 + (int(frac.ljust(9, "0")) if frac else 0)
    raise ValueError(f"not a tick count, timestamp or duration: {text!r}")


# --- the catalog protocol ------------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetRef:
    id: str  # 32 hex digits
    name: str


@dataclass(frozen=True)
class SegmentInfo:
    id: str
    num_chunks: int | None = None
    size_bytes: int | None = None


@dataclass(frozen=True)
class SegmentManifest:
    """A segment's chunk list (GetRrdManifest): ``chunk_key`` plus what the footer says of each
    chunk (entity, static, per-timeline bounds, byte size), enough to choose what to fetch."""

    dataset: DatasetRef
    segment_id: str
    table: pa.Table

    @property
    def num_chunks(self) -> int:
        return int(self.table.num_rows)

    def store_id(self) -> StoreId:
        return StoreId(StoreKind.RECORDING, self.segment_id, self.dataset.name)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


class RedapClient:
    """A gRPC connection to one catalog server (``rerun server`` or Rerun's own)."""

    def __init__(self, url: RedapUrl | str, *, timeout: float = TIMEOUT_S) -> None:
        self.url = parse_url(url) if isinstance(url, str) else url
        if self.url.kind == "proxy":
            raise InvalidUrlError(f"{self.url.url} is a viewer's proxy, not a Rerun server")
        self.timeout = timeout
        self._channel = grpc_channel(self.url.target, self.url.tls)
        self._stub = cloud_pb2_grpc.RerunCloudServiceStub(self._channel)
        self._client_id = uuid.uuid4().hex

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> RedapClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _metadata(self, entry: str | None) -> list[tuple[str, str]]:
        md = [("x-rerun-client-version", CLIENT_VERSION), ("x-rerun-client-id", self._client_id)]
        if CREDENTIALS.access_token:
            md.append(("authorization", f"Bearer {CREDENTIALS.access_token}"))
        return md + ([("x-rerun-entry-id", entry)] if entry else [])

    def _error(self, err: grpc.RpcError) -> RedapError:
        code = err.code()  # type: ignore[attr-defined]
        detail = _one_line(err.details() or "")  # type: ignore[attr-defined]
        if code == grpc.StatusCode.UNAVAILABLE:
            return RedapError(f"cannot reach the Rerun server at {self.url.origin} ({detail})")
        if code == grpc.StatusCode.DEADLINE_EXCEEDED:
            return RedapError(f"the Rerun server at {self.url.origin} did not answer in {self.timeout:.0f} s")
        if code == grpc.StatusCode.UNIMPLEMENTED:
            return RedapError(f"{self.url.origin} is not a Rerun catalog server ({detail})")
        return RedapError(f"{self.url.origin}: {code.name.lower()}: {detail}")

    def _call(self, method: str, request: object, entry: str | None = None) -> object:
        try:
            return getattr(self._stub, method)(request, metadata=self._metadata(entry), timeout=self.timeout)
        except grpc.RpcError as err:
            raise self._error(err) from None

    def _stream(self, method: str, request: object, entry: str | None = None) -> Iterator[object]:
        try:
            yield from getattr(self._stub, method)(
                request, metadata=self._metadata(entry), timeout=self.timeout
            )
        except grpc.RpcError as err:
            raise self._error(err) from None

    def datasets(self) -> list[DatasetRef]:
        """The server's (visible) datasets."""
        req = pb.FindEntriesRequest(filter=pb.EntryFilter(entry_kind=pb.ENTRY_KIND_DATASET))
        resp = self._call("FindEntries", req)
        out = []
        for d in resp.entries:  # type: ignore[attr-defined]
            tuid = d.id.id
            out.append(DatasetRef(f"{tuid.time_ns:016X}{tuid.inc:016x}", d.name))  # as 0.41 prints ids
        return out

    def dataset(self, dataset_id: str) -> DatasetRef:
        resp = self._call("ReadDatasetEntry", pb.ReadDatasetEntryRequest(), entry=dataset_id)
        return DatasetRef(dataset_id, resp.dataset.details.name)  # type: ignore[attr-defined]

    def segments(self, dataset_id: str) -> list[SegmentInfo]:
        cols = ["rerun_segment_id", "rerun_num_chunks", "rerun_size_bytes"]
        req = pb.ScanSegmentTableRequest(columns=cols)
        tables = [dataframe_part_to_table(r.data) for r in self._stream("ScanSegmentTable", req, dataset_id)]  # type: ignore[attr-defined]
        out = []
        for t in tables:
            rows = {c: t.column(c).to_pylist() if c in t.column_names else [None] * t.num_rows for c in cols}
            out += [SegmentInfo(*row) for row in zip(*rows.values(), strict=True)]
        return out

    def manifest(self, dataset: DatasetRef, segment_id: str) -> SegmentManifest:
        req = pb.GetRrdManifestRequest()
        req.segment_id.id = segment_id
        parts = [
            dataframe_part_to_table(r.rrd_manifest.data)  # type: ignore[attr-defined]
            for r in self._stream("GetRrdManifest", req, dataset.id)
        ]
        parts = [p for p in parts if p.num_rows]
        table = pa.concat_tables(parts, promote_options="permissive") if parts else pa.table({})
        if table.num_rows and "chunk_key" not in table.column_names:
            raise RedapError(f"{self.url.origin}: the manifest of segment {segment_id!r} has no chunk keys")
        return SegmentManifest(dataset, segment_id, table)

    def fetch_chunks(self, keys: pa.Table, store_id: StoreId) -> Iterator[ArrowMsg]:
        """The chunks named by ``keys`` (a ``chunk_key`` column, e.g. manifest rows) as ArrowMsgs."""
        if not keys.num_rows:
            return
        req = pb.FetchChunksRequest(chunk_infos=[dataframe_part_from_arrow(keys.select(["chunk_key"]))])
        for resp in self._stream("FetchChunks", req):
            for raw in resp.chunks:  # type: ignore[attr-defined]
                try:
                    msg = arrow_msg_from_proto(raw)
                except (RrdError, ValueError) as err:
                    raise RedapError(
                        f"{self.url.origin} sent a malformed chunk: {_one_line(str(err))}"
                    ) from None
                yield ArrowMsg(store_id, msg.chunk)


def segment_messages(client: RedapClient, manifest: SegmentManifest) -> Iterator[LogMsg]:
    """The whole segment as a recording: SetStoreInfo, then its chunks in manifest order."""
    sid = manifest.store_id()
    yield SetStoreInfo(_IDS.new(), StoreInfo(sid, StoreSource(StoreSourceKind.OTHER)))
    yield from client.fetch_chunks(manifest.table, sid)
