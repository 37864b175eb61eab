"""The message proxy over real gRPC on 127.0.0.1, with hand-built wire messages."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import grpc
import pytest
from proxy_msgs import STORE_ID, arrow, store_info

from rerun_core.server.buffer import MessageBuffer
from rerun_core.server.proxy import SERVICE_NAME, PortInUseError, ProxyServer
from rerun_core.server.wire import MsgKind, WireError, parse_request


def _method(channel: grpc.Channel, name: str, kind: str):  # type: ignore[no-untyped-def]
    return getattr(channel, kind)(f"/{SERVICE_NAME}/{name}")


@pytest.fixture
def server() -> Iterator[ProxyServer]:
    srv = ProxyServer(port=0, max_message_bytes=1 << 20).start()
    yield srv
    srv.stop(grace=0.1)


def write(server: ProxyServer, msgs: list[bytes]) -> None:
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as ch:
        _method(ch, "WriteMessages", "stream_unary")(iter(msgs), timeout=10)


def read(server: ProxyServer, n: int) -> list[bytes]:
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as ch:
        stream = _method(ch, "ReadMessages", "unary_stream")(b"", timeout=10)
        out = [next(stream) for _ in range(n)]
        stream.cancel()
        return out


def test_parse_request_routes_kind_static_and_store() -> None:
    msg = parse_request(arrow(b"xyz", static=True))
    assert msg.kind == MsgKind.ARROW_MSG and msg.is_static
    assert msg.store_key == STORE_ID
    assert bytes(msg.inner).count(b"xyz") == 1
    info = parse_request(store_info())
    assert info.kind == MsgKind.SET_STORE_INFO and info.store_key == STORE_ID


@pytest.mark.parametrize("raw", [b"\x0a\x05\x12", b"\xff\xff", b"\x0a\x02\x08\x01", b"\x0a\x00"])
def test_parse_request_rejects_malformed(raw: bytes) -> None:
    with pytest.raises(WireError):
        parse_request(raw)


def test_replay_order_is_infos_static_then_temporal(server: ProxyServer) -> None:
    msgs = [arrow(b"t1"), store_info(), arrow(b"s1", static=True), arrow(b"t2")]
    write(server, msgs)
    got = read(server, 4)
    assert got == [msgs[1], msgs[2], msgs[0], msgs[3]]


def test_reader_gets_live_messages_after_history(server: ProxyServer) -> None:
    write(server, [store_info()])
    result: list[bytes] = []
    reader = threading.Thread(target=lambda: result.extend(read(server, 3)))
    reader.start()
    write(server, [arrow(b"a"), arrow(b"b")])
    reader.join(10)
    assert result == [store_info(), arrow(b"a"), arrow(b"b")]


def test_malformed_message_is_rejected_and_earlier_ones_kept(server: ProxyServer) -> None:
    with pytest.raises(grpc.RpcError) as err:
        write(server, [store_info(), b"\x0a\x03\xff\xff\xff"])
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "malformed" in (err.value.details() or "")
    write(server, [arrow(b"after")])
    assert read(server, 2) == [store_info(), arrow(b"after")]


def test_oversize_message_is_refused_and_server_carries_on(server: ProxyServer) -> None:
    with pytest.raises(grpc.RpcError) as err:
        write(server, [arrow(b"x" * (2 << 20))])
    assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    write(server, [store_info()])
    assert read(server, 1) == [store_info()]


def test_mid_stream_disconnect_keeps_what_arrived(server: ProxyServer) -> None:
    sent = threading.Event()

    def requests() -> Iterator[bytes]:
        yield store_info()
        yield arrow(b"kept")
        sent.set()
        threading.Event().wait(30)  # never finishes: the call gets cancelled

    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as ch:
        fut = _method(ch, "WriteMessages", "stream_unary").future(requests(), timeout=30)
        assert sent.wait(10)
        assert read(server, 2) == [store_info(), arrow(b"kept")]
        fut.cancel()
    write(server, [arrow(b"next")])
    assert read(server, 3)[-1] == arrow(b"next")


def test_tables_are_unimplemented(server: ProxyServer) -> None:
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as ch:
        with pytest.raises(grpc.RpcError) as err:
            _method(ch, "WriteTable", "unary_unary")(b"", timeout=5)
    assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert "not implemented" in (err.value.details() or "")


def test_second_server_on_same_port_fails(server: ProxyServer) -> None:
    with pytest.raises(PortInUseError):
        ProxyServer(port=server.port).start()


def test_buffer_drops_oldest_temporal_but_keeps_static() -> None:
    buf = MessageBuffer(memory_limit=3000)
    info = parse_request(store_info())
    static = parse_request(arrow(b"s" * 500, static=True))
    temporal = [parse_request(arrow(bytes([i]) * 500)) for i in range(5)]
    for m in [info, static, *temporal]:
        buf.append(m)
    stats = buf.stats()
    assert stats.bytes <= 3000 and stats.dropped_messages > 0
    buf.close()
    replay = list(buf.read())
    assert replay[:2] == [info, static]
    assert replay[2:] == temporal[-len(replay[2:]) :]


def test_zero_memory_limit_still_forwards_to_live_readers() -> None:
    buf = MessageBuffer(memory_limit=0)
    reader = buf.read(lambda: True, poll_s=0.05)
    buf.append(parse_request(store_info()))
    assert next(reader).kind == MsgKind.SET_STORE_INFO
    temporal = [parse_request(arrow(bytes([i]) * 100)) for i in range(5)]
    for m in temporal:
        buf.append(m)
    assert [next(reader) for _ in range(5)] == temporal  # kept until the live reader took them
    reader.close()
    buf.append(parse_request(arrow(b"later")))
    assert buf.stats().bytes < 1000  # with no reader left, the limit applies again


def test_newest_first_sends_live_messages_before_older_history() -> None:
    buf = MessageBuffer(memory_limit=1 << 20, newest_first=True)
    info = parse_request(store_info())
    old = [parse_request(arrow(bytes([i]) * 10)) for i in range(3)]
    for m in [info, *old]:
        buf.append(m)
    reader = buf.read(lambda: True, poll_s=0.05)
    assert next(reader) == info
    assert next(reader) == old[2]  # the history runs newest first
    live = parse_request(arrow(b"live"))
    buf.append(live)
    assert next(reader) == live  # a new message jumps ahead of the rest of the history
    assert [next(reader), next(reader)] == [old[1], old[0]]
    reader.close()
