"""Sinks: where a recording's data goes (files, stdout, memory, stores; gRPC later).

``set_sinks`` replaces a recording's sinks; data logged while no sink was attached is kept in
memory and delivered to the first sinks attached.
"""

from __future__ import annotations

import pathlib
from typing import Any

from ._recording_stream import RecordingStream, get_data_recording
from ._sink_types import (
    BinaryStreamSink,
    BufferedSink,
    FileSink,
    GrpcServerSink,
    GrpcSink,
    LogSink,
    MemorySink,
    StdoutSink,
    StoreSink,
    ignored_because_forced,
)

LogSinkLike = FileSink | GrpcSink | GrpcServerSink | StdoutSink | MemorySink | StoreSink | BinaryStreamSink


def is_recording_enabled(recording: RecordingStream | None) -> bool:
    rec = get_data_recording(recording)
    return rec is not None and rec.is_enabled()


def _target(recording: RecordingStream | None, what: str) -> RecordingStream | None:
    rec = get_data_recording(recording)
    if rec is None:
        import logging

        logging.warning(
            f"Rerun is disabled - {what}() call ignored. You must call rerun.init before {what}()."
        )
        return None
    return rec if rec.is_enabled() else None


def _send_blueprint_if_any(default_blueprint: Any, rec: RecordingStream) -> None:
    if default_blueprint is not None:
        send_blueprint(default_blueprint, make_active=False, make_default=True, recording=rec)


def set_sinks(*sinks: Any, default_blueprint: Any = None, recording: RecordingStream | None = None) -> None:
    """Stream to several sinks at once (replacing the current ones)."""
    if ignored_because_forced("set_sinks"):
        return
    rec = _target(recording, "set_sinks")
    if rec is None:
        return
    seen: set[Any] = set()
    for s in sinks:
        key = str(s.path.resolve()) if isinstance(s, FileSink) else id(s)
        if key in seen:
            raise ValueError(f"duplicate sink: {s!r}")
        seen.add(key)
        if not callable(getattr(s, "send", None)):
            raise TypeError(f"set_sinks: {type(s).__name__} is not a sink (needs send/flush/close)")
    rec._set_sinks(list(sinks))
    _send_blueprint_if_any(default_blueprint, rec)


def save(
    path: str | pathlib.Path,
    default_blueprint: Any = None,
    recording: RecordingStream | None = None,
    *,
    write_footer: bool = True,
) -> None:
    """Stream all log data to an .rrd file (call before logging; earlier data is included)."""
    if ignored_because_forced("save"):
        return
    rec = _target(recording, "save")
    if rec is None:
        return
    rec._set_sinks([FileSink(path, write_footer=write_footer)])
    _send_blueprint_if_any(default_blueprint, rec)


def stdout(
    default_blueprint: Any = None, recording: RecordingStream | None = None, *, write_footer: bool = True
) -> None:
    """Stream all log data to stdout, e.g. ``python script.py | rerun -``."""
    if ignored_because_forced("stdout"):
        return
    import sys

    rec = _target(recording, "stdout")
    if rec is None:
        return
    if sys.stdout.isatty():
        import logging

        logging.warning("Rerun: stdout is a terminal; not streaming binary data to it (staying buffered).")
        return
    rec._set_sinks([StdoutSink(write_footer=write_footer)])
    _send_blueprint_if_any(default_blueprint, rec)


def disconnect(recording: RecordingStream | None = None) -> None:
    """Close files and connections; subsequent data is buffered again."""
    rec = get_data_recording(recording)
    if rec is not None:
        rec.disconnect()


def connect_grpc(
    url: str | None = None, *, default_blueprint: Any = None, recording: RecordingStream | None = None
) -> None:
    """Stream to a viewer or server at ``url`` (default ``rerun+http://127.0.0.1:9876/proxy``)."""
    if ignored_because_forced("connect_grpc"):
        return
    from ._grpc import connect_grpc as _connect

    _connect(url, default_blueprint=default_blueprint, recording=recording)


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
    if ignored_because_forced("serve_grpc"):
        return f"rerun+http://127.0.0.1:{grpc_port or 9876}/proxy"
    from ._grpc import serve_grpc as _serve

    return _serve(
        grpc_port=grpc_port,
        default_blueprint=default_blueprint,
        recording=recording,
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
    from ._web import serve_web_viewer as _serve

    _serve(web_port=web_port, open_browser=open_browser, connect_to=connect_to)


def blueprint_messages(blueprint: Any, application_id: str) -> list[Any]:
    """The log messages of a blueprint store for ``blueprint`` (a Blueprint, View or Container)."""
    import uuid

    from rerun_core.store.messages import StoreKind

    bp = blueprint.to_blueprint() if hasattr(blueprint, "to_blueprint") else blueprint
    if not hasattr(bp, "_log_to_stream"):
        raise TypeError(
            f"expected a rerun.blueprint Blueprint, View or Container, got {type(blueprint).__name__}"
        )
    stream = RecordingStream._new(
        application_id, f"rec_{uuid.uuid4().hex}", send_properties=False, kind=StoreKind.BLUEPRINT
    )
    sink = MemorySink()
    stream._set_sinks([sink])
    stream.set_time("blueprint", sequence=0)
    bp._log_to_stream(stream)
    stream.flush()
    return sink.drain()


def send_blueprint(
    blueprint: Any,
    *,
    make_active: bool = True,
    make_default: bool = True,
    recording: RecordingStream | None = None,
) -> None:
    """Send ``blueprint`` as its own blueprint store, then ask the viewer to activate it."""
    from rerun_core.store.messages import BlueprintActivationCommand

    rec = _target(recording, "send_blueprint")
    if rec is None:
        return
    msgs = blueprint_messages(blueprint, rec.get_application_id())
    if not msgs:
        return
    blueprint_id = msgs[0].store_id
    for msg in msgs:
        rec._core.send(msg)
    rec._core.send(
        BlueprintActivationCommand(blueprint_id, make_active=make_active, make_default=make_default)
    )


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
    if ignored_because_forced("spawn"):
        return
    from ._grpc import spawn as _spawn

    _spawn(
        port=port,
        connect=connect,
        memory_limit=memory_limit,
        server_memory_limit=server_memory_limit,
        hide_welcome_screen=hide_welcome_screen,
        detach_process=detach_process,
        executable_name=executable_name,
        executable_path=executable_path,
        default_blueprint=default_blueprint,
        recording=recording,
    )


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
