"""The .rrd codec on synthetic data: round trips, sources, several stores, footer layout."""

from __future__ import annotations

import http.server
import io
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import lz4.block
import pyarrow as pa
import pytest
import xxhash
from rrd_samples import BP, REC, encode, same_messages, sample_messages, with_blueprint

from rerun_core.proto.gen import common_pb2, log_msg_pb2
from rerun_core.store.messages import ArrowMsg, BlueprintActivationCommand, SetStoreInfo, StoreInfo
from rerun_core.store.rrd import (
    RrdError,
    RrdWriter,
    dataframe_part_from_arrow,
    dataframe_part_to_table,
    decode_message,
    encode_chunk,
    log_msg_from_proto,
    log_msg_to_proto,
    read_footer,
    read_messages,
)
from rerun_core.store.rrd.frames import FOOTER_CRC_SEED


@pytest.mark.parametrize("compression", [True, False])
def test_round_trip_bytes(compression: bool) -> None:
    msgs = with_blueprint(sample_messages())
    data = encode(msgs, compression=compression)
    assert data[:4] == b"RRF2" and data[8] == (1 if compression else 0)
    assert same_messages(list(read_messages(data)), msgs)


def test_round_trip_path_and_file_object(tmp_path: Path) -> None:
    msgs = sample_messages()
    path = tmp_path / "a.rrd"
    with RrdWriter(path) as writer:
        for msg in msgs:
            writer.write(msg)
    assert same_messages(list(read_messages(path)), msgs)
    assert same_messages(list(read_messages(str(path))), msgs)
    with path.open("rb") as f:
        assert same_messages(list(read_messages(f)), msgs)


def test_reads_stdin(tmp_path: Path) -> None:
    path = tmp_path / "a.rrd"
    path.write_bytes(encode(sample_messages()))
    code = "from rerun_core.store.rrd import read_messages\nprint(sum(1 for _ in read_messages('-')))\n"
    with path.open("rb") as f:
        out = subprocess.run(
            [sys.executable, "-c", code], stdin=f, capture_output=True, text=True, timeout=60
        )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(len(sample_messages()))


@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*a, directory=str(tmp_path), **kw)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", tmp_path
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_reads_http_url(http_root: tuple[str, Path]) -> None:
    url, root = http_root
    msgs = sample_messages()
    (root / "a.rrd").write_bytes(encode(msgs))
    assert same_messages(list(read_messages(f"{url}/a.rrd")), msgs)


def test_concatenated_files_and_several_stores() -> None:
    a = with_blueprint(sample_messages())
    b = sample_messages(REC.__class__(REC.kind, "other", "app2"))
    out = list(read_messages(encode(a) + encode(b)))
    assert same_messages(out, a + b)
    assert {m.store_id for m in out} == {REC, BP, b[0].store_id}


def test_stream_without_footer_ends_cleanly() -> None:
    msgs = sample_messages()
    data = encode(msgs)
    end = _end_frame_offset(data)
    assert same_messages(list(read_messages(data[:end])), msgs)
    # and a second stream glued on without any End frame
    assert len(list(read_messages(data[:end] + data))) == 2 * len(msgs)


def _end_frame_offset(data: bytes) -> int:
    off, _, _ = struct.unpack_from("<QQI", data, len(data) - 32)
    return off - 16


def test_footer_layout_and_manifest() -> None:
    msgs = with_blueprint(sample_messages())
    data = encode(msgs)
    off, length, crc = struct.unpack_from("<QQI", data, len(data) - 32)
    assert data[-12:-4] == b"RRF2FOOT" and struct.unpack("<I", data[-4:])[0] == 1
    kind, frame_len = struct.unpack_from("<QQ", data, off - 16)
    assert (kind, frame_len) == (0, length)
    body = data[off : off + length]
    assert xxhash.xxh32_intdigest(body, seed=FOOTER_CRC_SEED) == crc
    footer = log_msg_pb2.RrdFooter.FromString(body)
    assert [m.store_id.recording_id for m in footer.manifests] == ["rec", "bp"]
    manifest = footer.manifests[0]
    assert len(manifest.sorbet_schema_sha256) == 32
    part = manifest.data
    table = pa.ipc.open_stream(
        lz4.block.decompress(part.payload, uncompressed_size=part.uncompressed_size)
    ).read_all()
    chunks = [m for m in msgs if isinstance(m, ArrowMsg) and m.store_id == REC]
    assert table.num_rows == len(chunks)
    assert table.column("chunk_num_rows").to_pylist() == [m.chunk.num_rows for m in chunks]
    assert table.column("chunk_is_static").to_pylist() == [m.chunk.is_static for m in chunks]
    assert table.column("TextDocument:text:has_static_data").to_pylist() == [True, False, False, False]
    # chunk_byte_offset/size point at the ArrowMsg frame bodies
    for offset, size, msg in zip(
        table.column("chunk_byte_offset").to_pylist(), table.column("chunk_byte_size").to_pylist(), chunks
    ):
        pb = log_msg_pb2.ArrowMsg.FromString(data[offset : offset + size])
        assert pb.chunk_id.time_ns == msg.chunk.id.time_ns and pb.chunk_id.inc == msg.chunk.id.inc
    # per-component ranges skip null rows: chunk 2 logged positions at frames [1, 2, 6] with row 0 null
    assert table.column("frame:Points3D:positions:start").to_pylist()[2] == 2
    assert table.column("frame:Points3D:positions:num_rows").to_pylist() == [0, 3, 2, 3]
    assert table.column("frame:start").to_pylist() == [None, 0, 1, 2]


