"""End to end: JupyterLab + Chromium run the quickstart notebook and the widget shows live frames.

Screenshots go to artifacts/e2e/ (gitignored) for a person to look at.
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from .lab import (
    add_cell_and_run,
    clean_copy,
    notebook_page,
    run_all_until_frame,
    wait_cells_done,
    wait_settled,
)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "e2e"

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(420)]

MORE_DATA = (
    "rr.log('world/extra', rr.Points3D(np.random.default_rng(3).uniform(-2, 2, (3000, 3)) + [0, 0, 1.5], "
    "colors=[0, 255, 0], radii=0.06))"
)


BUSY_CELL = """import time
rr.notebook_show(height=360)
for i in range(120):
    rr.set_time("step", sequence=100 + i)
    rr.log("world/mover", rr.Points3D([[3 * np.cos(i / 10), 3 * np.sin(i / 10), 2]], radii=0.3, colors=[0, 255, 0]))
    time.sleep(0.05)
"""
LAST_FRAME = "() => Number([...document.querySelectorAll('.rr-canvas')].slice(-1)[0]?.dataset.frame || 0)"


def _view_pixels(page: Any, name: str) -> np.ndarray:
    from PIL import Image

    page.locator(".rr-root").first.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    png = page.locator(".rr-view").first.screenshot()
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(np.int16)


def _green_mask(img: np.ndarray) -> np.ndarray:
    return (img[..., 0] < 80) & (img[..., 1] > 200) & (img[..., 2] < 80)


def _green(img: np.ndarray) -> int:
    return int(_green_mask(img).sum())


def _drag_orbits(page: Any, before: np.ndarray) -> np.ndarray:
    """Dragging orbits the camera: the picture changes."""
    box = page.locator(".rr-canvas").first.bounding_box()
    assert box is not None
    cx, cy = box["x"] + box["width"] * 0.3, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    for i in range(1, 16):
        page.mouse.move(cx + 12 * i, cy + 3 * i)
        time.sleep(0.03)
    page.mouse.up()
    wait_settled(page)
    dragged = _view_pixels(page, "2_dragged")
    changed = float(np.mean(np.abs(dragged - before).sum(axis=2) > 40))
    assert changed > 0.02, f"dragging changed only {changed:.1%} of the view"
    return dragged


def _new_data_shows(page: Any, dragged: np.ndarray) -> np.ndarray:
    """Data logged in a new cell appears in the (still visible) widget."""
    assert _green(dragged) < 50
    add_cell_and_run(page, MORE_DATA)
    wait_cells_done(page)
    page.locator(".rr-root").first.scroll_into_view_if_needed()
    deadline = time.monotonic() + 30
    after = dragged
    while time.monotonic() < deadline and _green(after) < 200:
        time.sleep(0.5)
        after = _view_pixels(page, "3_more_data")
    assert _green(after) >= 200, "the newly logged points never showed up"
    return after


def _hover_names_and_click_selects(page: Any, after: np.ndarray) -> None:
    """Hovering the new points names them (pygfx picking); a click selects them."""
    mask = _green_mask(after)
    ys, xs = np.nonzero(mask)
    vbox = page.locator(".rr-view").first.bounding_box()
    assert vbox is not None
    order = np.argsort((xs - xs.mean()) ** 2 + (ys - ys.mean()) ** 2)
    tip = page.locator(".rr-tooltip").first
    hovered = ""
    for k in order[:: max(1, len(order) // 12)][:12]:
        page.mouse.move(vbox["x"] + xs[k] + 0.5, vbox["y"] + ys[k] + 0.5)
        page.wait_for_timeout(600)
        if tip.is_visible() and "/world/" in tip.inner_text():
            hovered = tip.inner_text()
            break
    page.locator(".rr-root").first.screenshot(path=str(ARTIFACTS / "5_hover.png"))
    assert "/world/" in hovered, "hovering the points showed no tooltip"
    page.mouse.down()
    page.mouse.up()
    # the docked selection panel (right of the views) names it; Rerun opens it by default only
    # on widgets wider than 1000 px, else its top-bar toggle does
    if not page.locator(".rr-selpanel").first.is_visible():
        page.locator(".rr-ptoggle").nth(2).click()
    page.wait_for_selector(".rr-selpanel", state="visible", timeout=10_000)
    page.wait_for_function(
        "() => (document.querySelector('.rr-selpanel .rr-seltitle')?.textContent || '').includes('/world/')",
        timeout=10_000,
    )
    page.locator(".rr-root").first.screenshot(path=str(ARTIFACTS / "6_selected.png"))
    rect = "(e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"
    panel = page.locator(".rr-root .rr-selpanel").first.evaluate(rect)
    view = page.locator(".rr-root .rr-view").first.evaluate(rect)
    assert panel[0] >= view[2] - 1, f"selection panel {panel} overlaps the views {view}"
    # back goes to the previous selection: nothing earlier here, so the button is disabled
    assert page.locator(".rr-back").first.is_disabled()
    # text-log times are formatted by the "step" timeline's type: "#n", never a 1970 date
    times = page.locator(".rr-textview td:first-child").all_inner_texts()[:5]
    assert times and all(t.startswith("#") for t in times), times
    page.screenshot(path=str(ARTIFACTS / "4_notebook_after.png"), full_page=True)


def _follows_cell_width(page: Any) -> None:
    """The picture follows the cell's width."""
    width = int(page.evaluate("() => document.querySelector('.rr-canvas').width"))
    page.set_viewport_size({"width": 1000, "height": 2200})
    page.wait_for_function("(w) => document.querySelector('.rr-canvas').width < w", arg=width, timeout=20_000)


