"""The map view's data: GeoPoints and GeoLineStrings at the time cursor, as a compact payload.

The map is drawn in the browser (tiles come from the user's network, not the kernel's), so the
kernel only reads the store and hands over latitudes/longitudes, radii, colors and labels.
Rerun 0.41's rules: points default to 5 ui points, line strings to 2; a positive radius is
meters, a negative one ui points; colors default per entity; one map view at the root as soon
as any entity has geo data. Pure Python + pyarrow: the notebook session imports it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pyarrow as pa

from rerun_core.viewer import arrow_data as ad
from rerun_core.viewer.spaces import SPACE_MAP, archetypes_in

GEO_ARCHETYPES = archetypes_in(SPACE_MAP)  # GeoPoints, GeoLineStrings
DEFAULT_POINT_RADIUS = -5.0  # Rerun's fallback: 5 ui points
DEFAULT_LINE_RADIUS = -2.0  # Rerun's fallback: 2 ui points
DEFAULT_ZOOM = 16.0  # Rerun's zoom for a single point (no span to fit)
DEFAULT_CENTER = (59.319224, 18.075514)  # Rerun's center when there is no data (Rerun HQ)
TILE_SIZE = 256.0
MAX_MERCATOR_LAT = 85.0511287798  # Web Mercator's square world
MAX_VERTICES = 50_000  # per view, points + line vertices: the state is JSON, resent on changes
PROVIDERS = {
    1: "OpenStreetMap",
    2: "MapboxStreets",
    3: "MapboxDark",
    4: "MapboxSatellite",
    5: "MapboxLight",
}

_POINT_COLS = ["GeoPoints:positions", "GeoPoints:radii", "GeoPoints:colors", "GeoPoints:class_ids"]
_LINE_COLS = ["GeoLineStrings:line_strings", "GeoLineStrings:radii", "GeoLineStrings:colors"]


# --- projection (the same formulas as js/src/map.js) -------------------------------------------


def mercator(lat: float, lon: float) -> tuple[float, float]:
    """(lat, lon) degrees -> Web Mercator world coordinates in 0..1 (x east, y south)."""
    lat = max(-MAX_MERCATOR_LAT, min(MAX_MERCATOR_LAT, lat))
    x = (lon + 180.0) / 360.0
    y = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0
    return x, y


def inverse_mercator(x: float, y: float) -> tuple[float, float]:
    """World coordinates in 0..1 -> (lat, lon) degrees."""
    lon = x * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * y))))
    return lat, lon


def fit_zoom(span: tuple[float, float, float, float] | None, width: float, height: float) -> float | None:
    """Rerun's zoom that fits ``span`` (min_lat, min_lon, max_lat, max_lon) in a ``width`` x
    ``height`` view (15 px margin), or None for a span without extent (one point)."""
    if span is None:
        return None
    lat0, lon0, lat1, lon1 = span
    if lat0 == lat1 or lon0 == lon1:
        return None
    w, h = max(width - 15.0, 1.0), max(height - 15.0, 1.0)
    dy = abs(mercator(lat0, 0.0)[1] - mercator(lat1, 0.0)[1]) * TILE_SIZE
    dx = (lon1 - lon0) / 360.0 * TILE_SIZE
    return min(math.log2(w / dx), math.log2(h / max(dy, 1e-12)))


def meters_per_pixel(lat: float, zoom: float) -> float:
    """Ground meters one pixel covers at ``lat`` and ``zoom`` (equator circumference 40075016.686 m)."""
    return float(40075016.686 * math.cos(math.radians(lat)) / (TILE_SIZE * 2.0**zoom))


# --- the payload ---------------------------------------------------------------------------------


def _latlon(arr: pa.Array | None) -> np.ndarray:
    """fixed_size_list<f64>[2] -> (N, 2) float64 (kept as doubles: float32 loses ~0.5 m)."""
    if arr is None or len(arr) == 0:
        return np.zeros((0, 2), np.float64)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    values = arr.flatten()  # a row slice: .values would be the whole backing column
    flat = np.asarray(values.to_numpy(zero_copy_only=False), np.float64)
    return flat.reshape(-1, 2)


def _line_strings(arr: pa.Array | None) -> list[np.ndarray]:
    if arr is None or len(arr) == 0:
        return []
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    offsets = np.asarray(arr.offsets.to_numpy(zero_copy_only=False), np.int64)
    pts = _latlon(arr.values)
    return [pts[offsets[i] : offsets[i + 1]] for i in range(len(arr))]


def _compact(values: list[Any]) -> Any:
    """One value stands for all instances when they are all equal (a common splat)."""
    if values and all(v == values[0] for v in values):
        return values[0]
    return values


def _colors(
    arr: pa.Array | None, n: int, path: str, classes: dict[int, tuple[Any, Any]], cids: np.ndarray
) -> Any:
    """Per-instance 0xRRGGBBAA ints: explicit colors, else class colors, else the entity's color."""
    explicit = ad.scalars(arr, np.uint32)
    if explicit.size:
        return _compact([int(c) for c in ad.broadcast_or(explicit, n, 0)])
    rgba = ad.entity_color(path)
    default = int.from_bytes(bytes(round(float(c) * 255) for c in rgba), "big")
    if not (classes and cids.size):
        return default
    out = []
    for cid in ad.broadcast_or(cids, n, 0):
        color = classes.get(int(cid), (None, None))[1]
        out.append(default if color is None else int(color))
    return _compact(out)


