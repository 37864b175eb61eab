"""Chromium on the page of `rerun --serve-web`: the palette's UI zoom commands, run through 0.41's
`ViewerClient`, scale the whole page UI in egui's steps and reset it.

A screenshot of the zoomed page goes to artifacts/viewer_control/ (gitignored).
"""

from __future__ import annotations

import pytest

from ._page import ARTIFACTS, served_page

# the root's CSS zoom, and how much wider it draws than it lays out
ZOOM = """() => {
    const root = document.querySelector('.rr-root');
    return [getComputedStyle(root).zoom, root.getBoundingClientRect().width / root.clientWidth];
}"""

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(180)]


def test_zoom_commands_scale_the_page_ui() -> None:
    from rerun.experimental import ViewerClient

    with served_page("zoom_page") as (page, url):
        assert page.evaluate(ZOOM) == ["1", 1]
        client = ViewerClient.connect(url)
        for command in ("ui.zoom_in_ui", "ui.zoom_in_ui", "ui.zoom_in_ui", "ui.zoom_out_ui"):
            client.run_command(command)
        page.wait_for_function(f"({ZOOM})()[0] === '1.2'", timeout=30_000)
        [zoom, drawn] = page.evaluate(ZOOM)
        assert zoom == "1.2" and abs(drawn - 1.2) < 0.01
        page.screenshot(path=str(ARTIFACTS / "ui_zoom_1.2.png"))

        client.run_command("ui.reset_ui_zoom")
        page.wait_for_function(f"({ZOOM})()[0] === '1'", timeout=30_000)
        assert page.evaluate(ZOOM) == ["1", 1]
