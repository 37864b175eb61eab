"""RecordingStream: rows, time stamping, sinks routing, recordings side by side, strict mode."""

from __future__ import annotations

import threading
import warnings
from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest

import rerun as rr
from rerun_core.store.messages import ArrowMsg, SetStoreInfo
from rerun_core.types import ComponentDescriptor, TimeType

SCALAR = ComponentDescriptor("Scalars:scalars", "rerun.archetypes.Scalars", "rerun.components.Scalar")


class Batch:
    """The minimal component-batch protocol: ``.descriptor`` and ``.as_arrow_array()``."""

    def __init__(self, values: list[float], desc: ComponentDescriptor = SCALAR) -> None:
        self.descriptor = desc
        self._arr = pa.array(values, pa.float64())

    def as_arrow_array(self) -> pa.Array:
        return self._arr


class Arch:
    def __init__(self, *batches: Batch) -> None:
        self.batches = batches

    def as_component_batches(self) -> list[Batch]:
        return list(self.batches)


def new_rec(**kw: object) -> rr.RecordingStream:
    return rr.RecordingStream("test_app", recording_id="rec", **kw)  # type: ignore[arg-type]


def chunks(rec: rr.RecordingStream, mem: rr.MemoryRecording, entity: str | None = None) -> list:
    out = [m.chunk for m in mem.drain() if isinstance(m, ArrowMsg)]
    return [c for c in out if entity is None or str(c.entity_path) == entity]


def values(chunk, desc: ComponentDescriptor = SCALAR) -> list:
    return chunk.components[desc].to_pylist()


def test_rows_are_batched_per_entity_with_time_and_log_time() -> None:
    rec = new_rec()
    mem = rec.memory_recording()
    for i in range(3):
        rec.set_time("frame", sequence=i)
        rec.log("a", [Batch([float(i)])])
    rec.log("b", Arch(Batch([9.0])))
    [a] = chunks(rec, mem, "/a")
    assert a.num_rows == 3
    assert values(a) == [[0.0], [1.0], [2.0]]
    assert a.timelines["frame"].values.tolist() == [0, 1, 2]
    assert a.timelines["frame"].typ is TimeType.SEQUENCE
    assert a.timelines["log_time"].typ is TimeType.TIMESTAMP
    assert np.all(np.diff(a.row_ids["inc"].astype(np.int64)) >= 0) or np.all(
        np.diff(a.row_ids["time_ns"]) >= 0
    )


def test_store_info_and_start_time_property_come_first() -> None:
    rec = new_rec()
    mem = rec.memory_recording()
    rec.log("x", [Batch([1.0])])
    rec.flush()
    msgs = mem.drain()
    assert isinstance(msgs[0], SetStoreInfo)
    assert msgs[0].info.store_id.application_id == "test_app"
    assert msgs[0].info.store_id.recording_id == "rec"
    props = [m.chunk for m in msgs if isinstance(m, ArrowMsg) and str(m.chunk.entity_path) == "/__properties"]
    assert props and props[0].is_static
    assert any(d.component == "RecordingInfo:start_time" for d in props[0].components)


def test_static_rows_have_no_timelines() -> None:
    rec = new_rec(send_properties=False)
    mem = rec.memory_recording()
    rec.set_time("frame", sequence=5)
    rec.log("s", [Batch([1.0])], static=True)
    [c] = chunks(rec, mem, "/s")
    assert c.is_static and not c.timelines


def test_entity_path_as_list_of_parts_is_escaped() -> None:
    rec = new_rec(send_properties=False)
    mem = rec.memory_recording()
    rec.log(["world", 42, "my image!"], [Batch([1.0])])
    [c] = chunks(rec, mem)
    assert str(c.entity_path) == r"/world/42/my\ image\!"
    assert rr.new_entity_path(["world", 42, "my image!"]) == r"/world/42/my\ image\!"


