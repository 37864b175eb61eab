"""Bounded fuzzing of what parses untrusted bytes: the .rrd decoder, the proxy's request parser
and the catalog's RPC handlers.

``make test`` runs a few dozen examples per target; ``make fuzz`` sets ``RERUN_FUZZ_EXAMPLES``
for a long run. Each example runs under a hard per-example deadline (SIGALRM), so a hang fails
the test instead of stalling it, while a slow but finishing example on a loaded machine passes.
"""

from __future__ import annotations

import io
import os
import signal
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any, TypeVar

import grpc
import pyarrow as pa
import pytest
from google.protobuf import descriptor as pb_descriptor
from google.protobuf import message_factory
from google.protobuf.message import Message
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rerun_core.proto.gen import cloud_pb2
from rerun_core.server.catalog.server import CatalogServer
from rerun_core.server.wire import MsgKind, WireError, parse_request, wrap_log_msg
from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.store.messages import ArrowMsg, SetStoreInfo, StoreId, StoreInfo, StoreKind, StoreSource
from rerun_core.store.rrd import RrdError, RrdWriter, read_messages
from rerun_core.store.rrd.reader import iter_frames
from rerun_core.types import ComponentDescriptor, TimeType, new_tuid, new_tuids

T = TypeVar("T")
EXAMPLES = int(os.environ.get("RERUN_FUZZ_EXAMPLES", "40"))
DEADLINE_S = 20
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # wall-clock deadlines flake on a shared machine: the alarm below catches hangs
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
    derandomize=EXAMPLES <= 100,  # CI: the same examples every run
)


class Hang(Exception):
    pass


def _deadline(fn: Callable[[], T]) -> T:
    def alarm(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"example ran past {DEADLINE_S} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(DEADLINE_S)
    try:
        return fn()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# --- the .rrd decoder -------------------------------------------------------------------------

REC = StoreId(StoreKind.RECORDING, "fuzz", "app")
POS = ComponentDescriptor("Points3D:positions", "rerun.archetypes.Points3D", "rerun.components.Position3D")


def _sample_rrd(compression: bool) -> bytes:
    buf = io.BytesIO()
    with RrdWriter(buf, compression=compression) as writer:
        writer.write(SetStoreInfo(new_tuid(), StoreInfo(REC, StoreSource())))
        for i in range(3):
            arr = pa.array([[[float(i), 1.0, 2.0]]] * 2, type=pa.list_(pa.list_(pa.float32(), 3)))
            times = [TimeColumn.from_values("frame", TimeType.SEQUENCE, [i, i + 1])]
            writer.write(ArrowMsg(REC, Chunk.from_columns("/p", new_tuids(2), times, {POS: arr})))
    return buf.getvalue()


SAMPLES = [_sample_rrd(True), _sample_rrd(False)]


@st.composite
def mutated(draw: st.DrawFn, samples: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(samples)))
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "set", "cut", "insert", "dup"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "set" and data:
            data[pos] = draw(st.sampled_from([0, 0xFF, 0x7F, 0x80, 15 << 4 | 15]))
        elif op == "cut":
            del data[pos : pos + draw(st.integers(1, 64))]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(max_size=32))
        else:
            data[pos:pos] = data[pos : pos + draw(st.integers(1, 200))]
    return bytes(data)


def _decode_all(data: bytes, threads: int) -> None:
    try:
        for _ in read_messages(data, threads=threads):
            pass
    except RrdError:  # RrdTruncatedError included
        pass


@FUZZ
@given(data=mutated(SAMPLES), threads=st.sampled_from([1, 2]))
def test_read_messages_raises_only_rrd_errors(data: bytes, threads: int) -> None:
    _deadline(lambda: _decode_all(data, threads))


@FUZZ
@given(data=st.binary(max_size=300))
def test_read_messages_on_random_bytes(data: bytes) -> None:
    _deadline(lambda: _decode_all(b"RRF2\x00\x29\x00\x00\x01\x02\x00\x00" + data, 1))


