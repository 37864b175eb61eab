"""``CatalogClient.stage``: one object uploaded to the catalog's storage through a write grant.

As 0.41's client: the key is checked here (``ValueError``), the source opened (``OSError``), then
``GetWriteAccessGrant`` (single-request uploads only, signed) answers an HTTP request to make,
relative to the server's origin when ``same_origin``; a refused upload is a ``RuntimeError``.
"""

from __future__ import annotations

import http.client
import os
import string
from http import HTTPStatus
from typing import BinaryIO
from urllib.parse import urljoin, urlsplit

from rerun_core.proto.gen import cloud_pb2 as pb

from ._conn import Connection, parse_url

_KEY_MAX_BYTES = 255
_KEY_CHARS = frozenset(string.ascii_letters + string.digits + ".-_")
_UPLOAD_TIMEOUT_S = 600.0


def _debug(text: str) -> str:
    """A string as Rust's ``{:?}`` writes it (0.41 quotes key segments so)."""
    escapes = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}
    out = []
    for ch in text:
        if ch in escapes:
            out.append(escapes[ch])
        elif not ch.isprintable():
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def check_key(key: str) -> None:
    """0.41's object key rules, with its messages."""
    if not key:
        raise ValueError("invalid object key: must not be empty")
    if len(key.encode()) > _KEY_MAX_BYTES:
        raise ValueError(f"invalid object key: must be at most {_KEY_MAX_BYTES} bytes")
    for segment in key.split("/"):
        if not segment:
            raise ValueError("invalid object key: segments must not be empty")
        if not set(segment) <= _KEY_CHARS:
            raise ValueError(
                f"invalid object key: segment {_debug(segment)} contains a character other than ASCII letters, "
                "digits, `.`, `-`, or `_`"
            )
        if segment.startswith(".") or segment.endswith("."):
            raise ValueError(f"invalid object key: segment {_debug(segment)} starts or ends with `.`")


def _os_error(exc: OSError, path: str) -> OSError:
    reason = f"{exc.strerror} (os error {exc.errno})" if exc.errno else str(exc)
    if isinstance(exc, IsADirectoryError):  # Rust opens a directory; reading it fails
        return OSError(f"failed to read the source: {reason}")
    return OSError(f"failed to open source: {reason}\nFile path: {path}")


def _origin(conn: Connection) -> str:
    target, tls = parse_url(conn.url)
    return f"{'https' if tls else 'http'}://{target}"


def _put(url: str, headers: dict[str, str], body: bytes | BinaryIO, size: int) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RuntimeError(f"Staging failed: the server granted an unsupported upload URL {url!r}")
    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = cls(parts.hostname, parts.port, timeout=_UPLOAD_TIMEOUT_S)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("PUT", path or "/", body=body, headers={**headers, "content-length": str(size)})
        resp = conn.getresponse()
        resp.read()
    except OSError as exc:
        raise RuntimeError(f"Staging failed: the upload failed: {exc}") from None
    finally:
        conn.close()
    if not 200 <= resp.status < 300:
        try:
            reason = HTTPStatus(resp.status).phrase  # the canonical phrase, not the server's
        except ValueError:
            reason = resp.reason
        raise RuntimeError(f"Staging failed: the upload was rejected: HTTP {resp.status} {reason}")


def _grant(conn: Connection, key: str, size: int) -> pb.GetWriteAccessGrantResponse:
    req = pb.GetWriteAccessGrantRequest(
        key=key,
        size_bytes=size,
        supported_upload_methods=[pb.UPLOAD_METHOD_SINGLE_REQUEST],
        signing=pb.URL_SIGNING_SIGNED,
    )
    # refusals (an existing key: AlreadyExistsError) come as the client's other gRPC errors
    resp: pb.GetWriteAccessGrantResponse = conn.call("GetWriteAccessGrant", req)
    if resp.grant.WhichOneof("redemption") != "http_request":
        raise RuntimeError("Staging failed: the server offered no single-request upload")
    return resp


def _upload(conn: Connection, key: str, body: bytes | BinaryIO, size: int) -> str:
    resp = _grant(conn, key, size)
    request = resp.grant.http_request
    if request.method.upper() != "PUT":
        raise RuntimeError(f"Staging failed: unsupported upload method {request.method!r}")
    url = urljoin(_origin(conn) + "/", request.url) if request.same_origin else request.url
    _put(url, {h.name: h.value for h in request.headers}, body, size)
    return resp.storage_url


def stage(conn: Connection, source: str | os.PathLike[str] | bytes, key: str) -> str:
    check_key(key)
    if isinstance(source, bytes):
        return _upload(conn, key, source, len(source))
    path = os.fspath(source)
    try:
        f = open(path, "rb")
        size = os.fstat(f.fileno()).st_size
    except OSError as exc:
        raise _os_error(exc, path) from None
    with f:
        return _upload(conn, key, f, size)
