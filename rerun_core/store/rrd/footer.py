"""Reading an .rrd footer directly: jump to the trailer, check its CRC, decode the manifests.

This is how a catalog indexes a file without decoding its chunks: each manifest row locates
one chunk (``chunk_byte_offset`` / ``chunk_byte_size`` of its ArrowMsg body).
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

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
        trailer = f.read(tail)
        if trailer[TRAILER_ENTRY_SIZE : TRAILER_ENTRY_SIZE + 8] != FOOTER_MAGIC:
            return None
        off, length, crc = struct.unpack_from("<QQI", trailer)
        if off < FRAME_HEADER_SIZE or off + length > size - tail:
            raise RrdError(f"footer trailer points outside the file ({off}+{length})", size - tail)
        f.seek(off)
        body = f.read(length)
    if xxhash.xxh32_intdigest(body, seed=FOOTER_CRC_SEED) != crc:
        raise RrdError("footer checksum mismatch", off)
    return decode_footer(body, off)
