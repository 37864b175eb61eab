"""Just enough protobuf wire format to route `LogMsg`s without decoding their payloads.

The proxy never needs the Arrow data of a message to buffer and forward it: it needs the
message kind (store info, Arrow chunk, blueprint activation), whether a chunk is static, and
the bytes of the inner message (exactly what a .rrd frame of that kind holds). Walking the
top-level tags is far cheaper than a full parse, and it doubles as a structural check, so a
malformed request is rejected before it reaches the buffer.

`WriteMessagesRequest` and `ReadMessagesResponse` share one layout (`LogMsg log_msg = 1`), so
the proxy forwards a request's bytes unchanged as a response.
"""

from __future__ import annotations

import enum

from rerun_core.store.rrd._wire import encode_varint


class WireError(ValueError):
    """Bytes that are not the protobuf message they claim to be."""


class MsgKind(enum.IntEnum):
    """`LogMsg.msg` oneof field numbers; also the .rrd frame kinds."""

    SET_STORE_INFO = 1
    ARROW_MSG = 2
    BLUEPRINT_ACTIVATION = 3


_WT_VARINT, _WT_I64, _WT_LEN, _WT_I32 = 0, 1, 2, 5
_ARROW_MSG_IS_STATIC = 7
_ARROW_MSG_STORE_ID = 1
_SET_STORE_INFO_INFO = 2
_STORE_INFO_STORE_ID = 2


def read_varint(buf: bytes | memoryview, pos: int) -> tuple[int, int]:
    """Decode one varint at `pos`; returns (value, next position)."""
    result = 0
    shift = 0
    end = len(buf)
    while True:
        if pos >= end:
            raise WireError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise WireError("varint too long")


def iter_fields(buf: bytes | memoryview, start: int = 0, end: int | None = None):  # type: ignore[no-untyped-def]
    """Yield (field number, wire type, value) for each top-level field.

    `value` is an int for varint/fixed fields and a (start, end) span for length-delimited ones.
    Raises `WireError` on anything that is not well-formed protobuf.
    """
    pos = start
    stop = len(buf) if end is None else end
    while pos < stop:
        key, pos = read_varint(buf, pos)
        field, wt = key >> 3, key & 7
        if field == 0:
            raise WireError("field number 0")
        if wt == _WT_VARINT:
            val, pos = read_varint(buf, pos)
            yield field, wt, val
        elif wt == _WT_LEN:
            n, pos = read_varint(buf, pos)
            if pos + n > stop:
                raise WireError("length-delimited field runs past the end")
            yield field, wt, (pos, pos + n)
            pos += n
        elif wt == _WT_I64:
            if pos + 8 > stop:
                raise WireError("truncated fixed64")
            yield field, wt, int.from_bytes(buf[pos : pos + 8], "little")
            pos += 8
        elif wt == _WT_I32:
            if pos + 4 > stop:
                raise WireError("truncated fixed32")
            yield field, wt, int.from_bytes(buf[pos : pos + 4], "little")
            pos += 4
        else:
            raise WireError(f"unsupported wire type {wt}")


class WireMsg:
    """One routed `LogMsg`: its kind, static flag, store key and encodings.

    A plain slotted class rather than a frozen dataclass: one is built per received message,
    and the frozen `__init__` costs several times more.
    """

    __slots__ = ("inner", "is_static", "kind", "local", "request", "store_key")

    def __init__(
        self,
        kind: MsgKind,
        is_static: bool,
        store_key: bytes,
        request: bytes,
        inner: memoryview,
        local: bool = False,
    ) -> None:
        self.kind = kind
        self.is_static = is_static
        self.store_key = store_key  # the encoded StoreId, compared byte-wise to group by store
        self.request = request  # the whole WriteMessagesRequest (== ReadMessagesResponse) bytes
        self.inner = inner  # the inner message, as a .rrd frame of `kind` holds it
        self.local = local  # logged in this process (not received from a client)

    @property
    def nbytes(self) -> int:
        return len(self.request)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WireMsg) and other.request == self.request and other.local == self.local

    def __hash__(self) -> int:
        return hash(self.request)

    def __repr__(self) -> str:
        return f"WireMsg({self.kind.name}, static={self.is_static}, {len(self.request)} bytes)"


