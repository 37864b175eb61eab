"""The widget's time panel in JupyterLab + Chromium: axis, streams, loop selection, scrub, step, typed time.

Screenshots go to artifacts/timepanel/ (gitignored).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from .lab import add_cell_and_run, notebook_page, run_all_until_frame, wait_settled, write_notebook

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "timepanel"

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

CELLS = [
    "import numpy as np\nimport rerun as rr\nrr.init('timepanel_demo')\n"
    "for i in range(200):\n"
    "    rr.set_time('frame', sequence=i)\n"
    "    rr.log('trig/sin', rr.Scalars(np.sin(i / 10)))\n"
    "    if i % 3 == 0:\n        rr.log('trig/cos', rr.Scalars(np.cos(i / 10)))\n"
    "    if 50 <= i < 120:\n        rr.log('noise', rr.Scalars(np.random.rand()))\n",
    "from rerun.notebook import Viewer\nviewer = Viewer(width=900, height=460)\nviewer.display()",
]


def _now(page: Any) -> int:
    return int(page.locator(".rr-now").first.inner_text().lstrip("#"))


def _wait_now(page: Any, predicate: str) -> None:
    page.wait_for_function(
        f"() => {{ const t = Number((document.querySelector('.rr-now')?.textContent || '').slice(1)); return {predicate}; }}",
        timeout=10_000,
    )


def _streams_area(page: Any) -> None:
    """The streams area: rows per entity-tree node, collapsing, and the panel's draggable top edge."""
    # The streams area: one row per entity-tree node, each with its own ticks.
    page.locator(".rr-streams-toggle").first.click()
    page.wait_for_selector(".rr-stream-name", timeout=10_000)
    names = page.locator(".rr-stream-name").all_inner_texts()
    assert names == ["noise", "trig", "cos", "sin"], names
    trig = page.locator(".rr-stream-name", has_text="trig").first
    trig.click(position={"x": 10, "y": 8})  # its triangle collapses the subtree
    page.wait_for_function("() => document.querySelectorAll('.rr-stream-name').length === 2", timeout=10_000)
    trig.click(position={"x": 10, "y": 8})
    page.wait_for_function("() => document.querySelectorAll('.rr-stream-name').length === 4", timeout=10_000)
    # The panel's top edge drags: two rows down shows two rows (the rest scroll).
    edge = page.locator(".rr-time-resize").first.bounding_box()
    assert edge is not None
    page.mouse.move(edge["x"] + 200, edge["y"] + 2)
    page.mouse.down()
    page.mouse.move(edge["x"] + 200, edge["y"] + 2 + 16, steps=2)
    page.mouse.move(edge["x"] + 200, edge["y"] + 2 + 32, steps=2)
    page.mouse.up()
    page.wait_for_function("() => document.querySelector('.rr-streams').clientHeight === 32", timeout=10_000)
    time.sleep(0.3)
    page.locator(".rr-root").first.screenshot(path=str(ARTIFACTS / "2_streams.png"))


def _loop_selection_scrub_and_step(page: Any) -> None:
    """A loop selection dragged on the axis, moved, then scrubbing and stepping."""
    # Dragging on the axis' top strip makes a loop selection and loops it.
    box = page.locator(".rr-axis").first.bounding_box()
    assert box is not None
    y = box["y"] + 3
    page.mouse.move(box["x"] + box["width"] * 0.3, y)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(box["x"] + box["width"] * (0.3 + 0.03 * k), y)
    page.mouse.up()
    page.wait_for_function("() => document.querySelector('.rr-loop')?.value === 'selection'", timeout=10_000)
    time.sleep(0.5)  # the selection's new state reaches the page
    # Its body drags it along the strip: +10 % of 200 frames.
    page.mouse.move(box["x"] + box["width"] * 0.45, y)
    page.mouse.down()
    for k in range(1, 6):
        page.mouse.move(box["x"] + box["width"] * (0.45 + 0.02 * k), y)
    page.mouse.up()

    # Looping a selection while following switched to playing. Clicking below the strip
    # scrubs; playback pauses only for the drag (Rerun 0.33.1), then goes on from there.
    page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + 15)
    _wait_now(page, "t >= 38 && t < 80")
    page.wait_for_selector(".rr-play.rr-on", timeout=10_000)
    assert page.locator(".rr-follow.rr-on").count() == 0
    page.keyboard.press(" ")  # the clicked axis takes the time keys: pause
    page.wait_for_selector(".rr-play:not(.rr-on)", timeout=10_000)
    time.sleep(0.3)
    scrubbed = _now(page)
    page.keyboard.press("ArrowRight")
    _wait_now(page, f"t === {scrubbed + 1}")
    # stepping forward with the (moved) loop selection active goes to its start, as Rerun
    page.locator(".rr-step-fwd").first.click()
    _wait_now(page, "Math.abs(t - 80) <= 3")


def _typed_time_stream_select_and_collapse(page: Any) -> None:
    """The time typed, an entity selected from its stream row, the collapsed panel."""
    # The current time can be typed.
    page.locator(".rr-now").first.click()
    page.locator(".rr-now-edit").first.fill("#150")
    page.keyboard.press("Enter")
    _wait_now(page, "t === 150")

    # A stream row's name selects the entity.
    page.locator(".rr-stream-name", has_text="noise").first.click()
    page.wait_for_selector(".rr-stream-name.rr-selected", timeout=10_000)
    time.sleep(0.3)
    page.locator(".rr-root").first.screenshot(path=str(ARTIFACTS / "3_loop_selection_scrubbed_selected.png"))

    # Collapsed: one row, the controls and a short axis without labels.
    add_cell_and_run(page, 'viewer.update_panels(time="collapsed")')
    page.wait_for_function("() => document.querySelector('.rr-axis')?.clientHeight === 20", timeout=20_000)
    time.sleep(0.3)
    page.locator(".rr-time").first.screenshot(path=str(ARTIFACTS / "4_collapsed.png"))


def test_time_panel_axis_streams_loop_selection_scrub_and_step(tmp_path: Path) -> None:
    write_notebook(tmp_path / "tp.ipynb", CELLS)
    with notebook_page(tmp_path, "tp.ipynb", viewport=(1100, 1200), artifacts=ARTIFACTS) as page:
        run_all_until_frame(page, 120_000)
        wait_settled(page)
        root = page.locator(".rr-root").first
        assert _now(page) == 199  # following the newest data
        root.screenshot(path=str(ARTIFACTS / "1_axis.png"))

        _streams_area(page)
        _loop_selection_scrub_and_step(page)
        _typed_time_stream_select_and_collapse(page)
