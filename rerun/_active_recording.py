"""Which recording a call without ``recording=`` uses: this thread's, else the global one.

The module-level state (global recording, thread-local recording, the active ``with rec:``
context) and the decorator that keeps a generator's ``with rec:`` inside it. It imports no
recording logic (``RecordingStream`` only for types), so every module function of the SDK can
resolve its target here and call that recording's method. ``_log.log`` reads ``_thread.rec`` /
``_global`` directly on its hot path.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from ._recording_stream import RecordingStream

_F = TypeVar("_F", bound=Callable[..., Any])


_global: RecordingStream | None = None
_global_lock = threading.Lock()


class _ThreadRecording(threading.local):
    # A declared default: a missing attribute on a thread-local costs an exception per lookup.
    rec: RecordingStream | None = None


_thread = _ThreadRecording()
_active: contextvars.ContextVar[RecordingStream] = contextvars.ContextVar("rerun_active_recording")


def get_data_recording(recording: RecordingStream | None = None) -> RecordingStream | None:
    """``recording`` if given, else this thread's recording, else the global one, else None."""
    if recording is not None:
        return recording
    local = _thread.rec
    return local if local is not None else _global


def get_global_data_recording() -> RecordingStream | None:
    return _global


def set_global_data_recording(recording: RecordingStream | None) -> RecordingStream | None:
    """Make ``recording`` the global default; returns the previous one."""
    global _global
    with _global_lock:
        prev, _global = _global, recording
    return prev


def get_thread_local_data_recording() -> RecordingStream | None:
    return _thread.rec


def set_thread_local_data_recording(recording: RecordingStream | None) -> RecordingStream | None:
    """Make ``recording`` this thread's default; returns the previous one."""
    prev = _thread.rec
    _thread.rec = recording
    return prev


def is_enabled(recording: RecordingStream | None = None) -> bool:
    rec = get_data_recording(recording)
    return rec is not None and rec._core.enabled


def get_application_id(recording: RecordingStream | None = None) -> str | None:
    rec = get_data_recording(recording)
    return None if rec is None else rec._core.store_id.application_id


def get_recording_id(recording: RecordingStream | None = None) -> str | None:
    rec = get_data_recording(recording)
    return None if rec is None else rec.get_recording_id()


def recording_stream_generator_ctx(func: _F) -> _F:
    """Keep a ``with rec:`` inside a generator from leaking into the caller across ``yield``."""
    if not inspect.isgeneratorfunction(func):
        return func

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
        gen = func(*args, **kwargs)
        current = None
        try:
            value = next(gen)
            while True:
                current = _active.get(None)
                if current is not None:
                    current.__exit__(None, None, None)
                cont = yield value
                if current is not None:
                    current.__enter__()
                value = gen.send(cont)
        except StopIteration:
            current = None
        finally:
            if current is not None:
                current.__enter__()
            gen.close()

    return wrapper  # type: ignore[return-value]
