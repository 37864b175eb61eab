"""Many concurrent clients on one endpoint: nothing lost, memory bounded, bad clients isolated.

`RERUN_RELIABILITY_SECONDS` sets how long the 32 clients stream (default 5 s; 60 for the full run).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections import defaultdict
from collections.abc import Iterator

import grpc
import pytest
from proxy_msgs import arrow, store_info

from rerun._grpc import GrpcSink
from rerun_core.server.proxy import SERVICE_NAME, ProxyServer

SECONDS = float(os.environ.get("RERUN_RELIABILITY_SECONDS", "5"))
CLIENTS = 32
_TAG = re.compile(rb"<c(\d+):(\d+)>")

pytestmark = pytest.mark.slow


def message(client: int, seq: int, size: int = 2000) -> bytes:
    tag = f"<c{client}:{seq}>".encode()
    return arrow(tag + b"." * (size - len(tag)))


def received(server: ProxyServer) -> dict[int, list[int]]:
    """Per client, the sequence numbers the server holds, in arrival order."""
    out: dict[int, list[int]] = defaultdict(list)
    for msg in server.buffer.read(lambda: False):
        m = _TAG.search(msg.request)
        if m:
            out[int(m.group(1))].append(int(m.group(2)))
    return out


def misbehave(port: int, how: str) -> None:
    """A client that sends garbage, an oversize message, or vanishes mid-stream."""
    with grpc.insecure_channel(f"127.0.0.1:{port}") as ch:
        write = ch.stream_unary(f"/{SERVICE_NAME}/WriteMessages")

        def requests() -> Iterator[bytes]:
            yield message(900, 0)
            if how == "malformed":
                yield b"\x0a\x04\x12\xff\xff\xff"
            elif how == "oversize":
                yield arrow(b"x" * (5 << 20))
            else:
                time.sleep(60)

        call = write.future(requests(), timeout=30)
        if how == "disconnect":
            time.sleep(0.5)
            call.cancel()
        try:
            call.result()
        except (grpc.RpcError, grpc.FutureCancelledError):
            pass


def test_32_clients_stream_without_loss_and_bad_clients_are_isolated() -> None:
    limit = 512 << 20
    server = ProxyServer(port=0, memory_limit=limit, max_message_bytes=4 << 20).start()
    try:
        sinks = [GrpcSink(server.url) for _ in range(CLIENTS)]
        for sink in sinks:
            sink.send(store_info())
        bad = [
            threading.Thread(target=misbehave, args=(server.port, how))
            for how in ("malformed", "oversize", "disconnect")
        ]
        for t in bad:
            t.start()
        sent = [0] * CLIENTS
        peak = 0
        end = time.monotonic() + SECONDS
        while time.monotonic() < end:
            for i, sink in enumerate(sinks):
                sink.send(message(i, sent[i]))
                sent[i] += 1
            peak = max(peak, server.buffer.stats().bytes)
            time.sleep(0.01)
        for sink in sinks:
            assert sink.flush(timeout=30)
            sink.close()
            assert sink.dropped == 0
        for t in bad:
            t.join(30)
        got = received(server)
        for i in range(CLIENTS):
            assert got[i] == list(range(sent[i])), f"client {i} lost or reordered messages"
        assert got[900] == [0, 0, 0]  # what the bad clients sent before failing is kept
        assert peak <= limit and server.buffer.stats().dropped_messages == 0
    finally:
        server.stop(0.1)


def test_memory_limit_holds_under_load() -> None:
    limit = 2 << 20
    server = ProxyServer(port=0, memory_limit=limit).start()
    try:
        sinks = [GrpcSink(server.url) for _ in range(8)]
        for sink in sinks:
            sink.send(store_info())
        peak = 0
        for seq in range(200):
            for i, sink in enumerate(sinks):
                sink.send(message(i, seq, size=4000))
            peak = max(peak, server.buffer.stats().bytes)
        for sink in sinks:
            assert sink.flush(timeout=30)
            sink.close()
        stats = server.buffer.stats()
        assert max(peak, stats.bytes) <= limit
        assert stats.dropped_messages > 0 and stats.received_messages == 8 * 201
        replay = list(server.buffer.read(lambda: False))
        assert sum(m.request == store_info() for m in replay) == 8  # store infos are never dropped
        newest = received(server)
        assert all(seqs and seqs[-1] == 199 for seqs in newest.values())  # the newest are kept
    finally:
        server.stop(0.1)


def _vm_kb(pid: int, field: str) -> int:
    for line in open(f"/proc/{pid}/status").read().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


def test_server_process_memory_stays_bounded() -> None:
    """300 MB through `rerun --serve-grpc --server-memory-limit=20MB`: its peak RSS grows far less."""
    from rerun_procs import free_port, running, stop

    port = free_port()
    with running(["--serve-grpc", "--server-memory-limit=20MB"], port) as proc:
        baseline = _vm_kb(proc.pid, "VmRSS")
        sink = GrpcSink(f"rerun+http://127.0.0.1:{port}/proxy")
        sink.send(store_info())
        for i in range(300):
            sink.send(message(0, i, size=1 << 20))
        assert sink.flush(timeout=120)
        sink.close()
        growth_mb = (_vm_kb(proc.pid, "VmHWM") - baseline) / 1024
        code, err = stop(proc)
    assert code == 0 and "received 301 messages" in err
    assert growth_mb < 20 + 100, f"server grew by {growth_mb:.0f} MB for a 20 MB limit"
