"""On-demand fetching of a server segment within a memory budget (`segment_fetcher`): the chunks
at the time cursor come first, the store stays within the budget (plus one fetch batch) while
the cursor scrubs start -> end -> start through a segment four times the budget, the data at
each cursor position is there when asked, and evicted chunks are fetched again. Against our
`rerun server` and the real 0.41 one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from rerun_core.server.redap_source import RedapClient
from rerun_core.server.segment_fetcher import SegmentFetcher
from rerun_core.server.segment_plan import ManifestIndex, plan_rows
from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.store.hub import StoreHub
from rerun_core.store.messages import ArrowMsg, SetStoreInfo, StoreId, StoreInfo, StoreKind
from rerun_core.store.rrd import RrdWriter
from rerun_core.types import TimeType
from tests.catalog.catalog_data import IDS, POS, TEXT, serve_dataset_dir

FRAMES = 64
POINTS = 400  # per frame: one chunk of ~5 KB in memory
BATCH = 16 << 10


def write_long_segment(path: Path, recording_id: str = "long") -> Path:
    """/points: one chunk per frame (x = frame); /slow: one chunk per 16 frames; a static /static."""
    sid = StoreId(StoreKind.RECORDING, recording_id, "fetch_test")
    pos_type = pa.list_(pa.list_(pa.field("item", pa.float32(), False), 3))
    with RrdWriter(path) as w:
        w.write(SetStoreInfo(IDS.new(), StoreInfo(sid)))
        static = Chunk.from_columns(
            "/static",
            timelines=[],
            components={TEXT: pa.array([["hello"]], pa.list_(pa.string()))},
            chunk_id=IDS.new(),
            row_ids=IDS.new_block(1),
        )
        w.write(ArrowMsg(sid, static))
        for f in range(FRAMES):
            pts = pa.array([[[float(f), float(i), 0.0] for i in range(POINTS)]], pos_type)
            chunk = Chunk.from_columns(
                "/points",
                timelines=[TimeColumn.from_values("frame", TimeType.SEQUENCE, [f])],
                components={POS: pts},
                chunk_id=IDS.new(),
                row_ids=IDS.new_block(1),
            )
            w.write(ArrowMsg(sid, chunk))
        for lo in range(0, FRAMES, 16):
            frames = list(range(lo, lo + 16, 4))
            pts = pa.array([[[float(f), -1.0, 0.0]] for f in frames], pos_type)
            chunk = Chunk.from_columns(
                "/slow",
                timelines=[TimeColumn.from_values("frame", TimeType.SEQUENCE, frames)],
                components={POS: pts},
                chunk_id=IDS.new(),
                row_ids=IDS.new_block(len(frames)),
            )
            w.write(ArrowMsg(sid, chunk))
    return path


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fetch") / "ds"
    root.mkdir()
    write_long_segment(root / "long.rrd")
    return root


@pytest.fixture(scope="module")
def ours(data_dir: Path) -> Iterator[str]:
    yield from serve_dataset_dir(Path(".venv/bin/rerun").resolve(), data_dir)


def _open(url: str, budget: int | None) -> tuple[SegmentFetcher, StoreHub]:
    client = RedapClient(url)
    (ds,) = client.datasets()
    manifest = client.manifest(ds, "long")
    hub = StoreHub()
    fetcher = SegmentFetcher(
        client, manifest, hub.store(manifest.store_id()), budget=budget, batch_bytes=BATCH
    )
    hub.insert(fetcher.store_info())
    return fetcher, hub


def _x_at(fetcher: SegmentFetcher, entity: str, frame: int) -> float:
    cells = fetcher.store.latest_at(entity, [POS.component], "frame", frame)
    cell = cells[POS.component]
    return float(cell.values.to_pylist()[0][0])


def _scrub_within_budget(url: str) -> None:
    full, _ = _open(url, None)
    full.start(wait=True)
    assert full.wait_idle(60)
    total = full.store.num_bytes
    full.stop()
    assert full.stats.chunks_fetched == FRAMES + FRAMES // 16 + 1
    budget = total // 4

    fetcher, _hub = _open(url, budget)
    assert fetcher.store.time_range("frame") == (0, FRAMES - 1)  # declared before any chunk
    fetcher.start(wait=True)  # the data at the cursor (frame 0) first
    assert fetcher.ready() and _x_at(fetcher, "/points", 0) == 0.0
    peak = 0
    path = [*range(0, FRAMES, 3), FRAMES - 1, *range(FRAMES - 1, -1, -5), 0]
    for frame in path:
        fetcher.set_cursor("frame", frame)
        assert fetcher.wait_ready(30), f"data at frame {frame} never arrived ({fetcher.error})"
        assert _x_at(fetcher, "/points", frame) == float(frame)
        assert _x_at(fetcher, "/slow", frame) == float(frame - frame % 4)
        assert fetcher.store.latest_at("/static", [TEXT.component], None)[TEXT.component].is_static
        peak = max(peak, fetcher.store.num_bytes)
    fetcher.stop()
    stats = fetcher.stats
    print(f"budget {budget} B, segment {total} B, peak {max(peak, stats.peak_bytes)} B, {stats}")
    assert max(peak, stats.peak_bytes) <= budget + BATCH, (peak, stats, budget)
    assert stats.chunks_evicted > 0 and stats.chunks_refetched > 0, stats
    assert stats.fetch_calls > 2 and stats.chunks_fetched > FRAMES, stats  # scrubbing back refetched


def test_plan_puts_cursor_chunks_first_and_stops_at_the_budget(data_dir: Path) -> None:
    from rerun_core.store.rrd.footer import read_footer  # the same rows a server's manifest has

    (table,) = [m.table for m in read_footer(data_dir / "long.rrd") or []]
    index = ManifestIndex(table)
    assert index.time_range("frame") == (0, FRAMES - 1) and index.default_timeline() == "frame"
    rows, n_must = plan_rows(index, ("frame", 40), None, lambda r: 1)
    must = rows[:n_must]
    assert [index.entities[r] for r in must].count("/static") == 1
    # per entity: the chunk holding frame 40 and the last one ending before it
    assert sorted(index.entities[r] for r in must) == ["/points", "/points", "/slow", "/slow", "/static"]
    span = index.timelines["frame"]
    assert sorted((int(span.start[r]), int(span.end[r])) for r in must if not index.is_static[r]) == [
        (16, 28),
        (32, 44),
        (39, 39),
        (40, 40),
    ]
    assert len(rows) == index.num_chunks
    sizes = index.sizes
    budget = int(sizes.sum() // 4)
    some, _ = plan_rows(index, ("frame", 40), budget, lambda r: int(sizes[r]))
    assert sum(int(sizes[r]) for r in some) <= budget < sum(int(sizes[r]) for r in rows)


def test_hidden_entities_wait_behind_the_visible_ones(data_dir: Path) -> None:
    from rerun_core.store.rrd.footer import read_footer

    (table,) = [m.table for m in read_footer(data_dir / "long.rrd") or []]
    index = ManifestIndex(table)
    rows, n_must = plan_rows(index, ("frame", 40), None, lambda r: 1, hidden={"/slow"})
    assert sorted(index.entities[r] for r in rows[:n_must]) == ["/points", "/points", "/static"]
    assert len(rows) == index.num_chunks  # the hidden entity's chunks still come, later
    assert index.visible({"/"}).sum() == 0 and index.visible(()).all()


def test_scrubbing_our_server_stays_within_the_budget(ours: str) -> None:
    _scrub_within_budget(ours)


@pytest.mark.interop
@pytest.mark.slow
def test_scrubbing_the_real_server_stays_within_the_budget(oracle: Any, data_dir: Path) -> None:
    for url in serve_dataset_dir(oracle.rerun, data_dir, oracle.env()):
        _scrub_within_budget(url)


def test_time_panel_shows_what_is_loaded(ours: str) -> None:
    """The time panel's ticks payload carries `loaded` (the ranges in memory) for a segment
    fetched on demand: it follows the cursor, and the axis stays linear (no collapsed gaps)."""
    from rerun_notebook.time_ticks import TimeTicks

    fetcher, _hub = _open(ours, 60_000)
    fetcher.start(wait=True)
    try:
        ticks = TimeTicks()
        for frame, inside, outside in ((0, 0, FRAMES - 1), (FRAMES - 1, FRAMES - 1, 0)):
            fetcher.set_cursor("frame", frame)
            assert fetcher.wait_ready(30)
            fetcher.wait_idle(30)
            ticks.sync(fetcher.store)
            payload = ticks.payload("frame", "sequence", (0, FRAMES - 1), collapse=True)
            loaded = payload["loaded"]
            assert any(a <= inside <= b for a, b in loaded), loaded
            assert not any(a <= outside <= b for a, b in loaded), loaded
            assert payload["segments"] == [[0, FRAMES - 1, payload["segments"][0][2]]]
    finally:
        fetcher.stop()


class _ForgetfulClient:
    """Serves chunks from the file, except the ones in `withheld` (a server whose manifest lists
    chunks it does not send)."""

    def __init__(self, path: Path, withheld: set[str]) -> None:
        from rerun_core.store.load import load_rrd

        hub = load_rrd(path)
        (sid,) = hub.recordings()
        store = hub.get(sid)
        assert store is not None
        self.chunks = {c.id: c for c in store.chunks()}
        self.withheld = withheld
        self.calls = 0

    def fetch_chunks(self, keys: pa.Table, store_id: StoreId) -> Iterator[ArrowMsg]:
        from rerun_core.types import Tuid

        self.calls += 1
        for raw in keys.column("chunk_id").to_pylist():
            chunk = self.chunks[Tuid.from_bytes(raw)]
            if str(chunk.entity_path) not in self.withheld:
                yield ArrowMsg(store_id, chunk)

    def close(self) -> None:
        pass


def test_chunks_the_server_never_sends_are_not_asked_for_forever(data_dir: Path) -> None:
    from rerun_core.server.redap_source import DatasetRef, SegmentManifest
    from rerun_core.store.rrd.footer import read_footer

    path = data_dir / "long.rrd"
    (table,) = [m.table for m in read_footer(path) or []]
    client = _ForgetfulClient(path, {"/static"})
    manifest = SegmentManifest(DatasetRef("0" * 32, "mydata"), "long", table)
    hub = StoreHub()
    fetcher = SegmentFetcher(client, manifest, hub.store(manifest.store_id()), batch_bytes=BATCH)  # type: ignore[arg-type]
    fetcher.start(wait=True)  # returns although /static never comes
    try:
        assert fetcher.ready() and fetcher.wait_idle(30)
        calls = client.calls
        assert fetcher.store.latest_at("/static", [TEXT.component], None) == {}
        assert len(fetcher.store) == FRAMES + FRAMES // 16  # everything else came
        fetcher.set_cursor("frame", 10)
        assert fetcher.wait_ready(10) and fetcher.wait_idle(10)
        assert client.calls == calls  # nothing asked again
    finally:
        fetcher.stop()
