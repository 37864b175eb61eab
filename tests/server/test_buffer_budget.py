"""The server limit as one budget: reservations (`MessageBuffer.reserve/release`) must balance.

Whatever holds data outside the replay history (a message being appended, a stream's next
message inside gRPC, the `--save` writer's queue and the chunk it decodes) reserves it from the
buffer's limit, and the history makes room. A reservation that is never given back would shrink
the history for good, so every path (a failing gate, a closed buffer, a client that goes away)
is checked to end at zero.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Generator, Iterator
from typing import cast

import grpc
import pytest
from proxy_msgs import arrow, store_info

from rerun_core.server.buffer import LIVE_SLACK, MessageBuffer
from rerun_core.server.ingest import Ingest
from rerun_core.server.proxy import SERVICE_NAME, STREAM_WINDOW_BYTES, ProxyServer, receive_cost
from rerun_core.server.wire import WireMsg, parse_request


def _temporal(n: int, size: int) -> list[WireMsg]:
    return [parse_request(arrow(bytes([i]) * size)) for i in range(n)]


def test_a_reservation_evicts_history_and_is_given_back() -> None:
    buf = MessageBuffer(memory_limit=10_000)
    for m in _temporal(5, 1000):
        buf.append(m)
    assert buf.stats().dropped_messages == 0
    buf.reserve(6000)
    stats = buf.stats()
    assert stats.dropped_messages > 0 and stats.bytes + 6000 <= 10_000
    buf.release(6000)
    assert buf.reserved_bytes == 0


def test_a_failing_gate_gives_its_message_back() -> None:
    buf = MessageBuffer(memory_limit=1 << 20)

    def broken_disk(msg: WireMsg) -> None:
        raise OSError("disk gone")

    buf.add_gate(broken_disk)
    with pytest.raises(OSError):
        buf.append(parse_request(arrow(b"x" * 100)))
    assert buf.reserved_bytes == 0 and buf.stats().messages == 0


def test_reservations_leave_live_readers_their_slack() -> None:
    """A full writer queue must not make a live viewer skip what it has not read yet."""
    buf = MessageBuffer(memory_limit=0)
    buf.reserve(LIVE_SLACK)
    reader = cast(Generator[WireMsg, None, None], buf.read(lambda: True, poll_s=0.05))
    buf.append(parse_request(store_info()))
    next(reader)
    temporal = _temporal(5, 100)
    for m in temporal:
        buf.append(m)
    assert [next(reader) for _ in range(5)] == temporal
    reader.close()
    buf.release(LIVE_SLACK)


@pytest.mark.timeout(30)
def test_the_writer_queue_and_its_decode_count_until_written() -> None:
    buf = MessageBuffer(memory_limit=1 << 20)
    started, go_on = threading.Event(), threading.Event()

    def slow_disk(wire: WireMsg) -> None:
        started.set()
        go_on.wait(10)

    ingest = Ingest(buf, [], wire_consumers=[slow_disk])
    first, second = _temporal(2, 1000)
    buf.append(first)
    assert started.wait(10)
    buf.append(second)
    # The first is queued and being decoded (one more copy), the second queued.
    assert buf.reserved_bytes == 2 * first.nbytes + second.nbytes
    go_on.set()
    assert ingest.close(timeout=10)
    assert buf.reserved_bytes == 0


@pytest.mark.timeout(30)
def test_a_closed_buffer_leaves_no_reservation_behind() -> None:
    buf = MessageBuffer(memory_limit=1 << 20)
    written: list[WireMsg] = []
    ingest = Ingest(buf, [], wire_consumers=[written.append])
    msgs = _temporal(3, 1000)
    for m in msgs[:2]:
        buf.append(m)
    buf.close()
    buf.append(msgs[2])  # refused: never queued, never counted
    assert ingest.close(timeout=10)
    assert written == msgs[:2] and buf.reserved_bytes == 0


def test_a_stream_reserves_what_grpc_holds_for_its_next_message() -> None:
    big = 16 << 20
    assert receive_cost(big) == 3 * big + STREAM_WINDOW_BYTES  # slices, their copies, the join
    assert receive_cost(1000) == 4000  # small messages: no window's worth of history taken


@pytest.fixture
def server() -> Iterator[ProxyServer]:
    srv = ProxyServer(port=0, max_message_bytes=1 << 20).start()
    yield srv
    srv.stop(grace=0.1)


def _wait_reserved_zero(buf: MessageBuffer) -> int:
    deadline = time.monotonic() + 10
    while buf.reserved_bytes and time.monotonic() < deadline:
        time.sleep(0.02)
    return buf.reserved_bytes


@pytest.mark.timeout(30)
def test_streams_give_their_reservations_back_however_they_end(server: ProxyServer) -> None:
    method = f"/{SERVICE_NAME}/WriteMessages"
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as ch:
        ch.stream_unary(method)(iter([store_info(), arrow(b"a" * 5000)]), timeout=10)
        assert _wait_reserved_zero(server.buffer) == 0
        hold = threading.Event()

        def then_hang() -> Iterator[bytes]:
            yield arrow(b"b" * 5000)
            hold.wait(10)

        call = ch.stream_unary(method).future(then_hang(), timeout=10)
        deadline = time.monotonic() + 10
        while server.buffer.stats().received_messages < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.buffer.reserved_bytes >= receive_cost(5000)  # waiting for the next one
        call.cancel()  # the client goes away mid-stream
        hold.set()
    assert _wait_reserved_zero(server.buffer) == 0
