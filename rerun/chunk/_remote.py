"""``LazyStore`` over a catalog segment: the manifest from GetRrdManifest, chunks by FetchChunks."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import pyarrow as pa

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import common_pb2, log_msg_pb2
from rerun_core.store.chunk import Chunk as CoreChunk
from rerun_core.store.rrd import RrdError, RrdManifest, dataframe_part_from_arrow, dataframe_part_to_table
from rerun_core.store.rrd.protocol import (
    CHUNK_POOL,
    ENCODING_ARROW_IPC,
    chunk_from_batch,
    decode_chunk_payload,
    store_id_from_proto,
    tuid_from_proto,
)

from ._lazy_store import LazyStore

if TYPE_CHECKING:
    from rerun.catalog._conn import Connection
    from rerun.catalog._types import EntryId

FETCH_BATCH = 256  # chunk keys per FetchChunks request


def _manifest(pb_manifest: log_msg_pb2.RrdManifest) -> RrdManifest:
    schema = pa.ipc.read_schema(pa.py_buffer(pb_manifest.sorbet_schema.arrow_schema))
    table = dataframe_part_to_table(pb_manifest.data)
    return RrdManifest(
        store_id_from_proto(pb_manifest.store_id), schema, pb_manifest.sorbet_schema_sha256, table
    )


def _decode(msg: log_msg_pb2.ArrowMsg) -> CoreChunk:
    if msg.encoding not in (ENCODING_ARROW_IPC, log_msg_pb2.ENCODING_UNSPECIFIED):
        raise RrdError(f"unknown ArrowMsg encoding {msg.encoding}")
    # Into the pool that keeps freed pages: a materialised segment faulted every chunk in afresh.
    batch = decode_chunk_payload(msg.payload, msg.compression, msg.uncompressed_size, memory_pool=CHUNK_POOL)
    chunk_id = tuid_from_proto(msg.chunk_id) if msg.HasField("chunk_id") else None
    return chunk_from_batch(batch, chunk_id=chunk_id)


def segment_store(conn: Connection, entry: EntryId, segment_id: str) -> LazyStore:
    """The segment's LazyStore: its manifest is fetched now, its chunks when streamed."""
    req = pb.GetRrdManifestRequest(segment_id=common_pb2.SegmentId(id=segment_id))
    responses = list(conn.stream("GetRrdManifest", req, entry=entry))
    if not responses:
        raise ValueError(f"the server sent no manifest for segment {segment_id!r}")
    manifest = _manifest(responses[0].rrd_manifest)
    if "chunk_key" not in manifest.table.column_names:
        raise ValueError(f"the manifest of segment {segment_id!r} has no chunk_key column")
    keys = manifest.table.select(["chunk_key"])

    def load(which: Sequence[int] | None) -> Iterator[CoreChunk]:
        rows = keys if which is None else keys.take(pa.array(list(which), pa.int64()))
        for start in range(0, rows.num_rows, FETCH_BATCH):
            part = rows.slice(start, FETCH_BATCH)
            fetch = pb.FetchChunksRequest(chunk_infos=[dataframe_part_from_arrow(part)])
            for resp in conn.stream("FetchChunks", fetch, entry=entry):
                for msg in resp.chunks:
                    yield _decode(msg)

    return LazyStore(manifest, load)
