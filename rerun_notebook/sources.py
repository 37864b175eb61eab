"""Data sources a viewer opened by URL, and where each recording came from (for its summary).

`UrlSources` is what ``Viewer.open_url`` / ``close_url`` drive, for the notebook widget and the
web page alike: a Rerun server / dataset / segment URL is fetched with
``rerun_core.server.redap_open``, a proxy URL is followed live (`GrpcFeed`), an ``.rrd`` file or
http(s) URL is read; the recordings land in the shared hub and are shown in the viewer's session.
It remembers which recordings each URL opened, so closing a URL removes them again.

Server segments are fetched on demand (``rerun_core.server.segment_fetcher``): each follows the
time cursor of the sessions showing it (`session_cursor`: every `UrlSources` registers its
session), within the viewer's memory limit (``memory_limit=``, else the hub's own).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rerun_core.store.messages import LogMsg, StoreId, StoreKind

if TYPE_CHECKING:
    from rerun_core.server.redap_open import PlanPrefetch
    from rerun_core.server.segment_fetcher import SegmentFetcher
    from rerun_core.store.store import ChunkStore

DEFAULT_SOURCE = "Python SDK (in this kernel)"
_labels: dict[StoreId, str] = {}
_labels_lock = threading.Lock()


def set_default_source(text: str) -> None:
    """What unlabeled recordings say they came from (the CLI: its gRPC endpoint)."""
    global DEFAULT_SOURCE
    DEFAULT_SOURCE = text


def label_store(store_id: StoreId, text: str) -> None:
    """Say where a recording's data came from; its summary shows ``text`` as the source."""
    with _labels_lock:
        _labels.setdefault(store_id, text)


def source_label(store: object, default: str | None = None) -> str:
    """The source text of a store (by its ``store_id``), else ``default`` / `DEFAULT_SOURCE`."""
    sid = getattr(store, "store_id", None)
    fallback = DEFAULT_SOURCE if default is None else default
    with _labels_lock:
        return _labels.get(sid, fallback) if isinstance(sid, StoreId) else fallback


class Hub(Protocol):
    memory_limit: int | None

    @property
    def num_bytes(self) -> int: ...
    def store(self, store_id: StoreId) -> ChunkStore: ...
    def insert(self, msg: LogMsg) -> object: ...
    def get(self, store_id: StoreId) -> Any: ...
    def remove(self, store_id: StoreId) -> None: ...
    def recordings(self) -> list[StoreId]: ...
    def subscribe(self, callback: Callable[[Any], None]) -> int: ...
    def unsubscribe(self, handle: int) -> None: ...


class TimeState(Protocol):
    timeline: str | None
    time: int | None


class Session(Protocol):
    """What of a `ViewerSession` opening a URL uses."""

    stores: dict[str, Any]
    app_ids: dict[str, str]
    active: str | None
    hidden: set[str]
    closed: bool

    def add_store(
        self, recording_id: str, store: Any, *, application_id: str = "", make_active: bool = True
    ) -> None: ...
    @property
    def time(self) -> TimeState: ...  # read-only here: a session's own time control type fits
    def set_active(self, recording_id: str) -> None: ...
    def set_time_ctrl(self, timeline: str | None, time: int | None, play: bool) -> None: ...
    def time_action(self, action: str, value: Any = None) -> None: ...


_sessions: weakref.WeakSet[Any] = weakref.WeakSet()  # every session a UrlSources serves


def session_cursor(store_id: StoreId) -> Callable[[], tuple[str | None, int | None] | None]:
    """The time cursor of a session showing ``store_id`` (the first found; None when none
    shows it), for its fetcher."""

    def cursor() -> tuple[str | None, int | None] | None:
        for session in list(_sessions):
            if session.active == store_id.recording_id and not session.closed:
                return session.time.timeline, session.time.time
        return None

    return cursor


def session_hidden(store_id: StoreId) -> Callable[[], set[str]]:
    """The entity paths hidden in a session showing ``store_id`` (their data is fetched later)."""

    def hidden() -> set[str]:
        for session in list(_sessions):
            if session.active == store_id.recording_id and not session.closed:
                return set(session.hidden)
        return set()

    return hidden


_open_times: dict[str, tuple[Any, tuple[str | None, int | None]]] = {}  # recording id -> (URL, default)


def remember_open_time(recording_id: str, url: Any, default: tuple[str | None, int | None]) -> None:
    """Where a segment opened outside any session (``rerun URL``) is shown: its URL's ``#when=``
    (and ``time_selection=``), else ``default`` (the fetcher's first cursor); pages apply it
    with `apply_open_time` when they first show the recording."""
    with _labels_lock:
        _open_times[recording_id] = (url, default)


