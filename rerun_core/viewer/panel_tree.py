"""The blueprint tree as the left panel shows it: containers -> views -> each view's entities.

Plain nested dicts (JSON-ready), computed from the layout tree plus the visibility state, so the
panel code never touches ViewSpecs or the store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rerun_core.types import EntityPath
from rerun_core.viewer.layout import ContainerSpec, Node, node_title
from rerun_core.viewer.specs import ViewSpec


def view_tree(
    root: ContainerSpec,
    *,
    hidden_nodes: set[str],
    hidden_in_view: dict[str, set[str]],
    maximized: str | None,
    is_visible: Callable[[str], bool],
) -> dict[str, Any]:
    """``root`` as nested dicts; ``shown`` says whether a node is on screen after all toggles."""

    def walk(node: Node, parent_shown: bool) -> dict[str, Any]:
        own = node.id not in hidden_nodes and node.visible
        shown = parent_shown and own
        if isinstance(node, ViewSpec):
            hidden = hidden_in_view.get(node.id, set())
            return {
                "type": "view",
                "id": node.id,
                "kind": node.kind,
                "name": node.name,
                "origin": node.origin,
                "visible": own,
                "shown": shown or maximized == node.id,
                "maximized": maximized == node.id,
                "entities": entity_nodes(node, hidden, is_visible),
            }
        return {
            "type": "container",
            "id": node.id,
            "kind": node.kind,
            "name": node_title(node),
            "visible": own,
            "shown": shown,
            "children": [walk(c, shown) for c in node.children],
        }

    return walk(root, True)


def hidden_by(path: EntityPath | str, hidden: set[str]) -> bool:
    """True when ``path`` or one of its ancestors is in ``hidden`` (hiding takes the subtree)."""
    p: EntityPath | None = path if isinstance(path, EntityPath) else EntityPath(path)
    while p is not None:
        if p.path in hidden:
            return True
        p = p.parent()
    return False


def entity_nodes(view: ViewSpec, hidden: set[str], is_visible: Callable[[str], bool]) -> list[dict[str, Any]]:
    """The view's entities as a tree from its origin; entities outside the origin follow it."""
    origin = EntityPath(view.origin)
    data = set(view.entities)
    nodes: dict[str, dict[str, Any]] = {}
    tops: list[dict[str, Any]] = []

    def node(path: EntityPath, name: str) -> dict[str, Any]:
        hit = nodes.get(path.path)
        if hit is None:
            hit = nodes[path.path] = {
                "path": path.path,
                "name": name,
                "has_data": path.path in data,
                "visible": path.path not in hidden,
                "shown": not hidden_by(path, hidden) and is_visible(path.path),
                "children": [],
            }
        return hit

    inside = [e for e in view.entities if EntityPath(e).starts_with(origin)]
    if inside or not view.entities:
        tops.append(node(origin, origin.parts[-1] if origin.parts else "/"))
    for e in sorted(inside, key=lambda s: EntityPath(s).parts):
        parent = nodes[origin.path]
        parts = EntityPath(e).parts
        for i in range(len(origin.parts) + 1, len(parts) + 1):
            sub = EntityPath(parts[:i])
            fresh = sub.path not in nodes
            child = node(sub, parts[i - 1])
            if fresh:
                parent["children"].append(child)
            parent = child
    for e in sorted(set(view.entities) - set(inside)):
        tops.append(node(EntityPath(e), EntityPath(e).path))
    return tops
