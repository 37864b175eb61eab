"""End to end: notebooks/blueprint.ipynb in JupyterLab + Chromium lays the widget out as its blueprints say.

Screenshots go to artifacts/blueprint_code/ (gitignored) for a person to look at.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from .lab import CHROMIUM, CHROMIUM_ARGS, jupyterlab
from .test_notebook_browser import _clean_copy, _wait_kernel_idle, _wait_settled

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "blueprint_code"

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

OVERLAY_TEXT = "() => document.querySelector('.rr-overlay')?.textContent || ''"


def _run_next(page: Any, cells: int) -> None:
    for _ in range(cells):
        page.keyboard.press("Shift+Enter")


def _wait_for_views(page: Any, present: list[str], absent: list[str], timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = str(page.evaluate(OVERLAY_TEXT))
        if all(n in text for n in present) and not any(n in text for n in absent):
            return text
        time.sleep(0.3)
    raise AssertionError(f"views never became {present} without {absent}; overlay text: {text!r}")


def test_blueprint_notebook_layouts_in_the_browser(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    _clean_copy(ROOT / "notebooks" / "blueprint.ipynb", tmp_path / "blueprint.ipynb")
    with jupyterlab(tmp_path) as lab, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            page.set_default_timeout(60_000)
            page.goto(lab.notebook_url("blueprint.ipynb"))
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
            _wait_kernel_idle(page)
            page.locator(".jp-Notebook .jp-Cell").first.click()
            _run_next(page, 4)  # intro, data, text, notebook_show(blueprint=...)
            page.wait_for_function(
                "() => Number(document.querySelector('.rr-canvas')?.dataset.frame || 0) > 0", timeout=120_000
            )
            _wait_for_views(page, ["points", "trig", "log"], [])
            _wait_settled(page)
            page.locator(".rr-root").first.screenshot(path=str(ARTIFACTS / "1_horizontal_2_to_1.png"))
            boxes = page.evaluate(
                "() => [...document.querySelectorAll('.rr-overlay > .rr-vbox')].map(b => [b.textContent, b.getBoundingClientRect().width])"
            )
            widths = {str(name): float(w) for name, w in boxes}
            assert widths.get("points", 0) > 1.6 * widths.get("trig", 1), widths

            _run_next(page, 2)  # text, rr.send_blueprint(Tabs(..., active_tab="trig"))
            _wait_for_views(page, ["trig"], ["points", "all points", "log"])
            _wait_settled(page)
            page.locator(".rr-root").first.screenshot(path=str(ARTIFACTS / "2_tabs_after_send_blueprint.png"))
        finally:
            browser.close()
