"""The byte layout of an .rrd stream (Rerun 0.41): stream header, frame headers, footer trailer.

header   "RRF2" | version [major, minor, patch, meta] | [compression, serializer, 0, 0]
frame    kind: u64 LE | len: u64 LE | len bytes of a bare protobuf message
footer   End frame (kind 0) whose body is an RrdFooter, then a trailer of 20-byte entries
         (u64 body offset, u64 body len, u32 xxh32(body, seed)) closed by
         "RRF2" "FOOT" u32 entry count.
"""

from __future__ import annotations

import enum
import struct
import warnings

from ..messages import CRATE_VERSION
from .errors import RrdError

MAGIC = b"RRF2"
OLD_MAGICS = (b"RRF0", b"RRF1", b"RRIO")
FOOTER_MAGIC = MAGIC + b"FOOT"
HEADER_SIZE = 12
FRAME_HEADER_SIZE = 16
TRAILER_ENTRY_SIZE = 20
TRAILER_TAIL_SIZE = 12  # "RRF2" "FOOT" u32 count
FOOTER_CRC_SEED = 7850921
SERIALIZER_PROTOBUF = 2
MIN_VERSION = (0, 23)

_FRAME = struct.Struct("<QQ")
_ENTRY = struct.Struct("<QQI")


class MessageKind(enum.IntEnum):
    END = 0
    SET_STORE_INFO = 1
    ARROW_MSG = 2
    BLUEPRINT_ACTIVATION_COMMAND = 3


def encode_header(*, compression: bool = True, version: tuple[int, int, int, int] = CRATE_VERSION) -> bytes:
    return MAGIC + bytes(version) + bytes([1 if compression else 0, SERIALIZER_PROTOBUF, 0, 0])


def parse_header(data: bytes | memoryview, offset: int) -> tuple[int, int, int, int]:
    """Check a 12-byte stream header; return its version. Raises RrdError."""
    magic = bytes(data[:4])
    if magic in OLD_MAGICS:
        raise RrdError(f"unsupported .rrd: magic {magic!r} is from before Rerun 0.23", offset)
    if magic != MAGIC:
        raise RrdError(f"not an .rrd stream: expected magic {MAGIC!r}, found {magic!r}", offset)
    major, minor, patch, meta = bytes(data[4:8])
    if (major, minor, patch, meta) == (0, 0, 0, 0) or (major == 0 and minor < MIN_VERSION[1]):
        raise RrdError(
            f"unsupported .rrd version {major}.{minor}.{patch}: Rerun 0.23 or newer is required", offset + 4
        )
    if major != CRATE_VERSION[0]:
        raise RrdError(f"unsupported .rrd version {major}.{minor}.{patch}: unknown major version", offset + 4)
    if minor > CRATE_VERSION[1]:
        warnings.warn(
            f".rrd written by Rerun {major}.{minor}.{patch}, newer than 0.{CRATE_VERSION[1]}; reading anyway",
            stacklevel=3,
        )
    compression, serializer, r1, r2 = bytes(data[8:12])
    if compression not in (0, 1):
        raise RrdError(f"unknown stream compression {compression}", offset + 8)
    if serializer != SERIALIZER_PROTOBUF:
        raise RrdError(
            f"unsupported serializer {serializer} (only protobuf, 2, exists since 0.23)", offset + 9
        )
    if r1 or r2:
        raise RrdError("reserved header bytes are not zero", offset + 10)
    return major, minor, patch, meta


def encode_frame_header(kind: MessageKind, length: int) -> bytes:
    return _FRAME.pack(int(kind), length)


def parse_frame_header(data: bytes | memoryview) -> tuple[int, int]:
    kind, length = _FRAME.unpack(data)
    return int(kind), int(length)


def encode_trailer(body_offset: int, body: bytes) -> bytes:
    import xxhash

    crc = xxhash.xxh32_intdigest(body, seed=FOOTER_CRC_SEED)
    return _ENTRY.pack(body_offset, len(body), crc) + FOOTER_MAGIC + struct.pack("<I", 1)


def parse_trailer_entry(data: bytes | memoryview) -> tuple[int, int, int]:
    off, length, crc = _ENTRY.unpack(data)
    return int(off), int(length), int(crc)
