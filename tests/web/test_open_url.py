"""Segment URLs in the web viewer: `rerun <segment URL> --serve-web` serves the segment, and the
page opened with `?url=<segment URL>` shows it in Chromium (screenshot in artifacts/web/)."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import rerun as rr
from rerun_core.server.redap_source import RedapClient
from tests.catalog.catalog_data import server_process
from tests.server.rerun_procs import OURS, free_port, running, stop

from .test_cli import _wait_page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "web"

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


@pytest.fixture(scope="module")
def segment_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("web_url") / "ds"
    root.mkdir()
    rec = rr.RecordingStream("web_url", recording_id="scene")
    rec.save(root / "scene.rrd")
    rng = np.random.default_rng(3)
    rec.set_time("frame", sequence=0)
    rec.log("world/points", rr.Points3D(rng.uniform(-2, 2, (400, 3)), colors=[40, 200, 255], radii=0.08))
    for i in range(1, 10):
        rec.set_time("frame", sequence=i)
        rec.log(
            "world/box", rr.Boxes3D(half_sizes=[[1, 1, 1]], centers=[[0, 0, i / 10]], colors=[255, 90, 0])
        )
    rec.flush()
    rec.disconnect()
    port = free_port()
    with server_process(
        [str(OURS), "server", "--host", "127.0.0.1", "-p", str(port), "-d", f"scenes={root}"], port
    ):
        with RedapClient(f"rerun+http://127.0.0.1:{port}") as client:
            (ds,) = client.datasets()
            yield client.url.segment_url(ds.id, "scene")


def test_cli_serves_a_segment_url(segment_url: str) -> None:
    """`rerun <segment URL>#when=frame@4`: the page shows the segment paused at frame 4 (not
    following the newest data, frame 9), and so does a second page opened later."""
    from websockets.sync.client import connect

    from .wsclient import recv_state, showing

    def at_frame_4(state: dict[str, Any]) -> bool:
        time = state.get("time") or {}
        return showing("scene", "/world/points")(state) and (time.get("timeline"), time.get("time")) == (
            "frame",
            4,
        )

    port, web = free_port(), free_port()
    with running(
        [segment_url + "#when=frame@4", "--serve-web", f"--web-viewer-port={web}", f"--port={port}"], port
    ) as proc:
        _wait_page(web, proc)
        states = []
        for _ in range(2):
            with connect(f"ws://127.0.0.1:{web}/ws") as ws:
                states.append(recv_state(ws, at_frame_4, 60))
        _, err = stop(proc)
    for state in states:
        assert state["active"] == "scene"
        assert state["time"]["play_state"] == "paused" and not state["time"].get("following"), state["time"]
    assert "opened segment 'scene' of dataset 'scenes'" in err
    assert f"serving the web viewer at http://127.0.0.1:{web}" in err


@pytest.mark.browser
def test_page_with_url_query_shows_the_segment(segment_url: str) -> None:
    from playwright.sync_api import sync_playwright

    from tests.e2e.lab import CHROMIUM, CHROMIUM_ARGS

    from .test_browser import assert_shows_points

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port, web = free_port(), free_port()
    with running(["--serve-web", f"--web-viewer-port={web}"], port) as proc, sync_playwright() as pw:
        _wait_page(web, proc)
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 700})
            page.goto(f"http://127.0.0.1:{web}/?url={urllib.parse.quote(segment_url, safe='')}")
            assert_shows_points(page, ARTIFACTS / "open_url_segment.png", timeout_ms=60_000)
        finally:
            browser.close()


@pytest.mark.browser
def test_sources_panel_opens_a_segment_on_the_page(segment_url: str) -> None:
    """Add the server by URL in the sources panel, expand its dataset, click the segment: the
    page shows its data (screenshot in artifacts/web/sources_panel_segment.png)."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.lab import CHROMIUM, CHROMIUM_ARGS

    from .test_browser import FRAME, _non_blank

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    origin = segment_url.split("/dataset/")[0]
    port, web = free_port(), free_port()
    with running(["--serve-web", f"--web-viewer-port={web}"], port) as proc, sync_playwright() as pw:
        _wait_page(web, proc)
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 700})
            page.goto(f"http://127.0.0.1:{web}/")
            page.locator(".rr-sources-btn").click()
            live = rr.RecordingStream("web_url", recording_id="live_one")  # a local, live recording
            live.connect_grpc(f"rerun+http://127.0.0.1:{port}/proxy")
            live.log("pts", rr.Points3D([[0, 0, 0]]))
            live.flush()
            page.locator(".rr-src-rec", has_text="live_one").wait_for(timeout=30_000)  # listed as it comes
            assert "gRPC" in page.locator(".rr-src-rec", has_text="live_one").inner_text()
            page.locator(".rr-sources-add input").fill(origin)
            page.locator(".rr-sources-add button").click()
            page.locator(".rr-src-dataset", has_text="scenes").click(timeout=30_000)
            page.locator(".rr-src-segment[data-segment='scene']").click(timeout=30_000)
            page.locator(".rr-src-segment.rr-src-open[data-segment='scene']").wait_for(timeout=60_000)
            page.locator(".rr-src-rec.rr-src-active", has_text="scene").wait_for(timeout=30_000)
            page.screenshot(path=str(ARTIFACTS / "sources_panel_list.png"))
            page.locator(".rr-sources-btn").click()  # close the panel: the view shows the segment
            page.wait_for_function(f"({FRAME})() >= 1", timeout=60_000)
            page.locator(".rr-tree", has_text="points").wait_for(timeout=60_000)
            page.wait_for_timeout(800)  # let the still (PNG) frame land
            page.screenshot(path=str(ARTIFACTS / "sources_panel_segment.png"))
            assert _non_blank(page.locator(".rr-view").screenshot()) > 10
            live.disconnect()
        finally:
            browser.close()


