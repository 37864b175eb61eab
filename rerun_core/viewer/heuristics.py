"""Which views a recording gets, and where they go (a Rerun-like default layout).

- one 3D view at the root when there is 3D data (pinhole images show in it too);
- one 2D view per pinhole, and one per top-level image space without a pinhole;
- time series: one view at the root when some series sits at or right under the root, else one
  per top-level entity with Scalars (Rerun's rule); one text-log view for all logs;
- one view per text document, bar chart and tensor.
View ids are stable strings derived from kind + origin, so camera state survives new data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from rerun_core.types import EntityPath

ARCH_3D = frozenset(
    {
        "Points3D",
        "Boxes3D",
        "LineStrips3D",
        "Arrows3D",
        "Ellipsoids3D",
        "Capsules3D",
        "Cylinders3D",
        "Mesh3D",
        "Asset3D",
    }
)
ARCH_2D = frozenset(
    {
        "Image",
        "DepthImage",
        "SegmentationImage",
        "EncodedImage",
        "Points2D",
        "Boxes2D",
        "LineStrips2D",
        "Arrows2D",
    }
)
ARCH_SERIES = frozenset({"Scalars", "SeriesLines", "SeriesPoints"})
SINGLE_VIEW = {"TextDocument": "text_document", "BarChart": "bar_chart", "Tensor": "tensor"}
PIXEL_KINDS = frozenset({"spatial3d", "spatial2d", "timeseries", "bar_chart", "tensor"})
HTML_KINDS = frozenset({"text_log", "text_document"})


@dataclass
class ViewSpec:
    id: str
    kind: str
    origin: str
    name: str
    entities: list[str] = field(default_factory=list)
    rect: tuple[int, int, int, int] = (0, 0, 0, 0)  # x, y, w, h in pixels

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind,
            "origin": self.origin,
            "name": self.name,
            "rect": self.rect,
            "entities": list(self.entities),
            "html": self.kind in HTML_KINDS,
        }


def _top(path: str) -> str:
    parts = EntityPath(path).parts
    return EntityPath(parts[:1]).path


def _under(path: str, ancestors: list[str]) -> str | None:
    """The deepest of ``ancestors`` that ``path`` equals or descends from."""
    p = EntityPath(path)
    best = None
    for a in ancestors:
        ap = EntityPath(a)
        if p.starts_with(ap) and (best is None or len(ap.parts) > len(EntityPath(best).parts)):
            best = a
    return best


def choose_views(index: dict[str, dict[str, set[str]]]) -> list[ViewSpec]:
    """Views for a recording from its entity -> archetypes index."""
    pinholes = sorted(p for p, a in index.items() if "Pinhole" in a)
    views: list[ViewSpec] = []
    spatial3d: list[str] = []
    spaces2d: dict[str, list[str]] = {}
    series: dict[str, list[str]] = {}
    logs: list[str] = []
    for path in sorted(index):
        archs = set(index[path])
        if archs & (ARCH_3D | {"Transform3D", "Pinhole", "ViewCoordinates"}):
            spatial3d.append(path)
        if archs & ARCH_2D:
            cam = _under(path, pinholes)
            spaces2d.setdefault(cam or _top(path), []).append(path)
            if cam is not None:
                spatial3d.append(path)
        if archs & ARCH_SERIES:
            series.setdefault(_top(path), []).append(path)
        if "TextLog" in archs:
            logs.append(path)
        for arch, kind in SINGLE_VIEW.items():
            if arch in archs:
                views.append(ViewSpec(f"{kind}:{path}", kind, path, path, [path]))
    has_3d = any(set(index[p]) & (ARCH_3D | {"Pinhole"}) for p in spatial3d)
    if has_3d:
        views.insert(0, ViewSpec("spatial3d:/", "spatial3d", "/", "/", sorted(set(spatial3d))))
    for origin, ents in sorted(spaces2d.items()):
        views.insert(len(views), ViewSpec(f"spatial2d:{origin}", "spatial2d", origin, origin, ents))
    all_series = sorted(e for ents in series.values() for e in ents)
    if any(len(EntityPath(e).parts) <= 1 for e in all_series):
        series = {"/": all_series}  # a series at the root or right under it: one view for all (as Rerun)
    for origin, ents in sorted(series.items()):
        views.append(ViewSpec(f"timeseries:{origin}", "timeseries", origin, origin, ents))
    if logs:
        views.append(ViewSpec("text_log:/", "text_log", "/", "logs", logs))
    order = ["spatial3d", "spatial2d", "timeseries", "tensor", "bar_chart", "text_document", "text_log"]
    views.sort(key=lambda v: order.index(v.kind))
    return views


def grid_layout(views: list[ViewSpec], width: int, height: int, gap: int = 2) -> None:
    """Assign ``rect`` to each view: a near-square grid, filled row by row (Rerun's grid)."""
    n = len(views)
    if n == 0:
        return
    cols = math.ceil(math.sqrt(n))
    if width < height:
        cols = max(1, math.ceil(n / math.ceil(math.sqrt(n))) if n > 2 else 1)
    rows = math.ceil(n / cols)
    for i, v in enumerate(views):
        r, c = divmod(i, cols)
        in_row = min(cols, n - r * cols)
        x0 = round(c * width / in_row)
        x1 = round((c + 1) * width / in_row)
        y0 = round(r * height / rows)
        y1 = round((r + 1) * height / rows)
        gx = gap if c + 1 < in_row else 0
        gy = gap if r + 1 < rows else 0
        v.rect = (x0, y0, max(1, x1 - x0 - gx), max(1, y1 - y0 - gy))
