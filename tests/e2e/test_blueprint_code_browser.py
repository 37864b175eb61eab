"""End to end: notebooks/blueprint.ipynb in JupyterLab + Chromium lays the widget out as its blueprints say.

The 2:1 horizontal layout from ``notebook_show(blueprint=...)``, then tabs after ``rr.send_blueprint``,
then the other tab from the header's tab bar. Screenshots go to artifacts/blueprint_code/ (gitignored).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .lab import clean_copy, notebook_page, wait_settled

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "blueprint_code"

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

# Each shown view's header: [name, width]; with a tab bar the name is its tabs, the active one starred.
HEADERS = """() => [...document.querySelectorAll('.rr-root .rr-vhead')].map((h) => {
    const tabs = [...h.querySelectorAll('.rr-tab')];
    const name = tabs.length
        ? tabs.map((t) => (t.classList.contains('rr-on') ? '*' : '') + t.textContent).join('|')
        : h.querySelector('.rr-name')?.textContent;
    return [name, h.getBoundingClientRect().width];
})"""


def _run_next(page: Any, cells: int) -> None:
    for _ in range(cells):
        page.keyboard.press("Shift+Enter")


def _wait_headers(page: Any, names: list[str], timeout_ms: int = 60_000) -> dict[str, float]:
    page.wait_for_function(
        f"(want) => JSON.stringify(({HEADERS})().map((h) => h[0]).sort()) === JSON.stringify(want)",
        arg=sorted(names),
        timeout=timeout_ms,
    )
    return {str(n): float(w) for n, w in page.evaluate(HEADERS)}


def test_blueprint_notebook_layouts_in_the_browser(tmp_path: Path) -> None:
    clean_copy(ROOT / "notebooks" / "blueprint.ipynb", tmp_path / "blueprint.ipynb")
    with notebook_page(tmp_path, "blueprint.ipynb", viewport=(1100, 1400), artifacts=ARTIFACTS) as page:
        page.locator(".jp-Notebook .jp-Cell").first.click()
        _run_next(page, 4)  # intro, data, text, notebook_show(blueprint=...)
        page.wait_for_function(
            "() => Number(document.querySelector('.rr-canvas')?.dataset.frame || 0) > 0", timeout=120_000
        )
        widths = _wait_headers(page, ["points", "trig", "log"], timeout_ms=120_000)
        assert widths["points"] > 1.6 * widths["trig"], widths  # column_shares=[2, 1]
        wait_settled(page)
        page.locator(".rr-root").first.screenshot(path=str(ARTIFACTS / "1_horizontal_2_to_1.png"))

        _run_next(page, 2)  # text, rr.send_blueprint(Tabs(..., active_tab="trig"))
        _wait_headers(page, ["all points|*trig"])
        wait_settled(page)
        page.locator(".rr-root").first.screenshot(path=str(ARTIFACTS / "2_tabs_after_send_blueprint.png"))

        page.locator(".rr-tab", has_text="all points").first.click()  # the tab bar switches tabs
        _wait_headers(page, ["*all points|trig"], timeout_ms=30_000)
        wait_settled(page)
        page.locator(".rr-root").first.screenshot(path=str(ARTIFACTS / "3_other_tab.png"))
