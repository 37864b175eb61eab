"""The viewport as a tree of containers and views, laid out into pixel rects (Rerun's blueprint model).

A view set chosen by the heuristics or read from a sent blueprint becomes one tree: containers
(grid, horizontal, vertical, tabs) whose leaves are ``ViewSpec``s. ``layout_tree`` gives every
shown view its rect; views that are hidden, in an inactive tab, or outside a maximized view get an
empty rect and are not returned, so renderers and panels skip them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from rerun_core.types import EntityPath
from rerun_core.viewer.specs import CLASS_IDENTIFIER, CONTAINER_TITLES, LAYOUT_PRIORITY, ViewSpec

Rect = tuple[int, int, int, int]  # x, y, w, h in pixels
CONTAINER_KINDS = ("grid", "horizontal", "vertical", "tabs")
ROOT_ID = "viewport"
MAX_GRID_VIEWS = 12  # more views than this: one tab container per view class (Rerun)


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
    return ContainerSpec(ROOT_ID, "grid", list(views), name="Viewport")


def _natural(part: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key putting ``cam2`` before ``cam10``, as Rerun orders entity path parts."""
    return tuple((0, int(t)) if t.isdigit() else (1, t) for t in re.findall(r"\d+|\D+", part))


def _priority(view: ViewSpec) -> int:
    return LAYOUT_PRIORITY.get(view.kind, 1)


def auto_tree(views: list[ViewSpec]) -> ContainerSpec:
    """Rerun 0.41's automatic layout of views that no blueprint placed.

    Views sorted by origin, then name. Three views: the one with the highest layout priority
    (spatial > tensor > plots and text) beside a grid of the other two. Up to 12: one grid. More:
    one tab container per view class, spatial classes first, in a grid.
    """
    ordered = sorted(views, key=lambda v: ([_natural(p) for p in EntityPath(v.origin).parts], v.name, v.id))
    if len(ordered) == 3:
        first, *rest = sorted(ordered, key=lambda v: -_priority(v))
        inner = ContainerSpec(f"grid:{rest[0].id}", "grid", list[Node](rest))
        return ContainerSpec(ROOT_ID, "grid", [first, inner], name="Viewport")
    if len(ordered) <= MAX_GRID_VIEWS:
        return default_tree(ordered)
    groups: dict[str, list[ViewSpec]] = {}
    for v in ordered:
        groups.setdefault(CLASS_IDENTIFIER.get(v.kind, v.kind), []).append(v)
    by_class = sorted((groups[k] for k in sorted(groups)), key=lambda g: -_priority(g[0]))
    tabs: list[Node] = [ContainerSpec(f"tabs:{g[0].kind}", "tabs", list(g)) for g in by_class]
    if len(tabs) == 1:
        only = tabs[0]
        assert isinstance(only, ContainerSpec)
        only.id, only.name = ROOT_ID, "Viewport"
        return only
    return ContainerSpec(ROOT_ID, "grid", tabs, name="Viewport")


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


def path_to(node: Node, node_id: str) -> list[Node]:
    """The nodes from ``node`` down to the one with ``node_id`` (empty when it is not there)."""
    if node.id == node_id:
        return [node]
    if isinstance(node, ContainerSpec):
        for c in node.children:
            below = path_to(c, node_id)
            if below:
                return [node, *below]
    return []


def layout_tree(
    root: ContainerSpec,
    width: int,
    height: int,
    *,
    hidden: frozenset[str] | set[str] = frozenset(),
    maximized: str | None = None,
    gap: int = 2,
    header: int = 0,
) -> list[ViewSpec]:
    """Assign ``rect`` to every view under ``root``; return the shown ones in draw order.

    ``hidden`` holds ids of views or containers the user switched off; ``maximized`` the id of a
    view that takes the whole viewport. ``header``: pixels kept free above each view's content for
    its title strip (as Rerun's tab bar), at most a third of the tile.
    """
    for v in views_of(root):
        v.rect, v.header, v.tab_bar = (0, 0, 0, 0), 0, None
    shown: list[ViewSpec] = []
    target = find(root, maximized) if maximized is not None else None
    if isinstance(target, ViewSpec):
        target.rect = (0, 0, max(1, width), max(1, height))
        shown = [target]
    else:
        _place(root, (0, 0, max(1, width), max(1, height)), hidden, gap, shown)
    for v in shown:
        x, y, w, h = v.rect
        v.header = min(header, h // 3)
        v.rect = (x, y + v.header, w, max(1, h - v.header))
    return shown


def _visible(node: Node, hidden: frozenset[str] | set[str]) -> bool:
    if node.id in hidden or not node.visible:  # a blueprint's views and containers may be off
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
        active = active if active in kids else kids[0]
        _place(active, rect, hidden, gap, out)
        if isinstance(active, ViewSpec):  # its header shows the tabs (Rerun's tab bar)
            active.tab_bar = {
                "container": node.id,
                "tabs": [{"id": k.id, "name": node_title(k)} for k in kids],
            }
        return
    if node.kind in ("horizontal", "vertical"):
        shares = _shares(node, kids)
        rects = _split(rect, shares, horizontal=node.kind == "horizontal", gap=gap)
    else:
        rects = grid_rects(len(kids), rect, node.grid_columns, gap)
    for child, r in zip(kids, rects, strict=True):
        _place(child, r, hidden, gap, out)


def node_title(node: Node) -> str:
    """What headers and the blueprint panel call a node (Rerun's placeholder for unnamed containers)."""
    if isinstance(node, ViewSpec):
        return node.name
    return node.name or CONTAINER_TITLES.get(node.kind, node.kind)


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


def grid_columns(n: int, width: float, height: float, gap: int = 2) -> int:
    """Columns for ``n`` cells: cells closest to 4:3, each empty cell costing 0.1 (egui_tiles' rule)."""
    best, best_loss = 1, math.inf
    for cols in range(1, n + 1):
        rows = math.ceil(n / cols)
        cell_w = (width - gap * (cols - 1)) / cols
        cell_h = max(1e-6, (height - gap * (rows - 1)) / rows)
        loss = abs(4 / 3 - cell_w / cell_h) + 0.1 * (cols * rows - n)
        if loss < best_loss:
            best, best_loss = cols, loss
    return best


def grid_rects(n: int, rect: Rect, columns: int | None = None, gap: int = 2) -> list[Rect]:
    """``n`` equal cells filling ``rect`` row by row; a short last row leaves cells empty (Rerun's grid)."""
    x, y, width, height = rect
    if n == 0:
        return []
    cols = max(1, min(columns if columns is not None else grid_columns(n, width, height, gap), n))
    rows = math.ceil(n / cols)
    xs = _edges(width, cols, gap)
    ys = _edges(height, rows, gap)
    out = []
    for i in range(n):
        r, c = divmod(i, cols)
        out.append((x + xs[c][0], y + ys[r][0], xs[c][1], ys[r][1]))
    return out


def _edges(length: int, count: int, gap: int) -> list[tuple[int, int]]:
    """(offset, size) of ``count`` equal spans over ``length`` with ``gap`` between them."""
    out = []
    for i in range(count):
        a, b = round(i * length / count), round((i + 1) * length / count)
        out.append((a, max(1, b - a - (gap if i + 1 < count else 0))))
    return out
