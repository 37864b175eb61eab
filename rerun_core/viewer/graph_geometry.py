"""Edge shapes of the graph view, in scene units (y down, as Rerun's graph scene): straight lines
between node borders, fanned-out curves for several edges between one pair of nodes, loops for
self-edges, and arrowhead triangles for directed graphs. Pure numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ARROW_SIZE = 10.0  # scene units, as Rerun's
BEZIER_STEPS = 16


@dataclass
class NodeShape:
    """Where a node is drawn: center, size (w, h) and whether it is a circle (else a label box)."""

    center: np.ndarray
    size: np.ndarray
    circle: bool

    def border(self, direction: np.ndarray) -> np.ndarray:
        """The point of the outline hit by a ray from the center along ``direction`` (unit)."""
        if self.circle:
            return np.asarray(self.center + direction * (self.size[0] / 2))
        hw, hh = self.size[0] / 2, self.size[1] / 2
        tx = hw / abs(direction[0]) if direction[0] else np.inf
        ty = hh / abs(direction[1]) if direction[1] else np.inf
        return self.center + direction * min(tx, ty)

    def overlaps(self, other: NodeShape) -> bool:
        d = np.abs(self.center - other.center)
        return bool(np.all(d < (self.size + other.size) / 2))


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.hypot(v[0], v[1]))
    return v / n if n > 0 else np.array([1.0, 0.0])


def bezier(p0: np.ndarray, c1: np.ndarray, c2: np.ndarray, p1: np.ndarray, steps: int = BEZIER_STEPS) -> np.ndarray:  # fmt: skip
    """(steps + 1, 2) points along a cubic Bezier curve."""
    t = np.linspace(0.0, 1.0, steps + 1)[:, None]
    u = 1 - t
    return np.asarray(u**3 * p0 + 3 * u * u * t * c1 + 3 * u * t * t * c2 + t**3 * p1)


def arrowhead(tip: np.ndarray, direction: np.ndarray, size: float = ARROW_SIZE) -> np.ndarray:
    """(3, 2) triangle with its point at ``tip``, pointing along ``direction`` (unit)."""
    perp = np.array([-direction[1], direction[0]]) * 0.5 * size
    back = tip - direction * size
    return np.array([tip, back + perp, back - perp])


def edge_paths(
    shapes: list[NodeShape], edges: list[tuple[int, int, bool]]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Polylines of ``edges`` ((source, target, arrow) over ``shapes``) and their arrowheads.

    Edges sharing a pair of nodes (either direction) fan out as curves; an edge between
    overlapping nodes is not drawn (nothing meaningful to show), as Rerun's."""
    slots: dict[tuple[int, int], list[tuple[int, int, bool]]] = {}
    for s, t, arrow in edges:
        slots.setdefault((min(s, t), max(s, t)), []).append((s, t, arrow))
    lines: list[np.ndarray] = []
    arrows: list[np.ndarray] = []
    singles = [g[0] for (a, b), g in slots.items() if a != b and len(g) == 1]
    if singles:
        seg, tri = straight_edges(shapes, np.array(singles, np.int64).reshape(-1, 3))
        lines += list(seg)
        arrows += list(tri)
    for (a, b), group in slots.items():
        if a == b:
            _self_loops(shapes[a], group, lines, arrows)
        elif len(group) > 1:
            _fanned(shapes[a], shapes[b], a, group, lines, arrows)
    return lines, arrows


def straight_edges(shapes: list[NodeShape], edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorized single edges ((m, 3): source, target, arrow): (k, 2, 2) segments from border to
    border and (j, 3, 2) arrowheads; pairs whose nodes overlap are left out."""
    centers = np.array([sh.center for sh in shapes], float).reshape(-1, 2)
    sizes = np.array([sh.size for sh in shapes], float).reshape(-1, 2)
    circle = np.array([sh.circle for sh in shapes], bool)
    s, t, arrow = edges[:, 0], edges[:, 1], edges[:, 2].astype(bool)
    d = centers[t] - centers[s]
    gap = np.abs(d) >= (sizes[s] + sizes[t]) / 2
    keep = gap.any(axis=1)  # the boxes do not overlap (and the centers differ)
    s, t, arrow, d = s[keep], t[keep], arrow[keep], d[keep]
    u = d / np.hypot(d[:, 0], d[:, 1])[:, None]
    src = centers[s] + u * _reach(sizes[s], circle[s], u)[:, None]
    dst = centers[t] - u * _reach(sizes[t], circle[t], u)[:, None]
    segs = np.stack([src, dst], axis=1)
    tip, ua = dst[arrow], u[arrow]
    perp = np.c_[-ua[:, 1], ua[:, 0]] * 0.5 * ARROW_SIZE
    back = tip - ua * ARROW_SIZE
    return segs, np.stack([tip, back + perp, back - perp], axis=1)


def _reach(size: np.ndarray, circle: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Distance from a node's center to its outline along the unit directions ``u``."""
    half = size / 2
    with np.errstate(divide="ignore"):
        box = np.minimum(half[:, 0] / np.abs(u[:, 0]), half[:, 1] / np.abs(u[:, 1]))
    return np.where(circle, half[:, 0], box)


def _fanned(
    sa: NodeShape,
    sb: NodeShape,
    a: int,
    group: list[tuple[int, int, bool]],
    lines: list[np.ndarray],
    arrows: list[np.ndarray],
) -> None:
    """Several edges between one pair: curves spread across the straight line, as Rerun's."""
    if np.array_equal(sa.center, sb.center) or sa.overlaps(sb):
        return
    d = _unit(sb.center - sa.center)
    pa, pb = sa.border(d), sb.border(-d)
    delta = pb - pa
    fan = min(float(np.hypot(*delta)) * 0.3, 40.0)
    normal = _unit(np.array([-delta[1], delta[0]]))
    for i, (s, _, arrow) in enumerate(group):
        off = normal * fan * (i / (len(group) - 1) - 0.5)
        c1, c2 = pa + delta * 0.25 + off, pa + delta * 0.75 + off
        pts = bezier(pa, c1, c2, pb) if s == a else bezier(pb, c2, c1, pa)
        lines.append(pts)
        if arrow:
            arrows.append(arrowhead(pts[-1], _unit(pts[-1] - pts[-4])))


def _self_loops(
    shape: NodeShape, group: list[tuple[int, int, bool]], lines: list[np.ndarray], arrows: list[np.ndarray]
) -> None:
    """Loops above the node (y down: above = smaller y), each bigger than the one before."""
    top = shape.center - np.array([0.0, shape.size[1] / 2])
    for i, (_, _, arrow) in enumerate(group):
        o = i + 1.0
        offsets = np.array([[-4.0, 0.0], [-30.0 * o, -40.0 * o], [30.0 * o, -40.0 * o], [4.0, 0.0]])
        pts = bezier(*(top + offsets))
        lines.append(pts)
        if arrow:
            arrows.append(arrowhead(pts[-1], _unit(pts[-1] - pts[-4])))
