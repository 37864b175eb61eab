"""The palette commands of Rerun 0.41 this viewer runs beyond the time cursor and recording ones
(``viewer_control_commands.RUNNABLE`` takes them in): printing the stores, resetting a recording's
blueprint, toggling and expanding the panels, the website links, quitting.

Each does what 0.41's does, as far as this viewer has the thing it acts on: a print goes to the
viewer process's standard output (there is no clipboard to copy to), a reset writes the recording's
blueprint as 0.41 would lay it out, ``ui.quit`` ends the viewer process once the answer is sent.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
import webbrowser
from collections.abc import Callable
from typing import Any

import pyarrow as pa

log = logging.getLogger(__name__)

Run = Callable[[Any, Any], None]  # (FullViewerControlHandler, the recording's StoreId or None)
QUIT_DELAY_S = 0.3  # the answer to run_command goes out first
WEBSITES = {
    "ui.open_discord_website": "https://discord.gg/Gcm8BbTaAj",
    "ui.open_docs_website": "https://www.rerun.io/docs",
    "ui.open_rerun_website": "https://www.rerun.io",
}


def store_text(store: Any) -> str:
    """A chunk store as text: each chunk (entity, rows, timelines) and its columns with their data."""
    parts = [repr(store)]
    for chunk in store.chunks():
        parts += [repr(chunk), str(pa.Table.from_batches([chunk.to_record_batch()]))]
    return "\n".join(parts)


def _print_chunk_store(handler: Any, sid: Any) -> None:
    store = handler.hub.get(sid)
    if store is not None:
        print(store_text(store), flush=True)


def _print_blueprint_store(handler: Any, sid: Any) -> None:
    """The recording's blueprint store; without a sent one, the heuristic layout 0.41 keeps in its
    own store (in ``get_blueprint``'s JSON form)."""
    from rerun_core.viewer.blueprint_tree import hub_blueprint
    from rerun_notebook.viewer_control_heuristic import heuristic_json

    blueprint = hub_blueprint(handler.hub, sid.application_id)
    recording = handler.hub.get(sid)
    if blueprint is not None:
        print(store_text(blueprint), flush=True)
    elif recording is not None:
        print(json.dumps(heuristic_json(recording), indent=1), flush=True)


def _activate(handler: Any, blueprint_id: Any) -> None:
    from rerun_notebook.viewer_control_blueprint import activation

    handler._write_blueprint([activation(blueprint_id)], blueprint_id.application_id)


def reset_to_heuristic(handler: Any, sid: Any) -> None:
    """The views the heuristics choose, written as the recording's blueprint (views added as data
    arrives, laid out automatically), active from now on; a default blueprint stays the default."""
    from rerun_core.store.messages import StoreId, StoreKind
    from rerun_notebook import viewer_control_blueprint as written
    from rerun_notebook.viewer_control_heuristic import FIELD_TYPES, heuristic_json

    recording = handler.hub.get(sid)
    if recording is None:
        return
    layout = heuristic_json(recording, handler._time_panel(sid))
    layout.setdefault("/viewport", {}).setdefault("ViewportBlueprint", {}).update(
        auto_layout=True, auto_views=True
    )
    target = StoreId(StoreKind.BLUEPRINT, sid.application_id, sid.application_id)  # 0.41's id for it
    messages = written.blueprint_messages(layout, FIELD_TYPES, target, 0)
    handler.history.record(handler.hub, sid.application_id)  # an edit (undo brings back the one before)
    if handler.hub.get(target) is not None:
        handler.hub.remove(target)  # written afresh, not over an earlier edit
    handler._write_blueprint([*messages, written.activation(target)])


def _reset_to_default(handler: Any, sid: Any) -> None:
    """The default blueprint of the recording's application active again; without one, the
    heuristic layout (``reset_to_heuristic``)."""
    default = handler.hub.default_blueprint_id
    if default is not None and default.application_id == sid.application_id and handler.hub.get(default):
        _activate(handler, default)
    else:
        reset_to_heuristic(handler, sid)


# palette command -> (blueprint entity, archetype) of the panel it acts on
PANELS = {
    "blueprint": ("/blueprint_panel", "PanelBlueprint"),
    "selection": ("/selection_panel", "PanelBlueprint"),
    "time": ("/time_panel", "TimePanelBlueprint"),
    "top": ("/top_panel", "PanelBlueprint"),
}


def _panel(name: str, *, toggle: bool) -> Run:
    """Toggle (or expand) a panel as 0.41 does: its state written into the recording's blueprint,
    Expanded <-> Collapsed (a panel no blueprint set is Expanded). Without a sent blueprint it goes
    into the store 0.41 keeps for its own layout, which then holds the panels only: the layout
    stays the heuristic one."""

    def run(handler: Any, sid: Any) -> None:
        from rerun_core.store.messages import StoreId, StoreKind
        from rerun_core.viewer.blueprint_tree import hub_blueprint
        from rerun_notebook import viewer_control_blueprint as written
        from rerun_notebook.viewer_control_heuristic import FIELD_TYPES
        from rerun_notebook.viewer_control_ops import blueprint_json

        if sid is None:
            return
        path, archetype = PANELS[name]
        store = hub_blueprint(handler.hub, sid.application_id)
        now = blueprint_json(store).get(path, {}).get(archetype, {}).get("state") if store else None
        state = "Collapsed" if toggle and (now or "Expanded") == "Expanded" else "Expanded"
        if store is not None:
            target = next(b for b in handler.hub.blueprints() if handler.hub.get(b) is store)
            time, fields = written.next_time(store), FIELD_TYPES | written.known_fields(store)
        else:
            target = StoreId(StoreKind.BLUEPRINT, sid.application_id, sid.application_id)
            time, fields = 0, FIELD_TYPES
        messages = written.blueprint_messages({path: {archetype: {"state": state}}}, fields, target, time)
        handler._write_blueprint([*messages, written.activation(target)], sid.application_id)

    return run


def _blueprint_step(*, back: bool) -> Run:
    """Undo or redo the last edit of the recording's blueprint (``viewer_control_undo``)."""

    def run(handler: Any, sid: Any) -> None:
        if sid is not None:
            handler.history.step(handler, sid.application_id, back=back)

    return run


def _website(command_id: str) -> Run:
    """Open the page in the desktop's web browser, off the calling thread. Without a display (a
    headless viewer on Linux) there is none: Python would fall back to a console browser that takes
    over the viewer's terminal, so the page is only named in the log."""

    def run(_handler: Any, _sid: Any) -> None:
        url = WEBSITES[command_id]
        if sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        ):
            log.warning("No display to open %s in a web browser", url)
            return

        def open_page() -> None:
            if not webbrowser.open(url):
                log.warning("Failed to open %s in a web browser", url)

        threading.Thread(target=open_page, name="open-website", daemon=True).start()

    return run


