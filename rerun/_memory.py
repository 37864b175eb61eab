"""``memory_recording()``: keep a recording's messages in memory, drain them as .rrd bytes."""

from __future__ import annotations

from typing import Any

from ._recording_stream import RecordingStream, _memory_sink, get_data_recording
from ._sink_types import MemorySink


class MemoryRecording:
    """Messages held in memory. ``drain_as_bytes()`` empties it into one .rrd stream."""

    def __init__(self, sink: MemorySink, recording: RecordingStream) -> None:
        self._sink = sink
        self._rec = recording

    def num_msgs(self) -> int:
        """Messages stored so far (pending rows are flushed first)."""
        self._rec.flush()
        return len(self._sink)

    def drain(self) -> list[Any]:
        """The stored log messages (``LogMsg`` values), removing them."""
        self._rec.flush()
        return self._sink.drain()

    def drain_as_bytes(self) -> bytes:
        """The stored messages encoded as a complete .rrd file, removing them."""
        import io

        from ._sink_types import _open_writer

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
    return MemoryRecording(_memory_sink(rec), rec)
