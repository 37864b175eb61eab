"""gRPC-Web over HTTP/1.1 for :mod:`rerun_core.server.grpcweb`: one connection's requests.

Browsers cannot speak HTTP/2 gRPC, so each HTTP/1.1 request is decoded (5-byte frames, base64
for ``-text``), replayed against the internal grpcio server as a raw-bytes call, and its answer
framed back with a trailer frame. Status codes, CORS headers and trailers-only errors follow what
the real 0.41 ``rerun server`` (tonic-web behind tower-http's CORS layer) answers.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import re
import socket
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import BinaryIO, Protocol

import grpc

Headers = list[tuple[str, str]]
MAX_BODY = 1 << 30  # as the grpcio server's max_receive_message_length
_MAX_HEADER_LINES = 200
_MAX_LINE = 64 * 1024
_CONTENT_TYPES = {
    "application/grpc-web": False,
    "application/grpc-web+proto": False,
    "application/grpc-web-text": True,
    "application/grpc-web-text+proto": True,
}
_NO_FORWARD = {"x-grpc-web", "x-user-agent"}
_METADATA_KEY = re.compile(r"^[0-9a-z_.\-]+$")
# tonic's grpc-message percent-encoding set (controls, space, "#<>`?{}), plus '%' itself.
_PCT = frozenset(' "#<>`?{}%')
_TIMEOUT_UNITS = {"H": 3600.0, "M": 60.0, "S": 1.0, "m": 1e-3, "u": 1e-6, "n": 1e-9}
_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 413: "Payload Too Large"}


class BadRequest(Exception):
    """A request this front cannot parse: answered 400 and the connection closed."""


@dataclass
class Request:
    method: str
    path: str
    version: str
    headers: dict[str, str]
    body: bytes

    @property
    def keep_alive(self) -> bool:
        conn = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.0":
            return "keep-alive" in conn
        return "close" not in conn


class Policy(Protocol):
    """What the HTTP side needs from the front: CORS headers and the method table."""

    def cors_headers(self, headers: Mapping[str, str], *, preflight: bool) -> Headers: ...

    def extra_headers(self) -> Headers: ...

    def lookup(self, path: str) -> tuple[bool, tuple[bool, bool] | None]:
        """(service known, (client_streaming, server_streaming) or None for unknown method)."""
        ...

    def channel(self) -> grpc.Channel: ...

    def upload(self, token: str, headers: Mapping[str, str], body: bytes) -> int | None:
        """HTTP status of a staged upload (``PUT /upload/<token>``); None: no uploads here."""
        ...


def read_request(rfile: BinaryIO, on_continue: Callable[[], None] = lambda: None) -> Request | None:
    """The next request on the connection; None at a clean end of stream.

    ``on_continue`` answers ``Expect: 100-continue`` (curl sends it for larger bodies).
    """
    line = rfile.readline(_MAX_LINE + 1)
    while line in (b"\r\n", b"\n"):  # stray CRLF between requests is allowed
        line = rfile.readline(_MAX_LINE + 1)
    if not line:
        return None
    parts = line.decode("latin-1").split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/1.") or len(line) > _MAX_LINE:
        raise BadRequest("bad request line")
    headers: dict[str, str] = {}
    for _ in range(_MAX_HEADER_LINES):
        hline = rfile.readline(_MAX_LINE + 1)
        if hline in (b"\r\n", b"\n", b""):
            break
        name, sep, value = hline.decode("latin-1").partition(":")
        if not sep or not name.strip() or len(hline) > _MAX_LINE:
            raise BadRequest("bad header line")
        key = name.strip().lower()
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    else:
        raise BadRequest("too many headers")
    if headers.get("expect", "").lower() == "100-continue":
        on_continue()
    return Request(parts[0], parts[1].split("?")[0], parts[2], headers, _read_body(rfile, headers))


def _read_body(rfile: BinaryIO, headers: Mapping[str, str]) -> bytes:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        chunks: list[bytes] = []
        total = 0
        while True:
            size_line = rfile.readline(_MAX_LINE).split(b";")[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                raise BadRequest("bad chunk size") from None
            if size == 0:
                while rfile.readline(_MAX_LINE) not in (b"\r\n", b"\n", b""):
                    pass  # trailers: ignored
                return b"".join(chunks)
            total += size
            if total > MAX_BODY:
                raise BadRequest("body too large")
            chunks.append(_read_exact(rfile, size))
            rfile.readline(_MAX_LINE)
    try:
        length = int(headers.get("content-length", "0"))
    except ValueError:
        raise BadRequest("bad content-length") from None
    if length < 0 or length > MAX_BODY:
        raise BadRequest("bad content-length")
    return _read_exact(rfile, length)


def _read_exact(rfile: BinaryIO, n: int) -> bytes:
    data = rfile.read(n)
    if len(data) != n:
        raise BadRequest("truncated body")
    return data


def decode_frames(body: bytes, text: bool) -> list[bytes]:
    """The request's data frames (trailer frames from the client are ignored)."""
    if text:
        body = _b64decode_concatenated(body)
    frames: list[bytes] = []
    pos = 0
    while pos < len(body):
        if len(body) - pos < 5:
            raise BadRequest("truncated gRPC-Web frame")
        flag, length = body[pos], int.from_bytes(body[pos + 1 : pos + 5], "big")
        payload = body[pos + 5 : pos + 5 + length]
        if len(payload) != length:
            raise BadRequest("truncated gRPC-Web frame")
        if flag & 0x01:
            raise BadRequest("compressed gRPC-Web frames are not supported")
        if not flag & 0x80:
            frames.append(payload)
        pos += 5 + length
    return frames


