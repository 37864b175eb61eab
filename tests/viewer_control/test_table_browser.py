"""Chromium on the page of `rerun --serve-web`: a table sent with `ViewerClient.send_table` is what
the page draws (its columns as 0.41 names them, its rows) until the recording is shown again.

A screenshot goes to artifacts/viewer_control/ (gitignored) for a person to look at.
"""

from __future__ import annotations

import pyarrow as pa
import pytest

from ._page import ARTIFACTS, served_page

# the header cells and the first cells of each row of the tables on the page
TABLES = """() => [...document.querySelectorAll('table.rr-df')].map((t) => [
    [...t.querySelectorAll('th')].map((h) => h.textContent),
    [...t.querySelectorAll('tr.rr-df-row')].map((r) => [...r.cells].map((c) => c.textContent)),
])"""

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(180)]


def test_the_page_shows_a_sent_table_then_the_recording_again() -> None:
    from rerun.experimental import ViewerClient

    with served_page("table_page") as (page, url):
        assert page.evaluate(TABLES) == []

        client = ViewerClient.connect(url)
        batch = pa.RecordBatch.from_pydict({"fooBar": [1.5, 2.5], "rerun_segment_id": ["s", "t"]})
        client.send_table("my table", batch)
        page.wait_for_function(f"({TABLES})().length === 1", timeout=30_000)
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / "sent_table.png"))
        [(heads, rows)] = page.evaluate(TABLES)
        assert [h.strip() for h in heads] == ["Segment id", "Foo bar"]
        assert [[c.strip() for c in r] for r in rows] == [["s", "1.5"], ["t", "2.5"]]

        state = client.get_state()
        assert state.location == "about:table?id=my+table"
        [recording] = state.recordings
        client.set_location(recording.location)
        page.wait_for_function(f"({TABLES})().length === 0", timeout=30_000)
        client.close("all")