def apply_open_time(session: Session, recording_id: str) -> bool:
    """Show ``recording_id`` where its segment URL says (`remember_open_time`); False if unknown."""
    with _labels_lock:
        entry = _open_times.get(recording_id)
    if entry is None:
        return False
    show_open_time(session, *entry)
    return True


def show_open_time(session: Session, url: Any, default: tuple[str | None, int | None]) -> None:
    """Pause ``session`` at a segment URL's ``#when=`` (else ``default``) and show its
    ``time_selection=`` as the loop selection (not looped, as Rerun opens it)."""
    start = url.when
    timeline, t = (start.timeline, start.value) if start else default
    session.set_time_ctrl(timeline, t, False)  # paused where the data was fetched
    if url.selection is not None:
        sel = url.selection
        session.set_time_ctrl(sel.timeline, None, False)
        session.time_action("loop_selection", (sel.start, sel.end))
        session.time_action("loop_mode", "off")
        session.set_time_ctrl(timeline, t, False)


@dataclass
class _Opened:
    store_ids: list[StoreId] = field(default_factory=list)
    stop: Callable[[], None] | None = None  # ends a live feed
    fetchers: list[SegmentFetcher] = field(default_factory=list)  # server segments, on demand


def prefetch_plan(url: str, hub: Hub | None = None, memory_limit: int | None = None) -> PlanPrefetch | None:
    """Start resolving a server / dataset / segment URL now, for `UrlSources.open` to finish
    later; None for anything else (a proxy, a file), which is opened as usual. With ``hub`` (the
    one `UrlSources` will open it in, its ``memory_limit``) the fetch of the data at the cursor
    starts as soon as the plan is made, beside the widget's making."""
    from rerun_core.server.redap_open import EarlyStart, PlanPrefetch
    from rerun_core.server.redap_source import is_redap_url, parse_url

    try:
        if not is_redap_url(url) or parse_url(url).kind == "proxy":
            return None
    except ValueError:
        return None  # `open` reports the bad URL in its own words
    from rerun_core.viewer import warmup  # here: the callback runs on the prefetch's thread

    # the renderer warm-up builds the pipelines of the archetypes the segment holds first
    early = None
    if hub is not None:
        limit = memory_limit if memory_limit is not None else hub.memory_limit
        early = EarlyStart(hub, limit, cursor_for=session_cursor, hidden_for=session_hidden)
    return PlanPrefetch(url, on_plan=lambda plan: warmup.prefer(plan.archetypes()), early=early)