def _b64decode_concatenated(data: bytes) -> bytes:
    """Base64 whose padded pieces may be concatenated (as streaming clients send them)."""
    data = re.sub(rb"\s+", b"", data)
    try:
        return b"".join(base64.b64decode(p) for p in re.split(rb"(?<==)(?=[^=])", data) if p)
    except (binascii.Error, ValueError):
        raise BadRequest("bad base64 body") from None


def frame(payload: bytes, trailer: bool = False) -> bytes:
    return bytes([0x80 if trailer else 0x00]) + len(payload).to_bytes(4, "big") + payload


def encode_grpc_message(message: str) -> str:
    return "".join(
        f"%{b:02X}" if b < 0x20 or b > 0x7E or chr(b) in _PCT else chr(b) for b in message.encode("utf-8")
    )


def request_metadata(headers: Mapping[str, str]) -> list[tuple[str, str | bytes]]:
    """Headers the service reads (``x-*``, ``authorization``); ``-bin`` ones arrive as base64."""
    out: list[tuple[str, str | bytes]] = []
    for key, value in headers.items():
        if key in _NO_FORWARD or not (key.startswith("x-") or key == "authorization"):
            continue
        if not _METADATA_KEY.match(key):
            continue
        if key.endswith("-bin"):
            for piece in value.split(","):
                try:
                    out.append((key, base64.b64decode(piece.strip() + "=" * (-len(piece.strip()) % 4))))
                except (binascii.Error, ValueError):
                    raise BadRequest(f"bad base64 in {key}") from None
        else:
            out.append((key, value))
    return out


def parse_timeout(value: str | None) -> float | None:
    if not value or value[-1] not in _TIMEOUT_UNITS or not value[:-1].isdigit():
        return None
    return int(value[:-1]) * _TIMEOUT_UNITS[value[-1]]


def metadata_headers(metadata: Iterable[tuple[str, str | bytes]] | None) -> Headers:
    """gRPC metadata as HTTP headers (binary values base64, as gRPC-Web carries them)."""
    out: Headers = []
    for key, value in metadata or ():
        if isinstance(value, bytes):
            text = base64.b64encode(value).decode("ascii").rstrip("=")
        else:
            text = value
        if "\r" not in text and "\n" not in text:
            out.append((key, text))
    return out


class Writer:
    """Writes HTTP/1.1 responses on one socket; gRPC-Web bodies chunked, ``-text`` as base64."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def head(self, status: int, headers: Headers, *, length: int | None) -> None:
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'OK')}"]
        lines += [f"{k}: {v}" for k, v in headers]
        lines.append(f"content-length: {length}" if length is not None else "transfer-encoding: chunked")
        lines.append(f"date: {email.utils.formatdate(usegmt=True)}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def chunk(self, data: bytes, text: bool) -> None:
        if text:
            data = base64.b64encode(data)
        self.sock.sendall(b"%x\r\n" % len(data) + data + b"\r\n")

    def end(self) -> None:
        self.sock.sendall(b"0\r\n\r\n")


class _Call(Protocol):
    def code(self) -> grpc.StatusCode: ...
    def details(self) -> str | None: ...
    def initial_metadata(self) -> Sequence[tuple[str, str | bytes]] | None: ...
    def trailing_metadata(self) -> Sequence[tuple[str, str | bytes]] | None: ...
    def cancel(self) -> bool: ...


def _start_call(
    channel: grpc.Channel, path: str, shape: tuple[bool, bool], frames: list[bytes], **kw: object
) -> tuple[_Call, Iterator[bytes]]:
    """A raw-bytes call; its response as an iterator whatever the method's cardinality."""
    client_streaming, server_streaming = shape
    request: object = iter(frames) if client_streaming else frames[0]
    if server_streaming:
        fn = channel.stream_stream(path) if client_streaming else channel.unary_stream(path)
        call = fn(request, **kw)  # type: ignore[arg-type]
        return call, call
    ufn = channel.stream_unary(path) if client_streaming else channel.unary_unary(path)
    fut = ufn.future(request, **kw)  # type: ignore[arg-type]

    def one() -> Iterator[bytes]:
        yield fut.result()

    return fut, one()


