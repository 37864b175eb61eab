"""0.41's sink handles, tracing sessions and notebook extras (closed gaps of the API-conformance
list): `GrpcServerSink.uri`, `MemoryRecording`/`BinaryStream(storage)`, `rr.tracing_session`,
`rr.legacy_notebook_show`, the events' `partition_id`, `Viewer.send_table` / `set_credentials`."""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import Iterator
from concurrent import futures
from typing import Any

import grpc
import pyarrow as pa
import pytest

import rerun as rr
from rerun import notebook as nb
from rerun.catalog._conn import Connection
from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.server import redap_source
from tests.notebook.test_rerun_notebook import fake_renderer as fake_renderer
from tests.server.rerun_procs import free_port

pytestmark = pytest.mark.timeout(120)


def test_grpc_server_sink_names_its_uri_and_is_one() -> None:
    port = free_port()
    sink = rr.GrpcServerSink("127.0.0.1", port)
    try:
        assert sink.uri == f"rerun+http://127.0.0.1:{port}/proxy"
        assert isinstance(sink, rr.GrpcServerSink)
    finally:
        sink.close()


def test_memory_recording_and_binary_stream_read_through_their_storage() -> None:
    rec = rr.RecordingStream("storage_test", recording_id="r")
    mem = rec.memory_recording()
    rec.log("p", rr.Points3D([[1, 2, 3]]))
    again = rr.MemoryRecording(mem.storage)  # 0.41's constructor: one storage
    assert again.num_msgs() >= 2  # the store info and the row
    assert again.drain_as_bytes().startswith(b"RRF2")
    assert mem.num_msgs() == 0  # one storage, drained through either handle
    stream = rec.binary_stream()
    rec.log("p", rr.Points3D([[4, 5, 6]]))
    data = rr.BinaryStream(stream.storage).read()
    assert data is not None and data.startswith(b"RRF2")


