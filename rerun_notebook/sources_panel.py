"""The sources panel, as in Rerun's viewer: local recordings first, then Rerun servers, each
listing its datasets and, when a dataset is expanded, its segments (a page at a time).

The same panel serves the notebook widget and the web page: the browser sends
``{"type": "sources", "action": ...}`` (host.py's message table), the kernel answers with a
``{"type": "sources", ...}`` message (`SourcesPanel.payload`) on the session's reply queue.
Actions: ``refresh``; ``add_server`` / ``remove_server`` (``url``); ``expand`` / ``collapse`` /
``more`` (``server``, ``dataset``); ``open`` / ``close`` (``url``: a segment URL; opening runs
on a thread, as the page's ``?url=`` does); ``activate`` (``recording_id``).

Listing is lazy: a server's datasets are read when it is added, a dataset's segment ids when it
is first expanded, and only `PAGE` segments at a time are sent to the browser.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rerun_core.server.redap_source import DatasetRef, RedapClient, parse_url

from .host import SessionHost, register

if TYPE_CHECKING:
    from .sources import UrlSources

log = logging.getLogger(__name__)

PAGE = 100  # segments sent per dataset page
LIST_TIMEOUT_S = 20.0


@dataclass
class _Dataset:
    ref: DatasetRef
    segment_ids: list[str] | None = None  # read at the first expansion
    shown: int = 0  # how many are sent (0: collapsed)


@dataclass
class _Server:
    origin: str
    datasets: list[_Dataset] = field(default_factory=list)
    error: str | None = None


class SourcesPanel:
    """The sources one viewer lists; changes reach the browser through ``push``."""

    def __init__(self, sources: UrlSources, push: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.sources = sources
        self.push = push or (lambda _payload: None)
        self.servers: dict[str, _Server] = {}
        self.error: str | None = None
        self.busy: set[str] = set()  # segment URLs being opened
        self._lock = threading.RLock()

    # --- actions ---------------------------------------------------------------------------------

    def handle(self, content: dict[str, Any]) -> None:
        """One browser message; errors become the panel's one-line ``error``, never raise."""
        action = str(content.get("action", "refresh"))
        with self._lock:  # one action at a time (each browser message runs on its own thread)
            self._handle(action, content)

    def _handle(self, action: str, content: dict[str, Any]) -> None:
        self.error = None
        try:
            if action == "add_server":
                self.add_server(str(content.get("url", "")))
            elif action == "remove_server":
                self.remove_server(str(content.get("url", "")))
            elif action in ("expand", "collapse", "more"):
                self._page(str(content.get("server", "")), str(content.get("dataset", "")), action)
            elif action == "open":
                self.open_segment(str(content.get("url", "")))
                return  # the thread pushes when done
            elif action == "close":
                self.sources.close(str(content.get("url", "")))
            elif action == "activate":
                self.sources.session.set_active(str(content.get("recording_id", "")))
            elif action != "refresh":
                raise ValueError(f"unknown sources action {action!r}")
        except (ValueError, RuntimeError, OSError) as err:
            self.error = " ".join(str(err).split())
        self.push(self.payload())

    def add_server(self, url: str, *, listed: bool = True) -> _Server:
        """List a server's datasets (``listed=False``: only remember it, e.g. after ``?url=``)."""
        origin = server_origin(url)
        with self._lock:
            server = self.servers.setdefault(origin, _Server(origin))
        if listed and not server.datasets:
            try:
                with RedapClient(origin, timeout=LIST_TIMEOUT_S) as client:
                    server.datasets = [_Dataset(d) for d in client.datasets()]
                server.error = None
            except RuntimeError as err:
                server.error = " ".join(str(err).split())
        return server

    def remove_server(self, url: str) -> None:
        origin = parse_url(url.strip()).origin
        with self._lock:
            self.servers.pop(origin, None)
        for opened in [u for u in self.sources.opened if u.startswith(origin + "/")]:
            self.sources.close(opened)

    def _page(self, origin: str, dataset_id: str, action: str) -> None:
        server = self.servers.get(origin)
        ds = next((d for d in server.datasets if d.ref.id == dataset_id), None) if server else None
        if server is None or ds is None:
            raise ValueError(f"no dataset {dataset_id} on {origin} in the sources panel")
        if action == "collapse":
            ds.shown = 0
            return
        if ds.segment_ids is None:
            with RedapClient(origin, timeout=LIST_TIMEOUT_S) as client:
                ds.segment_ids = sorted(s.id for s in client.segments(dataset_id))
        ds.shown = PAGE if action == "expand" else ds.shown + PAGE

    def open_segment(self, url: str) -> threading.Thread:
        """Open a segment URL (its server is listed too) on a thread; pushes when done."""
        parsed = parse_url(url)
        if parsed.kind != "segment":
            raise ValueError(f"not a segment URL: {url}")
        self.add_server(parsed.origin, listed=False)
        self.busy.add(url)
        self.push(self.payload())

        def run() -> None:
            try:
                if url in self.sources.opened:  # open already: show it
                    self.sources.session.set_active(str(parsed.segment_id))
                else:
                    self.sources.open(url)
            except (ValueError, RuntimeError, OSError) as err:
                self.error = " ".join(str(err).split())
            finally:
                self.busy.discard(url)
                self.push(self.payload())

        thread = threading.Thread(target=run, name="rerun-sources-open", daemon=True)
        thread.start()
        return thread

    # --- what the browser draws -------------------------------------------------------------------

    def payload(self) -> dict[str, Any]:
        from .sources import source_label

        session = self.sources.session
        recordings = []
        for rid, store in list(session.stores.items()):
            recordings.append(
                {
                    "id": rid,
                    "app": session.app_ids.get(rid, ""),
                    "source": source_label(store),
                    "active": rid == session.active,
                }
            )
        servers = []
        opened = set(self.sources.opened)
        for server in list(self.servers.values()):
            datasets = []
            for ds in server.datasets:
                ids = ds.segment_ids or []
                segments: list[dict[str, Any]] = []
                for sid in ids[: ds.shown]:
                    url = f"{server.origin}/dataset/{ds.ref.id}?segment_id={sid}"
                    segments.append({"id": sid, "url": url, "open": url in opened, "busy": url in self.busy})
                datasets.append(
                    {
                        "id": ds.ref.id,
                        "name": ds.ref.name,
                        "expanded": ds.shown > 0,
                        "segments": segments,
                        "total": None if ds.segment_ids is None else len(ds.segment_ids),
                    }
                )
            servers.append({"url": server.origin, "datasets": datasets, "error": server.error})
        return {"type": "sources", "recordings": recordings, "servers": servers, "error": self.error}


