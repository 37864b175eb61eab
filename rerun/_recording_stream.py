"""``RecordingStream``: one recording (explicit, global or thread-local) and its handles.

Every module-level function that takes ``recording=`` is also a method here. The state lives
in a :class:`RecordingCore`; copies of a stream share it.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any

import numpy as np

from rerun_core.store.messages import StoreKind

from . import _active_recording as _scope
from ._active_recording import get_data_recording  # the SDK's modules resolve recordings through here
from ._batcher import ChunkBatcherConfig
from ._recording_core import PROPERTIES_PATH, START_TIME, RecordingCore, env_flag
from ._sentinels import AUTO_INDEX
from ._sink_types import BinaryStreamSink, FileSink, LogSink, MemorySink, StdoutSink, apply_forced_save
from ._time import time_value

_process_recording_id: str | None = None


def default_recording_id() -> str:
    """One id per process tree: derived from the multiprocessing authkey, shared by children."""
    global _process_recording_id
    if _process_recording_id is None:
        import hashlib
        import multiprocessing

        key = bytes(multiprocessing.current_process().authkey)
        _process_recording_id = str(uuid.UUID(bytes=hashlib.sha256(key).digest()[:16], version=4))
    return _process_recording_id


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
        apply_forced_save(self._core)  # `_RERUN_TEST_FORCE_SAVE`: every recording writes that file
        self._prev: list[tuple[RecordingStream | None, contextvars.Token[RecordingStream]]] = []
        if send_properties:
            import time

            import pyarrow as pa

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

    # --- sinks ------------------------------------------------------------------------------

    def set_sinks(self, *sinks: Any, default_blueprint: Any = None) -> None:
        from .sinks import set_sinks

        set_sinks(*sinks, default_blueprint=default_blueprint, recording=self)

    def save(self, path: str | Any, default_blueprint: Any = None, *, write_footer: bool = True) -> None:
        from .sinks import save

        save(path, default_blueprint, recording=self, write_footer=write_footer)

    def stdout(self, default_blueprint: Any = None, *, write_footer: bool = True) -> None:
        from .sinks import stdout

        stdout(default_blueprint, recording=self, write_footer=write_footer)

    def memory_recording(self) -> Any:
        from ._memory import memory_recording

        return memory_recording(recording=self)

    def disconnect(self) -> None:
        self._core.set_sinks([])

    def connect_grpc(self, url: str | None = None, *, default_blueprint: Any = None) -> None:
        from .sinks import connect_grpc

        connect_grpc(url, default_blueprint=default_blueprint, recording=self)

    def serve_grpc(
        self,
        *,
        grpc_port: int | None = None,
        default_blueprint: Any = None,
        server_memory_limit: str = "1GiB",
        newest_first: bool = False,
        cors_allow_origin: list[str] | None = None,
    ) -> str:
        from .sinks import serve_grpc

        return serve_grpc(
            grpc_port=grpc_port,
            default_blueprint=default_blueprint,
            recording=self,
            server_memory_limit=server_memory_limit,
            newest_first=newest_first,
            cors_allow_origin=cors_allow_origin,
        )

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
        from .sinks import spawn

        spawn(
            port=port,
            connect=connect,
            memory_limit=memory_limit,
            hide_welcome_screen=hide_welcome_screen,
            detach_process=detach_process,
            default_blueprint=default_blueprint,
            recording=self,
        )

    def send_blueprint(self, blueprint: Any, *, make_active: bool = True, make_default: bool = True) -> None:
        from .sinks import send_blueprint

        send_blueprint(blueprint, make_active=make_active, make_default=make_default, recording=self)

    def notebook_show(
        self, *, width: int | None = None, height: int | None = None, blueprint: Any = None
    ) -> None:
        from .notebook import notebook_show

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
        from ._log import log

        log(entity_path, entity, *extra, static=static, recording=self, strict=strict)

    def log_file_from_path(
        self, file_path: Any, *, entity_path_prefix: str | None = None, static: bool = False
    ) -> None:
        from ._log import log_file_from_path

        log_file_from_path(file_path, entity_path_prefix=entity_path_prefix, static=static, recording=self)

    def log_file_from_contents(
        self,
        file_path: Any,
        file_contents: bytes,
        *,
        entity_path_prefix: str | None = None,
        static: bool = False,
    ) -> None:
        from ._log import log_file_from_contents

        log_file_from_contents(
            file_path, file_contents, entity_path_prefix=entity_path_prefix, static=static, recording=self
        )

    def send_columns(
        self, entity_path: str, indexes: Iterable[Any], columns: Iterable[Any], *, strict: bool | None = None
    ) -> None:
        from ._send_columns import send_columns

        send_columns(entity_path, indexes, columns, recording=self, strict=strict)

    def send_property(self, name: str, values: Any) -> None:
        from ._properties import send_property

        send_property(name, values, recording=self)

    def send_recording_name(self, name: str) -> None:
        from ._properties import send_recording_name

        send_recording_name(name, recording=self)

    def send_recording_start_time_nanos(self, nanos: int) -> None:
        from ._properties import send_recording_start_time_nanos

        send_recording_start_time_nanos(nanos, recording=self)

    def send_record_batch(
        self, batch: Any, *, index: Any = AUTO_INDEX, entity_path: str | None = None
    ) -> None:
        from ._send_dataframe import send_record_batch

        send_record_batch(batch, self, index=index, entity_path=entity_path)

    def send_dataframe(self, df: Any, *, index: Any = AUTO_INDEX, entity_path: str | None = None) -> None:
        from ._send_dataframe import send_dataframe

        send_dataframe(df, self, index=index, entity_path=entity_path)

    def to_native(self) -> RecordingStream:
        """0.41 returns its native handle; here the stream is its own native form."""
        return self

    def send_chunks(self, chunks: Any) -> None:
        from ._send_columns import send_chunks

        send_chunks(chunks, recording=self)


class BinaryStream:
    """Encoded .rrd bytes of a recording, read incrementally with ``read()``."""

    def __init__(self, sink: BinaryStreamSink, core: RecordingCore) -> None:
        self._sink = sink
        self._core = core

    def read(self, *, flush: bool = True, flush_timeout_sec: float = 1e38) -> bytes | None:
        if flush:
            self._core.flush()
        return self._sink.read()

    def flush(self, timeout_sec: float = 1e38) -> None:
        self._core.flush()


def binary_stream(recording: RecordingStream | None = None) -> BinaryStream:
    """Route the recording into an in-memory encoded stream (replaces its sinks)."""
    rec = get_data_recording(recording)
    if rec is None:
        raise RuntimeError("binary_stream: no active recording (call rr.init first)")
    sink = BinaryStreamSink()
    rec._core.set_sinks([sink])
    return BinaryStream(sink, rec._core)


def init_recording(
    application_id: str,
    recording_id: str | uuid.UUID | None,
    *,
    default_enabled: bool,
    send_properties: bool,
) -> RecordingStream:
    rid = str(recording_id) if recording_id is not None else default_recording_id()
    return RecordingStream._new(
        application_id,
        rid,
        make_default=True,
        default_enabled=default_enabled,
        send_properties=send_properties,
    )


def _memory_sink(rec: RecordingStream) -> MemorySink:
    sink = MemorySink()
    rec._core.set_sinks([sink])
    return sink


__all__ = [
    "BinaryStream",
    "FileSink",
    "RecordingStream",
    "StdoutSink",
    "binary_stream",
    "get_data_recording",
]


def _bind_time_module() -> None:
    # ``_time`` resolves recordings through this module; hand it the module once it exists.
    import sys

    from . import _time

    _time._stream = sys.modules[__name__]


_bind_time_module()
