"""Chromium on the page of `rerun --serve-web`: the palette's UI zoom commands, run through 0.41's
`ViewerClient`, scale the whole page UI in egui's steps and reset it.

A screenshot of the zoomed page goes to artifacts/viewer_control/ (gitignored).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import rerun as rr
from tests.e2e.lab import CHROMIUM, CHROMIUM_ARGS
from tests.server.rerun_procs import free_port, running
from tests.web.test_cli import _page_state, _wait_page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "viewer_control"
FRAME = "() => Number(document.querySelector('.rr-canvas')?.dataset.frame || 0)"
# the root's CSS zoom, and how much wider it draws than it lays out
ZOOM = """() => {
    const root = document.querySelector('.rr-root');
    return [getComputedStyle(root).zoom, root.getBoundingClientRect().width / root.clientWidth];
}"""

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(180)]


def test_zoom_commands_scale_the_page_ui() -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    from rerun.experimental import ViewerClient

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port, web = free_port(), free_port()
    with running(["--serve-web", f"--web-viewer-port={web}"], port) as proc, sync_playwright() as pw:
        _wait_page(web, proc)
        rec = rr.RecordingStream("zoom_page", recording_id="pts")
        rec.connect_grpc(f"rerun+http://127.0.0.1:{port}/proxy")
        rec.log("pts", rr.Points3D([[0, 0, 0], [1, 1, 1]]))
        rec.flush()
        _page_state(web, "pts", "/pts")
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 600})
            page.goto(f"http://127.0.0.1:{web}/")
            page.wait_for_function(f"({FRAME})() >= 1", timeout=40_000)
            assert page.evaluate(ZOOM) == ["1", 1]

            client = ViewerClient.connect(f"rerun+http://127.0.0.1:{port}/proxy")
            for command in ("ui.zoom_in_ui", "ui.zoom_in_ui", "ui.zoom_in_ui", "ui.zoom_out_ui"):
                client.run_command(command)
            page.wait_for_function(f"({ZOOM})()[0] === '1.2'", timeout=30_000)
            [zoom, drawn] = page.evaluate(ZOOM)
            assert zoom == "1.2" and abs(drawn - 1.2) < 0.01
            page.screenshot(path=str(ARTIFACTS / "ui_zoom_1.2.png"))

            client.run_command("ui.reset_ui_zoom")
            page.wait_for_function(f"({ZOOM})()[0] === '1'", timeout=30_000)
            assert page.evaluate(ZOOM) == ["1", 1]
        finally:
            browser.close()
        rec.disconnect()
