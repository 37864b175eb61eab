"""`LogMsg` values <-> gRPC request bytes, through the .rrd codec's protobuf conversion."""

from __future__ import annotations

from typing import Any

from rerun_core.store.messages import ArrowMsg, BlueprintActivationCommand, LogMsg, SetStoreInfo

from .wire import MsgKind, WireMsg, encode_varint, parse_request, wrap_log_msg

_KIND_OF = {SetStoreInfo: MsgKind.SET_STORE_INFO, ArrowMsg: MsgKind.ARROW_MSG}
_KIND_OF[BlueprintActivationCommand] = MsgKind.BLUEPRINT_ACTIVATION
_ONEOF = {
    MsgKind.SET_STORE_INFO: "set_store_info",
    MsgKind.ARROW_MSG: "arrow_msg",
    MsgKind.BLUEPRINT_ACTIVATION: "blueprint_activation_command",
}


def _protocol() -> Any:
    from rerun_core.store.rrd import protocol

    return protocol


def encode_request(msg: LogMsg) -> bytes:
    """The `WriteMessagesRequest` bytes carrying `msg`."""
    pb = _protocol().log_msg_to_proto(msg)
    if pb.DESCRIPTOR.full_name == "rerun.log_msg.v1alpha1.LogMsg":
        log_msg = pb.SerializeToString()
        return b"\x0a" + encode_varint(len(log_msg)) + log_msg
    return wrap_log_msg(_KIND_OF[type(msg)], pb.SerializeToString())


def request_to_wire(msg: LogMsg) -> WireMsg:
    """Encode and route in one go (for in-process producers of a proxy buffer)."""
    return parse_request(encode_request(msg))


def decode_wire(msg: WireMsg) -> LogMsg:
    """The `LogMsg` value of a routed message (decodes the Arrow payload)."""
    from rerun_core.proto.gen import log_msg_pb2

    wrapper = log_msg_pb2.LogMsg()
    inner = getattr(wrapper, _ONEOF[msg.kind])
    inner.ParseFromString(bytes(msg.inner))
    return _protocol().log_msg_from_proto(inner)  # type: ignore[no-any-return]