def _single_len_field(buf: bytes | memoryview, field_no: int, what: str) -> tuple[int, int]:
    span: tuple[int, int] | None = None
    for field, wt, val in iter_fields(buf):
        if field == field_no and wt == _WT_LEN:
            span = val  # type: ignore[assignment]
    if span is None:
        raise WireError(f"{what}: missing field {field_no}")
    return span


def _store_key(inner: memoryview, kind: MsgKind) -> bytes:
    """The encoded StoreId of a message (empty when absent)."""
    if kind == MsgKind.SET_STORE_INFO:
        for field, wt, val in iter_fields(inner):
            if field == _SET_STORE_INFO_INFO and wt == _WT_LEN:
                s, e = val  # type: ignore[misc]
                for f2, wt2, v2 in iter_fields(inner, s, e):
                    if f2 == _STORE_INFO_STORE_ID and wt2 == _WT_LEN:
                        return bytes(inner[v2[0] : v2[1]])  # type: ignore[index]
        return b""
    for field, wt, val in iter_fields(inner):
        if field == _ARROW_MSG_STORE_ID and wt == _WT_LEN:
            s, e = val  # type: ignore[misc]
            return bytes(inner[s:e])
    return b""


def _varint_at(buf: bytes, pos: int) -> tuple[int, int]:
    b = buf[pos]
    if b < 0x80:
        return b, pos + 1
    return read_varint(buf, pos)


def _fast_arrow(request: bytes, start: int, end: int) -> tuple[bool, bytes] | None:
    """One pass over an ArrowMsg's fields: (is_static, store key); None if anything is odd."""
    is_static = False
    store_key = b""
    pos = start
    while pos < end:
        key, pos = _varint_at(request, pos)
        wt = key & 7
        if wt == _WT_LEN:
            n, pos = _varint_at(request, pos)
            if key >> 3 == _ARROW_MSG_STORE_ID:
                store_key = request[pos : pos + n]
            pos += n
        elif wt == _WT_VARINT:
            val, pos = _varint_at(request, pos)
            if key >> 3 == _ARROW_MSG_IS_STATIC:
                is_static = bool(val)
        else:
            return None
    return (is_static, store_key) if pos == end else None


def _fast_parse(request: bytes, local: bool) -> WireMsg | None:
    """The common shape (`0a len <arrow_msg tag> len ...`) without generators; None otherwise."""
    if len(request) < 4 or request[0] != 0x0A:
        return None
    n1, pos = _varint_at(request, 1)
    if pos + n1 != len(request) or request[pos] != 0x12:
        return None
    n2, start = _varint_at(request, pos + 1)
    end = start + n2
    if end != len(request):
        return None
    parsed = _fast_arrow(request, start, end)
    if parsed is None:
        return None
    return WireMsg(MsgKind.ARROW_MSG, parsed[0], parsed[1], request, memoryview(request)[start:end], local)


def parse_request(request: bytes, *, local: bool = False) -> WireMsg:
    """Route a `WriteMessagesRequest`; raises `WireError` if it is malformed."""
    try:
        fast = _fast_parse(request, local)
    except IndexError:
        fast = None
    if fast is not None:
        return fast
    view = memoryview(request)
    s, e = _single_len_field(view, 1, "WriteMessagesRequest")
    kinds = [(f, v) for f, wt, v in iter_fields(view, s, e) if wt == _WT_LEN]
    if len(kinds) != 1 or kinds[0][0] not in (1, 2, 3):
        raise WireError("LogMsg must carry exactly one of set_store_info/arrow_msg/blueprint_activation")
    field, (is_, ie) = kinds[0]  # type: ignore[misc]
    kind = MsgKind(field)
    inner = view[is_:ie]
    is_static = kind != MsgKind.ARROW_MSG
    if kind == MsgKind.ARROW_MSG:
        for f, wt, v in iter_fields(inner):
            if f == _ARROW_MSG_IS_STATIC and wt == _WT_VARINT:
                is_static = bool(v)
    return WireMsg(kind, is_static, _store_key(inner, kind), request, inner, local)


def wrap_log_msg(kind: MsgKind, inner: bytes) -> bytes:
    """Build a `WriteMessagesRequest` (== `ReadMessagesResponse`) around an inner message."""
    log_msg = bytes([(int(kind) << 3) | _WT_LEN]) + encode_varint(len(inner)) + inner
    return b"\x0a" + encode_varint(len(log_msg)) + log_msg
