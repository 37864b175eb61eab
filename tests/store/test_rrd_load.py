"""Bulk load: ``read_messages(threads=N)`` and ``load_rrd`` behave exactly like the 1-thread
reader (order, errors, offsets, every complete message before a truncation)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rrd_samples import encode, same_messages, sample_messages, with_blueprint
from test_rrd_bad_input import _arrow_frame, _replace_frame, frames

from rerun_core.store.hub import StoreHub
from rerun_core.store.load import load_rrd
from rerun_core.store.messages import LogMsg, StoreId, StoreKind
from rerun_core.store.rrd import RrdError, RrdTruncatedError, read_messages

OTHER = StoreId(StoreKind.RECORDING, "other", "app")
MSGS = with_blueprint(sample_messages(n_chunks=12)) + sample_messages(OTHER, n_chunks=5)
DATA = encode(MSGS)


def _read(data: bytes, threads: int) -> tuple[list[LogMsg], RrdError | None]:
    got: list[LogMsg] = []
    try:
        for msg in read_messages(data, threads=threads):
            got.append(msg)
    except RrdError as exc:
        return got, exc
    return got, None


@pytest.mark.parametrize("threads", [2, 3])
def test_threaded_reader_yields_the_same_messages_in_order(threads: int) -> None:
    got, err = _read(DATA + DATA, threads)  # concatenated streams too
    assert err is None
    assert same_messages(got, MSGS + MSGS)


def test_threaded_reader_truncation_yields_every_complete_message_first() -> None:
    fr = frames(DATA)
    for i, (off, _kind, length) in enumerate(fr[:-1]):
        got, err = _read(DATA[: off + 16 + length // 2], 2)
        assert isinstance(err, RrdTruncatedError) and err.offset == off
        assert len(got) == i


def test_threaded_reader_reports_the_first_corrupt_message() -> None:
    off, pb = _arrow_frame(DATA)
    pb.payload = b"\xf0" + pb.payload[1:40]
    bad = _replace_frame(DATA, off, pb)
    want_got, want_err = _read(bad, 1)
    got, err = _read(bad, 2)
    assert want_err is not None and err is not None
    assert len(got) == len(want_got) and err.offset == want_err.offset == off + 16
    assert str(err) == str(want_err)


def test_threaded_reader_can_stop_early() -> None:
    it = read_messages(DATA, threads=2)
    first = next(it)
    it.close()  # the pool shuts down; nothing hangs
    assert same_messages([first], MSGS[:1])


def test_load_rrd_fills_a_hub(tmp_path: Path) -> None:
    path = tmp_path / "a.rrd"
    path.write_bytes(DATA)
    for validate in (True, False):
        hub = load_rrd(path, validate=validate)
        assert {s.recording_id for s in hub.recordings()} == {"other", MSGS[0].store_id.recording_id}
        ref = StoreHub()
        ref.insert_many(MSGS)
        for sid in ref.recordings():
            assert hub.store(sid).stats() == ref.store(sid).stats()


def test_load_rrd_into_an_existing_hub_keeps_what_came_before_an_error(tmp_path: Path) -> None:
    hub = StoreHub()
    cut = frames(DATA)[4][0] + 20
    with pytest.raises(RrdTruncatedError):
        load_rrd(DATA[:cut], hub)
    assert sum(hub.store(s).stats().num_chunks for s in hub.recordings()) > 0


@pytest.mark.parametrize("threads", [1, 2])
def test_on_offset_reports_growing_byte_offsets(threads: int) -> None:
    seen: list[int] = []
    n = sum(1 for _ in read_messages(DATA, threads=threads, on_offset=seen.append))
    assert len(seen) == n == len(MSGS)
    assert seen == sorted(seen) and 0 < seen[0] and seen[-1] <= len(DATA)


def test_importing_the_codec_registers_no_atexit_hook() -> None:
    """SDKs import the codec lazily, possibly during interpreter shutdown (a final flush), when
    a module registering an atexit hook (concurrent.futures) can no longer be imported."""
    import subprocess
    import sys

    code = "import sys, rerun_core.store.rrd; print('concurrent.futures.thread' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize("threads", [1, 2])
def test_chunks_decompress_into_the_chunk_pool_and_match_the_default_pools(threads: int) -> None:
    """The reader's LZ4 output lives in ``CHUNK_POOL`` (it keeps freed pages) while the chunks
    are held; the chunks are the same as decoded into Arrow's default pool."""
    import gc

    from rerun_core.store.messages import ArrowMsg
    from rerun_core.store.rrd.protocol import CHUNK_POOL

    gc.collect()  # chunks earlier tests left in unfinished readers go back to the pool first
    before = CHUNK_POOL.bytes_allocated()
    pooled = list(read_messages(DATA, threads=threads))
    held = CHUNK_POOL.bytes_allocated() - before
    plain = list(read_messages(DATA, threads=threads, memory_pool=None))
    assert CHUNK_POOL.bytes_allocated() - before == held  # memory_pool=None: not in the pool
    assert same_messages(pooled, plain) and same_messages(pooled, MSGS)
    inflated = sum(m.wire_size[1] for m in pooled if isinstance(m, ArrowMsg) and m.wire_size)
    assert inflated > 0 and held >= inflated
    del pooled
    assert CHUNK_POOL.bytes_allocated() == before  # freed with the chunks
