"""Fetched chunks decompress into the reader's own memory pool (one that keeps freed pages, so
reads do not fault in every chunk afresh): the chunk is the same as ``decode_chunk_payload``'s,
and a payload it does not plainly accept still gets ``decode_chunk_payload``'s own error."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pytest

from rerun.catalog import _reader
from rerun_core.proto.gen import log_msg_pb2
from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.store.rrd import RrdError
from rerun_core.store.rrd.protocol import (
    COMPRESSION_LZ4,
    COMPRESSION_NONE,
    ENCODING_ARROW_IPC,
    decode_chunk_payload,
    encode_chunk,
)
from rerun_core.types import ComponentDescriptor, TimeType
from rerun_core.types.tuid import TuidGenerator


def _chunk(rows: int = 5000) -> Chunk:
    ids = TuidGenerator()
    desc = ComponentDescriptor("Scalars:scalars", "rerun.archetypes.Scalars", "rerun.components.Scalar")
    offsets = pa.array(np.arange(rows + 1, dtype=np.int32))
    values = pa.ListArray.from_arrays(offsets, pa.array(np.arange(rows, dtype=np.float64)))
    return Chunk.from_columns(
        "/scalars",
        timelines=[TimeColumn.from_values("frame", TimeType.SEQUENCE, np.arange(rows, dtype=np.int64))],
        components={desc: values},
        chunk_id=ids.new(),
        row_ids=ids.new_block(rows),
    )


def _msg(payload: bytes, size: int, compression: int = COMPRESSION_LZ4) -> log_msg_pb2.ArrowMsg:
    return log_msg_pb2.ArrowMsg(
        payload=payload, compression=compression, uncompressed_size=size, encoding=ENCODING_ARROW_IPC
    )


def test_a_chunk_decodes_as_decode_chunk_payload_does() -> None:
    payload, size = encode_chunk(_chunk())
    data, compression = _reader._inflated(payload, COMPRESSION_LZ4, size)
    assert compression == COMPRESSION_NONE and isinstance(data, pa.Buffer) and data.size == size
    stats = _reader.ReadStats()
    chunk = _reader._decode(_msg(payload, size), stats)
    assert chunk.batch.equals(decode_chunk_payload(payload, COMPRESSION_LZ4, size))
    assert (stats.chunks, stats.chunk_bytes) == (1, len(payload))


def test_uncompressed_chunks_pass_through() -> None:
    payload, size = encode_chunk(_chunk(), compression=False)
    assert _reader._inflated(payload, COMPRESSION_NONE, size) == (payload, COMPRESSION_NONE)
    chunk = _reader._decode(_msg(payload, size, COMPRESSION_NONE), _reader.ReadStats())
    assert chunk.batch.num_rows == 5000


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda p, n: (p, n * 1000), "implausible uncompressed size"),
        (lambda p, n: (b"\xff" * len(p), n), "bad LZ4 block"),
        (lambda p, n: (p[: len(p) // 2], n), "bad LZ4 block"),
    ],
)
def test_bad_payloads_get_decode_chunk_payloads_errors(
    mangle: Callable[[bytes, int], tuple[bytes, int]], message: str
) -> None:
    payload, size = encode_chunk(_chunk())
    bad, declared = mangle(payload, size)
    assert _reader._inflated(bad, COMPRESSION_LZ4, declared) == (bad, COMPRESSION_LZ4)
    with pytest.raises(RrdError, match=message):
        _reader._decode(_msg(bad, declared), _reader.ReadStats())


@pytest.mark.parametrize("which", ["catalog reader", "segment store"])
def test_fetched_chunks_live_in_the_shared_chunk_pool(which: str) -> None:
    """The catalog reader and ``segment_store()`` decompress into the pool the file reader
    uses (``CHUNK_POOL``); the chunk is the same as decoded into Arrow's default pool."""
    import gc

    from rerun.chunk import _remote
    from rerun_core.store.rrd.protocol import CHUNK_POOL

    payload, size = encode_chunk(_chunk())
    gc.collect()
    before = CHUNK_POOL.bytes_allocated()
    if which == "catalog reader":
        chunk = _reader._decode(_msg(payload, size), _reader.ReadStats())
    else:
        chunk = _remote._decode(_msg(payload, size))
    assert CHUNK_POOL.bytes_allocated() - before >= size
    assert chunk.batch.equals(decode_chunk_payload(payload, COMPRESSION_LZ4, size))
    del chunk
    assert CHUNK_POOL.bytes_allocated() == before
