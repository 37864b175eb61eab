"""Server to viewer in a notebook (JupyterLab + Chromium), against our `rerun server` and the real
0.41 one.

A cell opens a segment with `Viewer(url=..., memory_limit=...)` (a quarter of the segment's size):
the widget shows its points; its time axis is scrubbed start -> end -> start in the browser,
then the kernel's fetcher reports the most its store held (at most the budget plus one fetch
batch) and that the data at the cursor is there. Then the widget's sources panel opens another
segment (server added by URL, dataset expanded, segment clicked) and the widget shows it.
Screenshots in artifacts/server_viewer/.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rerun_core.server.redap_open import BUDGET_SHARE
from rerun_core.server.redap_source import RedapClient
from tests.server.test_segment_fetch import FRAMES
from tests.web.test_server_viewer_page import colored_pixels, segment_bytes
from tests.web.test_server_viewer_page import data_dir as data_dir
from tests.web.test_server_viewer_page import server as server

from .lab import (
    FRAME_JS,
    add_cell_and_run,
    frame_index,
    notebook_page,
    run_all,
    wait_cells_done,
    write_notebook,
)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "server_viewer"

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]

STATS_CELL = """import json
(fetcher,) = v.widget._sources.opened[URL].fetchers
t = v.widget.session.time.time
cell = fetcher.store.latest_at('/points', ['Points3D:positions'], 'frame', t)['Points3D:positions']
print('STATS' + json.dumps({'peak': max(fetcher.stats.peak_bytes, fetcher.store.num_bytes), 'time': t,
    'x': cell.values.to_pylist()[0][0], 'evicted': fetcher.stats.chunks_evicted,
    'refetched': fetcher.stats.chunks_refetched}))"""


def _wait_points(page: Any, root: Any, timeout_ms: int = 120_000) -> int:
    """Until the widget's canvas shows coloured pixels (the points; the rest is grey)."""
    page.wait_for_function(f"() => ({FRAME_JS})() > 0", timeout=timeout_ms)
    deadline = page.evaluate("() => performance.now()") + timeout_ms
    n = 0
    while page.evaluate("() => performance.now()") < deadline:
        n = colored_pixels(root.locator(".rr-canvas").first.screenshot())
        if n > 100:
            return n
        page.wait_for_timeout(300)
    return n


def _now(root: Any) -> str:
    return str(root.locator(".rr-now").first.inner_text())


def test_notebook_opens_segments_by_url_and_sources_panel_and_scrubs_within_the_budget(
    tmp_path: Path, server: str, data_dir: Path, request: pytest.FixtureRequest
) -> None:
    which = request.node.callspec.params["server"]
    size = segment_bytes(data_dir / "long.rrd")
    limit = size // 4
    budget = int(limit * BUDGET_SHARE)
    batch = budget // 8
    with RedapClient(server) as client:
        (ds,) = client.datasets()
        url = client.url.segment_url(ds.id, "long")
    write_notebook(
        tmp_path / "server_viewer.ipynb",
        [
            f"from rerun.notebook import Viewer\nURL = {url!r}\n"
            f"v = Viewer(url=URL, memory_limit={limit}, width=1000, height=520)\nv.display()"
        ],
    )
    artifacts = ARTIFACTS / which
    with notebook_page(tmp_path, "server_viewer.ipynb", viewport=(1300, 1100), artifacts=artifacts) as page:
        run_all(page)
        root = page.locator(".rr-root").first
        root.wait_for(timeout=180_000)
        assert _wait_points(page, root) > 100, "the widget shows no points"
        wait_cells_done(page)
        root.screenshot(path=str(artifacts / "1_url.png"))

        # scrub the time axis: start -> end -> start
        box = root.locator(".rr-axis").first.bounding_box()
        assert box is not None
        for frac in (0.2, 0.45, 0.7, 0.97, 0.55, 0.25, 0.02):
            before = _now(root)
            page.mouse.click(box["x"] + box["width"] * frac, box["y"] + 15)
            page.wait_for_function(
                f"() => (document.querySelector('.rr-now')?.textContent || '') !== {before!r}", timeout=30_000
            )
            page.wait_for_timeout(400)  # the kernel fetches what the new cursor needs
        root.screenshot(path=str(artifacts / "2_scrubbed.png"))
        add_cell_and_run(page, STATS_CELL)
        page.wait_for_function(
            "() => [...document.querySelectorAll('.jp-OutputArea-output')].some(o => o.innerText.includes('STATS{'))",
            timeout=120_000,
        )
        text = next(t for t in page.locator(".jp-OutputArea-output").all_inner_texts() if "STATS{" in t)
        stats = json.loads(text.split("STATS", 1)[1].strip())
        print(f"{which}: segment {size} B, limit {limit} B, kernel fetcher {stats}")
        assert stats["peak"] <= budget + batch, (stats, budget, batch)
        assert stats["evicted"] > 0, stats  # the segment did not fit: scrubbing evicted
        assert 0 <= stats["time"] < FRAMES // 4 and stats["x"] == float(stats["time"]), stats

        # the sources panel opens another segment of the same server
        root.locator(".rr-sources-btn").click()
        root.locator(".rr-sources-add input").fill(server)
        root.locator(".rr-sources-add button").click()
        root.locator(".rr-src-dataset", has_text="m").first.click(timeout=60_000)
        shown = frame_index(page)  # the widget draws a new frame once it shows the segment
        root.locator(".rr-src-segment[data-segment='other']").click(timeout=60_000)
        root.locator(".rr-src-segment.rr-src-open[data-segment='other']").wait_for(timeout=120_000)
        root.locator(".rr-src-rec.rr-src-active", has_text="other").wait_for(timeout=60_000)
        root.screenshot(path=str(artifacts / "3_sources_list.png"))
        root.locator(".rr-sources-btn").click()
        page.wait_for_function(f"() => ({FRAME_JS})() > {shown}", timeout=120_000)
        assert _wait_points(page, root) > 100, "the segment opened from the sources panel shows no points"
        root.screenshot(path=str(artifacts / "4_sources_segment.png"))
