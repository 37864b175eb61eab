"""StoreHub: the recordings and blueprints a viewer or server holds, keyed by StoreId.

``insert(msg)`` is the one entry point for log messages (from a file, a gRPC stream or the
SDK's in-process sink): SetStoreInfo opens a store, ArrowMsg inserts a chunk (opening the
store if its info never came), BlueprintActivationCommand picks the active blueprint. The most
recently opened recording becomes the active one, as in Rerun's viewer.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from .chunk import Chunk
from .messages import (
    ArrowMsg,
    BlueprintActivationCommand,
    LogMsg,
    SetStoreInfo,
    StoreId,
    StoreInfo,
    StoreKind,
)
from .store import GC_HEADROOM, ChunkStore, StoreEvent, Subscriber

log = logging.getLogger(__name__)


class StoreHub:
    """Several stores, the active recording/blueprint, and subscribers across all stores."""

    def __init__(self, *, memory_limit: int | None = None) -> None:
        self.memory_limit = memory_limit  # across all stores (see ``gc``)
        self._lock = threading.RLock()
        self._stores: dict[StoreId, ChunkStore] = {}
        self._infos: dict[StoreId, StoreInfo] = {}
        self._subscribers: dict[int, Subscriber] = {}
        self._store_handles: dict[StoreId, int] = {}
        self._next_handle = 0
        self.active_recording_id: StoreId | None = None
        self.active_blueprint_id: StoreId | None = None
        self.default_blueprint_id: StoreId | None = None

    # --- messages -----------------------------------------------------------------------

    def insert(self, msg: LogMsg) -> ChunkStore | None:
        """Route one log message; returns the store it touched (None for a blueprint command)."""
        if isinstance(msg, SetStoreInfo):
            with self._lock:
                self._infos[msg.store_id] = msg.info
                return self.store(msg.store_id)
        if isinstance(msg, ArrowMsg):
            store = self.store(msg.store_id)
            if (
                store.insert(msg.chunk)
                and self.memory_limit is not None
                and self.num_bytes > self.memory_limit
            ):
                self.gc(int(self.memory_limit * GC_HEADROOM))
            return store
        if isinstance(msg, BlueprintActivationCommand):
            with self._lock:
                self.store(msg.blueprint_id)
                if msg.make_active:
                    self.active_blueprint_id = msg.blueprint_id
                if msg.make_default:
                    self.default_blueprint_id = msg.blueprint_id
            return None
        raise TypeError(f"not a log message: {type(msg).__name__}")

    def insert_many(self, msgs: Iterable[LogMsg]) -> None:
        for msg in msgs:
            self.insert(msg)

    # --- stores -------------------------------------------------------------------------

    def store(self, store_id: StoreId) -> ChunkStore:
        """The store for ``store_id``, opened (and subscribed to) on first use."""
        with self._lock:
            store = self._stores.get(store_id)
            if store is None:
                store = ChunkStore(store_id)
                self._stores[store_id] = store
                self._store_handles[store_id] = store.subscribe(self._forward)
                if store_id.kind == StoreKind.RECORDING:
                    self.active_recording_id = store_id
                elif self.active_blueprint_id is None:
                    self.active_blueprint_id = store_id
            return store

    def get(self, store_id: StoreId) -> ChunkStore | None:
        return self._stores.get(store_id)

    def info(self, store_id: StoreId) -> StoreInfo | None:
        return self._infos.get(store_id)

    def store_ids(self) -> list[StoreId]:
        with self._lock:
            return list(self._stores)

    def recordings(self) -> list[StoreId]:
        return [s for s in self.store_ids() if s.kind == StoreKind.RECORDING]

    def blueprints(self) -> list[StoreId]:
        return [s for s in self.store_ids() if s.kind == StoreKind.BLUEPRINT]

    @property
    def active_recording(self) -> ChunkStore | None:
        rid = self.active_recording_id
        return None if rid is None else self._stores.get(rid)

    @property
    def active_blueprint(self) -> ChunkStore | None:
        bid = self.active_blueprint_id
        return None if bid is None else self._stores.get(bid)

    def set_active_recording(self, store_id: StoreId) -> None:
        if store_id not in self._stores:
            raise KeyError(f"no store {store_id}")
        self.active_recording_id = store_id

    def remove(self, store_id: StoreId) -> None:
        """Forget a store (its subscribers stop hearing from it)."""
        with self._lock:
            store = self._stores.pop(store_id, None)
            self._infos.pop(store_id, None)
            if store is not None:
                store.unsubscribe(self._store_handles.pop(store_id))
            if self.active_recording_id == store_id:
                recs = self.recordings()
                self.active_recording_id = recs[-1] if recs else None
            if self.active_blueprint_id == store_id:
                self.active_blueprint_id = None

    @property
    def num_bytes(self) -> int:
        return sum(s.num_bytes for s in list(self._stores.values()))

    def gc(self, target_bytes: int) -> int:
        """Drop the oldest temporal chunks of all stores (by row id) down to ``target_bytes``.

        Static data is never dropped. Returns the number of chunks dropped.
        """
        total = self.num_bytes
        if total <= target_bytes:
            return 0
        candidates = [
            (rid, store, c) for store in list(self._stores.values()) for rid, c in store.gc_candidates()
        ]
        candidates.sort(key=lambda x: x[0])
        victims: dict[int, tuple[ChunkStore, list[Chunk]]] = {}
        for _, store, chunk in candidates:
            if total <= target_bytes:
                break
            victims.setdefault(id(store), (store, []))[1].append(chunk)
            total -= chunk.num_bytes
        return sum(len(store.drop(chunks)) for store, chunks in victims.values())

    def __len__(self) -> int:
        return len(self._stores)

    def __contains__(self, store_id: object) -> bool:
        return store_id in self._stores

    # --- subscribers --------------------------------------------------------------------

    def subscribe(self, callback: Subscriber) -> int:
        """``callback(event)`` for every chunk added to (or dropped from) any store."""
        with self._lock:
            self._next_handle += 1
            self._subscribers[self._next_handle] = callback
            return self._next_handle

    def unsubscribe(self, handle: int) -> None:
        with self._lock:
            self._subscribers.pop(handle, None)

    def _forward(self, event: StoreEvent) -> None:
        for cb in list(self._subscribers.values()):
            try:
                cb(event)
            except Exception:  # one broken subscriber must not starve the others
                log.exception("hub subscriber failed")
