"""Hand-built wire messages for the proxy tests (no codec needed)."""

from __future__ import annotations

from rerun_core.server.wire import MsgKind, encode_varint, wrap_log_msg


def _len_field(no: int, payload: bytes) -> bytes:
    return bytes([(no << 3) | 2]) + encode_varint(len(payload)) + payload


STORE_ID = _len_field(2, b"rec-1")


def store_info() -> bytes:
    return wrap_log_msg(MsgKind.SET_STORE_INFO, _len_field(2, _len_field(2, STORE_ID)))


def arrow(payload: bytes, *, static: bool = False) -> bytes:
    inner = _len_field(1, STORE_ID) + _len_field(5, payload) + bytes([7 << 3, 1 if static else 0])
    return wrap_log_msg(MsgKind.ARROW_MSG, inner)