def test_tracing_session_without_telemetry_warns_and_tags_nothing(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("TELEMETRY_ENABLED", raising=False)
    conn = Connection("rerun+http://127.0.0.1:1")
    with caplog.at_level(logging.WARNING, "rerun"), rr.tracing_session() as sid:
        assert sid == ""
        assert not any(k == "tracestate" for k, _ in conn._metadata(None))
    assert "tracing_session() is a no-op" in caplog.text


def test_tracing_session_tags_catalog_requests_inside_the_block(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("TELEMETRY_ENABLED", "true")
    conn = Connection("rerun+http://127.0.0.1:1")
    with caplog.at_level(logging.INFO, "rerun"), rr.tracing_session() as sid:
        assert re.fullmatch(r"rs_[0-9a-f]{8}", sid)
        assert ("tracestate", f"rerun_session_id={sid}") in conn._metadata(None)
    assert not any(k == "tracestate" for k, _ in conn._metadata(None))
    assert f"rerun tracing session started: {sid}" in caplog.text
    assert "rerun tracing session finished" in caplog.text and "elapsed_s" in caplog.text


def test_legacy_notebook_show_embeds_the_given_page() -> None:
    rec = rr.RecordingStream("legacy_nb", recording_id="r")
    shown = rr.legacy_notebook_show(
        width=640, height=480, app_url="http://127.0.0.1:1/x?a=1&b=2", recording=rec
    )
    page = getattr(shown, "data", shown)
    assert 'src="http://127.0.0.1:1/x?a=1&amp;b=2"' in page
    assert 'width="640" height="480"' in page and "Timed out waiting for" in page


def test_legacy_notebook_show_needs_a_recording() -> None:
    with contextlib.ExitStack() as stack:
        if rr.get_global_data_recording() is not None:
            pytest.skip("a global recording is set in this process")
        stack.enter_context(pytest.raises(ValueError, match="No application id found"))
        rr.legacy_notebook_show(app_url="http://127.0.0.1:1")


def test_event_partition_id_is_a_deprecated_segment_id() -> None:
    event = nb.PlayEvent(application_id="a", recording_id="r", segment_id="seg")
    with pytest.warns(DeprecationWarning, match="segment_id"):
        assert event.partition_id == "seg"


def test_viewer_shows_the_tables_it_is_sent_until_a_recording_is_shown(fake_renderer: Any) -> None:
    viewer = nb.Viewer(use_global_recording=False)
    session = viewer.widget.session
    try:
        batch = pa.RecordBatch.from_pydict({"x": [1, 2], "y": ["a", "b"]})
        viewer.send_table("first", batch)
        viewer.send_table("both", [batch, batch])
        first = viewer.tables.get("first").data
        assert first.to_pydict() == {"x": [1, 2], "y": ["a", "b"]}
        assert first.schema.metadata[b"__table_id"] == b"first"
        session.prepare(time.monotonic())
        (view,) = session.state()["views"]  # one table view over the viewport
        assert view["kind"] == "dataframe" and view["name"] == "both"
        assert view["dataframe"]["total"] == 4
        assert [c["name"] for c in view["dataframe"]["columns"]] == ["x", "y"]
        rec = rr.RecordingStream("nb_table", recording_id="t")
        rec.log("pts", rr.Points3D([[1, 2, 3]]))
        viewer.add_recording(rec)
        session.prepare(time.monotonic())
        assert all(v["kind"] != "dataframe" or v["name"] != "both" for v in session.state()["views"])
        assert viewer.tables.get("both") is not None  # put away, still kept
    finally:
        viewer.close()


class _MetadataRecorder(grpc.GenericRpcHandler):
    """A catalog server that answers every unary call empty and keeps the request headers."""

    def __init__(self) -> None:
        self.seen: list[dict[str, str]] = []

    def service(self, details: Any) -> Any:
        self.seen.append(dict(details.invocation_metadata))
        response = getattr(pb, details.method.rsplit("/", 1)[-1] + "Response", None)
        if response is None:
            return None
        return grpc.unary_unary_rpc_method_handler(
            lambda _request, _context: response(),
            request_deserializer=lambda raw: raw,
            response_serializer=lambda message: message.SerializeToString(),
        )


@pytest.fixture
def recording_server() -> Iterator[tuple[str, _MetadataRecorder]]:
    recorder = _MetadataRecorder()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2), handlers=[recorder])
    port = free_port()
    server.add_insecure_port(f"127.0.0.1:{port}")
    server.start()
    try:
        yield f"rerun+http://127.0.0.1:{port}", recorder
    finally:
        server.stop(grace=None)
        redap_source.set_credentials(None)


def test_viewer_credentials_sign_the_catalog_requests_it_makes(
    fake_renderer: Any, recording_server: tuple[str, _MetadataRecorder]
) -> None:
    url, recorder = recording_server
    viewer = nb.Viewer(use_global_recording=False)
    try:
        viewer.set_credentials("secret-token", "me@example.com")
        with contextlib.suppress(
            ValueError, RuntimeError, OSError
        ):  # an empty server: only the headers matter
            viewer.open_url(url)
    finally:
        viewer.close()
    assert recorder.seen, "the viewer made no request to the server"
    assert all(md.get("authorization") == "Bearer secret-token" for md in recorder.seen)
    redap_source.set_credentials(None)
    with redap_source.RedapClient(url) as client:
        assert not any(k == "authorization" for k, _ in client._metadata(None))


@pytest.mark.slow
def test_legacy_notebook_show_serves_the_recording_page() -> None:
    import urllib.request

    from rerun import _web

    rec = rr.RecordingStream("legacy_nb_served", recording_id="r")
    rec.log("p", rr.Points3D([[1, 2, 3]]))
    try:
        shown = rr.legacy_notebook_show(recording=rec)
        page = getattr(shown, "data", shown)
        src = re.search(r'src="(http://127\.0\.0\.1:\d+)"', page)
        assert src is not None, page
        with urllib.request.urlopen(src.group(1), timeout=30) as answer:
            assert answer.status == 200 and b"<html" in answer.read().lower()
        server = _web._servers[-1][0]
        assert rec.get_recording_id() in {str(i.recording_id) for i in server.hub.store_ids()}
    finally:
        _web.stop_web_viewers()