def _radii(arr: pa.Array | None, n: int, default: float) -> Any:
    radii = ad.scalars(arr, np.float64)
    if radii.size == 0:
        return default
    return _compact([float(r) for r in ad.broadcast_or(radii, n, default)])


def _round(a: np.ndarray) -> list[list[float]]:
    out: list[list[float]] = np.round(a, 7).tolist()
    return out  # ~1 cm: the JSON stays short


def _classes(annotations: pa.Array | None) -> dict[int, tuple[Any, Any]]:
    """AnnotationContext -> class id -> (label, 0xRRGGBBAA color)."""
    out: dict[int, tuple[Any, Any]] = {}
    for value in annotations.to_pylist() if annotations is not None else []:
        for item in value if isinstance(value, list) else [value]:
            if item is None:
                continue
            info = (item.get("class_description") or {}).get("info") or {}
            out[int(item["class_id"])] = (info.get("label"), info.get("color"))
    return out


def _annotation_classes(
    latest: Callable[[str, list[str]], dict[str, Any]], path: str
) -> dict[int, tuple[Any, Any]]:
    """The nearest AnnotationContext at ``path`` or above it (Rerun's rule)."""
    parts = [p for p in path.split("/") if p]
    for i in range(len(parts), -1, -1):
        here = "/" + "/".join(parts[:i])
        data = latest(here, ["AnnotationContext:context"])
        if data.get("AnnotationContext:context") is not None:
            return _classes(data["AnnotationContext:context"])
    return {}


def entity_geo(
    latest: Callable[[str, list[str]], dict[str, Any]], path: str, budget: int
) -> dict[str, Any] | None:
    """One entity's points and line strings (``latest(path, columns) -> {column: values}``)."""
    out: dict[str, Any] = {"path": path}
    pts = latest(path, _POINT_COLS)
    pos = _latlon(pts.get("GeoPoints:positions"))[:budget]
    if len(pos):
        n = len(pos)
        cids = ad.scalars(pts.get("GeoPoints:class_ids"), np.int64)
        classes = _annotation_classes(latest, path) if cids.size else {}
        out["points"] = {
            "pos": _round(pos),
            "r": _radii(pts.get("GeoPoints:radii"), n, DEFAULT_POINT_RADIUS),
            "c": _colors(pts.get("GeoPoints:colors"), n, path, classes, cids),
        }
        if classes:
            labels = [classes.get(int(c), (None, None))[0] or "" for c in ad.broadcast_or(cids, n, 0)]
            out["points"]["labels"] = _compact(labels)
        budget -= n
    lines = latest(path, _LINE_COLS)
    strips = []
    for strip in _line_strings(lines.get("GeoLineStrings:line_strings")):
        if budget <= 0:
            break
        strips.append(_round(strip[:budget]))
        budget -= len(strip)
    if strips:
        n = len(strips)
        out["lines"] = {
            "strips": strips,
            "r": _radii(lines.get("GeoLineStrings:radii"), n, DEFAULT_LINE_RADIUS),
            "c": _colors(lines.get("GeoLineStrings:colors"), n, path, {}, np.zeros(0)),
        }
    return out if len(out) > 1 else None


