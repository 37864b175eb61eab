"""ChunkStore bookkeeping (stats, subscribers, memory limit) and StoreHub routing."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.store.hub import StoreHub
from rerun_core.store.messages import (
    ArrowMsg,
    BlueprintActivationCommand,
    SetStoreInfo,
    StoreId,
    StoreInfo,
    StoreKind,
)
from rerun_core.store.store import ChunkStore, StoreEvent
from rerun_core.types import ComponentDescriptor, EntityPath, TimeType, new_tuid, new_tuids

SCALAR = ComponentDescriptor("Scalars:scalars", "rerun.archetypes.Scalars", "rerun.components.Scalar")


def temporal(entity: str, frames: list[int], *, timeline: str = "frame") -> Chunk:
    values = pa.array([[float(f)] for f in frames], type=pa.list_(pa.float64()))
    tl = [TimeColumn.from_values(timeline, TimeType.SEQUENCE, frames)]
    return Chunk.from_columns(entity, new_tuids(len(frames)), tl, {SCALAR: values})


def static(entity: str, value: float) -> Chunk:
    return Chunk.from_columns(
        entity, new_tuids(1), [], {SCALAR: pa.array([[value]], type=pa.list_(pa.float64()))}
    )


def test_insert_is_idempotent_per_chunk_id_and_stats_add_up() -> None:
    store = ChunkStore()
    a, b, s = temporal("/a", [0, 1, 2]), temporal("/b/c", [5], timeline="t"), static("/a", 1.0)
    assert store.insert(a) and store.insert(b) and store.insert(s)
    assert not store.insert(a)
    stats = store.stats()
    assert (stats.num_chunks, stats.num_static_chunks, stats.num_rows, stats.num_static_rows) == (3, 1, 5, 1)
    assert stats.num_entities == 2 and stats.num_timelines == 2
    assert stats.num_bytes == a.num_bytes + b.num_bytes + s.num_bytes
    assert store.entity_paths() == [EntityPath("/a"), EntityPath("/b/c")]
    assert store.timelines() == {"frame": TimeType.SEQUENCE, "t": TimeType.SEQUENCE}
    assert store.time_range("frame") == (0, 2) and store.time_range("nope") is None
    assert [d.component for d in store.entity_components("/a")] == [SCALAR.component]
    assert store.chunks() == [a, b, s] and store.chunk_by_id(b.id) is b


def test_subscribers_get_one_event_per_insert_and_can_leave() -> None:
    store = ChunkStore()
    seen: list[StoreEvent] = []
    handle = store.subscribe(seen.append)
    store.subscribe(lambda e: 1 / 0)  # a broken subscriber does not break inserts
    c = temporal("/a", [0])
    store.insert(c)
    store.insert(c)  # duplicate: no event
    assert [(e.chunk, e.kind) for e in seen] == [(c, "added")]
    store.unsubscribe(handle)
    store.insert(temporal("/a", [1]))
    assert len(seen) == 1


def test_memory_limit_drops_oldest_temporal_never_static() -> None:
    sample = temporal("/a", list(range(100)))
    store = ChunkStore(memory_limit=sample.num_bytes * 5)
    dropped: list[Chunk] = []
    store.subscribe(lambda e: dropped.append(e.chunk) if e.kind == "deleted" else None)
    keep = static("/a", 7.0)
    store.insert(keep)
    chunks = [temporal("/a", list(range(k * 100, k * 100 + 100))) for k in range(20)]
    for c in chunks:
        store.insert(c)
    stats = store.stats()
    assert stats.num_bytes <= sample.num_bytes * 5
    assert store.chunk_by_id(keep.id) is keep
    assert chunks[-1] in store.chunks()
    assert dropped and dropped == chunks[: len(dropped)]  # oldest first
    lo, _ = store.time_range("frame") or (None, None)
    assert lo == min(int(c.timelines["frame"].values[0]) for c in store.chunks() if not c.is_static)
    got = store.range("/a", None, "frame", 0, 10**6)  # static wins, still there
    assert got[SCALAR.component].values.to_pylist() == [[7.0]]


def test_gc_updates_indexes() -> None:
    store = ChunkStore()
    old, new = temporal("/a", [0, 1]), temporal("/a", [2, 3])
    store.insert(old)
    store.insert(new)
    assert store.latest_at("/a", None, "frame", 1)  # builds indexes
    store.gc(new.num_bytes)
    assert store.chunks() == [new]
    assert store.latest_at("/a", None, "frame", 1) == {}
    assert store.latest_at("/a", None, "frame", 3)[SCALAR.component].values.to_pylist() == [3.0]


def _sid(kind: StoreKind, rec: str) -> StoreId:
    return StoreId(kind, rec, "app")


def test_hub_routes_messages_and_tracks_active_stores() -> None:
    hub = StoreHub()
    events: list[StoreEvent] = []
    hub.subscribe(events.append)
    r1, r2, bp = (
        _sid(StoreKind.RECORDING, "r1"),
        _sid(StoreKind.RECORDING, "r2"),
        _sid(StoreKind.BLUEPRINT, "b"),
    )
    hub.insert(SetStoreInfo(new_tuid(), StoreInfo(r1)))
    assert hub.active_recording_id == r1 and hub.info(r1) is not None
    chunk = temporal("/a", [0])
    assert hub.insert(ArrowMsg(r1, chunk)) is hub.get(r1)
    hub.insert(ArrowMsg(r2, temporal("/b", [0])))  # no store info first: store opened anyway
    assert hub.active_recording_id == r2 and hub.recordings() == [r1, r2]
    hub.insert(BlueprintActivationCommand(bp))
    assert hub.active_blueprint_id == bp and hub.default_blueprint_id == bp and hub.blueprints() == [bp]
    assert [e.store_id for e in events] == [r1, r2]
    hub.set_active_recording(r1)
    assert hub.active_recording is hub.get(r1)
    hub.remove(r1)
    assert r1 not in hub and hub.active_recording_id == r2
    with pytest.raises(KeyError):
        hub.set_active_recording(r1)
    with pytest.raises(TypeError):
        hub.insert("nope")  # type: ignore[arg-type]


def test_store_rows_after_many_small_inserts_match_numpy() -> None:
    """Many small inserts between queries: the merged index stays sorted and complete."""
    rng = np.random.default_rng(0)
    store = ChunkStore()
    all_frames: list[int] = []
    for k in range(40):
        frames = sorted(rng.integers(0, 1000, size=5).tolist())
        all_frames += frames
        store.insert(temporal("/a", frames))
        if k % 5 == 0:
            store.latest_at("/a", None, "frame", 500)
    col = store.range("/a", None, "frame", 0, 1000)[SCALAR.component]
    assert col.times.tolist() == sorted(all_frames)


def test_concurrent_inserts_and_queries() -> None:
    import threading

    store = ChunkStore()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for k in range(200):
                store.insert(temporal("/a", [k]))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    seen = -1.0
    while thread.is_alive():
        got = store.latest_at("/a", None, "frame", 10**6).get(SCALAR.component)
        if got is not None:
            value = got.values.to_pylist()[0]
            assert value >= seen  # never goes backwards
            seen = value
    thread.join()
    assert not errors
    assert store.latest_at("/a", None, "frame", 10**6)[SCALAR.component].values.to_pylist() == [199.0]


def test_hub_memory_limit_spans_stores_oldest_first() -> None:
    sample = temporal("/a", list(range(100)))
    hub = StoreHub(memory_limit=sample.num_bytes * 4)
    r1, r2 = _sid(StoreKind.RECORDING, "r1"), _sid(StoreKind.RECORDING, "r2")
    keep = static("/s", 1.0)
    hub.insert(ArrowMsg(r1, keep))
    old = [temporal("/a", list(range(k * 100, k * 100 + 100))) for k in range(3)]
    for c in old:
        hub.insert(ArrowMsg(r1, c))
    new = [temporal("/b", list(range(k * 100, k * 100 + 100))) for k in range(3)]
    for c in new:
        hub.insert(ArrowMsg(r2, c))
    assert hub.num_bytes <= sample.num_bytes * 4
    s1, s2 = hub.get(r1), hub.get(r2)
    assert s1 is not None and s2 is not None
    assert s1.chunk_by_id(keep.id) is keep  # static survives
    assert s1.chunk_by_id(old[0].id) is None  # the oldest went first, from the other store
    assert all(s2.chunk_by_id(c.id) is c for c in new[1:])
