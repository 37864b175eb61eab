"""gRPC-Web + CORS on the catalog server's public port, checked against plain gRPC and the real 0.41."""

from __future__ import annotations

import base64
import contextlib
import http.client
import http.server
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.server.catalog import CatalogServer
from rerun_core.server.grpcweb import CorsRules
from tests.catalog.catalog_data import free_port, make_dataset_dir, server_process
from tests.conftest import OURS_BIN, Oracle, ours_env

SERVICE = "/rerun.cloud.v1alpha1.RerunCloudService"
EXTRA = "http://*.example.com:*"
ENTRY = {"x-rerun-entry-name-bin": base64.b64encode(b"mydata").decode()}
ORIGINS = [
    None,
    "http://localhost:3000",
    "http://127.0.0.1",
    "https://rerun.io",
    "https://evil.com",
    "https://localhost.evil.com",
    "http://app.example.com:8080",
    "https://app.example.com:8080",
]


@dataclass
class WebAnswer:
    status: int
    headers: dict[str, str]
    messages: list[bytes]
    trailers: dict[str, str]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_dataset_dir(tmp_path_factory.mktemp("grpcweb") / "mydata")


@pytest.fixture(scope="module")
def ours(data_dir: Path) -> Iterator[CatalogServer]:
    srv = CatalogServer(port=0, cors_allow_origin=[EXTRA])
    srv.load_dataset("mydata", data_dir)
    srv.start()
    yield srv
    srv.stop(grace=0.1)


