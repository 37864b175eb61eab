"""The .rrd codec: a streaming reader and a writer for Rerun 0.41 recordings.

``protocol`` converts LogMsg values to and from protobuf and is shared with the gRPC layer.
"""

from .errors import RrdError, RrdTruncatedError
from .footer import RrdManifest, decode_footer, read_footer
from .protocol import (
    arrow_msg_from_proto,
    arrow_msg_to_proto,
    dataframe_part_from_arrow,
    dataframe_part_to_table,
    decode_chunk_payload,
    encode_chunk,
    log_msg_from_proto,
    log_msg_to_bare_proto,
    log_msg_to_proto,
    store_id_from_proto,
    store_id_to_proto,
    store_info_from_proto,
    store_info_to_proto,
)
from .reader import decode_message, read_chunks, read_messages
from .writer import RrdWriter, write_rrd

__all__ = [
    "RrdError",
    "RrdManifest",
    "RrdTruncatedError",
    "RrdWriter",
    "arrow_msg_from_proto",
    "arrow_msg_to_proto",
    "dataframe_part_from_arrow",
    "dataframe_part_to_table",
    "decode_chunk_payload",
    "decode_footer",
    "decode_message",
    "encode_chunk",
    "log_msg_from_proto",
    "log_msg_to_bare_proto",
    "log_msg_to_proto",
    "read_chunks",
    "read_footer",
    "read_messages",
    "store_id_from_proto",
    "store_id_to_proto",
    "store_info_from_proto",
    "store_info_to_proto",
    "write_rrd",
]
