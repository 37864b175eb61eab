"""``RecordingStream``: one recording (explicit, global or thread-local) and its handles.

Every module-level function that takes ``recording=`` is also a method here. The state lives
in a :class:`RecordingCore`; copies of a stream share it.
"""

from __future__ import annotations

import contextvars
import logging
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pyarrow as pa

from rerun_core.store.messages import BlueprintActivationCommand, StoreKind

from . import _active_recording as _scope
from ._active_recording import get_data_recording  # the SDK's modules resolve recordings through here
from ._batcher import ChunkBatcherConfig
from ._blueprint_log import blueprint_messages
from ._errors import catch_and_log_exceptions, set_warning_logger
from ._log_file import log_file
from ._memory import BinarySinkStorage, BinaryStream, MemoryRecording, MemorySinkStorage
from ._properties import send_property_to, send_recording_name_to, send_recording_start_time_nanos_to
from ._recording_core import PROPERTIES_PATH, START_TIME, RecordingCore, env_flag
from ._rows import log_entity, log_warning_text
from ._send_columns import send_columns_to
from ._send_dataframe import record_batches, send_record_batch_to
from ._sentinels import AUTO_INDEX
from ._sink_types import (
    BinaryStreamSink,
    FileSink,
    LogSink,
    MemorySink,
    StdoutSink,
    forced_save_path,
    ignored_because_forced,
)
from ._time import time_value

_F = TypeVar("_F", bound=Callable[..., Any])


