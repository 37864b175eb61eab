"""LogMsg values <-> Rerun 0.41 protobuf messages (files and gRPC share this).

An ``ArrowMsg`` carries one chunk as an Arrow IPC stream (schema, one record batch, end marker),
optionally LZ4-compressed as a raw block with no size prefix; the uncompressed size travels in
the message. ``chunk_id`` and ``is_static`` are always set: the real tools need them.
"""

from __future__ import annotations

import struct
import sys
from typing import TypeAlias

import lz4.block
import pyarrow as pa
from google.protobuf.message import Message

from rerun_core.proto.gen import common_pb2, log_msg_pb2
from rerun_core.types import TimeType, Tuid

from ..chunk import ROW_ID_COLUMN, Chunk, ChunkError
from ..messages import (
    ArrowMsg,
    BlueprintActivationCommand,
    LogMsg,
    SetStoreInfo,
    StoreId,
    StoreInfo,
    StoreKind,
    StoreSource,
    StoreSourceKind,
)
from .errors import RrdError
from .lz4check import lz4_block_size
from .migrate import migrate_batch

COMPRESSION_NONE = common_pb2.COMPRESSION_NONE
COMPRESSION_LZ4 = common_pb2.COMPRESSION_LZ4
ENCODING_ARROW_IPC = log_msg_pb2.ENCODING_ARROW_IPC

# LZ4 cannot expand data more than ~255x (one 255 length byte per 255 output bytes): a larger
# claimed size is corruption, not data. This is the block's own bound, known before decoding.
_LZ4_MAX_RATIO = 256
# The largest chunk we decompress (declared uncompressed size): a bound on what one message may
# allocate, whatever its file claims. Real chunks are far smaller (the SDK batches ~8 MiB).
MAX_UNCOMPRESSED_BYTES = 1 << 30
_LZ4_RAW = pa.Codec("lz4_raw")


def _chunk_pool() -> pa.MemoryPool:
    """A pool that keeps freed pages for the next chunk: jemalloc (the system pool without it).

    Arrow's default (mimalloc) hands a decoded chunk's pages back to the OS soon after it is
    freed, so a reader whose chunks come and go faults every chunk's pages in afresh."""
    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc
        return pa.system_memory_pool()


CHUNK_POOL: pa.MemoryPool = _chunk_pool()  # readers decompress chunks here (``memory_pool=``)


# --- small values -------------------------------------------------------------------------


def tuid_to_proto(tuid: Tuid) -> common_pb2.Tuid:
    return common_pb2.Tuid(time_ns=tuid.time_ns, inc=tuid.inc)


def tuid_from_proto(pb: common_pb2.Tuid) -> Tuid:
    return Tuid(pb.time_ns, pb.inc)


def store_id_to_proto(store_id: StoreId) -> common_pb2.StoreId:
    return common_pb2.StoreId(
        kind=int(store_id.kind),
        recording_id=store_id.recording_id,
        application_id=common_pb2.ApplicationId(id=store_id.application_id),
    )


def store_id_from_proto(pb: common_pb2.StoreId, fallback_app_id: str = "") -> StoreId:
    kind = StoreKind(pb.kind) if pb.kind in (1, 2) else StoreKind.RECORDING
    app_id = pb.application_id.id if pb.HasField("application_id") else fallback_app_id
    return StoreId(kind, pb.recording_id, app_id)


def _version_to_bits(version: tuple[int, int, int, int]) -> int:
    return int(struct.unpack("<i", bytes(version))[0])


def _version_from_bits(bits: int) -> tuple[int, int, int, int]:
    a, b, c, d = struct.pack("<i", bits)
    return (a, b, c, d)


def _python_version_bytes() -> bytes:
    v = sys.version_info
    suffix = "" if v.releaselevel == "final" else f"{v.releaselevel[0]}{v.serial}".replace("c", "rc")
    return log_msg_pb2.PythonVersion(
        major=v.major, minor=v.minor, patch=v.micro, suffix=suffix
    ).SerializeToString()


