"""Rerun proxy URLs (`rerun+http://host:port/proxy`) and the gRPC channels they name."""

from __future__ import annotations

from urllib.parse import urlsplit

import grpc

from .proxy import DEFAULT_PORT

DEFAULT_URL = f"rerun+http://127.0.0.1:{DEFAULT_PORT}/proxy"


class InvalidUrlError(ValueError, RuntimeError):
    """A proxy URL Rerun would not accept (a ValueError; also a RuntimeError, as 0.41 raises)."""


_SCHEMES = {"rerun": True, "rerun+http": False, "rerun+https": True}


def parse_grpc_url(url: str | None) -> tuple[str, bool]:
    """`(host:port, use_tls)` of a proxy URL; ValueError for anything Rerun would not accept."""
    url = DEFAULT_URL if url is None else url
    parts = urlsplit(url)
    if parts.scheme not in _SCHEMES:
        raise InvalidUrlError(
            f"invalid Rerun gRPC URL {url!r}: the scheme must be one of rerun://, rerun+http:// or "
            "rerun+https:// (e.g. rerun+http://127.0.0.1:9876/proxy)"
        )
    if parts.path.rstrip("/") != "/proxy":
        raise InvalidUrlError(f"invalid Rerun gRPC URL {url!r}: the path must be /proxy")
    try:
        port = parts.port
    except ValueError as err:
        raise InvalidUrlError(f"invalid Rerun gRPC URL {url!r}: {err}") from None
    if not parts.hostname:
        raise InvalidUrlError(f"invalid Rerun gRPC URL {url!r}: missing host")
    tls = _SCHEMES[parts.scheme]
    if port is None:
        port = 443 if tls else DEFAULT_PORT
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{host}:{port}", tls


def grpc_channel(target: str, tls: bool) -> grpc.Channel:
    options = [
        ("grpc.max_send_message_length", -1),
        ("grpc.max_receive_message_length", -1),
        ("grpc.initial_reconnect_backoff_ms", 100),
        ("grpc.max_reconnect_backoff_ms", 1000),
        ("grpc.use_local_subchannel_pool", 1),  # one connection per sink, like one per process
    ]
    if tls:
        return grpc.secure_channel(target, grpc.ssl_channel_credentials(), options=options)
    return grpc.insecure_channel(target, options=options)
