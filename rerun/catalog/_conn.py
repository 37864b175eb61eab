"""The gRPC connection to a catalog server: URL parsing, headers, status -> exception mapping."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import grpc

from rerun_core.proto.gen import cloud_pb2_grpc, common_pb2

from ._types import AlreadyExistsError, EntryId, NotFoundError

CLIENT_VERSION = "rerun-py/0.41.0"
_TIMEOUT_S = 60.0


def parse_url(url: str) -> tuple[str, bool]:
    """``rerun+http://host:port`` (or rerun://, http://...) -> (``host:port``, use TLS)."""
    parsed = urlparse(url)
    scheme = parsed.scheme.removeprefix("rerun+")
    if scheme not in ("http", "https", "rerun") or not parsed.hostname:
        raise ValueError(f"not a catalog server URL: {url!r} (expected rerun+http://host:port)")
    tls = scheme in ("https", "rerun")
    port = parsed.port or (443 if tls else 51234)
    return f"{parsed.hostname}:{port}", tls


def entry_id_from_proto(pb_id: common_pb2.EntryId) -> EntryId:
    return EntryId._from_parts(pb_id.id.time_ns, pb_id.id.inc)


def entry_id_to_proto(entry_id: EntryId) -> common_pb2.EntryId:
    return common_pb2.EntryId(id=common_pb2.Tuid(time_ns=entry_id.time_ns, inc=entry_id.inc))


def _error(exc: grpc.RpcError, url: str) -> Exception:
    code = exc.code() if hasattr(exc, "code") else None
    detail = exc.details() if hasattr(exc, "details") else str(exc)
    if code == grpc.StatusCode.NOT_FOUND:
        return NotFoundError(detail)
    if code == grpc.StatusCode.ALREADY_EXISTS:
        return AlreadyExistsError(detail)
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return TimeoutError(f"timed out: {detail}")
    if code == grpc.StatusCode.UNAVAILABLE:
        return ConnectionError(f"failed to reach catalog server {url}: {detail}")
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        return ValueError(detail)
    return RuntimeError(f"{code.name if code else 'error'}: {detail}")


class Connection:
    def __init__(self, url: str) -> None:
        self.url = url
        target, tls = parse_url(url)
        options = [("grpc.max_receive_message_length", -1), ("grpc.max_send_message_length", -1)]
        if tls:
            self.channel = grpc.secure_channel(target, grpc.ssl_channel_credentials(), options=options)
        else:
            self.channel = grpc.insecure_channel(target, options=options)
        self.stub = cloud_pb2_grpc.RerunCloudServiceStub(self.channel)
        self._client_id = uuid.uuid4().hex
        self.object_store_auth: Any = None  # CatalogClient's, for direct chunk fetches

    def _metadata(self, entry: EntryId | None) -> list[tuple[str, str]]:
        md = [("x-rerun-client-version", CLIENT_VERSION), ("x-rerun-client-id", self._client_id)]
        if entry is not None:
            md.append(("x-rerun-entry-id", str(entry)))
        return md

    def call(self, method: str, request: Any, entry: EntryId | None = None) -> Any:
        try:
            return getattr(self.stub, method)(request, metadata=self._metadata(entry), timeout=_TIMEOUT_S)
        except grpc.RpcError as exc:
            raise _error(exc, self.url) from None

    def stream(self, method: str, request: Any, entry: EntryId | None = None) -> Iterator[Any]:
        try:
            yield from getattr(self.stub, method)(request, metadata=self._metadata(entry), timeout=_TIMEOUT_S)
        except grpc.RpcError as exc:
            raise _error(exc, self.url) from None

    def stream_in(self, method: str, requests: Iterator[Any], entry: EntryId | None = None) -> Any:
        """A client-streaming call (WriteTable)."""
        try:
            return getattr(self.stub, method)(requests, metadata=self._metadata(entry), timeout=_TIMEOUT_S)
        except grpc.RpcError as exc:
            raise _error(exc, self.url) from None

    def close(self) -> None:
        self.channel.close()
