"""End to end: notebooks/dataframe.ipynb in JupyterLab + Chromium shows Rerun's dataframe view.

The table of 2000 steps holds only a window of rows in the DOM; the row at the time cursor is
highlighted (auto_scroll brings it into sight); scrolling to the top fetches those rows from the
kernel. The second table's query keeps only the steps where ``points`` was logged in 100..400; a
double click on one of its rows moves the time cursor (the first table follows), a click on a
component cell selects that entity.
Screenshots go to artifacts/dataframe/ (gitignored).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .lab import clean_copy, notebook_page, run_all_until_frame, wait_settled, write_notebook

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "dataframe"

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

# [first row's step, number of row elements, highlighted step or null] of the n-th dataframe view
TABLE_JS = """(n) => {
    const t = document.querySelectorAll('.rr-root table.rr-df')[n];
    if (!t) return null;
    const rows = [...t.querySelectorAll('tr.rr-df-row')];
    const cur = t.querySelector('tr.rr-current');
    return [rows[0]?.cells[0]?.textContent ?? null, rows.length, cur ? cur.cells[0].textContent : null];
}"""


def test_dataframe_view_pages_rows_and_marks_the_cursor(tmp_path: Path) -> None:
    clean_copy(ROOT / "notebooks" / "dataframe.ipynb", tmp_path / "dataframe.ipynb")
    with notebook_page(tmp_path, "dataframe.ipynb", viewport=(1200, 1400), artifacts=ARTIFACTS) as page:
        run_all_until_frame(page)
        # following the newest data: the cursor is at the last step, auto_scroll shows its row
        page.wait_for_function(f"() => ({TABLE_JS})(0)?.[2] === '#1999'", timeout=60_000)
        wait_settled(page)
        page.screenshot(path=str(ARTIFACTS / "0_notebook.png"), full_page=True)
        page.locator(".rr-root").first.screenshot(path=str(ARTIFACTS / "1_table_follows_cursor.png"))
        first, count, _ = page.evaluate(f"({TABLE_JS})(0)")
        assert count < 300, f"{count} rows in the DOM: the table must hold a window, not all 2000"
        assert first != "#0"

        # scrolling to the top asks the kernel for those rows
        page.evaluate(
            "() => { const b = document.querySelector('.rr-root .rr-textview[data-kind=dataframe]'); b.scrollTop = 0; }"
        )
        page.wait_for_function(f"() => ({TABLE_JS})(0)?.[0] === '#0'", timeout=30_000)
        page.locator(".rr-root").first.screenshot(path=str(ARTIFACTS / "2_scrolled_to_top.png"))

        # the second table: filter_by_range + filter_is_not_null + latest-at, selected columns
        second = page.evaluate(f"({TABLE_JS})(1)")
        assert second is not None and second[0] == "#100" and second[1] == 31, second
        heads = page.evaluate(
            "() => [...document.querySelectorAll('.rr-root table.rr-df')[1].querySelectorAll('th')]"
            ".map((h) => h.textContent)"
        )
        assert heads == ["step", "/pointsPoints3D:positions", "/trig/sinScalars:scalars"], heads

        # a double click on a row moves the time cursor there: the first table follows (auto_scroll)
        row = page.locator(".rr-root table.rr-df").nth(1).locator("tr.rr-df-row", has_text="#150")
        row.locator("td").first.dblclick()
        page.wait_for_function(f"() => ({TABLE_JS})(0)?.[2] === '#150'", timeout=30_000)
        # a click on a component cell selects its entity (shown in the selection panel, opened here)
        row.locator("td").nth(1).click()
        page.locator(".rr-root .rr-ptoggle[title^='Toggle selection panel']").first.click()
        page.wait_for_function(
            "() => /points/.test(document.querySelector('.rr-root .rr-seltitle')?.textContent || '')",
            timeout=30_000,
        )
        wait_settled(page)
        page.locator(".rr-root").first.screenshot(path=str(ARTIFACTS / "3_seek_and_select.png"))


BIG = """import numpy as np, rerun as rr, rerun.blueprint as rrb
rr.init("dataframe_big")
N = 10_000_000
rr.send_columns("s", indexes=[rr.TimeColumn("step", sequence=np.arange(N))], columns=rr.Scalars.columns(scalars=np.arange(N) * 0.5))
rr.notebook_show(blueprint=rrb.Blueprint(rrb.DataframeView(origin="/", query=rrb.archetypes.DataframeQuery(timeline="step")), collapse_panels=True), height=400)"""  # fmt: skip

# after scrolling the table to `frac` of its height: [scrollHeight, rows in the DOM, first and last step in sight]
SCROLL_JS = """async (frac) => {
    const b = document.querySelector('.rr-root .rr-textview[data-kind=dataframe]');
    b.scrollTop = (b.scrollHeight - b.clientHeight) * frac;
    await new Promise((r) => setTimeout(r, 2500));
    const r = b.getBoundingClientRect();
    const rows = [...b.querySelectorAll('tr.rr-df-row')];
    const seen = rows.filter((x) => { const q = x.getBoundingClientRect(); return q.top >= r.top + 40 && q.bottom <= r.bottom; });
    const step = (x) => Number(x?.cells[0].textContent.slice(1));
    return [b.scrollHeight, rows.length, step(seen[0]), step(seen.at(-1))];
}"""


def test_ten_million_rows_scroll_end_to_end(tmp_path: Path) -> None:
    write_notebook(tmp_path / "big.ipynb", [BIG])
    with notebook_page(tmp_path, "big.ipynb", viewport=(1000, 900), artifacts=ARTIFACTS) as page:
        run_all_until_frame(page)
        page.wait_for_selector(".rr-root tr.rr-df-row", timeout=120_000)
        height, count, first, _ = page.evaluate(SCROLL_JS, 0.5)
        assert height < 9e6 and count < 200, (height, count)  # within browser limits; a window of rows
        assert 4_900_000 < first < 5_100_000, first
        page.locator(".rr-root").first.screenshot(path=str(ARTIFACTS / "4_ten_million_rows_middle.png"))
        _, _, _, last = page.evaluate(SCROLL_JS, 1.0)
        assert last == 9_999_999
