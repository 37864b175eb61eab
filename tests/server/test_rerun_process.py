"""The `rerun` viewer process: one per port, clear errors, graceful signals."""

from __future__ import annotations

import signal
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import grpc
import pytest
from rerun_procs import OURS, free_port, listening, running, stop


def run_ours(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(OURS), *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_serve_grpc_stops_gracefully(sig: int) -> None:
    port = free_port()
    with running(["--serve-grpc"], port) as proc:
        code, err = stop(proc, sig)
    assert code == 0
    assert "shutting down" in err and "received 0 messages" in err
    assert not listening(port)


def test_default_mode_says_it_is_headless() -> None:
    port = free_port()
    with running([], port) as proc:
        _, err = stop(proc)
    assert "headless" in err and f"127.0.0.1:{port}" in err
    assert "the store holds 0 recording(s)" in err


def test_second_viewer_on_same_port_says_one_runs() -> None:
    port = free_port()
    with running([], port):
        second = run_ours(f"--port={port}")
    assert second.returncode == 0
    assert "already running" in second.stderr


def test_serve_grpc_on_taken_port_fails_clearly() -> None:
    port = free_port()
    with running(["--serve-grpc"], port):
        second = run_ours("--serve-grpc", f"--port={port}")
    assert second.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in second.stderr
    assert "Traceback" not in second.stderr


def test_port_taken_by_something_else() -> None:
    httpd = HTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        result = run_ours(f"--port={httpd.server_port}")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert result.returncode == 1
    assert "not a Rerun viewer" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port=abc"], "invalid --port"),
        (["--serve-grpc", "--server-memory-limit=lots"], "--server-memory-limit"),
        (["--connect=http://x/proxy"], "--connect"),
        (["/no/such/file.rrd"], "no such file"),
        (["/etc/hostname"], "no importer for this file type"),
        (["--serve-grpc", "--save=/no/such/dir/out.rrd"], "cannot write --save file"),
    ],
)
def test_bad_arguments_get_one_line_errors(args: list[str], message: str) -> None:
    result = run_ours(*args)
    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr


def test_connect_pulls_from_another_endpoint() -> None:
    from proxy_msgs import arrow, store_info

    from rerun._grpc import GrpcSink
    from rerun_core.server.proxy import SERVICE_NAME

    upstream, downstream = free_port(), free_port()
    msgs = [store_info(), arrow(b"first"), arrow(b"second")]
    with running(["--serve-grpc"], upstream):
        sink = GrpcSink(f"rerun+http://127.0.0.1:{upstream}/proxy")
        for m in msgs[:2]:
            sink.send(m)
        assert sink.flush()
        with running(["--serve-grpc", f"--connect=rerun+http://127.0.0.1:{upstream}/proxy"], downstream):
            sink.send(msgs[2])  # arrives live, after the replay
            sink.close()
            with grpc.insecure_channel(f"127.0.0.1:{downstream}") as ch:
                stream = ch.unary_stream(f"/{SERVICE_NAME}/ReadMessages")(b"", timeout=20)
                got = [next(stream) for _ in range(3)]
                stream.cancel()
    assert got == msgs


def test_rerun_file_starts_a_viewer_and_loads_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import rerun as rr
    from rerun_core.server.proxy import SERVICE_NAME
    from rerun_core.server.wire import MsgKind, parse_request

    path = tmp_path / "rec.rrd"
    rec = rr.RecordingStream("file_app", recording_id="file-rec")
    rec.save(path)
    rec.log("points", rr.Points3D([[1, 2, 3]]))
    rec.disconnect()
    port = free_port()
    with running([str(path)], port) as proc:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as ch:
            stream = ch.unary_stream(f"/{SERVICE_NAME}/ReadMessages")(b"", timeout=20)
            kinds = [parse_request(next(stream)).kind for _ in range(2)]
            stream.cancel()
        _, err = stop(proc)
    assert MsgKind.SET_STORE_INFO in kinds
    assert f"loaded {path}" in err


