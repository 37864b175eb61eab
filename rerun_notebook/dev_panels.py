"""The palette's developer panels and page-side actions, per page session (``state["dev"]``, drawn
by ``js/src/dev_panels.js``): the dev stats panel (RAM, store size, frame times, frames per second),
the chunk store browser (the active recording's chunks, a page at a time), whether the panel state
overrides apply, and what goes to the page's clipboard.

``viewer_control_action_commands`` switches them from viewer control; the page pages the chunk
browser and closes the panels with its own messages (``dev_panels`` below).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .panels import path_str

log = logging.getLogger(__name__)

CHUNK_PAGE_SIZE = 50  # chunks per page of the chunk store browser
STATS_PERIOD_S = 1.0  # the dev panel's numbers are measured again this often while it is open
CLIPBOARD_KEEP_S = 5.0  # a clipboard payload stays in the page state this long (a page takes it once)
clock = time.monotonic  # the dev panel's clock (tests set their own)


@dataclass
class LocationHistory:
    """The recordings a page showed, in order, for 0.41's ``ui.navigate_back_in_history`` /
    ``forward``: a switch to another recording after going back drops the forward ones."""

    entries: list[str] = field(default_factory=list)
    index: int = -1

    def visit(self, recording_id: str) -> None:
        if 0 <= self.index < len(self.entries) and self.entries[self.index] == recording_id:
            return  # where the history already is (a step back or forward lands here)
        del self.entries[self.index + 1 :]
        self.entries.append(recording_id)
        self.index = len(self.entries) - 1

    def step(self, *, back: bool, open_now: set[str]) -> str | None:
        """The recording one step back (or forward) that is still open, the history moved there;
        None at either end."""
        here = self.entries[self.index] if 0 <= self.index < len(self.entries) else None
        i = self.index
        while 0 <= (i := i - 1 if back else i + 1) < len(self.entries):
            if self.entries[i] in open_now and self.entries[i] != here:
                self.index = i
                return self.entries[i]
        return None


@dataclass
class PageActions:
    """What the palette's developer commands switched on one page session."""

    dev_panel: bool = False
    chunk_browser: bool = False
    chunk_page: int = 0
    overrides_active: bool = True  # the panel states set from code (``update_panels``) apply
    clipboard: dict[str, Any] | None = None  # {"seq", "text"} or {"seq", "png"}, for the page
    clipboard_at: float = 0.0
    reset_seq: int = 0  # ``ui.reset_viewer`` runs: the page forgets its own panel toggles
    locations: LocationHistory = field(default_factory=LocationHistory)
    fullscreen_seq: int = 0  # ``ui.toggle_fullscreen`` runs: the page (or its window) toggles
    pump: Any = None  # the page's frame pump, whose counts the dev panel shows
    _sample: tuple[float, int, float, float] | None = None  # (when, frames sent, render s, encode s)
    _rates: dict[str, float] = field(default_factory=dict)
    _timer: threading.Timer | None = None
    _chunks: tuple[Any, list[Any]] = (None, [])  # (the store and its generation, its sorted chunks)
    _seq: int = 0

    def to_clipboard(self, **payload: Any) -> None:
        self._seq += 1
        self.clipboard = {"seq": self._seq, **payload}
        self.clipboard_at = time.monotonic()


def actions(session: Any) -> PageActions:
    """The session's ``PageActions`` (made on first use)."""
    found = getattr(session, "dev_actions", None)
    if found is None:
        found = PageActions()
        session.dev_actions = found
    return found  # type: ignore[no-any-return]


def visited(session: Any, recording_id: str) -> None:
    """The page shows ``recording_id`` now (``ViewerSession.set_active``)."""
    actions(session).locations.visit(recording_id)


def refresh(session: Any) -> None:
    """Publish the session's state anew at its next frame."""
    with session._lock:
        session._force = True
    session._on_change()


def keep_measuring(session: Any) -> None:
    """While the dev panel is open (or a clipboard payload waits to be dropped), look again every
    ``STATS_PERIOD_S``: the panel's numbers change without the picture changing."""
    acts = actions(session)
    if acts._timer is not None or session.closed:
        return

    def tick() -> None:
        acts._timer = None
        if session.closed:
            return
        drop_old_clipboard(acts)  # here too: a page whose state nobody builds (headless) ends it
        refresh(session)
        if acts.dev_panel or acts.clipboard is not None:
            keep_measuring(session)

    acts._timer = threading.Timer(STATS_PERIOD_S, tick)
    acts._timer.daemon = True
    acts._timer.start()


# --- the dev panel ------------------------------------------------------------------------------


def ram_bytes() -> int:
    """The viewer process's resident memory."""
    try:
        import psutil

        return int(psutil.Process(os.getpid()).memory_info().rss)
    except Exception:
        return 0


