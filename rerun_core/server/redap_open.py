"""What opening a Rerun server URL does, shared by the CLI, the notebook and the web page.

- a segment URL: the segment is opened as a recording; `OpenPlan.start` fetches it on demand
  into a hub (`segment_fetcher`: the data at the cursor first, the rest in the background,
  within a memory limit), `OpenPlan.fetch` streams it whole into a sink (`rerun --save`);
- a dataset URL: its segments are listed, and fetched when together they are at most
  ``budget`` bytes (as stored on the server); a bigger dataset is only listed;
- a server URL: its datasets and their segments are listed, nothing is fetched (Rerun's viewer
  also only lists a server in its sources panel until a segment is picked).

`OpenResult` keeps the listing and the recordings opened, which a sources panel (later) can show
and a `close_url` can remove. Nothing here imports the SDK or the viewers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Protocol

from rerun_core import gc_pause, pandas_defer
from rerun_core.store.messages import LogMsg, StoreId
from rerun_core.store.store import ChunkStore

from .redap_source import (
    DatasetRef,
    RedapClient,
    RedapUrl,
    SegmentInfo,
    SegmentManifest,
    parse_url,
    segment_messages,
)
from .segment_fetcher import CursorSource, SegmentFetcher
from .segment_plan import Cursor, ManifestIndex

log = logging.getLogger(__name__)

DEFAULT_OPEN_BUDGET = 512 << 20  # a dataset URL opens all its segments up to this many bytes
MAX_LISTED = 20  # segment URLs shown per dataset in `OpenResult.lines()`
BUDGET_SHARE = 0.85  # of a memory limit, what fetched segments may hold (the hub's GC stays idle)

Sink = Callable[[LogMsg], object]


class Hub(Protocol):
    """What of a `StoreHub` opening segments on demand uses."""

    @property
    def num_bytes(self) -> int: ...
    def store(self, store_id: StoreId) -> ChunkStore: ...
    def insert(self, msg: LogMsg) -> object: ...


@dataclass
class DatasetListing:
    dataset: DatasetRef
    segments: list[SegmentInfo]

    @property
    def size_bytes(self) -> int:
        return sum(s.size_bytes or 0 for s in self.segments)


@dataclass
class OpenResult:
    """What a URL held and which recordings opening it added (segment id = recording id)."""

    url: RedapUrl
    datasets: list[DatasetListing] = field(default_factory=list)
    opened: list[StoreId] = field(default_factory=list)
    skipped_bytes: int = 0  # a dataset over the budget: listed, not fetched

    def summary(self) -> str:
        """One line for a terminal or a cell."""
        if self.url.kind == "segment" and self.opened:
            sid = self.opened[0]
            return f"opened segment {sid.recording_id!r} of dataset {sid.application_id!r} from {self.url.origin}"
        segs = sum(len(d.segments) for d in self.datasets)
        text = f"{self.url.origin} holds {len(self.datasets)} dataset(s), {segs} segment(s)"
        if self.opened:
            return text + f"; opened {len(self.opened)} segment(s)"
        if self.skipped_bytes:
            return text + f"; not opened ({self.skipped_bytes / 1e6:.0f} MB): open one segment URL"
        return text + "; open a dataset or segment URL to see data"

    def lines(self) -> list[str]:
        """The listing: one line per dataset, then its segment URLs (the first `MAX_LISTED`)."""
        out = []
        for d in self.datasets:
            out.append(
                f"dataset {d.dataset.name!r} ({len(d.segments)} segments): {self.url.dataset_url(d.dataset.id)}"
            )
            out += [f"  {self.url.segment_url(d.dataset.id, s.id)}" for s in d.segments[:MAX_LISTED]]
            if len(d.segments) > MAX_LISTED:
                out.append(f"  ... and {len(d.segments) - MAX_LISTED} more")
        return out


@dataclass
class OpenPlan:
    """A URL resolved against its server (datasets and segments checked), not fetched yet: the
    CLI resolves before it starts serving, so a bad URL fails alone, in one line."""

    client: RedapClient
    result: OpenResult
    to_fetch: list[tuple[DatasetRef, str]]
    # manifests already fetched while planning (a segment URL's), used once instead of asking again
    manifests: dict[str, SegmentManifest] = field(default_factory=dict)

    def archetypes(self) -> set[str]:
        """The archetypes of the segments fetched first, by short name (``Points3D``): their
        manifests' ``has_static_data`` columns carry each component's ``rerun:archetype``. What
        the viewer will draw."""
        names = set()
        for manifest in self.manifests.values():
            for f in manifest.table.schema:
                archetype = (f.metadata or {}).get(b"rerun:archetype")
                if archetype and f.name.endswith(":has_static_data"):
                    names.add(archetype.decode().removeprefix("rerun.archetypes."))
        return names

    def _manifest(self, ds: DatasetRef, segment_id: str) -> SegmentManifest:
        known = self.manifests.pop(segment_id, None)
        return known if known is not None else self.client.manifest(ds, segment_id)

    def fetch(self, sink: Sink) -> OpenResult:
        """Stream the planned segments into ``sink``; closes the connection."""
        try:
            for ds, segment_id in self.to_fetch:
                manifest = self._manifest(ds, segment_id)
                for msg in segment_messages(self.client, manifest):
                    sink(msg)
                self.result.opened.append(manifest.store_id())
        finally:
            self.client.close()
        return self.result

    def start(
        self,
        hub: Hub,
        *,
        memory_limit: int | None = None,
        cursor_for: Callable[[StoreId], CursorSource] | None = None,
        batch_bytes: int | None = None,
        alive: Callable[[], bool] | None = None,
        hidden_for: Callable[[StoreId], Callable[[], Collection[str]]] | None = None,
        on_open: Callable[[StoreId, Cursor], object] | None = None,
    ) -> tuple[OpenResult, list[SegmentFetcher]]:
        """Open the planned segments in ``hub``, fetched on demand: each one's data at its cursor
        (``cursor_for(store_id)``; default the start of its default timeline) for the entities not
        hidden (``hidden_for(store_id)``) is held when this
        returns, the rest follows in the background. With ``memory_limit`` (bytes, for the whole
        hub) the segments hold at most `BUDGET_SHARE` of it minus what other stores hold. The
        background fetches end when ``alive()`` turns False (the viewer closed). ``on_open``
        hears of each segment (its store id, its default cursor) before the hub holds it, so
        whatever shows the hub's recordings can know where to show it first."""
        fetchers: list[SegmentFetcher] = []
        try:
            for ds, segment_id in self.to_fetch:
                manifest = self._manifest(ds, segment_id)
                sid = manifest.store_id()
                index = ManifestIndex(manifest.table)
                if on_open is not None:
                    on_open(sid, index.default_cursor())
                store = hub.store(sid)
                budget = None if memory_limit is None else _budget(hub, store, memory_limit)
                fetcher = SegmentFetcher(
                    RedapClient(self.result.url, timeout=self.client.timeout),
                    manifest,
                    store,
                    budget=budget,
                    cursor=cursor_for(sid) if cursor_for is not None else None,
                    alive=alive,
                    hidden=hidden_for(sid) if hidden_for is not None else None,
                    index=index,
                    **({} if batch_bytes is None else {"batch_bytes": batch_bytes}),
                )
                when = self.result.url.when
                if when is not None and when.timeline in fetcher.index.timelines:
                    fetcher.set_cursor(when.timeline, when.value)  # the URL's #when= comes first
                hub.insert(fetcher.store_info())
                fetchers.append(fetcher)
                fetcher.start(wait=True)
                self.result.opened.append(sid)
        except BaseException:
            for f in fetchers:
                f.stop()
            raise
        finally:
            self.client.close()
        return self.result, fetchers


