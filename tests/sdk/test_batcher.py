"""The chunk batcher: thresholds (rows, bytes, tick), environment config, nulls, order."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from rerun._batcher import Batcher, ChunkBatcherConfig, build_list_column
from rerun_core.store.chunk import Chunk
from rerun_core.types import ComponentDescriptor, TimeType

A = ComponentDescriptor("A:x")
B = ComponentDescriptor("B:y")
KEY = (("frame", TimeType.SEQUENCE),)


def collect(config: ChunkBatcherConfig) -> tuple[Batcher, list[Chunk]]:
    out: list[Chunk] = []
    return Batcher(config, out.append), out


def test_row_threshold_cuts_chunks() -> None:
    b, out = collect(ChunkBatcherConfig(flush_tick=1000, flush_num_rows=3))
    for i in range(7):
        b.push("/e", KEY, [i], {A: pa.array([i])}, 8)
    assert [c.num_rows for c in out] == [3, 3]
    b.flush()
    assert [c.num_rows for c in out] == [3, 3, 1]
    assert [v for c in out for v in c.timelines["frame"].values.tolist()] == list(range(7))
    b.close()


def test_byte_threshold_cuts_chunks() -> None:
    b, out = collect(ChunkBatcherConfig(flush_tick=1000, flush_num_bytes=2400))
    for i in range(10):
        b.push("/e", KEY, [i], {A: pa.array([float(i)] * 5)}, 40)  # ~1132 bytes as Rerun counts
    assert [c.num_rows for c in out] == [3, 3, 3]
    b.close()


def test_tick_flushes_in_background() -> None:
    b, out = collect(ChunkBatcherConfig(flush_tick=0.01))
    b.push("/e", KEY, [1], {A: pa.array([1])}, 8)
    deadline = time.monotonic() + 5
    while not out and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(out) == 1 and out[0].num_rows == 1
    b.close()


def test_environment_configures_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RERUN_FLUSH_TICK_SECS", "0.5")
    monkeypatch.setenv("RERUN_FLUSH_NUM_BYTES", "1234")
    monkeypatch.setenv("RERUN_FLUSH_NUM_ROWS", "7")
    cfg = ChunkBatcherConfig()
    assert (cfg.flush_tick, cfg.flush_num_bytes, cfg.flush_num_rows) == (timedelta(seconds=0.5), 1234, 7)


def test_entities_and_timeline_sets_go_to_separate_chunks() -> None:
    b, out = collect(ChunkBatcherConfig.NEVER())
    b.push("/a", KEY, [1], {A: pa.array([1])}, 8)
    b.push("/b", KEY, [1], {A: pa.array([1])}, 8)
    b.push("/a", None, [], {A: pa.array([2])}, 8)
    b.push("/a", KEY, [2], {A: pa.array([3])}, 8)
    b.flush()
    shape = sorted((str(c.entity_path), c.is_static, c.num_rows) for c in out)
    assert shape == [("/a", False, 2), ("/a", True, 1), ("/b", False, 1)]
    b.close()


def test_rows_with_different_components_go_to_separate_chunks() -> None:
    b, out = collect(ChunkBatcherConfig.NEVER())
    b.push("/a", KEY, [1], {A: pa.array([1, 2])}, 8)
    b.push("/a", KEY, [2], {B: pa.array(["x"])}, 8)
    b.push("/a", KEY, [3], {A: pa.array([3])}, 8)
    b.flush()
    got = sorted((sorted(d.component for d in c.components), c.num_rows) for c in out)
    assert got == [(["A:x"], 2), (["B:y"], 1)]
    b.close()


def test_build_list_column_offsets() -> None:
    col = build_list_column([(0, pa.array([1.0])), (2, pa.array([2.0, 3.0]))], 3)
    assert col.to_pylist() == [[1.0], None, [2.0, 3.0]]


def test_unsorted_chunks_are_split_at_chunk_max_rows_if_unsorted() -> None:
    b, out = collect(ChunkBatcherConfig(flush_tick=1000, chunk_max_rows_if_unsorted=4))
    for t in [5, 3, 9, 1, 7, 2, 8, 0, 6, 4]:
        b.push("/e", KEY, [t], {A: pa.array([t])}, 8)
    for t in range(10):
        b.push("/sorted", KEY, [t], {A: pa.array([t])}, 8)
    b.flush()
    unsorted = [c.num_rows for c in out if str(c.entity_path) == "/e"]
    assert unsorted == [4, 4, 2]
    assert [c.num_rows for c in out if str(c.entity_path) == "/sorted"] == [10]
    got = [v for c in out if str(c.entity_path) == "/e" for v in c.components[A].to_pylist()]
    assert got == [[t] for t in [5, 3, 9, 1, 7, 2, 8, 0, 6, 4]]
    b.close()


def test_rows_of_different_components_with_equal_datatypes_share_a_sparse_chunk() -> None:
    # As Rerun: the split is by datatypes, so a row lacking a component holds null there.
    b, out = collect(ChunkBatcherConfig.NEVER())
    b.push("/a", KEY, [1], {A: pa.array([1])}, 8)
    b.push("/a", KEY, [2], {B: pa.array([2])}, 8)
    b.push("/a", KEY, [3], {A: pa.array([3])}, 8)
    b.flush()
    assert len(out) == 1
    chunk = out[0]
    assert chunk.components[A].to_pylist() == [[1], None, [3]]
    assert chunk.components[B].to_pylist() == [None, [2], None]
    assert chunk.timelines["frame"].values.tolist() == [1, 2, 3]
    b.close()


def test_thresholds_count_all_rows_of_an_entity() -> None:
    # Rerun accumulates per entity: rows of different component sets count together.
    b, out = collect(ChunkBatcherConfig(flush_tick=1000, flush_num_rows=4))
    for i in range(4):
        b.push("/a", KEY, [i], {A if i % 2 else B: pa.array(["x"] if i % 2 == 0 else [i])}, 8)
    assert sorted(c.num_rows for c in out) == [2, 2]
    b.close()


def test_unsorted_cut_happens_only_once_a_piece_is_full_and_unsorted() -> None:
    b, out = collect(ChunkBatcherConfig(flush_tick=1000, chunk_max_rows_if_unsorted=4))
    for t in [0, 1, 2, 3, 4, 5, 1, 2, 3]:
        b.push("/e", KEY, [t], {A: pa.array([t])}, 8)
    b.flush()
    # The first six rows are sorted; the piece is cut at the first row after it became unsorted.
    assert [c.num_rows for c in out] == [7, 2]
    b.close()


def test_byte_threshold_counts_rows_as_rerun_does() -> None:
    # Measured on rerun-sdk 0.41 (its default threshold, 2 MiB): single-scalar rows are cut every
    # 1907 rows when temporal and every 3257 when static; 180 kB image rows every 12.
    b, out = collect(ChunkBatcherConfig(flush_tick=1000, flush_num_bytes=2 * 1024 * 1024))
    two = (("frame", TimeType.SEQUENCE), ("log_time", TimeType.TIMESTAMP))
    for i in range(1907):
        b.push_one("/t", two, (i, i), A, pa.array([1.0]), 8)
    for _ in range(3257):
        b.push_one("/s", None, (), A, pa.array([1.0]), 8)
    for i in range(12):
        b.push("/img", two, (i, i), {A: pa.array([0] * 3), B: pa.array(["f"])}, 180_000)
    assert sorted((str(c.entity_path), c.num_rows) for c in out) == [("/img", 12), ("/s", 3257), ("/t", 1907)]
    b.close()


CONFIG_PROBE = """
import datetime, inspect, json, rerun as rr
c = rr.ChunkBatcherConfig
def show(x):
    return [x.flush_tick.total_seconds(), x.flush_num_bytes, x.flush_num_rows, x.chunk_max_rows_if_unsorted]
