"""The browser half of the built-in view kinds: what each sends the browser, how the saved
notebook's static picture draws it, and the messages of its own controls. Attached to the kinds' ``view_registry.ViewKind`` entries at
import (``view_registry.attach``), so one entry holds all a kind knows; ``view_state`` and
``snapshot`` only read ``ViewKind.payload`` / ``ViewKind.snapshot``; the host hands a kind's
messages (``ViewKind.messages``) to it through ``ViewerSession.view_message``.

Payloads take a ``protocols.PanelContext`` (the session at its time cursor); snapshots draw on a
``protocols.SnapshotCanvas`` (one view's rect). A kind without a snapshot gets a title chip.
Message handlers take a ``protocols.MessageContext`` (what they may change in the session).
"""

from __future__ import annotations

from typing import Any

from rerun_core.viewer import view_registry
from rerun_core.viewer.protocols import (
    RGB,
    MessageContext,
    PanelContext,
    Renderer,
    SnapshotCanvas,
    ViewRef,
)

from . import panels
from .dataframe_panel import snapshot_lines
from .map_panel import draw_map, map_view_payload
from .snapshot import DEFAULT_TEXT, format_time, plain_lines

_LEVEL_COLORS: dict[str, RGB] = {
    "ERROR": (255, 106, 106),
    "CRITICAL": (255, 106, 106),
    "WARN": (243, 192, 75),
}


# --- text log --------------------------------------------------------------------------------


def text_log_payload(ctx: PanelContext, view: ViewRef) -> dict[str, Any]:
    """The rows up to the cursor and the timeline's kind (how the browser formats times)."""
    rows = [panels.log_row(r) for r in ctx.app.text_log(view.id, panels.TEXT_LOG_LIMIT)] if ctx.app else []
    return {"rows": rows, "time_kind": ctx.time.kinds.get(ctx.time.timeline or "")}


def text_log_lines(entry: dict[str, Any]) -> list[tuple[str, RGB]]:
    """The newest 200 rows as ``time  entity  LEVEL  text`` lines, colored by level."""
    out = []
    kind = entry.get("time_kind")
    for row in entry.get("rows", [])[-200:]:
        level = str(row.get("level", "")).upper()
        when = format_time(kind, row.get("time"))
        out.append(
            (
                f"{when}  {row.get('entity', '')}  {level}  {row.get('text', '')}",
                _LEVEL_COLORS.get(level, DEFAULT_TEXT),
            )
        )
    return out


def text_log_snapshot(canvas: SnapshotCanvas, entry: dict[str, Any]) -> None:
    canvas.text_lines(text_log_lines(entry), newest_last=True)


# --- text document ---------------------------------------------------------------------------


def text_document_payload(ctx: PanelContext, view: ViewRef) -> dict[str, Any]:
    doc = ctx.app.text_document(view.id) if ctx.app else {}
    return {"html": panels.markdown_to_html(str(doc.get("text", "")), doc.get("media_type"))}


def text_document_snapshot(canvas: SnapshotCanvas, entry: dict[str, Any]) -> None:
    canvas.text_lines([(line, DEFAULT_TEXT) for line in plain_lines(str(entry.get("html") or ""))])


# --- tensor ----------------------------------------------------------------------------------


def tensor_payload(ctx: PanelContext, view: ViewRef) -> dict[str, Any]:
    return {"tensor": tensor_state(ctx.app, view.id) if ctx.app else None}


def tensor_state(app: Renderer, vid: str) -> dict[str, Any] | None:
    """Shape, names, shown axes and the other dims' slice indices, for the widget's slice sliders."""
    try:
        info = app.tensor_info(vid)
    except KeyError:
        return None
    if not info:
        return None
    return {
        "shape": [int(n) for n in info["shape"]],
        "names": [str(n) for n in info.get("names") or []],
        "axes": [int(a) for a in info["axes"]],
        "slice": {str(d): int(i) for d, i in info["slice"].items()},
    }


def tensor_slice(session: MessageContext, view_id: str, msg: dict[str, Any]) -> None:
    """A slice slider moved: ``{type: "tensor_slice", view_id, dim, index}``."""
    indices = {int(msg["dim"]): int(msg["index"])}
    session.renderer_change(lambda app: app.set_tensor_slice(view_id, indices))


# --- dataframe -------------------------------------------------------------------------------


def dataframe_payload(ctx: PanelContext, view: ViewRef) -> dict[str, Any]:
    """One window of rows (dataframe_panel.py), of the entities shown in that view."""
    visible = ctx.app.visible_in(view.id) if ctx.app else (lambda path: True)  # its own eye toggles too
    ents = [e for e in view.entities if e not in ctx.hidden and visible(e)]
    tl, t = ctx.time.timeline, ctx.time.time
    query = view.raw.get("dataframe_query")
    return {"dataframe": ctx.dataframes.entry(ctx.store, view.id, query, ents, tl, t)}


def dataframe_window(session: MessageContext, view_id: str, msg: dict[str, Any]) -> None:
    """The rows a dataframe view shows now (the browser asks as it scrolls):
    ``{type: "dataframe_window", view_id, offset, count}``."""
    offset, count = int(msg["offset"]), int(msg["count"])
    session.session_change(lambda: session.dataframes.set_window(view_id, offset, count))


def dataframe_seek(session: MessageContext, view_id: str, msg: dict[str, Any]) -> None:
    """A double click on a dataframe row (``{type: "dataframe_seek", view_id, row}``): the time
    cursor to that row's exact time (int64 times of timestamp timelines do not survive a trip
    through JavaScript numbers)."""
    row = int(msg["row"])

    def seek() -> bool:
        t = session.dataframes.row_time(view_id, row, session.time.timeline)
        if t is None:
            return False
        session.time.seek(t)
        return True

    session.session_change(seek)


def dataframe_snapshot(canvas: SnapshotCanvas, entry: dict[str, Any]) -> None:
    canvas.text_lines(
        [(line, DEFAULT_TEXT) for line in snapshot_lines(entry.get("dataframe") or {}, format_time)]
    )


# --- map -------------------------------------------------------------------------------------


def map_snapshot(canvas: SnapshotCanvas, entry: dict[str, Any]) -> None:
    """The browser draws tiles live; the picture gets a graticule + the data, and the title chip."""
    draw_map(canvas.draw, canvas.rect, entry.get("map") or {}, canvas.font)
    canvas.title_chip()


view_registry.attach("text_log", payload=text_log_payload, snapshot=text_log_snapshot)
view_registry.attach("text_document", payload=text_document_payload, snapshot=text_document_snapshot)
view_registry.attach("tensor", payload=tensor_payload, messages={"tensor_slice": tensor_slice})
view_registry.attach(
    "dataframe",
    payload=dataframe_payload,
    snapshot=dataframe_snapshot,
    messages={"dataframe_window": dataframe_window, "dataframe_seek": dataframe_seek},
)
view_registry.attach("map", payload=map_view_payload, snapshot=map_snapshot)

__all__ = ["tensor_state", "text_log_lines"]