@pytest.mark.parametrize(
    ("kwargs", "typ", "expected"),
    [
        ({"duration": 1.5}, TimeType.DURATION, 1_500_000_000),
        ({"duration": 2}, TimeType.DURATION, 2_000_000_000),
        ({"duration": timedelta(milliseconds=3)}, TimeType.DURATION, 3_000_000),
        ({"duration": np.timedelta64(7, "ns")}, TimeType.DURATION, 7),
        ({"timestamp": 10.25}, TimeType.TIMESTAMP, 10_250_000_000),
        ({"timestamp": datetime(2024, 1, 1, tzinfo=UTC)}, TimeType.TIMESTAMP, 1704067200 * 10**9),
        ({"timestamp": np.datetime64(123, "ns")}, TimeType.TIMESTAMP, 123),
        ({"sequence": np.int32(4)}, TimeType.SEQUENCE, 4),
    ],
)
def test_set_time_kinds(kwargs: dict, typ: TimeType, expected: int) -> None:
    rec = new_rec(send_properties=False)
    mem = rec.memory_recording()
    rec.set_time("t", **kwargs)
    rec.log("p", [Batch([1.0])])
    [c] = chunks(rec, mem)
    assert c.timelines["t"].typ is typ
    assert c.timelines["t"].values.tolist() == [expected]


def test_disable_timeline_and_reset_time() -> None:
    rec = new_rec(send_properties=False)
    mem = rec.memory_recording()
    rec.set_time("a", sequence=1)
    rec.set_time("b", sequence=2)
    rec.disable_timeline("a")
    rec.log("x", [Batch([1.0])])
    rec.reset_time()
    rec.log("y", [Batch([1.0])])
    got = {str(c.entity_path): set(c.timelines) for c in chunks(rec, mem)}
    assert got == {"/x": {"b", "log_time"}, "/y": {"log_time"}}


def test_log_tick_and_log_time_switches() -> None:
    rec = new_rec(send_properties=False)
    mem = rec.memory_recording()
    rec.set_log_tick_enabled(True)
    rec.set_log_time_enabled(False)
    rec.log("x", [Batch([1.0])])
    rec.log("x", [Batch([2.0])])
    [c] = chunks(rec, mem)
    assert set(c.timelines) == {"log_tick"}
    assert c.timelines["log_tick"].values.tolist() == [0, 1]


def test_time_is_per_thread() -> None:
    rec = new_rec(send_properties=False)
    mem = rec.memory_recording()
    rec.set_time("frame", sequence=1)

    def other() -> None:
        rec.log("t", [Batch([2.0])])

    th = threading.Thread(target=other)
    th.start()
    th.join()
    [c] = chunks(rec, mem)
    assert "frame" not in c.timelines


def test_many_threads_lose_no_rows() -> None:
    rec = new_rec(send_properties=False, batcher_config=rr.ChunkBatcherConfig(flush_tick=0.001))
    mem = rec.memory_recording()

    def worker(k: int) -> None:
        for i in range(200):
            rec.log(f"w{k}", [Batch([float(i)])])

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    got: dict[str, list] = {}
    for c in chunks(rec, mem):
        got.setdefault(str(c.entity_path), []).extend(v[0] for v in values(c))
    assert {k: sorted(v) for k, v in got.items()} == {
        f"/w{k}": [float(i) for i in range(200)] for k in range(4)
    }


def test_several_recordings_and_context_manager() -> None:
    a = rr.RecordingStream("app_a", recording_id="ra")
    b = rr.RecordingStream("app_b", recording_id="rb")
    ma, mb = a.memory_recording(), b.memory_recording()
    with a:
        assert rr.get_recording_id() == "ra"
        rr.log("in_a", [Batch([1.0])])
        with b:
            assert rr.get_application_id() == "app_b"
            rr.log("in_b", [Batch([2.0])])
    assert {str(c.entity_path) for c in chunks(a, ma)} >= {"/in_a"}
    assert "/in_a" not in {str(c.entity_path) for c in chunks(b, mb)}


def test_global_and_thread_local_recordings() -> None:
    g = rr.RecordingStream("g", recording_id="g")
    t = rr.RecordingStream("t", recording_id="t")
    prev_g = rr.set_global_data_recording(g)
    try:
        assert rr.get_recording_id() == "g"
        prev_t = rr.set_thread_local_data_recording(t)
        assert rr.get_recording_id() == "t"
        seen = []
        th = threading.Thread(target=lambda: seen.append(rr.get_recording_id()))
        th.start()
        th.join()
        assert seen == ["g"]
        rr.set_thread_local_data_recording(prev_t)
    finally:
        rr.set_global_data_recording(prev_g)


