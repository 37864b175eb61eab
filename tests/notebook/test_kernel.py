"""The kernel-wide notebook state (rerun_notebook.kernel): one hub, blueprint choices, tees, feeds."""

from __future__ import annotations

from collections.abc import Callable

import rerun as rr
from rerun_core.store.messages import (
    BlueprintActivationCommand,
    LogMsg,
    SetStoreInfo,
    StoreId,
    StoreInfo,
    StoreKind,
)
from rerun_core.store.store import ChunkStore
from rerun_core.types import new_tuid
from rerun_notebook.kernel import Kernel, KernelSink


class FakeViewer:
    def __init__(self) -> None:
        self.offered: list[str] = []
        self.changes = 0

    def offer_store(self, recording_id: str, store: ChunkStore, *, application_id: str) -> None:
        self.offered.append(recording_id)

    def blueprints_changed(self) -> None:
        self.changes += 1


class FakeFeed:
    def __init__(self) -> None:
        self.consumers: list[Callable[[LogMsg], None]] = []

    def attach(self, consumer: Callable[[LogMsg], None]) -> None:
        self.consumers.append(consumer)


def test_blueprint_commands_pick_the_store_and_tell_the_viewers() -> None:
    k = Kernel()
    viewer = FakeViewer()
    k.add_viewer(viewer)
    old, new = (StoreId(StoreKind.BLUEPRINT, rid, "app") for rid in ("bp1", "bp2"))
    sink = k.sink()
    for sid in (old, new):
        sink.send(SetStoreInfo(new_tuid(), StoreInfo(sid)))
    assert k.blueprint_store_for("app") is k.hub.get(new)  # the newest, without a command
    sink.send(BlueprintActivationCommand(old, make_active=True, make_default=False))
    assert k.blueprint_store_for("app") is k.hub.get(old)
    assert k.blueprint_store_for("other") is None
    assert viewer.changes == 3


def test_a_recording_is_teed_in_once() -> None:
    k = Kernel()
    rec = rr.RecordingStream("app", recording_id="tee")
    added: list[KernelSink] = []

    def add(sink: KernelSink) -> None:
        added.append(sink)
        rec._add_sink(sink)

    for _ in range(3):
        k.tee(rec._core, add)
    assert len(added) == 1
    rec.log("p", rr.Scalars(1.0))
    rec.flush()
    assert "/p" in [str(p) for p in k.hub.store(rec.store_id).entity_paths()]


def test_a_feed_lands_in_the_hub_and_is_offered_to_viewers() -> None:
    k = Kernel()
    viewer = FakeViewer()
    k.add_viewer(viewer)
    feed = FakeFeed()
    k.attach_feed(feed)
    k.attach_feed(feed)  # once per feed
    assert len(feed.consumers) == 1
    sid = StoreId(StoreKind.RECORDING, "remote", "app")
    feed.consumers[0](SetStoreInfo(new_tuid(), StoreInfo(sid)))
    assert sid in k.hub and viewer.offered == ["remote"]
    k.remove_viewer(viewer)
    assert k.viewers() == []