def geo_span(entities: Iterable[dict[str, Any]]) -> tuple[float, float, float, float] | None:
    """(min_lat, min_lon, max_lat, max_lon) over every point and line vertex."""
    arrays = []
    for ent in entities:
        if "points" in ent:
            arrays.append(np.asarray(ent["points"]["pos"], np.float64).reshape(-1, 2))
        for strip in ent.get("lines", {}).get("strips", []):
            arrays.append(np.asarray(strip, np.float64).reshape(-1, 2))
    arrays = [a for a in arrays if len(a)]
    if not arrays:
        return None
    allpts = np.concatenate(arrays)
    lo, hi = allpts.min(axis=0), allpts.max(axis=0)
    return (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))


def map_payload(
    latest: Callable[[str, list[str]], dict[str, Any]],
    entities: Iterable[str],
    *,
    zoom: float | None = None,
    provider: int | str | None = None,
) -> dict[str, Any]:
    """What the browser's map view draws: ``{entities, span, center, zoom, provider, truncated}``.

    ``zoom``/``provider`` come from the view's blueprint (MapZoom, MapBackground); ``zoom`` None
    lets the browser fit the span (Rerun: fit several objects, 16 for a single point)."""
    ents: list[dict[str, Any]] = []
    budget = MAX_VERTICES
    truncated = False
    for path in entities:
        if budget <= 0:
            truncated = True
            break
        ent = entity_geo(latest, path, budget)
        if ent is not None:
            ents.append(ent)
            budget -= _count(ent)
    span = geo_span(ents)
    center = DEFAULT_CENTER if span is None else ((span[0] + span[2]) / 2, (span[1] + span[3]) / 2)
    name = (
        PROVIDERS.get(provider, "OpenStreetMap")
        if isinstance(provider, int)
        else (provider or "OpenStreetMap")
    )
    return {
        "entities": ents,
        "span": None if span is None else list(span),
        "center": list(center),
        "zoom": None if zoom is None else float(zoom),
        "provider": name,
        "truncated": truncated or budget < 0,
    }


def _count(ent: dict[str, Any]) -> int:
    n = len(ent.get("points", {}).get("pos", []))
    return n + sum(len(s) for s in ent.get("lines", {}).get("strips", []))


def store_latest(
    store: Any, timeline: str | None, time: int | None
) -> Callable[[str, list[str]], dict[str, Any]]:
    """A ``latest(path, columns)`` reader over a ``ChunkStore`` at one time cursor."""

    def latest(path: str, columns: list[str]) -> dict[str, Any]:
        if timeline is None or time is None:
            cells = store.latest_at(path, columns, None, None)
        else:
            cells = store.latest_at(path, columns, timeline, time)
        return {k: c.values for k, c in cells.items() if c is not None}

    return latest


__all__ = [
    "DEFAULT_CENTER",
    "DEFAULT_ZOOM",
    "GEO_ARCHETYPES",
    "PROVIDERS",
    "entity_geo",
    "fit_zoom",
    "geo_span",
    "inverse_mercator",
    "map_payload",
    "mercator",
    "meters_per_pixel",
    "store_latest",
]