def _time_panel_plays(page: Any) -> None:
    """The time panel plays: the cursor moves on its own, and "live" jumps back to the end."""
    now = page.locator(".rr-now").first
    end = now.inner_text()
    page.locator(".rr-play").first.click()
    page.wait_for_function(
        "(end) => { const t = document.querySelector('.rr-now')?.textContent; return t && t !== end; }",
        arg=end,
        timeout=10_000,
    )
    first = now.inner_text()
    page.wait_for_function(
        "(first) => document.querySelector('.rr-now')?.textContent !== first",
        arg=first,
        timeout=10_000,
    )
    page.locator(".rr-follow").first.click()
    page.wait_for_function(
        "(end) => document.querySelector('.rr-now')?.textContent === end", arg=end, timeout=10_000
    )

    # Space in the viewer pauses and plays, as Rerun's (and is not a notebook shortcut):
    # following -> paused; at the end, play restarts from the beginning; then paused again.
    cells = page.locator(".jp-Notebook .jp-Cell").count()
    page.locator(".rr-canvas").first.focus()
    page.keyboard.press(" ")
    page.wait_for_selector(".rr-follow:not(.rr-on)", timeout=10_000)
    page.keyboard.press(" ")
    page.wait_for_selector(".rr-play.rr-on", timeout=10_000)
    page.keyboard.press(" ")
    page.wait_for_selector(".rr-play:not(.rr-on)", timeout=10_000)
    assert page.locator(".jp-Notebook .jp-Cell").count() == cells


def _busy_cell_updates(page: Any) -> None:
    """A viewer shown and fed in one long-running cell updates while the cell runs."""
    add_cell_and_run(page, BUSY_CELL)
    page.wait_for_function("() => document.querySelectorAll('.rr-canvas').length >= 2", timeout=30_000)
    seen: set[int] = set()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(seen) < 3:
        seen.add(int(page.evaluate(LAST_FRAME)))
        running = page.evaluate(
            "() => [...document.querySelectorAll('.jp-InputArea-prompt')].some(p => p.textContent.includes('*'))"
        )
        if not running:
            break
        time.sleep(0.3)
    page.locator(".rr-root").last.screenshot(path=str(ARTIFACTS / "7_busy_cell.png"))
    assert len(seen - {0}) >= 2, f"frames seen while the cell ran: {sorted(seen)}"
    wait_cells_done(page)


def test_quickstart_renders_drags_and_updates_live(tmp_path: Path) -> None:
    clean_copy(ROOT / "notebooks" / "quickstart.ipynb", tmp_path / "quickstart.ipynb")
    with notebook_page(tmp_path, "quickstart.ipynb", viewport=(1280, 2200), artifacts=ARTIFACTS) as page:
        run_all_until_frame(page)
        wait_settled(page)
        page.screenshot(path=str(ARTIFACTS / "0_notebook.png"), full_page=True)

        # 1. A rendered frame: many distinct colors where the view is.
        before = _view_pixels(page, "1_rendered")
        colors = len(np.unique(before.reshape(-1, 3) // 8, axis=0))
        assert colors > 40, f"the view looks blank ({colors} distinct colors)"

        dragged = _drag_orbits(page, before)
        after = _new_data_shows(page, dragged)
        _hover_names_and_click_selects(page, after)
        _follows_cell_width(page)
        _time_panel_plays(page)
        _busy_cell_updates(page)
