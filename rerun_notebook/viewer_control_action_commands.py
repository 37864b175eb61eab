"""The palette's actions and developer panels on this viewer (``viewer_control_commands.RUNNABLE``
takes them in): the dev stats panel, the chunk store browser, the panel state overrides, the
clipboard copies, printing the primary cache, resetting the viewer.

The panels and the clipboard belong to each page the ``rerun`` process serves (web page, the desktop
window's page; ``dev_panels`` keeps them per page session, ``js/src/dev_panels.js`` draws them and
writes the page's ``navigator.clipboard``). A headless viewer's offscreen page takes them too, with
no one to see them, as 0.41's headless viewer copies to a clipboard no one reads.

What 0.41 logs, this logs alike: "Screenshot copied to clipboard", "No timeline selection to copy",
"Could not copy entity hierarchy: No active recording", "The current recording doesn't support
sharing a time range".
"""

from __future__ import annotations

import base64
import io
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from .dev_panels import actions, keep_measuring, refresh, register_messages

log = logging.getLogger(__name__)

Run = Callable[[Any, Any], None]  # (FullViewerControlHandler, the recording's StoreId or None)
SHAREABLE = ("rerun://", "rerun+http://", "rerun+https://")  # a server's data: a link reopens it


def _pages(handler: Any) -> list[tuple[Any, Any]]:
    """(page, session) of every open page; each session's dev panel reads its page's pump."""
    pages = handler.web.page_sessions() if handler.web is not None else []
    out = []
    for page in pages:
        actions(page.session).pump = getattr(page, "pump", None)
        out.append((page, page.session))
    return out


def _toggle(flag: str) -> Run:
    """Switch a page panel (or setting) on every page, all to the same new value: the first
    page's, flipped (one viewer, one state, as 0.41)."""

    def run(handler: Any, _sid: Any) -> None:
        pages = _pages(handler)
        if not pages:
            return
        value = not getattr(actions(pages[0][1]), flag)
        for _page, session in pages:
            acts = actions(session)
            setattr(acts, flag, value)
            if flag == "chunk_browser":
                acts.chunk_page = 0
            refresh(session)
            if value and flag == "dev_panel":
                keep_measuring(session)

    return run


def _navigate(*, back: bool) -> Run:
    """0.41's location history: back (or forward) to the recording shown before (after), as the
    first page went through them (``dev_panels.LocationHistory``); every page follows, as the
    viewer's one screen. As in 0.41, the chunk store browser is a step of its own (back closes it)
    and a table on screen (``send_table``) is none (back goes to the recording before the one it
    came over). 0.41 starts its history at the welcome screen, which this viewer has not."""

    def run(handler: Any, _sid: Any) -> None:
        if back and chunk_store_location(handler) is not None:
            close_chunk_store(handler)
            return
        pages = _pages(handler)
        if not pages:
            return
        first = pages[0][1]
        target = actions(first).locations.step(back=back, open_now=set(first.stores))
        sid = next((s for s in handler.hub.recordings() if s.recording_id == target), None)
        if sid is None:
            return
        handler.tables.show(None)
        close_chunk_store(handler)
        handler.hub.set_active_recording(sid)
        for _page, session in pages:
            if target in session.stores:
                session.set_active(target)

    return run


def _toggle_fullscreen(handler: Any, _sid: Any) -> None:
    """Each page toggles fullscreen: the desktop window through Qt, a browser page through the
    Fullscreen API (``dev_panels.js``). The offscreen page of ``rerun --headless`` has no screen."""
    for _page, session in _pages(handler):
        actions(session).fullscreen_seq += 1
        refresh(session)


def chunk_store_location(handler: Any) -> str | None:
    """0.41's location while its chunk store browser is open (``about:chunk_store?app_id=..&
    recording_id=..``, of the recording it browses; no recording is active then): the first page's
    browser, as for the recording shown. None while it is closed."""
    from urllib.parse import urlencode

    sessions = handler._sessions()
    session = sessions[0] if sessions else None
    if session is None or not actions(session).chunk_browser or session.active is None:
        return None
    app_id = session.app_ids.get(session.active, "")
    return "about:chunk_store?" + urlencode({"app_id": app_id, "recording_id": session.active})


def close_chunk_store(handler: Any) -> None:
    """Navigating to a recording or table closes the chunk store browser, on every page."""
    for session in handler._sessions():
        if actions(session).chunk_browser:
            actions(session).chunk_browser = False
            refresh(session)


# --- the clipboard ------------------------------------------------------------------------------


def _to_clipboard(handler: Any, **payload: Any) -> bool:
    """Hand ``payload`` (``text`` or ``png``) to every page's clipboard; False if no page is open."""
    pages = _pages(handler)
    for _page, session in pages:
        actions(session).to_clipboard(**payload)
        refresh(session)
        keep_measuring(session)  # drops the payload from the page state once taken
    return bool(pages)


