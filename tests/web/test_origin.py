"""The web viewer serves no data to other websites: Host and Origin checks, the session token.

A page on any website can open a WebSocket to 127.0.0.1 (no same-origin policy for sockets), so
the server takes only its own origin (plus `--cors-allow-origin` globs), a Host naming this
machine (no DNS rebinding) and, from browsers, the token that only its HTML carries.
"""

from __future__ import annotations

import http.client
import http.server
import re
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Origin

from rerun_core.store.hub import StoreHub
from rerun_notebook.web.server import WebViewerServer
from tests.e2e.lab import CHROMIUM, CHROMIUM_ARGS
from tests.notebook.fakes import FakeApp
from tests.server.rerun_procs import free_port, running
from tests.web.test_cli import _wait_page
from tests.web.wsclient import recv_state

EVIL = "http://evil.example"
PATTERN = "https://*.example.com"
ALLOWED = "http://allowed.test:*"  # a custom viewer's site, for the browser test's control
HANDSHAKE = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
             "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}  # fmt: skip


@pytest.fixture
def server() -> Iterator[WebViewerServer]:
    srv = WebViewerServer(
        StoreHub(),
        port=free_port(),
        app_factory=FakeApp,
        empty_hint="hello",
        cors_allow_origin=[PATTERN, ALLOWED],
    ).start()
    yield srv
    srv.stop()


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    """A raw GET (its Host and Origin as given), the response read."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers=headers or {})
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp


def _token(srv: WebViewerServer) -> str:
    """The session token, read as the page reads it: from the served HTML."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    conn.request("GET", "/")
    html = conn.getresponse().read().decode()
    conn.close()
    m = re.search(r'name="rerun-session-token" content="([^"]+)"', html)
    assert m is not None, html
    return m.group(1)


def _ws_status(srv: WebViewerServer, query: str = "", origin: str | None = None) -> int:
    """The handshake's status: 101 when the socket opened (and gave the panel state), else the refusal."""
    url = f"ws://127.0.0.1:{srv.port}/ws{query}"
    try:
        with connect(url, origin=None if origin is None else Origin(origin), open_timeout=10) as ws:
            assert recv_state(ws)["hint"] == "hello"
            return 101
    except InvalidStatus as err:
        return err.response.status_code


def test_foreign_origin_is_refused_on_http(server: WebViewerServer) -> None:
    own = f"http://127.0.0.1:{server.port}"
    for path in ("/", "/page.js", "/widget.js"):
        assert _get(server.port, path, {"Origin": EVIL}).status == 403
        assert _get(server.port, path, {"Origin": "http://127.0.0.1:1"}).status == 403  # another local port
        assert _get(server.port, path, {"Origin": "null"}).status == 403  # sandboxed frames, file://
        assert _get(server.port, path, {"Origin": own}).status == 200
        assert _get(server.port, path).status == 200  # no Origin: a same-origin GET or not a browser
    assert _get(server.port, "/", {"Origin": EVIL}).getheader("Access-Control-Allow-Origin") is None


def test_foreign_origin_is_refused_on_the_socket(server: WebViewerServer) -> None:
    token = _token(server)
    assert _ws_status(server, f"?token={token}", origin=EVIL) == 403
    assert _ws_status(server, f"?token={token}", origin="http://localhost:1") == 403
    assert server.pages == 0


def test_browser_socket_needs_the_token(server: WebViewerServer) -> None:
    own = f"http://127.0.0.1:{server.port}"
    assert _ws_status(server, "", origin=own) == 403
    assert _ws_status(server, "?token=guess", origin=own) == 403
    assert _ws_status(server, "?token=", origin=own) == 403
    assert _ws_status(server, f"?token={_token(server)}", origin=own) == 101


def test_each_server_has_its_own_token(server: WebViewerServer) -> None:
    other = WebViewerServer(StoreHub(), port=free_port(), app_factory=FakeApp, empty_hint="hello").start()
    try:
        assert _token(other) != _token(server)
        assert _ws_status(other, f"?token={_token(server)}", origin=f"http://127.0.0.1:{other.port}") == 403
    finally:
        other.stop()


def test_own_origin_by_any_local_name_works(server: WebViewerServer) -> None:
    for host in ("localhost", socket.gethostname()):
        origin = f"http://{host}:{server.port}"
        assert _get(server.port, "/", {"Host": f"{host}:{server.port}", "Origin": origin}).status == 200
    # The own origin is the Host's: 127.0.0.1's page may not pose as localhost's.
    assert _get(server.port, "/", {"Origin": f"http://localhost:{server.port}"}).status == 403


