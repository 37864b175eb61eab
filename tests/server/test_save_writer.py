"""The `--save` path: received chunks written verbatim with a footer, and a slow disk slowing senders.

`WireRrdWriter` must produce the file `RrdWriter` would (same chunks, same footer manifest
rows) while writing the received ArrowMsg bytes as they are, and refuse a corrupt chunk without
writing it. `Ingest` in front of a slow writer must block the appender (the gRPC handler, hence
its client) rather than queue: what waits for the writer stays within its byte bound.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pyarrow as pa
import pytest

from rerun_core.server.buffer import MessageBuffer
from rerun_core.server.codec import request_to_wire
from rerun_core.server.ingest import Ingest
from rerun_core.server.save import WireRrdWriter
from rerun_core.server.wire import MsgKind, WireMsg, parse_request, wrap_log_msg
from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.store.messages import ArrowMsg, LogMsg, SetStoreInfo, StoreId, StoreInfo, StoreKind
from rerun_core.store.rrd import RrdWriter, read_footer, read_messages
from rerun_core.store.rrd._wire import parse_arrow_msg
from rerun_core.types import TimeType
from tests.catalog.catalog_data import IDS, POS

SID = StoreId(StoreKind.RECORDING, "rec", "save_writer")


def _messages(n: int, points: int = 100) -> list[LogMsg]:
    pos_type = pa.list_(pa.list_(pa.field("item", pa.float32(), False), 3))
    msgs: list[LogMsg] = [SetStoreInfo(IDS.new(), StoreInfo(SID))]
    for i in range(n):
        chunk = Chunk.from_columns(
            f"/e{i % 3}",
            timelines=[TimeColumn.from_values("frame", TimeType.SEQUENCE, [i])],
            components={POS: pa.array([[[float(i), 0.0, 0.0]] * points], pos_type)},
            chunk_id=IDS.new(),
            row_ids=IDS.new_block(1),
        )
        msgs.append(ArrowMsg(SID, chunk))
    return msgs


def test_received_chunks_are_saved_verbatim_with_the_same_footer(tmp_path: Path) -> None:
    msgs = _messages(6)
    wires = [request_to_wire(m) for m in msgs]
    with WireRrdWriter(tmp_path / "wire.rrd") as w:
        for wire in wires:
            w.write_wire(wire)
    with RrdWriter(tmp_path / "plain.rrd") as plain:
        plain.write_all(msgs)
    data = (tmp_path / "wire.rrd").read_bytes()
    for wire in wires[1:]:
        assert bytes(wire.inner) in data  # the received ArrowMsg bytes, untouched
    got = [m for m in read_messages(tmp_path / "wire.rrd") if isinstance(m, ArrowMsg)]
    want = [m for m in msgs if isinstance(m, ArrowMsg)]
    assert [m.chunk.id for m in got] == [m.chunk.id for m in want]
    assert all(g.chunk.batch.equals(w.chunk.batch) for g, w in zip(got, want, strict=True))
    ours_all, theirs_all = read_footer(tmp_path / "wire.rrd"), read_footer(tmp_path / "plain.rrd")
    assert ours_all is not None and theirs_all is not None
    (ours,), (theirs,) = ours_all, theirs_all
    drop = ["chunk_byte_offset", "chunk_byte_size", "chunk_byte_size_uncompressed"]
    keep = [c for c in theirs.table.column_names if c not in drop]
    assert ours.store_id == theirs.store_id
    assert ours.table.select(keep).equals(theirs.table.select(keep))


def test_a_corrupt_chunk_is_refused_and_not_written(tmp_path: Path) -> None:
    good = request_to_wire(_messages(1)[1])
    inner = bytearray(good.inner)
    payload = parse_arrow_msg(good.inner).payload
    start = bytes(good.inner).index(bytes(payload))
    inner[start : start + len(payload)] = b"\xff" * len(payload)  # the Arrow payload, garbled
    bad = parse_request(wrap_log_msg(MsgKind.ARROW_MSG, bytes(inner)))
    with WireRrdWriter(tmp_path / "x.rrd") as w:
        before = w.bytes_written
        with pytest.raises(Exception):  # noqa: B017 - RrdError or Arrow's, whichever finds it
            w.write_wire(bad)
        assert w.bytes_written == before
        w.write_wire(good)
    assert len([m for m in read_messages(tmp_path / "x.rrd") if isinstance(m, ArrowMsg)]) == 1


@pytest.mark.timeout(60)
def test_a_slow_writer_blocks_the_appender_instead_of_queueing() -> None:
    wires = [request_to_wire(m) for m in _messages(40, points=2000)]  # ~24 kB each
    bound = 3 * wires[1].nbytes
    seen: list[int] = []
    buffer = MessageBuffer(1 << 30)

    def slow_disk(wire: WireMsg) -> None:
        seen.append(ingest.queued_bytes)
        time.sleep(0.02)

    ingest = Ingest(buffer, [], wire_consumers=[slow_disk], max_queued_bytes=bound)
    appended = 0

    def sender() -> None:
        nonlocal appended
        for wire in wires:
            buffer.append(wire)
            appended += 1

    thread = threading.Thread(target=sender)
    thread.start()
    time.sleep(0.2)
    # ~10 written by now; the sender is held a few messages ahead, not done.
    assert appended < len(wires) // 2
    thread.join(30)
    assert ingest.close(timeout=30)
    assert len(seen) == len(wires)
    assert max(seen) <= bound
