"""Kernel-wide notebook state: the one hub of stores, the live viewers, blueprints, live flushing.

Every notebook viewer in a kernel reads from one ``StoreHub``: recordings log into it through a
:class:`KernelSink` (a tee the SDK adds to the recording), so several viewers of one recording
share one store and nothing is copied. The kernel also remembers which blueprint each application
activated, tells the live viewers when blueprints change or a recording arrives from elsewhere
(a gRPC endpoint in this kernel), and flushes the watched recordings' batchers often while
viewers live, so data logged in a loop shows up without waiting for the batcher's tick.

Light on purpose (the store only): ``rerun.notebook`` imports it before any widget exists.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from typing import Protocol

from rerun_core.store.hub import StoreHub
from rerun_core.store.messages import BlueprintActivationCommand, LogMsg, StoreId, StoreKind
from rerun_core.store.store import ChunkStore

from .sources import label_store

log = logging.getLogger(__name__)

FLUSH_PERIOD_S = 0.02  # the SDK cuts chunks every 200 ms; a live viewer wants them sooner


class KernelViewer(Protocol):
    """What the kernel needs of a live viewer widget (``rerun_notebook.widget.Viewer``)."""

    def offer_store(self, recording_id: str, store: ChunkStore, *, application_id: str) -> None: ...
    def blueprints_changed(self) -> None: ...


class PendingRows(Protocol):
    """A recording's batcher, as the live flusher sees it."""

    def pending_rows(self) -> int: ...
    def flush(self) -> None: ...


class MessageFeed(Protocol):
    """A gRPC endpoint in this kernel: ``attach(consumer)`` feeds it what other processes send."""

    def attach(self, consumer: Callable[[LogMsg], None]) -> None: ...


class _Blueprints:
    """Application id -> the blueprint store ids it activated ("active") or defaulted ("default")."""

    def __init__(self) -> None:
        self._by_app: dict[str, dict[str, StoreId]] = {}
        self._lock = threading.Lock()

    def command(self, cmd: BlueprintActivationCommand) -> None:
        with self._lock:
            entry = self._by_app.setdefault(cmd.blueprint_id.application_id, {})
            if cmd.make_active:
                entry["active"] = cmd.blueprint_id
            if cmd.make_default:
                entry["default"] = cmd.blueprint_id

    def chosen(self, application_id: str) -> list[StoreId]:
        with self._lock:
            entry = self._by_app.get(application_id, {})
            return [entry[key] for key in ("active", "default") if key in entry]


class _Flusher:
    """Flushes watched batchers every ``period`` s while a viewer is alive (a daemon thread)."""

    def __init__(self, alive: Callable[[], bool], period: float = FLUSH_PERIOD_S) -> None:
        self.period = period
        self._alive = alive
        self._watched: weakref.WeakSet[PendingRows] = weakref.WeakSet()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def watch(self, batcher: PendingRows) -> None:
        with self._lock:
            self._watched.add(batcher)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="rerun-notebook-flush", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while self._alive():
            time.sleep(self.period)
            for batcher in list(self._watched):
                try:
                    if batcher.pending_rows():
                        batcher.flush()
                except Exception:
                    log.debug("flushing a recording failed", exc_info=True)
        with self._lock:
            self._thread = None


class Kernel:
    """The notebook state one kernel shares: hub, live viewers, blueprint choices, flusher."""

    def __init__(self) -> None:
        self.hub = StoreHub()
        self.blueprints = _Blueprints()
        self._viewers: weakref.WeakSet[KernelViewer] = weakref.WeakSet()
        self._feeds: weakref.WeakSet[MessageFeed] = weakref.WeakSet()
        self._teed: weakref.WeakKeyDictionary[object, KernelSink] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        self.flusher = _Flusher(lambda: bool(self._viewers))

    # --- viewers ------------------------------------------------------------------------

    def add_viewer(self, viewer: KernelViewer) -> None:
        self._viewers.add(viewer)

    def remove_viewer(self, viewer: KernelViewer) -> None:
        self._viewers.discard(viewer)

    def viewers(self) -> list[KernelViewer]:
        return list(self._viewers)

    # --- data in ------------------------------------------------------------------------

    def tee(self, owner: object, add_sink: Callable[[KernelSink], None]) -> None:
        """``add_sink(sink)`` once per ``owner`` (a recording's shared state): its data reaches the
        hub through one sink however many viewers show it."""
        with self._lock:
            if owner in self._teed:
                return
            sink = self._teed[owner] = self.sink()
        add_sink(sink)

    def sink(self) -> KernelSink:
        """A sink into the kernel's hub (a recording tees one in: ``RecordingStream._add_sink``)."""
        return KernelSink(self)

    def watch(self, batcher: PendingRows) -> None:
        """Flush ``batcher`` often while viewers live."""
        self.flusher.watch(batcher)

    def attach_feed(self, feed: MessageFeed) -> None:
        """Data other processes send to ``feed`` (this kernel's gRPC endpoint) lands in the hub,
        and its recordings show up in the live viewers. Once per feed."""
        with self._lock:
            if feed in self._feeds:
                return
            self._feeds.add(feed)
        sink = self.sink()

        def consume(msg: LogMsg) -> None:
            if isinstance(msg, BlueprintActivationCommand) or msg.store_id.kind is not StoreKind.RECORDING:
                sink.send(msg)
                return
            new = msg.store_id not in self.hub
            sink.send(msg)
            if new:
                label_store(msg.store_id, "gRPC (sent to this kernel's server)")
            self.offer(msg.store_id)  # every message: viewers made since see it too

        feed.attach(consume)

    def offer(self, store_id: StoreId) -> None:
        """Show a recording that arrived from elsewhere in every live viewer."""
        store = self.hub.store(store_id)
        for viewer in self.viewers():
            viewer.offer_store(store_id.recording_id, store, application_id=store_id.application_id)

    # --- blueprints ---------------------------------------------------------------------

    def blueprints_changed(self) -> None:
        for viewer in self.viewers():
            viewer.blueprints_changed()

    def blueprint_store_for(self, application_id: str) -> ChunkStore | None:
        """The blueprint store a viewer of ``application_id`` uses: the active one, else the
        default, else the newest blueprint sent for that application (None: the heuristic)."""
        for store_id in self.blueprints.chosen(application_id):
            store = self.hub.get(store_id)
            if store is not None:
                return store
        ids = [s for s in self.hub.blueprints() if s.application_id == application_id]
        return self.hub.get(ids[-1]) if ids else None


class KernelSink:
    """Inserts into the kernel's hub and tells the viewers when a blueprint arrives or changes."""

    def __init__(self, kernel: Kernel) -> None:
        self._kernel = kernel

    def send(self, msg: LogMsg) -> None:
        self._kernel.hub.insert(msg)
        if isinstance(msg, BlueprintActivationCommand):
            self._kernel.blueprints.command(msg)
            self._kernel.blueprints_changed()
        elif msg.store_id.kind is StoreKind.BLUEPRINT:
            self._kernel.blueprints_changed()

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


_kernel: Kernel | None = None
_kernel_lock = threading.Lock()


def kernel() -> Kernel:
    """This kernel's notebook state (made on first use)."""
    global _kernel
    with _kernel_lock:
        if _kernel is None:
            _kernel = Kernel()
        return _kernel