def store_info_to_proto(info: StoreInfo) -> log_msg_pb2.StoreInfo:
    pb = log_msg_pb2.StoreInfo(store_id=store_id_to_proto(info.store_id))
    pb.store_source.kind = int(info.store_source.kind)
    # The real decoder requires `extra`; for the Python SDK it is the encoded PythonVersion.
    extra = info.store_source.extra
    if not extra and info.store_source.kind == StoreSourceKind.PYTHON_SDK:
        extra = _python_version_bytes()
    elif not extra and info.store_source.kind == StoreSourceKind.FILE:
        extra = log_msg_pb2.FileSource(kind=log_msg_pb2.FILE_SOURCE_KIND_SDK).SerializeToString()
    pb.store_source.extra.payload = extra
    if info.store_version is not None:
        pb.store_version.crate_version_bits = _version_to_bits(info.store_version)
    return pb


def store_info_from_proto(pb: log_msg_pb2.StoreInfo) -> StoreInfo:
    app_id = pb.application_id.id if pb.HasField("application_id") else ""
    kind = pb.store_source.kind
    source = StoreSource(
        kind=StoreSourceKind(kind) if kind in StoreSourceKind._value2member_map_ else StoreSourceKind.OTHER,
        extra=pb.store_source.extra.payload,
    )
    version = (
        _version_from_bits(pb.store_version.crate_version_bits) if pb.HasField("store_version") else None
    )
    return StoreInfo(store_id_from_proto(pb.store_id, app_id), source, version)


# --- chunks -------------------------------------------------------------------------------


def encode_chunk(chunk: Chunk | pa.RecordBatch, *, compression: bool = True) -> tuple[bytes, int]:
    """Arrow IPC stream of the chunk, LZ4-compressed if asked: ``(payload, uncompressed_size)``."""
    batch = chunk.batch if isinstance(chunk, Chunk) else chunk
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.schema) as writer:
        writer.write_batch(batch)
    ipc = sink.getvalue()
    if compression:
        return lz4.block.compress(ipc, store_size=False), ipc.size
    return ipc.to_pybytes(), ipc.size


def decode_chunk_payload(
    payload: bytes | memoryview,
    compression: int,
    uncompressed_size: int,
    *,
    validate: bool = True,
    strict_lz4: bool = False,
    max_bytes: int = MAX_UNCOMPRESSED_BYTES,
    memory_pool: pa.MemoryPool | None = None,
) -> pa.RecordBatch:
    """Inverse of :func:`encode_chunk`. Zero-copy apart from LZ4 output. Raises RrdError.

    The declared size is checked against ``max_bytes`` and the LZ4 bound before anything is
    allocated; ``strict_lz4`` also walks the block (exact size, no zero or out-of-range match
    offsets: what Rerun's decoder rejects and the C one lets through). ``memory_pool``: where
    the LZ4 output goes (Arrow's default pool when None; `CHUNK_POOL` reuses freed pages).
    """
    if compression == COMPRESSION_LZ4:
        if uncompressed_size > _LZ4_MAX_RATIO * len(payload) + 64:
            raise RrdError(f"implausible uncompressed size {uncompressed_size} for {len(payload)} LZ4 bytes")
        if uncompressed_size > max_bytes:
            raise RrdError(
                f"chunk declares {uncompressed_size} uncompressed bytes, over the {max_bytes} limit"
            )
        if strict_lz4:
            actual = lz4_block_size(payload, uncompressed_size)
            if actual != uncompressed_size:
                raise RrdError(
                    f"LZ4 block decompresses to {actual} bytes, not the declared {uncompressed_size}"
                )
        try:
            # Arrow's codec writes into its pooled (mimalloc) memory: ~3x faster than python-lz4
            # on large chunks, which pay fresh page faults on every call.
            data: pa.Buffer = _LZ4_RAW.decompress(
                pa.py_buffer(payload), decompressed_size=uncompressed_size, memory_pool=memory_pool
            )
        except (pa.ArrowException, OSError, ValueError, MemoryError) as exc:
            raise RrdError(f"bad LZ4 block in ArrowMsg: {exc}") from None
    elif compression in (COMPRESSION_NONE, common_pb2.COMPRESSION_UNSPECIFIED):
        if len(payload) > max_bytes:
            raise RrdError(f"chunk of {len(payload)} bytes, over the {max_bytes} limit")
        data = pa.py_buffer(payload)
    else:
        raise RrdError(f"unknown ArrowMsg compression {compression}")
    try:
        reader = pa.ipc.open_stream(data)
        batch = reader.read_next_batch()
        if validate:
            batch.validate(full=True)
    except (pa.ArrowException, StopIteration, ValueError, OSError) as exc:
        raise RrdError(f"corrupt Arrow IPC payload in ArrowMsg: {exc}") from None
    try:
        return migrate_batch(batch)
    except (pa.ArrowException, ValueError, TypeError, IndexError) as exc:
        raise RrdError(f"cannot migrate chunk from an older Rerun version: {exc}") from None


