"""Rerun 0.41's ViewerControlService (``rerun.viewer_control.v1alpha1``) on the viewer's gRPC port.

One unary ``ViewerControl`` call carries a request with one operation set (``oneof kind``) and
answers with the same operation's response; ``rerun.experimental.ViewerClient`` (ours and
rerun-sdk's) drives the viewer through it. This module is the wire half: it decodes the
operation, calls the ``ViewerControlBackend`` the viewer process installs (the store hub and its
pages live above this layer), and encodes the answer. An operation the backend does not do is
``UNIMPLEMENTED`` with its name; a backend's ``ValueError`` is ``INVALID_ARGUMENT``, ``LookupError``
``NOT_FOUND``; no backend yet (the page server not started) is ``UNAVAILABLE``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

import grpc

from rerun_core.proto.gen import viewer_control_pb2 as pb

log = logging.getLogger(__name__)

SERVICE = "rerun.viewer_control.v1alpha1.ViewerControlService"
SETTLE_S = 30.0  # how long a call made while the viewer starts waits for it


class ViewerControlBackend(Protocol):
    """What the viewer answers; each takes and returns the operation's protobuf message."""

    def get_state(self, request: pb.GetStateRequest) -> pb.GetStateResponse: ...
    def set_time_cursor(self, request: pb.SetTimeCursorRequest) -> pb.SetTimeCursorResponse: ...
    def save_screenshot(self, request: pb.SaveScreenshotRequest) -> pb.SaveScreenshotResponse: ...
    def open(self, request: pb.OpenRequest) -> pb.OpenResponse: ...
    def close(self, request: pb.CloseRequest) -> pb.CloseResponse: ...


class ViewerControlService:
    """The service's handler; ``backend`` may be installed after the server started."""

    def __init__(self, backend: ViewerControlBackend | None = None, *, pending: bool = False) -> None:
        self.backend = backend
        # `pending`: the process installs the backend (or none) once its viewer is up; the port
        # opens before that, so a call made meanwhile waits for `install` instead of failing.
        self._settled = threading.Event()
        if not pending:
            self._settled.set()

    def install(self, backend: ViewerControlBackend | None) -> None:
        """The viewer is up (``backend``) or there is none (None): answer calls from now on."""
        self.backend = backend
        self._settled.set()

    def handler(self) -> grpc.GenericRpcHandler:
        return grpc.method_handlers_generic_handler(
            SERVICE,
            {
                "ViewerControl": grpc.unary_unary_rpc_method_handler(
                    self._control,
                    request_deserializer=pb.ViewerControlRequest.FromString,
                    response_serializer=pb.ViewerControlResponse.SerializeToString,
                )
            },
        )

    def _control(
        self, request: pb.ViewerControlRequest, context: grpc.ServicerContext
    ) -> pb.ViewerControlResponse:
        kind = request.WhichOneof("kind")
        try:
            answer = self._answer(kind, request)
        except _Refused as err:
            context.abort(err.code, err.message)
            raise  # abort raises; this keeps type checkers informed
        except LookupError as err:
            context.abort(grpc.StatusCode.NOT_FOUND, str(err))
            raise
        except ValueError as err:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(err))
            raise
        except Exception as err:  # the viewer's failure, one line to the client
            log.debug("viewer control %s failed", kind, exc_info=True)
            context.abort(grpc.StatusCode.INTERNAL, f"{kind}: {err}")
            raise
        response = pb.ViewerControlResponse()
        getattr(response, str(kind)).CopyFrom(answer)
        return response

    def _answer(self, kind: str | None, request: pb.ViewerControlRequest) -> Any:
        if kind is None:
            raise _Refused(grpc.StatusCode.INVALID_ARGUMENT, "ViewerControlRequest: no operation set")
        if self.backend is None:
            self._settled.wait(SETTLE_S)
        if self.backend is None:
            raise _Refused(grpc.StatusCode.UNAVAILABLE, "this viewer process has no viewer (headless)")
        method: Callable[[Any], Any] | None = getattr(self.backend, kind, None)
        if method is None:
            raise _Refused(
                grpc.StatusCode.UNIMPLEMENTED, f"viewer control operation {kind!r} is not supported"
            )
        return method(getattr(request, kind))


class _Refused(Exception):
    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message
