"""``rerun.experimental.ViewerClient`` (0.41 API): drive a running viewer over its gRPC port.

Each call is one ``ViewerControl`` request of Rerun 0.41's ``rerun.viewer_control.v1alpha1``
protocol (``rerun_core/proto/defs/rerun/v1alpha1/viewer_control.proto``), so this client drives
our viewer process (``rerun``, its window) and Rerun's own. Done here: ``get_state``, ``set_time``,
``take_screenshot`` / ``save_screenshot``, ``open``, ``close``, ``spawn`` / ``quit`` and the
deprecated aliases; the rest of 0.41's methods (logs, schemas, blueprints, commands, tables) are
in ``_viewer_client_ops.py``.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from ._viewer_client_ops import Blueprint as Blueprint
from ._viewer_client_ops import BlueprintInfo as BlueprintInfo
from ._viewer_client_ops import Command as Command
from ._viewer_client_ops import ComponentSchema as ComponentSchema
from ._viewer_client_ops import DatasetAssetSchema as DatasetAssetSchema
from ._viewer_client_ops import DatasetSchema as DatasetSchema
from ._viewer_client_ops import EntitySchema as EntitySchema
from ._viewer_client_ops import LogEntry as LogEntry
from ._viewer_client_ops import ProfileTrace as ProfileTrace
from ._viewer_client_ops import RecordingSchema as RecordingSchema
from ._viewer_client_ops import TableColumnSchema as TableColumnSchema
from ._viewer_client_ops import Timeline as Timeline
from ._viewer_client_ops import ViewerClientOperations

StoreId = str
_DEFAULT_URL = "rerun+http://127.0.0.1:9876/proxy"
_TIMEOUT_S = 30.0
_TIME_TYPES = {1: "sequence", 2: "duration", 3: "timestamp"}
_PLAY = {"paused": 1, "playing": 2, "following": 3}


@dataclass
class Recording:
    store_id: StoreId
    location: str
    timelines: list[Timeline]
    current_timeline: str | None
    current_time: int | None


@dataclass
class ViewReport:
    severity: str
    summary: str
    details: str | None


@dataclass
class View:
    view_id: str
    view_class: str
    name: str
    origin: str
    visible: bool
    reports: list[ViewReport]


@dataclass
class LoadingSource:
    name: str
    status: str


@dataclass
class ViewerState:
    location: str
    active_recording: StoreId | None
    recordings: list[Recording]
    views: list[View]
    loading: list[LoadingSource]
    catalog_url: str | None
    viewer_version: str | None


@dataclass
class OpenResult:
    store_ids: list[StoreId]
    loading: list[str]


def _target(url: str) -> str:
    from rerun_core.server.urls import parse_grpc_url

    target, tls = parse_grpc_url(url)
    if tls:
        raise ValueError(f"{url}: ViewerClient talks to a local viewer over plain gRPC (rerun+http://)")
    return target


def _state(raw: Any) -> ViewerState:
    recordings = []
    for rec in raw.recordings:
        cursor = rec.current_time if rec.HasField("current_time") else None
        recordings.append(
            Recording(
                store_id=rec.store_id,
                location=rec.location,
                timelines=[
                    Timeline(
                        name=t.timeline.name,
                        time_type=_TIME_TYPES.get(t.time_type, "unknown"),
                        start=t.time_range.start if t.HasField("time_range") else None,
                        end=t.time_range.end if t.HasField("time_range") else None,
                    )
                    for t in rec.timelines
                ],
                current_timeline=cursor.timeline.name
                if cursor is not None and cursor.timeline.name
                else None,
                current_time=cursor.time.time if cursor is not None and cursor.HasField("time") else None,
            )
        )
    views = [
        View(
            view_id=v.view_id,
            view_class=getattr(v, "class"),
            name=v.name,
            origin=v.origin,
            visible=v.visible,
            reports=[
                ViewReport(r.severity, r.summary, r.details if r.HasField("details") else None)
                for r in v.reports
            ],
        )
        for v in raw.views
    ]
    return ViewerState(
        location=raw.location,
        active_recording=raw.active_store_id if raw.HasField("active_store_id") else None,
        recordings=recordings,
        views=views,
        loading=[LoadingSource(s.name, s.status) for s in raw.loading],
        catalog_url=raw.catalog_url if raw.HasField("catalog_url") else None,
        viewer_version=raw.viewer_version if raw.HasField("viewer_version") else None,
    )


def _deprecated(instead: str) -> None:
    import warnings

    warnings.warn(f"Use `{instead}` instead.", DeprecationWarning, stacklevel=3)


class ViewerNotFoundError(ConnectionError, LookupError):
    """The viewer has no such recording, timeline, view or command."""


class ViewerInvalidArgumentError(ConnectionError, ValueError):
    """The viewer refused a call's arguments."""


