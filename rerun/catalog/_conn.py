"""The gRPC connection to a catalog server: URL parsing, headers, status -> exception mapping."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import grpc

from rerun_core.proto.gen import cloud_pb2_grpc, common_pb2

from .._tracing_session import tracestate
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


def _code_name(code: grpc.StatusCode | None) -> str:
    """tonic's name of a status code, as 0.41's messages show it: NOT_FOUND -> NotFound."""
    return "".join(w.capitalize() for w in code.name.split("_")) if code is not None else "Unknown"


def _headers(exc: grpc.RpcError) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for get in ("initial_metadata", "trailing_metadata"):
        with contextlib.suppress(Exception):
            pairs += [(str(k), v if isinstance(v, str) else repr(v)) for k, v in (getattr(exc, get)() or ())]
    return pairs


def error_text(
    detail: str, code: grpc.StatusCode | None, url: str, endpoint: str | None, exc: Any = None
) -> str:
    """0.41's text of a failed call: the server's message, the code, then the server, the
    endpoint, the trace id and the response headers (the last two only where the server sent
    them), each on its own line."""
    lines = [f"{detail} ({_code_name(code)})", f"- Server: {url}"]
    if endpoint is not None:
        lines.append(f"- Endpoint: /{endpoint}")
    headers = _headers(exc) if exc is not None else []
    trace = dict(headers).get("x-request-trace-id")
    if trace is not None:
        lines.append(f"- trace-id: {trace}")
    if headers:
        lines.append(f"- metadata: {json.dumps(dict([('content-type', 'application/grpc'), *headers]))}")
    return "\n".join(lines)


def _trace_id(answer: Any) -> str | None:
    """The trace id a (real) server sent with an answer; None where it sent none."""
    with contextlib.suppress(Exception):
        return dict(answer.initial_metadata() or ()).get("x-request-trace-id")  # type: ignore[no-any-return]
    return None


def trace_line(trace_id: str | None) -> str:
    """The "- trace-id: ..." line of 0.41's error texts (with its newline), or nothing."""
    return f"- trace-id: {trace_id}\n" if trace_id is not None else ""


def _error(exc: grpc.RpcError, url: str, endpoint: str | None) -> Exception:
    code = exc.code() if hasattr(exc, "code") else None
    detail = exc.details() if hasattr(exc, "details") else str(exc)
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return TimeoutError(f"timed out: {detail}")
    if code == grpc.StatusCode.UNAVAILABLE:
        return ConnectionError(f"failed to reach catalog server {url}: {detail}")
    text = error_text(detail, code, url, endpoint, exc)
    if code == grpc.StatusCode.NOT_FOUND:
        return NotFoundError(text)
    if code == grpc.StatusCode.ALREADY_EXISTS:
        return AlreadyExistsError(text)
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        return ValueError(text)
    return RuntimeError(text)


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
        self.trace_id: str | None = None  # the last answer's, where the server sent one (0.41 shows it)

    def _metadata(self, entry: EntryId | None) -> list[tuple[str, str]]:
        md = [("x-rerun-client-version", CLIENT_VERSION), ("x-rerun-client-id", self._client_id)]
        if entry is not None:
            md.append(("x-rerun-entry-id", str(entry)))
        return md + tracestate()  # inside `rr.tracing_session()`: its id

    def call(
        self, method: str, request: Any, entry: EntryId | None = None, *, context: str | None = None
    ) -> Any:
        """One unary call. With ``context``, a failure reads "{context}: ..." and names no endpoint
        (as 0.41's create_table words its errors)."""
        try:
            fn = getattr(self.stub, method)
            if not hasattr(fn, "with_call"):
                return fn(request, metadata=self._metadata(entry), timeout=_TIMEOUT_S)
            resp, answer = fn.with_call(request, metadata=self._metadata(entry), timeout=_TIMEOUT_S)
            self.trace_id = _trace_id(answer)
            return resp
        except grpc.RpcError as exc:
            if context is None:
                raise _error(exc, self.url, method) from None
            err = _error(exc, self.url, None)
            raise type(err)(f"{context}: {err}") from None

    def stream(self, method: str, request: Any, entry: EntryId | None = None) -> Iterator[Any]:
        try:
            answer = getattr(self.stub, method)(request, metadata=self._metadata(entry), timeout=_TIMEOUT_S)
            yield from answer
            self.trace_id = _trace_id(answer)
        except grpc.RpcError as exc:
            raise _error(exc, self.url, method) from None

    def stream_in(self, method: str, requests: Iterator[Any], entry: EntryId | None = None) -> Any:
        """A client-streaming call (WriteTable)."""
        try:
            return getattr(self.stub, method)(requests, metadata=self._metadata(entry), timeout=_TIMEOUT_S)
        except grpc.RpcError as exc:
            raise _error(exc, self.url, method) from None

    def close(self) -> None:
        self.channel.close()
