"""The offscreen viewer of ``rerun --headless``: one page session with no browser behind it.

Rerun 0.41's ``rerun --headless`` runs the viewer without an OS window so that
``rerun.experimental.ViewerClient`` can still read its state, move its time cursor and take
screenshots. Ours keeps one ``PageSession`` over the process's store hub whose frames go nowhere;
viewer control (``rerun_notebook.viewer_control``) drives it exactly as it drives a real page,
rendering only when a screenshot is asked for.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

from rerun_notebook.web.page import _GPU_LOCK, PageSession

HEADLESS_SIZE = (1280, 720)  # what the headless viewer "shows", as 0.41's offscreen harness


def _discard(_data: str | bytes) -> None:
    """Frames and state of the headless page: nobody is there to receive them."""


class HeadlessViewer:
    """Stands where ``WebViewerServer`` stands for viewer control: ``page_sessions()``."""

    def __init__(self, hub: Any, size: tuple[int, int] = HEADLESS_SIZE) -> None:
        self.hub = hub
        self._page = PageSession(hub, _discard, size=size)
        # what a page would be sent (a save's download, hover answers) is dropped as it comes:
        # no page drains this outbox, which would otherwise hold each saved recording for good
        self._page.session.replies = deque(maxlen=0)
        self._lock = threading.Lock()

    def page_sessions(self) -> list[Any]:
        """The one offscreen page, brought up to date with the hub (recordings, layout)."""
        with self._lock, _GPU_LOCK:
            page = self._page
            page.sync_recordings()
            page.session.prepare(time.monotonic())
        return [page]

    def stop(self) -> None:
        self._page.close()
