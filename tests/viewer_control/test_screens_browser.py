"""Chromium on the page of `rerun --serve-web`: the palette's screens and dialogs, opened through
0.41's `ViewerClient` and from the page's own command palette (Ctrl+P), closed with Escape; a save
is a browser download of an .rrd that holds the recording; a file picked in the open-file dialog
loads as a new recording of the viewer.

Screenshots of the open screens go to artifacts/viewer_control/ (gitignored).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from rerun_core.store.messages import ArrowMsg
from rerun_core.store.rrd import read_messages

from ._page import ARTIFACTS, served_page
from .conftest import free_port, write_steps

LAYER = ".rr-modal-layer"
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]


def _shown(page: object, kind: str) -> None:
    page.wait_for_selector(f"{LAYER}[data-modal={kind}]", timeout=30_000)  # type: ignore[attr-defined]


@contextmanager
def _http_folder(folder: Path) -> Iterator[str]:
    """`folder` served over HTTP on 127.0.0.1 (the open-URL dialog's .rrd on the web)."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join(5)


def _active_becomes(client: Any, page: Any, store_id: str) -> Any:
    for _ in range(100):
        state = client.get_state()
        if state.active_recording == store_id:
            return state
        page.wait_for_timeout(200)
    return state


def _closed(page: object) -> None:
    page.wait_for_selector(LAYER, state="detached", timeout=30_000)  # type: ignore[attr-defined]


def test_screens_open_close_and_run_from_the_palette() -> None:
    from rerun.experimental import ViewerClient

    with served_page("screens_page") as (page, url):
        client = ViewerClient.connect(url)
        client.run_command("ui.about")
        _shown(page, "about")
        rows = page.eval_on_selector_all(".rr-modal-rows th", "ths => ths.map(t => t.textContent)")
        assert {"Version", "Build", "Platform", "Renderer"} <= set(rows)
        page.screenshot(path=str(ARTIFACTS / "about.png"))
        page.keyboard.press("Escape")
        _closed(page)

        client.run_command("ui.open_settings")
        _shown(page, "settings")
        page.click(".rr-zoom-in")  # the settings' UI zoom runs the zoom command
        page.wait_for_function(
            "getComputedStyle(document.querySelector('.rr-root')).zoom === '1.1'", timeout=30_000
        )
        assert page.inner_text(".rr-zoom-value") == "110 %"
        page.click(".rr-modal-close")
        _closed(page)
        client.run_command("ui.reset_ui_zoom")

        page.click(".rr-canvas")  # the viewer has the keyboard
        page.keyboard.press("Control+p")
        _shown(page, "palette")
        assert page.locator(".rr-palette-row[data-id='ui.about']").count() == 1
        page.keyboard.type("share")
        names = page.eval_on_selector_all(".rr-palette-row", "rows => rows.map(r => r.dataset.id)")
        assert names == ["ui.open_share_dialog"]
        page.keyboard.press("Enter")
        _shown(page, "share")  # a logged recording has no link to share
        assert "cannot be shared as a link" in page.inner_text(".rr-modal-body")
        page.keyboard.press("Escape")
        _closed(page)

        client.run_command("ui.open_add_server_dialog")  # goes where the sources panel adds one
        _shown(page, "add_server")
        page.fill(".rr-modal-form input", url)  # the viewer's own proxy: not a server to list
        page.keyboard.press("Enter")
        _closed(page)
        page.wait_for_function(
            "document.querySelector('.rr-sources-error')?.textContent.includes('not a Rerun server')",
            timeout=30_000,
        )
        assert page.is_visible(".rr-sources")

        client.run_command("recording.open_add_view_or_container_dialog")
        _shown(page, "add_view")
        page.screenshot(path=str(ARTIFACTS / "add_view.png"))
        page.click(".rr-add-view[data-class=TextLog]")
        _closed(page)
        for _ in range(100):
            views = [v.view_class for v in client.get_state().views]
            if "TextLog" in views:
                break
            page.wait_for_timeout(200)
        assert views == ["TextLog"]  # a new tab beside the 3D view, the one shown


def test_save_downloads_and_open_file_loads(tmp_path: Path) -> None:
    from rerun.experimental import ViewerClient

    with served_page("files_page") as (page, url):
        client = ViewerClient.connect(url)
        with page.expect_download(timeout=30_000) as download:
            client.run_command("recording.save", allow_blocking_native_modal=True)
        saved = tmp_path / "saved.rrd"
        download.value.save_as(saved)
        assert download.value.suggested_filename == "data.rrd"
        paths = {str(m.chunk.entity_path) for m in read_messages(saved) if isinstance(m, ArrowMsg)}
        assert "/pts" in paths

        client.run_command("ui.open_file", allow_blocking_native_modal=True)
        _shown(page, "open_file")
        page.screenshot(path=str(ARTIFACTS / "open_file.png"))
        page.set_input_files(
            ".rr-open-file", str(write_steps(tmp_path / "picked.rrd", recording_id="picked"))
        )
        _closed(page)
        state = _active_becomes(client, page, "Recording:control_test:picked")
        assert "Recording:control_test:picked" in [r.store_id for r in state.recordings]
        assert state.active_recording == "Recording:control_test:picked"

        web = tmp_path / "web"
        web.mkdir()
        write_steps(web / "remote.rrd", recording_id="remote")
        with _http_folder(web) as site:
            client.run_command("ui.open_url_dialog")
            _shown(page, "open_url")
            page.fill(".rr-modal-form input", f"{site}/remote.rrd")
            page.keyboard.press("Enter")
            _closed(page)
            state = _active_becomes(client, page, "Recording:control_test:remote")
        assert state.active_recording == "Recording:control_test:remote"
