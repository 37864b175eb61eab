"""Latest-at and range queries: static wins, clears, ties by row id."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.store.store import ChunkStore
from rerun_core.types import ComponentDescriptor, TimeType, Tuid, new_tuids
from rerun_core.types.time import STATIC_TIME

SCALAR = ComponentDescriptor("Scalars:scalars", "rerun.archetypes.Scalars", "rerun.components.Scalar")
COLOR = ComponentDescriptor("Points3D:colors", "rerun.archetypes.Points3D", "rerun.components.Color")
CLEAR = ComponentDescriptor(
    "Clear:is_recursive", "rerun.archetypes.Clear", "rerun.components.ClearIsRecursive"
)


def cells(values: list[float | None]) -> pa.ListArray:
    return pa.array([None if v is None else [v] for v in values], type=pa.list_(pa.float64()))


def temporal(
    entity: str, frames: list[int], values: list[float | None], *, ids: np.ndarray | None = None
) -> Chunk:
    ids = new_tuids(len(frames)) if ids is None else ids
    tl = [TimeColumn.from_values("frame", TimeType.SEQUENCE, frames)]
    return Chunk.from_columns(entity, ids, tl, {SCALAR: cells(values)})


def static(entity: str, value: float) -> Chunk:
    return Chunk.from_columns(entity, new_tuids(1), [], {SCALAR: cells([value])})


def clear(entity: str, frame: int | None, recursive: bool) -> Chunk:
    tl = [] if frame is None else [TimeColumn.from_values("frame", TimeType.SEQUENCE, [frame])]
    return Chunk.from_columns(
        entity, new_tuids(1), tl, {CLEAR: pa.array([[recursive]], type=pa.list_(pa.bool_()))}
    )


def value_at(store: ChunkStore, entity: str, t: int | None, timeline: str | None = "frame") -> float | None:
    got = store.latest_at(entity, [SCALAR.component], timeline, t).get(SCALAR.component)
    return None if got is None else got.values.to_pylist()[0]


def test_latest_at_picks_last_cell_at_or_before_time() -> None:
    store = ChunkStore()
    store.insert(temporal("/a", [0, 10, 20], [0.0, 1.0, 2.0]))
    store.insert(temporal("/a", [5, 15], [0.5, 1.5]))
    assert value_at(store, "/a", -1) is None
    assert [value_at(store, "/a", t) for t in (0, 4, 5, 12, 15, 99)] == [0.0, 0.0, 0.5, 1.0, 1.5, 2.0]
    cell = store.latest_at("/a", None, "frame", 12)[SCALAR.component]
    assert cell.time == 10 and not cell.is_static
    assert store.latest_at("/missing", None, "frame", 12) == {}
    assert store.latest_at("/a", None, "other_timeline", 12) == {}


def test_null_cells_are_not_data() -> None:
    store = ChunkStore()
    store.insert(temporal("/a", [0, 1], [7.0, None]))
    assert value_at(store, "/a", 1) == 7.0


def test_ties_broken_by_row_id_across_chunks() -> None:
    ids = new_tuids(2)
    store = ChunkStore()
    store.insert(temporal("/a", [3], [2.0], ids=ids[1:]))  # newer row, inserted first
    store.insert(temporal("/a", [3], [1.0], ids=ids[:1]))
    cell = store.latest_at("/a", [SCALAR], "frame", 3)[SCALAR.component]
    assert cell.values.to_pylist() == [2.0]
    assert cell.row_id == Tuid(int(ids[1]["time_ns"]), int(ids[1]["inc"]))


def test_static_wins_over_temporal() -> None:
    store = ChunkStore()
    store.insert(temporal("/a", [0], [1.0]))
    store.insert(static("/a", 42.0))
    store.insert(temporal("/a", [5], [2.0]))
    assert value_at(store, "/a", 10) == 42.0
    assert value_at(store, "/a", None, timeline=None) == 42.0
    store.insert(static("/a", 43.0))  # newer static replaces older static
    cell = store.latest_at("/a", None, "frame", 10)[SCALAR.component]
    assert cell.values.to_pylist() == [43.0] and cell.time is None and cell.is_static


def test_clear_hides_older_data_only() -> None:
    store = ChunkStore()
    store.insert(temporal("/a", [0, 10], [1.0, 2.0]))
    store.insert(clear("/a", 5, recursive=False))
    assert value_at(store, "/a", 4) == 1.0
    assert value_at(store, "/a", 7) is None
    assert value_at(store, "/a", 10) == 2.0
    got = store.latest_at("/a", None, "frame", 7)
    assert list(got) == [CLEAR.component]  # the clear itself stays visible


def test_flat_clear_does_not_touch_children_recursive_does() -> None:
    store = ChunkStore()
    store.insert(temporal("/w/child", [0], [1.0]))
    store.insert(clear("/w", 5, recursive=False))
    assert value_at(store, "/w/child", 7) == 1.0
    store.insert(clear("/w", 6, recursive=True))
    assert value_at(store, "/w/child", 5) == 1.0
    assert value_at(store, "/w/child", 6) is None
    store.insert(temporal("/w/child", [8], [3.0]))
    assert value_at(store, "/w/child", 9) == 3.0


def test_clear_never_hides_static_data_and_static_clear_hides_temporal() -> None:
    store = ChunkStore()
    store.insert(static("/s", 1.0))
    store.insert(clear("/s", 5, recursive=False))
    assert value_at(store, "/s", 9) == 1.0
    store.insert(temporal("/t", [0], [1.0]))
    store.insert(clear("/t", None, recursive=False))
    assert value_at(store, "/t", 9) is None


def test_clear_tie_at_same_time_uses_row_id() -> None:
    ids = new_tuids(2)
    store = ChunkStore()
    store.insert(temporal("/a", [5], [1.0], ids=ids[:1]))
    store.insert(clear("/a", 5, recursive=False))  # newer row id than the data
    assert value_at(store, "/a", 5) is None
    store.insert(temporal("/a", [5], [2.0]))  # newer still
    assert value_at(store, "/a", 5) == 2.0


def test_range_sorted_by_time_then_row_id_and_static_wins() -> None:
    store = ChunkStore()
    store.insert(temporal("/a", [4, 1, 9], [4.0, 1.0, 9.0]))
    store.insert(temporal("/a", [2, 4], [2.0, 4.5]))
    col = store.range("/a", [SCALAR], "frame", 2, 8)[SCALAR.component]
    assert col.times.tolist() == [2, 4, 4]
    assert col.values.to_pylist() == [[2.0], [4.0], [4.5]]
    assert len(col.row_ids) == 3
    assert store.range("/a", None, "frame", 100, 200) == {}
    store.insert(static("/a", 0.0))
    col = store.range("/a", None, "frame", 0, 10)[SCALAR.component]
    assert col.times.tolist() == [STATIC_TIME] and col.values.to_pylist() == [[0.0]]


def test_many_inserts_then_queries_stay_consistent() -> None:
    rng = np.random.default_rng(1)
    store = ChunkStore()
    truth: dict[int, float] = {}
    for k in range(60):
        frames = rng.integers(0, 500, size=int(rng.integers(1, 20))).tolist()
        vals = [float(k * 100 + i) for i in range(len(frames))]
        store.insert(temporal("/a", frames, vals))
        for f, v in zip(frames, vals, strict=True):
            truth[f] = v  # later rows have higher row ids
        if k % 7 == 0:
            t = int(rng.integers(0, 500))
            want = truth[max(f for f in truth if f <= t)] if any(f <= t for f in truth) else None
            assert value_at(store, "/a", t) == want
    for t in range(0, 500, 13):
        want = truth[max(f for f in truth if f <= t)] if any(f <= t for f in truth) else None
        assert value_at(store, "/a", t) == want


def test_latest_at_and_range_match_brute_force_on_random_chunks() -> None:
    """Out-of-order chunks, overlapping times, ties, nulls: compare with a plain-Python model."""
    rng = np.random.default_rng(7)
    ids = new_tuids(3000)
    order = rng.permutation(3000)  # row ids handed out in a random order across chunks
    cells_model: list[tuple[int, int, float]] = []  # (time, row id rank, value)
    store = ChunkStore()
    at = 0
    while at < 3000:
        n = int(rng.integers(1, 200))
        rank = order[at : at + n]
        frames = rng.integers(0, 400, size=rank.size).tolist()
        vals: list[float | None] = [None if rng.random() < 0.1 else float(r) for r in rank]
        store.insert(temporal("/a", frames, vals, ids=ids[rank]))
        cells_model += [(f, int(r), v) for f, r, v in zip(frames, rank, vals, strict=True) if v is not None]
        at += n
        if rng.random() < 0.3:
            store.latest_at("/a", None, "frame", 200)  # interleave index builds with inserts
    cells_model.sort()
    for t in range(-1, 401, 7):
        before = [c for c in cells_model if c[0] <= t]
        want = before[-1][2] if before else None
        assert value_at(store, "/a", t) == want
    col = store.range("/a", None, "frame", 100, 300)[SCALAR.component]
    expect = [c for c in cells_model if 100 <= c[0] <= 300]
    assert col.times.tolist() == [c[0] for c in expect]
    assert col.values.to_pylist() == [[c[2]] for c in expect]
    table = store.dataframe("frame")
    last: dict[int, float] = {}
    for f, _, v in cells_model:
        last[f] = v
    assert table.column("frame").to_pylist() == sorted(last)
    assert table.column("/a:Scalars:scalars").to_pylist() == [[last[f]] for f in sorted(last)]


def test_latest_at_with_clears_matches_a_direct_model() -> None:
    """Random data, static cells and (recursive) clears on a small tree vs a slow model."""
    rng = np.random.default_rng(3)
    paths = ["/w", "/w/a", "/w/a/b", "/w/c"]
    store = ChunkStore()
    cells: list[tuple[str, bool, int | None, int, float]] = []  # (path, is_clear, t, rid rank, value)
    rank = 0
    for _ in range(120):
        path = paths[int(rng.integers(len(paths)))]
        kind = rng.random()
        t = None if rng.random() < 0.05 else int(rng.integers(0, 50))
        if kind < 0.25:
            recursive = bool(rng.random() < 0.5)
            store.insert(clear(path, t, recursive))
            cells.append((path, True, t, rank, float(recursive)))
        else:
            v = float(rank)
            store.insert(static(path, v) if t is None else temporal(path, [t], [v]))
            cells.append((path, False, t, rank, v))
        rank += 1

    def key(c: tuple[str, bool, int | None, int, float]) -> tuple[int, int, int]:
        return (1, 0, c[3]) if c[2] is None else (0, c[2], c[3])

    def model(path: str, t: int) -> float | None:
        data = [c for c in cells if c[0] == path and not c[1] and (c[2] is None or c[2] <= t)]
        if not data:
            return None
        best = max(data, key=key)
        clears = []
        for anc in [p for p in paths if path == p or path.startswith(p + "/")]:
            mine = [c for c in cells if c[0] == anc and c[1] and (c[2] is None or c[2] <= t)]
            if mine:
                latest = max(mine, key=key)
                if anc == path or latest[4] == 1.0:
                    clears.append(key(latest))
        if clears and key(best) <= max(clears):
            return None
        return best[4]

    for path in paths:
        for t in range(0, 52, 3):
            assert value_at(store, path, t) == model(path, t), (path, t)
