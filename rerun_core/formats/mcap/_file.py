"""An MCAP file in memory: its summary (read, or rebuilt by a scan with ``recover``) and its chunks."""

from __future__ import annotations

import functools
import io
import logging
import mmap
import os
import struct
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from mcap.reader import SeekingReader
from mcap.records import (
    Attachment,
    AttachmentIndex,
    Channel,
    Chunk,
    ChunkIndex,
    Header,
    Message,
    Metadata,
    MetadataIndex,
    Schema,
    Statistics,
)
from mcap.stream_reader import StreamReader, breakup_chunk

log = logging.getLogger("rerun.mcap")


class McapFileError(ValueError):
    """The file is not a readable MCAP file (one line, for the CLI)."""


@dataclass
class McapSummary:
    header: Header | None
    schemas: dict[int, Schema]
    channels: dict[int, Channel]
    chunk_indexes: list[ChunkIndex]
    statistics: Statistics | None
    attachment_indexes: list[AttachmentIndex] = field(default_factory=list)
    metadata_indexes: list[MetadataIndex] = field(default_factory=list)
    # Filled only by a recovering scan (the chunks themselves, no index to find them by).
    recovered_chunks: list[Chunk] = field(default_factory=list)
    recovered_attachments: list[Attachment] = field(default_factory=list)
    recovered_metadata: list[Metadata] = field(default_factory=list)
    reconstructed: bool = False


@dataclass(frozen=True, slots=True)
class ChunkRef:
    """One chunk of a file: its time range, the channels its message index lists (None: no
    index to tell) and how to read its messages."""

    start: int
    end: int
    channels: frozenset[int] | None
    load: Callable[[], list[Message]]

    def may_hold(self, channels: set[int] | frozenset[int]) -> bool:
        return self.channels is None or not self.channels.isdisjoint(channels)


def read_ahead(refs: list[ChunkRef]) -> Iterator[tuple[ChunkRef, list[Message]]]:
    """Each chunk's messages; the next chunk is read and decompressed on a helper thread while
    the caller works on this one (zstd and LZ4 release the GIL)."""
    if len(refs) < 2:
        for ref in refs:
            yield ref, ref.load()
        return
    with ThreadPoolExecutor(1, thread_name_prefix="mcap-read") as pool:
        ahead = pool.submit(refs[0].load)
        for i, ref in enumerate(refs):
            current = ahead
            if i + 1 < len(refs):
                ahead = pool.submit(refs[i + 1].load)
            yield ref, current.result()


