"""Small inputs cannot make us hold large memory: LZ4 bombs in files, huge gRPC messages.

The bomb file is ~13 MB of ArrowMsg frames whose LZ4 blocks really expand 255x (200 MB of
zeros each) plus frames declaring sizes their blocks cannot reach. ``rrd print`` and
``load_rrd`` read it in a subprocess that reports its peak RSS (VmHWM) at the end.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grpc
import lz4.block
import pytest

from rerun_core.proto.gen import log_msg_pb2
from rerun_core.server.proxy import DEFAULT_MAX_MESSAGE_BYTES, SERVICE_NAME, ProxyServer
from rerun_core.server.wire import MsgKind, wrap_log_msg
from rerun_core.store.messages import SetStoreInfo, StoreId, StoreInfo, StoreKind, StoreSource
from rerun_core.store.rrd import RrdError, decode_message, protocol
from rerun_core.store.rrd._wire import encode_arrow_msg, encode_varint
from rerun_core.store.rrd.frames import MessageKind, encode_frame_header, encode_header
from rerun_core.types import new_tuid

BOMB = 200 << 20
REC = StoreId(StoreKind.RECORDING, "bomb", "app")


def _bomb_file(path: Path) -> None:
    sid = protocol.store_id_to_proto(REC).SerializeToString()
    info = protocol.set_store_info_to_proto(SetStoreInfo(new_tuid(), StoreInfo(REC, StoreSource())))
    block = lz4.block.compress(b"\0" * BOMB, store_size=False)  # ~0.8 MB, 200 MB out
    frames = [encode_header(), encode_frame_header(MessageKind.SET_STORE_INFO, info.ByteSize())]
    frames.append(info.SerializeToString())
    for i in range(16):
        # Every other bomb lies: its declared size is the LZ4 bound, far more than it expands to.
        declared = BOMB if i % 2 == 0 else 256 * len(block)
        before, after = encode_arrow_msg(sid, new_tuid(), 2, declared, 1, len(block), False)
        body = before + block + after
        frames += [encode_frame_header(MessageKind.ARROW_MSG, len(body)), body]
    path.write_bytes(b"".join(frames))


PEAK = """
import sys
mode, path = sys.argv[1:]
if mode == "print":
    from rerun.cli.rrd import main
    main(["print", path])
else:
    from rerun_core.store.load import load_rrd
    from rerun_core.store.rrd import RrdError
    try:
        load_rrd(path, threads=4)
    except RrdError:
        pass
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        print(int(line.split()[1]) * 1024)
"""


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["print", "load_rrd"])
def test_lz4_bombs_keep_peak_rss_bounded(tmp_path: Path, mode: str) -> None:
    path = tmp_path / "bombs.rrd"
    _bomb_file(path)
    assert path.stat().st_size < 20 << 20
    proc = subprocess.run(
        [sys.executable, "-c", PEAK, mode, str(path)], capture_output=True, text=True, timeout=240
    )
    assert proc.returncode == 0, proc.stderr
    peak = int(proc.stdout.strip().splitlines()[-1])
    assert peak < 500 << 20, f"peak RSS {peak >> 20} MiB"


def test_declared_size_is_checked_before_allocating() -> None:
    """A chunk over the cap, or over what its LZ4 block can expand to, is refused unread."""
    block = lz4.block.compress(b"\0" * 1000, store_size=False)
    for declared, cap, words in (
        (1 << 40, 1 << 50, "implausible"),  # past the LZ4 bound of a small block
        (200 * len(block), 1000, "limit"),  # within the bound, over the cap
    ):
        pb = log_msg_pb2.ArrowMsg(compression=2, uncompressed_size=declared, encoding=1, payload=block)
        with pytest.raises(RrdError, match=words):
            protocol.decode_chunk_payload(pb.payload, 2, declared, max_bytes=cap)
        if cap == 1 << 50:
            with pytest.raises(RrdError, match=words):
                decode_message(2, pb.SerializeToString())


def _send(port: int, size: int) -> grpc.RpcError | None:
    inner = encode_varint(15 << 3 | 2) + encode_varint(size) + b"\0" * size
    request = wrap_log_msg(MsgKind.BLUEPRINT_ACTIVATION, inner)
    with grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.max_send_message_length", -1)]) as ch:
        call = ch.stream_unary(f"/{SERVICE_NAME}/WriteMessages")
        try:
            call(iter([request]), timeout=60)
        except grpc.RpcError as err:
            return err
    return None


def test_grpc_message_size_limit_is_configurable_and_refused() -> None:
    # The real 0.41 endpoint took a 2040 MB message: our default is no larger.
    assert DEFAULT_MAX_MESSAGE_BYTES <= 2040 << 20
    server = ProxyServer(port=0, max_message_bytes=1 << 20).start()
    try:
        assert _send(server.port, 1000) is None
        err = _send(server.port, 2 << 20)
        assert err is not None and err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert _send(server.port, 1000) is None  # and it keeps serving
    finally:
        server.stop(0)
