"""A minimal protobuf wire parser for ``ArrowMsg``: the hot path of reading a recording.

Parsing with the generated class would copy the (large) payload into a new ``bytes``; here the
payload stays a ``memoryview`` slice of the frame. Only the handful of small header fields are
decoded. Every read is bounds-checked: bad input raises ``RrdError``, never anything else.
"""

from __future__ import annotations

from dataclasses import dataclass

from rerun_core.types import Tuid

from .errors import RrdError

_WIRE_VARINT, _WIRE_I64, _WIRE_LEN, _WIRE_I32 = 0, 1, 2, 5


def _varint(buf: memoryview, i: int, end: int) -> tuple[int, int]:
    out = shift = 0
    while True:
        if i >= end or shift > 63:
            raise RrdError("corrupt protobuf: bad varint")
        c = buf[i]
        i += 1
        out |= (c & 0x7F) << shift
        if c < 0x80:
            return out, i
        shift += 7


@dataclass(slots=True)
class RawArrowMsg:
    store_id: bytes = b""
    compression: int = 0
    uncompressed_size: int = 0
    encoding: int = 0
    payload: memoryview | bytes = b""
    chunk_id: Tuid | None = None
    is_static: bool | None = None


def _fields(buf: memoryview, start: int, end: int):  # type: ignore[no-untyped-def]
    """Yield ``(field number, wire type, value)``; LEN values are ``(start, end)`` pairs."""
    i = start
    while i < end:
        tag, i = _varint(buf, i, end)
        num, wt = tag >> 3, tag & 7
        if num == 0:
            raise RrdError("corrupt protobuf: field number 0")
        if wt == _WIRE_VARINT:
            val, i = _varint(buf, i, end)
            yield num, wt, val
        elif wt == _WIRE_LEN:
            n, i = _varint(buf, i, end)
            if i + n > end:
                raise RrdError("corrupt protobuf: length runs past the message")
            yield num, wt, (i, i + n)
            i += n
        elif wt in (_WIRE_I64, _WIRE_I32):
            n = 8 if wt == _WIRE_I64 else 4
            if i + n > end:
                raise RrdError("corrupt protobuf: fixed field runs past the message")
            yield num, wt, int.from_bytes(buf[i : i + n], "little")
            i += n
        else:
            raise RrdError(f"corrupt protobuf: unsupported wire type {wt}")


def _tuid(buf: memoryview, start: int, end: int) -> Tuid:
    time_ns = inc = 0
    for num, wt, val in _fields(buf, start, end):
        if num == 1 and wt == _WIRE_I64:
            time_ns = val
        elif num == 2 and wt == _WIRE_I64:
            inc = val
    return Tuid(time_ns, inc)


def parse_arrow_msg(buf: memoryview) -> RawArrowMsg:
    """Decode an ``ArrowMsg`` body; the payload is a zero-copy slice of ``buf``."""
    msg = RawArrowMsg()
    for num, wt, val in _fields(buf, 0, len(buf)):
        if wt == _WIRE_LEN:
            s, e = val
            if num == 5:
                msg.payload = buf[s:e]
            elif num == 1:
                msg.store_id = bytes(buf[s:e])
            elif num == 6:
                msg.chunk_id = _tuid(buf, s, e)
        elif wt == _WIRE_VARINT:
            if num == 2:
                msg.compression = val
            elif num == 3:
                msg.uncompressed_size = val
            elif num == 4:
                msg.encoding = val
            elif num == 7:
                msg.is_static = bool(val)
    return msg


# --- encoding -------------------------------------------------------------------------------


def encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        b = value & 0x7F
        value >>= 7
        if value:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _enc_len(num: int, data: bytes) -> bytes:
    return encode_varint(num << 3 | _WIRE_LEN) + encode_varint(len(data)) + data


def _enc_uint(num: int, value: int) -> bytes:
    return encode_varint(num << 3 | _WIRE_VARINT) + encode_varint(value) if value else b""


def encode_tuid(tuid: Tuid) -> bytes:
    return b"\x09" + tuid.time_ns.to_bytes(8, "little") + b"\x11" + tuid.inc.to_bytes(8, "little")


def encode_arrow_msg(
    store_id: bytes,
    chunk_id: Tuid,
    compression: int,
    uncompressed_size: int,
    encoding: int,
    payload_len: int,
    is_static: bool,
) -> tuple[bytes, bytes]:
    """``ArrowMsg`` bytes around the payload, ``(before, after)``, in canonical field order.

    Lets the writer send a large payload straight to the file without copying it into a
    protobuf message first.
    """
    before = (
        _enc_len(1, store_id)
        + _enc_uint(2, compression)
        + _enc_uint(3, uncompressed_size)
        + _enc_uint(4, encoding)
        + encode_varint(5 << 3 | _WIRE_LEN)
        + encode_varint(payload_len)
    )
    after = (
        _enc_len(6, encode_tuid(chunk_id))
        + encode_varint(7 << 3 | _WIRE_VARINT)
        + (b"\x01" if is_static else b"\x00")
    )
    return before, after