# --- the proxy's request parser ---------------------------------------------------------------

_REQUESTS = [wrap_log_msg(MsgKind(int(kind)), bytes(body)) for kind, body, _ in iter_frames(SAMPLES[0])]


def _parse(data: bytes) -> None:
    try:
        parse_request(data)
    except WireError:
        pass


@FUZZ
@given(data=st.one_of(mutated(_REQUESTS), st.binary(max_size=200)))
def test_parse_request_raises_only_wire_errors(data: bytes) -> None:
    _deadline(lambda: _parse(data))


# --- the catalog's RPC handlers ---------------------------------------------------------------

SERVICE = cloud_pb2.DESCRIPTOR.services_by_name["RerunCloudService"]
# Server-streaming RPCs that wait for events by design: reading them until the deadline is fine.
WAITS = {"WatchEvents", "QueryTasksOnCompletion"}
INTERNAL_SEEN: set[str] = set()  # deliberate INTERNAL answers to bad requests (printed, not failed)


def _message_class(desc: pb_descriptor.Descriptor) -> type[Message]:
    return message_factory.GetMessageClass(desc)


_SCALARS: dict[int, st.SearchStrategy[Any]] = {
    pb_descriptor.FieldDescriptor.TYPE_STRING: st.one_of(
        st.sampled_from(["", "a", "/", "rerun+http://127.0.0.1/x", "\x00", "ds"]), st.text(max_size=20)
    ),
    pb_descriptor.FieldDescriptor.TYPE_BYTES: st.binary(max_size=40),
    pb_descriptor.FieldDescriptor.TYPE_BOOL: st.booleans(),
    pb_descriptor.FieldDescriptor.TYPE_DOUBLE: st.floats(allow_nan=True),
    pb_descriptor.FieldDescriptor.TYPE_FLOAT: st.floats(width=32, allow_nan=True),
}