def test_buffered_data_goes_to_first_sink_and_set_sinks_tees() -> None:
    rec = new_rec(send_properties=False)
    rec.log("early", [Batch([1.0])])
    rec.flush()
    s1, s2 = rr.sinks.MemorySink(), rr.sinks.MemorySink()
    rec.set_sinks(s1, s2)
    rec.log("late", [Batch([2.0])])
    rec.flush()
    for s in (s1, s2):
        ents = [str(m.chunk.entity_path) for m in s.msgs if isinstance(m, ArrowMsg)]
        assert "/late" in ents
    assert "/early" in [str(m.chunk.entity_path) for m in s1.msgs if isinstance(m, ArrowMsg)]


def test_add_sink_replays_buffer() -> None:
    rec = new_rec(send_properties=False)
    rec.log("early", [Batch([1.0])])
    rec.flush()
    sink = rr.sinks.MemorySink()
    rec._add_sink(sink)
    rec.log("late", [Batch([1.0])])
    rec.flush()
    ents = [str(m.chunk.entity_path) for m in sink.msgs if isinstance(m, ArrowMsg)]
    assert ents == ["/early", "/late"]
    assert isinstance(sink.msgs[0], SetStoreInfo)


def test_bad_input_warns_and_skips_unless_strict() -> None:
    rec = new_rec(send_properties=False)
    mem = rec.memory_recording()
    with pytest.warns(rr.error_utils.RerunWarning, match="rerun.AsComponents"):
        rec.log("x", 42)  # type: ignore[arg-type]
    assert not chunks(rec, mem, "/x")
    with pytest.raises(TypeError, match="AsComponents"):
        rec.log("x", 42, strict=True)  # type: ignore[arg-type]
    rr.set_strict_mode(True)
    try:
        with pytest.raises(ValueError, match="Exactly one"):
            rr.set_time("t", recording=rec)
    finally:
        rr.set_strict_mode(False)


def test_set_time_rejects_milliseconds_and_wrong_types() -> None:
    rec = new_rec()
    with pytest.raises(ValueError, match="milliseconds"):
        rec.set_time("t", timestamp=1.7e12)
    with pytest.raises(TypeError, match="sequence must be an integer"):
        rec.set_time("t", sequence=1.5)  # type: ignore[arg-type]


def test_duplicate_components_keep_the_first() -> None:
    rec = new_rec(send_properties=False)
    mem = rec.memory_recording()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rec.log("d", [Batch([1.0])], [Batch([2.0])])
    assert any("multiple times" in str(w.message) for w in caught)
    [c] = chunks(rec, mem, "/d")
    assert values(c) == [[1.0]]


def test_disabled_recording_logs_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RERUN", "off")
    rec = new_rec()
    assert not rec.is_enabled()
    mem = rec.memory_recording()
    rec.log("x", [Batch([1.0])])
    assert not chunks(rec, mem, "/x")


def test_properties() -> None:
    rec = new_rec(send_properties=False)
    mem = rec.memory_recording()
    rec.send_recording_name("my run")
    rec.send_recording_start_time_nanos(123)
    rec.send_property("cfg", [Batch([0.5], ComponentDescriptor("lr"))])
    got = chunks(rec, mem)
    cfg = [c for c in got if str(c.entity_path) == "/__properties/cfg"]
    assert cfg and cfg[0].is_static
    names = {
        d.component: arr.to_pylist()
        for c in got
        if str(c.entity_path) == "/__properties"
        for d, arr in c.components.items()
    }
    assert names == {"RecordingInfo:name": [["my run"]], "RecordingInfo:start_time": [[123]]}


def test_reused_buffers_are_copied_when_logged() -> None:
    rec = new_rec(send_properties=False)
    mem = rec.memory_recording()
    buf = np.zeros(3)
    pts = np.zeros((100, 3), np.float32)
    for i in range(3):
        buf[:] = i
        pts[:] = i
        rec.log("s", rr.Scalars(buf))
        rec.log("p", rr.Points3D(pts))
    got = {str(c.entity_path): next(iter(c.components.values())).to_pylist() for c in chunks(rec, mem)}
    assert [row[0] for row in got["/s"]] == [0.0, 1.0, 2.0]
    assert [row[0] for row in got["/p"]] == [[0.0] * 3, [1.0] * 3, [2.0] * 3]


