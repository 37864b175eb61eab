"""Starting recordings: ``rr.init``, the process-wide default recording id, and the decorator
that gives a function its own thread-local recording."""

from __future__ import annotations

import functools
import inspect
import random
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from . import _active_recording as _scope
from ._active_recording import get_data_recording
from ._errors import set_strict_mode
from ._recording_stream import RecordingStream

_F = TypeVar("_F", bound=Callable[..., Any])

_process_recording_id: str | None = None


def default_recording_id() -> str:
    """One id per process tree: derived from the multiprocessing authkey, shared by children."""
    global _process_recording_id
    if _process_recording_id is None:
        import hashlib  # both only when a recording needs the id: `import rerun` stays light
        import multiprocessing

        key = bytes(multiprocessing.current_process().authkey)
        _process_recording_id = str(uuid.UUID(bytes=hashlib.sha256(key).digest()[:16], version=4))
    return _process_recording_id


def init(
    application_id: str,
    *,
    recording_id: str | uuid.UUID | None = None,
    spawn: bool = False,
    init_logging: bool = True,
    default_enabled: bool = True,
    strict: bool | None = None,
    default_blueprint: Any = None,
    send_properties: bool = True,
) -> None:
    """Create the global recording. Without it (or an explicit one) logging is a no-op.

    Without ``recording_id`` every call in this process (and its multiprocessing children)
    uses the same id. Calling ``init`` again replaces (and finalizes) the previous global one.
    """
    if application_id.startswith("rerun_example_"):
        random.seed(0)  # Rerun's examples are deterministic
        np.random.seed(0)
    if strict is not None:
        set_strict_mode(strict)
    if init_logging:
        init_recording(
            application_id, recording_id, default_enabled=default_enabled, send_properties=send_properties
        )
    if spawn:
        rec = get_data_recording()
        if rec is not None:
            rec._spawn(default_blueprint=default_blueprint)


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


def thread_local_stream(application_id: str) -> Callable[[_F], _F]:
    """Decorator: run the function with its own fresh thread-local recording."""

    def decorator(func: _F) -> _F:
        if inspect.isgeneratorfunction(func):

            @functools.wraps(func)
            def gen_wrapper(*args: Any, **kwargs: Any) -> Any:
                gen = func(*args, **kwargs)
                stream = RecordingStream(application_id, recording_id=uuid.uuid4())
                try:
                    with stream:
                        value = next(gen)
                    while True:
                        cont = yield value
                        with stream:
                            value = gen.send(cont)
                except StopIteration:
                    pass
                finally:
                    gen.close()

            return gen_wrapper  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            prev = _scope.get_thread_local_data_recording()
            stream = RecordingStream(application_id, recording_id=uuid.uuid4())
            _scope.set_thread_local_data_recording(stream)
            try:
                return func(*args, **kwargs)
            finally:
                _scope.set_thread_local_data_recording(prev)

        return wrapper  # type: ignore[return-value]

    return decorator