def test_clients_without_origin_need_no_token(server: WebViewerServer) -> None:
    """Not browsers (they always send Origin): the gRPC port serves the same data to them anyway."""
    assert _ws_status(server) == 101
    assert _ws_status(server, "?token=guess") == 403  # a token given must be right


def test_cors_pattern_origin_works(server: WebViewerServer) -> None:
    origin = "https://viewer.example.com"
    resp = _get(server.port, "/", {"Origin": origin})
    assert resp.status == 200 and resp.getheader("Access-Control-Allow-Origin") == origin
    assert _ws_status(server, f"?token={_token(server)}", origin=origin) == 101
    assert _ws_status(server, "", origin=origin) == 403  # still needs the token
    assert _get(server.port, "/", {"Origin": "https://example.com.evil.org"}).status == 403
    assert _get(server.port, "/", {"Origin": "http://viewer.example.com"}).status == 403  # scheme differs


def test_forged_host_is_refused(server: WebViewerServer) -> None:
    """DNS rebinding: a page on evil.example, re-resolved to 127.0.0.1, sends Host: evil.example."""
    for host in ("evil.example", f"evil.example:{server.port}", "127.0.0.1@evil.example", "a b", ""):
        assert _get(server.port, "/", {"Host": host}).status == 403
        assert _get(server.port, "/ws", {"Host": host, **HANDSHAKE}).status == 403
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}", f"[::1]:{server.port}", "127.0.0.1"):
        assert _get(server.port, "/", {"Host": host}).status == 200
    assert _get(server.port, "/ws", {"Host": f"127.0.0.1:{server.port}", **HANDSHAKE}).status == 101


def test_repeated_origin_is_refused(server: WebViewerServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.putrequest("GET", "/")
    conn.putheader("Origin", f"http://127.0.0.1:{server.port}")
    conn.putheader("Origin", EVIL)
    conn.endheaders()
    assert conn.getresponse().status == 403
    conn.close()


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_cli_cors_allow_origin_reaches_the_page_server() -> None:
    port, web = free_port(), free_port()
    args = ["--serve-web", f"--web-viewer-port={web}", "--cors-allow-origin", PATTERN]
    with running(args, port) as proc:
        _wait_page(web, proc)
        assert _get(web, "/", {"Origin": "https://viewer.example.com"}).status == 200
        assert _get(web, "/", {"Origin": EVIL}).status == 403


# --- in Chromium ------------------------------------------------------------------------------------

FOREIGN_PAGE = """<!doctype html><script>
window.outcome = new Promise((resolve) => {
  const ws = new WebSocket("ws://127.0.0.1:%d/ws%s");
  ws.onopen = () => resolve("open");
  ws.onmessage = () => resolve("message");
  ws.onclose = () => resolve("closed");
});
</script>"""


class _Foreign(http.server.BaseHTTPRequestHandler):
    """Another website (served on another local port): its page tries the viewer's socket."""

    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.timeout(120)
def test_browser_own_page_works_and_foreign_pages_are_refused(server: WebViewerServer) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    foreign = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Foreign)
    threading.Thread(target=foreign.serve_forever, daemon=True).start()
    evil = f"http://evil.test:{foreign.server_address[1]}"
    args = [*CHROMIUM_ARGS, "--host-resolver-rules=MAP *.test 127.0.0.1"]
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=args, headless=True)
            try:
                page = browser.new_page()
                page.goto(server.url)  # the own page: its socket carries the token and opens
                page.wait_for_function("document.querySelector('.rr-error')?.textContent === 'hello'")
                assert page.evaluate("document.body.dataset.status") == "open"
                assert server.pages == 1

                for query in ("", f"?token={_token(server)}", "?token=guess"):  # even a leaked token
                    _Foreign.body = (FOREIGN_PAGE % (server.port, query)).encode()
                    other = browser.new_page()
                    other.goto(evil + "/")
                    assert other.evaluate("window.outcome") == "closed"
                    other.close()
                assert server.pages == 1  # still only the own page's session

                # The control: the same page from a --cors-allow-origin site, with the token, opens.
                _Foreign.body = (FOREIGN_PAGE % (server.port, f"?token={_token(server)}")).encode()
                other = browser.new_page()
                other.goto(f"http://allowed.test:{foreign.server_address[1]}/")
                assert other.evaluate("window.outcome") == "open"
                other.close()

                # DNS rebinding: evil.test now resolves to the viewer's own port.
                other = browser.new_page()
                resp = other.goto(f"http://evil.test:{server.port}/")
                assert resp is not None and resp.status == 403
                assert "session-token" not in other.content()
            finally:
                browser.close()
    finally:
        foreign.shutdown()
        foreign.server_close()
