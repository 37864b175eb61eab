"""The viewport as a tree of containers and views, laid out into pixel rects (Rerun's blueprint model).

A view set chosen by the heuristics or read from a sent blueprint becomes one tree: containers
(grid, horizontal, vertical, tabs) whose leaves are ``ViewSpec``s. ``layout_tree`` gives every
shown view its rect; views that are hidden, in an inactive tab, or outside a maximized view get an
empty rect and are not returned, so renderers and panels skip them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from rerun_core.viewer.heuristics import ViewSpec

Rect = tuple[int, int, int, int]  # x, y, w, h in pixels
CONTAINER_KINDS = ("grid", "horizontal", "vertical", "tabs")


@dataclass
class ContainerSpec:
    id: str
    kind: str  # one of CONTAINER_KINDS
    children: list[Node] = field(default_factory=list)
    shares: list[float] | None = None  # relative sizes along the split (None: equal)
    grid_columns: int | None = None  # grid only (None: near-square, as Rerun)
    active_tab: int = 0  # tabs only
    name: str = ""
    visible: bool = True

    def as_dict(self) -> dict[str, object]:
        """JSON for the widget's blueprint panel (views as their ids)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "visible": self.visible,
            "active_tab": self.active_tab,
            "children": [
                c.as_dict() if isinstance(c, ContainerSpec) else {"view": c.id} for c in self.children
            ],
        }


Node = ContainerSpec | ViewSpec


def default_tree(views: list[ViewSpec]) -> ContainerSpec:
    """The root grid holding ``views`` (the layout before any grouping or blueprint)."""
    return ContainerSpec("viewport", "grid", list(views), name="Viewport")


def views_of(node: Node) -> list[ViewSpec]:
    """Every view under ``node``, depth first, in order."""
    if isinstance(node, ViewSpec):
        return [node]
    return [v for c in node.children for v in views_of(c)]


def find(node: Node, node_id: str) -> Node | None:
    """The container or view with ``node_id`` under ``node``."""
    if node.id == node_id:
        return node
    if isinstance(node, ContainerSpec):
        for c in node.children:
            hit = find(c, node_id)
            if hit is not None:
                return hit
    return None


def layout_tree(
    root: ContainerSpec,
    width: int,
    height: int,
    *,
    hidden: frozenset[str] | set[str] = frozenset(),
    maximized: str | None = None,
    gap: int = 2,
) -> list[ViewSpec]:
    """Assign ``rect`` to every view under ``root``; return the shown ones in draw order.

    ``hidden`` holds ids of views or containers the user switched off; ``maximized`` the id of a
    view that takes the whole viewport.
    """
    for v in views_of(root):
        v.rect = (0, 0, 0, 0)
    if maximized is not None:
        target = find(root, maximized)
        if isinstance(target, ViewSpec):
            target.rect = (0, 0, max(1, width), max(1, height))
            return [target]
    shown: list[ViewSpec] = []
    _place(root, (0, 0, max(1, width), max(1, height)), hidden, gap, shown)
    return shown


def _visible(node: Node, hidden: frozenset[str] | set[str]) -> bool:
    if node.id in hidden or (isinstance(node, ContainerSpec) and not node.visible):
        return False
    return isinstance(node, ViewSpec) or any(_visible(c, hidden) for c in node.children)


def _place(node: Node, rect: Rect, hidden: frozenset[str] | set[str], gap: int, out: list[ViewSpec]) -> None:
    if isinstance(node, ViewSpec):
        node.rect = rect
        out.append(node)
        return
    kids = [c for c in node.children if _visible(c, hidden)]
    if not kids:
        return
    if node.kind == "tabs":
        active = node.children[min(max(node.active_tab, 0), len(node.children) - 1)]
        _place(active if active in kids else kids[0], rect, hidden, gap, out)
        return
    if node.kind in ("horizontal", "vertical"):
        shares = _shares(node, kids)
        rects = _split(rect, shares, horizontal=node.kind == "horizontal", gap=gap)
    else:
        rects = grid_rects(len(kids), rect, node.grid_columns, gap)
    for child, r in zip(kids, rects, strict=True):
        _place(child, r, hidden, gap, out)


def _shares(node: ContainerSpec, kids: list[Node]) -> list[float]:
    if node.shares is None or len(node.shares) != len(node.children):
        return [1.0] * len(kids)
    by_id = {c.id: s for c, s in zip(node.children, node.shares, strict=True)}
    return [max(1e-6, float(by_id[k.id])) for k in kids]


def _split(rect: Rect, shares: list[float], *, horizontal: bool, gap: int) -> list[Rect]:
    x, y, w, h = rect
    total, length = sum(shares), (w if horizontal else h)
    edges = [round(length * sum(shares[:i]) / total) for i in range(len(shares) + 1)]
    out = []
    for i in range(len(shares)):
        g = gap if i + 1 < len(shares) else 0
        a, size = edges[i], max(1, edges[i + 1] - edges[i] - g)
        out.append((x + a, y, size, h) if horizontal else (x, y + a, w, size))
    return out


def grid_rects(n: int, rect: Rect, columns: int | None = None, gap: int = 2) -> list[Rect]:
    """``n`` cells filling ``rect`` row by row: near-square, or ``columns`` wide (Rerun's grid)."""
    x, y, width, height = rect
    if n == 0:
        return []
    if columns is None:
        columns = math.ceil(math.sqrt(n))
        if width < height:
            columns = max(1, math.ceil(n / math.ceil(math.sqrt(n))) if n > 2 else 1)
    cols = max(1, min(columns, n))
    rows = math.ceil(n / cols)
    out = []
    for i in range(n):
        r, c = divmod(i, cols)
        in_row = min(cols, n - r * cols)
        x0, x1 = round(c * width / in_row), round((c + 1) * width / in_row)
        y0, y1 = round(r * height / rows), round((r + 1) * height / rows)
        gx = gap if c + 1 < in_row else 0
        gy = gap if r + 1 < rows else 0
        out.append((x + x0, y + y0, max(1, x1 - x0 - gx), max(1, y1 - y0 - gy)))
    return out
