"""rerun-sdk 0.41's public module name for recording streams."""

from ._active_recording import _active as active_recording_stream
from ._active_recording import (
    get_application_id,
    get_data_recording,
    get_global_data_recording,
    get_recording_id,
    get_thread_local_data_recording,
    is_enabled,
    recording_stream_generator_ctx,
    set_global_data_recording,
    set_thread_local_data_recording,
)
from ._batcher import ChunkBatcherConfig
from ._init import thread_local_stream
from ._recording_stream import BinaryStream, RecordingStream, binary_stream
from ._sentinels import AUTO_INDEX

__all__ = [
    "AUTO_INDEX",
    "BinaryStream",
    "ChunkBatcherConfig",
    "RecordingStream",
    "active_recording_stream",
    "binary_stream",
    "get_application_id",
    "get_data_recording",
    "get_global_data_recording",
    "get_recording_id",
    "get_thread_local_data_recording",
    "is_enabled",
    "recording_stream_generator_ctx",
    "set_global_data_recording",
    "set_thread_local_data_recording",
    "thread_local_stream",
]
