"""Which views a recording gets, and how they nest (Rerun 0.41's default blueprint).

- 3D (Rerun's rule): one view at each entity with ViewCoordinates (not at a camera), plus one at the
  root when some 3D content is outside those; pinhole images show in it too;
- one 2D view per pinhole, and one per top-level image space without a pinhole;
- time series: one view per entity with Scalars (Rerun 0.41's rule); one text-log view for all logs;
- one view per text document, bar chart, tensor and GraphNodes entity; one map view at the root
  for all geo entities.
The non-spatial rules are data: each kind's ``view_registry.Spawn``; the archetype sets come from
the visualizers' space table (``spaces.py``).
The views then nest as Rerun's auto layout does (``layout.auto_tree``): ``choose_layout``.
View ids are stable strings derived from kind + origin, so camera state survives new data.
"""

from __future__ import annotations

import math

from rerun_core.types import EntityPath
from rerun_core.viewer import view_registry
from rerun_core.viewer.layout import ContainerSpec, auto_tree
from rerun_core.viewer.spaces import SPACE_2D, SPACE_3D, SPACE_PLOT, archetypes_in
from rerun_core.viewer.specs import ViewSpec

ARCH_3D = archetypes_in(SPACE_3D)  # the visualizers' space table (spaces.py), not a list of our own
ARCH_2D = archetypes_in(SPACE_2D)
ARCH_SERIES = archetypes_in(SPACE_PLOT)


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


def _view_name(origin: str) -> str:
    """Rerun's placeholder name: the origin's last parts, while the name is at most 10 characters
    long before the next part, elided with ``…/`` (``world``, ``trig/cos``, ``…/camera/image``)."""
    parts = EntityPath(origin).parts
    name = ""
    for part in reversed(parts):
        if len(name) > 10:
            return "…/" + name
        name = part if not name else f"{part}/{name}"
    return name or "/"


def _spatial3d_views(
    index: dict[str, dict[str, set[str]]], ents: list[str], pinholes: list[str]
) -> list[ViewSpec]:
    """A 3D view at each ViewCoordinates entity, and at the root for 3D content outside them."""
    origins = [
        p
        for p in ents
        if "ViewCoordinates" in index[p] and "Pinhole" not in index[p] and _under(p, pinholes) is None
    ]
    covered = [p for p in ents if _under(p, origins) is not None]
    indicated = [p for p in ents if set(index[p]) & (ARCH_3D | {"Pinhole", "ViewCoordinates"})]
    if any(p not in covered for p in indicated) or not origins:
        origins.insert(0, "/")
    views = []
    for o in origins:
        inside = ents if o == "/" else [p for p in ents if EntityPath(p).starts_with(EntityPath(o))]
        views.append(ViewSpec(f"spatial3d:{o}", "spatial3d", o, _view_name(o), inside))
    return views


def choose_views(index: dict[str, dict[str, set[str]]]) -> list[ViewSpec]:
    """Views for a recording from its entity -> archetypes index: the spatial views (rules above),
    then every kind's ``view_registry.Spawn`` rule, in the kinds' ``order``."""
    pinholes = sorted(p for p, a in index.items() if "Pinhole" in a)
    spatial3d: list[str] = []
    spaces2d: dict[str, list[str]] = {}
    for path in sorted(index):
        archs = set(index[path])
        if archs & (ARCH_3D | {"Transform3D", "Pinhole", "ViewCoordinates"}):
            spatial3d.append(path)
        if archs & ARCH_2D:
            cam = _under(path, pinholes)
            spaces2d.setdefault(cam or _top(path), []).append(path)
            if cam is not None:
                spatial3d.append(path)
    views: list[ViewSpec] = []
    if any(set(index[p]) & (ARCH_3D | {"Pinhole"}) for p in spatial3d):
        views += _spatial3d_views(index, sorted(set(spatial3d)), pinholes)
    for origin, ents in sorted(spaces2d.items()):
        views.append(ViewSpec(f"spatial2d:{origin}", "spatial2d", origin, _view_name(origin), ents))
    spawning = sorted((k for k in view_registry.kinds().values() if k.spawn is not None), key=_spawn_order)
    for kind in spawning:
        if kind.spawn is not None:
            views += _spawned(kind.kind, kind.spawn, index)
    return views


def _spawn_order(kind: view_registry.ViewKind) -> int:
    return kind.spawn.order if kind.spawn is not None else 0


def _spawned(kind: str, rule: view_registry.Spawn, index: dict[str, dict[str, set[str]]]) -> list[ViewSpec]:
    """The views one kind's spawn rule makes: one per matching entity, or one at ``/`` for all."""
    paths = [p for p in sorted(index) if set(index[p]) & rule.archetypes]
    if not rule.per_entity:
        return [ViewSpec(f"{kind}:/", kind, "/", _view_name("/"), paths)] if paths else []
    return [ViewSpec(f"{kind}:{p}", kind, p, _view_name(p), [p]) for p in paths]


def choose_layout(index: dict[str, dict[str, set[str]]]) -> ContainerSpec:
    """The viewport tree Rerun 0.41 makes for a recording without a blueprint."""
    return auto_tree(choose_views(index))


def grid_layout(views: list[ViewSpec], width: int, height: int, gap: int = 2) -> None:
    """Assign ``rect`` to each view: a near-square flat grid, filled row by row (the layout before
    containers; ``layout.layout_tree`` is what the viewer uses)."""
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


__all__ = [
    "ContainerSpec",
    "ViewSpec",
    "choose_layout",
    "choose_views",
    "grid_layout",
]