class McapFile:
    """Reads the whole file into memory once (``mapped``: maps it, read-only, instead: no copy,
    and forked workers share the page cache's pages); chunks decompress on demand."""

    def __init__(self, source: str | Path | bytes, *, recover: bool = False, mapped: bool = False) -> None:
        self.name = "<bytes>" if isinstance(source, bytes) else str(source)
        self.data: bytes | mmap.mmap
        try:
            if isinstance(source, bytes):
                self.data = source
            else:
                self.data = _map(Path(source)) if mapped else Path(source).read_bytes()
        except OSError as err:
            raise McapFileError(f"cannot read {self.name}: {err.strerror or err}") from None
        if self.data[:8] != _MAGIC:
            raise McapFileError(f"{self.name}: not an MCAP file (bad magic)")
        self.recover = recover
        self.summary = self._read_summary()

    def _read_summary(self) -> McapSummary:
        try:
            return self._embedded_summary()
        except McapFileError as err:
            if not self.recover:
                raise
            why = str(err).removesuffix("; try --recover")
            log.warning(
                "Failed to read the MCAP summary (%s); reconstructing one from the readable part", why
            )
        return self._scan()

    def _embedded_summary(self) -> McapSummary:
        if len(self.data) < 8 or self.data[-8:] != _MAGIC:
            raise McapFileError(
                f"{self.name}: corrupt MCAP file (it does not end with the MCAP magic bytes: truncated?); "
                "try --recover"
            )
        try:
            with self._stream() as stream:
                reader = SeekingReader(stream)
                header = reader.get_header()
                s = reader.get_summary()
        except Exception as err:  # the parser raises struct.error, KeyError, ... on corrupt input
            raise McapFileError(f"{self.name}: corrupt MCAP file ({err}); try --recover") from None
        if s is None:
            raise McapFileError(f"{self.name}: MCAP file has no summary; try --recover")
        return McapSummary(
            header,
            dict(s.schemas),
            dict(s.channels),
            list(s.chunk_indexes),
            s.statistics,
            list(s.attachment_indexes),
            list(s.metadata_indexes),
        )

    def _scan(self) -> McapSummary:
        out = McapSummary(None, {}, {}, [], None, reconstructed=True)
        with self._stream() as stream:
            self._scan_into(out, StreamReader(stream, emit_chunks=True, skip_magic=False))
        out.statistics = _recovered_statistics(out)
        return out

    def _scan_into(self, out: McapSummary, reader: StreamReader) -> None:
        try:
            for rec in reader.records:
                if isinstance(rec, Header):
                    out.header = rec
                elif isinstance(rec, Schema):
                    out.schemas[rec.id] = rec
                elif isinstance(rec, Channel):
                    out.channels[rec.id] = rec
                elif isinstance(rec, Chunk):
                    try:
                        for inner in breakup_chunk(rec):
                            if isinstance(inner, Schema):
                                out.schemas[inner.id] = inner
                            elif isinstance(inner, Channel):
                                out.channels[inner.id] = inner
                    except Exception:  # a chunk cut short: dropped, as Rerun's recovery does
                        continue
                    out.recovered_chunks.append(rec)
                elif isinstance(rec, Attachment):
                    out.recovered_attachments.append(rec)
                elif isinstance(rec, Metadata):
                    out.recovered_metadata.append(rec)
        except Exception:  # the truncated tail ends the scan
            pass

    def _stream(self) -> BinaryIO:
        """The file as a stream for the ``mcap`` readers (a mapped file: opened again)."""
        return io.BytesIO(self.data) if isinstance(self.data, bytes) else open(self.name, "rb")

    @functools.cached_property
    def chunk_refs(self) -> list[ChunkRef]:
        """Every chunk of the file, in file order (not yet read)."""
        s = self.summary
        if s.reconstructed:
            return [
                ChunkRef(c.message_start_time, c.message_end_time, None, functools.partial(_messages, c))
                for c in s.recovered_chunks
            ]
        return [
            ChunkRef(
                ci.message_start_time,
                ci.message_end_time,
                frozenset(ci.message_index_offsets) or None,
                functools.partial(self._chunk_messages, ci),
            )
            for ci in sorted(s.chunk_indexes, key=lambda c: c.chunk_start_offset)
        ]

    def chunks(self) -> Iterator[tuple[int, int, list[Message]]]:
        """``(start_time, end_time, messages)`` for each chunk, in file order."""
        for ref, messages in read_ahead(self.chunk_refs):
            yield ref.start, ref.end, messages

    def indexed_chunk_messages(self) -> Iterator[list[Message]]:
        """Each chunk's messages in the summary's order (chunk index order, or as a scan found them)."""
        if self.summary.reconstructed:
            yield from map(_messages, self.summary.recovered_chunks)
        else:
            yield from map(self._chunk_messages, self.summary.chunk_indexes)

    def _chunk_messages(self, ci: ChunkIndex) -> list[Message]:
        compression, records, size = self._chunk_at(ci)
        return _records_messages(compression, records, size)

    def _chunk_at(self, ci: ChunkIndex) -> tuple[str, memoryview, int]:
        """The chunk record at an index entry, parsed in place: ``(compression, records,
        uncompressed_size)``, the records a view into the file (no copy before decompression)."""
        start, length = ci.chunk_start_offset, ci.chunk_length
        where = f"{self.name}: corrupt chunk at offset {start}"
        view = memoryview(self.data)[start : start + length]
        if len(view) < _CHUNK_HEAD.size + 4 or view[0] != _OP_CHUNK:
            raise McapFileError(f"{self.name}: no chunk at offset {start}")
        _op, rec_len, _start, _end, size, _crc, n = _CHUNK_HEAD.unpack_from(view, 0)
        pos = _CHUNK_HEAD.size
        if 9 + rec_len > len(view) or pos + n + 8 > len(view):
            raise McapFileError(f"{where} (record cut short)")
        try:
            compression = bytes(view[pos : pos + n]).decode("utf-8")
        except UnicodeDecodeError as err:
            raise McapFileError(f"{where} ({err})") from None
        (records_len,) = _U64.unpack_from(view, pos + n)
        pos += n + 8
        if pos + records_len > 9 + rec_len:
            raise McapFileError(f"{where} (records cut short)")
        return compression, view[pos : pos + records_len], size

    def message_counts(self) -> dict[int, int]:
        """Messages per channel (statistics when present, else counted)."""
        if self.summary.statistics is not None:
            return dict(self.summary.statistics.channel_message_counts)
        counts: dict[int, int] = {}
        for _s, _e, msgs in self.chunks():
            for m in msgs:
                counts[m.channel_id] = counts.get(m.channel_id, 0) + 1
        return counts

    def attachments(self) -> list[Attachment]:
        if self.summary.reconstructed:
            return list(self.summary.recovered_attachments)
        with self._stream() as stream:
            return list(SeekingReader(stream).iter_attachments())

    def metadata(self) -> list[Metadata]:
        if self.summary.reconstructed:
            return list(self.summary.recovered_metadata)
        with self._stream() as stream:
            return list(SeekingReader(stream).iter_metadata())