def _quit(_handler: Any, _sid: Any) -> None:
    """End the viewer process as Ctrl-C does, once ``run_command``'s answer is on its way."""
    timer = threading.Timer(QUIT_DELAY_S, os.kill, (os.getpid(), signal.SIGINT))
    timer.daemon = True
    timer.start()


RUNNABLE: dict[str, Run] = {
    "recording.print_blueprint_store": _print_blueprint_store,
    "recording.print_chunk_store": _print_chunk_store,
    "recording.reset_blueprint_to_default": _reset_to_default,
    "recording.reset_blueprint_to_heuristic": reset_to_heuristic,
    **{command_id: _website(command_id) for command_id in WEBSITES},
    "ui.quit": _quit,
    "recording.toggle_time_panel": _panel("time", toggle=True),
    "recording.undo_blueprint_edit": _blueprint_step(back=True),
    "recording.redo_blueprint_edit": _blueprint_step(back=False),
    "ui.toggle_blueprint_panel": _panel("blueprint", toggle=True),
    "ui.toggle_selection_panel": _panel("selection", toggle=True),
    "ui.toggle_top_panel": _panel("top", toggle=True),
    "ui.expand_blueprint_panel": _panel("blueprint", toggle=False),
    "ui.expand_selection_panel": _panel("selection", toggle=False),
}
