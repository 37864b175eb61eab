"""Fetch a server segment on demand, within a memory budget, following the viewer's time cursor.

`SegmentFetcher` holds one segment's manifest (`segment_plan.ManifestIndex`) and a `ChunkStore`
it fills through FetchChunks. `start()` fetches the static chunks and those a latest-at query at
the cursor reads, synchronously (the first frame can be drawn when it returns); a background
thread then fetches the rest, nearest to the cursor first, in batches of at most
``batch_bytes`` (and an eighth of the budget). It polls the cursor (a callable: the viewer session's timeline and time), so
scrubbing re-prioritises without any call into the fetcher.

With a ``budget`` (bytes, or a callable giving the bytes left for this segment; none while no
viewer shows the segment) the store never holds more than the budget plus one batch: before a
batch is fetched, held chunks outside the wanted set are evicted (`ChunkStore.drop`), farthest from the cursor first; scrubbing back to
them fetches them again. Static chunks are never evicted. The store's time ranges are declared
from the manifest up front, so a time panel shows the whole segment before it is all here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass

import pyarrow as pa

from rerun_core.store.messages import SetStoreInfo, StoreInfo, StoreSource, StoreSourceKind
from rerun_core.store.store import ChunkStore
from rerun_core.types.tuid import TuidGenerator

from .redap_source import RedapClient, RedapError, SegmentManifest
from .segment_plan import Cursor, ManifestIndex, plan_rows

log = logging.getLogger(__name__)

DEFAULT_BATCH_BYTES = 8 << 20
MIN_SAMPLES = 4  # fetched temporal chunks before their sizes correct the manifest's estimates
MAX_SCALE = 4.0  # how far that correction may go either way
POLL_S = 0.05  # how often an idle fetcher looks at the cursor again
_IDS = TuidGenerator()

Budget = int | Callable[[], int] | None
CursorSource = Callable[[], Cursor | None]  # None: no viewer shows the segment


@dataclass
class FetchStats:
    """Facts about one fetcher's traffic (for tests and the sources panel)."""

    fetch_calls: int = 0  # FetchChunks requests
    chunks_fetched: int = 0
    bytes_fetched: int = 0  # in-memory bytes of the fetched chunks
    chunks_refetched: int = 0  # fetched again after an eviction
    chunks_evicted: int = 0
    peak_bytes: int = 0  # the most the store held