def _recovered_statistics(s: McapSummary) -> Statistics | None:
    """Statistics counted over what a recovering scan found (as Rerun rebuilds them)."""
    if not s.recovered_chunks and not s.channels:
        return None
    counts: dict[int, int] = {}
    start, end = None, None
    for chunk in s.recovered_chunks:
        for m in _messages(chunk):
            counts[m.channel_id] = counts.get(m.channel_id, 0) + 1
            start = m.log_time if start is None else min(start, m.log_time)
            end = m.log_time if end is None else max(end, m.log_time)
    return Statistics(
        message_count=sum(counts.values()),
        schema_count=len(s.schemas),
        channel_count=len(s.channels),
        attachment_count=len(s.recovered_attachments),
        metadata_count=len(s.recovered_metadata),
        chunk_count=len(s.recovered_chunks),
        message_start_time=start or 0,
        message_end_time=end or 0,
        channel_message_counts=counts,
    )


_MAGIC = b"\x89MCAP0\r\n"


def _map(path: Path) -> bytes | mmap.mmap:
    with path.open("rb") as f:
        if os.fstat(f.fileno()).st_size == 0:
            return b""
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


_RECORD = struct.Struct("<BQ")
_MESSAGE = struct.Struct("<HIQQ")


def _messages(chunk: Chunk) -> list[Message]:
    """The message records of a chunk record (one a recovering scan found)."""
    return _records_messages(chunk.compression, chunk.data, chunk.uncompressed_size)


def _records_messages(compression: str, records: bytes | memoryview, size: int) -> list[Message]:
    """The message records of a chunk, parsed straight from its decompressed bytes."""
    try:
        data = _decompress(compression, records, size)
    except Exception as err:
        raise McapFileError(f"corrupt MCAP chunk ({err})") from None
    out: list[Message] = []
    append = out.append
    unpack_record, unpack_message = _RECORD.unpack_from, _MESSAGE.unpack_from
    pos, end = 0, len(data)
    while pos < end:
        if end - pos < 9:
            raise McapFileError("corrupt MCAP chunk (record header cut short)")
        opcode, length = unpack_record(data, pos)
        pos += 9
        if pos + length > end:
            raise McapFileError("corrupt MCAP chunk (record cut short)")
        if opcode == _OP_MESSAGE:
            if length < 22:
                raise McapFileError("corrupt MCAP chunk (message record too short)")
            cid, seq, log_time, publish_time = unpack_message(data, pos)
            append(Message(cid, log_time, data[pos + 22 : pos + length], publish_time, seq))
        pos += length
    return out


_OP_MESSAGE = 0x05
_OP_CHUNK = 0x06
_CHUNK_HEAD = struct.Struct(
    "<BQQQQII"
)  # opcode, length, start, end, uncompressed size, crc, len(compression)
_U64 = struct.Struct("<Q")


def _decompress(compression: str, data: bytes | memoryview, size: int) -> bytes:
    if compression == "zstd":
        import zstandard

        return bytes(zstandard.decompress(data, size))
    if compression == "lz4":
        import lz4.frame

        return bytes(lz4.frame.decompress(data))
    if compression:
        raise ValueError(f"unsupported compression {compression!r}")
    return bytes(data)