@pytest.mark.interop
def test_save_with_files_saves_them_and_exits_as_0_41(tmp_path, oracle) -> None:  # type: ignore[no-untyped-def]
    """`rerun FILE... --save OUT` (and `rerun --save OUT -`) writes what the inputs hold and exits
    by itself, with no viewer, as the real CLI does; the two files hold the same data."""
    import rerun as rr

    path = tmp_path / "rec.rrd"
    rec = rr.RecordingStream("save_app", recording_id="save-rec")
    rec.save(path)
    for i in range(3):
        rec.set_time("frame", sequence=i)
        rec.log("points", rr.Points3D([[i, 2, 3]]))
    rec.disconnect()
    outs = {}
    for who, exe, env in (("ours", OURS, None), ("theirs", oracle.rerun, oracle.env())):
        for how, args, stdin in (("file", [str(path)], None), ("stdin", ["-"], path.read_bytes())):
            out = tmp_path / f"{who}-{how}.rrd"
            done = subprocess.run(
                [str(exe), f"--port={free_port()}", f"--save={out}", *args],
                input=stdin,
                capture_output=True,
                env=env,
                timeout=60,
            )
            assert done.returncode == 0, done.stderr[-2000:]
            outs[who, how] = out
    for how in ("file", "stdin"):
        cmp = subprocess.run(
            [str(oracle.rerun), "rrd", "compare", str(outs["ours", how]), str(outs["theirs", how])],
            capture_output=True,
            text=True,
            env=oracle.env(),
            timeout=60,
        )
        assert cmp.returncode == 0, cmp.stdout + cmp.stderr


def test_our_spawn_starts_our_viewer_and_streams_to_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import sys

    from rerun_procs import kill_listeners_of

    from rerun_core.server.proxy import SERVICE_NAME
    from rerun_core.server.wire import MsgKind, parse_request

    port = free_port()
    script = f"import rerun as rr\nrr.init('spawned', spawn=False)\nrr.spawn(port={port})\nrr.log('t', rr.TextDocument('x'))\n"
    env = {**os.environ, "PATH": f"{OURS.parent}:{os.environ.get('PATH', '')}"}
    log = tmp_path / "out.log"
    try:
        with log.open("w") as out:  # the viewer inherits the output and outlives the script
            proc = subprocess.run([sys.executable, "-c", script], stdout=out, stderr=out, timeout=60, env=env)
        assert proc.returncode == 0, log.read_text()
        assert listening(port)
        with grpc.insecure_channel(f"127.0.0.1:{port}") as ch:
            stream = ch.unary_stream(f"/{SERVICE_NAME}/ReadMessages")(b"", timeout=20)
            kinds = {parse_request(next(stream)).kind for _ in range(3)}
            stream.cancel()
        assert kinds == {MsgKind.SET_STORE_INFO, MsgKind.ARROW_MSG}
    finally:
        kill_listeners_of(port)


def test_rerun_dash_reads_a_stream_from_stdin(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`rerun --serve-grpc --save OUT -`: as 0.41 (--save wins over --serve-grpc), the stream from
    stdin goes to the file and the process exits once stdin ends."""
    import rerun as rr

    path = tmp_path / "rec.rrd"
    rec = rr.RecordingStream("stdin_app", recording_id="stdin-rec")
    rec.save(path)
    rec.log("points", rr.Points3D([[1, 2, 3]]))
    rec.disconnect()
    saved = tmp_path / "saved.rrd"
    done = subprocess.run(
        [str(OURS), "--serve-grpc", f"--port={free_port()}", f"--save={saved}", "-"],
        input=path.read_bytes(),
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert b"loaded" in done.stderr and b"from stdin" in done.stderr
    from rerun_core.store.rrd import read_messages

    assert any(type(m).__name__ == "ArrowMsg" for m in read_messages(saved))
