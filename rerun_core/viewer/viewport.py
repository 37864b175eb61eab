"""The user's choices about the viewport tree: hidden views and containers, entities hidden in one
view, the maximized view, picked tabs, the header strip. Kept apart from the tree itself, which the
heuristics rebuild as data arrives (choices are keyed by node id, so they survive that).

No locking here: ``ViewerApp`` calls in under its own lock.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from rerun_core.viewer.layout import ContainerSpec, find, layout_tree, path_to, views_of
from rerun_core.viewer.panel_tree import hidden_by, view_tree
from rerun_core.viewer.specs import ViewSpec

Visible = Callable[[str], bool]


class Viewport:
    """The layout tree plus what the user toggled on it; ``place`` gives the shown views' rects."""

    def __init__(self) -> None:
        self.root = ContainerSpec("viewport", "grid", name="Viewport")
        self.hidden_nodes: set[str] = set()  # views / containers switched off
        self.hidden_in_view: dict[str, set[str]] = {}  # view id -> entities hidden in that view only
        self.maximized: str | None = None
        self.active_tabs: dict[str, str] = {}  # tabs container id -> the child the user picked
        self.header = 0  # pixels above each view kept for its HTML title strip (the widget's)
        self._tree_cache: tuple[tuple[Any, ...], dict[str, Any]] | None = None

    def set_root(self, root: ContainerSpec) -> None:
        self.root = root
        if self.maximized is not None and find(root, self.maximized) is None:
            self.maximized = None

    def place(self, width: int, height: int) -> list[ViewSpec]:
        """Rects for the views shown now (tabs picked, hidden nodes out, maximize honoured)."""
        for container_id, child_id in self.active_tabs.items():
            node = find(self.root, container_id)
            if isinstance(node, ContainerSpec):
                ids = [c.id for c in node.children]
                if child_id in ids:
                    node.active_tab = ids.index(child_id)
        return layout_tree(
            self.root, width, height, hidden=self.hidden_nodes, maximized=self.maximized, header=self.header
        )

    def visible_in(self, view_id: str, is_visible: Visible) -> Visible:
        """The visibility test one view uses: that view's own toggles, then the global ones."""
        own = self.hidden_in_view.get(view_id)
        if not own:
            return is_visible
        return lambda entity: not hidden_by(entity, own) and is_visible(entity)

    def set_entity_visible_in_view(self, view_id: str, path: str, visible: bool) -> None:
        if not any(v.id == view_id for v in views_of(self.root)):
            raise ValueError(f"unknown view {view_id!r}")
        own = self.hidden_in_view.setdefault(view_id, set())
        (own.discard if visible else own.add)(path)

    def set_node_visible(self, node_id: str, visible: bool) -> None:
        node = find(self.root, node_id)
        if node is None:
            raise ValueError(f"unknown view or container {node_id!r}")
        (self.hidden_nodes.discard if visible else self.hidden_nodes.add)(node_id)
        if visible:  # a blueprint may have sent it hidden
            node.visible = True

    def maximize(self, view_id: str | None) -> None:
        if view_id is not None and not any(v.id == view_id for v in views_of(self.root)):
            raise ValueError(f"unknown view {view_id!r}")
        self.maximized = view_id

    def set_active_tab(self, container_id: str, child_id: str) -> None:
        node = find(self.root, container_id)
        if not isinstance(node, ContainerSpec) or child_id not in [c.id for c in node.children]:
            raise ValueError(f"{child_id!r} is not a tab of {container_id!r}")
        self.active_tabs[container_id] = child_id

    def reveal(self, node_id: str) -> bool:
        """Bring ``node_id`` to the front of every tab container above it; True if a tab changed."""
        changed = False
        for parent, child in itertools.pairwise(path_to(self.root, node_id)):
            if isinstance(parent, ContainerSpec) and parent.kind == "tabs":
                changed |= self.active_tabs.get(parent.id) != child.id
                self.active_tabs[parent.id] = child.id
        return changed

    def tree(self, is_visible: Visible, global_hidden: set[str]) -> dict[str, Any]:
        """The panel's nested dicts, rebuilt only when something they show changed."""
        key = (
            id(self.root),
            tuple((s.id, s.name, len(s.entities), s.visible) for s in views_of(self.root)),
            frozenset(self.hidden_nodes),
            frozenset((v, frozenset(p)) for v, p in self.hidden_in_view.items()),
            frozenset(global_hidden),
            self.maximized,
        )
        if self._tree_cache is None or self._tree_cache[0] != key:
            tree = view_tree(
                self.root,
                hidden_nodes=self.hidden_nodes,
                hidden_in_view=self.hidden_in_view,
                maximized=self.maximized,
                is_visible=is_visible,
            )
            self._tree_cache = (key, tree)
        return self._tree_cache[1]
