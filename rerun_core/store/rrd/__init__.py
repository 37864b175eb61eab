"""The .rrd codec: a streaming reader and a writer for Rerun 0.41 recordings.

``protocol`` converts LogMsg values to and from protobuf and is shared with the gRPC layer.
The names below load on first use (PEP 562): a writer (``rerun mcap convert``) does not
import the reader, its sources (urllib, http) nor the footer decoder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_getattr

_LAZY = {
    "RrdError": "errors",
    "RrdTruncatedError": "errors",
    "RrdManifest": "footer",
    "decode_footer": "footer",
    "read_footer": "footer",
    "arrow_msg_from_proto": "protocol",
    "arrow_msg_to_proto": "protocol",
    "dataframe_part_from_arrow": "protocol",
    "dataframe_part_to_table": "protocol",
    "decode_chunk_payload": "protocol",
    "encode_chunk": "protocol",
    "log_msg_from_proto": "protocol",
    "log_msg_to_bare_proto": "protocol",
    "log_msg_to_proto": "protocol",
    "store_id_from_proto": "protocol",
    "store_id_to_proto": "protocol",
    "store_info_from_proto": "protocol",
    "store_info_to_proto": "protocol",
    "decode_message": "reader",
    "read_chunks": "reader",
    "read_messages": "reader",
    "RrdWriter": "writer",
    "write_rrd": "writer",
}

if TYPE_CHECKING:
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
else:
    __getattr__ = lazy_getattr(__name__, _LAZY)


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
