"""Run the example notebooks in Rerun's own notebook widget and in ours; screenshot both.

Why: issue 5 asks that a new user sees at least the same views and panels in our widget as in
Rerun's. This script puts the same notebooks in both and keeps the screenshots for a person to
compare (see docs/widget-comparison.md).

The real widget comes from the `rerun-sdk[notebook]==0.41.0` wheel in a separate venv
(`.venv-oracle-nb/`, created on first use). Its Wasm viewer is served from that wheel
(RERUN_NOTEBOOK_ASSET=serve-local), so nothing is fetched from a CDN.

    .venv/bin/python scripts/compare_widgets.py [--side real|ours|both] [--notebook NAME ...]

Screenshots and browser console logs go to artifacts/compare/ (gitignored).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.lab import CHROMIUM, CHROMIUM_ARGS, jupyterlab  # noqa: E402
from tests.e2e.test_notebook_browser import (  # noqa: E402
    _clean_copy,
    _run_all,
    _wait_cells_done,
    _wait_kernel_idle,
    _wait_settled,
)

ORACLE_NB = ROOT / ".venv-oracle-nb"
ORACLE_PY = ORACLE_NB / "bin" / "python"
OUT = ROOT / "artifacts" / "compare"
NOTEBOOKS = ["quickstart", "3d_scene_with_cameras", "time_series"]
# Headless Chromium has no GPU: these let WebGL2 (and WebGPU where possible) run on SwiftShader.
GPU_ARGS = [
    "--enable-unsafe-swiftshader",
    "--use-angle=swiftshader",
    "--enable-features=Vulkan",
    "--ignore-gpu-blocklist",
]
VIEWPORT = {"width": 1400, "height": 1800}


def ensure_oracle_venv() -> None:
    """Rerun's own widget lives in its own venv so that .venv and .venv-oracle stay untouched."""
    if (ORACLE_NB / "bin" / "jupyter-lab").exists():
        return
    print(f"creating {ORACLE_NB} (rerun-sdk[notebook]==0.41.0 + jupyterlab)", flush=True)
    subprocess.run(["uv", "venv", "--python", "3.11", str(ORACLE_NB)], check=True)
    pkgs = ["rerun-sdk[notebook]==0.41.0", "jupyterlab"]
    subprocess.run(["uv", "pip", "install", "--python", str(ORACLE_PY), *pkgs], check=True)


@dataclass
class Shot:
    side: str
    notebook: str
    files: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    dom: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def _keep_console(shot: Shot, kind: str, text: str) -> None:
    """Rerun's viewer logs thousands of shader-compiler debug lines; keep what says something."""
    if kind == "debug" and ("naga::" in text or len(shot.console) > 200):
        return
    shot.console.append(f"[{kind}] {text}"[:500])


def _save(page: Any, shot: Shot, suffix: str, locator: Any = None) -> None:
    name = f"{shot.side}_{shot.notebook}_{suffix}.png"
    if locator is None:
        page.screenshot(path=str(OUT / name), full_page=True)
    else:
        locator.screenshot(path=str(OUT / name))
    shot.files.append(name)


def distinct_colors(png: bytes) -> int:
    """How many distinct (coarsely quantized) colors a screenshot has: a blank canvas has a few."""
    import io

    import numpy as np
    from PIL import Image

    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")) // 8
    return len(np.unique(img.reshape(-1, 3), axis=0))


def _wait_real_viewer(page: Any, timeout: float) -> dict[str, Any]:
    """Until the Wasm viewer drew its views and the picture stopped changing (or the time runs out).

    The egui canvas exists (300x150) long before the Wasm is compiled, so only its pixels tell.
    """
    deadline = time.monotonic() + timeout
    canvas = page.locator(".jp-OutputArea canvas").first
    canvas.wait_for(state="attached", timeout=timeout * 1000)
    drawn, colors = 0, 0
    while time.monotonic() < deadline and drawn < 2:  # twice in a row: the data arrived, not just the UI
        time.sleep(2.0)
        colors = distinct_colors(canvas.screenshot())
        drawn = drawn + 1 if colors > 60 else 0
    time.sleep(2.0)  # a last layout pass (fonts, plot bounds)
    info: dict[str, Any] = page.evaluate(
        """() => ({canvases: [...document.querySelectorAll('.jp-OutputArea canvas')].map(c => [c.width, c.height]),
                   text: [...document.querySelectorAll('.jp-OutputArea-output')].map(o => o.innerText.slice(0, 300))})"""
    )
    info["distinct_colors"] = colors
    return info


def _ours_dom(page: Any) -> dict[str, Any]:
    """Which of our widget's panels and views are in the page (HTML, so the DOM says it)."""
    return page.evaluate(
        """() => {
            const classes = new Set();
            document.querySelectorAll('.rr-root *').forEach(e => e.classList.forEach(c => {
                if (c.startsWith('rr-')) classes.add(c);
            }));
            const visible = sel => [...document.querySelectorAll(sel)].filter(e => e.offsetParent).length;
            return {classes: [...classes].sort(), views: visible('.rr-view'), canvases: visible('.rr-canvas')};
        }"""
    )


