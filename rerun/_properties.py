"""Recording properties: static data under ``/__properties`` (name, start time, user values).

The ``*_to(core, ...)`` functions are what ``RecordingStream``'s methods do; the module
functions are one-liners over the target recording.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa

from rerun_core.types.entity_path import format_entity_path

from ._active_recording import get_data_recording
from ._errors import catch_and_log_exceptions
from ._recording_core import PROPERTIES_PATH, RECORDING_NAME, START_TIME, RecordingCore
from ._rows import log_entity

if TYPE_CHECKING:
    from ._recording_stream import RecordingStream


@catch_and_log_exceptions("send_property", depth_to_user_code=2)
def send_property_to(core: RecordingCore, name: str, values: Any) -> None:
    """Log ``values`` (archetype or component batches) as the static property ``name``."""
    log_entity(core, format_entity_path(("__properties", str(name))), values, (), True, True)


def send_recording_name_to(core: RecordingCore, name: str) -> None:
    if not isinstance(name, str):
        raise TypeError(f"send_recording_name: name must be a str, got {type(name).__name__}")
    if core.enabled:
        core.log_row(PROPERTIES_PATH, {RECORDING_NAME: pa.array([name], pa.utf8())}, True)


def send_recording_start_time_nanos_to(core: RecordingCore, nanos: int) -> None:
    if core.enabled:
        core.log_row(PROPERTIES_PATH, {START_TIME: pa.array([int(nanos)], pa.int64())}, True)


def send_property(name: str, values: Any, recording: RecordingStream | None = None) -> None:
    """Log ``values`` (archetype or component batches) as the static property ``name``."""
    rec = get_data_recording(recording)
    if rec is not None:
        rec.send_property(name, values)


def send_recording_name(name: str, recording: RecordingStream | None = None) -> None:
    """Name the recording (shown by the viewer)."""
    rec = get_data_recording(recording)
    if rec is not None:
        rec.send_recording_name(name)


def send_recording_start_time_nanos(nanos: int, recording: RecordingStream | None = None) -> None:
    """Set the recording's start time (ns since the Unix epoch)."""
    rec = get_data_recording(recording)
    if rec is not None:
        rec.send_recording_start_time_nanos(nanos)