def server_origin(url: str) -> str:
    """The origin of a Rerun server's URL; ValueError for a bad URL or a viewer's proxy URL."""
    parsed = parse_url(url.strip())
    if parsed.kind == "proxy":
        raise ValueError(f"{url} is a viewer's proxy URL, not a Rerun server")
    return str(parsed.origin)


# --- the browser message -----------------------------------------------------------------------


def _kernel_hub() -> Any:
    """The notebook kernel's shared hub, where the widget's sources land (None: its own)."""
    import importlib

    try:
        return importlib.import_module("rerun_notebook.kernel").kernel().hub
    except (ImportError, AttributeError):
        return None


def _sources_of(host: SessionHost) -> UrlSources | None:
    from .sources import UrlSources

    page_sources = getattr(host, "sources", None)  # a web page has its own
    if isinstance(page_sources, UrlSources):
        return page_sources
    make = getattr(host, "_url_sources", None)  # the notebook widget makes one on first use
    if callable(make):
        made = make(_kernel_hub())
        return made if isinstance(made, UrlSources) else None
    return None


def _on_msg(host: SessionHost, content: dict[str, Any]) -> None:
    sources = _sources_of(host)
    if sources is None:
        return
    panel = sources.panel

    def push(payload: dict[str, Any]) -> None:
        host.session.replies.append(payload)
        host.pump.wake()

    panel.push = push
    # Listing a server can wait on the network: never on the kernel's (or the socket's) thread.
    threading.Thread(target=panel.handle, args=(content,), name="rerun-sources", daemon=True).start()


def register_panel_message() -> None:
    """Route the browser's ``sources`` messages here (the widget and the page call it)."""
    register("sources", _on_msg)


register_panel_message()
