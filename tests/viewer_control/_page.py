"""Chromium on the page of a `rerun --serve-web` process that shows one logged recording: what the
viewer-control browser tests drive through 0.41's `ViewerClient` and then look at."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import rerun as rr
from tests.web._chromium import serve_web_chromium
from tests.web.test_cli import _page_state

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "viewer_control"
FRAME = "() => Number(document.querySelector('.rr-canvas')?.dataset.frame || 0)"


@contextmanager
def served_page(app_id: str) -> Iterator[tuple[Any, str]]:
    """(the Chromium page, 900x600, with a first frame drawn; the process's viewer-control URL),
    the page showing recording `pts` of `app_id`: two points at /pts."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with serve_web_chromium() as (port, web, browser):
        rec = rr.RecordingStream(app_id, recording_id="pts")
        rec.connect_grpc(f"rerun+http://127.0.0.1:{port}/proxy")
        rec.log("pts", rr.Points3D([[0, 0, 0], [1, 1, 1]]))
        rec.flush()
        _page_state(web, "pts", "/pts")
        try:
            page = browser.new_page(viewport={"width": 900, "height": 600})
            page.goto(f"http://127.0.0.1:{web}/")
            page.wait_for_function(f"({FRAME})() >= 1", timeout=40_000)
            yield page, f"rerun+http://127.0.0.1:{port}/proxy"
        finally:
            rec.disconnect()