class RecordingStream:
    """A recording to log to. Several may exist at once; use as ``with rec:`` to make it current."""

    def __init__(
        self,
        application_id: str,
        *,
        recording_id: str | uuid.UUID | None = None,
        make_default: bool = False,
        make_thread_default: bool = False,
        default_enabled: bool = True,
        send_properties: bool = True,
        batcher_config: ChunkBatcherConfig | None = None,
    ) -> None:
        rid = str(recording_id) if recording_id is not None else uuid.uuid4().hex
        self._setup(
            application_id,
            rid,
            make_default,
            make_thread_default,
            default_enabled,
            send_properties,
            batcher_config,
        )

    def _setup(
        self,
        application_id: str,
        recording_id: str,
        make_default: bool,
        make_thread_default: bool,
        default_enabled: bool,
        send_properties: bool,
        batcher_config: ChunkBatcherConfig | None,
        kind: StoreKind = StoreKind.RECORDING,
    ) -> None:
        if not isinstance(application_id, str):
            raise TypeError(f"application_id must be a str, got {type(application_id).__name__}")
        env = env_flag("RERUN")
        enabled = default_enabled if env is None else env
        self._core = RecordingCore(
            application_id, recording_id, enabled=enabled, batcher_config=batcher_config, kind=kind
        )
        self._core.handles += 1
        forced = forced_save_path()  # `_RERUN_TEST_FORCE_SAVE`: every recording writes that file
        if forced is not None and enabled and kind is StoreKind.RECORDING:
            self._core.set_sinks([FileSink(forced)])
        self._prev: list[tuple[RecordingStream | None, contextvars.Token[RecordingStream]]] = []
        if send_properties:
            self._core.send_properties_now(
                PROPERTIES_PATH, {START_TIME: pa.array([time.time_ns()], pa.int64())}
            )
        if make_default:
            _scope.set_global_data_recording(self)
        if make_thread_default:
            _scope.set_thread_local_data_recording(self)

    @classmethod
    def _new(cls, application_id: str, recording_id: str, **kwargs: Any) -> RecordingStream:
        self = cls.__new__(cls)
        self._setup(
            application_id,
            recording_id,
            kwargs.get("make_default", False),
            kwargs.get("make_thread_default", False),
            kwargs.get("default_enabled", True),
            kwargs.get("send_properties", True),
            kwargs.get("batcher_config"),
            kwargs.get("kind", StoreKind.RECORDING),
        )
        return self

    # --- identity ---------------------------------------------------------------------------

    def get_recording_id(self) -> str:
        return self._core.store_id.recording_id

    # 0.41 binds these module functions as methods, so their first parameter is `recording`
    # (optional when called unbound); called on an instance they answer for that instance.
    if TYPE_CHECKING:  # how instances call them (mypy rejects a `self` typed `X | None`)

        def get_application_id(self) -> str: ...
        def is_enabled(self) -> bool: ...
        def binary_stream(self) -> BinaryStream: ...

    else:

        def get_application_id(recording=None):
            return _scope.get_application_id(recording)

        def is_enabled(recording=None):
            return _scope.is_enabled(recording)

        def binary_stream(recording=None):
            return binary_stream(recording)

    @property
    def store_id(self) -> Any:
        return self._core.store_id

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RecordingStream) and other._core is self._core

    def __hash__(self) -> int:
        return id(self._core)

    def __str__(self) -> str:
        return f"RecordingStream({self._core.store_id.application_id!r}, recording_id={self.get_recording_id()!r})"

    __repr__ = __str__

    # --- context manager / lifetime -----------------------------------------------------------

    def __enter__(self) -> RecordingStream:
        token = _scope._active.set(self)
        self._prev.append((_scope.set_thread_local_data_recording(self), token))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self._core.finalize_files()
        prev, token = self._prev.pop() if self._prev else (None, None)
        current = _scope._active.get(None)
        if token is not None:
            _scope._active.reset(token)
        _scope.set_thread_local_data_recording(prev)
        if current is not self:
            raise RuntimeError(
                "RecordingStream context manager exited while not active. Likely mixing context managers "
                "with generators or async code. See: `recording_stream_generator_ctx`."
            )

    def __copy__(self) -> RecordingStream:
        dup = RecordingStream.__new__(RecordingStream)
        dup._core = self._core
        dup._prev = []
        self._core.handles += 1
        return dup

    def __deepcopy__(self, memo: dict[int, Any]) -> RecordingStream:
        return self.__copy__()

    def __del__(self) -> None:
        core = getattr(self, "_core", None)
        if core is None:
            return
        core.handles -= 1
        if core.handles <= 0:  # the last handle: finalize files now, as 0.41 does on drop
            try:
                core.shutdown()
            except Exception:
                pass

    def flush(self, *, timeout_sec: float = 1e38) -> None:
        """Push batched rows into the sinks and flush them to the OS."""
        self._core.flush()

    # --- sinks: each switch returns once what was logged before it is written or sent -----------

    def _switch_sinks(self, what: str, sinks: list[LogSink], default_blueprint: Any = None) -> bool:
        """Replace the sinks unless ignored (the snippet-test hook, a disabled recording); the
        old ones are flushed and closed, the new ones hold everything logged so far on return."""
        if not self._core.enabled:
            for sink in sinks:
                sink.close()
            return False
        self._core.set_sinks(sinks)
        if default_blueprint is not None:
            self.send_blueprint(default_blueprint, make_active=False, make_default=True)
            self._core.flush_sinks()
        return True

    def set_sinks(self, *sinks: Any, default_blueprint: Any = None) -> None:
        """Stream to several sinks at once (replacing the current ones)."""
        seen: set[Any] = set()
        for s in sinks:
            key = str(s.path.resolve()) if isinstance(s, FileSink) else id(s)
            if key in seen:
                raise ValueError(f"duplicate sink: {s!r}")
            seen.add(key)
            if not callable(getattr(s, "send", None)):
                raise TypeError(f"set_sinks: {type(s).__name__} is not a sink (needs send/flush/close)")
        if ignored_because_forced("set_sinks"):
            return
        self._switch_sinks("set_sinks", list(sinks), default_blueprint)

    def save(self, path: str | Path, default_blueprint: Any = None, *, write_footer: bool = True) -> None:
        """Stream all log data to an .rrd file (earlier data is included)."""
        if ignored_because_forced("save") or not self._core.enabled:
            return
        self._switch_sinks("save", [FileSink(path, write_footer=write_footer)], default_blueprint)

    def stdout(self, default_blueprint: Any = None, *, write_footer: bool = True) -> None:
        """Stream all log data to stdout, e.g. ``python script.py | rerun -``."""
        if ignored_because_forced("stdout") or not self._core.enabled:
            return
        if sys.stdout.isatty():
            logging.warning(
                "Rerun: stdout is a terminal; not streaming binary data to it (staying buffered)."
            )
            return
        self._switch_sinks("stdout", [StdoutSink(write_footer=write_footer)], default_blueprint)

    def memory_recording(self) -> MemoryRecording:
        """Route the recording into memory (replaces its sinks) and return a handle to read it."""
        sink = MemorySink()
        self._core.set_sinks([sink])
        return MemoryRecording(MemorySinkStorage(sink, self._core))

    def disconnect(self) -> None:
        """Close files and connections (written and sent first); later data is buffered again."""
        self._core.set_sinks([])

    def connect_grpc(self, url: str | None = None, *, default_blueprint: Any = None) -> None:
        """Stream to a viewer or server at ``url`` (default ``rerun+http://127.0.0.1:9876/proxy``)."""
        if ignored_because_forced("connect_grpc"):
            return
        from ._grpc import GrpcSink  # grpcio loads only when used

        self._switch_sinks("connect_grpc", [GrpcSink(url)], default_blueprint)  # the URL is checked first

    def serve_grpc(
        self,
        *,
        grpc_port: int | None = None,
        default_blueprint: Any = None,
        server_memory_limit: str = "1GiB",
        newest_first: bool = False,
        cors_allow_origin: list[str] | None = None,
    ) -> str:
        """Host a gRPC endpoint in this process; returns the URL viewers connect to."""
        if ignored_because_forced("serve_grpc"):
            return f"rerun+http://127.0.0.1:{grpc_port or 9876}/proxy"
        if not self._core.enabled:
            return "[rerun is disabled]"
        from ._grpc import ServerSink

        sink = ServerSink(
            port=grpc_port,
            server_memory_limit=server_memory_limit,
            newest_first=newest_first,
            cors_allow_origin=cors_allow_origin,
        )
        self._switch_sinks("serve_grpc", [sink], default_blueprint)
        return sink.url

    def spawn(
        self,
        *,
        port: int = 9876,
        connect: bool = True,
        memory_limit: str = "75%",
        hide_welcome_screen: bool = False,
        detach_process: bool = True,
        default_blueprint: Any = None,
    ) -> None:
        """Start a viewer on ``port`` (unless one already listens there) and stream to it."""
        self._spawn(
            port=port,
            connect=connect,
            memory_limit=memory_limit,
            hide_welcome_screen=hide_welcome_screen,
            detach_process=detach_process,
            default_blueprint=default_blueprint,
        )

    def _spawn(
        self,
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
    ) -> None:
        if ignored_because_forced("spawn") or not self._core.enabled:
            return
        from ._grpc import spawn_viewer  # grpcio loads only when used

        spawn_viewer(
            port=port,
            memory_limit=memory_limit,
            server_memory_limit=server_memory_limit,
            hide_welcome_screen=hide_welcome_screen,
            detach_process=detach_process,
            executable_name=executable_name,
            executable_path=executable_path,
        )
        if connect:
            self.connect_grpc(f"rerun+http://127.0.0.1:{port}/proxy", default_blueprint=default_blueprint)

    def send_blueprint(self, blueprint: Any, *, make_active: bool = True, make_default: bool = True) -> None:
        """Send ``blueprint`` as its own blueprint store, then ask the viewer to activate it."""
        if not self._core.enabled:
            return
        msgs = blueprint_messages(blueprint, self._core.store_id.application_id)
        if not msgs:
            return
        for msg in msgs:
            self._core.send(msg)
        self._core.send(
            BlueprintActivationCommand(msgs[0].store_id, make_active=make_active, make_default=make_default)
        )

    def notebook_show(
        self, *, width: int | None = None, height: int | None = None, blueprint: Any = None
    ) -> None:
        from ._notebook import notebook_show  # the notebook stack loads only when used

        notebook_show(width=width, height=height, blueprint=blueprint, recording=self)

    def _add_sink(self, sink: LogSink) -> None:
        """Tee ``sink`` in (notebook viewer, gRPC server); it gets the pre-sink buffer replayed."""
        self._core.add_sink(sink)

    def _set_sinks(self, sinks: list[LogSink]) -> None:
        self._core.set_sinks(sinks)

    # --- time -------------------------------------------------------------------------------

    def set_time(
        self,
        timeline: str,
        *,
        sequence: int | None = None,
        duration: int | float | timedelta | np.timedelta64 | None = None,
        timestamp: int | float | datetime | np.datetime64 | None = None,
    ) -> None:
        typ, value = time_value(timeline, sequence, duration, timestamp)
        self._core.set_time(timeline, typ, value)

    def _set_time_value(self, timeline: str, typ: Any, value: int) -> None:
        self._core.set_time(timeline, typ, value)

    def disable_timeline(self, timeline: str) -> None:
        self._core.disable_timeline(timeline)

    def reset_time(self) -> None:
        self._core.reset_time()

    def set_log_tick_enabled(self, enabled: bool) -> None:
        self._core.set_log_flags(log_tick=enabled)

    def set_log_time_enabled(self, enabled: bool) -> None:
        self._core.set_log_flags(log_time=enabled)

    # --- logging ----------------------------------------------------------------------------

    def log(
        self,
        entity_path: str | list[object],
        entity: Any,
        *extra: Any,
        static: bool = False,
        strict: bool | None = None,
    ) -> None:
        log_entity(self._core, entity_path, entity, extra, static, strict)

    def log_file_from_path(
        self, file_path: str | Path, *, entity_path_prefix: str | None = None, static: bool = False
    ) -> None:
        """Log a file (.rrd, images, meshes) with the built-in importers."""
        path = Path(file_path)
        self._log_file(path, lambda: path.read_bytes(), entity_path_prefix, static)

    def log_file_from_contents(
        self,
        file_path: str | Path,
        file_contents: bytes,
        *,
        entity_path_prefix: str | None = None,
        static: bool = False,
    ) -> None:
        """Log the contents of a file (its path picks the importer and the entity path)."""
        self._log_file(Path(file_path), lambda: bytes(file_contents), entity_path_prefix, static)

    def _log_file(
        self, path: Path, contents: Callable[[], bytes], prefix: str | None, static: bool = False
    ) -> None:
        with catch_and_log_exceptions("log_file", depth_to_user_code=2):
            log_file(self._core, path, contents(), entity_path_prefix=prefix, static=static)

    def send_columns(
        self, entity_path: str, indexes: Iterable[Any], columns: Iterable[Any], *, strict: bool | None = None
    ) -> None:
        send_columns_to(self._core, entity_path, indexes, columns, strict=strict)

    def send_property(self, name: str, values: Any) -> None:
        send_property_to(self._core, name, values)

    def send_recording_name(self, name: str) -> None:
        send_recording_name_to(self._core, name)

    def send_recording_start_time_nanos(self, nanos: int) -> None:
        send_recording_start_time_nanos_to(self._core, nanos)

    def send_record_batch(
        self, batch: pa.RecordBatch, *, index: Any = AUTO_INDEX, entity_path: str | None = None
    ) -> None:
        send_record_batch_to(self._core, batch, index=index, entity_path=entity_path)

    def send_dataframe(self, df: Any, *, index: Any = AUTO_INDEX, entity_path: str | None = None) -> None:
        for batch in record_batches(df):
            send_record_batch_to(self._core, batch, index=index, entity_path=entity_path)

    def to_native(self) -> RecordingStream:
        """0.41 returns its native handle; here the stream is its own native form."""
        return self

    def send_chunks(self, chunks: Any) -> None:
        """Send chunks: a ``rerun.chunk`` Chunk / LazyChunkStream / LazyStore / ChunkStore, or an
        iterable of Chunks (also core chunks or sorbet record batches). Streams run here.

        As in 0.41, a value that is not one of these raises ``TypeError`` (strict mode or not)."""
        from .chunk._send import core_chunks  # the chunk API loads only when used

        if not self._core.enabled:
            return
        self._core.batcher.flush()  # keep earlier rows ahead of these
        for chunk in core_chunks(chunks):
            self._core.send_chunk(chunk)


def binary_stream(recording: RecordingStream | None = None) -> BinaryStream:
    """Route the recording into an in-memory encoded stream (replaces its sinks)."""
    rec = get_data_recording(recording)
    if rec is None:
        raise RuntimeError("binary_stream: no active recording (call rr.init first)")
    sink = BinaryStreamSink()
    rec._core.set_sinks([sink])
    return BinaryStream(BinarySinkStorage(sink, rec._core))


__all__ = [
    "BinaryStream",
    "FileSink",
    "RecordingStream",
    "StdoutSink",
    "binary_stream",
    "get_data_recording",
]


def _log_warning(text: str, recording: RecordingStream | None) -> None:
    rec = get_data_recording(recording)
    if rec is not None:
        log_warning_text(rec._core, text)


set_warning_logger(_log_warning)  # SDK warnings are logged on `__warnings` too, as 0.41 does
