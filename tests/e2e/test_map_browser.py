"""End to end: a notebook logging GeoPoints + GeoLineStrings shows Rerun's map view in JupyterLab.

Tile requests are answered as if offline (aborted): the view must still show a graticule and the
data. Hover names the entity, a click selects it, a drag pans and the wheel zooms (in the browser,
no kernel round trip). Then tiles "come back" (a generated PNG per tile) and are drawn under the
data. Screenshots go to artifacts/map/ (gitignored).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from .lab import notebook_page, run_all_until_frame, wait_settled, write_notebook

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "map"

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

CELLS = [
    """import numpy as np
import rerun as rr

rr.init("map_e2e")
t = np.linspace(0, 2 * np.pi, 60)
route = np.c_[59.3293 + 0.01 * np.sin(t), 18.0686 + 0.02 * np.cos(t)]
rr.log("route", rr.GeoLineStrings(lat_lon=[route], radii=rr.Radius.ui_points(2.0), colors=[0, 120, 255]), static=True)
rr.log("pois", rr.GeoPoints(lat_lon=[[59.3326, 18.0649], [59.3251, 18.0711]], radii=60.0,
                            colors=[[0, 200, 0], [200, 0, 200]]), static=True)
for i in range(60):
    rr.set_time("step", sequence=i)
    rr.log("vehicle", rr.GeoPoints(lat_lon=[route[i]], radii=rr.Radius.ui_points(9.0), colors=[255, 80, 0]))""",
    "viewer = rr.notebook_show(width=1200, height=560)",
]

MAP = "document.querySelector('.rr-mapview')"
# the on-screen (page) position of the first point of entity `path`, from the view's own camera
POINT_JS = f"""(path) => {{
    const box = {MAP}; const m = box._map; const c = m.canvas.getBoundingClientRect();
    const ent = m.payload.entities.find((e) => e.path === path);
    const proj = (lat, lon) => [(lon + 180) / 360,
        (1 - Math.asinh(Math.tan(lat * Math.PI / 180)) / Math.PI) / 2];
    const [lat, lon] = ent.points.pos[0];
    const s = 256 * 2 ** m.cam.zoom; const [cx, cy] = proj(m.cam.lat, m.cam.lon); const [x, y] = proj(lat, lon);
    return [c.left + (x - cx) * s + c.width / 2, c.top + (y - cy) * s + c.height / 2];
}}"""
# how many canvas pixels are close to an RGB color (the canvas is untainted: tiles failed or same-origin)
COUNT_JS = f"""([r, g, b]) => {{
    const cv = {MAP}._map.canvas; const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 60) n++;
    return n;
}}"""


def _tile_png() -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (256, 256), (236, 232, 220))
    ImageDraw.Draw(img).rectangle((0, 0, 255, 255), outline=(180, 170, 150), width=2)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _cam(page: Any) -> dict[str, float]:
    return dict(page.evaluate(f"() => ({{...{MAP}._map.cam}})"))


def test_map_view_offline_graticule_hover_select_pan_zoom_then_tiles(tmp_path: Path) -> None:
    write_notebook(tmp_path / "map.ipynb", CELLS)
    with notebook_page(tmp_path, "map.ipynb", viewport=(1280, 1000), artifacts=ARTIFACTS) as page:
        page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())  # offline
        run_all_until_frame(page)
        page.wait_for_function(f"() => {MAP}?._map?.payload?.entities?.length === 3", timeout=60_000)
        wait_settled(page)
        widget = page.locator(".rr-root").first
        widget.screenshot(path=str(ARTIFACTS / "1_offline_graticule.png"))
        offline = page.locator(".rr-mapoffline").first
        assert offline.is_visible() and "OpenStreetMap" in page.locator(".rr-mapattr").first.inner_text()
        assert page.evaluate(COUNT_JS, [255, 80, 0]) > 100  # the vehicle (9 ui points)
        assert page.evaluate(COUNT_JS, [0, 120, 255]) > 100  # the route

        x, y = page.evaluate(POINT_JS, "/vehicle")
        page.mouse.move(x, y)
        tip = page.locator(".rr-tooltip").first
        page.wait_for_function("() => document.querySelector('.rr-tooltip').textContent.includes('/vehicle')")
        assert "#0" in tip.inner_text() and "position: 59." in tip.inner_text()
        page.mouse.click(x, y)
        page.wait_for_function(  # the kernel selected it: the blueprint tree marks its row
            "() => [...document.querySelectorAll('.rr-tree .rr-selected')].some((r) => r.textContent.includes('vehicle'))"
        )
        widget.screenshot(path=str(ARTIFACTS / "2_hover_and_selected.png"))

        before = _cam(page)
        page.mouse.move(x + 40, y + 40)
        page.mouse.down()
        page.mouse.move(x - 60, y + 10, steps=5)
        page.mouse.up()
        moved = _cam(page)
        assert moved["lon"] > before["lon"] and moved["zoom"] == before["zoom"]  # dragged west -> map east
        page.mouse.wheel(0, -480)
        page.wait_for_function(f"() => {MAP}._map.cam.zoom > {moved['zoom'] + 1}")

        png = _tile_png()  # the tile server answers again (new zoom level: new tile URLs)
        page.unroute("https://tile.openstreetmap.org/**")
        page.route(
            "https://tile.openstreetmap.org/**",
            lambda route: route.fulfill(body=png, content_type="image/png"),
        )
        page.mouse.wheel(0, -240)
        page.wait_for_function("() => document.querySelector('.rr-mapoffline').style.display === 'none'")
        widget.screenshot(path=str(ARTIFACTS / "3_zoomed_with_tiles.png"))
