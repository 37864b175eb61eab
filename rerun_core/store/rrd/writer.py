"""RrdWriter: LogMsg values -> an .rrd stream that the real Rerun 0.41 tools accept.

The footer (End frame + RrdFooter with one manifest per store + trailer) is written on close;
until then the file is a valid footer-less stream, like a live ``--save``. Positions are
counted by us, so the target may be a pipe (stdout).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from ..messages import ArrowMsg, LogMsg, SetStoreInfo, StoreId
from . import protocol
from ._wire import encode_arrow_msg
from .frames import FRAME_HEADER_SIZE, MessageKind, encode_frame_header, encode_header, encode_trailer
from .manifest import ManifestBuilder, footer_proto

_KINDS = {
    "SetStoreInfo": MessageKind.SET_STORE_INFO,
    "BlueprintActivationCommand": MessageKind.BLUEPRINT_ACTIVATION_COMMAND,
}


class RrdWriter:
    """Write messages to ``target`` (a path or binary file object); LZ4 on by default."""

    def __init__(self, target: str | os.PathLike[str] | BinaryIO, *, compression: bool = True) -> None:
        if isinstance(target, str | os.PathLike):
            self._f: BinaryIO = Path(target).open("wb")
            self._owned = True
        else:
            self._f = target
            self._owned = False
        self.compression = compression
        self._pos = 0
        self._closed = False
        self._manifests: dict[StoreId, ManifestBuilder] = {}
        self._store_id_bytes: dict[StoreId, bytes] = {}
        self._write(encode_header(compression=compression))

    @property
    def bytes_written(self) -> int:
        return self._pos

    def _write(self, data: bytes | memoryview) -> None:
        self._f.write(data)
        self._pos += len(data)

    def _manifest(self, store_id: StoreId) -> ManifestBuilder:
        builder = self._manifests.get(store_id)
        if builder is None:
            builder = self._manifests[store_id] = ManifestBuilder(store_id)
        return builder

    def write(self, msg: LogMsg) -> None:
        if self._closed:
            raise ValueError("write to a closed RrdWriter")
        if isinstance(msg, ArrowMsg):
            self._write_arrow(msg)
            return
        if isinstance(msg, SetStoreInfo):
            self._manifest(msg.store_id)
        body = protocol.log_msg_to_bare_proto(msg).SerializeToString()
        self._write(encode_frame_header(_KINDS[type(msg).__name__], len(body)) + body)

    def write_all(self, msgs: Iterable[LogMsg]) -> None:
        for msg in msgs:
            self.write(msg)

    def _write_arrow(self, msg: ArrowMsg) -> None:
        chunk = msg.chunk
        payload, size = protocol.encode_chunk(chunk, compression=self.compression)
        sid = self._store_id_bytes.get(msg.store_id)
        if sid is None:
            sid = self._store_id_bytes[msg.store_id] = protocol.store_id_to_proto(
                msg.store_id
            ).SerializeToString()
        before, after = encode_arrow_msg(
            sid,
            chunk.id,
            protocol.COMPRESSION_LZ4 if self.compression else protocol.COMPRESSION_NONE,
            size,
            protocol.ENCODING_ARROW_IPC,
            len(payload),
            chunk.is_static,
        )
        body_len = len(before) + len(payload) + len(after)
        body_offset = self._pos + FRAME_HEADER_SIZE
        self._write(encode_frame_header(MessageKind.ARROW_MSG, body_len) + before)
        self._write(payload)
        self._write(after)
        self._manifest(msg.store_id).add(chunk, body_offset, body_len, size)

    def flush(self) -> None:
        self._f.flush()

    def close(self) -> None:
        """Write the footer and close (a path target) or flush (a file object). Idempotent."""
        if self._closed:
            return
        self._closed = True
        body = footer_proto(list(self._manifests.values())).SerializeToString()
        body_offset = self._pos + FRAME_HEADER_SIZE
        self._write(encode_frame_header(MessageKind.END, len(body)) + body)
        self._write(encode_trailer(body_offset, body))
        self._f.flush()
        if self._owned:
            self._f.close()

    def __enter__(self) -> RrdWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def write_rrd(
    target: str | os.PathLike[str] | BinaryIO, msgs: Iterable[LogMsg], *, compression: bool = True
) -> None:
    """Write every message of ``msgs`` to ``target`` and close it with a footer."""
    with RrdWriter(target, compression=compression) as writer:
        writer.write_all(msgs)
