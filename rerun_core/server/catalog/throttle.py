"""``--latency-ms`` / ``--bandwidth-limit``: a slow network on purpose, as the real server has.

Users try their notebooks against a far-away server this way. Latency is added once per
call before it answers; the bandwidth limit paces every response message by its size.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import grpc

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)?\s*(?:/s)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "kib": 1 << 10, "mib": 1 << 20}
_UNITS |= {"gib": 1 << 30, "tib": 1 << 40, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12}


def parse_bandwidth(text: str) -> float:
    """Bytes per second from e.g. ``10MB`` (per second implied), ``500kB/s``, ``1GiB``."""
    m = _SIZE.match(text)
    unit = (m.group(2) or "").lower() if m else ""
    if m is None or unit not in _UNITS or float(m.group(1)) <= 0:
        raise ValueError(f"invalid bandwidth limit {text!r}: expected e.g. '10MB' (bytes per second)")
    return float(m.group(1)) * _UNITS[unit]


def _sleep(seconds: float) -> None:
    """The one pause of this module (tests record it instead of waiting)."""
    time.sleep(seconds)


class Throttle(grpc.ServerInterceptor):
    """Delays answers by ``latency_s`` and paces response bytes to ``bytes_per_s``."""

    def __init__(self, latency_s: float = 0.0, bytes_per_s: float | None = None) -> None:
        self.latency_s = latency_s
        self.bytes_per_s = bytes_per_s

    def _pace(self, message: Any) -> None:
        if self.bytes_per_s and hasattr(message, "ByteSize"):
            _sleep(message.ByteSize() / self.bytes_per_s)

    def intercept_service(
        self, continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler], details: Any
    ) -> grpc.RpcMethodHandler:
        handler = continuation(details)
        if handler is None:
            return handler
        if handler.unary_stream is not None or handler.stream_stream is not None:
            inner = handler.unary_stream or handler.stream_stream

            def streaming(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
                _sleep(self.latency_s)
                for message in inner(request, context):
                    self._pace(message)
                    yield message

            kind = (
                grpc.unary_stream_rpc_method_handler
                if handler.unary_stream
                else grpc.stream_stream_rpc_method_handler
            )
            return kind(
                streaming,
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        inner_unary = handler.unary_unary or handler.stream_unary

        def unary(request: Any, context: grpc.ServicerContext) -> Any:
            answer = inner_unary(request, context)
            _sleep(self.latency_s)
            self._pace(answer)
            return answer

        kind_u = (
            grpc.unary_unary_rpc_method_handler
            if handler.unary_unary
            else grpc.stream_unary_rpc_method_handler
        )
        return kind_u(
            unary,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
