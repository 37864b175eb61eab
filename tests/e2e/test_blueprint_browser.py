"""In a real browser: the blueprint panel and view headers on notebooks/time_series.ipynb.

Rerun's layout (`noise` beside a grid container of `trig/cos` and `trig/sin`), a double click on a
header maximizes its view, the eye on a view row hides it. Screenshots go to artifacts/blueprint/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .lab import clean_copy, notebook_page, run_all, wait_cells_done

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "blueprint"

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]

HEADERS = (
    "() => [...document.querySelectorAll('.rr-root .rr-vhead .rr-name')].map((e) => e.textContent).sort()"
)


def _headers_are(page: Any, names: list[str]) -> None:
    page.wait_for_function(f"(want) => JSON.stringify(({HEADERS})()) === JSON.stringify(want)", arg=names)


def test_blueprint_tree_headers_maximize_and_hide(tmp_path: Path) -> None:
    clean_copy(ROOT / "notebooks" / "time_series.ipynb", tmp_path / "ts.ipynb")
    with notebook_page(
        tmp_path, "ts.ipynb", viewport=(1280, 1400), artifacts=ARTIFACTS, timeout_ms=30_000
    ) as page:
        run_all(page)
        wait_cells_done(page)
        _headers_are(page, ["noise", "trig/cos", "trig/sin"])
        rows = page.locator(".rr-root .rr-tree .rr-bp-container, .rr-root .rr-tree .rr-bp-view")
        assert rows.all_inner_texts() == ["Viewport", "noise", "Grid container", "trig/cos", "trig/sin"]
        root = page.locator(".rr-root").first
        root.screenshot(path=str(ARTIFACTS / "browser_time_series.png"))

        page.locator(".rr-vhead", has_text="trig/sin").first.dblclick()
        _headers_are(page, ["trig/sin"])
        page.locator(".rr-vhead", has_text="trig/sin").first.dblclick()  # restores
        _headers_are(page, ["noise", "trig/cos", "trig/sin"])

        page.locator(".rr-tree .rr-bp-view", has_text="noise").locator(".rr-eye").click()
        _headers_are(page, ["trig/cos", "trig/sin"])
        assert "rr-hidden" in (
            page.locator(".rr-tree .rr-bp-view", has_text="noise").get_attribute("class") or ""
        )
        root.screenshot(path=str(ARTIFACTS / "browser_time_series_noise_hidden.png"))