def _budget(hub: Hub, store: ChunkStore, memory_limit: int) -> Callable[[], int]:
    """Bytes one fetched segment may hold: a share of the limit less what other stores hold."""

    def left() -> int:
        return max(0, int(memory_limit * BUDGET_SHARE) - (hub.num_bytes - store.num_bytes))

    return left


def plan_url(url: str | RedapUrl, *, budget: int = DEFAULT_OPEN_BUDGET, timeout: float = 60.0) -> OpenPlan:
    """Resolve a server, dataset or segment URL: what it holds and which segments to fetch.

    Raises `InvalidUrlError` (a ValueError) or `RedapError` (a RuntimeError), one line each.
    """
    parsed = parse_url(url) if isinstance(url, str) else url
    client = RedapClient(parsed, timeout=timeout)
    try:
        result = OpenResult(parsed)
        todo: list[tuple[DatasetRef, str]] = []
        if parsed.kind == "server":
            for ds in client.datasets():
                result.datasets.append(DatasetListing(ds, client.segments(ds.id)))
            return OpenPlan(client, result, todo)
        assert parsed.dataset_id is not None
        ds = client.dataset(parsed.dataset_id)
        if parsed.kind == "segment":
            assert parsed.segment_id is not None
            manifest = client.manifest(ds, parsed.segment_id)  # NOT_FOUND now, not after serving began
            return OpenPlan(client, result, [(ds, parsed.segment_id)], {parsed.segment_id: manifest})
        listing = DatasetListing(ds, client.segments(ds.id))
        result.datasets.append(listing)
        if listing.size_bytes > budget:
            result.skipped_bytes = listing.size_bytes
        else:
            todo = [(ds, seg.id) for seg in listing.segments]
        return OpenPlan(client, result, todo)
    except BaseException:
        client.close()
        raise