class SegmentFetcher:
    """One segment, fetched into ``store`` on demand (see the module doc)."""

    def __init__(
        self,
        client: RedapClient,
        manifest: SegmentManifest,
        store: ChunkStore,
        *,
        budget: Budget = None,
        cursor: CursorSource | None = None,
        batch_bytes: int = DEFAULT_BATCH_BYTES,
        alive: Callable[[], bool] | None = None,
        hidden: Callable[[], Collection[str]] | None = None,
        index: ManifestIndex | None = None,
    ) -> None:
        self.client = client
        self.manifest = manifest
        self.store = store
        self.index = index if index is not None else ManifestIndex(manifest.table)
        self._budget = budget
        self._cursor_source = cursor
        self._alive = alive  # False once whatever showed the segment is gone: the fetch stops
        self._hidden = hidden  # entity paths the viewer hides: their data at the cursor waits
        self.batch_bytes = max(1, batch_bytes)
        self.stats = FetchStats()
        self.error: str | None = None
        self._cursor: Cursor = self.default_cursor()
        self.shown = True  # a viewer shows the segment (see `cursor`)
        self._actual: dict[int, int] = {}  # row -> in-memory bytes, once fetched
        self._actual_sum = self._est_sum = 0  # over fetched temporal rows: in memory / in the manifest
        self._samples = 0
        self._evicted: set[int] = set()
        self._unavailable: set[int] = set()  # asked for and not sent: not asked again
        self._done = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._step_lock = threading.Lock()
        self._idle_at: tuple[object, ...] | None = None  # the state a step last found nothing to do in
        store.fetch_progress = self  # the time panel's loaded-ranges strip
        for name, span in self.index.timelines.items():
            rng = self.index.time_range(name)
            if rng is not None:
                store.declare_time_range(name, span.typ, *rng)

    # --- the cursor and the budget --------------------------------------------------------------

    def default_cursor(self) -> Cursor:
        """The start of the default timeline (where a viewer opening the segment shows it)."""
        return self.index.default_cursor()

    def set_cursor(self, timeline: str | None, t: int | None) -> None:
        """Move the cursor by hand (when no cursor source is given)."""
        self._cursor = (timeline, t)

    def cursor(self) -> Cursor:
        if self._cursor_source is not None:
            got = self._cursor_source()
            self.shown = got is not None  # None: no viewer shows the segment now
            timeline, t = got or (None, None)
            if timeline is not None and t is not None and timeline in self.index.timelines:
                self._cursor = (timeline, t)
        return self._cursor

    def hidden(self) -> Collection[str]:
        return () if self._hidden is None else self._hidden()

    def budget(self) -> int | None:
        """Bytes this segment may hold; 0 (its data at its last cursor only) while no viewer
        shows it, so that the one shown gets the memory."""
        b = self._budget
        if b is not None and not self.shown:
            return 0
        return b() if callable(b) else b

    def _size(self, row: int) -> int:
        got = self._actual.get(row)
        if got is not None:
            return got
        est = int(self.index.sizes[row])  # the manifest's size, scaled by what fetches showed
        if self._samples < MIN_SAMPLES:
            return est
        return int(est * min(MAX_SCALE, max(1 / MAX_SCALE, self._actual_sum / self._est_sum)))

    # --- what is held -----------------------------------------------------------------------------

    def is_held(self, row: int) -> bool:
        return self.store.chunk_by_id(self.index.chunk_ids[row]) is not None

    def held_rows(self) -> list[int]:
        return [r for r in range(self.index.num_chunks) if self.is_held(r)]

    def loaded_ranges(self, timeline: str) -> list[tuple[int, int]]:
        """Time ranges on ``timeline`` whose chunks are in the store now."""
        return self.index.loaded_ranges(timeline, self.held_rows())

    def ready(self, cursor: Cursor | None = None) -> bool:
        """Whether everything a latest-at query at ``cursor`` (default: the current one) reads is held."""
        timeline, t = cursor or self.cursor()
        rows = [int(r) for r in self.index.static_rows()] + [
            int(r) for r in self.index.needed_at(timeline, t, self.hidden())
        ]
        return all(r in self._unavailable or self.is_held(r) for r in rows)

    def wait_ready(self, timeout: float = 30.0) -> bool:
        """Block until the data at the current cursor is held (or the fetcher failed)."""
        return self._wait(self.ready, timeout)

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Block until the background thread found nothing to fetch or evict in the current
        state (cursor, store, budget, hidden entities)."""
        return self._wait(lambda: self._idle_at is not None and self._idle_at == self._state(), timeout)

    def _wait(self, done: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._done:
            while not (self.error is not None or done()):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._done.wait(min(left, POLL_S))  # the session may move without telling us
            return True

    def _state(self) -> tuple[object, ...]:
        return (self.cursor(), self.store.generation, self.budget(), frozenset(self.hidden()))

    # --- fetching ---------------------------------------------------------------------------------

    def start(self, *, wait: bool = True) -> SegmentFetcher:
        """Open the recording; with ``wait``, fetch the data at the cursor before returning.
        Then fetch the rest in the background."""
        sid = self.manifest.store_id()
        if wait:
            while not self.ready():
                if not self.step():
                    break
        self._thread = threading.Thread(target=self._run, name=f"rerun-fetch-{sid.recording_id}", daemon=True)
        self._thread.start()
        return self

    def store_info(self) -> SetStoreInfo:
        return SetStoreInfo(
            _IDS.new(), StoreInfo(self.manifest.store_id(), StoreSource(StoreSourceKind.OTHER))
        )

    @property
    def running(self) -> bool:
        """Whether its background fetch goes on (started, not stopped, its viewer alive)."""
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
        self.client.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._alive is not None and not self._alive():
                self._stop.set()
                self.client.close()
                return
            state = self._state()
            if state == self._idle_at:  # nothing was missing in this state: skip planning
                self._stop.wait(POLL_S)
                continue
            try:
                busy = self.step()
            except RedapError as err:
                self.error = str(err)
                if not self._stop.is_set():
                    log.warning("fetching segment %s stopped: %s", self.manifest.segment_id, err)
                with self._done:
                    self._done.notify_all()
                return
            with self._done:
                self._idle_at = None if busy else state
                self._done.notify_all()
            if not busy:
                self._stop.wait(POLL_S)

    def step(self) -> bool:
        """Fetch one batch of what the cursor wants, evicting first to stay in the budget.
        Returns False when nothing was missing."""
        with self._step_lock:
            budget = self.budget()
            wanted, n_must = plan_rows(self.index, self.cursor(), budget, self._size, self.hidden())
            missing = [r for r in wanted if r not in self._unavailable and not self.is_held(r)]
            if not missing:
                if budget is not None and self.store.num_bytes > budget:  # the budget shrank
                    self._evict(set(wanted), budget)
                return False
            batch: list[int] = []
            batch_size = 0
            limit = self.batch_bytes if budget is None else min(self.batch_bytes, max(1, budget // 8))
            for r in missing:  # must-haves first (they lead `wanted`), then by nearness
                if batch and batch_size + self._size(r) > limit:
                    break
                batch.append(r)
                batch_size += self._size(r)
            if budget is not None:
                self._evict(set(wanted), budget - batch_size)
            self._fetch(batch)
            if budget is not None:  # the estimates were short: back within the budget now
                self._evict(set(wanted[:n_must]), budget)
        with self._done:
            self._done.notify_all()
        return True

    def _evict(self, keep: set[int], room: int) -> None:
        """Drop held chunks outside ``keep``, farthest from the cursor first, until at most
        ``room`` bytes are held."""
        if self.store.num_bytes <= room:
            return
        dist = self.index.distance(*self.cursor())
        held = [r for r in self.held_rows() if r not in keep and not self.index.is_static[r]]
        held.sort(key=lambda r: -int(dist[r]))
        total, victims = self.store.num_bytes, []
        for r in held:
            if total <= room:
                break
            chunk = self.store.chunk_by_id(self.index.chunk_ids[r])
            if chunk is None:
                continue
            victims.append(chunk)
            total -= chunk.num_bytes
            self._evicted.add(r)
        self.stats.chunks_evicted += len(self.store.drop(victims))

    def _fetch(self, rows: list[int]) -> None:
        self.stats.fetch_calls += 1
        keys = self.manifest.table.take(rows)
        got = self._receive(keys)
        lost = [r for r in rows if r not in got]
        if lost and not self._stop.is_set():  # the server sent other chunks: do not ask forever
            self._unavailable.update(lost)
            log.warning(
                "segment %s: the server did not send %d chunk(s) its manifest lists",
                self.manifest.segment_id,
                len(lost),
            )

    def _receive(self, keys: pa.Table) -> set[int]:
        """Insert what FetchChunks sends; returns the manifest rows that came."""
        got: set[int] = set()
        for msg in self.client.fetch_chunks(keys, self.manifest.store_id()):
            chunk = msg.chunk
            row = self.index.row_of.get(chunk.id)
            if row is not None:
                got.add(row)
            if self.store.insert(chunk):
                self.stats.chunks_fetched += 1
                self.stats.bytes_fetched += chunk.num_bytes
                if row is not None:
                    if row not in self._actual and not chunk.is_static:
                        self._samples += 1
                        self._actual_sum += chunk.num_bytes
                        self._est_sum += int(self.index.sizes[row])
                    self._actual[row] = chunk.num_bytes
                    if row in self._evicted:
                        self._evicted.discard(row)
                        self.stats.chunks_refetched += 1
            self.stats.peak_bytes = max(self.stats.peak_bytes, self.store.num_bytes)
            if self._stop.is_set():
                break
        return got
