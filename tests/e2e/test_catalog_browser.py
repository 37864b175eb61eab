"""End to end: notebooks/catalog.ipynb in JupyterLab + Chromium shows the query's HTML table.

The notebook serves recordings it writes, queries them through ``rr.catalog.CatalogClient`` and
leaves the reader DataFrame as a cell result: JupyterLab renders its ``_repr_html_`` (Rerun's
table: a header per column with its Arrow type, a row per step and segment).
Screenshots go to artifacts/catalog/ (gitignored).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .lab import clean_copy, notebook_page, run_all, wait_cells_done

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "catalog"

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

TABLE_JS = """() => {
    const t = document.querySelector('.jp-OutputArea table.rerun-table');
    if (!t) return null;
    const heads = [...t.querySelectorAll('thead th')].map((h) => h.innerText.split('\\n'));
    const rows = [...t.querySelectorAll('tbody tr')].map((r) => [...r.cells].map((c) => c.innerText));
    const box = t.getBoundingClientRect();
    return {heads, rows, width: box.width, height: box.height};
}"""


def test_catalog_notebook_shows_the_query_table(tmp_path: Path) -> None:
    clean_copy(ROOT / "notebooks" / "catalog.ipynb", tmp_path / "catalog.ipynb")
    with notebook_page(tmp_path, "catalog.ipynb", viewport=(1300, 1600), artifacts=ARTIFACTS) as page:
        run_all(page)
        page.wait_for_selector(".jp-OutputArea table.rerun-table", timeout=120_000)
        # the last cells ran too: the pandas summary (an HTML table of three segments)
        page.wait_for_function(
            "() => [...document.querySelectorAll('.jp-OutputArea table.dataframe')].length > 0",
            timeout=120_000,
        )
        wait_cells_done(page)
        table = page.evaluate(TABLE_JS)
        names = [h[0] for h in table["heads"]]
        assert names == [
            "rerun_segment_id",
            "step",
            "time",
            "/robot/position:Points3D:positions",
            "/robot/speed:Scalars:scalars",
        ]
        types = [h[1] for h in table["heads"]]
        assert types[:3] == ["non-null Utf8", "Int64", "Timestamp(ns)"], types
        # filter_segments(alpha, gamma) and 10 <= step < 15, sorted by segment then step
        assert [r[0] for r in table["rows"]] == ["alpha"] * 5 + ["gamma"] * 5
        assert table["rows"][0] == ["alpha", "10", "2024-05-01T12:00:02.500", "[[10.0, 0.0, 0.0]]", "[1.15]"]
        assert table["width"] > 400 and table["height"] > 100  # laid out, not collapsed
        output = page.locator(".jp-OutputArea-output", has=page.locator("table.rerun-table")).first
        output.scroll_into_view_if_needed()
        assert output.is_visible()
        output.screenshot(path=str(ARTIFACTS / "query_table.png"))
        page.screenshot(path=str(ARTIFACTS / "notebook.png"), full_page=True)