class ViewerClient(ViewerClientOperations):
    """A connection to a running viewer's control service (``rerun+http://host:port/proxy``)."""

    def __init__(
        self, url: str = _DEFAULT_URL, *, _pid: int | None = None, _kill_on_exit: bool = False
    ) -> None:
        import grpc

        from rerun_core.proto.gen import viewer_control_pb2_grpc

        self._url = url
        self._pid = _pid
        self._kill_on_exit = _kill_on_exit
        self._channel = grpc.insecure_channel(_target(url))
        self._stub = viewer_control_pb2_grpc.ViewerControlServiceStub(self._channel)

    @classmethod
    def connect(cls, url: str = _DEFAULT_URL) -> ViewerClient:
        return cls(url)

    @classmethod
    def spawn(
        cls,
        *,
        headless: bool = False,
        port: int = 9876,
        memory_limit: str = "75%",
        server_memory_limit: str = "1GiB",
        hide_welcome_screen: bool = False,
        detach_process: bool | None = None,
        executable_name: str = "rerun",
        executable_path: str | None = None,
    ) -> ViewerClient:
        """Start a viewer on ``port`` (a window where there is a display) and connect to it;
        ``quit()`` ends it. ``headless``: no window and no page (``rerun --headless``), still
        answering state and screenshots."""
        from rerun._grpc import spawn_viewer

        from ._viewer_client_ops import spawn_headless

        if detach_process is None:  # as 0.41: a leftover invisible viewer is rarely wanted
            detach_process = not headless
        pid = (spawn_headless if headless else spawn_viewer)(
            port=port,
            memory_limit=memory_limit,
            server_memory_limit=server_memory_limit,
            hide_welcome_screen=hide_welcome_screen,
            detach_process=detach_process,
            executable_name=executable_name,
            executable_path=executable_path,
        )
        return cls(
            f"rerun+http://127.0.0.1:{port}/proxy",
            _pid=pid,
            _kill_on_exit=pid is not None and not detach_process,
        )

    @property
    def url(self) -> str:
        return self._url

    # --- the protocol -------------------------------------------------------------------------

    def _call(self, operation: str, message: Any) -> Any:
        import grpc

        from rerun_core.proto.gen import viewer_control_pb2 as pb

        request = pb.ViewerControlRequest()
        getattr(request, operation).CopyFrom(message)
        try:
            response = self._stub.ViewerControl(request, timeout=_TIMEOUT_S)
        except grpc.RpcError as err:
            code, details = err.code(), err.details()  # type: ignore[attr-defined]
            status = "".join(part.title() for part in code.name.split("_"))  # as 0.41: (NotFound)
            # rerun-sdk 0.41 raises ConnectionError for every refusal; ours are that too, and also
            # LookupError (not found) or ValueError (bad argument) to say which
            if code == grpc.StatusCode.NOT_FOUND:
                raise ViewerNotFoundError(f"{details} ({status})") from None
            if code == grpc.StatusCode.INVALID_ARGUMENT:
                raise ViewerInvalidArgumentError(f"{details} ({status})") from None
            raise ConnectionError(
                f"viewer control {operation} at {self._url}: {details} ({status})"
            ) from None
        return getattr(response, operation)

    def _viewer_control(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        """One operation with its request and answer as canonical protobuf JSON (field names)."""
        from google.protobuf import json_format

        from rerun_core.proto.gen import viewer_control_pb2 as pb

        message = getattr(pb.ViewerControlRequest(), operation)
        try:
            json_format.ParseDict(request, message)
        except json_format.ParseError as err:
            raise ValueError(f"ViewerClient: bad {operation} request: {err}") from None
        answer = self._call(operation, message)
        return json_format.MessageToDict(answer, preserving_proto_field_name=True)

    def _send_table(self, name: str, batch: Any) -> None:
        """``WriteTable`` on the viewer's message proxy: the table ``name`` (replacing one so named)."""
        import grpc

        from rerun_core.proto.gen import sdk_comms_pb2
        from rerun_core.store.rrd.protocol import dataframe_part_from_arrow

        request = sdk_comms_pb2.WriteTableRequest(data=dataframe_part_from_arrow(batch))
        request.id.id = name
        write = self._channel.unary_unary(
            "/rerun.sdk_comms.v1alpha1.MessageProxyService/WriteTable",
            request_serializer=sdk_comms_pb2.WriteTableRequest.SerializeToString,
            response_deserializer=sdk_comms_pb2.WriteTableResponse.FromString,
        )
        try:
            write(request, timeout=_TIMEOUT_S)
        except grpc.RpcError as err:
            raise ConnectionError(
                f"send_table at {self._url}: {err.details()} ({err.code().name})"  # type: ignore[attr-defined]
            ) from None

    # --- operations ---------------------------------------------------------------------------

    def get_state(self) -> ViewerState:
        from rerun_core.proto.gen import viewer_control_pb2 as pb

        return _state(self._call("get_state", pb.GetStateRequest()))

    def viewer_state(self) -> ViewerState:
        """Deprecated: use ``get_state``."""
        _deprecated("get_state")
        return self.get_state()

    def set_time(
        self,
        timeline: str | None = None,
        *,
        sequence: int | None = None,
        duration: int | float | timedelta | Any | None = None,
        timestamp: int | float | datetime | Any | None = None,
        play_state: Literal["paused", "playing", "following"] | None = None,
        recording: StoreId | None = None,
    ) -> None:
        """Move the time cursor (and/or pick the timeline, the play state) of the viewer."""
        from rerun._time import to_nanos, to_nanos_since_epoch
        from rerun_core.proto.gen import viewer_control_pb2 as pb

        given = [v for v in (sequence, duration, timestamp) if v is not None]
        if len(given) > 1:
            raise ValueError("ViewerClient.set_time expects at most one of sequence, duration, or timestamp")
        if timeline is None and not given and play_state is None:
            raise ValueError(
                "ViewerClient.set_time expects a timeline, sequence, duration, timestamp, or play_state"
            )
        if given and play_state == "following":
            raise ValueError("ViewerClient.set_time cannot follow the latest data and also set a time")
        request = pb.SetTimeCursorRequest()
        if recording is not None:
            request.store_id = recording
        if timeline is not None:
            request.timeline.name = timeline
        if sequence is not None:
            request.time.time = int(sequence)
        elif duration is not None:
            request.time.time = int(to_nanos(duration))
        elif timestamp is not None:
            request.time.time = int(to_nanos_since_epoch(timestamp))
        if play_state is not None:
            request.play_state = _PLAY[play_state]  # type: ignore[assignment]
        self._call("set_time_cursor", request)

    def take_screenshot(self, view_id: str | Any | None = None, *, max_size: int | None = None) -> bytes:
        """The viewer's picture (or one view's) as PNG bytes."""
        from rerun_core.proto.gen import viewer_control_pb2 as pb

        request = pb.SaveScreenshotRequest()
        if view_id is not None:
            request.view_id = str(view_id)
        if max_size is not None:
            request.max_size = int(max_size)
        return bytes(self._call("save_screenshot", request).png)

    def save_screenshot(self, file_path: str, view_id: str | Any | None = None) -> None:
        """Save the viewer's picture (or one view's) as a PNG at ``file_path`` (the viewer's side)."""
        from rerun_core.proto.gen import viewer_control_pb2 as pb

        request = pb.SaveScreenshotRequest(file_path=os.path.abspath(file_path))
        if view_id is not None:
            request.view_id = str(view_id)
        self._call("save_screenshot", request)

    def open(self, urls: str | Sequence[str], *, navigate: bool = True) -> OpenResult:
        """Open files (.rrd), http(s) .rrd URLs or Rerun server URLs in the viewer."""
        from rerun_core.proto.gen import viewer_control_pb2 as pb

        result = OpenResult([], [])
        for url in [urls] if isinstance(urls, str) else list(urls):
            local = "://" not in url
            answer = self._call(
                "open", pb.OpenRequest(url=os.path.abspath(url) if local else url, navigate=navigate)
            )
            result.store_ids += list(answer.store_ids)
            result.loading += list(answer.loading)
        return result

    def open_url(self, url: str, *, navigate: bool = True) -> bool:
        """Deprecated: use ``open``."""
        _deprecated("open")
        return not self.open(url, navigate=navigate).loading

    def close(
        self,
        urls: Literal["current", "all"] | str | Sequence[str] | None = None,
        *,
        store_ids: Sequence[StoreId] | None = None,
    ) -> list[StoreId]:
        """Close the current recording, all of them, or the given ``store_ids``; returns which."""
        from rerun_core.proto.gen import viewer_control_pb2 as pb

        request = pb.CloseRequest()
        if store_ids is not None:
            request.store_ids.store_ids.extend(store_ids)
        elif urls in (None, "current"):
            request.current = True
        elif urls == "all":
            request.all = True
        else:
            request.urls.urls.extend([urls] if isinstance(urls, str) else list(urls))
        return list(self._call("close", request).closed)

    def close_recordings(self, target: str | Sequence[StoreId] = "current") -> list[StoreId]:
        """Deprecated: use ``close``."""
        _deprecated("close")
        if target in ("current", "all"):
            return self.close(target)  # type: ignore[arg-type]
        return self.close(store_ids=[target] if isinstance(target, str) else list(target))

    # --- lifetime -----------------------------------------------------------------------------

    def quit(self, *, wait: bool = True, timeout: float = 5.0) -> None:
        """End the viewer this client spawned and its launcher, as 0.41: SIGTERM to its process
        group, then SIGKILL to what is left after ``timeout``, waiting ``timeout`` again.

        A client with no spawned viewer (connected, or already quit) warns and does nothing.
        Raises ValueError for a bad ``timeout``, RuntimeError when the processes outlive it."""
        import math
        import warnings

        if not math.isfinite(timeout) or timeout <= 0:
            raise ValueError("timeout must be finite and greater than zero")
        pid = self._pid
        if pid is None:
            warnings.warn(
                "ViewerClient.quit() called with no viewer to terminate "
                "(the client was constructed via ViewerClient.connect(), or quit() was already called).",
                UserWarning,
                stacklevel=2,
            )
            return
        try:
            _end_process_tree(pid, wait=wait, timeout=timeout)
        except (OSError, RuntimeError) as err:
            raise RuntimeError(f"Failed to quit viewer process {pid}: {err}") from err
        self._pid = None

    def __enter__(self) -> ViewerClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._kill_on_exit and self._pid is not None:
            self.quit()
        self._channel.close()

    def __del__(self) -> None:
        """An attached spawned viewer (``spawn(headless=True)`` by default) ends with its client."""
        if getattr(self, "_kill_on_exit", False) and getattr(self, "_pid", None) is not None:
            try:
                self.quit(wait=False)
            except Exception:  # interpreter shutdown: best effort
                pass


def _end_process_tree(pid: int, *, wait: bool, timeout: float) -> None:
    """SIGTERM the process group a spawned viewer leads (the `rerun` launcher and what it
    started share it); with ``wait``, SIGKILL the survivors and raise if any outlive that."""
    import psutil

    try:
        launcher = psutil.Process(pid)
        # descendants first, while the parentage is intact
        processes = [*launcher.children(recursive=True), launcher]
    except psutil.NoSuchProcess:
        return
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, signal.SIGTERM)
        else:  # spawned attached, in our own process group: its tree one by one
            for proc in processes:
                proc.terminate()
    except (ProcessLookupError, psutil.NoSuchProcess):
        pass
    if not wait:
        return
    try:
        _, alive = psutil.wait_procs(processes, timeout=timeout)
        for proc in alive:
            try:
                proc.kill()
            except psutil.NoSuchProcess:
                pass
        _, alive = psutil.wait_procs(alive, timeout=timeout)
    except psutil.Error as err:
        raise RuntimeError(str(err)) from err
    if alive:
        raise RuntimeError(f"Viewer processes did not exit: {[proc.pid for proc in alive]}")
