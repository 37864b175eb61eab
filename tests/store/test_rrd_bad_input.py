"""Bad .rrd input: clear errors naming the byte offset, every complete message before them."""

from __future__ import annotations

import contextlib
import struct

import lz4.block
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rrd_samples import encode, sample_messages

from rerun_core.proto.gen import log_msg_pb2
from rerun_core.store.chunk import ChunkError
from rerun_core.store.messages import ArrowMsg, LogMsg
from rerun_core.store.rrd import RrdError, RrdTruncatedError, read_messages

MSGS = sample_messages()
DATA = encode(MSGS)
DATA_RAW = encode(MSGS, compression=False)


def frames(data: bytes) -> list[tuple[int, int, int]]:
    """(offset, kind, len) of every frame up to and including End."""
    out, off = [], 12
    while off < len(data):
        kind, length = struct.unpack_from("<QQ", data, off)
        out.append((off, kind, length))
        if kind == 0:
            break
        off += 16 + length
    return out


def read_until_error(data: bytes) -> tuple[list[LogMsg], Exception | None]:
    got: list[LogMsg] = []
    try:
        for msg in read_messages(data):
            got.append(msg)
    except RrdError as exc:
        return got, exc
    return got, None


def test_truncated_file_yields_complete_messages_then_error() -> None:
    fr = frames(DATA)
    for i, (off, _kind, length) in enumerate(fr[:-1]):
        for cut in (off + 3, off + 16 + length // 2):  # inside the frame header, inside the body
            got, err = read_until_error(DATA[:cut])
            assert isinstance(err, RrdTruncatedError), cut
            assert err.offset == off
            assert len(got) == i
            assert "truncated" in str(err) and str(off) in str(err)


def test_truncated_inside_footer_is_reported() -> None:
    end_off = frames(DATA)[-1][0]
    got, err = read_until_error(DATA[: end_off + 40])
    assert len(got) == len(MSGS)
    assert isinstance(err, RrdTruncatedError)
    got, err = read_until_error(DATA[:-5])  # inside the trailer
    assert len(got) == len(MSGS) and isinstance(err, RrdTruncatedError)


def test_empty_and_short_input() -> None:
    with pytest.raises(RrdTruncatedError, match="empty"):
        list(read_messages(b""))
    with pytest.raises(RrdTruncatedError):
        list(read_messages(b"RRF2\x00)"))
    assert list(read_messages(DATA[:12])) == []


@pytest.mark.parametrize(
    ("header", "match", "offset"),
    [
        (b"PK\x03\x04" + DATA[4:12], "not an .rrd", 0),
        (b"RRF1" + DATA[4:12], "before Rerun 0.23", 0),
        (b"RRF2\x00\x16\x00\x00" + DATA[8:12], "0.22.0", 4),
        (b"RRF2\x00\x00\x00\x00" + DATA[8:12], "0.0.0", 4),
        (b"RRF2\x01\x00\x00\x00" + DATA[8:12], "unknown major", 4),
        (DATA[:8] + b"\x07\x02\x00\x00", "compression", 8),
        (DATA[:8] + b"\x01\x01\x00\x00", "serializer", 9),
    ],
)
def test_bad_header(header: bytes, match: str, offset: int) -> None:
    with pytest.raises(RrdError, match=match) as info:
        list(read_messages(header + DATA[12:]))
    assert info.value.offset == offset
    assert f"offset {offset}" in str(info.value)


def test_newer_minor_version_warns_but_reads() -> None:
    with pytest.warns(UserWarning, match="newer"):
        assert len(list(read_messages(b"RRF2\x00\x63\x00\x00" + DATA[8:]))) == len(MSGS)


def test_unknown_frame_kind() -> None:
    off = frames(DATA)[1][0]
    bad = DATA[:off] + struct.pack("<Q", 9) + DATA[off + 8 :]
    got, err = read_until_error(bad)
    assert len(got) == 1 and isinstance(err, RrdError) and err.offset == off
    assert "kind 9" in str(err)


def test_corrupt_protobuf_names_offset() -> None:
    off, _, length = frames(DATA)[0]
    bad = bytearray(DATA)
    bad[off + 16 : off + 16 + length] = b"\xff" * length
    got, err = read_until_error(bytes(bad))
    assert got == [] and isinstance(err, RrdError) and not isinstance(err, RrdTruncatedError)
    assert err.offset == off + 16 and "SET_STORE_INFO" in str(err)


def _arrow_frame(data: bytes) -> tuple[int, log_msg_pb2.ArrowMsg]:
    off, _, length = next(f for f in frames(data) if f[1] == 2)
    return off, log_msg_pb2.ArrowMsg.FromString(data[off + 16 : off + 16 + length])


def _replace_frame(data: bytes, off: int, pb: log_msg_pb2.ArrowMsg) -> bytes:
    _, length = struct.unpack_from("<QQ", data, off)
    body = pb.SerializeToString()
    return data[:off] + struct.pack("<QQ", 2, len(body)) + body + data[off + 16 + length :]


def test_bad_lz4_block() -> None:
    off, pb = _arrow_frame(DATA)
    pb.payload = b"\xf0" + pb.payload[1:40]
    got, err = read_until_error(_replace_frame(DATA, off, pb))
    assert len(got) == 1 and isinstance(err, RrdError)
    assert "LZ4" in str(err) and err.offset == off + 16


def test_implausible_uncompressed_size() -> None:
    off, pb = _arrow_frame(DATA)
    pb.uncompressed_size = 1 << 50
    _, err = read_until_error(_replace_frame(DATA, off, pb))
    assert isinstance(err, RrdError) and "implausible" in str(err)


def test_corrupt_arrow_payload() -> None:
    off, pb = _arrow_frame(DATA_RAW)
    payload = bytearray(pb.payload)
    payload[8:40] = b"\x55" * 32  # inside the schema flatbuffer
    pb.payload = bytes(payload)
    _, err = read_until_error(_replace_frame(DATA_RAW, off, pb))
    assert isinstance(err, RrdError) and "Arrow" in str(err) and err.offset == off + 16


def test_arrow_payload_that_is_not_a_chunk() -> None:
    import pyarrow as pa

    off, pb = _arrow_frame(DATA_RAW)
    sink = pa.BufferOutputStream()
    batch = pa.record_batch({"x": [1, 2]})
    with pa.ipc.new_stream(sink, batch.schema) as w:
        w.write_batch(batch)
    pb.payload = sink.getvalue().to_pybytes()
    pb.uncompressed_size = len(pb.payload)
    _, err = read_until_error(_replace_frame(DATA_RAW, off, pb))
    assert isinstance(err, RrdError) and "invalid chunk" in str(err)


def test_huge_frame_length_does_not_allocate_or_hang() -> None:
    off = frames(DATA)[1][0]
    bad = DATA[:off] + struct.pack("<QQ", 2, 1 << 39) + DATA[off + 16 :]
    _, err = read_until_error(bad)
    assert isinstance(err, RrdTruncatedError) and err.offset == off
    bad = DATA[:off] + struct.pack("<QQ", 2, 1 << 62) + DATA[off + 16 :]
    _, err = read_until_error(bad)
    assert isinstance(err, RrdError) and "implausible frame length" in str(err)


def test_truncated_stream_object_without_known_size() -> None:
    import io

    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def read(self, n: int = -1) -> bytes:
            return self._data.read(min(n, 7) if n >= 0 else 7)  # short reads, like a pipe

    cut = frames(DATA)[2][0] + 20
    got: list[LogMsg] = []
    with pytest.raises(RrdTruncatedError):
        for msg in read_messages(Pipe(DATA[:cut])):  # type: ignore[arg-type]
            got.append(msg)
    assert len(got) == 2


def _mutations(base: bytes) -> st.SearchStrategy[bytes]:
    def flip(args: tuple[int, int, bytes]) -> bytes:
        pos, n, junk = args
        pos %= len(base)
        return base[:pos] + junk[:n] + base[pos + n :]

    flips = st.tuples(st.integers(0, len(base)), st.integers(1, 16), st.binary(min_size=16, max_size=16)).map(
        flip
    )
    cuts = st.integers(0, len(base)).map(lambda n: base[:n])
    inserts = st.tuples(st.integers(0, len(base)), st.binary(min_size=1, max_size=64)).map(
        lambda a: base[: a[0]] + a[1] + base[a[0] :]
    )
    return st.one_of(
        flips, cuts, inserts, st.binary(max_size=256), st.binary(max_size=64).map(lambda b: base[:12] + b)
    )


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:.rrd written by Rerun")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_mutations(DATA), _mutations(DATA_RAW)))
def test_fuzz_decoder_only_raises_rrd_errors(data: bytes) -> None:
    got = 0
    try:
        for msg in read_messages(data):
            if isinstance(msg, ArrowMsg):
                msg.chunk.batch.validate(full=True)  # decoded buffers are safe to touch
                with contextlib.suppress(ChunkError):  # sortedness is the chunk's own check
                    msg.chunk.validate()
            got += 1
    except RrdError as exc:
        assert exc.offset is None or 0 <= exc.offset <= len(data)
    assert got <= 2 * len(MSGS)


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10_000), st.binary(min_size=1, max_size=32))
def test_fuzz_lz4_payloads(pos: int, junk: bytes) -> None:
    off, pb = _arrow_frame(DATA)
    payload = pb.payload
    pos %= len(payload)
    pb.payload = payload[:pos] + junk + payload[pos + len(junk) :]
    try:
        list(read_messages(_replace_frame(DATA, off, pb)))
    except RrdError:
        pass
    assert lz4.block is not None


def test_garbage_after_end_frame_is_an_error() -> None:
    end_off, _, length = frames(DATA)[-1]
    body_end = end_off + 16 + length
    got, err = read_until_error(DATA[:body_end] + bytes(20))
    assert len(got) == len(MSGS) and isinstance(err, RrdError) and "after the End frame" in str(err)
    got, err = read_until_error(DATA[:body_end] + DATA[body_end : body_end + 20])  # trailer cut short
    assert len(got) == len(MSGS) and isinstance(err, RrdTruncatedError)
    assert len(list(read_messages(DATA[:body_end]))) == len(MSGS)  # End frame without trailer: fine


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.sampled_from([1, 2, 3]), st.binary(max_size=300))
def test_fuzz_single_message_decoding(kind: int, body: bytes) -> None:
    """What a gRPC peer sends goes through decode_message: only RrdError may come out."""
    from rerun_core.store.rrd import decode_message

    with contextlib.suppress(RrdError):
        decode_message(kind, body)
