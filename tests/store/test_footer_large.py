"""Footers of large files read back: 100k chunks (a footer of megabytes) and offsets past 4 GiB.

The >4 GiB file is sparse: one ArrowMsg carries a ~4.3 GiB unknown protobuf field (a hole on
disk, skipped unread by the reader, which maps the file), so the next chunk, the End frame and
the trailer sit past 4 GiB while the file takes a few kilobytes of disk.
"""

from __future__ import annotations

import struct
from dataclasses import replace
from pathlib import Path

import pytest
from rrd_samples import PY311, REC, points_chunk

from rerun.cli.rrd_verify import verify_source
from rerun_core.store.chunk import Chunk
from rerun_core.store.messages import ArrowMsg, SetStoreInfo, StoreId, StoreInfo, StoreKind, StoreSource
from rerun_core.store.rrd import RrdWriter, protocol, read_footer, read_messages
from rerun_core.store.rrd._wire import encode_arrow_msg, encode_varint
from rerun_core.store.rrd.footer import read_footer_ranges
from rerun_core.store.rrd.frames import (
    FRAME_HEADER_SIZE,
    MessageKind,
    encode_frame_header,
    encode_header,
    encode_trailer,
)
from rerun_core.store.rrd.manifest import ManifestBuilder, footer_proto
from rerun_core.types import new_tuid

HOLE = (4 << 30) + (300 << 20)  # the unknown field's length: 4.3 GiB


def _write_many(path: Path, n: int) -> list[bytes]:
    """``n`` one-row chunks written with the writer's framing; returns their chunk ids.

    One payload (its schema without ``rerun:id``, so each ArrowMsg's chunk_id names it) and one
    manifest entry copied per chunk: 100k chunks in seconds rather than minutes.
    """
    chunk = points_chunk("/p", [1])
    meta = {k: v for k, v in (chunk.batch.schema.metadata or {}).items() if k != b"rerun:id"}
    payload, size = protocol.encode_chunk(chunk.batch.replace_schema_metadata(meta))
    builder = ManifestBuilder(REC)
    builder.add(chunk, 0, 0, size)
    template = builder.entries.pop()
    sid = protocol.store_id_to_proto(REC).SerializeToString()
    info = protocol.set_store_info_to_proto(
        SetStoreInfo(new_tuid(), StoreInfo(REC, StoreSource(extra=PY311)))
    )
    info_body = info.SerializeToString()
    ids = [new_tuid() for _ in range(n)]
    with path.open("wb") as f:
        f.write(encode_header() + encode_frame_header(MessageKind.SET_STORE_INFO, len(info_body)) + info_body)
        for tuid in ids:
            before, after = encode_arrow_msg(sid, tuid, 2, size, 1, len(payload), False)
            body = before + payload + after
            offset = f.tell() + FRAME_HEADER_SIZE
            f.write(encode_frame_header(MessageKind.ARROW_MSG, len(body)) + body)
            builder.entries.append(
                replace(template, chunk_id=tuid.to_bytes(), byte_offset=offset, byte_size=len(body))
            )
        footer = footer_proto([builder]).SerializeToString()
        end_offset = f.tell() + FRAME_HEADER_SIZE
        f.write(
            encode_frame_header(MessageKind.END, len(footer)) + footer + encode_trailer(end_offset, footer)
        )
    return [t.to_bytes() for t in ids]


@pytest.mark.slow
def test_100k_chunks_read_back(tmp_path: Path) -> None:
    path = tmp_path / "many.rrd"
    ids = _write_many(path, 100_000)
    end_len = struct.unpack_from("<QQ", path.read_bytes()[-32:])[1]
    assert end_len > 1_310_720  # the footer alone is past the old 1.3 MB limit
    got = [
        m.chunk.id.to_bytes()
        for m in read_messages(path, validate=False, threads=2)
        if isinstance(m, ArrowMsg)
    ]
    assert got == ids
    manifests = read_footer(path)
    assert manifests is not None and manifests[0].table.column("chunk_id").to_pylist() == ids


def test_footer_of_megabytes_read_back(tmp_path: Path) -> None:
    """A footer past the old 1.3 MB limit, cheaply: a 2 MB recording id is in every manifest."""
    store = StoreId(StoreKind.RECORDING, "r" * (2 << 20), "app")
    path = tmp_path / "big_footer.rrd"
    with RrdWriter(path) as writer:
        writer.write(SetStoreInfo(new_tuid(), StoreInfo(store, StoreSource(extra=PY311))))
        for i in range(3):
            writer.write(ArrowMsg(store, points_chunk("/p", [i])))
    assert struct.unpack_from("<QQ", path.read_bytes()[-32:])[1] > 2 << 20
    assert sum(isinstance(m, ArrowMsg) for m in read_messages(path, threads=2)) == 3
    manifests = read_footer(path)
    assert manifests is not None and manifests[0].table.num_rows == 3
    assert verify_source(str(path), check_footers=True) == []


