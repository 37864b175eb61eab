"""Data ticks for the time panel: binned row counts per timeline and entity, exact stepping."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pytest

from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.store.store import ChunkStore
from rerun_core.types import ComponentDescriptor, TimeType, new_tuids
from rerun_notebook import time_ticks
from rerun_notebook.time_ticks import MAX_FINE_BINS, TimeHistogram, TimeTicks, collapse_gaps, encode_levels

SCALAR = ComponentDescriptor("Scalars:scalars", "rerun.archetypes.Scalars", "rerun.components.Scalar")


def chunk(entity: str, frames: list[int] | np.ndarray, timeline: str = "frame", sort: bool = True) -> Chunk:
    frames = np.asarray(frames, np.int64)
    typ = TimeType.SEQUENCE if timeline == "frame" else TimeType.DURATION
    col = TimeColumn.from_values(timeline, typ, frames)
    if not sort:
        col = TimeColumn(timeline, typ, frames, False)
    offsets = pa.array(np.arange(frames.size + 1, dtype=np.int32))
    arr = pa.ListArray.from_arrays(offsets, pa.array(np.arange(frames.size, dtype=np.float64)))
    return Chunk.from_columns(entity, new_tuids(frames.size), [col], {SCALAR: arr})


def test_histogram_counts_exactly_while_the_span_is_small() -> None:
    h = TimeHistogram()
    h.add(np.array([3, 3, 5, 9]))
    assert h.shift == 0 and h.total == 4
    assert h.display(3, 9, 7).tolist() == [2, 0, 1, 0, 0, 0, 1]


def test_histogram_widens_bins_as_the_span_grows_and_keeps_every_row() -> None:
    h = TimeHistogram()
    h.add(np.arange(0, 100))
    h.add(np.array([10 * MAX_FINE_BINS]))
    assert h.counts.size <= MAX_FINE_BINS and h.shift > 0
    assert h.total == 101
    shown = h.display(0, 10 * MAX_FINE_BINS, 10)
    assert shown.sum() == 101 and shown[0] == 100 and shown[-1] == 1


def test_histogram_handles_negative_and_timestamp_sized_times() -> None:
    h = TimeHistogram()
    base = 1_700_000_000_000_000_000
    h.add(np.array([base, base + 1_000_000_000, base + 2_000_000_000]))
    h.add(np.array([-5]))  # a huge span: bins widen, nothing overflows
    assert h.total == 4 and h.counts.size <= MAX_FINE_BINS
    h.add(np.array([-5]), sign=-1)
    assert h.total == 3


def test_levels_are_one_hex_digit_per_bin_zero_only_without_data() -> None:
    assert encode_levels(np.array([0, 1, 10, 1000])) == "0" + encode_levels(np.array([1, 10, 1000]))
    s = encode_levels(np.array([0, 1, 1000]))
    assert s[0] == "0" and s[1] != "0" and s[2] == "f"
    assert encode_levels(np.zeros(3)) == "000"


def test_ticks_follow_store_events_incrementally_and_subtract_dropped_chunks() -> None:
    store = ChunkStore()
    ticks = TimeTicks()
    store.subscribe(ticks.on_event)
    store.insert(chunk("/a", [0, 1, 2]))
    assert ticks.sync(store)  # first sync reads the store; the queued event is not counted twice
    assert ticks.totals["frame"].total == 3
    c = chunk("/b/c", [2, 4])
    store.insert(c)
    assert ticks.sync(store) and ticks.totals["frame"].total == 5
    assert not ticks.sync(store)  # nothing new
    store.drop([c])
    assert ticks.sync(store)
    assert ticks.totals["frame"].total == 3 and ticks.entities["frame"]["/b/c"].total == 0


def test_payload_has_axis_levels_and_entity_rows_when_the_streams_area_is_open() -> None:
    store = ChunkStore()
    store.insert(chunk("/world/a", [0, 1, 2]))
    store.insert(chunk("/world/b", [4]))
    store.insert(chunk("/__properties", [0]))
    ticks = TimeTicks()
    ticks.sync(store)
    p = ticks.payload("frame", "sequence", (0, 4))
    assert p["bins"] == encode_levels(np.array([2, 1, 1, 0, 1])) and p["streams"] == []
    ticks.streams_open = True
    rows = ticks.payload("frame", "sequence", (0, 4))["streams"]
    assert [(r["path"], r["depth"], r["has_data"]) for r in rows] == [
        ("/world", 0, False),
        ("/world/a", 1, True),
        ("/world/b", 1, True),
    ]
    assert rows[0]["bins"][3] == "0" and rows[0]["bins"][4] != "0"  # the parent sums its children
    assert rows[2]["bins"] == "0000f"


def test_payload_json_is_cached_until_something_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time_ticks, "REFRESH_S", 0.0)
    store = ChunkStore()
    store.insert(chunk("/a", [0, 1]))
    ticks = TimeTicks()
    store.subscribe(ticks.on_event)
    ticks.sync(store)
    first = ticks.payload_json("frame", "sequence", (0, 1))
    assert ticks.payload_json("frame", "sequence", (0, 1)) is first
    store.insert(chunk("/a", [1]))
    ticks.sync(store)
    assert ticks.payload_json("frame", "sequence", (0, 1)) is not first


@pytest.mark.parametrize("sort", [True, False])
def test_next_and_previous_data_times_are_exact(sort: bool) -> None:
    store = ChunkStore()
    store.insert(chunk("/a", [10, 0, 40] if not sort else [0, 10, 40], sort=sort))
    store.insert(chunk("/b", [25]))
    ticks = TimeTicks()
    ticks.sync(store)
    assert ticks.next_after("frame", 10) == 25 and ticks.next_after("frame", 11) == 25
    assert ticks.prev_before("frame", 25) == 10 and ticks.prev_before("frame", 0) is None
    assert ticks.next_after("frame", 40) is None and ticks.next_after("nope", 0) is None


def test_a_million_rows_bin_in_one_pass() -> None:
    """Many rows and chunks: counts stay exact and bounded in size."""
    store = ChunkStore()
    for i in range(10):
        store.insert(chunk(f"/e{i}", np.arange(i * 100_000, (i + 1) * 100_000)))
    ticks = TimeTicks()
    ticks.sync(store)
    hist = ticks.totals["frame"]
    assert hist.total == 1_000_000 and hist.counts.size <= MAX_FINE_BINS
    assert set(ticks.payload("frame", "sequence", (0, 999_999))["bins"]) == {"f"}


def test_widget_publishes_ticks_apart_from_state_and_steps_between_data_times() -> None:
    """The `_ticks` traitlet carries the axis (and, when opened, streams); `step` uses real data."""
    from rerun_notebook.widget import Viewer, state_of

    from .fakes import FakeApp

    v = Viewer(app_factory=lambda s, w, h: FakeApp(s, w, h), start=False)
    v.send = lambda *a, **k: None  # type: ignore[method-assign]
    store = ChunkStore()
    store.insert(chunk("/world/a", [0, 10]))
    v.add_store("rec", store)
    try:
        v.pump.tick(now=0.0)
        ticks = json.loads(v._ticks)
        assert ticks["timeline"] == "frame" and ticks["range"] == [0, 10]
        assert ticks["bins"][0] == "f" and ticks["bins"][5] == "0" and ticks["streams"] == []
        store.insert(chunk("/world/b", [5]))
        v._on_custom_msg(v, {"type": "time", "action": "streams", "value": True}, [])
        v.pump.tick(now=0.1)
        ticks = json.loads(v._ticks)
        assert ticks["bins"][5] != "0" and [r["path"] for r in ticks["streams"]] == [
            "/world",
            "/world/a",
            "/world/b",
        ]
        v._on_custom_msg(v, {"type": "time", "action": "step", "value": "back"}, [])
        v.pump.tick(now=0.2)
        assert state_of(v)["time"]["time"] == 5 and state_of(v)["time"]["play_state"] == "paused"
    finally:
        v.close()


def test_a_zoomed_view_re_bins_the_ticks_over_that_range() -> None:
    store = ChunkStore()
    store.insert(chunk("/a", np.arange(0, 10_000)))
    ticks = TimeTicks()
    ticks.sync(store)
    whole = json.loads(ticks.payload_json("frame", "sequence", (0, 9_999)))
    assert whole["range"] == [0, 9_999] and len(whole["bins"]) == 400
    ticks.set_view("frame", (200, 100))
    zoomed = json.loads(ticks.payload_json("frame", "sequence", (0, 9_999)))
    assert zoomed["range"] == [100, 200] and len(zoomed["bins"]) == 101  # one bin per frame again
    ticks.set_view("frame", (20_000, 30_000))  # outside the data: the whole range
    assert json.loads(ticks.payload_json("frame", "sequence", (0, 9_999)))["range"] == [0, 9_999]
    ticks.set_view("frame", None)
    assert json.loads(ticks.payload_json("frame", "sequence", (0, 9_999)))["range"] == [0, 9_999]
    ticks.set_view("frame", (100, 200))
    ticks.set_view("other", (1, 2))  # one zoom at a time: frame's goes
    assert json.loads(ticks.payload_json("frame", "sequence", (0, 9_999)))["range"] == [0, 9_999]


@pytest.mark.parametrize(
    ("times", "segments"),
    [
        ([1], 1),
        ([1, 2, 3, 4], 1),
        ([10, 20, 30, 40], 1),
        ([1, 2, 3, 11, 12, 13], 1),  # the gap is too small to collapse
        ([10, 20, 30, 110, 120, 130], 2),
        ([10, 1000], 1),  # too few ranges
        ([-(2**62), *range(1_000_000_000, 7_000_000_000, 1_000_000_000)], 2),
        ([-(2**62), *range(1_000_000_000, 6_000_000_000, 1_000_000_000), 100_000_000_000], 3),
    ],
)
def test_big_gaps_collapse_as_rerun_s_time_axis_did_before_0_31(times: list[int], segments: int) -> None:
    assert len(collapse_gaps([(t, t) for t in times], "sequence")) == segments


def test_payload_bins_each_segment_of_a_collapsed_axis() -> None:
    store = ChunkStore()
    store.insert(chunk("/a", [10, 20, 30, 110, 120, 130]))
    ticks = TimeTicks()
    ticks.sync(store)
    assert json.loads(ticks.payload_json("frame", "sequence", (10, 130)))["segments"] == [
        [10, 130, 121]
    ]  # 0.41
    p = ticks.payload("frame", "sequence", (10, 130), collapse=True)
    assert p["segments"] == [[10, 30, 21], [110, 130, 21]]
    assert len(p["bins"]) == 42 and p["bins"][0] == "f" and p["bins"][1] == "0" and p["bins"][21] == "f"
    zoomed = ticks.payload("frame", "sequence", (10, 130), collapse=False)
    assert zoomed["segments"] == [[10, 130, 121]]


def test_two_bursts_of_many_rows_collapse_the_gap_between_them() -> None:
    """Rerun counts rows, not ranges: two long bursts (cells run minutes apart) sit side by side."""
    assert len(collapse_gaps([(0, 100), (10_000, 10_100)], "sequence", rows=202)) == 2
    assert len(collapse_gaps([(0, 100), (10_000, 10_100)], "sequence")) == 1  # two ranges alone: no


def test_streaming_data_re_bins_at_most_every_refresh_interval_and_flags_the_lag() -> None:
    store = ChunkStore()
    store.insert(chunk("/a", [0, 1]))
    ticks = TimeTicks()
    store.subscribe(ticks.on_event)
    ticks.sync(store)
    first = ticks.payload_json("frame", "sequence", (0, 1))
    store.insert(chunk("/a", [2]))
    ticks.sync(store)
    assert ticks.payload_json("frame", "sequence", (0, 2)) is first and ticks.stale  # throttled
    ticks.streams_open = True  # a user action is answered at once
    assert ticks.payload_json("frame", "sequence", (0, 2)) is not first and not ticks.stale


def test_the_session_delivers_the_newest_ticks_once_the_throttle_lets_it() -> None:
    import time

    from rerun_notebook.session import ViewerSession

    from .fakes import FakeApp

    s = ViewerSession(100, 100, app_factory=lambda st, w, h: FakeApp(st, w, h))
    store = ChunkStore()
    s.add_store("rec", store)
    store.insert(chunk("/a", [0, 1]))
    s.prepare(0.0)
    store.insert(chunk("/a", [5]))
    s.prepare(0.1)
    deadline = time.monotonic() + 5
    while json.loads(s.ticks_json)["range"] != [0, 5] and time.monotonic() < deadline:
        time.sleep(0.05)
        s.prepare(0.2)  # nothing new: only the lagging ticks ask for another state update
    assert json.loads(s.ticks_json)["range"] == [0, 5]
