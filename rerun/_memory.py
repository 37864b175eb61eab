"""``memory_recording()``: keep a recording's messages in memory, drain them as .rrd bytes."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from rerun_core.store.messages import LogMsg

from ._active_recording import get_data_recording
from ._recording_core import RecordingCore
from ._sink_types import MemorySink, _open_writer

if TYPE_CHECKING:
    from ._recording_stream import RecordingStream


class MemoryRecording:
    """Messages held in memory. ``drain_as_bytes()`` empties it into one .rrd stream."""

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


def memory_recording(recording: RecordingStream | None = None) -> MemoryRecording:
    """Route the recording into memory (replaces its sinks) and return a handle to read it."""
    rec = get_data_recording(recording)
    if rec is None:
        raise RuntimeError("memory_recording: no active recording (call rr.init first)")
    return rec.memory_recording()
