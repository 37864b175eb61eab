"""The map view in the widget: its state entry (geo data at the time cursor) and its static picture.

The browser draws the map (``js/src/map.js``: tiles from the user's network, pan/zoom, hover,
click); the kernel sends ``map_data.map_payload`` in the view's ``map`` key. The saved notebook's
PNG cannot fetch tiles, so ``draw_map`` draws a graticule and the data, fitted as the browser does.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rerun_core.viewer.map_data import (
    DEFAULT_ZOOM,
    TILE_SIZE,
    fit_zoom,
    map_payload,
    mercator,
    meters_per_pixel,
    store_latest,
)

if TYPE_CHECKING:
    from rerun_core.viewer.protocols import PanelContext, ViewRef

_CACHE: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 16


def map_entry(
    visible: Callable[[str], bool],
    store: Any,
    view: dict[str, Any],
    entities: list[str],
    timeline: str | None,
    time: int | None,
    hidden: set[str],
) -> dict[str, Any]:
    """The ``map`` payload of one map view (cached per store generation and time cursor)."""
    if store is None:
        return map_payload(lambda path, cols: {}, [])
    shown = [e for e in entities if e not in hidden and visible(e)]
    zoom, provider = view.get("map_zoom"), view.get("map_provider")
    key = (id(store), getattr(store, "generation", None), timeline, time, tuple(shown), zoom, provider)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    payload = map_payload(store_latest(store, timeline, time), shown, zoom=zoom, provider=provider)
    with _CACHE_LOCK:
        _CACHE[key] = payload
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return payload


def map_view_payload(ctx: PanelContext, view: ViewRef) -> dict[str, Any]:
    """The map kind's payload (``ViewKind.payload``): geo data at the session's time cursor."""
    tl, t = ctx.time.timeline, ctx.time.time
    visible = ctx.app.visible_in(view.id) if ctx.app is not None else lambda path: True
    return {"map": map_entry(visible, ctx.store, view.raw, view.entities, tl, t, ctx.hidden)}


# --- the static picture ----------------------------------------------------------------------------

_BG = (27, 34, 38, 255)
_GRID = (70, 84, 92, 255)
_GRID_TEXT = (130, 146, 154, 255)
_STEPS = (90, 45, 30, 20, 10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 5e-4, 2e-4, 1e-4)


def _camera(payload: dict[str, Any], w: int, h: int) -> tuple[float, float, float]:
    """(world x, world y, zoom) of the view center, as ``mapInitialCamera`` in map.js."""
    lat, lon = payload.get("center") or (59.319224, 18.075514)
    zoom = payload.get("zoom")
    if zoom is None:
        span = payload.get("span")
        zoom = fit_zoom(tuple(span), w, h) if span else None
    zoom = max(0.0, min(22.0, DEFAULT_ZOOM if zoom is None else float(zoom)))
    x, y = mercator(lat, lon)
    return x, y, zoom


def _at(values: Any, i: int) -> Any:
    return values[min(i, len(values) - 1)] if isinstance(values, list) else values


def _rgba(c: Any) -> tuple[int, int, int, int]:
    v = int(c) & 0xFFFFFFFF
    return (v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255)


def draw_map(draw: Any, rect: tuple[int, int, int, int], payload: dict[str, Any], font: Any = None) -> None:
    """Graticule + line strings + points of ``payload`` into ``rect`` of a Pillow ``ImageDraw``."""
    x0, y0, w, h = rect
    if w <= 0 or h <= 0:
        return
    cx, cy, zoom = _camera(payload, w, h)
    scale = TILE_SIZE * 2.0**zoom

    def to_px(lat: float, lon: float) -> tuple[float, float]:
        x, y = mercator(lat, lon)
        return x0 + (x - cx) * scale + w / 2, y0 + (y - cy) * scale + h / 2

    def radius_px(r: float, lat: float) -> float:
        return -r if r < 0 else r / meters_per_pixel(lat, zoom)

    draw.rectangle((x0, y0, x0 + w - 1, y0 + h - 1), fill=_BG)
    _graticule(draw, rect, cx, cy, scale, font)
    for ent in payload.get("entities", []):
        lines = ent.get("lines")
        for i, strip in enumerate(lines["strips"] if lines else []):
            pts = [to_px(lat, lon) for lat, lon in strip]
            width = max(1, round(2 * radius_px(float(_at(lines["r"], i)), strip[0][0])))
            if len(pts) > 1:
                draw.line(pts, fill=_rgba(_at(lines["c"], i)), width=min(width, 64), joint="curve")
    for ent in payload.get("entities", []):
        pts = ent.get("points")
        for i, (lat, lon) in enumerate(pts["pos"] if pts else []):
            px, py = to_px(lat, lon)
            r = min(max(0.5, radius_px(float(_at(pts["r"], i)), lat)), 4 * max(w, h))
            if x0 - r <= px <= x0 + w + r and y0 - r <= py <= y0 + h + r:
                draw.ellipse((px - r, py - r, px + r, py + r), fill=_rgba(_at(pts["c"], i)))


def _graticule(
    draw: Any, rect: tuple[int, int, int, int], cx: float, cy: float, scale: float, font: Any
) -> None:
    x0, y0, w, h = rect
    lon_span = w / scale * 360.0
    top = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (cy - h / 2 / scale)))))
    bottom = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (cy + h / 2 / scale)))))
    step = next((s for s in _STEPS if max(lon_span, top - bottom) / s >= 3), _STEPS[-1])
    digits = max(0, math.ceil(-math.log10(step)))
    west = cx * 360.0 - 180.0 - lon_span / 2
    lon = math.ceil(west / step) * step
    while lon <= west + lon_span:
        x = x0 + ((lon + 180.0) / 360.0 - cx) * scale + w / 2
        draw.line((x, y0, x, y0 + h - 1), fill=_GRID)
        draw.text((x + 3, y0 + 3), f"{lon:.{digits}f}°", fill=_GRID_TEXT, font=font)
        lon += step
    lat = math.ceil(bottom / step) * step
    while lat <= top:
        y = y0 + (mercator(lat, 0.0)[1] - cy) * scale + h / 2
        draw.line((x0, y, x0 + w - 1, y), fill=_GRID)
        draw.text((x0 + 3, y - 14), f"{lat:.{digits}f}°", fill=_GRID_TEXT, font=font)
        lat += step


__all__ = ["draw_map", "map_entry", "map_view_payload"]
