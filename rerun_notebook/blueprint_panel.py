"""The left panel's blueprint section: the renderer's tree as flat rows for the browser.

Rerun's blueprint panel lists the viewport's containers, their views and, under each view, the
entities it shows (a tree from the view's origin). Each row carries what the browser needs to draw
it and to send the row's actions back (eye toggle, maximize, select) without knowing the tree.
"""

from __future__ import annotations

from typing import Any

Item = dict[str, Any]
Tree = dict[str, Any]


def _selected(row: dict[str, Any], selection: list[Item], view_name: str | None) -> bool:
    for item in selection:
        kind = item.get("type")
        if row["type"] == "view" and kind == "view" and item.get("view_id") == row["id"]:
            return True
        if row["type"] == "container" and kind == "container" and item.get("container_id") == row["id"]:
            return True
        if row["type"] == "entity" and kind in (None, "entity") and item.get("entity_path") == row["path"]:
            if item.get("view_name") in (None, view_name):
                return True
    return False


def panel_rows(tree: Tree | None, selection: list[Item] | None = None) -> list[dict[str, Any]]:
    """Depth-first rows: containers, views, then each view's entity tree (``key`` is unique)."""
    if not tree:
        return []
    selection = selection or []
    rows: list[dict[str, Any]] = []

    def entity(node: dict[str, Any], view: dict[str, Any], depth: int) -> None:
        row = {
            "key": f"e:{view['id']}:{node['path']}",
            "type": "entity",
            "id": view["id"],
            "view_id": view["id"],
            "path": node["path"],
            "name": node["name"],
            "depth": depth,
            "visible": node["visible"],
            "shown": node["shown"] and view["shown"],
            "has_data": node["has_data"],
            "has_children": bool(node["children"]),
        }
        row["selected"] = _selected(row, selection, view["name"])
        rows.append(row)
        for child in node["children"]:
            entity(child, view, depth + 1)

    def walk(node: dict[str, Any], depth: int) -> None:
        is_view = node["type"] == "view"
        row = {
            "key": f"{'v' if is_view else 'c'}:{node['id']}",
            "type": node["type"],
            "id": node["id"],
            "name": node["name"],
            "kind": node["kind"],
            "depth": depth,
            "visible": node["visible"],
            "shown": node["shown"],
            "maximized": bool(node.get("maximized")),
            "root": depth == 0 and not is_view,
            "has_children": bool(node.get("entities") if is_view else node.get("children")),
        }
        if is_view:
            row["origin"] = node.get("origin")
        row["selected"] = _selected(row, selection, None)
        rows.append(row)
        if is_view:
            for e in node.get("entities", []):
                entity(e, node, depth + 1)
        else:
            for child in node.get("children", []):
                walk(child, depth + 1)

    walk(tree, 0)
    return rows


def find_node(tree: Tree | None, node_id: str) -> dict[str, Any] | None:
    """The container or view with ``node_id`` in the renderer's tree."""
    if not tree:
        return None
    if tree.get("id") == node_id:
        return tree
    for child in tree.get("children", []):
        hit = find_node(child, node_id)
        if hit is not None:
            return hit
    return None


def selection_item(tree: Tree | None, node_id: str, entity_path: str | None = None) -> Item:
    """The selection item a click on a panel row makes, in rerun-sdk's event shapes."""
    node = find_node(tree, node_id)
    if node is None:
        raise ValueError(f"unknown view or container {node_id!r}")
    if entity_path is not None:
        return {"type": "entity", "entity_path": entity_path, "instance_id": None, "view_name": node["name"]}
    if node["type"] == "view":
        return {"type": "view", "view_id": node["id"], "view_name": node["name"]}
    return {"type": "container", "container_id": node["id"], "container_name": node["name"]}