x = c(flush_tick=datetime.timedelta(milliseconds=300), flush_num_rows=5)
y = c(flush_tick=2)
y.flush_tick = 0.5
print(json.dumps({
    "members": sorted(m for m in dir(c) if not m.startswith("_")),
    "params": [p for p in inspect.signature(c).parameters if p != "self"],
    "default": show(c()), "DEFAULT": show(c.DEFAULT()), "LOW_LATENCY": show(c.LOW_LATENCY()),
    "given": show(x), "set": [type(y.flush_tick).__name__, y.flush_tick.total_seconds()],
    "eq": c() == c.DEFAULT(),
}))
"""


def test_config_matches_0_41(oracle: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("RERUN_FLUSH_TICK_SECS", "RERUN_FLUSH_NUM_BYTES", "RERUN_FLUSH_NUM_ROWS"):
        monkeypatch.delenv(var, raising=False)
    theirs = json.loads(oracle.run_script(CONFIG_PROBE).stdout)
    out = subprocess.run([sys.executable, "-c", CONFIG_PROBE], capture_output=True, text=True, check=True)
    ours = json.loads(out.stdout)
    ours["members"] = [m for m in ours["members"] if m != "tick_seconds"]  # ours in addition
    assert ours == theirs


BYTES_PROBE = """
import datetime, sys, rerun as rr
cfg = rr.ChunkBatcherConfig(flush_tick=datetime.timedelta(seconds=1000), flush_num_bytes=int(sys.argv[1]))
rec = rr.RecordingStream("p", recording_id="x", batcher_config=cfg)
rec.save(sys.argv[3])
for i in range(40):
    rec.set_time("frame", sequence=i)
    rec.log("e", rr.Scalars([float(i)] * int(sys.argv[2])))
rec.flush()
"""


@pytest.mark.parametrize(("num_bytes", "values"), [(1200, 5), (20000, 100), (100000, 1000)])
def test_byte_threshold_cuts_where_0_41_does(
    oracle: Any, tmp_path: Path, num_bytes: int, values: int
) -> None:
    from rerun_core.store.messages import ArrowMsg
    from rerun_core.store.rrd import read_messages

    def rows(path: Path) -> list[int]:
        msgs = read_messages(str(path))
        return [
            m.chunk.num_rows for m in msgs if isinstance(m, ArrowMsg) and str(m.chunk.entity_path) == "/e"
        ]

    args = (str(num_bytes), str(values))
    oracle.run_script(BYTES_PROBE, *args, str(tmp_path / "theirs.rrd"))
    subprocess.run([sys.executable, "-c", BYTES_PROBE, *args, str(tmp_path / "ours.rrd")], check=True)
    assert rows(tmp_path / "ours.rrd") == rows(tmp_path / "theirs.rrd")
