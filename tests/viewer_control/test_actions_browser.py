"""Chromium on the page of `rerun --serve-web`: the palette's dev panel, chunk store browser and
clipboard copies, run through 0.41's `ViewerClient`, drawn on the page and written to its clipboard.

A screenshot of the page with both panels open goes to artifacts/viewer_control/ (gitignored).
"""

from __future__ import annotations

import time

import pytest

from ._page import ARTIFACTS, served_page

STATS = """() => Object.fromEntries([...document.querySelectorAll('.rr-dev-dev [data-stat]')]
    .map((row) => [row.dataset.stat, Number(row.dataset.value)]))"""
CHUNKS = """() => [...document.querySelectorAll('.rr-dev-chunks .rr-dev-chunk')]
    .map((row) => [...row.children].map((td) => td.textContent))"""
USER_ACTIVATION_S = 6  # Chromium's transient user activation lasts 5 s
CLIPBOARD = "() => document.querySelector('.rr-root').dataset.clipboard || ''"

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(180)]


def test_dev_panel_chunk_browser_and_clipboard_on_the_page() -> None:
    from rerun.experimental import ViewerClient

    with served_page("actions_page") as (page, url):
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        page.bring_to_front()
        client = ViewerClient.connect(url)
        [recording] = [r.store_id for r in client.get_state().recordings]

        client.run_command("ui.toggle_dev_panel")
        page.wait_for_function(f"({STATS})().chunks >= 1", timeout=30_000)
        stats = page.evaluate(STATS)
        assert stats["ram_bytes"] > 10_000_000 and stats["store_bytes"] > 0
        assert stats["rows"] >= stats["chunks"] and stats["entities"] >= 1
        assert stats["frames"] >= 1 and stats["fps"] >= 0

        client.run_command("ui.toggle_chunk_store_browser")
        page.wait_for_function(f"({CHUNKS})().length >= 1", timeout=30_000)
        rows = page.evaluate(CHUNKS)
        assert len(rows) == stats["chunks"]  # every chunk of the store (one page holds them)
        summary = page.inner_text(".rr-dev-chunks-summary, .rr-dev-summary")
        assert summary.endswith(f"{stats['chunks']} chunks, page 1 of 1") and recording.endswith(":pts")
        [pts] = [r for r in rows if r[0] == "/pts"]
        assert pts[2] == "1" and "Points3D:positions" in pts[4]  # one row, its components
        assert len({r[1] for r in rows}) == len(rows)  # chunk ids, each once
        page.screenshot(path=str(ARTIFACTS / "dev_panels.png"))

        client.run_command("ui.toggle_dev_panel")
        client.run_command("ui.toggle_chunk_store_browser")
        page.wait_for_function("() => !document.querySelector('.rr-dev-box')", timeout=30_000)

        # (with the chunk store browser open no recording is active, as in 0.41: copy after)
        client.run_command("ui.copy_entity_hierarchy_to_clipboard")
        page.wait_for_function(f"({CLIPBOARD})().endsWith(':ok')", timeout=30_000)
        assert page.evaluate("() => navigator.clipboard.readText()") == "/\n  pts"

        # Chromium refuses fullscreen to a page that no user gesture asked for: the page offers a
        # button, whose click is one. (Playwright's own calls count as gestures for a few seconds:
        # none in the last USER_ACTIVATION_S when the command comes.)
        time.sleep(USER_ACTIVATION_S)
        client.run_command("ui.toggle_fullscreen")
        time.sleep(2)
        page.wait_for_selector(".rr-dev-fullscreen-go", timeout=30_000)
        assert page.evaluate("() => document.fullscreenElement") is None
        page.click(".rr-dev-fullscreen-go")
        page.wait_for_function(
            "() => document.fullscreenElement === document.documentElement", timeout=30_000
        )
        client.run_command("ui.toggle_fullscreen")  # leaving needs no gesture
        page.wait_for_function("() => !document.fullscreenElement", timeout=30_000)
