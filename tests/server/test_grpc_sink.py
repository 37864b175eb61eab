"""The SDK's gRPC sink against our proxy: buffering until the endpoint is up, bounded exit."""

from __future__ import annotations

import pytest
from proxy_msgs import arrow, store_info
from rerun_procs import free_port

from rerun._grpc import GrpcSink
from rerun_core.server.proxy import ProxyServer
from rerun_core.server.urls import parse_grpc_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (None, ("127.0.0.1:9876", False)),
        ("rerun+http://localhost:1234/proxy", ("localhost:1234", False)),
        ("rerun+https://example.com/proxy", ("example.com:443", True)),
        ("rerun://example.com:5000/proxy", ("example.com:5000", True)),
    ],
)
def test_parse_grpc_url(url: str | None, expected: tuple[str, bool]) -> None:
    assert parse_grpc_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9876/proxy",
        "rerun+http://127.0.0.1:9876/",
        "127.0.0.1:9876",
        "rerun+http://:9/proxy",
    ],
)
def test_parse_grpc_url_rejects(url: str) -> None:
    with pytest.raises(ValueError, match="invalid Rerun gRPC URL"):
        parse_grpc_url(url)


def test_sink_streams_in_order() -> None:
    server = ProxyServer(port=0).start()
    try:
        sink = GrpcSink(server.url)
        msgs = [store_info()] + [arrow(bytes([i]) * 100) for i in range(50)]
        for m in msgs:
            sink.send(m)
        assert sink.flush()
        sink.close()
        assert sink.dropped == 0
        assert [m.request for m in server.buffer.read(lambda: False)] == msgs
    finally:
        server.stop(0.1)


def test_sink_buffers_until_endpoint_comes_up() -> None:
    port = free_port()
    sink = GrpcSink(f"rerun+http://127.0.0.1:{port}/proxy")
    sink.send(store_info())
    sink.send(arrow(b"early"))
    assert not sink.flush(timeout=0.3)  # nothing listens yet
    server = ProxyServer(port=port).start()
    try:
        assert sink.flush(timeout=10)
        sink.close()
        assert server.buffer.stats().received_messages == 2
    finally:
        server.stop(0.1)


def test_close_without_endpoint_is_bounded_and_reports_drops(caplog: pytest.LogCaptureFixture) -> None:
    sink = GrpcSink(f"rerun+http://127.0.0.1:{free_port()}/proxy", exit_timeout=0.5)
    sink.send(store_info())
    sink.send(arrow(b"x"))
    sink.close()
    assert sink.dropped == 2
    assert "dropped 2 message(s)" in caplog.text


def test_sink_redials_after_the_endpoint_restarts() -> None:
    port = free_port()
    server = ProxyServer(port=port).start()
    sink = GrpcSink(f"rerun+http://127.0.0.1:{port}/proxy")
    try:
        sink.send(store_info())
        assert sink.flush(timeout=10)
        server.stop(grace=0)
        sink.send(arrow(b"while-down"))  # may be lost with the old connection
        server = ProxyServer(port=port).start()
        for i in range(20):
            sink.send(arrow(bytes([i]) * 10))
        assert sink.flush(timeout=20)
        sink.close()
        got = [m.request for m in server.buffer.read(lambda: False)]
        assert got[-20:] == [arrow(bytes([i]) * 10) for i in range(20)]
    finally:
        server.stop(0.1)


def test_sink_gives_up_on_an_endpoint_without_the_service(caplog: pytest.LogCaptureFixture) -> None:
    from concurrent import futures

    import grpc

    other = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    port = other.add_insecure_port("127.0.0.1:0")
    other.start()
    try:
        sink = GrpcSink(f"rerun+http://127.0.0.1:{port}/proxy")
        sink.send(store_info())
        sink._thread.join(10)
        assert not sink._thread.is_alive()  # stopped trying instead of re-dialling forever
        sink.close()
        assert sink.dropped >= 1
        assert "does not take log messages" in caplog.text
    finally:
        other.stop(0)


def test_script_exits_and_reports_drops_when_nothing_listens() -> None:
    import subprocess
    import sys

    url = f"rerun+http://127.0.0.1:{free_port()}/proxy"
    script = f"import rerun as rr\nrr.init('nobody', spawn=False)\nrr.connect_grpc({url!r})\nrr.log('t', rr.TextDocument('x'))\n"
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd="/")
    assert proc.returncode == 0, proc.stderr
    assert "dropped" in proc.stderr and url in proc.stderr


def test_connect_grpc_rejects_bad_urls_at_once() -> None:
    import rerun as rr

    rec = rr.RecordingStream("bad_url", recording_id="bad-url")
    with pytest.raises(ValueError, match="scheme must be one of"):
        rec.connect_grpc("http://127.0.0.1:9876/proxy")


def test_bad_url_error_is_also_a_runtime_error_as_in_0_41() -> None:
    with pytest.raises(RuntimeError):
        parse_grpc_url("http://127.0.0.1:9876/proxy")
