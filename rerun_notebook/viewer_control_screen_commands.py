"""The palette's screens and dialogs on this viewer (``viewer_control_commands.RUNNABLE`` takes them
in): about, settings, the command palette itself, open from URL, connect to a server, edit a
server, share.

Each opens as 0.41's does, drawn over the page by ``js/src/modals.js`` from the session's ``modal``
state: run through ``ViewerClient.run_command`` it opens on every page the viewer process serves;
run from a page (its command palette, its shortcuts: the ``run_command`` page message) on that page
only. What a dialog does goes through the paths the page already has: a URL opens as the page's
``?url=`` does, a server is added as the sources panel adds one, a palette entry runs through
``FullViewerControlHandler.run_command`` like a client's command.
"""

from __future__ import annotations

import contextvars
import logging
import platform
import threading
import weakref
from collections.abc import Callable
from typing import Any

from rerun_notebook.host import SessionHost, register

log = logging.getLogger(__name__)

Run = Callable[[Any, Any], None]  # (FullViewerControlHandler, the recording's StoreId or None)
# the page whose palette (or shortcut) runs a command: its dialogs open there only
_ORIGIN: contextvars.ContextVar[Any] = contextvars.ContextVar("rerun_command_origin", default=None)
_HANDLER: list[weakref.ReferenceType[Any]] = []  # the process's viewer-control handler (attach)


def attach(handler: Any) -> None:
    """Let the pages run palette commands through ``handler`` (the viewer process's)."""
    _HANDLER[:] = [weakref.ref(handler)]


def attached() -> Any:
    """The handler pages run commands through; None where there is none (a notebook widget)."""
    return _HANDLER[0]() if _HANDLER else None


def target_sessions(handler: Any) -> list[Any]:
    """The sessions a command's screen opens on: the page that ran it, else every page."""
    origin = _ORIGIN.get()
    return [origin] if origin is not None else handler._sessions()


def _open(kind: str, make: Callable[[Any, Any, Any], dict[str, Any]] | None = None) -> Run:
    """Open the screen ``kind`` on the target pages (``make``: its content, per session)."""

    def run(handler: Any, sid: Any) -> None:
        for session in target_sessions(handler):
            session.set_modal({"kind": kind, **(make(handler, sid, session) if make else {})})

    return run


def about_info(_handler: Any = None, _sid: Any = None, _session: Any = None) -> dict[str, Any]:
    """Version, build, platform and rendering information, as 0.41's About screen lists them."""
    from rerun_notebook.viewer_control import VIEWER_VERSION

    rows = [
        ["Version", VIEWER_VERSION],
        ["Build", f"Python {platform.python_version()} ({platform.python_implementation()})"],
        ["Platform", f"{platform.system()} {platform.release()} {platform.machine()}"],
    ]
    try:
        from rerun_core.viewer.gpu import check_gpu, is_software

        info = check_gpu()
        keys = ("device", "description", "vendor", "adapter_type", "backend_type")
        rows += [[f"Renderer {key.replace('_', ' ')}", str(info[key])] for key in keys if info.get(key)]
        rows.append(["Renderer", "software (CPU)" if is_software(info) else "hardware (GPU)"])
    except Exception as err:  # no adapter: say so rather than fail the screen
        rows.append(["Renderer", f"none ({' '.join(str(err).split())})"])
    try:
        import wgpu

        rows.append(["wgpu", f"wgpu-py {wgpu.__version__}"])
    except ImportError:
        pass
    return {"title": "About Rerun", "rows": rows}


def settings_info(handler: Any, _sid: Any = None, _session: Any = None) -> dict[str, Any]:
    """The settings this viewer has: the UI zoom (changed here, as the zoom commands do) and the
    memory limit the process runs under (``--memory-limit``, shown)."""
    limit = getattr(handler.hub, "memory_limit", None)
    return {"memory_limit": _bytes_text(limit) if limit else "none"}


