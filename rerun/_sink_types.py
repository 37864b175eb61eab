"""Where a recording's messages go. A sink has ``send(msg)``, ``flush()`` and ``close()``.

Kept apart from ``rerun.sinks`` (the public functions) so the recording stream can import the
classes without a cycle. File sinks remember the process that opened them: after a fork the
child never writes to (or finalizes) the parent's file.
"""

from __future__ import annotations

import io
import logging
import os
import queue
import sys
import threading
import weakref
from pathlib import Path
from typing import Any, Protocol

from rerun_core.store.hub import StoreHub
from rerun_core.store.messages import ArrowMsg, LogMsg
from rerun_core.store.store import ChunkStore


class LogSink(Protocol):
    def send(self, msg: LogMsg) -> None: ...
    def flush(self) -> object: ...  # some report whether everything went out
    def close(self) -> None: ...


class BufferedSink:
    """Keeps messages in memory: the default sink, and the backing of ``memory_recording``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.msgs: list[LogMsg] = []

    def send(self, msg: LogMsg) -> None:
        with self._lock:
            self.msgs.append(msg)

    def drain(self) -> list[LogMsg]:
        with self._lock:
            out, self.msgs = self.msgs, []
        return out

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def __len__(self) -> int:
        return len(self.msgs)


class MemorySink(BufferedSink):
    """The sink of ``memory_recording()``: messages kept until drained."""


def _open_writer(target: Any) -> Any:
    from rerun_core.store.rrd import RrdWriter

    return RrdWriter(target)


class _WriterSink:
    """Encodes messages with the .rrd codec into a path or binary stream; fork-safe."""

    def __init__(self, target: Any, *, write_footer: bool = True, lazy: bool = False) -> None:
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._write_footer = write_footer
        self._own_file: Any = None
        self._target = target
        self._opened: Any = None
        self._closed = False
        if not lazy:
            self._open()
        _WRITERS.add(self)

    def _open(self) -> Any:
        # Lazily for files: a new sink for a path that an old sink still writes must not be
        # truncated before the old one has written its footer (rr.save twice on one path).
        if self._opened is None:
            target = self._target
            if not self._write_footer and isinstance(target, (str, os.PathLike)):
                self._own_file = target = Path(target).open("wb")
            self._opened = _open_writer(target)
        return self._opened

    @property
    def _writer(self) -> Any:
        return self._open()

    def _usable(self) -> bool:
        return not self._closed and os.getpid() == self._pid

    def send(self, msg: LogMsg) -> None:
        with self._lock:
            if self._usable():
                self._writer.write(msg)

    def flush(self) -> None:
        with self._lock:
            if self._usable():
                self._writer.flush()

    def close(self) -> None:
        with self._lock:
            if self._usable():
                self._closed = True
                if self._write_footer:
                    self._writer.close()
                else:  # an open-ended stream: no footer
                    self._writer.flush()
                    if self._own_file is not None:
                        self._own_file.close()


_WRITERS: weakref.WeakSet[_WriterSink] = weakref.WeakSet()


def _flush_writers_before_fork() -> None:
    # A child inherits our buffered file objects; empty their buffers now so that nothing the
    # parent wrote can be written a second time when the child's copies are finalized.
    for sink in list(_WRITERS):
        if sink._usable() and sink._lock.acquire(timeout=1.0):
            try:
                if sink._opened is not None:
                    sink._opened.flush()
            except Exception:  # a broken sink must not break fork()
                pass
            finally:
                sink._lock.release()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_flush_writers_before_fork)


_STOP = object()


class FileSink(_WriterSink):
    """Save the recording to an .rrd file (overwritten), with footer unless ``write_footer=False``.

    Encoding (Arrow IPC + LZ4, both GIL-free) and writing happen on a writer thread fed by a
    bounded queue, so logging overlaps with them; messages keep their order.
    """

    def __init__(self, path: str | os.PathLike[str], *, write_footer: bool = True) -> None:
        self.path = Path(path)
        parent = self.path.parent
        if not parent.is_dir():
            raise FileNotFoundError(
                f"cannot save to {str(self.path)!r}: directory {str(parent)!r} does not exist"
            )
        if self.path.is_dir():
            raise IsADirectoryError(f"cannot save to {str(self.path)!r}: it is a directory")
        super().__init__(self.path, write_footer=write_footer, lazy=True)
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=4)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def __repr__(self) -> str:
        return f"FileSink({str(self.path)!r})"

    def send(self, msg: LogMsg) -> None:
        if not self._usable():
            return
        if self._thread is None:
            with self._lock:
                self._open().flush()  # the file exists (header written) once save() returns
            self._thread = threading.Thread(target=self._run, name="rerun-file-sink", daemon=True)
            self._thread.start()
        self._queue.put(msg)

    def _run(self) -> None:
        while True:
            msg = self._queue.get()
            try:
                if msg is _STOP:
                    return
                if self._error is None:
                    with self._lock:
                        self._writer.write(msg)
            except BaseException as err:  # reported on flush/close, never kills logging
                self._error = err
            finally:
                self._queue.task_done()

    def _drain(self) -> None:
        if self._thread is not None and os.getpid() == self._pid and self._thread.is_alive():
            self._queue.join()
        if self._error is not None:
            err, self._error = self._error, None
            print(f"rerun: writing {self.path} failed: {err}", file=sys.stderr)

    def flush(self) -> None:
        self._drain()
        super().flush()

    def close(self) -> None:
        if self._usable() and self._thread is not None and self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join()
        self._drain()
        super().close()


class StdoutSink(_WriterSink):
    """Stream the recording to stdout (pipe it into ``rerun -``)."""

    def __init__(self, *, write_footer: bool = True) -> None:
        super().__init__(_StdoutTarget(), write_footer=write_footer)


class _StdoutTarget(io.RawIOBase):
    """Writes to whatever ``sys.stdout`` is at write time (pytest swaps it)."""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        out: Any = getattr(sys.stdout, "buffer", None) or sys.__stdout__.buffer  # type: ignore[union-attr]
        out.write(bytes(data))
        return len(data)

    def flush(self) -> None:
        out = getattr(sys.stdout, "buffer", None)
        if out is not None:
            out.flush()


class BinaryStreamSink(_WriterSink):
    """Encodes into memory; ``read()`` hands out the bytes produced since the last read."""

    def __init__(self) -> None:
        self._buf = bytearray()
        super().__init__(_ByteSinkTarget(self._buf), write_footer=False)

    def read(self) -> bytes:
        with self._lock:
            out = bytes(self._buf)
            del self._buf[:]
        return out


class _ByteSinkTarget(io.RawIOBase):
    def __init__(self, buf: bytearray) -> None:
        self._buf = buf

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._buf += data
        return len(data)


class StoreSink:
    """Insert into a ``StoreHub`` (notebook viewer, web viewer, gRPC server), or the chunks alone
    into one ``ChunkStore``."""

    def __init__(self, hub: StoreHub | ChunkStore) -> None:
        self.hub = hub

    def send(self, msg: LogMsg) -> None:
        if isinstance(self.hub, StoreHub):
            self.hub.insert(msg)
        elif isinstance(msg, ArrowMsg):
            self.hub.insert(msg.chunk)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


# --- 0.41's test hook: `_RERUN_TEST_FORCE_SAVE=<path>` ------------------------------------------

FORCE_SAVE_ENV = "_RERUN_TEST_FORCE_SAVE"


def forced_save_path() -> str | None:
    """The file every recording must write to, when Rerun's snippet-test hook is set.

    With it, each (enabled) recording opens a file sink at that path when created, and the
    public sink setters (``save``, ``stdout``, ``set_sinks``, ``connect_grpc``, ``serve_grpc``,
    ``spawn``) are ignored, so scripts that ``spawn`` a viewer run headless unchanged.
    ``memory_recording``, ``binary_stream`` and ``disconnect`` still switch sinks, as in 0.41.
    """
    return os.environ.get(FORCE_SAVE_ENV) or None


def ignored_because_forced(what: str) -> bool:
    """True (and a debug log) when a sink-setting call must be skipped under the hook."""
    if forced_save_path() is None:
        return False
    logging.getLogger("rerun").debug("Ignored call to `%s()` since %s is set", what, FORCE_SAVE_ENV)
    return True
