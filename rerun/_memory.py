"""``memory_recording()``: keep a recording's messages in memory, drain them as .rrd bytes."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from rerun_core.store.messages import LogMsg

from ._active_recording import get_data_recording
from ._recording_core import RecordingCore
from ._sink_types import BinaryStreamSink, MemorySink, _open_writer

if TYPE_CHECKING:
    from ._recording_stream import RecordingStream


class MemorySinkStorage:
    """Where a memory recording's messages are kept (0.41's ``PyMemorySinkStorage``): the sink,
    and the recording whose pending rows are flushed into it before it is read."""

    def __init__(self, sink: MemorySink, core: RecordingCore) -> None:
        self._sink = sink
        self._core = core

    def num_msgs(self) -> int:
        """Messages stored so far (pending rows are flushed first)."""
        self._core.flush()
        return len(self._sink)

    def drain(self) -> list[LogMsg]:
        """The stored log messages (``LogMsg`` values), removing them."""
        self._core.flush()
        return self._sink.drain()

    def drain_as_bytes(self) -> bytes:
        """The stored messages encoded as a complete .rrd file, removing them."""
        msgs = self.drain()
        buf = io.BytesIO()
        writer = _open_writer(buf)
        for msg in msgs:
            writer.write(msg)
        writer.close()
        return buf.getvalue()


class MemoryRecording:
    """Messages held in memory. ``drain_as_bytes()`` empties it into one .rrd stream."""

    def __init__(self, storage: MemorySinkStorage) -> None:
        self.storage = storage

    def num_msgs(self) -> int:
        """Messages stored so far (pending rows are flushed first)."""
        return self.storage.num_msgs()

    def drain(self) -> list[LogMsg]:
        """The stored log messages (``LogMsg`` values), removing them."""
        return self.storage.drain()

    def drain_as_bytes(self) -> bytes:
        """The stored messages encoded as a complete .rrd file, removing them."""
        return self.storage.drain_as_bytes()


class BinarySinkStorage:
    """Where a binary stream's encoded bytes wait to be read (0.41's ``PyBinarySinkStorage``)."""

    def __init__(self, sink: BinaryStreamSink, core: RecordingCore) -> None:
        self._sink = sink
        self._core = core

    def read(self, *, flush: bool = True, flush_timeout_sec: float = 1e38) -> bytes | None:
        if flush:
            self._core.flush()
        return self._sink.read()

    def flush(self, timeout_sec: float = 1e38) -> None:
        self._core.flush()


class BinaryStream:
    """Encoded .rrd bytes of a recording, read incrementally with ``read()``."""

    def __init__(self, storage: BinarySinkStorage) -> None:
        self.storage = storage

    def read(self, *, flush: bool = True, flush_timeout_sec: float = 1e38) -> bytes | None:
        """The bytes encoded since the last read (everything logged so far when ``flush``)."""
        return self.storage.read(flush=flush, flush_timeout_sec=flush_timeout_sec)

    def flush(self, timeout_sec: float = 1e38) -> None:
        """Encode every row logged so far, ready to be read."""
        self.storage.flush(timeout_sec)


def memory_recording(recording: RecordingStream | None = None) -> MemoryRecording:
    """Route the recording into memory (replaces its sinks) and return a handle to read it."""
    rec = get_data_recording(recording)
    if rec is None:
        raise RuntimeError("memory_recording: no active recording (call rr.init first)")
    return rec.memory_recording()
