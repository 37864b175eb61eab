"""A local Google Cloud Storage for obstore: the XML API subset object_store reads with.

`gcp-storage-emulator` (PyPI) cannot serve obstore: it answers HEAD with 501, sends no ETag or
Last-Modified (which object_store requires on every read), and has no XML listing
(`GET /<bucket>?list-type=2`). This fixture serves exactly those requests from memory:
HEAD and ranged GET of an object (with ETag, Last-Modified, Content-Range), and V2 listing.

Credentials follow the crate's convention: `GOOGLE_SERVICE_ACCOUNT` names a service-account
JSON file, whose `gcs_base_url` points at this server. Requests carry a JWT self-signed with
the file's private key (object_store's service-account flow); the fixture checks its RS256
signature against the account's public key and answers 401 otherwise, so a wrong key is
refused as Google would. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.server
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse
from xml.sax.saxutils import escape


def _b64(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def new_key() -> tuple[str, Any]:
    """(PEM private key, public key) of a fresh RSA key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return pem, key.public_key()


def _jwt_ok(header: str | None, public_key: Any) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    if not header or not header.startswith("Bearer "):
        return False
    parts = header[len("Bearer ") :].split(".")
    if len(parts) != 3:
        return False
    try:
        public_key.verify(
            _b64(parts[2]), f"{parts[0]}.{parts[1]}".encode(), padding.PKCS1v15(), hashes.SHA256()
        )
    except (InvalidSignature, ValueError):
        return False
    return True


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _GcsServer

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _error(self, status: int, code: str) -> None:
        body = f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code></Error>".encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _target(self) -> tuple[str, str, dict[str, list[str]]] | None:
        if not _jwt_ok(self.headers.get("Authorization"), self.server.public_key):
            self._error(401, "AuthenticationRequired")
            return None
        url = urlparse(self.path)
        bucket, _, key = url.path.lstrip("/").partition("/")
        if bucket not in self.server.buckets:
            self._error(404, "NoSuchBucket")
            return None
        return bucket, unquote(key), parse_qs(url.query)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        target = self._target()
        if target is None:
            return
        bucket, key, query = target
        objects = self.server.buckets[bucket]
        if not key:
            return self._list(bucket, objects, query.get("prefix", [""])[0])
        data = objects.get(key)
        if data is None:
            return self._error(404, "NoSuchKey")
        start, end, status = 0, len(data), 200
        rng = self.headers.get("Range")
        if rng and self.command == "GET":
            first, _, last = rng.removeprefix("bytes=").partition("-")
            if first:
                start, end = int(first), min(len(data), int(last) + 1 if last else len(data))
            else:
                start = max(0, len(data) - int(last))
            status = 206
        self.send_response(status)
        self.send_header("ETag", f'"{hashlib.md5(data).hexdigest()}"')
        self.send_header("Last-Modified", formatdate(self.server.created, usegmt=True))
        self.send_header("Content-Length", str(end - start if self.command == "GET" else len(data)))
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end - 1}/{len(data)}")
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(data[start:end])

    def _list(self, bucket: str, objects: dict[str, bytes], prefix: str) -> None:
        when = formatdate(self.server.created, usegmt=True)
        items = "".join(
            f"<Contents><Key>{escape(k)}</Key><Size>{len(v)}</Size><LastModified>"
            f'{_iso(self.server.created)}</LastModified><ETag>"{hashlib.md5(v).hexdigest()}"</ETag></Contents>'
            for k, v in sorted(objects.items())
            if k.startswith(prefix)
        )
        body = (
            "<?xml version='1.0' encoding='UTF-8'?><ListBucketResult>"
            f"<Name>{escape(bucket)}</Name><Prefix>{escape(prefix)}</Prefix>"
            f"<IsTruncated>false</IsTruncated>{items}</ListBucketResult>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Last-Modified", when)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _iso(ts: float) -> str:
    import datetime

    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class _GcsServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    buckets: dict[str, dict[str, bytes]]
    public_key: Any
    created: float


@dataclass
class LocalGcs:
    endpoint: str
    service_account: Path  # the JSON file GOOGLE_SERVICE_ACCOUNT names

    def env(self) -> dict[str, str]:
        return {"GOOGLE_SERVICE_ACCOUNT": str(self.service_account)}


def write_service_account(path: Path, endpoint: str, private_key_pem: str) -> Path:
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "client_email": "rerun-test@local.iam.gserviceaccount.com",
                "private_key_id": "local",
                "private_key": private_key_pem,
                "gcs_base_url": endpoint,
            }
        )
    )
    return path


@contextlib.contextmanager
def local_gcs(objects: dict[str, dict[str, Path]], tmp: Path) -> Iterator[LocalGcs]:
    """The fake on a free port with ``{bucket: {name: local file}}``, and its service account."""
    import time

    pem, public = new_key()
    server = _GcsServer(("127.0.0.1", 0), _Handler)
    server.buckets = {b: {k: p.read_bytes() for k, p in files.items()} for b, files in objects.items()}
    server.public_key = public
    server.created = time.time()
    thread = threading.Thread(target=server.serve_forever, name="local-gcs", daemon=True)
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}"
        yield LocalGcs(endpoint, write_service_account(tmp / "service-account.json", endpoint, pem))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