def test_cli_memory_limit_fetches_a_segment_on_demand(tmp_path: Path) -> None:
    """`rerun <segment URL> --memory-limit`: the page shows the segment, its time panel gets the
    loaded ranges (not the whole segment), and the store holds only part of the chunks."""
    import json
    import time

    from websockets.sync.client import connect

    from tests.server.test_segment_fetch import FRAMES, write_long_segment

    root = tmp_path / "ds"
    root.mkdir()
    write_long_segment(root / "long.rrd")
    srv = free_port()
    with server_process([str(OURS), "server", "--host", "127.0.0.1", "-p", str(srv), "-d", f"m={root}"], srv):
        with RedapClient(f"rerun+http://127.0.0.1:{srv}") as client:
            (ds,) = client.datasets()
            url = client.url.segment_url(ds.id, "long")
        port, web = free_port(), free_port()
        args = [url, "--memory-limit=80KB", "--serve-web", f"--web-viewer-port={web}"]
        with running(args, port) as proc:
            _wait_page(web, proc)
            loaded = None
            with connect(f"ws://127.0.0.1:{web}/ws") as ws:
                deadline = time.monotonic() + 60
                while loaded is None and time.monotonic() < deadline:
                    msg = ws.recv(timeout=max(0.01, deadline - time.monotonic()))
                    if isinstance(msg, str) and '"_ticks"' in msg:
                        ticks = json.loads(json.loads(msg)["value"])
                        if ticks.get("loaded") and ticks.get("range") == [0, FRAMES - 1]:
                            loaded = ticks["loaded"]
            _, err = stop(proc)
    assert loaded, "the time panel never got the loaded ranges"
    assert sum(b - a + 1 for a, b in loaded) < FRAMES  # a part of the segment, not all of it
    held = re.search(r"the store holds 1 recording\(s\), (\d+) chunks", err)
    assert held and 0 < int(held.group(1)) < FRAMES + FRAMES // 16 + 1, err


class _Endpoint:
    """What of an `EndpointProcess` the viewer's serving loop uses: a hub, no gRPC port."""

    def __init__(self) -> None:
        from rerun_core.store.hub import StoreHub

        self.hub = StoreHub(memory_limit=1 << 30)
        self.save_path = None
        self.url = "rerun+http://127.0.0.1:1/proxy"
        self.shut = False
        self.fetching_at_shutdown: list[str] = []

    def shutdown(self, grace: float = 1.0) -> None:
        import threading

        self.shut = True
        self.fetching_at_shutdown = [
            t.name for t in threading.enumerate() if t.name.startswith("rerun-fetch-")
        ]

    def summary(self) -> str:
        return "done"


def test_cli_fetchers_end_before_the_endpoint(segment_url: str) -> None:
    """`rerun <segment URL>`: the segment's on-demand fetcher (it outlives pages: a page opened
    later shows the segment too) ends when the viewer stops, before the endpoint shuts down."""
    import argparse
    import threading

    from rerun.cli import viewer
    from rerun_notebook import sources

    endpoint = _Endpoint()
    stop = threading.Event()
    stop.set()  # serve, then stop at once
    args = argparse.Namespace(
        serve_web=False, web_viewer=False, serve_grpc=False, headless=True, screenshot_to=None
    )
    from rerun_core.server.redap_open import PlanPrefetch

    (plan,) = viewer._plans([PlanPrefetch(segment_url)])
    try:
        assert viewer._serve(endpoint, args, [], [], stop, None, [plan]) == 0
    finally:
        sources._open_times.pop("scene", None)  # where pages of this process would show it
    assert endpoint.shut and endpoint.fetching_at_shutdown == []
    (sid,) = endpoint.hub.recordings()
    store = endpoint.hub.get(sid)
    assert sid.recording_id == "scene" and store is not None and len(store) > 0  # it was fetched
    assert not [t for t in threading.enumerate() if t.name == "rerun-fetch-scene"]


def test_cli_early_fetch_ends_when_the_viewer_fails_to_start(
    segment_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The segment's fetch begun beside the viewer's start-up (`_EarlyFetch`) ends too when the
    viewer fails before taking it (its window cannot open), before the endpoint shuts down."""
    import argparse
    import threading

    from rerun.cli import viewer
    from rerun.cli import window as window_module
    from rerun_core.server.redap_open import PlanPrefetch
    from rerun_notebook import sources

    def no_window(*_args: Any) -> None:
        raise RuntimeError("no window today")

    monkeypatch.setattr(window_module, "open_window", no_window)
    endpoint = _Endpoint()
    args = argparse.Namespace(
        serve_web=False, web_viewer=False, serve_grpc=False, headless=True, screenshot_to=None
    )
    (plan,) = viewer._plans([PlanPrefetch(segment_url)])
    early = viewer._EarlyFetch(endpoint, [plan])
    early._thread.join()  # its fetcher runs when the window fails
    try:
        with pytest.raises(RuntimeError, match="no window today"):
            viewer._serve(endpoint, args, [], [], threading.Event(), None, [plan], early)
    finally:
        sources._open_times.pop("scene", None)
    assert endpoint.shut and endpoint.fetching_at_shutdown == []
    assert not [t for t in threading.enumerate() if t.name == "rerun-fetch-scene"]
