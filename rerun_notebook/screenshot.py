"""``rerun FILE --screenshot-to out.png``: the viewer's picture of a hub's active recording, headless.

A ``ViewerSession`` of its own at ``--window-size`` (the layout the window and the page show, the
hub's blueprint included), rendered once; HTML views (text logs, documents) drawn in as in a
notebook's saved snapshot. Then the viewer quits, as Rerun's flag does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image

from .blueprint_sync import hub_source
from .session import ViewerSession
from .snapshot import render_with_html_views


def save_screenshot(hub: Any, path: str | Path, size: tuple[int, int]) -> Path:
    """Render ``hub``'s active recording (else its newest) into the PNG at ``path``."""
    sid = hub.active_recording_id or (hub.recordings()[-1] if hub.recordings() else None)
    if sid is None or hub.get(sid) is None:
        raise ValueError("nothing to take a screenshot of: no recording was loaded")
    session = ViewerSession(*size)
    try:
        session.blueprint.source = hub_source(hub)
        session.add_store(sid.recording_id, hub.get(sid), application_id=sid.application_id)
        out = Path(path)
        Image.fromarray(render_with_html_views(session)).save(out)
        return out
    finally:
        session.close()