def _sparse_file(path: Path) -> tuple[int, int, Chunk]:
    """Write the sparse >4 GiB file; returns (its size, second chunk's body offset, that chunk)."""
    first, second = points_chunk("/p", [1]), points_chunk("/p", [2])
    builder = ManifestBuilder(REC)
    sid = protocol.store_id_to_proto(REC).SerializeToString()
    info = protocol.set_store_info_to_proto(
        SetStoreInfo(new_tuid(), StoreInfo(REC, StoreSource(extra=PY311)))
    )
    info_body = info.SerializeToString()
    with path.open("wb") as f:
        f.write(encode_header() + encode_frame_header(MessageKind.SET_STORE_INFO, len(info_body)) + info_body)
        payload, size = protocol.encode_chunk(first)
        before, after = encode_arrow_msg(sid, first.id, 2, size, 1, len(payload), False)
        pad = encode_varint(15 << 3 | 2) + encode_varint(HOLE)  # unknown field 15, 4.3 GiB of zeros
        body_len = len(before) + len(payload) + len(after) + len(pad) + HOLE
        offset = f.tell() + FRAME_HEADER_SIZE
        f.write(encode_frame_header(MessageKind.ARROW_MSG, body_len) + before + payload + after + pad)
        builder.add(first, offset, body_len, size)
        f.seek(HOLE, 1)  # the hole
        payload, size = protocol.encode_chunk(second)
        before, after = encode_arrow_msg(sid, second.id, 2, size, 1, len(payload), False)
        second_offset = f.tell() + FRAME_HEADER_SIZE
        body = before + payload + after
        f.write(encode_frame_header(MessageKind.ARROW_MSG, len(body)) + body)
        builder.add(second, second_offset, len(body), size)
        footer = footer_proto([builder]).SerializeToString()
        end_offset = f.tell() + FRAME_HEADER_SIZE
        f.write(
            encode_frame_header(MessageKind.END, len(footer)) + footer + encode_trailer(end_offset, footer)
        )
        return f.tell(), second_offset, second


def test_offsets_past_4gib_read_back(tmp_path: Path) -> None:
    path = tmp_path / "sparse.rrd"
    size, second_offset, second = _sparse_file(path)
    assert size > 4 << 30 and second_offset > 4 << 30
    assert path.stat().st_blocks * 512 < 64 << 20  # sparse: the hole takes no disk
    chunks = [m.chunk for m in read_messages(path) if isinstance(m, ArrowMsg)]
    assert [c.id for c in chunks][1] == second.id and chunks[1].batch.equals(second.batch)
    manifests = read_footer(path)
    assert manifests is not None
    table = manifests[0].table
    assert table.column("chunk_byte_offset").to_pylist()[1] == second_offset
    # Our verify checks that index against the frames: offsets past 4 GiB line up.
    assert verify_source(str(path), check_footers=True) == []


class _Synthetic:
    """A 5 GiB object that is a trailer + footer at its end and zeros before (ranged reads)."""

    def __init__(self, total: int) -> None:
        builder = ManifestBuilder(REC)
        chunk = points_chunk("/p", [1])
        builder.add(chunk, total - (1 << 20), 1000, 2000)  # a chunk just before the footer
        self.footer = footer_proto([builder]).SerializeToString()
        self.footer_at = total - 32 - len(self.footer)
        self.tail = self.footer + encode_trailer(self.footer_at, self.footer)
        self.total = total
        self.chunk = chunk

    def size(self) -> int:
        return self.total

    def read_range(self, offset: int, length: int) -> bytes:
        start = self.total - len(self.tail)
        assert offset >= start, "only the trailer and the footer are read"
        return self.tail[offset - start : offset - start + length]


def test_trailer_arithmetic_past_4gib_synthetic() -> None:
    obj = _Synthetic(5 << 30)
    assert obj.footer_at > 4 << 30
    manifests = read_footer_ranges(obj)
    assert manifests is not None
    row = manifests[0].table.to_pylist()[0]
    assert row["chunk_byte_offset"] == (5 << 30) - (1 << 20) and row["chunk_id"] == obj.chunk.id.to_bytes()
