"""Recording properties: static data under ``/__properties`` (name, start time, user values)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from rerun_core.types.entity_path import format_entity_path

from ._errors import catch_and_log_exceptions
from ._log import log
from ._recording_core import PROPERTIES_PATH, RECORDING_NAME, START_TIME
from ._recording_stream import RecordingStream, get_data_recording


@catch_and_log_exceptions()
def send_property(name: str, values: Any, recording: RecordingStream | None = None) -> None:
    """Log ``values`` (archetype or component batches) as the static property ``name``."""
    path = format_entity_path(("__properties", str(name)))
    log(path, values, recording=recording, static=True, strict=True)


def _send_static(descriptor: Any, array: pa.Array, recording: RecordingStream | None) -> None:
    rec = get_data_recording(recording)
    if rec is not None and rec.is_enabled():
        rec._core.log_row(PROPERTIES_PATH, {descriptor: array}, True)


def send_recording_name(name: str, recording: RecordingStream | None = None) -> None:
    """Name the recording (shown by the viewer)."""
    if not isinstance(name, str):
        raise TypeError(f"send_recording_name: name must be a str, got {type(name).__name__}")
    _send_static(RECORDING_NAME, pa.array([name], pa.utf8()), recording)


def send_recording_start_time_nanos(nanos: int, recording: RecordingStream | None = None) -> None:
    """Set the recording's start time (ns since the Unix epoch)."""
    _send_static(START_TIME, pa.array([int(nanos)], pa.int64()), recording)