def _frame_rates(acts: PageActions, now: float) -> dict[str, float]:
    """Frames sent per second and the mean render / encode time of those frames, since the last
    look (the pump's running totals, differenced)."""
    stats = getattr(acts.pump, "stats", None)
    if stats is None:
        return {"fps": 0.0, "render_ms": 0.0, "encode_ms": 0.0, "frames": 0}
    sample = (now, int(stats.sent_frames), float(stats.render_s), float(stats.encode_s))
    last, acts._sample = acts._sample, sample
    if last is not None and now - last[0] >= STATS_PERIOD_S / 2:
        frames = sample[1] - last[1]
        acts._rates = {
            "fps": frames / (now - last[0]),
            "render_ms": 1000 * (sample[2] - last[2]) / frames if frames else 0.0,
            "encode_ms": 1000 * (sample[3] - last[3]) / frames if frames else 0.0,
        }
    elif last is not None:
        acts._sample = last  # too soon to difference: keep the older sample
    rates = acts._rates or {"fps": 0.0, "render_ms": 0.0, "encode_ms": 0.0}
    return {**{k: round(v, 2) for k, v in rates.items()}, "frames": sample[1]}


def dev_stats(session: Any, acts: PageActions) -> dict[str, Any]:
    store = session.stores.get(session.active) if session.active is not None else None
    out: dict[str, Any] = {"ram_bytes": ram_bytes(), **_frame_rates(acts, clock())}
    if store is not None:
        stats = store.stats()
        out |= {
            "store_bytes": int(stats.num_bytes),
            "chunks": int(stats.num_chunks),
            "rows": int(stats.num_rows),
            "entities": int(stats.num_entities),
            "timelines": int(stats.num_timelines),
        }
    return out


# --- the chunk store browser --------------------------------------------------------------------


def chunk_row(chunk: Any) -> dict[str, Any]:
    """One chunk as the browser lists it."""
    timelines, kinds = {}, {}
    for name, column in sorted(chunk.timelines.items()):
        rng = column.time_range()
        timelines[name] = [int(rng[0]), int(rng[1])] if rng is not None else None
        kinds[name] = str(getattr(column.typ, "value", column.typ))  # sequence, timestamp, duration
    return {
        "entity": path_str(chunk.entity_path),
        "id": str(chunk.id),
        "rows": int(chunk.num_rows),
        "static": bool(chunk.is_static),
        "timelines": timelines,
        "kinds": kinds,
        "components": sorted(str(getattr(d, "component", d)) for d in chunk.components),
        "bytes": int(chunk.num_bytes),
    }


def sorted_chunks(store: Any) -> list[Any]:
    """The store's chunks by entity path, then by chunk id (oldest first)."""
    return sorted(store.chunks(), key=lambda c: (path_str(c.entity_path), str(c.id)))


def chunk_page(session: Any, acts: PageActions) -> dict[str, Any]:
    store = session.stores.get(session.active) if session.active is not None else None
    key = (id(store), getattr(store, "generation", None), len(store) if store is not None else 0)
    if acts._chunks[0] != key:  # sorted once per change of the store, not once per frame
        acts._chunks = (key, sorted_chunks(store) if store is not None else [])
    chunks = acts._chunks[1]
    pages = max(1, -(-len(chunks) // CHUNK_PAGE_SIZE))
    acts.chunk_page = min(max(acts.chunk_page, 0), pages - 1)
    start = acts.chunk_page * CHUNK_PAGE_SIZE
    return {
        "recording": session.active,
        "total": len(chunks),
        "page": acts.chunk_page,
        "pages": pages,
        "page_size": CHUNK_PAGE_SIZE,
        "rows": [chunk_row(c) for c in chunks[start : start + CHUNK_PAGE_SIZE]],
    }


# --- the page state -----------------------------------------------------------------------------


def drop_old_clipboard(acts: PageActions) -> None:
    """A clipboard payload goes after ``CLIPBOARD_KEEP_S`` (the page took it by then, if ever)."""
    if acts.clipboard is not None and time.monotonic() - acts.clipboard_at > CLIPBOARD_KEEP_S:
        acts.clipboard = None


def dev_state(session: Any) -> dict[str, Any]:
    """``state["dev"]``: the open panels' contents and the clipboard payload."""
    acts = actions(session)
    drop_old_clipboard(acts)
    out: dict[str, Any] = {
        "dev_panel": None,
        "chunks": None,
        "overrides_active": acts.overrides_active,
        "clipboard": acts.clipboard,
        "reset_seq": acts.reset_seq,
        "fullscreen_seq": acts.fullscreen_seq,
    }
    try:
        if acts.dev_panel:
            out["dev_panel"] = dev_stats(session, acts)
        if acts.chunk_browser:
            out["chunks"] = chunk_page(session, acts)
    except Exception:
        log.debug("building the dev panels failed", exc_info=True)
    return out


def panels_shown(session: Any) -> dict[str, str]:
    """The panel states set from code, unless the palette turned those overrides off."""
    return dict(session.panel_states) if actions(session).overrides_active else {}


# --- the page's own messages ----------------------------------------------------------------------


def _chunk_page_msg(host: Any, content: dict[str, Any]) -> None:
    actions(host.session).chunk_page = int(content.get("page", 0))
    refresh(host.session)


def _close_msg(host: Any, content: dict[str, Any]) -> None:
    acts = actions(host.session)
    if content.get("panel") == "chunks":
        acts.chunk_browser = False
    else:
        acts.dev_panel = False
    refresh(host.session)


def register_messages() -> None:
    """Route the page's ``dev_chunk_page`` / ``dev_close`` messages here (the page server and the
    widget import this module through their sessions' state)."""
    from .host import register

    register("dev_chunk_page", _chunk_page_msg)
    register("dev_close", _close_msg)