def _bytes_text(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


SETTINGS_LOCATION = "about:settings"  # 0.41's location of its settings screen


def on_settings_screen(handler: Any) -> bool:
    """Whether the viewer shows its settings screen (its first page does, as for the recording
    shown): 0.41's location is then ``about:settings``, with no active recording. A recording
    made active since it opened (a new one arriving) leaves it, as in 0.41."""
    sessions = handler._sessions()
    modal = (getattr(sessions[0], "modal", None) or {}) if sessions else {}
    if modal.get("kind") != "settings":
        return False
    if modal.get("over") != str(handler.hub.active_recording_id):
        leave_settings(handler)
        return False
    return True


def open_settings(handler: Any, sid: Any = None) -> None:
    """The settings screen on the target pages (``set_location("about:settings")``: every page)."""
    for session in target_sessions(handler):
        over = str(handler.hub.active_recording_id)  # the recording it was opened over
        session.set_modal({"kind": "settings", "over": over, **settings_info(handler)})


def leave_settings(handler: Any) -> None:
    """Navigating to a recording or table leaves the settings screen, on every page."""
    for session in handler._sessions():
        if (getattr(session, "modal", None) or {}).get("kind") == "settings":
            session.set_modal(None)


def palette_entries(handler: Any, sid: Any, _session: Any = None) -> dict[str, Any]:
    """The commands that can run now, in the palette's order (0.41 lists the available ones)."""
    from rerun_notebook.viewer_control_commands import CATALOG

    entries: list[dict[str, Any]] = []
    for command_id, title, description, _scope, shortcuts, _modal, _destructive in CATALOG:
        if command_id != "ui.toggle_command_palette" and handler._describe(command_id, sid).available:
            entries.append(
                {"id": command_id, "title": title, "description": description, "shortcuts": list(shortcuts)}
            )
    entries.sort(key=lambda e: str(e["title"]).lower())
    return {"commands": entries}


def _toggle_palette(handler: Any, sid: Any) -> None:
    for session in target_sessions(handler):
        if (session.modal or {}).get("kind") == "palette":
            session.set_modal(None)
        else:
            session.set_modal({"kind": "palette", **palette_entries(handler, sid)})


def share_link(handler: Any, sid: Any, _session: Any = None) -> dict[str, Any]:
    """The URL the current screen's data was opened from (a Rerun server's segment, an .rrd on the
    web): the page's ``?url=`` opens it again. None where the data came otherwise (logged to this
    viewer, a local file), which no link reaches, as 0.41 says for such a screen."""
    if sid is None:
        return {"source": None}
    pages = handler.web.page_sessions() if handler.web is not None else []
    for page in pages:
        for url, entry in getattr(getattr(page, "sources", None), "opened", {}).items():
            if sid in entry.store_ids:
                return {"source": url}
    for url, loaded in handler.loaded_from.items():
        if sid in loaded and url.startswith(("http://", "https://", "rerun")):
            return {"source": url}
    return {"source": None}


def _edit_server(handler: Any, origin: Any) -> None:
    """The server ``origin`` (``server_origin``: this viewer has no server screen to select one)
    in the edit dialog, whose new URL replaces it in the sources panel."""
    for session in target_sessions(handler):
        session.set_modal({"kind": "edit_server", "origin": str(origin)})


RUNNABLE: dict[str, Run] = {
    "server.open_edit_dialog": _edit_server,
    "ui.about": _open("about", about_info),
    "ui.open_settings": open_settings,
    "ui.toggle_command_palette": _toggle_palette,
    "ui.open_url_dialog": _open("open_url"),
    "ui.open_add_server_dialog": _open("add_server"),
    "ui.open_share_dialog": _open("share", share_link),
}


# --- page -> viewer: the dialogs' own messages ----------------------------------------------------


def _close_msg(host: SessionHost, _content: dict[str, Any]) -> None:
    """Escape or the close button: the page's screen closes."""
    host.session.set_modal(None)


def _page_recording(handler: Any, session: Any) -> str | None:
    """The store id of the recording ``session`` shows (None: none)."""
    from rerun_notebook.viewer_control import store_id_text

    for sid in handler.hub.recordings():
        if sid.recording_id == session.active:
            return str(store_id_text(sid))
    return None


def run_from_page(host: SessionHost, content: dict[str, Any]) -> None:
    """A palette entry (or a shortcut) run on a page: through the handler as a client's command,
    its screens opening on that page; a person is at the page, so a native-modal one may run."""
    from rerun_core.proto.gen import viewer_control_pb2 as pb
    from rerun_notebook.viewer_control_commands import BY_ID

    handler = attached()
    command_id = str(content.get("id", ""))
    palette_open = (host.session.modal or {}).get("kind") == "palette"
    if palette_open and command_id != "ui.toggle_command_palette":  # that one closes it itself
        host.session.set_modal(None)
    if handler is None:
        log.warning("no viewer control here to run %s", command_id)
        return
    token = _ORIGIN.set(host.session)
    try:
        request = pb.RunCommandRequest(id=command_id, allow_blocking_native_modal=True)
        shown = _page_recording(handler, host.session)
        if shown is not None and BY_ID.get(command_id, ("",) * 4)[3] == "recording":
            request.store_id = shown  # the recording this page shows, not the first page's
        handler.run_command(request)
    except Exception as err:
        log.warning("command %s: %s", command_id, err)
        host.session.set_modal({"kind": "error", "title": command_id, "message": str(err)})
    finally:
        _ORIGIN.reset(token)


def _edit_server_msg(host: SessionHost, content: dict[str, Any]) -> None:
    """The edit dialog's new URL for a server: the page's sources panel drops the old one and lists
    the new one (off the page's thread: listing waits on the network)."""
    host.session.set_modal(None)
    panel = getattr(getattr(host, "sources", None), "panel", None)
    if panel is None:
        return
    old, new = str(content.get("origin", "")), str(content.get("url", "")).strip()

    def run() -> None:
        from .sources_panel import server_origin

        try:
            with panel._lock:
                panel.error = None
                # the new URL checked first: a bad one leaves the server (and what it opened) as is,
                # and the same one lists it again without closing what was opened from it
                if server_origin(new) != server_origin(old):
                    panel.remove_server(old)
                panel.add_server(new)
        except (ValueError, RuntimeError, OSError) as err:
            panel.error = " ".join(str(err).split())
        panel.push(panel.payload())

    threading.Thread(target=run, name="rerun-edit-server", daemon=True).start()


register("close_modal", _close_msg)
register("edit_server", _edit_server_msg)
register("run_command", run_from_page)
