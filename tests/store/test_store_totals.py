"""ChunkStore's running totals agree with a full walk over its chunks after random inserts/drops."""

from __future__ import annotations

import random

import pyarrow as pa

from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.store.store import ChunkStore, StoreStats
from rerun_core.types import ComponentDescriptor, TimeType, new_tuids

COMPONENTS = [
    ComponentDescriptor(f"Points3D:{n}", "rerun.archetypes.Points3D", f"rerun.components.{n.title()}")
    for n in ("positions", "radii", "colors")
]


def _random_chunk(rng: random.Random) -> Chunk:
    rows = rng.randint(1, 20)
    entity = rng.choice(["/a", "/a/b", "/c", "/d/e/f"])
    comps = {
        d: pa.array([[float(i)] * rng.randint(0, 3) for i in range(rows)], type=pa.list_(pa.float64()))
        for d in rng.sample(COMPONENTS, rng.randint(1, len(COMPONENTS)))
    }
    if rng.random() < 0.2:
        return Chunk.from_columns(entity, new_tuids(rows), [], comps)
    start = rng.randint(0, 1000)
    timeline = rng.choice(["frame", "step"])
    tl = [TimeColumn.from_values(timeline, TimeType.SEQUENCE, list(range(start, start + rows)))]
    return Chunk.from_columns(entity, new_tuids(rows), tl, comps)


def _walk(store: ChunkStore) -> StoreStats:
    chunks = store.chunks()
    static = [c for c in chunks if c.is_static]
    columns = {(str(c.entity_path), d.component) for c in chunks for d in c.components}
    return StoreStats(
        num_chunks=len(chunks),
        num_static_chunks=len(static),
        num_rows=sum(c.num_rows for c in chunks),
        num_static_rows=sum(c.num_rows for c in static),
        num_bytes=sum(c.num_bytes for c in chunks),
        num_entities=len({c.entity_path for c in chunks}),
        num_timelines=len(store.timelines()),
        num_columns=len(columns),
    )


def test_totals_match_a_full_walk_after_random_inserts_and_drops() -> None:
    rng = random.Random(11)
    store = ChunkStore()
    for step in range(400):
        action = rng.random()
        held = store.chunks()
        if action < 0.6 or not held:
            chunk = _random_chunk(rng)
            store.insert(chunk)
            if rng.random() < 0.1:
                store.insert(chunk)  # a duplicate changes nothing
        elif action < 0.85:
            store.drop(rng.sample(held, rng.randint(1, min(5, len(held)))))
        elif action < 0.95:
            store.gc(store.num_bytes // 2)
        else:
            store.clear()
        assert store.stats() == _walk(store), f"step {step}"
        assert store.num_bytes == _walk(store).num_bytes
    assert store.stats().num_chunks > 0


def test_memory_limit_gc_keeps_totals_right() -> None:
    rng = random.Random(3)
    sample = _random_chunk(rng)
    store = ChunkStore(memory_limit=sample.num_bytes * 20)
    for _ in range(300):
        store.insert(_random_chunk(rng))
        assert store.stats() == _walk(store)


def test_dropping_static_chunks_by_hand_keeps_queries_right() -> None:
    desc = COMPONENTS[0]
    older = Chunk.from_columns("/s", new_tuids(1), [], {desc: pa.array([[1.0]], pa.list_(pa.float64()))})
    newer = Chunk.from_columns("/s", new_tuids(1), [], {desc: pa.array([[2.0]], pa.list_(pa.float64()))})
    store = ChunkStore()
    store.insert(older)
    store.insert(newer)
    assert store.latest_at("/s", None, None, None)[desc.component].values.to_pylist() == [2.0]
    store.drop([newer])
    assert store.latest_at("/s", None, None, None)[desc.component].values.to_pylist() == [1.0]
    store.clear()
    assert store.latest_at("/s", None, None, None) == {} and store.stats() == _walk(store)