def hierarchy_text(store: Any) -> str:
    """The recording's entity tree, one entity a line, indented by depth under ``/``."""
    from .panels import entity_tree, path_str

    paths = [path_str(p) for p in store.entity_paths()]
    rows = entity_tree([p for p in paths if not p.startswith("/__")], set())
    lines = ["/"]
    for row in rows:
        path = str(row.get("path", ""))
        parts = [p for p in path.split("/") if p]
        lines.append("  " * len(parts) + (parts[-1] if parts else path))
    return "\n".join(lines)


def _copy_hierarchy(handler: Any, sid: Any) -> None:
    store = handler.hub.get(sid) if sid is not None else None
    if store is None:
        log.warning("Could not copy entity hierarchy: No active recording")
        return
    _to_clipboard(handler, text=hierarchy_text(store))


def source_url(handler: Any, sid: Any) -> str | None:
    """Where the recording was opened from (a file or a URL), if the viewer opened it."""
    for url, loaded in handler.loaded_from.items():
        if sid in loaded:
            return str(url)
    return None


def _shown_session(handler: Any, sid: Any) -> Any:
    return next((s for _p, s in _pages(handler) if sid is not None and s.active == sid.recording_id), None)


def _copy_direct_link(handler: Any, sid: Any) -> None:
    """A link that opens the recording shown (``rerun <link>``), at the time cursor where it is a
    server's (``#when=timeline@time``, as 0.41's links)."""
    if handler.tables.shown is not None:
        _to_clipboard(handler, text=handler.tables.location(handler.tables.shown))
        return
    url = source_url(handler, sid) if sid is not None else None
    if url is None:
        log.debug("no link opens the recording shown: it was not opened from a file or URL")
        return  # 0.41 logs nothing either
    session = _shown_session(handler, sid)
    if url.startswith(SHAREABLE) and session is not None and session.time.time is not None:
        url += f"#when={session.time.timeline}@{int(session.time.time)}"
    _to_clipboard(handler, text=url)


def _copy_time_selection_link(handler: Any, sid: Any) -> None:
    """A link to the loop selection of the recording shown (``#time_selection=timeline@a..b``)."""
    session = _shown_session(handler, sid)
    url = source_url(handler, sid) if sid is not None else None
    if session is None or url is None or not url.startswith(SHAREABLE):  # 0.41 asks this first
        log.warning("The current recording doesn't support sharing a time range")
        return
    selection = session.time.loop_selection
    if selection is None:
        log.warning("No timeline selection to copy")
        return
    start, end = selection
    _to_clipboard(handler, text=f"{url.split('#')[0]}#time_selection={session.time.timeline}@{start}..{end}")


def screenshot_png(handler: Any, session: Any) -> bytes | None:
    """The page's picture as PNG: the views as drawn, with the HTML views (text, tables) in them."""
    import time

    from PIL import Image

    session.prepare(time.monotonic())
    picture = session.render()
    if picture is None:
        return None
    out = io.BytesIO()
    Image.fromarray(handler._with_html_views(session, picture)).save(out, format="PNG")
    return out.getvalue()


def _copy_screenshot(handler: Any, _sid: Any) -> None:
    pages = _pages(handler)
    png = screenshot_png(handler, pages[0][1]) if pages else None
    if png is None:
        log.warning("Nothing to take a screenshot of")
        return
    if _to_clipboard(handler, png=base64.b64encode(png).decode("ascii")):
        log.info("Screenshot copied to clipboard")


# --- servers (the sources panel's) ---------------------------------------------------------------


def _panels(handler: Any) -> list[Any]:
    """The sources panel of every open page (each lists the servers it was given)."""
    panels = []
    for page, _session in _pages(handler):
        sources = getattr(page, "sources", None)
        if sources is not None and getattr(sources, "panel", None) is not None:
            panels.append(sources.panel)
    return panels


def server_target(handler: Any, command_id: str, origin: str | None) -> str | None:
    """The server a ``server.*`` command acts on, as 0.41 checks ``server_origin``: only for those
    commands (else INVALID_ARGUMENT), only a server the viewer lists (else NOT_FOUND). None: no
    server named; this viewer has no server screen, so none is selected."""
    if origin is None:
        return None
    if not command_id.startswith("server."):
        raise ValueError(
            f"`server_origin` only applies to `server.*` commands, not to {json.dumps(command_id)}"
        )
    from rerun_core.server.redap_source import parse_url

    try:
        wanted = parse_url(origin.strip()).origin
    except ValueError:
        wanted = origin
    if not any(wanted in panel.servers for panel in _panels(handler)):
        raise LookupError(f"The viewer is not connected to the server {origin}")
    return str(wanted)


def _copy_server_url(handler: Any, origin: Any) -> None:
    _to_clipboard(handler, text=str(origin))


