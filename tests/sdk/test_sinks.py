"""Sinks: files (footer, tee, context manager, atexit, fork), stdout, memory, binary streams."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import rerun as rr
from rerun_core.store.messages import ArrowMsg, SetStoreInfo
from rerun_core.store.rrd import read_messages


def entities(source: Any) -> list[str]:
    return [str(m.chunk.entity_path) for m in read_messages(source) if isinstance(m, ArrowMsg)]


def run_py(code: str, *args: str, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=60,
    )


def test_save_writes_a_complete_file(tmp_path: Path) -> None:
    rec = rr.RecordingStream("app", recording_id="r")
    rec.save(tmp_path / "a.rrd")
    rec.set_time("frame", sequence=1)
    rec.log("pts", rr.Points3D([[1, 2, 3]]))
    rec.disconnect()
    msgs = list(read_messages(tmp_path / "a.rrd"))
    assert isinstance(msgs[0], SetStoreInfo)
    assert "/pts" in entities(tmp_path / "a.rrd")


def test_set_sinks_tees_to_several_files(tmp_path: Path) -> None:
    rec = rr.RecordingStream("app", recording_id="r")
    rec.set_sinks(rr.FileSink(tmp_path / "a.rrd"), rr.FileSink(tmp_path / "b.rrd"))
    rec.log("x", rr.Scalars(1.0))
    rec.disconnect()
    assert "/x" in entities(tmp_path / "a.rrd")
    assert "/x" in entities(tmp_path / "b.rrd")
    with pytest.raises(ValueError, match="duplicate"):
        rec.set_sinks(rr.FileSink(tmp_path / "c.rrd"), rr.FileSink(tmp_path / "c.rrd"))


def test_context_manager_finalizes_the_file(tmp_path: Path) -> None:
    rec = rr.RecordingStream("app", recording_id="r")
    rec.save(tmp_path / "a.rrd")
    with rec:
        rr.log("inside", rr.Scalars(1.0))
    assert entities(tmp_path / "a.rrd")[-1:] == ["/inside"]
    rec.log("after", rr.Scalars(2.0))  # goes to a buffer now, the file stays complete
    assert "/after" not in entities(tmp_path / "a.rrd")


def test_memory_recording_drains_as_rrd_bytes() -> None:
    rec = rr.RecordingStream("app", recording_id="r")
    mem = rec.memory_recording()
    rec.log("m", rr.Scalars(1.0))
    assert mem.num_msgs() >= 2
    data = mem.drain_as_bytes()
    assert data[:4] == b"RRF2"
    assert "/m" in entities(data)
    assert mem.num_msgs() == 0


def test_binary_stream_reads_incrementally() -> None:
    rec = rr.RecordingStream("app", recording_id="r")
    stream = rec.binary_stream()
    rec.log("a", rr.Scalars(1.0))
    first = stream.read()
    rec.log("b", rr.Scalars(2.0))
    second = stream.read()
    assert first and second
    assert entities(first + second)[-2:] == ["/a", "/b"]


def test_store_sink_inserts_into_a_chunk_store() -> None:
    from rerun_core.store.store import ChunkStore

    store = ChunkStore()
    rec = rr.RecordingStream("app", recording_id="r")
    rec._add_sink(rr.sinks.StoreSink(store))
    rec.log("s", rr.Scalars(3.0))
    rec.flush()
    assert "/s" in [str(p) for p in store.entity_paths()]


def test_everything_is_flushed_at_exit(tmp_path: Path) -> None:
    out = tmp_path / "exit.rrd"
    proc = run_py(
        """
        import sys, rerun as rr
        rr.init("app", recording_id="r")
        rr.save(sys.argv[1])
        for i in range(100):
            rr.set_time("frame", sequence=i)
            rr.log("late", rr.Scalars(float(i)))
        """,
        str(out),
    )
    assert proc.returncode == 0, proc.stderr.decode()
    chunks = [m.chunk for m in read_messages(out) if isinstance(m, ArrowMsg)]
    assert sum(c.num_rows for c in chunks if str(c.entity_path) == "/late") == 100


def test_stdout_streams_a_recording() -> None:
    proc = run_py(
        """
        import rerun as rr
        rr.init("app", recording_id="r")
        rr.stdout()
        rr.log("piped", rr.Scalars(1.0))
        """
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert "/piped" in entities(proc.stdout)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_forked_child_does_not_touch_the_parents_file(tmp_path: Path) -> None:
    out = tmp_path / "parent.rrd"
    proc = run_py(
        """
        import os, sys, rerun as rr
        rr.init("app", recording_id="r")
        rr.save(sys.argv[1])
        rr.log("before", rr.Scalars(1.0))
        rr.flush()
        pid = os.fork()
        if pid == 0:
            rr.log("child", rr.Scalars(2.0))
            rr.flush()
            sys.exit(0)  # normal exit: atexit handlers and finalizers run in the child
        os.waitpid(pid, 0)
        rr.log("after", rr.Scalars(3.0))
        """,
        str(out),
    )
    assert proc.returncode == 0, proc.stderr.decode()
    got = entities(out)  # the reader validates the whole stream, footer included
    assert "/before" in got and "/after" in got and "/child" not in got
    rr_bin = Path(sys.executable).parent / "rerun"
    if rr_bin.exists():
        verify = subprocess.run([str(rr_bin), "rrd", "verify", str(out)], capture_output=True, timeout=60)
        assert verify.returncode == 0, verify.stderr.decode()


def test_grpc_without_transport_is_a_clear_error_or_works() -> None:
    with pytest.raises((RuntimeError, ValueError), match=r"not available yet|invalid Rerun gRPC URL"):
        rr.connect_grpc("http://not-a-rerun-url", recording=rr.RecordingStream("app"))


def test_store_sink_feeds_a_store_hub() -> None:
    from rerun_core.store.hub import StoreHub

    hub = StoreHub()
    rec = rr.RecordingStream("hub_app", recording_id="hub_rec")
    rec.log("early", rr.Scalars(1.0))
    rec.flush()
    rec._add_sink(rr.sinks.StoreSink(hub))  # replays what was buffered before
    rec.log("late", rr.Scalars(2.0))
    rec.flush()
    store = hub.get(rec.store_id)
    assert store is not None and hub.info(rec.store_id) is not None
    assert {"/early", "/late"} <= {str(p) for p in store.entity_paths()}


def test_send_blueprint_sends_a_blueprint_store_and_activation() -> None:
    import rerun.blueprint as rrb
    from rerun_core.store.messages import BlueprintActivationCommand, StoreKind

    rec = rr.RecordingStream("bp_app", recording_id="r")
    mem = rec.memory_recording()
    rec.send_blueprint(rrb.Spatial3DView(origin="/world"), make_active=False)
    msgs = mem.drain()
    bp = [m for m in msgs if m.store_id.kind == StoreKind.BLUEPRINT]
    assert bp and bp[0].store_id.application_id == "bp_app"
    assert isinstance(bp[-1], BlueprintActivationCommand) and not bp[-1].make_active and bp[-1].make_default
    assert any(isinstance(m, ArrowMsg) and str(m.chunk.entity_path) == "/viewport" for m in bp)


def test_saving_twice_to_one_path_keeps_the_file_valid(tmp_path: Path) -> None:
    rec = rr.RecordingStream("app", recording_id="r")
    rec.save(tmp_path / "same.rrd")
    rec.log("first", rr.Scalars(1.0))
    rec.save(tmp_path / "same.rrd")
    rec.log("second", rr.Scalars(2.0))
    rec.disconnect()
    got = entities(tmp_path / "same.rrd")
    assert "/second" in got and "/first" not in got


def test_save_into_a_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        rr.RecordingStream("app").save(tmp_path / "nope" / "x.rrd")