def request(
    port: int, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> WebAnswer:
    """One HTTP/1.1 exchange; a gRPC-Web body is split into its messages and trailer frame."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body, headers or {})
        resp = conn.getresponse()
        data = resp.read()
        hdrs = {k.lower(): v for k, v in resp.getheaders()}
    finally:
        conn.close()
    if "grpc-web-text" in hdrs.get("content-type", ""):
        data = b"".join(base64.b64decode(p) for p in re.split(rb"(?<==)(?=[^=])", data))  # padded pieces
    messages: list[bytes] = []
    trailers: dict[str, str] = {}
    pos = 0
    while pos < len(data):
        flag, n = data[pos], int.from_bytes(data[pos + 1 : pos + 5], "big")
        payload = data[pos + 5 : pos + 5 + n]
        pos += 5 + n
        if flag & 0x80:
            for line in filter(None, payload.decode().split("\r\n")):
                key, _, value = line.partition(":")
                trailers[key] = value
        else:
            messages.append(payload)
    return WebAnswer(resp.status, hdrs, messages, trailers)


def web_call(
    port: int, method: str, msg: bytes, *, text: bool = False, headers: dict[str, str] | None = None
) -> WebAnswer:
    body = b"\0" + len(msg).to_bytes(4, "big") + msg
    ctype = "application/grpc-web-text" if text else "application/grpc-web+proto"
    return request(
        port,
        "POST",
        f"{SERVICE}/{method}",
        base64.b64encode(body) if text else body,
        {"content-type": ctype, "x-grpc-web": "1", **(headers or {})},
    )


def grpc_raw(
    port: int, method: str, msg: bytes, *, stream: bool, metadata: list[tuple[str, str | bytes]]
) -> list[bytes]:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as ch:
        if stream:
            return list(ch.unary_stream(f"{SERVICE}/{method}")(msg, metadata=metadata, timeout=30))
        return [ch.unary_unary(f"{SERVICE}/{method}")(msg, metadata=metadata, timeout=30)]


def cors_view(ans: WebAnswer) -> dict[str, str]:
    """What a browser's CORS check reads (plus status and content-type).

    Leaves out ``access-control-expose-headers``, which only we send (see ``grpcweb._EXPOSE``).
    """
    keep = {
        k: v
        for k, v in ans.headers.items()
        if (k.startswith("access-control-") or k == "vary") and k != "access-control-expose-headers"
    }
    if "grpc-status" in ans.headers:
        keep["grpc-status"] = ans.headers["grpc-status"]
    return {"status": str(ans.status), "content-type": ans.headers.get("content-type", ""), **keep}


def preflight(port: int, origin: str | None, path: str = f"{SERVICE}/Version") -> WebAnswer:
    headers = {
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,x-grpc-web,x-user-agent",
    }
    if origin is not None:
        headers["origin"] = origin
    return request(port, "OPTIONS", path, headers=headers)


# -- CORS rules -----------------------------------------------------------------------------------


def test_cors_rules_match_the_real_servers_patterns() -> None:
    """Cases from Rerun's own CORS tests: wildmatch globs on the whole Origin value."""
    rules = CorsRules()
    for ok in ["http://localhost", "http://localhost:8080", "https://127.0.0.1:9090", "https://rerun.io:443"]:
        assert rules.allows(ok), ok
    for bad in [
        "https://evil.com",
        "https://notlocalhost.com",
        "https://localhost.evil.com",
        "",
        "localhost",
    ]:
        assert not rules.allows(bad), bad
    assert CorsRules(["https://*.example.com"]).allows("https://app.example.com")
    assert CorsRules(["http?://example.com"]).allows("https://example.com")
    assert not CorsRules(["http?://example.com"]).allows("http://example.com")
    assert not CorsRules(["https://[a]x.com"]).allows("https://ax.com")  # no character classes


def test_preflight_allowed_foreign_and_pattern_origins(ours: CatalogServer) -> None:
    allowed = preflight(ours.port, "http://localhost:3000")
    assert allowed.status == 200
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert allowed.headers["access-control-allow-methods"] == "POST"
    assert allowed.headers["access-control-allow-headers"] == "content-type,x-grpc-web,x-user-agent"
    foreign = preflight(ours.port, "https://evil.com")
    assert foreign.status == 200 and "access-control-allow-origin" not in foreign.headers
    pattern = preflight(ours.port, "http://app.example.com:8080")
    assert pattern.headers["access-control-allow-origin"] == "http://app.example.com:8080"


# -- gRPC-Web calls -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [False, True], ids=["binary", "text"])
def test_unary_call_returns_what_plain_grpc_returns(ours: CatalogServer, text: bool) -> None:
    msg = pb.FindEntriesRequest().SerializeToString()
    ans = web_call(ours.port, "FindEntries", msg, text=text, headers={"origin": "http://localhost:1"})
    assert ans.status == 200 and ans.trailers == {"grpc-status": "0"}
    assert ans.headers["content-type"] == (
        "application/grpc-web-text+proto" if text else "application/grpc-web+proto"
    )
    assert ans.headers["access-control-allow-origin"] == "http://localhost:1"
    assert ans.messages == grpc_raw(ours.port, "FindEntries", msg, stream=False, metadata=[])
    names = [e.name for e in pb.FindEntriesResponse.FromString(ans.messages[0]).entries]
    assert "mydata" in names


@pytest.mark.parametrize("text", [False, True], ids=["binary", "text"])
def test_server_streaming_call_with_binary_header(ours: CatalogServer, text: bool) -> None:
    """ScanSegmentTable needs the entry in ``x-rerun-entry-name-bin`` (base64 over gRPC-Web)."""
    msg = pb.ScanSegmentTableRequest().SerializeToString()
    ans = web_call(ours.port, "ScanSegmentTable", msg, text=text, headers=ENTRY)
    assert ans.trailers == {"grpc-status": "0"} and ans.messages
    md: list[tuple[str, str | bytes]] = [("x-rerun-entry-name-bin", b"mydata")]
    assert ans.messages == grpc_raw(ours.port, "ScanSegmentTable", msg, stream=True, metadata=md)


def test_streamed_answer_is_chunked_with_every_message(ours: CatalogServer) -> None:
    """QueryDataset then FetchChunks: every chunk arrives in its own frame, then the trailer."""
    md: list[tuple[str, str | bytes]] = [("x-rerun-entry-name-bin", b"mydata")]
    query = pb.QueryDatasetRequest(select_all_entity_paths=True).SerializeToString()
    parts = [
        pb.QueryDatasetResponse.FromString(m).data
        for m in grpc_raw(ours.port, "QueryDataset", query, stream=True, metadata=md)
    ]
    fetch = pb.FetchChunksRequest(chunk_infos=parts).SerializeToString()
    ans = web_call(ours.port, "FetchChunks", fetch)
    assert ans.headers["transfer-encoding"] == "chunked"
    assert ans.trailers == {"grpc-status": "0"}
    assert ans.messages == grpc_raw(ours.port, "FetchChunks", fetch, stream=True, metadata=[])


@pytest.mark.parametrize("text", [False, True], ids=["binary", "text"])
def test_errors_carry_grpc_status(ours: CatalogServer, text: bool) -> None:
    """An immediate failure is trailers-only (status in the headers, empty body), as tonic-web does."""
    msg = pb.ReadDatasetEntryRequest().SerializeToString()
    ans = web_call(ours.port, "ReadDatasetEntry", msg, text=text)
    assert ans.status == 200 and ans.messages == [] and ans.headers["content-length"] == "0"
    with pytest.raises(grpc.RpcError) as err:
        grpc_raw(ours.port, "ReadDatasetEntry", msg, stream=False, metadata=[])
    assert ans.headers["grpc-status"] == str(err.value.code().value[0]) == "3"
    assert "x-rerun-entry-id" in ans.headers["grpc-message"]
    assert web_call(ours.port, "NoSuchMethod", b"").headers["grpc-status"] == "12"


def test_not_grpc_web_requests(ours: CatalogServer) -> None:
    assert request(ours.port, "GET", "/").status == 404
    assert (
        request(ours.port, "POST", "/foo.Bar/Baz", b"", {"content-type": "application/grpc-web"}).status
        == 404
    )
    assert request(ours.port, "GET", f"{SERVICE}/Version").status == 400
    assert (
        request(
            ours.port, "POST", f"{SERVICE}/Version", b"", {"content-type": "application/grpc-web+json"}
        ).status
        == 400
    )


def test_expect_continue_and_query_string(ours: CatalogServer) -> None:
    """curl's ``Expect: 100-continue`` is answered at once; a query string does not change the method."""
    import socket

    body = b"\0\0\0\0\0"
    head = (
        f"POST {SERVICE}/Version?x=1 HTTP/1.1\r\nhost: a\r\ncontent-type: application/grpc-web\r\n"
        f"expect: 100-continue\r\ncontent-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", ours.port), timeout=30) as sock:
        sock.sendall(head.encode())
        assert sock.recv(64).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        sock.sendall(body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 OK") and answer.endswith(b"grpc-status:0\r\n\r\n0\r\n\r\n")


def test_keep_alive_serves_several_requests_on_one_connection(ours: CatalogServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", ours.port, timeout=30)
    try:
        for _ in range(3):
            conn.request(
                "POST", f"{SERVICE}/Version", b"\0\0\0\0\0", {"content-type": "application/grpc-web"}
            )
            resp = conn.getresponse()
            assert resp.status == 200 and resp.read().endswith(b"grpc-status:0\r\n")
    finally:
        conn.close()


# -- against the real server ----------------------------------------------------------------------


@contextlib.contextmanager
def both_servers(oracle: Oracle, data_dir: Path) -> Iterator[tuple[int, int]]:
    """The real ``rerun server`` and our CLI, same flags: (real port, our port)."""
    flags = ["server", "--host", "127.0.0.1", "-d", f"mydata={data_dir}", "--cors-allow-origin", EXTRA]
    real, mine = free_port(), free_port()
    with (
        server_process([str(oracle.rerun), *flags, "-p", str(real)], real, env=oracle.env()),
        server_process([str(OURS_BIN / "rerun"), *flags, "-p", str(mine)], mine, env=ours_env()),
    ):
        yield real, mine


@pytest.mark.interop
@pytest.mark.slow
def test_answers_match_the_real_server(oracle: Oracle, data_dir: Path) -> None:
    """Preflights, plain requests and errors: same status and CORS headers as the real 0.41."""
    with both_servers(oracle, data_dir) as (real, mine):
        for origin in ORIGINS:
            assert cors_view(preflight(mine, origin)) == cors_view(preflight(real, origin)), origin
            hdrs = {"origin": origin} if origin else {}
            for method in ["Version", "ReadDatasetEntry"]:
                want = web_call(real, method, b"", headers=hdrs)
                got = web_call(mine, method, b"", headers=hdrs)
                assert cors_view(got) == cors_view(want), (origin, method)
                assert got.headers.get("grpc-message") == want.headers.get("grpc-message")
                assert got.trailers == want.trailers
        assert (
            preflight(mine, "http://localhost", path="/").status
            == preflight(real, "http://localhost", path="/").status
        )
        for method, path in [("GET", "/"), ("GET", f"{SERVICE}/Version"), ("POST", "/foo.Bar/Baz")]:
            assert request(mine, method, path).status == request(real, method, path).status, path


@pytest.mark.interop
@pytest.mark.slow
def test_real_catalog_client_through_the_front(oracle: Oracle, ours: CatalogServer) -> None:
    """The 0.41 CatalogClient (HTTP/2, spliced to grpcio) reads a dataset through the front."""
    out = oracle.run_script(
        """
        import json, sys
        from rerun.catalog import CatalogClient
        c = CatalogClient(sys.argv[1])
        ds = c.get_dataset("mydata")
        t = ds.reader(index="frame").to_arrow_table()
        print(json.dumps({"names": c.dataset_names(), "segments": sorted(ds.segment_ids()), "rows": t.num_rows}))
        """,
        ours.url,
    )
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got == {"names": ["mydata"], "segments": ["seg0", "seg1"], "rows": 6}


# -- a browser's CORS check -----------------------------------------------------------------------

PAGE = b"<!doctype html><title>grpc-web probe</title>"
FETCH_JS = """async (url) => {
  try {
    const r = await fetch(url, {method: "POST", body: new Uint8Array([0, 0, 0, 0, 0]),
      headers: {"content-type": "application/grpc-web+proto", "x-grpc-web": "1"}});
    const body = new Uint8Array(await r.arrayBuffer());
    return {ok: true, status: r.status, tail: new TextDecoder().decode(body.slice(-16)),
            grpcStatus: r.headers.get("grpc-status")};
  } catch (e) { return {ok: false, error: String(e)}; }
}"""


@contextlib.contextmanager
def page_server() -> Iterator[int]:
    """A page on another 127.0.0.1 port: the browser's origin for the cross-origin fetch."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.send_header("content-length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)

        def log_message(self, *args: object) -> None:
            pass

    port = free_port()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Page)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield port
    finally:
        httpd.shutdown()
        httpd.server_close()


def browser_fetches(server_port: int, page_port: int) -> dict[str, dict[str, object]]:
    """Fetch Version from pages on three origins (all resolving to 127.0.0.1)."""
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    args = [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--host-resolver-rules=MAP foreign.test 127.0.0.1, MAP app.example.com 127.0.0.1",
    ]
    url = f"http://127.0.0.1:{server_port}{SERVICE}/Version"
    out: dict[str, dict[str, object]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=args, headless=True)
        try:
            page = browser.new_page()
            for name, host in [
                ("allowed", "127.0.0.1"),
                ("foreign", "foreign.test"),
                ("pattern", "app.example.com"),
            ]:
                page.goto(f"http://{host}:{page_port}/", timeout=30_000)
                out[name] = page.evaluate(FETCH_JS, url)
                if name == "allowed":  # a trailers-only error: is its status readable?
                    out["error"] = page.evaluate(FETCH_JS, url.replace("/Version", "/ReadDatasetEntry"))
        finally:
            browser.close()
    return out


@pytest.mark.browser
@pytest.mark.slow
def test_browser_cors_check(ours: CatalogServer) -> None:
    """Chromium's own CORS check: passes for 127.0.0.1 and a pattern origin, fails for a foreign one."""
    with page_server() as page_port:
        got = browser_fetches(ours.port, page_port)
    assert got["allowed"]["ok"] is True and got["allowed"]["status"] == 200
    assert str(got["allowed"]["tail"]).endswith("grpc-status:0\r\n")
    assert got["error"]["grpcStatus"] == "3"  # exposed to the page (the real 0.41 hides it)
    assert got["pattern"]["ok"] is True
    assert got["foreign"]["ok"] is False and "Failed to fetch" in str(got["foreign"]["error"])


@pytest.mark.browser
@pytest.mark.interop
@pytest.mark.slow
def test_browser_sees_the_same_as_with_the_real_server(oracle: Oracle, data_dir: Path) -> None:
    with both_servers(oracle, data_dir) as (real, mine), page_server() as page_port:
        want = browser_fetches(real, page_port)
        got = browser_fetches(mine, page_port)
    assert {k: v["ok"] for k, v in got.items()} == {k: v["ok"] for k, v in want.items()}
    assert got["allowed"]["tail"] == want["allowed"]["tail"]
    assert want["error"]["grpcStatus"] is None  # why ours exposes grpc-status (see grpcweb._EXPOSE)


# -- the front against a scripted backend ---------------------------------------------------------


class ScriptedBackend(grpc.GenericRpcHandler):
    """Raw-bytes handlers: a stream that fails after two messages, an echo of request metadata."""

    def __init__(self) -> None:
        self.idle_stream_ended = threading.Event()

    def service(self, details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler | None:
        def failing_stream(request: bytes, ctx: grpc.ServicerContext) -> Iterator[bytes]:
            yield b"one"
            yield b"two"
            ctx.abort(grpc.StatusCode.DATA_LOSS, "broke after 2: 100% <sure>")

        def echo_metadata(request: bytes, ctx: grpc.ServicerContext) -> bytes:
            md = dict(ctx.invocation_metadata())
            ctx.send_initial_metadata((("x-seen-bin", md["x-blob-bin"]),))
            ctx.set_trailing_metadata((("x-trailing", "yes"),))
            return str(md["x-plain"]).encode() + request

        def count_stream(requests: Iterator[bytes], ctx: grpc.ServicerContext) -> bytes:
            return b"|".join(requests)

        def idle_stream(request: bytes, ctx: grpc.ServicerContext) -> Iterator[bytes]:
            yield b"hello"
            ctx.add_callback(self.idle_stream_ended.set)
            while ctx.is_active():
                self.idle_stream_ended.wait(0.05)

        name = details.method.rsplit("/", 1)[-1]  # type: ignore[attr-defined]
        if name == "QueryTasksOnCompletion":
            return grpc.unary_stream_rpc_method_handler(idle_stream)
        if name == "ScanSegmentTable":
            return grpc.unary_stream_rpc_method_handler(failing_stream)
        if name == "Version":
            return grpc.unary_unary_rpc_method_handler(echo_metadata)
        if name == "WriteTable":
            return grpc.stream_unary_rpc_method_handler(count_stream)
        return None


SCRIPT = ScriptedBackend()


@pytest.fixture(scope="module")
def scripted() -> Iterator[int]:
    from concurrent import futures

    from rerun_core.server.grpcweb import GrpcWebFront

    backend = grpc.server(futures.ThreadPoolExecutor(4), handlers=[SCRIPT])
    internal = backend.add_insecure_port("127.0.0.1:0")
    backend.start()
    front = GrpcWebFront(internal, [pb.DESCRIPTOR.services_by_name["RerunCloudService"]])
    port = front.listen("127.0.0.1", 0)
    yield port
    front.stop()
    backend.stop(None)


def test_idle_stream_is_cancelled_when_the_browser_hangs_up(scripted: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", scripted, timeout=30)
    conn.request(
        "POST", f"{SERVICE}/QueryTasksOnCompletion", b"\0\0\0\0\0", {"content-type": "application/grpc-web"}
    )
    resp = conn.getresponse()
    assert resp.read1(10)[5:] == b"hello"
    assert not SCRIPT.idle_stream_ended.is_set()
    conn.close()
    assert SCRIPT.idle_stream_ended.wait(20)


def test_mid_stream_error_goes_into_the_trailer_frame(scripted: int) -> None:
    ans = web_call(scripted, "ScanSegmentTable", b"")
    assert ans.messages == [b"one", b"two"]
    assert ans.trailers == {"grpc-status": "15", "grpc-message": "broke%20after%202:%20100%25%20%3Csure%3E"}
    assert "grpc-status" not in ans.headers


def test_metadata_passes_both_ways(scripted: int) -> None:
    """``-bin`` request headers arrive as bytes; answer metadata comes back as headers/trailers."""
    blob = bytes(range(256))
    hdrs = {"x-plain": "p", "x-blob-bin": base64.b64encode(blob).decode()}
    ans = web_call(scripted, "Version", b"!", headers=hdrs)
    assert ans.messages == [b"p!"]
    assert base64.b64decode(ans.headers["x-seen-bin"] + "==") == blob
    assert ans.trailers == {"grpc-status": "0", "x-trailing": "yes"}


def test_client_streaming_request_frames(scripted: int) -> None:
    body = b"".join(b"\0" + len(m).to_bytes(4, "big") + m for m in [b"a", b"bb", b"ccc"])
    ans = request(scripted, "POST", f"{SERVICE}/WriteTable", body, {"content-type": "application/grpc-web"})
    assert ans.messages == [b"a|bb|ccc"] and ans.trailers["grpc-status"] == "0"


def test_plain_grpc_is_spliced_through(scripted: int) -> None:
    """An HTTP/2 client on the public port reaches the backend unchanged."""
    with grpc.insecure_channel(f"127.0.0.1:{scripted}") as ch:
        call = ch.unary_stream(f"{SERVICE}/ScanSegmentTable")(b"", timeout=10)
        got = []
        with pytest.raises(grpc.RpcError) as err:
            got.extend(call)
    assert got == [b"one", b"two"] and err.value.code() == grpc.StatusCode.DATA_LOSS