def test_arrow_msg_always_carries_chunk_id_and_is_static() -> None:
    data = encode(sample_messages())
    off = 12
    seen = 0
    while True:
        kind, length = struct.unpack_from("<QQ", data, off)
        if kind == 0:
            break
        if kind == 2:
            pb = log_msg_pb2.ArrowMsg.FromString(data[off + 16 : off + 16 + length])
            assert pb.HasField("chunk_id") and pb.HasField("is_static")
            seen += 1
        off += 16 + length
    assert seen == 4


def test_log_msg_proto_round_trip() -> None:
    for msg in with_blueprint(sample_messages()):
        pb = log_msg_to_proto(msg)
        back = log_msg_from_proto(log_msg_pb2.LogMsg.FromString(pb.SerializeToString()))
        assert same_messages([back], [msg])
    assert isinstance(
        log_msg_from_proto(log_msg_to_proto(BlueprintActivationCommand(BP))), BlueprintActivationCommand
    )


def test_store_info_keeps_source_extra_and_version() -> None:
    msg = sample_messages()[0]
    assert isinstance(msg, SetStoreInfo)
    msg = SetStoreInfo(msg.row_id, StoreInfo(msg.store_id))
    (back,) = read_messages(encode([msg]))
    assert isinstance(back, SetStoreInfo)
    assert back.info.store_version == (0, 41, 0, 0)
    assert back.info.store_source.extra  # filled with the PythonVersion, as the real SDK does
    pb = log_msg_pb2.SetStoreInfo()
    pb.CopyFrom(log_msg_to_proto(back).set_store_info)
    assert pb.info.store_version.crate_version_bits == 10496
    assert log_msg_from_proto(pb) == back


def test_writer_to_pipe_like_object_counts_positions() -> None:
    class Pipe(io.RawIOBase):
        def __init__(self) -> None:
            self.buf = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, b) -> int:  # type: ignore[no-untyped-def,override]
            self.buf += bytes(b)
            return len(b)

    pipe = Pipe()
    msgs = sample_messages()
    with RrdWriter(pipe) as writer:  # type: ignore[arg-type]
        for msg in msgs:
            writer.write(msg)
    assert same_messages(list(read_messages(bytes(pipe.buf))), msgs)
    assert writer.bytes_written == len(pipe.buf)


def test_read_footer_finds_manifests_and_checks_crc(tmp_path: Path) -> None:
    msgs = with_blueprint(sample_messages())
    path = tmp_path / "a.rrd"
    path.write_bytes(encode(msgs))
    manifests = read_footer(path)
    assert manifests is not None
    assert [m.store_id for m in manifests] == [REC, BP]
    assert manifests[0].table.num_rows == sum(isinstance(m, ArrowMsg) and m.store_id == REC for m in msgs)
    assert "/points/0:Points3D:positions" in manifests[0].sorbet_schema.names
    data = bytearray(path.read_bytes())
    off = _end_frame_offset(bytes(data)) + 16
    data[off + 5] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(RrdError, match="checksum"):
        read_footer(path)
    path.write_bytes(bytes(data[: off - 16]))
    assert read_footer(path) is None


def test_decode_message_from_grpc_bytes() -> None:
    for msg in with_blueprint(sample_messages()):
        pb = log_msg_to_proto(msg)
        which = pb.WhichOneof("msg")
        kind = {"set_store_info": 1, "arrow_msg": 2, "blueprint_activation_command": 3}[which]
        body = getattr(pb, which).SerializeToString()
        assert same_messages([decode_message(kind, body)], [msg])
    with pytest.raises(RrdError, match="kind"):
        decode_message(7, b"")
    with pytest.raises(RrdError, match="ARROW_MSG"):
        decode_message(2, b"\xff\xff")


@pytest.mark.parametrize("compression", [True, False])
def test_dataframe_part_round_trip(compression: bool) -> None:
    table = pa.table({"rerun_segment_id": ["a", "b"], "n": pa.array([1, 2], pa.uint64())})
    part = dataframe_part_from_arrow(table, compression=compression)
    assert part.compression == (2 if compression else 1)
    assert dataframe_part_to_table(common_pb2.DataframePart.FromString(part.SerializeToString())).equals(
        table
    )
    part.payload = part.payload[:-3]
    with pytest.raises(RrdError, match="DataframePart"):
        dataframe_part_to_table(part)


def test_chunk_id_from_arrow_msg_fills_a_schema_without_one() -> None:
    from rerun_core.store.rrd.protocol import arrow_msg_from_proto, arrow_msg_to_proto

    msg = sample_messages()[2]
    assert isinstance(msg, ArrowMsg)
    meta = {k: v for k, v in msg.chunk.batch.schema.metadata.items() if k != b"rerun:id"}
    pb = arrow_msg_to_proto(msg)
    payload, size = encode_chunk(msg.chunk.batch.replace_schema_metadata(meta))
    pb.payload, pb.uncompressed_size = payload, size
    assert arrow_msg_from_proto(pb).chunk.id == msg.chunk.id
    body = pb.SerializeToString()
    stream = encode([])[:12] + struct.pack("<QQ", 2, len(body)) + body
    (read_back,) = read_messages(stream)
    assert isinstance(read_back, ArrowMsg) and read_back.chunk.id == msg.chunk.id