def _cancel_on_hangup(sock: socket.socket, call: _Call) -> None:
    """Cancel ``call`` once the peer closes; returns quietly when it sends its next request."""
    try:
        hung_up = sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        hung_up = True
    if hung_up:
        call.cancel()


def _status_lines(call: _Call) -> Headers:
    code = call.code() or grpc.StatusCode.UNKNOWN
    out: Headers = [("grpc-status", str(code.value[0]))]
    if call.details():
        out.append(("grpc-message", encode_grpc_message(call.details() or "")))
    return out + metadata_headers(call.trailing_metadata())


def serve_grpc_web(policy: Policy, req: Request, w: Writer, shape: tuple[bool, bool]) -> None:
    """Forward one gRPC-Web request and write its answer (trailers-only when it fails at once)."""
    text = _CONTENT_TYPES[req.headers["content-type"].split(";")[0].strip().lower()]
    ctype = "application/grpc-web-text+proto" if text else "application/grpc-web+proto"
    cors = policy.cors_headers(req.headers, preflight=False)
    frames = decode_frames(req.body, text)
    kw = {
        "metadata": request_metadata(req.headers),
        "timeout": parse_timeout(req.headers.get("grpc-timeout")),
    }
    if not shape[0] and len(frames) != 1:
        status = [
            ("grpc-status", "13"),
            ("grpc-message", encode_grpc_message("expected exactly one request")),
        ]
        w.head(200, _with_extra([("content-type", ctype), *status, *cors], policy), length=0)
        return
    call, messages = _start_call(policy.channel(), req.path, shape, frames, **kw)
    if shape[1]:  # a stream may idle for long: end it when the browser hangs up, not at its next write
        threading.Thread(target=_cancel_on_hangup, args=(w.sock, call), daemon=True).start()
    try:
        first = next(messages)
    except StopIteration:
        first = None
    except grpc.RpcError:  # trailers-only: the status in the headers, no body
        head = [("content-type", ctype), *_status_lines(call), *metadata_headers(call.initial_metadata())]
        w.head(200, _with_extra(head + cors, policy), length=0)
        return
    w.head(
        200,
        _with_extra([("content-type", ctype), *metadata_headers(call.initial_metadata()), *cors], policy),
        length=None,
    )
    try:
        if first is not None:
            w.chunk(frame(first), text)
            for message in messages:
                w.chunk(frame(message), text)
    except grpc.RpcError:
        pass  # the status goes into the trailer frame below
    except OSError:
        call.cancel()  # the browser went away
        raise
    trailer = "".join(f"{k}:{v}\r\n" for k, v in _status_lines(call))
    w.chunk(frame(trailer.encode("latin-1"), trailer=True), text)
    w.end()


def _with_extra(headers: Headers, policy: Policy) -> Headers:
    have = {k for k, _ in headers}
    return headers + [(k, v) for k, v in policy.extra_headers() if k not in have]


def handle_request(policy: Policy, req: Request, w: Writer) -> None:
    """Route one request the way the real server's router + tonic-web + CORS layers do."""
    if req.method == "OPTIONS":  # tower-http treats every OPTIONS as a preflight
        w.head(200, policy.cors_headers(req.headers, preflight=True) + policy.extra_headers(), length=0)
        return
    plain = policy.cors_headers(req.headers, preflight=False) + policy.extra_headers()
    if req.method == "PUT" and req.path.startswith("/upload/"):
        status = policy.upload(req.path[len("/upload/") :], req.headers, req.body)
        if status is not None:
            w.head(status, plain, length=0)
            return
    known_service, shape = policy.lookup(req.path)
    if not known_service:
        w.head(404, plain, length=0)
        return
    ctype = req.headers.get("content-type", "").split(";")[0].strip().lower()
    if req.method != "POST" or ctype not in _CONTENT_TYPES:
        w.head(400, plain, length=0)
        return
    if shape is None:
        ct = "application/grpc-web-text+proto" if _CONTENT_TYPES[ctype] else "application/grpc-web+proto"
        w.head(200, [("grpc-status", "12"), ("content-type", ct), *plain], length=0)
        return
    serve_grpc_web(policy, req, w, shape)


def serve_connection(policy: Policy, sock: socket.socket, on_error: Callable[[BaseException], None]) -> None:
    """Answer requests on one HTTP/1.1 connection until it closes (keep-alive honoured)."""
    w = Writer(sock)
    with sock.makefile("rb", buffering=1 << 16) as rfile:
        while True:
            try:
                req = read_request(rfile, lambda: sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n"))  # type: ignore[arg-type]
            except BadRequest:
                w.head(400, [("connection", "close")], length=0)
                return
            if req is None:
                return
            try:
                handle_request(policy, req, w)
            except BadRequest:
                w.head(
                    400,
                    [("connection", "close"), *policy.cors_headers(req.headers, preflight=False)],
                    length=0,
                )
                return
            except OSError:
                return
            except Exception as exc:
                on_error(exc)
                return
            if not req.keep_alive:
                return
