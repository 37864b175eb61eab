"""The viewer process's plumbing in-process: store ingest, --save with footer, kernel endpoint."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
from rerun_procs import free_port

import rerun as rr
from rerun._grpc import GrpcSink, active_servers
from rerun_core.server.process import EndpointProcess
from rerun_core.server.proxy import ProxyServer
from rerun_core.store.hub import StoreHub
from rerun_core.store.messages import ArrowMsg
from rerun_core.store.rrd import read_messages


def logged_messages(n: int = 20) -> list[object]:
    rec = rr.RecordingStream("endpoint_test", recording_id="endpoint-rec")
    mem = rec.memory_recording()
    rec.log("static", rr.TextDocument("hi"), static=True)
    for i in range(n):
        rec.set_time("frame", sequence=i)
        rec.log("points", rr.Points3D(np.full((3, 3), i, dtype=np.float32)))
    rec.flush()
    return list(mem.drain())


def wait_for(cond, timeout: float = 20) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_received_messages_reach_the_store_and_the_save_file(tmp_path: Path) -> None:
    saved = tmp_path / "saved.rrd"
    endpoint = EndpointProcess(ProxyServer(port=0), keep_store=True, save=saved).start()
    msgs = logged_messages()
    sink = GrpcSink(endpoint.url)
    for m in msgs:
        sink.send(m)  # type: ignore[arg-type]
    sink.close()
    assert wait_for(lambda: endpoint.ingest is not None and endpoint.ingest.decoded == len(msgs))
    endpoint.shutdown(grace=0.1)
    hub = endpoint.hub
    (rec_id,) = hub.recordings()
    store = hub.get(rec_id)
    n_chunks = sum(isinstance(m, ArrowMsg) for m in msgs)
    assert len(store.chunks()) == n_chunks
    assert store.time_range("frame") == (0, 19)
    back = list(read_messages(saved))
    assert sum(isinstance(m, ArrowMsg) for m in back) == n_chunks
    assert saved.read_bytes()[-12:-4] == b"RRF2FOOT"  # closed with its footer


def test_kernel_endpoint_takes_data_from_another_process() -> None:
    """`rr.serve_grpc()` in this process; a second process connects into it."""
    port = free_port()
    rr.init("kernel_endpoint", recording_id="kernel-rec", spawn=False)
    url = rr.serve_grpc(grpc_port=port)
    try:
        (server,) = [s for s in active_servers() if s.url.endswith(f":{port}/proxy")]
        hub = StoreHub()
        server.attach(hub.insert)
        script = textwrap.dedent(
            f"""
            import rerun as rr
            rr.init("other_process", recording_id="other-rec")
            rr.connect_grpc({url!r})
            for i in range(5):
                rr.set_time("step", sequence=i)
                rr.log("remote/value", rr.Scalars(float(i)))
            """
        )
        proc = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd="/"
        )
        assert proc.returncode == 0, proc.stderr
        assert wait_for(lambda: any(s.recording_id == "other-rec" for s in hub.recordings()))
        (other,) = [s for s in hub.recordings() if s.recording_id == "other-rec"]
        assert wait_for(lambda: hub.get(other).time_range("step") == (0, 4))
        rr.log("local", rr.TextDocument("still logging"))  # the kernel's own recording carries on
    finally:
        rr.disconnect()


def test_script_setup_connect_and_url_flags_stream_to_the_endpoint() -> None:
    server = ProxyServer(port=0).start()
    script = textwrap.dedent(
        """
        import argparse, rerun as rr
        parser = argparse.ArgumentParser()
        rr.script_add_args(parser)
        args = parser.parse_args()
        rr.script_setup(args, "script_setup_app")
        rr.log("x", rr.TextDocument("hi"))
        rr.script_teardown(args)
        """
    )
    try:
        proc = subprocess.run(
            [sys.executable, "-c", script, "--connect", "--url", server.url],
            capture_output=True,
            text=True,
            timeout=60,
            cwd="/",
        )
        assert proc.returncode == 0, proc.stderr
        kinds = [m.kind.name for m in server.buffer.read(lambda: False)]
        assert "SET_STORE_INFO" in kinds and "ARROW_MSG" in kinds
    finally:
        server.stop(0.1)
