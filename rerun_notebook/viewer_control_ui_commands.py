"""The palette's UI zoom commands (``ui.zoom_in_ui``, ``ui.zoom_out_ui``, ``ui.reset_ui_zoom``) on
this viewer: the whole UI of every page the ``rerun`` process serves (web page, the desktop window's
page) scaled, as 0.41 scales its egui UI (CSS ``zoom`` on the page's root).

The steps are egui's (``gui_zoom``): 0.1 up or down, kept within 0.2-5.0 and rounded to a tenth;
reset goes back to 1 (the page's own size; the browser's or system's scaling stays under it). The
factor belongs to the viewer process, like 0.41's: the pages open now take it. An offscreen page
(``rerun --headless``) takes it too, but its screenshots are the views' renders, which a UI zoom
does not change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Run = Callable[[Any, Any], None]  # (FullViewerControlHandler, the recording's StoreId or None)
ZOOM_STEP = 0.1
ZOOM_RANGE = (0.2, 5.0)


def next_zoom(zoom: float, step: float) -> float:
    """The UI zoom after one step (``step`` 0 resets it)."""
    if step == 0:
        return 1.0
    low, high = ZOOM_RANGE
    return round(min(high, max(low, zoom + step)) * 10) / 10


def _zoom(step: float) -> Run:
    def run(handler: Any, _sid: Any) -> None:
        handler.ui_zoom = next_zoom(handler.ui_zoom, step)
        for session in handler._sessions():
            session.set_ui_zoom(handler.ui_zoom)

    return run


RUNNABLE: dict[str, Run] = {
    "ui.zoom_in_ui": _zoom(ZOOM_STEP),
    "ui.zoom_out_ui": _zoom(-ZOOM_STEP),
    "ui.reset_ui_zoom": _zoom(0),
}
