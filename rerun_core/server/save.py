"""`--save`: received messages into an .rrd file, as they came, without re-encoding chunks.

An `ArrowMsg` frame of an .rrd file holds the same protobuf message a `WriteMessagesRequest`
wraps, so the received bytes are written verbatim. The chunk is still decoded (zero-copy apart
from LZ4 output, freed at once) for the footer's manifest and to refuse a corrupt payload. This
keeps one received chunk from costing four more copies (protobuf parse, Arrow decode, IPC
re-encode, LZ4) on its way to the disk: the memory a `--server-memory-limit` bounds is then the
replay buffer plus one chunk in flight.
"""

from __future__ import annotations

from rerun_core.proto.gen import common_pb2
from rerun_core.store.rrd import protocol
from rerun_core.store.rrd._wire import parse_arrow_msg
from rerun_core.store.rrd.frames import FRAME_HEADER_SIZE, MessageKind, encode_frame_header
from rerun_core.store.rrd.writer import RrdWriter

from .codec import decode_wire
from .wire import MsgKind, WireMsg


class WireRrdWriter(RrdWriter):
    """An `RrdWriter` that also takes routed wire messages (`write_wire`)."""

    def __enter__(self) -> WireRrdWriter:
        return self

    def write_wire(self, wire: WireMsg) -> None:
        """Append one received message; raises (and writes nothing) when it does not decode."""
        if wire.kind != MsgKind.ARROW_MSG:
            self.write(decode_wire(wire))  # store infos and blueprint commands: small
            return
        if self._closed:
            raise ValueError("write to a closed RrdWriter")
        raw = parse_arrow_msg(wire.inner)
        if raw.encoding not in (protocol.ENCODING_ARROW_IPC, 0):
            raise ValueError(f"unknown ArrowMsg encoding {raw.encoding}")
        batch = protocol.decode_chunk_payload(raw.payload, raw.compression, raw.uncompressed_size)
        chunk = protocol.chunk_from_batch(batch, chunk_id=raw.chunk_id)
        store_id = protocol.store_id_from_proto(common_pb2.StoreId.FromString(raw.store_id))
        size = raw.uncompressed_size or len(raw.payload)
        body_offset = self._pos + FRAME_HEADER_SIZE
        self._write(encode_frame_header(MessageKind.ARROW_MSG, len(wire.inner)))
        self._write(wire.inner)
        self._manifest(store_id).add(chunk, body_offset, len(wire.inner), size)
        del chunk, batch
