"""Stalled WriteMessages streams do not lock real SDK clients out of `rerun --serve-grpc`.

Another process opens 300, then 1100 (more than the server's 1024 call slots) client streams,
one connection each, that never send. Right after, a plain call must get a slot at once (no
retry, no waiting for a timeout), and real 0.41 SDK processes log rows with `rr.connect_grpc`;
every one of their rows must reach the `--save` file, and the server must close the stalled
streams itself (they time out, or make room past the high water mark).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from rerun_core.server.proxy import MAX_CONCURRENT_CALLS, STREAMS_PER_CONNECTION, ProxyServer, StreamGuard
from rerun_core.store.messages import ArrowMsg
from rerun_core.store.rrd import read_messages
from tests.conftest import Oracle
from tests.server.rerun_procs import free_port, running, stop

CLIENTS = 3
ROWS = 200

# Opens STALLED streams that never send, says so, then waits (bounded) for the server to end them.
_STALLER = """
import json, resource, sys, threading, time
import grpc
url, n = sys.argv[1], int(sys.argv[2])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if soft < 4 * n + 256:  # a socket per channel, plus grpc's own
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4 * n + 256), hard))
never = threading.Event()

def silent():
    never.wait(60)  # sends nothing, holds the stream open
    return
    yield b""

# One connection each (no shared subchannel): every stream reaches the server and holds a slot.
channels = [grpc.insecure_channel(url, options=[("grpc.use_local_subchannel_pool", 1)]) for _ in range(n)]
calls = [
    ch.stream_unary("/rerun.sdk_comms.v1alpha1.MessageProxyService/WriteMessages").future(
        silent(), wait_for_ready=True
    )
    for ch in channels
]
time.sleep(2.0)  # the calls' headers reach the server
print("OPEN", flush=True)
deadline = time.monotonic() + 45
codes = {}
for call in calls:
    try:
        call.result(timeout=max(0.01, deadline - time.monotonic()))
        code = "OK"
    except grpc.FutureTimeoutError:
        code = "STILL_OPEN"
    except grpc.RpcError as err:
        code = err.code().name
    codes[code] = codes.get(code, 0) + 1
never.set()
print(json.dumps(codes), flush=True)
"""

_CLIENT = """
import sys
import rerun as rr
rec_id, url, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
rr.init("stalled_streams", recording_id=rec_id, spawn=False)
rr.connect_grpc(url)
for i in range(rows):
    rr.set_time("step", sequence=i)
    rr.log("value", rr.Scalars(float(i)))
rr.disconnect()
"""


def _rows_per_recording(path: Path) -> dict[str, int]:
    rows: dict[str, int] = {}
    for msg in read_messages(path):
        if isinstance(msg, ArrowMsg) and str(msg.chunk.entity_path) == "/value":
            rid = msg.store_id.recording_id
            rows[rid] = rows.get(rid, 0) + msg.chunk.num_rows
    return rows


def _plain_calls_get_a_slot(port: int, n: int = 5) -> None:
    """`n` WriteMessages calls that send nothing: each must be answered OK within seconds."""
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        write = channel.stream_unary("/rerun.sdk_comms.v1alpha1.MessageProxyService/WriteMessages")
        for _ in range(n):
            assert write(iter(()), timeout=5) == b""


@pytest.mark.slow
@pytest.mark.interop
@pytest.mark.timeout(180)
@pytest.mark.parametrize("stalled", [300, 1100])
def test_stalled_streams_do_not_lock_out_real_sdk_clients(
    oracle: Oracle, tmp_path: Path, stalled: int
) -> None:
    port = free_port()
    save = tmp_path / "saved.rrd"
    with running(["--serve-grpc", f"--save={save}"], port) as server:
        staller = subprocess.Popen(
            [sys.executable, "-c", _STALLER, f"127.0.0.1:{port}", str(stalled)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert staller.stdout is not None
            assert staller.stdout.readline().strip() == "OPEN"
            _plain_calls_get_a_slot(port)
            url = f"rerun+http://127.0.0.1:{port}/proxy"
            clients = [
                subprocess.Popen(
                    [str(oracle.python), "-P", "-c", _CLIENT, f"client{i}", url, str(ROWS)],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for i in range(CLIENTS)
            ]
            for client in clients:
                _, err = client.communicate(timeout=60)
                assert client.returncode == 0, err
            out, err = staller.communicate(timeout=60)
        finally:
            if staller.poll() is None:
                staller.kill()
                staller.communicate()
        code, server_err = stop(server)
    assert code == 0, server_err
    # The server closed stalled streams itself until they held at most a quarter of its slots;
    # past its 1024 slots, grpc refused the extra ones outright.
    codes = json.loads(out.strip().splitlines()[-1])
    assert set(codes) <= {"CANCELLED", "STILL_OPEN", "RESOURCE_EXHAUSTED"}, err
    assert sum(codes.values()) == stalled, err
    assert codes.get("STILL_OPEN", 0) <= MAX_CONCURRENT_CALLS // 4
    assert codes["CANCELLED"] + codes.get("RESOURCE_EXHAUSTED", 0) >= stalled - MAX_CONCURRENT_CALLS // 4
    assert _rows_per_recording(save) == {f"client{i}": ROWS for i in range(CLIENTS)}


def _silent(stop: threading.Event) -> Iterator[bytes]:
    stop.wait(30)
    yield from ()


@pytest.mark.timeout(60)
def test_one_connection_holds_a_bounded_number_of_streams_and_silent_ones_time_out() -> None:
    guard = StreamGuard(1, first_message_timeout_s=1.0)  # capacity 1: slots are always scarce
    server = ProxyServer(port=0, guard=guard, max_workers=2 * STREAMS_PER_CONNECTION).start()
    stop = threading.Event()
    channel = grpc.insecure_channel(f"127.0.0.1:{server.port}")
    try:
        write = channel.stream_unary("/rerun.sdk_comms.v1alpha1.MessageProxyService/WriteMessages")
        calls = [write.future(_silent(stop), wait_for_ready=True) for _ in range(STREAMS_PER_CONNECTION * 2)]
        seen = 0
        for _ in range(300):  # bounded: the server answers within a few watch periods
            seen = max(seen, guard.active)
            if all(c.done() for c in calls):
                break
            time.sleep(0.1)
        # The connection never had more than its share open at once; each one timed out.
        assert 0 < seen <= STREAMS_PER_CONNECTION
        assert all(c.done() for c in calls)
        # Those that got in were timed out; grpc's client fails the ones that were queued behind
        # them on that connection when the server resets the streams (UNAVAILABLE).
        codes = [c.code() for c in calls]
        assert set(codes) <= {grpc.StatusCode.CANCELLED, grpc.StatusCode.UNAVAILABLE}
        assert codes.count(grpc.StatusCode.CANCELLED) == guard.timed_out >= STREAMS_PER_CONNECTION
    finally:
        stop.set()
        channel.close()
        server.stop(grace=0)
