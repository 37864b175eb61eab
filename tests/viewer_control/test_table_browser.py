"""Chromium on the page of `rerun --serve-web`: a table sent with `ViewerClient.send_table` is what
the page draws (its columns as 0.41 names them, its rows) until the recording is shown again.

A screenshot goes to artifacts/viewer_control/ (gitignored) for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

import rerun as rr
from tests.e2e.lab import CHROMIUM, CHROMIUM_ARGS
from tests.server.rerun_procs import free_port, running
from tests.web.test_cli import _page_state, _wait_page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "viewer_control"
FRAME = "() => Number(document.querySelector('.rr-canvas')?.dataset.frame || 0)"
# the header cells and the first cells of each row of the tables on the page
TABLES = """() => [...document.querySelectorAll('table.rr-df')].map((t) => [
    [...t.querySelectorAll('th')].map((h) => h.textContent),
    [...t.querySelectorAll('tr.rr-df-row')].map((r) => [...r.cells].map((c) => c.textContent)),
])"""

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(180)]


def test_the_page_shows_a_sent_table_then_the_recording_again() -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    from rerun.experimental import ViewerClient

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port, web = free_port(), free_port()
    with running(["--serve-web", f"--web-viewer-port={web}"], port) as proc, sync_playwright() as pw:
        _wait_page(web, proc)
        rec = rr.RecordingStream("table_page", recording_id="pts")
        rec.connect_grpc(f"rerun+http://127.0.0.1:{port}/proxy")
        rec.log("pts", rr.Points3D([[0, 0, 0], [1, 1, 1]]))
        rec.flush()
        _page_state(web, "pts", "/pts")
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 600})
            page.goto(f"http://127.0.0.1:{web}/")
            page.wait_for_function(f"({FRAME})() >= 1", timeout=40_000)
            assert page.evaluate(TABLES) == []

            client = ViewerClient.connect(f"rerun+http://127.0.0.1:{port}/proxy")
            batch = pa.RecordBatch.from_pydict({"fooBar": [1.5, 2.5], "rerun_segment_id": ["s", "t"]})
            client.send_table("my table", batch)
            page.wait_for_function(f"({TABLES})().length === 1", timeout=30_000)
            page.wait_for_timeout(300)
            page.screenshot(path=str(ARTIFACTS / "sent_table.png"))
            [(heads, rows)] = page.evaluate(TABLES)
            assert [h.strip() for h in heads] == ["Segment id", "Foo bar"]
            assert [[c.strip() for c in r] for r in rows] == [["s", "1.5"], ["t", "2.5"]]

            state = client.get_state()
            assert state.location == "about:table?id=my+table"
            [recording] = state.recordings
            client.set_location(recording.location)
            page.wait_for_function(f"({TABLES})().length === 0", timeout=30_000)
            client.close("all")
        finally:
            browser.close()
        rec.disconnect()
