"""Chunk reads straight from object storage, by HTTP range, as 0.41's client makes them.

FindChunks may give a row a ``rerun_layer_direct_url`` (pre-signed, or plain when the client
holds a ``BearerTokenObjectStoreAuth``); its ``chunk_key`` is then a ``ChunkKey`` whose
``RrdChunkLocation`` says which bytes of the object hold the chunk's message (its 16-byte
frame header, then the ArrowMsg). Close ranges of
one object are read with one request.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
from google.protobuf.message import DecodeError

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import log_msg_pb2
from rerun_core.store.rrd.frames import FRAME_HEADER_SIZE, MessageKind, parse_frame_header

MERGE_GAP_BYTES = 64 << 10  # ranges of one object closer than this are read together
MAX_MERGED_BYTES = 16 << 20
_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class DirectRange:
    url: str  # the HTTP(S) URL to GET
    offset: int
    length: int


def direct_ranges(infos: pa.Table) -> dict[int, DirectRange]:
    """Row -> where to read it, for the rows of a FindChunks answer that have a direct URL."""
    if "rerun_layer_direct_url" not in infos.column_names or "chunk_key" not in infos.column_names:
        return {}
    urls = infos.column("rerun_layer_direct_url").to_pylist()
    keys = infos.column("chunk_key").to_pylist()
    out: dict[int, DirectRange] = {}
    for i, (url, key) in enumerate(zip(urls, keys, strict=True)):
        if not url or not key:
            continue
        try:
            loc = pb.RrdChunkLocation.FromString(pb.ChunkKey.FromString(key).location)
        except DecodeError:
            continue
        if loc.HasField("offset") and loc.HasField("length"):
            out[i] = DirectRange(url, loc.offset, loc.length)
    return out


def _merged(
    ranges: Sequence[tuple[int, DirectRange]],
) -> list[tuple[int, int, list[tuple[int, DirectRange]]]]:
    """(start, end, members) per request: one object's ranges, close ones together."""
    out: list[tuple[int, int, list[tuple[int, DirectRange]]]] = []
    for row, r in sorted(ranges, key=lambda x: x[1].offset):
        end = r.offset + r.length
        if out and r.offset - out[-1][1] <= MERGE_GAP_BYTES and end - out[-1][0] <= MAX_MERGED_BYTES:
            start, last, members = out[-1]
            out[-1] = (start, max(last, end), [*members, (row, r)])
        else:
            out.append((r.offset, end, [(row, r)]))
    return out


def _get(url: str, start: int, end: int, token: str | None) -> bytes:
    headers = {"Range": f"bytes={start}-{end - 1}"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    shown = url.split("?", 1)[0]  # never the signature
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=_TIMEOUT_S) as resp:
            data: bytes = resp.read()
            if resp.status == 200 and len(data) > end - start:  # a server that ignores Range
                data = data[start:end]
    except urllib.error.HTTPError as exc:
        raise ConnectionError(f"fetching chunks from {shown}: HTTP {exc.code} {exc.reason}") from None
    except OSError as exc:
        raise ConnectionError(f"fetching chunks from {shown}: {exc}") from None
    if len(data) != end - start:
        raise ConnectionError(f"fetching chunks from {shown}: got {len(data)} bytes of {end - start}")
    return data


def _arrow_msg(frame: bytes, url: str) -> log_msg_pb2.ArrowMsg:
    """The ArrowMsg of one message frame: its 16-byte header (kind, length), then the body."""
    kind, length = parse_frame_header(frame[:FRAME_HEADER_SIZE])
    if kind != MessageKind.ARROW_MSG or length != len(frame) - FRAME_HEADER_SIZE:
        raise ConnectionError(f"fetching chunks from {url.split('?', 1)[0]}: not an ArrowMsg frame")
    return log_msg_pb2.ArrowMsg.FromString(frame[FRAME_HEADER_SIZE:])


def fetch_direct(ranges: dict[int, DirectRange], token: str | None) -> list[log_msg_pb2.ArrowMsg]:
    """The ArrowMsgs of ``ranges``, in row order; ``token`` goes along as a Bearer header."""
    by_url: dict[str, list[tuple[int, DirectRange]]] = {}
    for row, r in ranges.items():
        by_url.setdefault(r.url, []).append((row, r))
    found: dict[int, log_msg_pb2.ArrowMsg] = {}
    for url, members in by_url.items():
        for start, end, group in _merged(members):
            data = _get(url, start, end, token)
            for row, r in group:
                found[row] = _arrow_msg(data[r.offset - start : r.offset - start + r.length], url)
    return [found[row] for row in sorted(found)]