def _on_panels(handler: Any, origin: str, change: Callable[[Any], None]) -> None:
    """Apply ``change`` to each page's sources panel that lists ``origin``, on a thread (listing
    a server waits on the network), then send the panel to its page."""

    def run(panel: Any) -> None:
        try:
            with panel._lock:
                change(panel)
        except (ValueError, RuntimeError, OSError) as err:
            panel.error = " ".join(str(err).split())
        panel.push(panel.payload())

    for panel in _panels(handler):
        if origin in panel.servers:
            threading.Thread(target=run, args=(panel,), name="rerun-server-command", daemon=True).start()


def _refresh_server(handler: Any, origin: Any) -> None:
    """List the server's datasets again (the segments of an expanded one are read again when next
    expanded)."""

    def relist(panel: Any) -> None:
        panel.servers[origin].datasets = []
        panel.add_server(origin)

    _on_panels(handler, str(origin), relist)


def _remove_server(handler: Any, origin: Any) -> None:
    """Forget the server and close what was opened from it, as the panel's remove button does."""
    _on_panels(handler, str(origin), lambda panel: panel.remove_server(origin))


# --- the stores -----------------------------------------------------------------------------------


def store_state_text(sid: Any, store: Any) -> str:
    """The recording's store as this viewer queries it, for ``recording.print_primary_cache``:
    this viewer keeps no query cache beside its store (each query reads the store's indexes), so
    what it prints is the store's indexes: per entity and component, the rows on each timeline (or
    static), as 0.41 prints its latest-at and range caches per entity, component and timeline."""
    title = f'StoreId(Recording, "{sid.application_id}", "{sid.recording_id}")'
    stats = store.stats()
    lines = [
        f"[Store @ {title}]",
        f"  {stats.num_chunks} chunks ({stats.num_static_chunks} static), {stats.num_rows} rows,"
        f" {stats.num_entities} entities, {stats.num_timelines} timelines, {stats.num_bytes} B",
    ]
    rows: dict[tuple[str, str, str], list[int]] = {}
    for chunk in store.chunks():
        entity = str(chunk.entity_path)
        for desc in chunk.components:
            name = str(getattr(desc, "component", desc))
            for timeline in chunk.timelines if not chunk.is_static else ["STATIC"]:
                tally = rows.setdefault((entity, name, timeline), [0, 0])
                tally[0] += 1
                tally[1] += chunk.num_rows
    for (entity, name, timeline), (num_chunks, num_rows) in sorted(rows.items()):
        on = "static" if timeline == "STATIC" else f"on '{timeline}'"
        lines.append(f"  [{entity}:{name} {on}] {num_rows} rows in {num_chunks} chunks")
    return "\n".join(lines)


def _print_primary_cache(handler: Any, sid: Any) -> None:
    store = handler.hub.get(sid) if sid is not None else None
    if store is not None:
        print(store_state_text(sid, store), flush=True)


# --- reset ------------------------------------------------------------------------------------------


def reset_viewer(handler: Any, _sid: Any) -> None:
    """As 0.41's ``ui.reset_viewer``, the UI as at the first start: UI zoom, panel states (set from
    code, and the ones toggled on the page), the dev panels, selections and their histories, hidden
    entities. 0.41 also forgets the blueprints it stored on disk (this viewer stores none); the
    blueprints that came with the data stay, as in 0.41, and so do the recordings."""
    handler.ui_zoom = 1.0
    for _page, session in _pages(handler):
        session.set_ui_zoom(1.0)
        session.set_panel_states(dict.fromkeys(session.panel_states, "default"))
        acts = actions(session)
        acts.dev_panel = acts.chunk_browser = False
        acts.overrides_active = True
        acts.reset_seq += 1  # the page forgets its own panel toggles
        with session._lock:
            session.selection = []
            session.hidden.clear()
            session._histories.clear()
            session.history = session._histories.setdefault(session.active or "", type(session.history)())
            session._data_dirty = True  # the entity tree again, without hidden entities
        refresh(session)


RUNNABLE: dict[str, Run] = {
    "server.copy_url_to_clipboard": _copy_server_url,
    "server.refresh": _refresh_server,
    "server.remove": _remove_server,
    "recording.print_primary_cache": _print_primary_cache,
    "ui.copy_direct_link_to_clipboard": _copy_direct_link,
    "ui.copy_entity_hierarchy_to_clipboard": _copy_hierarchy,
    "ui.copy_screenshot_to_clipboard": _copy_screenshot,
    "ui.copy_time_selection_link_to_clipboard": _copy_time_selection_link,
    "ui.navigate_back_in_history": _navigate(back=True),
    "ui.navigate_forward_in_history": _navigate(back=False),
    "ui.reset_viewer": reset_viewer,
    "ui.toggle_chunk_store_browser": _toggle("chunk_browser"),
    "ui.toggle_fullscreen": _toggle_fullscreen,
    "ui.toggle_dev_panel": _toggle("dev_panel"),
    "ui.toggle_panel_state_overrides": _toggle("overrides_active"),
}
register_messages()  # the page pages the chunk browser and closes the panels