def chunk_from_batch(batch: pa.RecordBatch, *, validate: bool = True, chunk_id: Tuid | None = None) -> Chunk:
    """Wrap a decoded batch as a Chunk, checking its sorbet structure (schema-level, O(columns)).

    ``chunk_id`` (the ArrowMsg's) fills in a schema without ``rerun:id``. The O(rows)
    sortedness checks of ``Chunk.validate`` are left to callers that need them.
    """
    meta = batch.schema.metadata or {}
    if chunk_id is not None and b"rerun:id" not in meta and b"rerun.id" not in meta:
        batch = batch.replace_schema_metadata({**meta, b"rerun:id": f"chunk_{chunk_id}".encode()})
    chunk = Chunk(batch)
    try:
        _ = chunk.id, chunk.entity_path
        if validate:
            _check_structure(batch)
            _ = chunk.components, chunk.timelines  # metadata decodes; both are cached, no copies
    except (ChunkError, ValueError, TypeError) as exc:
        raise RrdError(f"ArrowMsg holds an invalid chunk: {exc}") from None
    return chunk


def _check_structure(batch: pa.RecordBatch) -> None:
    row_ids = 0
    for i, f in enumerate(batch.schema):
        kind = (f.metadata or {}).get(b"rerun:kind")
        if kind == b"control" or (kind is None and f.name == ROW_ID_COLUMN):
            row_ids += 1
            if f.type != pa.binary(16) or batch.column(i).null_count:
                raise ChunkError(f"row id column must be non-null fixed_size_binary[16], got {f.type}")
        elif kind in (b"index", b"time"):
            TimeType.from_arrow(f.type)
            if batch.column(i).null_count:
                raise ChunkError(f"index {f.name!r} has nulls")
        elif not (pa.types.is_list(f.type) or pa.types.is_large_list(f.type)):
            raise ChunkError(f"component {f.name!r} is not a list column: {f.type}")
    if row_ids != 1:
        raise ChunkError(f"chunk has {row_ids} row id columns, expected one")


# --- dataframe parts (footers, catalog responses) ------------------------------------------


def ipc_stream_bytes(schema: pa.Schema, batches: list[pa.RecordBatch] | tuple[()] = ()) -> bytes:
    """An Arrow IPC stream: schema, the batches, end marker (a schema alone when none)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, schema) as writer:
        for batch in batches:
            writer.write_batch(batch)
    return sink.getvalue().to_pybytes()


def dataframe_part_from_arrow(
    data: pa.Table | pa.RecordBatch, *, compression: bool = True
) -> common_pb2.DataframePart:
    """A ``DataframePart`` (Arrow IPC stream, LZ4 block by default), as Rerun sends tables.

    A table goes as one record batch: 0.41 reads only a part's first batch (a FetchChunks
    request of two batches got the first batch's chunks only from the real server)."""
    batches = data.combine_chunks().to_batches() if isinstance(data, pa.Table) else [data]
    ipc = ipc_stream_bytes(data.schema, batches)
    return common_pb2.DataframePart(
        encoder_version=common_pb2.ENCODER_VERSION_V0,
        payload=lz4.block.compress(ipc, store_size=False) if compression else ipc,
        compression=COMPRESSION_LZ4 if compression else COMPRESSION_NONE,
        uncompressed_size=len(ipc),
    )


def dataframe_part_to_table(part: common_pb2.DataframePart) -> pa.Table:
    """Inverse of :func:`dataframe_part_from_arrow`. Raises RrdError on bad content."""
    payload = part.payload
    try:
        if part.compression == COMPRESSION_LZ4:
            size = part.uncompressed_size
            if size > _LZ4_MAX_RATIO * len(payload) + 64:
                raise RrdError(f"implausible uncompressed size {size} for {len(payload)} LZ4 bytes")
            data = _LZ4_RAW.decompress(pa.py_buffer(payload), decompressed_size=size)
        else:
            data = pa.py_buffer(payload)
        return pa.ipc.open_stream(data).read_all()
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise RrdError(f"corrupt DataframePart: {exc}") from None


# --- messages -----------------------------------------------------------------------------


