"""Chromium loads the page of `rerun --serve-web` after our SDK logged into it and sees the picture.

Screenshots go to artifacts/web/ (gitignored) for a person to look at.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

import rerun as rr
from tests.e2e.lab import CHROMIUM, CHROMIUM_ARGS
from tests.server.rerun_procs import free_port

from ._chromium import serve_web_chromium
from .test_cli import _page_state

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "web"
FRAME = "() => Number(document.querySelector('.rr-canvas')?.dataset.frame || 0)"
SET_VISIBILITY = """(state) => {
  Object.defineProperty(document, "visibilityState", { value: state, configurable: true });
  document.dispatchEvent(new Event("visibilitychange"));
}"""

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(120)]


def _log_scene(port: int) -> None:
    rec = rr.RecordingStream("web_browser", recording_id="scene")
    rec.connect_grpc(f"rerun+http://127.0.0.1:{port}/proxy")
    rng = np.random.default_rng(1)
    rec.set_time("step", sequence=0)
    rec.log("world/points", rr.Points3D(rng.uniform(-2, 2, (500, 3)), colors=[255, 120, 0], radii=0.08))
    for i in range(20):
        rec.set_time("step", sequence=i)
        rec.log("plot/sin", rr.Scalars(np.sin(i / 3)))
    rec.flush()
    rec.disconnect()


def _non_blank(png: bytes) -> float:
    """The spread of the picture's pixel values (0 for a flat fill)."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.float32)
    return float(pixels.std())


def assert_shows_points(page: Any, shot: Path, timeout_ms: int) -> None:
    """The page draws a first frame that is not blank (saved as `shot`), with `points` in its tree."""
    page.wait_for_function(f"({FRAME})() >= 1", timeout=timeout_ms)
    page.wait_for_timeout(800)  # let the still (PNG) frame land
    page.screenshot(path=str(shot))
    assert _non_blank(page.locator(".rr-view").screenshot()) > 10
    assert "points" in page.locator(".rr-tree").inner_text()


def test_page_of_serve_web_shows_logged_data() -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with serve_web_chromium() as (port, web, browser):
        errors: list[str] = []
        live = browser.new_page(viewport={"width": 700, "height": 500})
        live.on("pageerror", lambda exc: errors.append(str(exc)))
        live.goto(f"http://127.0.0.1:{web}/")  # open before any data: says where to log
        live.wait_for_function(
            "document.querySelector('.rr-error')?.textContent.includes('Waiting for data')"
        )
        live.screenshot(path=str(ARTIFACTS / "serve_web_empty.png"))

        _log_scene(port)
        _page_state(web, "scene", "/world/points")  # the data is in the viewer's store
        page = browser.new_page(viewport={"width": 1100, "height": 700})
        page.goto(f"http://127.0.0.1:{web}/")
        assert_shows_points(page, ARTIFACTS / "serve_web.png", timeout_ms=40_000)

        # The page opened before the data shows it live; a reload is a new session.
        live.wait_for_function("document.querySelector('.rr-tree').innerText.includes('points')")
        live.reload()
        live.wait_for_function(f"({FRAME})() >= 1", timeout=40_000)
        live.wait_for_timeout(500)
        assert _non_blank(live.locator(".rr-view").screenshot()) > 10
        live.screenshot(path=str(ARTIFACTS / "serve_web_reloaded.png"))

        # A hidden tab gets no frames; shown again, it catches up.
        live.evaluate(SET_VISIBILITY, "hidden")
        live.wait_for_timeout(300)
        before = live.evaluate(FRAME)
        live.mouse.move(500, 200)
        live.mouse.wheel(0, 300)  # would redraw the 3D view if frames were flowing
        live.wait_for_timeout(1500)
        assert live.evaluate(FRAME) == before
        live.evaluate(SET_VISIBILITY, "visible")
        live.wait_for_function(f"({FRAME})() > {before}", timeout=20_000)
        assert errors == []  # no uncaught script errors on the page


def test_page_reconnects_after_the_server_restarts() -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    from rerun_core.store.hub import StoreHub
    from rerun_notebook.web.server import WebViewerServer
    from tests.notebook.fakes import FakeApp

    web = free_port()
    first = WebViewerServer(StoreHub(), port=web, app_factory=FakeApp, empty_hint="first server").start()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            page.goto(first.url)
            page.wait_for_function("document.querySelector('.rr-error')?.textContent === 'first server'")
            first.stop()
            page.wait_for_function("document.body.dataset.status === 'closed'")
            assert "Lost the connection" in page.locator("#status").inner_text()
            second = WebViewerServer(StoreHub(), port=web, app_factory=FakeApp, empty_hint="second server")
            with second.start():
                page.wait_for_function(
                    "document.querySelector('.rr-error')?.textContent === 'second server'", timeout=20_000
                )
        finally:
            browser.close()