class UrlSources:
    """The URLs one viewer session opened, over a hub shared with other viewers."""

    def __init__(self, hub: Hub, session: Session, *, memory_limit: int | None = None) -> None:
        self.hub = hub
        self.session = session
        self.memory_limit = memory_limit if memory_limit is not None else hub.memory_limit
        self.opened: dict[str, _Opened] = {}
        self._lock = threading.Lock()
        _sessions.add(session)
        from .sources_panel import SourcesPanel

        self.panel = SourcesPanel(self)  # the sources panel's servers, datasets and pages

    def open(self, url: str, plan: PlanPrefetch | None = None) -> str:
        """Open ``url`` and show what it holds; returns a one-line summary. Errors are one line:
        ValueError (a bad URL) or RuntimeError / OSError (unreachable, refused, unreadable).
        ``plan``: `prefetch_plan(url)`, begun earlier (a server URL's round trips already made)."""
        from rerun_core.server.redap_source import is_redap_url, parse_url

        if url in self.opened:
            if plan is not None:
                plan.discard()
            return f"{url} is already open"
        if plan is not None:
            return self._fetch(url, plan)
        if is_redap_url(url) and parse_url(url).kind == "proxy":
            return self._follow(url)
        if is_redap_url(url):
            return self._fetch(url)
        return self._read(url)

    def close(self, url: str) -> None:
        """Remove what ``url`` opened from the viewer (and the hub); nothing if it is not open."""
        with self._lock:
            entry = self.opened.pop(url, None)
        if entry is None:
            return
        if entry.stop is not None:
            entry.stop()
        for fetcher in entry.fetchers:
            fetcher.stop()
        for sid in entry.store_ids:
            forget_store(self.session, sid.recording_id)
            self.hub.remove(sid)

    # --- kinds of URL -------------------------------------------------------------------------

    def _show(
        self, url: str, ids: list[StoreId], label: str, fetchers: list[SegmentFetcher] | None = None
    ) -> None:
        recordings = [s for s in ids if s.kind == StoreKind.RECORDING]
        with self._lock:
            self.opened[url] = _Opened(recordings, fetchers=fetchers or [])
        for i, sid in enumerate(recordings):
            label_store(sid, label)
            store = self.hub.get(sid)
            if store is not None:
                self.session.add_store(
                    sid.recording_id, store, application_id=sid.application_id, make_active=i == 0
                )

    def _fetch(self, url: str, prefetched: PlanPrefetch | None = None) -> str:
        from rerun_core.server.redap_open import plan_url

        session = self.session
        early = prefetched.started(lambda: not session.closed) if prefetched is not None else None
        if early is not None:  # fetched into self.hub already (`prefetch_plan` with the hub)
            result, fetchers = early
        else:
            plan = prefetched.result() if prefetched is not None else plan_url(url)
            result, fetchers = plan.start(
                self.hub,
                memory_limit=self.memory_limit,
                cursor_for=session_cursor,
                alive=lambda: not session.closed,
                hidden_for=session_hidden,
            )
        self._show(url, result.opened, f"Rerun server {result.url.origin}", fetchers)
        self.panel.add_server(result.url.origin, listed=False)  # the panel lists where it came from
        parsed = result.url
        if parsed.kind == "segment" and result.opened:
            show_open_time(self.session, parsed, fetchers[0].default_cursor())
        return result.summary()

    def _read(self, source: str) -> str:
        from rerun_core.store.rrd import read_messages

        is_http = source.startswith(("http://", "https://"))
        if not is_http and not Path(source).is_file():
            raise OSError(f"no such file: {source}")
        seen: list[StoreId] = []
        try:
            for msg in read_messages(source if is_http else Path(source)):
                self.hub.insert(msg)
                sid = getattr(msg, "store_id", None)
                if isinstance(sid, StoreId) and sid not in seen:
                    seen.append(sid)
        except ValueError as err:
            raise ValueError(f"cannot read {source}: {' '.join(str(err).split())}") from None
        self._show(source, seen, f"File {source}" if not is_http else f"HTTP {source}")
        return f"opened {len(seen)} recording(s) from {source}"

    def _follow(self, url: str) -> str:
        """A viewer's proxy: pull it live; recordings are shown as they arrive."""
        from rerun_notebook.web.feed import GrpcFeed

        fed = _FedStores(self.hub)  # the feed inserts through it: other sources share the hub
        feed = GrpcFeed(fed, url)
        entry = _Opened()

        def on_event(event: Any) -> None:
            sid = getattr(event, "store_id", None)
            if not isinstance(sid, StoreId) or sid.kind != StoreKind.RECORDING or sid in entry.store_ids:
                return
            if sid not in fed.store_ids:  # a file, a server segment, the kernel's own logging
                return
            store = self.hub.get(sid)
            if store is None or sid.recording_id in self.session.stores:
                return
            entry.store_ids.append(sid)
            label_store(sid, f"gRPC {url}")
            self.session.add_store(
                sid.recording_id,
                store,
                application_id=sid.application_id,
                make_active=not self.session.stores,
            )

        handle = self.hub.subscribe(on_event)

        def stop() -> None:
            self.hub.unsubscribe(handle)
            feed.stop()

        entry.stop = stop
        with self._lock:
            self.opened[url] = entry
        feed.start()
        return f"following {url}"


class _FedStores:
    """The hub as a live feed sees it: remembers which stores the feed's messages went to, so
    only those recordings are credited to the feed (the hub's subscribers hear every source)."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.store_ids: set[StoreId] = set()

    def insert(self, msg: LogMsg) -> object:
        sid = getattr(msg, "store_id", None)
        if isinstance(sid, StoreId):
            self.store_ids.add(sid)  # before inserting: the hub tells its subscribers at once
        return self.hub.insert(msg)


def forget_store(session: Any, recording_id: str) -> None:
    """Drop a recording from a session (ViewerSession has no remove_store yet: see the report)."""
    with session._lock:
        if recording_id not in session.stores:
            return
        store = session.stores.pop(recording_id)
        session.app_ids.pop(recording_id, None)
        handle = session._subs.pop(recording_id, None)
        if handle is not None:
            store.unsubscribe(handle)
        if session.active == recording_id:
            session.active = None
            session._drop_app()
            if session.stores:
                session.set_active(next(reversed(session.stores)))
            else:
                session._force = True
    session._on_change()