@dataclass
class EarlyStart:
    """`OpenPlan.start`'s arguments for a `PlanPrefetch` that starts the fetch itself, as soon as
    the plan is made (the viewer showing it is bound later: `PlanPrefetch.bind`)."""

    hub: Hub
    memory_limit: int | None = None
    cursor_for: Callable[[StoreId], CursorSource] | None = None
    hidden_for: Callable[[StoreId], Callable[[], Collection[str]]] | None = None


class PlanPrefetch:
    """`plan_url` on a thread of its own, begun before slow local work (a fresh viewer imports
    and builds its renderer for a second or more) so that the server's round trips overlap it;
    with ``early``, the on-demand fetch of the data at the cursor starts on that thread too."""

    def __init__(
        self,
        url: str,
        *,
        budget: int = DEFAULT_OPEN_BUDGET,
        timeout: float = 60.0,
        on_plan: Callable[[OpenPlan], object] | None = None,
        early: EarlyStart | None = None,
    ) -> None:
        """``on_plan``: called on the thread with the plan as soon as it is made (e.g. to tell
        the renderer warm-up which archetypes come); its errors are logged, not raised."""
        # the viewer opening it needs no pandas before its first frame (the caller releases),
        # and no cyclic collections walking its fresh imports until then
        pandas_defer.defer()
        gc_pause.pause()
        self._plan: OpenPlan | None = None
        self._error: BaseException | None = None
        self._on_plan = on_plan
        self._early = early
        self._started: tuple[OpenResult, list[SegmentFetcher]] | None = None
        self._alive: Callable[[], bool] | None = None  # the viewer's (`bind`): alive until bound
        self._thread = threading.Thread(
            target=self._run, args=(url, budget, timeout), name="rerun-plan-prefetch", daemon=True
        )
        self._thread.start()

    def _run(self, url: str, budget: int, timeout: float) -> None:
        try:
            self._plan = plan_url(url, budget=budget, timeout=timeout)
        except BaseException as err:  # handed to whoever takes the result
            self._error = err
            return
        if self._on_plan is not None:
            try:
                self._on_plan(self._plan)
            except Exception:
                log.warning("after planning %s", url, exc_info=True)
        early = self._early
        if early is not None:
            try:
                self._started = self._plan.start(
                    early.hub,
                    memory_limit=early.memory_limit,
                    cursor_for=early.cursor_for,
                    alive=lambda: self._alive is None or self._alive(),
                    hidden_for=early.hidden_for,
                )
            except BaseException as err:
                self._error = err

    def result(self) -> OpenPlan:
        """The plan, once the server answered; raises what `plan_url` raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._plan is not None
        return self._plan

    def started(self, alive: Callable[[], bool]) -> tuple[OpenResult, list[SegmentFetcher]] | None:
        """What the early start opened (as `OpenPlan.start` returns it), its fetches now alive
        while ``alive()``; None without ``early``. Raises what planning or starting raised."""
        self.result()
        if self._started is not None:
            self._alive = alive
        return self._started

    def discard(self) -> None:
        """Not needed after all (the viewer failed first): close its connection, stop what the
        early start fetches."""
        pandas_defer.release()
        gc_pause.resume()
        self._thread.join()
        for fetcher in self._started[1] if self._started is not None else ():
            fetcher.stop()
        if self._plan is not None:
            self._plan.client.close()


def open_url(
    url: str | RedapUrl, sink: Sink, *, budget: int = DEFAULT_OPEN_BUDGET, timeout: float = 60.0
) -> OpenResult:
    """Open a server, dataset or segment URL into ``sink`` (e.g. ``StoreHub.insert``)."""
    return plan_url(url, budget=budget, timeout=timeout).fetch(sink)
