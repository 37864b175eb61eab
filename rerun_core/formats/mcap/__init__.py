"""MCAP import as Rerun 0.41 does it: ROS 2 and raw channels become chunks of Rerun archetypes."""

from ._convert import ALL_DECODERS, McapOptions, application_id_for, iter_chunks, iter_log_msgs, store_id_for
from ._file import McapFile, McapFileError

__all__ = [
    "ALL_DECODERS",
    "McapFile",
    "McapFileError",
    "McapOptions",
    "application_id_for",
    "iter_chunks",
    "iter_log_msgs",
    "store_id_for",
]
