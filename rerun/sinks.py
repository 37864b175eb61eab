"""Sinks: where a recording's data goes (files, stdout, memory, stores, gRPC).

The functions are one-liners over the target recording (the explicit one, else this thread's,
else the global one): its ``RecordingStream`` methods do the work. Each sink switch returns once
everything logged before it is written or sent; data logged while no sink was attached is kept
in memory and delivered to the first sinks attached.
"""

from __future__ import annotations

import functools
import logging
import pathlib
import warnings
from typing import TYPE_CHECKING, Any

from ._active_recording import get_data_recording
from ._blueprint_log import blueprint_messages as blueprint_messages
from ._errors import not_available
from ._sink_types import (
    BinaryStreamSink,
    BufferedSink,
    FileSink,
    LogSink,
    MemorySink,
    StdoutSink,
    StoreSink,
    forced_save_path,
)

if TYPE_CHECKING:
    from ._recording_stream import RecordingStream


class GrpcSink:
    """Stream to a Rerun gRPC server (default ``rerun+http://127.0.0.1:9876/proxy``).

    Constructs the transport's client sink (``rerun._grpc``), imported only now: grpcio is
    heavy and ``import rerun`` must stay light.
    """

    def __new__(cls, url: str | None = None) -> Any:  # type: ignore[misc]
        try:
            from ._grpc import GrpcSink as _Impl
        except ImportError as err:
            raise not_available(f"GrpcSink ({err})") from err
        return _Impl(url)


class GrpcServerSink:
    """Host a gRPC proxy endpoint in this process that viewers connect to; it starts serving when
    made, and stops when the recording's sinks are replaced or it is closed.

    The server itself is the transport's ``rerun._grpc.ServerSink`` (grpcio is imported only
    now): an instance is of a subclass of both, which that class's ``__init__`` starts.
    """

    server: Any  # the hosted endpoint (``rerun_core.server.proxy.ProxyServer``)

    def __new__(
        cls,
        bind_ip: str = "0.0.0.0",
        port: int = 9876,
        *,
        server_memory_limit: str = "1GiB",
        newest_first: bool = False,
        cors_allow_origin: list[str] | None = None,
    ) -> GrpcServerSink:
        return object.__new__(_hosted_server_sink() if cls is GrpcServerSink else cls)

    @property
    def uri(self) -> str:
        """The URI a Rerun Viewer connects to: ``rerun+http://{bind_ip}:{port}/proxy`` (the bind
        address as given, as 0.41 writes it)."""
        return f"rerun+http://{self.server.bind}:{self.server.port}/proxy"


@functools.cache
def _hosted_server_sink() -> type[GrpcServerSink]:
    try:
        from ._grpc import ServerSink
    except ImportError as err:
        raise not_available(f"GrpcServerSink ({err})") from err
    return type("HostedGrpcServerSink", (ServerSink, GrpcServerSink), {"__module__": __name__})


LogSinkLike = FileSink | GrpcSink | GrpcServerSink | StdoutSink | MemorySink | StoreSink | BinaryStreamSink


def is_recording_enabled(recording: RecordingStream | None) -> bool:
    rec = get_data_recording(recording)
    return rec is not None and rec.is_enabled()


def _target(recording: RecordingStream | None, what: str) -> RecordingStream | None:
    rec = get_data_recording(recording)
    if rec is None and forced_save_path() is None:
        logging.warning(
            f"Rerun is disabled - {what}() call ignored. You must call rerun.init before {what}()."
        )
    return rec


def set_sinks(*sinks: Any, default_blueprint: Any = None, recording: RecordingStream | None = None) -> None:
    """Stream to several sinks at once (replacing the current ones)."""
    rec = _target(recording, "set_sinks")
    if rec is not None:
        rec.set_sinks(*sinks, default_blueprint=default_blueprint)


def save(
    path: str | pathlib.Path,
    default_blueprint: Any = None,
    recording: RecordingStream | None = None,
    *,
    write_footer: bool = True,
) -> None:
    """Stream all log data to an .rrd file (earlier data is included, written on return)."""
    rec = _target(recording, "save")
    if rec is not None:
        rec.save(path, default_blueprint, write_footer=write_footer)


def stdout(
    default_blueprint: Any = None, recording: RecordingStream | None = None, *, write_footer: bool = True
) -> None:
    """Stream all log data to stdout, e.g. ``python script.py | rerun -``."""
    rec = _target(recording, "stdout")
    if rec is not None:
        rec.stdout(default_blueprint, write_footer=write_footer)


def disconnect(recording: RecordingStream | None = None) -> None:
    """Close files and connections (written and sent first); later data is buffered again."""
    rec = get_data_recording(recording)
    if rec is not None:
        rec.disconnect()