# The entity a new user would click first in each notebook (our tree rows carry the path).
# Where the same kind of entity sits in Rerun's blueprint panel once opened (canvas pixels; from a screenshot).
REAL_ROW = {"3d_scene_with_cameras": (105, 312)}
SELECT = {"quickstart": "/world/box", "3d_scene_with_cameras": "/world/camera", "time_series": "/trig/sin"}


def _interact(page: Any, shot: Shot, widget: Any) -> None:
    """Open the side panels and select an entity, as a new user would, then screenshot again."""
    widget.scroll_into_view_if_needed()
    if shot.side == "real":
        box = page.locator(".jp-OutputArea canvas").first.bounding_box()
        assert box is not None
        right, top = box["x"] + box["width"], box["y"] + 22
        for dx in (80, 24):  # the top bar's "blueprint panel" and "selection panel" toggles (egui, no DOM)
            page.mouse.click(right - dx, top)
            time.sleep(2.0)
        time.sleep(4.0)
        _save(page, shot, "panels", widget)
        if shot.notebook in REAL_ROW:  # an entity row in the opened blueprint panel (egui: by position)
            x, y = REAL_ROW[shot.notebook]
            page.mouse.click(box["x"] + x, box["y"] + y)
            time.sleep(4.0)
            _save(page, shot, "selected", widget)
        return
    page.locator(f'.rr-tree [data-path="{SELECT[shot.notebook]}"]').first.click()
    if not page.locator(".rr-selpanel").first.is_visible():  # collapsed by default below 1000 px, as Rerun
        page.locator(".rr-ptoggle").nth(2).click()
    page.wait_for_selector(".rr-selpanel", state="visible", timeout=10_000)
    time.sleep(2.0)
    _save(page, shot, "selected", widget)


def run_notebook(browser: Any, lab: Any, side: str, name: str) -> Shot:
    shot = Shot(side, name)
    page = browser.new_page(viewport=VIEWPORT)
    page.on("console", lambda m: _keep_console(shot, m.type, m.text))
    page.on("pageerror", lambda e: shot.console.append(f"[pageerror] {e}"[:500]))
    page.set_default_timeout(60_000)
    try:
        page.goto(lab.notebook_url(f"{name}.ipynb"))
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        _wait_kernel_idle(page)
        _run_all(page)
        _wait_cells_done(page)
        if side == "real":
            shot.dom = _wait_real_viewer(page, timeout=120)
            outputs = page.locator(".jp-OutputArea-output:has(canvas)")
        else:
            page.wait_for_function(
                "() => Number(document.querySelector('.rr-canvas')?.dataset.frame || 0) > 0", timeout=120_000
            )
            _wait_settled(page)
            shot.dom = _ours_dom(page)
            outputs = page.locator(".rr-root")
        _save(page, shot, "page")
        for i in range(outputs.count()):
            outputs.nth(i).scroll_into_view_if_needed()
            time.sleep(1.0)
            _save(page, shot, f"widget{i}", outputs.nth(i))
        _interact(page, shot, outputs.first)
    except Exception as err:  # keep going: report what failed
        shot.error = f"{type(err).__name__}: {err}"[:2000]
        _save(page, shot, "failure")
    finally:
        page.close()
    return shot


def run_side(side: str, notebooks: list[str]) -> list[Shot]:
    from playwright.sync_api import sync_playwright

    python = ORACLE_PY if side == "real" else Path(sys.executable)
    env = {"RERUN_NOTEBOOK_ASSET": "serve-local"} if side == "real" else {}
    shots = []
    with tempfile.TemporaryDirectory(prefix=f"compare-{side}-") as tmp:
        root = Path(tmp)
        for name in notebooks:
            _clean_copy(ROOT / "notebooks" / f"{name}.ipynb", root / f"{name}.ipynb")
        with jupyterlab(root, python=python, env_extra=env) as lab, sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS + GPU_ARGS, headless=True
            )
            try:
                for name in notebooks:
                    print(f"[{side}] {name}", flush=True)
                    shots.append(run_notebook(browser, lab, side, name))
            finally:
                browser.close()
            (OUT / f"{side}_jupyterlab.log").write_text(lab.log_path.read_text(errors="replace"))
    return shots


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--side", choices=["real", "ours", "both"], default="both")
    ap.add_argument("--notebook", action="append", choices=NOTEBOOKS, help="default: all three")
    args = ap.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"error: {CHROMIUM} is missing (apt-get install chromium)", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    sides = ["real", "ours"] if args.side == "both" else [args.side]
    if "real" in sides:
        ensure_oracle_venv()
    os.environ.setdefault("RERUN_ANALYTICS", "0")
    failed = False
    for side in sides:
        for shot in run_side(side, args.notebook or NOTEBOOKS):
            report = OUT / f"{side}_{shot.notebook}.json"
            report.write_text(json.dumps(shot.__dict__, indent=1))
            status = "FAILED: " + shot.error if shot.error else "ok"
            print(f"  {side}/{shot.notebook}: {status}; {', '.join(shot.files)}", flush=True)
            failed |= shot.error is not None
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
