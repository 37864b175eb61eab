"""``BearerTokenObjectStoreAuth``: credentials for chunk fetches made straight from object storage.

As in 0.41, a client given one asks FindChunks for unsigned direct URLs
(``DIRECT_URL_MODE_UNSIGNED``), which it would fetch by HTTP range with an
``Authorization: Bearer`` header from ``get_token()``; without one it asks for pre-signed URLs
(``DIRECT_URL_MODE_SIGNED``). Rows with a direct URL are read by range from object storage
(``_direct.py``); rows without one (a segment in a local file) are fetched through the server
(FetchChunks), and then the token is never asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rerun_core.proto.gen import cloud_pb2 as pb


class BearerTokenObjectStoreAuth:
    """Authenticates object store fetches with an `Authorization: Bearer` header.

    `get_token` is called before each batch of fetches, so it may refresh expiring credentials.
    """

    __slots__ = ("_get_token",)

    def __init__(self, get_token: Callable[[], str]) -> None:
        if not callable(get_token):
            raise TypeError("get_token must be callable")
        self._get_token = get_token

    def token(self) -> str:
        value = self._get_token()
        if not isinstance(value, str):
            raise TypeError(f"get_token must return a str, not {type(value).__name__}")
        return value

    def __repr__(self) -> str:
        return f"BearerTokenObjectStoreAuth(get_token={self._get_token!r})"


ObjectStoreAuth = BearerTokenObjectStoreAuth  # a union once there are more schemes, as in 0.41


def check_auth(auth: Any) -> BearerTokenObjectStoreAuth | None:
    """``object_store_auth`` as CatalogClient takes it; a TypeError for anything else."""
    if auth is None or isinstance(auth, BearerTokenObjectStoreAuth):
        return auth
    raise TypeError(
        f"argument 'object_store_auth': expected a BearerTokenObjectStoreAuth, got {type(auth).__name__}"
    )


def direct_url_mode(auth: BearerTokenObjectStoreAuth | None) -> int:
    """What FindChunks is asked for: unsigned URLs with credentials, pre-signed ones without."""
    return int(pb.DIRECT_URL_MODE_UNSIGNED if auth is not None else pb.DIRECT_URL_MODE_SIGNED)