def connect_grpc(
    url: str | None = None, *, default_blueprint: Any = None, recording: RecordingStream | None = None
) -> None:
    """Stream to a viewer or server at ``url`` (default ``rerun+http://127.0.0.1:9876/proxy``)."""
    rec = _target(recording, "connect_grpc")
    if rec is not None:
        rec.connect_grpc(url, default_blueprint=default_blueprint)


def serve_grpc(
    *,
    grpc_port: int | None = None,
    default_blueprint: Any = None,
    recording: RecordingStream | None = None,
    server_memory_limit: str = "1GiB",
    newest_first: bool = False,
    cors_allow_origin: list[str] | None = None,
) -> str:
    """Host a gRPC endpoint in this process; returns the URL viewers connect to."""
    rec = _target(recording, "serve_grpc")
    if rec is None:
        return "[rerun is disabled]"
    return rec.serve_grpc(
        grpc_port=grpc_port,
        default_blueprint=default_blueprint,
        server_memory_limit=server_memory_limit,
        newest_first=newest_first,
        cors_allow_origin=cors_allow_origin,
    )


def serve_web_viewer(
    *, web_port: int | None = None, open_browser: bool = True, connect_to: str | None = None
) -> None:
    """Host the web viewer page over HTTP (default port 9090); returns at once.

    The page shows the gRPC endpoint ``connect_to`` (e.g. the URL ``serve_grpc`` returned) or,
    without it, this process's global recording. Keep the process running to keep serving.
    """
    from ._web import serve_web_viewer as _serve  # the page server loads only when used

    _serve(web_port=web_port, open_browser=open_browser, connect_to=connect_to)


def send_blueprint(
    blueprint: Any,
    *,
    make_active: bool = True,
    make_default: bool = True,
    recording: RecordingStream | None = None,
) -> None:
    """Send ``blueprint`` as its own blueprint store, then ask the viewer to activate it."""
    rec = _target(recording, "send_blueprint")
    if rec is not None:
        rec.send_blueprint(blueprint, make_active=make_active, make_default=make_default)


def spawn(
    *,
    port: int = 9876,
    connect: bool = True,
    memory_limit: str = "75%",
    server_memory_limit: str = "1GiB",
    hide_welcome_screen: bool = False,
    detach_process: bool = True,
    executable_name: str = "rerun",
    executable_path: str | None = None,
    default_blueprint: Any = None,
    recording: RecordingStream | None = None,
) -> None:
    """Start a viewer on ``port`` (unless one already listens there) and stream to it."""
    rec = _target(recording, "spawn")
    if rec is not None:
        rec._spawn(
            port=port,
            connect=connect,
            memory_limit=memory_limit,
            server_memory_limit=server_memory_limit,
            hide_welcome_screen=hide_welcome_screen,
            detach_process=detach_process,
            executable_name=executable_name,
            executable_path=executable_path,
            default_blueprint=default_blueprint,
        )


# --- the older operating-modes names ------------------------------------------------------------


def connect(
    addr: str | None = None,
    *,
    flush_timeout_sec: float | None = 2.0,
    default_blueprint: Any = None,
    recording: RecordingStream | None = None,
) -> None:
    """Deprecated: use ``connect_grpc`` (``addr`` is its ``url``; ``flush_timeout_sec`` is unused)."""
    warnings.warn("rerun.connect() is deprecated: use rerun.connect_grpc()", DeprecationWarning, stacklevel=2)
    connect_grpc(addr, default_blueprint=default_blueprint, recording=recording)


def serve(*, web_port: int | None = None, open_browser: bool = True, connect_to: str | None = None) -> None:
    """Deprecated: use ``serve_web_viewer`` (same arguments)."""
    warnings.warn(
        "rerun.serve() is deprecated: use rerun.serve_web_viewer()", DeprecationWarning, stacklevel=2
    )
    serve_web_viewer(web_port=web_port, open_browser=open_browser, connect_to=connect_to)


def __getattr__(name: str) -> Any:
    """`BlueprintLike` on first use: `import rerun` does not load the blueprint package."""
    if name == "BlueprintLike":
        from .blueprint.api import BlueprintLike

        return BlueprintLike
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BinaryStreamSink",
    "BufferedSink",
    "FileSink",
    "GrpcServerSink",
    "GrpcSink",
    "LogSink",
    "LogSinkLike",
    "MemorySink",
    "StdoutSink",
    "StoreSink",
    "connect_grpc",
    "disconnect",
    "is_recording_enabled",
    "save",
    "send_blueprint",
    "serve_grpc",
    "serve_web_viewer",
    "set_sinks",
    "spawn",
    "stdout",
]