def test_switching_sinks_while_logging_from_threads_does_not_deadlock() -> None:
    rec = new_rec(send_properties=False, batcher_config=rr.ChunkBatcherConfig(flush_tick=0.001))
    stop = threading.Event()

    def logger() -> None:
        while not stop.is_set():
            rec.log("busy", [Batch([1.0])])

    th = threading.Thread(target=logger, daemon=True)
    th.start()
    sinks = []
    for _ in range(50):
        sinks.append(rr.sinks.MemorySink())
        rec.set_sinks(sinks[-1])
        rec.flush()
    stop.set()
    th.join(timeout=10)
    assert not th.is_alive()
    assert sum(len(s.msgs) for s in sinks) > 0


def test_send_columns_splits_big_columns_into_bounded_chunks() -> None:
    rec = new_rec(send_properties=False)
    mem = rec.memory_recording()
    n = 1_000_000
    rec.send_columns(
        "big",
        indexes=[rr.TimeColumn("step", sequence=np.arange(n))],
        columns=rr.Scalars.columns(scalars=np.ones(n)),
    )
    got = chunks(rec, mem, "/big")
    assert len(got) > 1 and sum(c.num_rows for c in got) == n
    assert all(set(c.timelines) == {"step"} for c in got)  # no log_time / set_time state
    assert got[-1].timelines["step"].values[-1] == n - 1


def test_send_dataframe_classifies_columns_by_metadata() -> None:
    rec = new_rec(send_properties=False)
    mem = rec.memory_recording()
    frame = pa.field("frame", pa.int64(), metadata={b"rerun:kind": b"index"})
    meta = {b"rerun:entity_path": b"/df", b"rerun:component": b"Scalars:scalars"}
    vals = pa.field("v", pa.list_(pa.float64()), metadata=meta)
    table = pa.table([pa.array([5, 6]), pa.array([[1.0], [2.0]])], schema=pa.schema([frame, vals]))
    rec.send_dataframe(table)
    rec.send_dataframe(table, index=None, entity_path="static_df")
    got = {str(c.entity_path): c for c in chunks(rec, mem)}
    assert got["/df"].timelines["frame"].values.tolist() == [5, 6]
    assert next(iter(got["/df"].components)).component == "Scalars:scalars"
    assert got["/static_df"].is_static


def test_one_field_fast_path_matches_the_general_path() -> None:
    # Scalars(x) skips the component dict; its rows must look exactly like the general path's.
    rec = new_rec(send_properties=False)
    mem = rec.memory_recording()
    rec.set_log_tick_enabled(True)
    for i in range(3):
        rec.set_time("frame", sequence=i)
        rec.log("fast", rr.Scalars(float(i)))
        rec.log("fast", rr.Scalars(np.float32(i + 0.5)))  # numpy scalar: converted, same column
        rec.log("general", [Batch([float(i)])])  # a plain batch: the general path
    rec.log("fast_static", rr.Scalars(7), static=True)
    got = {str(c.entity_path): c for c in chunks(rec, mem)}
    fast, general = got["/fast"], got["/general"]
    assert values(fast) == [[0.0], [0.5], [1.0], [1.5], [2.0], [2.5]]
    assert set(fast.timelines) == set(general.timelines) == {"frame", "log_tick", "log_time"}
    assert fast.timelines["frame"].values.tolist() == [0, 0, 1, 1, 2, 2]
    ticks = fast.timelines["log_tick"].values.tolist() + general.timelines["log_tick"].values.tolist()
    assert sorted(ticks) == list(range(9))  # every row counts once, whichever path it took
    assert fast.components[SCALAR].type == general.components[SCALAR].type
    static = got["/fast_static"]
    assert static.is_static and values(static) == [[7.0]]


def test_sdk_warnings_are_logged_on_warnings_through_the_hook() -> None:
    rec = rr.RecordingStream("app", recording_id="warn")
    mem = rec.memory_recording()
    prev = rr.set_thread_local_data_recording(rec)  # warnings go to the current recording, as 0.41's
    try:
        with pytest.warns(rr.error_utils.RerunWarning, match="log"):
            rec.log("bad", object())  # not an archetype: warned, the call skipped
    finally:
        rr.set_thread_local_data_recording(prev)
    rows = [
        m.chunk for m in mem.drain() if isinstance(m, ArrowMsg) and str(m.chunk.entity_path) == "/__warnings"
    ]
    assert len(rows) == 1
    texts = {d.component: a.to_pylist() for d, a in rows[0].components.items()}
    assert texts["TextLog:level"] == [["WARN"]] and "log" in texts["TextLog:text"][0][0]
