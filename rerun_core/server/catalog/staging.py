"""Staged uploads (``CatalogClient.stage``): a write grant, then one PUT to the server itself.

As the real 0.41 server: GetWriteAccessGrant answers a same-origin ``PUT /upload/<token>``
with ``if-none-match: *`` (an object is never overwritten) and the ``file://`` URL the object
will have; the client then registers that URL like any other. Objects land under the server's
staging directory (the data dir's, else a temporary one); nothing is cleaned up automatically.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .model import CatalogError

GRANT_SECONDS = 3600


@dataclass(frozen=True)
class Grant:
    token: str
    path: Path
    size: int | None
    expires_at: float


class Staging:
    """Grants by token; ``redeem`` writes the object once, atomically."""

    def __init__(self, root: Path | None = None) -> None:
        self._root = root
        self._grants: dict[str, Grant] = {}
        self._lock = threading.Lock()

    def root(self) -> Path:
        with self._lock:
            if self._root is None:
                self._root = Path(tempfile.mkdtemp(prefix="rerun-server-staging-"))
            self._root.mkdir(parents=True, exist_ok=True)
            return self._root

    def grant(self, key: str, size: int | None) -> Grant:
        parts = PurePosixPath(key).parts
        if not key or key.startswith("/") or "\\" in key or any(p in ("..", ".") for p in parts):
            raise CatalogError(
                "INVALID_ARGUMENT", f"invalid staging key {key!r}: a relative path like 'a/b.rrd'"
            )
        path = self.root().joinpath(*parts)
        if path.exists():  # as 0.41: refused before the upload (the PUT re-checks, atomically)
            raise CatalogError("ALREADY_EXISTS", "cannot issue write access grant: object already exists")
        g = Grant(secrets.token_urlsafe(24), path, size, time.time() + GRANT_SECONDS)
        with self._lock:
            now = time.time()
            self._grants = {t: v for t, v in self._grants.items() if v.expires_at > now}
            self._grants[g.token] = g
        return g

    def redeem(self, token: str, headers: Mapping[str, str], body: bytes) -> int:
        """The HTTP status of ``PUT /upload/<token>``: 201 written, 412 exists, 404 unknown."""
        with self._lock:
            g = self._grants.get(token)
            if g is None or g.expires_at < time.time():
                return 404
            if g.size is not None and g.size != len(body):
                return 400
            del self._grants[token]  # one use
        if headers.get("if-none-match") == "*" and g.path.exists():
            return 412
        g.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=g.path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(body)
                f.flush()
                os.fsync(f.fileno())
            try:
                os.link(tmp, g.path)  # fails if it appeared meanwhile: never overwrite
            except FileExistsError:
                return 412
        finally:
            os.unlink(tmp)
        return 201
