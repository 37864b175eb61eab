"""Streaming .rrd reader: frames in, LogMsg values out, one message in memory at a time.

Handles several stores in one stream and concatenated streams (``cat a.rrd b.rrd``): after an
End frame and its trailer a new stream header may follow. Streams without a footer (live
``--save``) end cleanly after their last whole frame.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pyarrow as pa
from google.protobuf.message import DecodeError

from rerun_core.proto.gen import common_pb2, log_msg_pb2

from ..messages import ArrowMsg, LogMsg, StoreId
from . import protocol
from ._wire import parse_arrow_msg
from .errors import RrdError, RrdTruncatedError
from .frames import (
    FOOTER_MAGIC,
    FRAME_HEADER_SIZE,
    HEADER_SIZE,
    MAGIC,
    TRAILER_ENTRY_SIZE,
    MessageKind,
    parse_frame_header,
    parse_header,
    parse_trailer_entry,
)
from .sources import ByteSource, BytesSource, RrdSource, open_source

if TYPE_CHECKING:
    from concurrent.futures import Future

MAX_FRAME_LEN = 1 << 40  # 1 TiB: anything larger is a corrupt length field
# Entries of one stream footer (Rerun writes exactly one; more is allowed by the format). Counted
# in entries from the trailer's start: the End frame's body before it may be of any size.
_MAX_TRAILER_ENTRIES = 1 << 16
# Bytes (compressed + declared uncompressed) that parallel decoding may hold ahead of the consumer.
MAX_BYTES_AHEAD = 256 << 20


def read_messages(
    source: RrdSource,
    *,
    validate: bool = True,
    threads: int = 1,
    on_offset: Callable[[int], None] | None = None,
    strict_lz4: bool = False,
    max_chunk_bytes: int = protocol.MAX_UNCOMPRESSED_BYTES,
    memory_pool: pa.MemoryPool | None = protocol.CHUNK_POOL,
) -> Iterator[LogMsg]:
    """Yield every message of an .rrd stream, in order.

    ``source``: a path, ``bytes``, a binary file object, ``"-"`` (stdin) or an http(s) URL.
    ``validate`` checks every Arrow payload fully (so corrupt offsets can never be touched)
    and each chunk's sorbet structure; the O(rows) sortedness checks stay in ``Chunk.validate``.
    ``threads`` > 1 decodes that many messages at once (LZ4 and Arrow IPC release the GIL);
    order, errors and their offsets are the same as with one thread; at most ``MAX_BYTES_AHEAD``
    bytes (compressed plus declared uncompressed) are decoded ahead. ``on_offset`` (for progress
    bars) gets the byte offset read up to, before each message is yielded. ``strict_lz4`` walks
    every LZ4 block first (slow; for ``rrd verify``: the C decoder accepts a zero match offset).
    A chunk declaring more than ``max_chunk_bytes`` uncompressed is refused before allocation.
    ``memory_pool``: where chunks are decompressed (None: Arrow's default pool); the default
    keeps freed pages, so a file loaded into a store does not fault every chunk in afresh.
    Raises ``RrdError`` (with ``.offset``) on bad input and ``RrdTruncatedError`` when the data
    ends inside a header or message, after yielding every complete message before it.
    """
    src = open_source(source)
    try:
        dec = _Decoder(
            src, validate, strict_lz4=strict_lz4, max_chunk_bytes=max_chunk_bytes, memory_pool=memory_pool
        )
        msgs = dec.messages() if threads <= 1 else dec.messages_parallel(threads)
        if on_offset is None:
            yield from msgs
            return
        for msg in msgs:
            on_offset(src.offset)
            yield msg
    finally:
        src.close()


def iter_frames(source: RrdSource) -> Iterator[tuple[MessageKind, bytes | memoryview, int]]:
    """Every message frame of a stream as ``(kind, body, body offset)``, undecoded.

    For indexing a file without a footer: the offsets are where a later ranged read finds
    each body. Errors as ``read_messages``.
    """
    src = open_source(source)
    try:
        yield from _Decoder(src, validate=False)._frames()
    finally:
        src.close()


class _Decoder:
    def __init__(
        self,
        src: ByteSource,
        validate: bool,
        store_ids: dict[bytes, StoreId] | None = None,
        *,
        strict_lz4: bool = False,
        max_chunk_bytes: int = protocol.MAX_UNCOMPRESSED_BYTES,
        memory_pool: pa.MemoryPool | None = None,
    ) -> None:
        self.src = src
        self.memory_pool = memory_pool
        self.validate = validate
        self.strict_lz4 = strict_lz4
        self.max_chunk_bytes = max_chunk_bytes
        self._store_ids: dict[bytes, StoreId] = {} if store_ids is None else store_ids
        self._stream_start = 0
        # Called with (stream start, End body offset, End body) for each footer, before its
        # trailer is read: how ``rrd verify`` checks a footer against the frames.
        self.on_footer: Callable[[int, int, bytes | memoryview], None] | None = None

    def _read_exact(self, n: int, what: str, offset: int) -> bytes | memoryview:
        left = self.src.remaining()
        if left is not None and n > left:
            raise RrdTruncatedError(f"truncated .rrd: {what} needs {n} bytes, only {left} left", offset)
        data = self.src.read(n)
        if len(data) < n:
            raise RrdTruncatedError(f"truncated .rrd: {what} needs {n} bytes, only {len(data)} left", offset)
        return data

    @property
    def stream_start(self) -> int:
        """Offset of the current stream's header (footer offsets count from it)."""
        return self._stream_start

    def frames(self) -> Iterator[tuple[MessageKind, bytes | memoryview, int]]:
        return self._frames()

    def decode(self, kind: MessageKind, body: bytes | memoryview, offset: int) -> LogMsg:
        return self._decode(kind, body, offset)

    def messages(self) -> Iterator[LogMsg]:
        for kind, body, offset in self._frames():
            yield self._decode(kind, body, offset)

    def messages_parallel(self, threads: int, max_bytes_ahead: int = MAX_BYTES_AHEAD) -> Iterator[LogMsg]:
        """As ``messages``, decoding up to ``2 * threads`` frames ahead on a thread pool.

        The look-ahead is also bounded by bytes: a frame is only submitted while the frames in
        flight (compressed plus declared uncompressed size) stay under ``max_bytes_ahead``, so
        a file of LZ4 bombs is decoded one bomb at a time.
        """
        # Imported here: concurrent.futures registers an atexit hook on import, which fails when
        # the codec is first imported while the interpreter shuts down (an SDK's final flush).
        from concurrent.futures import ThreadPoolExecutor

        pending: deque[tuple[Future[LogMsg], int]] = deque()
        in_flight = 0
        frames = self._frames()
        with ThreadPoolExecutor(threads, thread_name_prefix="rrd-decode") as pool:
            try:
                while True:
                    try:
                        kind, body, offset = next(frames)
                    except StopIteration:
                        break
                    except RrdError:
                        # A framing error comes after the messages already queued.
                        while pending:
                            yield pending.popleft()[0].result()
                        raise
                    cost = _decode_cost(kind, body)
                    while pending and (len(pending) >= 2 * threads or in_flight + cost > max_bytes_ahead):
                        fut, done_cost = pending.popleft()
                        in_flight -= done_cost
                        yield fut.result()
                    pending.append((pool.submit(self._decode, kind, body, offset), cost))
                    in_flight += cost
                while pending:
                    yield pending.popleft()[0].result()
            finally:
                for fut, _ in pending:
                    fut.cancel()

    def _frames(self) -> Iterator[tuple[MessageKind, bytes | memoryview, int]]:
        """Every message frame's (kind, body, body offset), header and footer skipped."""
        if not self._read_stream_header(first=True):
            return
        while True:
            offset = self.src.offset
            head = self.src.read(FRAME_HEADER_SIZE)
            if len(head) == 0:
                return  # a stream without footer ends after its last whole frame
            if bytes(head[:4]) == MAGIC:  # a concatenated stream, no End frame before it
                self.src.unread(head)
                self._read_stream_header(first=False)
                continue
            if len(head) < FRAME_HEADER_SIZE:
                raise RrdTruncatedError("truncated .rrd: incomplete frame header", offset)
            kind, length = parse_frame_header(head)
            if kind not in MessageKind._value2member_map_:
                raise RrdError(f"unknown frame kind {kind}", offset)
            if length > MAX_FRAME_LEN:
                raise RrdError(f"implausible frame length {length}", offset + 8)
            body = self._read_exact(length, f"{MessageKind(kind).name} frame", offset)
            if kind == MessageKind.END:
                if self.on_footer is not None:
                    self.on_footer(self._stream_start, offset + FRAME_HEADER_SIZE, body)
                if not self._after_end(offset, length):
                    return
                continue
            yield MessageKind(kind), body, offset + FRAME_HEADER_SIZE

    def _read_stream_header(self, *, first: bool) -> bool:
        offset = self.src.offset
        head = self.src.read(HEADER_SIZE)
        if len(head) == 0:
            if first:
                raise RrdTruncatedError("empty input: no .rrd stream header", offset)
            return False
        if len(head) < HEADER_SIZE:
            n = min(len(head), 4)
            if bytes(head[:n]) != MAGIC[:n]:
                raise RrdError(
                    f"not an .rrd stream: expected magic {MAGIC!r}, found {bytes(head[:4])!r}", offset
                )
            raise RrdTruncatedError("truncated .rrd: incomplete stream header", offset)
        parse_header(head, offset)
        self._stream_start = offset  # trailer offsets count from here
        return True

    def _after_end(self, end_offset: int, body_len: int) -> bool:
        """Skip the footer trailer after an End frame; False at the end of the data."""
        offset = self.src.offset
        peek = bytes(self.src.read(8))
        if not peek:
            return False  # an End frame without trailer (older writers)
        if peek[:4] == MAGIC and peek != FOOTER_MAGIC:
            self.src.unread(peek)  # the next concatenated stream starts here
            return self._read_stream_header(first=False)
        entries = 0
        while peek != FOOTER_MAGIC:
            entry = peek + bytes(self._read_exact(TRAILER_ENTRY_SIZE - len(peek), "footer trailer", offset))
            body_offset, length, _crc = parse_trailer_entry(entry)
            expected = end_offset + FRAME_HEADER_SIZE - self._stream_start
            if entries == 0 and (body_offset != expected or length != body_len):
                raise RrdError("unexpected bytes after the End frame (not a footer trailer)", offset)
            entries += 1
            if entries > _MAX_TRAILER_ENTRIES:
                raise RrdError(
                    f"footer trailer never ends (more than {_MAX_TRAILER_ENTRIES} entries)", offset
                )
            offset = self.src.offset
            peek = bytes(self._read_exact(8, "footer trailer", offset))
        count = int.from_bytes(self._read_exact(4, "footer trailer", offset + 8), "little")
        if count != entries:
            raise RrdError(f"footer trailer has {entries} entries but says {count}", offset + 8)
        return self._read_stream_header(first=False)

    # --- messages ---------------------------------------------------------------------

    def _decode(self, kind: MessageKind, body: bytes | memoryview, offset: int) -> LogMsg:
        try:
            if kind == MessageKind.ARROW_MSG:
                return self._arrow_msg(memoryview(body))
            if kind == MessageKind.SET_STORE_INFO:
                return protocol.set_store_info_from_proto(log_msg_pb2.SetStoreInfo.FromString(bytes(body)))
            pb = log_msg_pb2.BlueprintActivationCommand.FromString(bytes(body))
            return protocol.blueprint_activation_from_proto(pb)
        except RrdError as exc:
            if exc.offset is not None:
                raise
            raise type(exc)(f"{kind.name} message: {exc.detail}", offset) from None
        except (DecodeError, ValueError, TypeError) as exc:
            raise RrdError(f"corrupt {kind.name} protobuf: {exc}", offset) from None

    def _store_id(self, raw: bytes) -> StoreId:
        sid = self._store_ids.get(raw)
        if sid is None:
            sid = protocol.store_id_from_proto(common_pb2.StoreId.FromString(raw))
            if len(self._store_ids) < 1024:
                self._store_ids[raw] = sid
        return sid

    def _arrow_msg(self, body: memoryview) -> ArrowMsg:
        raw = parse_arrow_msg(body)
        if raw.encoding not in (0, protocol.ENCODING_ARROW_IPC):
            raise RrdError(f"unknown ArrowMsg encoding {raw.encoding}")
        batch = protocol.decode_chunk_payload(
            raw.payload,
            raw.compression,
            raw.uncompressed_size,
            validate=self.validate,
            strict_lz4=self.strict_lz4,
            max_bytes=self.max_chunk_bytes,
            memory_pool=self.memory_pool,
        )
        chunk = protocol.chunk_from_batch(batch, validate=self.validate, chunk_id=raw.chunk_id)
        size = raw.uncompressed_size if raw.compression == protocol.COMPRESSION_LZ4 else len(raw.payload)
        return ArrowMsg(self._store_id(raw.store_id), chunk, (len(raw.payload), size))


def _decode_cost(kind: MessageKind, body: bytes | memoryview) -> int:
    """Bytes a frame may take once decoded: its body plus an ArrowMsg's declared size."""
    if kind != MessageKind.ARROW_MSG:
        return len(body)
    try:
        return len(body) + parse_arrow_msg(memoryview(body)).uncompressed_size
    except RrdError:
        return len(body)  # the decode reports it, in order


_SHARED_STORE_IDS: dict[bytes, StoreId] = {}


def decode_message(kind: int, body: bytes | memoryview, *, validate: bool = True) -> LogMsg:
    """Decode one bare message (an .rrd frame body, or a gRPC ``LogMsg`` oneof's bytes).

    ``kind``: 1 SetStoreInfo, 2 ArrowMsg, 3 BlueprintActivationCommand. ArrowMsg takes the fast
    path (payload not copied). Raises RrdError; offsets are relative to ``body``.
    """
    if kind not in (1, 2, 3):
        raise RrdError(f"unknown message kind {kind}")
    return _Decoder(BytesSource(b""), validate, _SHARED_STORE_IDS)._decode(MessageKind(kind), body, 0)


def read_chunks(source: RrdSource, *, validate: bool = True) -> Iterator[tuple[StoreId, pa.RecordBatch]]:
    """Only the chunks, as ``(store id, record batch)``: a convenience for bulk loads."""
    for msg in read_messages(source, validate=validate):
        if isinstance(msg, ArrowMsg):
            yield msg.store_id, msg.chunk.batch
