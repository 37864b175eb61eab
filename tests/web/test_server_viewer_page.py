"""Server to viewer on the web page, in Chromium, against our `rerun server` and the real 0.41 one.

The page (a `WebViewerServer` in this process, over a hub with a small memory limit, so the test
reads its fetchers' own byte totals) opens a segment by `?url=`: the view shows its points; the
time axis is scrubbed start -> end -> start while the segment (four times the limit) is fetched
on demand, and the store never holds more than the budget plus one fetch batch. A second tab
opens another segment through the sources panel (server added by URL, dataset expanded, segment
clicked): its view shows the data. Screenshots in artifacts/web/server_viewer_*.png.
"""

from __future__ import annotations

import io
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rerun_core.server.redap_open import BUDGET_SHARE
from rerun_core.server.redap_source import RedapClient
from tests.catalog.catalog_data import POS, free_port, server_process
from tests.server.test_segment_fetch import FRAMES, write_long_segment

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "web"
FRAME_JS = "() => Number(document.querySelector('.rr-canvas')?.dataset.frame || 0)"

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(420)]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("server_viewer_page") / "ds"
    root.mkdir()
    write_long_segment(root / "long.rrd", "long")
    write_long_segment(root / "other.rrd", "other")
    return root


@pytest.fixture(params=["ours", "real"])
def server(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[str]:
    """Our `rerun server` or the real 0.41 one (interop) serving the dataset `m`."""
    port = free_port()
    cmd = ["server", "--host", "127.0.0.1", "-p", str(port), "-d", f"m={data_dir}"]
    if request.param == "ours":
        exe, env = str(ROOT / ".venv" / "bin" / "rerun"), None
    else:
        request.applymarker(pytest.mark.interop)
        oracle = request.getfixturevalue("oracle")
        exe, env = str(oracle.rerun), oracle.env()
    with server_process([exe, *cmd], port, env=env):
        yield f"rerun+http://127.0.0.1:{port}"


def segment_bytes(path: Path) -> int:
    """The segment's in-memory size (what a viewer holding all of it holds)."""
    from rerun_core.store.load import load_rrd

    hub = load_rrd(path)
    return sum(store.num_bytes for sid in hub.recordings() if (store := hub.get(sid)) is not None)


def colored_pixels(png: bytes) -> int:
    """Pixels of a colour (the points); the background, grid and labels are grey."""
    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)
    return int(((rgb.max(axis=2) - rgb.min(axis=2)) > 80).sum())


def wait_data_shown(page: Any, timeout: float = 90.0) -> int:
    """Until the views' canvas shows the segment's points (coloured pixels, not only grey)."""
    page.wait_for_function(f"({FRAME_JS})() >= 1", timeout=int(timeout * 1000))
    deadline, n = time.monotonic() + timeout, 0
    while time.monotonic() < deadline:
        n = colored_pixels(page.locator(".rr-canvas").first.screenshot())
        if n > 100:
            return n
        time.sleep(0.3)
    return n


def _now(page: Any) -> str:
    return str(page.locator(".rr-now").first.inner_text())


def test_page_opens_segments_by_url_and_sources_panel_and_scrubs_within_the_budget(
    server: str, data_dir: Path, request: pytest.FixtureRequest
) -> None:
    from playwright.sync_api import sync_playwright

    from rerun_core.store.hub import StoreHub
    from rerun_notebook.web.server import WebViewerServer
    from tests.e2e.lab import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    which = request.node.callspec.params["server"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    size = segment_bytes(data_dir / "long.rrd")
    limit = size // 4  # the page's memory limit: a quarter of the segment
    budget = int(limit * BUDGET_SHARE)
    batch = budget // 8  # what one fetch may bring beyond the budget (segment_fetcher.step)
    with RedapClient(server) as client:
        (ds,) = client.datasets()
        long_url = client.url.segment_url(ds.id, "long")
    web = WebViewerServer(StoreHub(memory_limit=limit), port=free_port()).start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            try:
                # 1. by URL, then scrubbing the time axis under the budget
                page = browser.new_page(viewport={"width": 1100, "height": 700})
                page.goto(f"{web.url}/?url={urllib.parse.quote(long_url, safe='')}")
                assert wait_data_shown(page) > 100, "the view shows no points"
                page.screenshot(path=str(ARTIFACTS / f"server_viewer_url_{which}.png"))
                (session,) = list(web._pages)
                (fetcher,) = session.sources.opened[long_url].fetchers
                box = page.locator(".rr-axis").first.bounding_box()
                assert box is not None
                peak, seen = 0, set[int]()
                for frac in (0.15, 0.35, 0.55, 0.75, 0.97, 0.6, 0.3, 0.02):
                    before = _now(page)
                    page.mouse.click(box["x"] + box["width"] * frac, box["y"] + 15)
                    page.wait_for_function(
                        f"() => (document.querySelector('.rr-now')?.textContent || '') !== {before!r}",
                        timeout=30_000,
                    )
                    assert fetcher.wait_ready(30), f"the data at {_now(page)} never came ({fetcher.error})"
                    frame = fetcher.cursor()[1]
                    assert frame is not None and _now(page) == f"#{frame}"
                    cell = fetcher.store.latest_at("/points", [POS.component], "frame", frame)[POS.component]
                    assert cell.values.to_pylist()[0][0] == float(frame)  # that frame's points are held
                    seen.add(frame)
                    peak = max(peak, fetcher.store.num_bytes)
                page.screenshot(path=str(ARTIFACTS / f"server_viewer_scrubbed_{which}.png"))
                stats = fetcher.stats
                print(
                    f"{which}: segment {size} B, limit {limit} B, peak {max(peak, stats.peak_bytes)} B, {stats}"
                )
                assert len(seen) >= 6 and max(seen) > FRAMES * 3 // 4, seen
                assert max(peak, stats.peak_bytes) <= budget + batch, (peak, stats, budget)
                assert stats.chunks_evicted > 0, stats  # it did not all fit: scrubbing evicted
                page.close()

                # 2. through the sources panel, in another tab
                page = browser.new_page(viewport={"width": 1100, "height": 700})
                page.goto(web.url)
                page.locator(".rr-sources-btn").click()
                page.locator(".rr-sources-add input").fill(server)
                page.locator(".rr-sources-add button").click()
                page.locator(".rr-src-dataset", has_text="m").first.click(timeout=60_000)
                shown = page.evaluate(FRAME_JS)  # the page draws a new frame once it shows the segment
                page.locator(".rr-src-segment[data-segment='other']").click(timeout=60_000)
                page.locator(".rr-src-segment.rr-src-open[data-segment='other']").wait_for(timeout=90_000)
                page.locator(".rr-src-rec.rr-src-active", has_text="other").wait_for(timeout=30_000)
                page.screenshot(path=str(ARTIFACTS / f"server_viewer_sources_list_{which}.png"))
                page.locator(".rr-sources-btn").click()  # close the panel: the view shows the segment
                page.wait_for_function(f"({FRAME_JS})() > {shown}", timeout=90_000)
                assert wait_data_shown(page) > 100, "the segment opened from the panel shows no points"
                page.screenshot(path=str(ARTIFACTS / f"server_viewer_sources_{which}.png"))
            finally:
                browser.close()
    finally:
        web.stop()
