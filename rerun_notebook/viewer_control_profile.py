"""``capture_profile_trace``: a profile of the frames the viewer paints, written to a file.

Rerun 0.41 records a puffin profile of its next frames (Rust scopes) into a ``.puffin`` file. This
viewer is Python: it paints the frames itself (its first page's, as a screenshot does: prepare,
then render) with ``sys.setprofile`` tracing every call, and writes them in the Chrome trace event
format (JSON; ``chrome://tracing``, Perfetto and speedscope open it): one complete event (``ph: X``)
per frame and one per call that took at least ``MIN_CALL_US``, on the thread that painted it. The
answer and its checks are 0.41's: 1 to 300 frames (5 by default), the path made absolute, a file
that cannot be written refused as INTERNAL.
"""

from __future__ import annotations

import errno
import json
import os
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any

from rerun_core.proto.gen import viewer_control_pb2 as pb

DEFAULT_FRAMES = 5
MAX_FRAMES = 300
MAX_SECONDS = 15.0  # 0.41 waits at most this long for the frames
MIN_CALL_US = 20.0  # shorter calls are left out (the file would be mostly noise)


class _Tracer:
    """A ``sys.setprofile`` hook keeping each call's span as a Chrome trace event."""

    def __init__(self, t0: int, pid: int, tid: int) -> None:
        self.t0, self.pid, self.tid = t0, pid, tid
        self.events: list[dict[str, Any]] = []
        self._starts: list[int] = []

    def __call__(self, frame: FrameType, event: str, arg: Any) -> None:
        if event in ("call", "c_call"):
            self._starts.append(time.perf_counter_ns())
            return
        if event not in ("return", "c_return", "c_exception") or not self._starts:
            return
        end = time.perf_counter_ns()
        start = self._starts.pop()
        if (end - start) / 1000 < MIN_CALL_US:
            return
        if event == "return":
            code = frame.f_code
            name = code.co_qualname
            where = f"{code.co_filename}:{code.co_firstlineno}"
        else:
            name = getattr(arg, "__qualname__", None) or repr(arg)
            where = str(getattr(arg, "__module__", None) or "builtins")
        self.add(name, "python", start, end, {"location": where})

    def add(self, name: str, category: str, start: int, end: int, args: dict[str, Any]) -> None:
        self.events.append(
            {
                "name": name,
                "cat": category,
                "ph": "X",
                "ts": (start - self.t0) / 1000,
                "dur": (end - start) / 1000,
                "pid": self.pid,
                "tid": self.tid,
                "args": args,
            }
        )


def _paint(session: Any) -> None:
    session.prepare(time.monotonic())
    session.render()


def capture(session: Any, request: pb.CaptureProfileTraceRequest) -> pb.CaptureProfileTraceResponse:
    """Paint ``num_frames`` frames of ``session`` (or none if no page is open) under the tracer and
    write the trace to ``file_path``."""
    frames = request.num_frames if request.HasField("num_frames") else DEFAULT_FRAMES
    if not 1 <= frames <= MAX_FRAMES:
        raise ValueError(f"`num_frames` is {frames}, but has to be between 1 and {MAX_FRAMES}")
    t0 = time.perf_counter_ns()
    tracer = _Tracer(t0, os.getpid(), threading.get_ident())
    deadline = time.monotonic() + MAX_SECONDS
    painted = 0
    while painted < frames and time.monotonic() < deadline:
        start = time.perf_counter_ns()
        sys.setprofile(tracer)
        try:
            if session is not None:
                _paint(session)
        finally:
            sys.setprofile(None)
        painted += 1
        tracer.add(f"frame {painted}", "frame", start, time.perf_counter_ns(), {"frame_index": painted})
    trace = {
        "traceEvents": [
            {"name": "process_name", "ph": "M", "pid": tracer.pid, "args": {"name": "rerun viewer"}},
            {
                "name": "thread_name",
                "ph": "M",
                "pid": tracer.pid,
                "tid": tracer.tid,
                "args": {"name": "paint"},
            },
            *sorted(tracer.events, key=lambda e: (e["ts"], -e["dur"])),
        ],
        "displayTimeUnit": "ms",
        "otherData": {"num_frames": painted, "min_call_us": MIN_CALL_US},
    }
    path = Path(request.file_path).absolute() if request.file_path else None
    try:
        if path is None:
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT))
        path.write_text(json.dumps(trace))
    except OSError as err:
        import grpc

        from rerun_core.server.viewer_control import _Refused

        why = f"{err.strerror} (os error {err.errno})" if err.errno else str(err)
        raise _Refused(
            grpc.StatusCode.INTERNAL,
            f"Failed to save profile trace: {why}\nFile path: {request.file_path}",
        ) from None
    return pb.CaptureProfileTraceResponse(num_frames=painted, file_path=str(path))