def arrow_msg_to_proto(msg: ArrowMsg, *, compression: bool = True) -> log_msg_pb2.ArrowMsg:
    payload, size = encode_chunk(msg.chunk, compression=compression)
    return log_msg_pb2.ArrowMsg(
        store_id=store_id_to_proto(msg.store_id),
        chunk_id=tuid_to_proto(msg.chunk.id),
        compression=COMPRESSION_LZ4 if compression else COMPRESSION_NONE,
        uncompressed_size=size,
        encoding=ENCODING_ARROW_IPC,
        payload=payload,
        is_static=msg.chunk.is_static,
    )


def arrow_msg_from_proto(pb: log_msg_pb2.ArrowMsg, *, validate: bool = True) -> ArrowMsg:
    if pb.encoding not in (ENCODING_ARROW_IPC, log_msg_pb2.ENCODING_UNSPECIFIED):
        raise RrdError(f"unknown ArrowMsg encoding {pb.encoding}")
    batch = decode_chunk_payload(pb.payload, pb.compression, pb.uncompressed_size, validate=validate)
    chunk_id = tuid_from_proto(pb.chunk_id) if pb.HasField("chunk_id") else None
    return ArrowMsg(
        store_id_from_proto(pb.store_id), chunk_from_batch(batch, validate=validate, chunk_id=chunk_id)
    )


def set_store_info_to_proto(msg: SetStoreInfo) -> log_msg_pb2.SetStoreInfo:
    return log_msg_pb2.SetStoreInfo(row_id=tuid_to_proto(msg.row_id), info=store_info_to_proto(msg.info))


def set_store_info_from_proto(pb: log_msg_pb2.SetStoreInfo) -> SetStoreInfo:
    return SetStoreInfo(tuid_from_proto(pb.row_id), store_info_from_proto(pb.info))


def blueprint_activation_to_proto(msg: BlueprintActivationCommand) -> log_msg_pb2.BlueprintActivationCommand:
    return log_msg_pb2.BlueprintActivationCommand(
        blueprint_id=store_id_to_proto(msg.blueprint_id),
        make_active=msg.make_active,
        make_default=msg.make_default,
    )


def blueprint_activation_from_proto(pb: log_msg_pb2.BlueprintActivationCommand) -> BlueprintActivationCommand:
    return BlueprintActivationCommand(store_id_from_proto(pb.blueprint_id), pb.make_active, pb.make_default)


# log_msg_pb2.SetStoreInfo | ArrowMsg | BlueprintActivationCommand
BareProto: TypeAlias = Message


def log_msg_to_bare_proto(msg: LogMsg, *, compression: bool = True) -> BareProto:
    """The message itself (as a file frame carries it), not wrapped in ``LogMsg``."""
    if isinstance(msg, ArrowMsg):
        return arrow_msg_to_proto(msg, compression=compression)
    if isinstance(msg, SetStoreInfo):
        return set_store_info_to_proto(msg)
    if isinstance(msg, BlueprintActivationCommand):
        return blueprint_activation_to_proto(msg)
    raise TypeError(f"not a log message: {type(msg).__name__}")


def log_msg_to_proto(msg: LogMsg, *, compression: bool = True) -> log_msg_pb2.LogMsg:
    """Wrap in the ``LogMsg`` oneof, as the gRPC transport sends it."""
    bare = log_msg_to_bare_proto(msg, compression=compression)
    if isinstance(bare, log_msg_pb2.ArrowMsg):
        return log_msg_pb2.LogMsg(arrow_msg=bare)
    if isinstance(bare, log_msg_pb2.SetStoreInfo):
        return log_msg_pb2.LogMsg(set_store_info=bare)
    return log_msg_pb2.LogMsg(blueprint_activation_command=bare)


def log_msg_from_proto(pb: log_msg_pb2.LogMsg | BareProto, *, validate: bool = True) -> LogMsg:
    """Accepts the ``LogMsg`` wrapper or a bare message. Raises RrdError on bad content."""
    if isinstance(pb, log_msg_pb2.LogMsg):
        which = pb.WhichOneof("msg")
        if which is None:
            raise RrdError("empty LogMsg")
        pb = getattr(pb, which)
    if isinstance(pb, log_msg_pb2.ArrowMsg):
        return arrow_msg_from_proto(pb, validate=validate)
    if isinstance(pb, log_msg_pb2.SetStoreInfo):
        return set_store_info_from_proto(pb)
    if isinstance(pb, log_msg_pb2.BlueprintActivationCommand):
        return blueprint_activation_from_proto(pb)
    raise TypeError(f"not a log message proto: {type(pb).__name__}")
