"""RrdWriter: LogMsg values -> an .rrd stream that the real Rerun 0.41 tools accept.

The footer (End frame + RrdFooter with one manifest per store + trailer) is written on close;
until then the file is a valid footer-less stream, like a live ``--save``. Positions are
counted by us, so the target may be a pipe (stdout).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from ..chunk import Chunk
from ..messages import ArrowMsg, LogMsg, SetStoreInfo, StoreId
from . import protocol
from ._wire import encode_arrow_msg
from .frames import FRAME_HEADER_SIZE, MessageKind, encode_frame_header, encode_header, encode_trailer
from .manifest import ChunkFacts, ManifestBuilder, chunk_facts, footer_proto

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

    def _write(self, data: bytes | bytearray | memoryview) -> None:
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

    def _sid(self, store_id: StoreId) -> bytes:
        sid = self._store_id_bytes.get(store_id)
        if sid is None:
            sid = self._store_id_bytes[store_id] = store_id_bytes(store_id)
        return sid

    def _write_arrow(self, msg: ArrowMsg) -> None:
        head, payload, after, size = arrow_frame_parts(self._sid(msg.store_id), msg.chunk, self.compression)
        body_offset = self._pos + FRAME_HEADER_SIZE
        self._write(head)
        self._write(payload)
        self._write(after)
        body_len = len(head) - FRAME_HEADER_SIZE + len(payload) + len(after)
        self._manifest(msg.store_id).add(msg.chunk, body_offset, body_len, size)

    def write_frames(self, frames: EncodedFrames) -> None:
        """Chunks encoded elsewhere (:func:`encode_arrow_frames`, e.g. in another process)."""
        if self._closed:
            raise ValueError("write to a closed RrdWriter")
        if frames.compression != self.compression:
            raise ValueError("frames encoded with other compression settings than the writer's")
        base = self._pos
        for part in frames.parts:
            self._write(part)
        self._add_records(frames.store_id, frames.records, base)

    def place_frames(self, store_id: StoreId, records: list[EncodedRecord], length: int) -> int:
        """Frames of ``length`` bytes that someone else writes (another process, ``os.pwrite``)
        at the returned file offset; here the file (seekable, written from its start) skips them."""
        if self._closed:
            raise ValueError("write to a closed RrdWriter")
        where = self._f.seek(length, os.SEEK_CUR) - length  # (flushes what is buffered first)
        base, self._pos = self._pos, self._pos + length
        self._add_records(store_id, records, base)
        return where

    def _add_records(self, store_id: StoreId, records: list[EncodedRecord], base: int) -> None:
        builder = self._manifest(store_id)
        for rec in records:
            builder.add_facts(rec.facts, base + rec.body_offset, rec.body_len, rec.uncompressed_size)

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


def store_id_bytes(store_id: StoreId) -> bytes:
    return protocol.store_id_to_proto(store_id).SerializeToString()


def arrow_frame_parts(sid: bytes, chunk: Chunk, compression: bool) -> tuple[bytes, bytes, bytes, int]:
    """One ``ArrowMsg`` frame in three pieces (frame header + fields before the payload, the
    payload, fields after it) and the payload's uncompressed size; ``sid``: the encoded store id."""
    payload, size = protocol.encode_chunk(chunk, compression=compression)
    before, after = encode_arrow_msg(
        sid,
        chunk.id,
        protocol.COMPRESSION_LZ4 if compression else protocol.COMPRESSION_NONE,
        size,
        protocol.ENCODING_ARROW_IPC,
        len(payload),
        chunk.is_static,
    )
    head = encode_frame_header(MessageKind.ARROW_MSG, len(before) + len(payload) + len(after)) + before
    return head, payload, after, size


@dataclass(slots=True)
class EncodedRecord:
    """Where one frame's body lies in :attr:`EncodedFrames.parts` (as if joined), and its chunk's
    manifest facts."""

    body_offset: int
    body_len: int
    uncompressed_size: int
    facts: ChunkFacts


@dataclass(slots=True)
class EncodedFrames:
    """``ArrowMsg`` frames of one store, encoded back to back, for :meth:`RrdWriter.write_frames`."""

    store_id: StoreId
    compression: bool
    parts: list[bytes | bytearray]  # to be written back to back
    records: list[EncodedRecord]

    @property
    def length(self) -> int:
        return sum(len(p) for p in self.parts)


def encode_arrow_frames(
    store_id: StoreId, chunks: Iterable[Chunk], *, compression: bool = True
) -> EncodedFrames:
    """The frames :class:`RrdWriter` would write for ``chunks`` (in order), in pieces."""
    sid = store_id_bytes(store_id)
    parts: list[bytes | bytearray] = []
    records: list[EncodedRecord] = []
    pos = 0
    for chunk in chunks:
        head, payload, after, size = arrow_frame_parts(sid, chunk, compression)
        body_len = len(head) - FRAME_HEADER_SIZE + len(payload) + len(after)
        records.append(EncodedRecord(pos + FRAME_HEADER_SIZE, body_len, size, chunk_facts(chunk)))
        parts += (head, payload, after)
        pos += len(head) + len(payload) + len(after)
    return EncodedFrames(store_id, compression, parts, records)