def _int_strategy(field: pb_descriptor.FieldDescriptor) -> st.SearchStrategy[int]:
    unsigned = field.type in (
        pb_descriptor.FieldDescriptor.TYPE_UINT32,
        pb_descriptor.FieldDescriptor.TYPE_UINT64,
        pb_descriptor.FieldDescriptor.TYPE_FIXED32,
        pb_descriptor.FieldDescriptor.TYPE_FIXED64,
    )
    bits = 64 if field.cpp_type in (field.CPPTYPE_INT64, field.CPPTYPE_UINT64) else 32
    lo, hi = (0, 2**bits - 1) if unsigned else (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    return st.one_of(st.sampled_from([0, 1, hi, lo]), st.integers(lo, hi))


def _fill(draw: st.DrawFn, msg: Message, depth: int) -> None:
    for field in msg.DESCRIPTOR.fields:
        if not draw(st.booleans()):
            continue
        count = draw(st.integers(0, 2)) if field.is_repeated else 1
        for _ in range(count):
            _set_one(draw, msg, field, depth)


def _set_one(draw: st.DrawFn, msg: Message, field: Any, depth: int) -> None:
    """``field``: a FieldDescriptor (the upb and pure-Python classes differ to type checkers)."""
    repeated = field.is_repeated
    if field.type == field.TYPE_MESSAGE:
        if depth <= 0 or field.message_type.GetOptions().map_entry:
            return
        sub = getattr(msg, field.name).add() if repeated else getattr(msg, field.name)
        if not repeated:
            sub.SetInParent()
        _fill(draw, sub, depth - 1)
        return
    if field.type == field.TYPE_ENUM:
        value: Any = draw(st.sampled_from([v.number for v in field.enum_type.values] + [999]))
    else:
        value = draw(_SCALARS[field.type] if field.type in _SCALARS else _int_strategy(field))
    if repeated:
        getattr(msg, field.name).append(value)
    else:
        setattr(msg, field.name, value)


@st.composite
def requests(draw: st.DrawFn) -> tuple[pb_descriptor.MethodDescriptor, Message, list[tuple[str, str]]]:
    method = draw(st.sampled_from(list(SERVICE.methods)))
    msg = _message_class(method.input_type)()
    _fill(draw, msg, depth=3)
    entry = draw(st.sampled_from([None, "ENTRY", "nonsense", ""]))
    return method, msg, [] if entry is None else [("x-rerun-entry-id", entry)]


@pytest.fixture(scope="module")
def catalog() -> Iterator[tuple[CatalogServer, grpc.Channel, str]]:
    server = CatalogServer(port=0).start()
    channel = grpc.insecure_channel(server.url.removeprefix("rerun+http://"))
    create = channel.unary_unary(
        f"/{SERVICE.full_name}/CreateDatasetEntry",
        request_serializer=lambda m: m.SerializeToString(),
        response_deserializer=cloud_pb2.CreateDatasetEntryResponse.FromString,
    )
    resp = create(cloud_pb2.CreateDatasetEntryRequest(name="fuzzed"), timeout=10)
    eid = resp.dataset.details.id.id
    entry_id = f"{eid.time_ns:016x}{eid.inc:016x}"
    try:
        yield server, channel, entry_id
        if INTERNAL_SEEN:
            print("\nINTERNAL answers to malformed requests:\n  " + "\n  ".join(sorted(INTERNAL_SEEN)))
    finally:
        channel.close()
        server.stop(0)


def _call(
    channel: grpc.Channel, method: pb_descriptor.MethodDescriptor, msg: Message, meta: list[tuple[str, str]]
) -> None:
    path = f"/{SERVICE.full_name}/{method.name}"
    kwargs: dict[str, Any] = {
        "request_serializer": lambda m: m.SerializeToString(),
        "response_deserializer": None,
    }
    timeout = 3 if method.name in WAITS else 15
    try:
        if method.client_streaming and method.server_streaming:
            for i, _ in enumerate(
                channel.stream_stream(path, **kwargs)(iter([msg]), metadata=meta, timeout=timeout)
            ):
                if i > 50:
                    break
        elif method.client_streaming:
            channel.stream_unary(path, **kwargs)(iter([msg]), metadata=meta, timeout=timeout)
        elif method.server_streaming:
            for i, _ in enumerate(channel.unary_stream(path, **kwargs)(msg, metadata=meta, timeout=timeout)):
                if i > 50:
                    break
        else:
            channel.unary_unary(path, **kwargs)(msg, metadata=meta, timeout=timeout)
    except grpc.RpcError as err:
        code, details = err.code(), err.details() or ""
        if code == grpc.StatusCode.DEADLINE_EXCEEDED and method.name in WAITS:
            return
        # grpcio answers an exception escaping a handler with UNKNOWN "Exception calling
        # application: ..." (or INTERNAL "Exception iterating responses"): never acceptable. An
        # INTERNAL a handler chose to send is a status, reported in INTERNAL_SEEN.
        assert code != grpc.StatusCode.UNKNOWN, f"{method.name}: {code} {details}"
        assert not details.startswith("Exception"), f"{method.name}: {code} {details}"
        if code == grpc.StatusCode.INTERNAL:
            INTERNAL_SEEN.add(f"{method.name}: {details[:100]}")
        assert code != grpc.StatusCode.DEADLINE_EXCEEDED, f"{method.name} hung"


@FUZZ
@given(req=requests())
def test_catalog_handlers_answer_with_grpc_statuses(
    catalog: tuple[CatalogServer, grpc.Channel, str], req: Any
) -> None:
    _server, channel, entry_id = catalog
    method, msg, meta = req
    meta = [(k, entry_id if v == "ENTRY" else v) for k, v in meta]
    _deadline(lambda: _call(channel, method, msg, meta))
    # The server keeps serving.
    who = channel.unary_unary(
        f"/{SERVICE.full_name}/WhoAmI", request_serializer=lambda m: m.SerializeToString()
    )
    who(cloud_pb2.WhoAmIRequest(), timeout=10)
