"""Reading an .rrd footer directly: jump to the trailer, check its CRC, decode the manifests.

This is how a catalog indexes a file without decoding its chunks: each manifest row locates
one chunk (``chunk_byte_offset`` / ``chunk_byte_size`` of its ArrowMsg body).
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyarrow as pa
import xxhash
from google.protobuf.message import DecodeError

from rerun_core.proto.gen import log_msg_pb2

from ..messages import StoreId
from . import protocol
from .errors import RrdError
from .frames import FOOTER_CRC_SEED, FOOTER_MAGIC, FRAME_HEADER_SIZE, TRAILER_ENTRY_SIZE, TRAILER_TAIL_SIZE


@dataclass(frozen=True)
class RrdManifest:
    store_id: StoreId
    sorbet_schema: pa.Schema
    sorbet_schema_sha256: bytes
    table: pa.Table  # one row per chunk


def decode_footer(body: bytes, offset: int = 0) -> list[RrdManifest]:
    """Decode an ``RrdFooter`` message (the body of an End frame)."""
    try:
        footer = log_msg_pb2.RrdFooter.FromString(body)
    except DecodeError as exc:
        raise RrdError(f"corrupt RrdFooter protobuf: {exc}", offset) from None
    out = []
    for m in footer.manifests:
        try:
            schema = pa.ipc.read_schema(pa.py_buffer(m.sorbet_schema.arrow_schema))
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise RrdError(f"corrupt sorbet schema in .rrd footer: {exc}", offset) from None
        try:
            table = protocol.dataframe_part_to_table(m.data)
        except RrdError as exc:
            raise RrdError(f"corrupt manifest in .rrd footer: {exc.detail}", offset) from None
        out.append(
            RrdManifest(protocol.store_id_from_proto(m.store_id), schema, m.sorbet_schema_sha256, table)
        )
    return out


class ByteRanges(Protocol):
    """Random access to one file or object (a local file, an object in a bucket)."""

    def size(self) -> int: ...

    def read_range(self, offset: int, length: int) -> bytes: ...


def _trailer_span(trailer: bytes, size: int) -> tuple[int, int, int] | None:
    """``(footer offset, length, crc)`` from the last bytes of a file; None without a footer."""
    if trailer[TRAILER_ENTRY_SIZE : TRAILER_ENTRY_SIZE + 8] != FOOTER_MAGIC:
        return None
    off, length, crc = struct.unpack_from("<QQI", trailer)
    tail = TRAILER_ENTRY_SIZE + TRAILER_TAIL_SIZE
    if off < FRAME_HEADER_SIZE or off + length > size - tail:
        raise RrdError(f"footer trailer points outside the file ({off}+{length})", size - tail)
    return off, length, crc


def _checked_footer(body: bytes, off: int, crc: int) -> list[RrdManifest]:
    if xxhash.xxh32_intdigest(body, seed=FOOTER_CRC_SEED) != crc:
        raise RrdError("footer checksum mismatch", off)
    return decode_footer(body, off)


def read_footer(path: str | os.PathLike[str]) -> list[RrdManifest] | None:
    """The manifests of the last stream in ``path``, or None if it has no footer.

    Raises RrdError if a trailer is there but points outside the file or fails its checksum.
    """
    with Path(path).open("rb") as f:
        size = f.seek(0, os.SEEK_END)
        tail = TRAILER_ENTRY_SIZE + TRAILER_TAIL_SIZE
        if size < tail:
            return None
        f.seek(size - tail)
        span = _trailer_span(f.read(tail), size)
        if span is None:
            return None
        off, length, crc = span
        f.seek(off)
        body = f.read(length)
    return _checked_footer(body, off, crc)


def read_footer_ranges(src: ByteRanges) -> list[RrdManifest] | None:
    """As :func:`read_footer` through two ranged reads (the trailer, then the footer body).

    For files that are expensive to open or far away (objects in a bucket): nothing else of the
    file is read.
    """
    size = src.size()
    tail = TRAILER_ENTRY_SIZE + TRAILER_TAIL_SIZE
    if size < tail:
        return None
    span = _trailer_span(src.read_range(size - tail, tail), size)
    if span is None:
        return None
    off, length, crc = span
    return _checked_footer(src.read_range(off, length), off, crc)
