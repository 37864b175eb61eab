"""In a real browser: the docked selection panel, selection back/forward and the panel toggles.

Runs notebooks/3d_scene_with_cameras.ipynb in JupyterLab; screenshots go to artifacts/selection/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .lab import FRAME_JS, clean_copy, frame_index, notebook_page, run_all_until_frame

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "selection"

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

TITLE = "() => document.querySelector('.rr-selpanel .rr-seltitle')?.textContent || ''"


def _shot(page: Any, name: str) -> None:
    page.locator(".rr-root").first.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _title_is(page: Any, text: str) -> None:
    page.wait_for_function(f"(t) => ({TITLE})() === t", arg=text, timeout=20_000)


def _width(page: Any, selector: str) -> float:
    return float(page.locator(selector).first.evaluate("(e) => e.getBoundingClientRect().width"))


def _recording_summary(page: Any) -> None:
    """With nothing selected the panel summarises the recording."""
    # Nothing selected: the panel (open above 1000 px, as Rerun) summarises the recording.
    width = page.locator(".rr-root").first.evaluate("(e) => e.clientWidth")
    assert width > 1000, f"the widget is {width} px wide: too narrow for the panel's default"
    page.wait_for_selector(".rr-selpanel", state="visible", timeout=10_000)
    page.wait_for_function(
        "() => (document.querySelector('.rr-selbody')?.textContent || '').includes('cameras')"
    )
    assert page.locator(".rr-back").first.is_disabled()
    _shot(page, "1_recording_summary")


def _tree_selection_and_history(page: Any) -> None:
    """Entities selected in the tree, then back / forward, breadcrumbs and the history menu."""
    # Select two entities in the tree: components by archetype; back / forward walk them.
    frame = frame_index(page)
    page.locator('.rr-tree [data-path="/world/boxes"]').first.click()
    _title_is(page, "/world/boxes")
    # the selected boxes get the renderer's outline: a new frame comes
    page.wait_for_function(f"() => ({FRAME_JS})() > {frame}")
    page.wait_for_timeout(800)  # the lossless frame after the preview
    body = page.locator(".rr-selbody").first.inner_text()
    assert "Boxes3D" in body and "half_sizes" in body and "crate" in body
    _shot(page, "2_boxes")
    page.locator('.rr-tree [data-path="/world/points"]').first.click()
    _title_is(page, "/world/points")
    assert "3000 values" in page.locator(".rr-selbody").first.inner_text()  # long arrays cut
    page.locator(".rr-back").first.click()
    _title_is(page, "/world/boxes")
    assert page.locator(".rr-fwd").first.is_enabled()
    _shot(page, "3_back")
    page.locator(".rr-fwd").first.click()
    _title_is(page, "/world/points")

    # A breadcrumb selects the parent entity (and that is a new history entry).
    page.locator('.rr-selpanel .rr-crumb[data-path="/world"]').first.click()
    _title_is(page, "/world")

    # Right-click on back lists the history (newest first); an entry jumps there.
    back = page.locator(".rr-back").first
    back.click(button="right")
    items = page.locator(".rr-menu .rr-menuitem")
    menu = page.locator(".rr-menu").first.bounding_box()
    at = back.bounding_box()
    assert menu is not None and at is not None
    assert abs(menu["x"] - (at["x"] + at["width"] / 2)) < 5, (menu, at)  # opens at the pointer
    _shot(page, "3_history_menu")
    assert items.first.inner_text().startswith("/world/points")
    items.nth(1).click()
    _title_is(page, "/world/boxes")
    page.locator(".rr-fwd").first.click()
    page.locator(".rr-fwd").first.click()
    _title_is(page, "/world")


def _panel_resizes(page: Any) -> None:
    """The panel's left edge resizes it."""
    # The panel's left edge resizes it.
    grip = page.locator(".rr-selgrip").first.bounding_box()
    assert grip is not None
    before = _width(page, ".rr-selpanel")
    page.mouse.move(grip["x"] + 3, grip["y"] + 100)
    page.mouse.down()
    page.mouse.move(grip["x"] - 97, grip["y"] + 100, steps=5)
    page.mouse.up()
    assert abs(_width(page, ".rr-selpanel") - (before + 100)) < 3


def _view_and_picture_selection(page: Any) -> None:
    """A view header and a click in the picture select the view / what is under the pointer."""
    # A view's header selects the view: its kind, origin and entities.
    page.locator(".rr-vhead .rr-name", has_text="world").first.click()
    _title_is(page, "world")
    body = page.locator(".rr-selbody").first.inner_text()
    assert "3D view" in body and "/world/boxes" in body, body
    _shot(page, "4_view")

    # A click in the picture selects what is under it (the camera image in the 2D view).
    box = page.locator(".rr-canvas").first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.5)
    page.wait_for_function(f"() => ({TITLE})().startsWith('/world/camera/image')")
    _shot(page, "5_picked")


def _panel_toggles_and_keys(page: Any) -> None:
    """The panel toggles, the selection panel shortcut and Escape."""
    # The three toggles: closing the selection panel widens the view; it comes back.
    view_w = _width(page, ".rr-view")
    page.locator(".rr-ptoggle").nth(2).click()
    page.wait_for_selector(".rr-selpanel", state="hidden")
    page.wait_for_function(
        "(w) => document.querySelector('.rr-view').getBoundingClientRect().width > w + 100",
        arg=view_w,
    )
    page.locator(".rr-ptoggle").nth(0).click()  # the blueprint (left) panel
    page.wait_for_selector(".rr-tree", state="hidden")
    _shot(page, "6_side_panels_closed")
    page.locator(".rr-ptoggle").nth(1).click()  # the time panel collapses to its controls
    page.wait_for_selector(".rr-root.rr-time-collapsed")
    for i in range(3):
        page.locator(".rr-ptoggle").nth(i).click()
    page.wait_for_selector(".rr-selpanel", state="visible")
    page.wait_for_selector(".rr-tree", state="visible")
    # Rerun's shortcut while the viewer has the focus: Ctrl+Shift+S toggles the selection panel.
    page.locator(".rr-canvas").first.focus()
    page.keyboard.press("Control+Shift+S")
    page.wait_for_selector(".rr-selpanel", state="hidden")
    page.keyboard.press("Control+Shift+S")
    page.wait_for_selector(".rr-selpanel", state="visible")
    # Escape clears the selection (as Rerun): the panel is back to the recording summary.
    page.keyboard.press("Escape")
    _title_is(page, "cameras")
    _shot(page, "7_panels_back")


def test_selection_panel_history_and_panel_toggles(tmp_path: Path) -> None:
    clean_copy(ROOT / "notebooks" / "3d_scene_with_cameras.ipynb", tmp_path / "scene.ipynb")
    with notebook_page(tmp_path, "scene.ipynb", viewport=(1800, 1400), artifacts=ARTIFACTS) as page:
        run_all_until_frame(page, 120_000)
        page.locator(".rr-root").first.scroll_into_view_if_needed()

        _recording_summary(page)
        _tree_selection_and_history(page)
        _panel_resizes(page)
        _view_and_picture_selection(page)
        _panel_toggles_and_keys(page)
