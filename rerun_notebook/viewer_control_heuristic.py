"""The blueprint of a recording nobody sent one for, as Rerun 0.41's viewer control reports it.

0.41 writes its heuristic layout into a blueprint store of its own (id ``Blueprint:<app>:<app>``)
and ``get_blueprint`` answers it: the containers (a lone view sits in a tab container), every view
(class, origin, title bar, visibility) with its ``ViewContents`` query, the viewport's root, the
time panel's play state, and a recursive ``Clear`` of one fixed container path it writes at start.
This viewer lays out the same tree (``heuristics.choose_layout``) without a store; ``heuristic_json``
writes it in that JSON form, with the view ids ``get_state`` gives. ``FIELD_TYPES`` are the Arrow
types 0.41 stores those fields in, so that ``set_blueprint`` can write a blueprint when no blueprint
was ever sent to take the types from.
"""

from __future__ import annotations

import uuid
from typing import Any

import pyarrow as pa

from rerun_core.types.descriptor import ComponentDescriptor
from rerun_core.viewer import view_registry
from rerun_core.viewer.heuristics import ARCH_2D, ARCH_3D, choose_layout
from rerun_core.viewer.layout import ContainerSpec, Node
from rerun_core.viewer.query import EntityIndex
from rerun_core.viewer.specs import CLASS_IDENTIFIER, ViewSpec

# the container path 0.41 clears (recursively) in every heuristic blueprint it reports
CLEARED_CONTAINER = "c4ab0361-d4e0-cc8d-faf6-f08202383e3c"
_UUID = pa.list_(pa.field("item", pa.uint8(), False), 16)
_BP = "rerun.blueprint.components."
# Archetype:field -> (component type, Arrow type of one value), as 0.41's blueprint stores hold them
_FIELDS: dict[str, tuple[str, pa.DataType]] = {
    "ContainerBlueprint:active_tab": (_BP + "ActiveTab", pa.string()),
    "ContainerBlueprint:col_shares": (_BP + "ColumnShare", pa.float32()),
    "ContainerBlueprint:container_kind": (_BP + "ContainerKind", pa.uint8()),
    "ContainerBlueprint:contents": (_BP + "IncludedContent", pa.string()),
    "ContainerBlueprint:display_name": ("rerun.components.Name", pa.string()),
    "ContainerBlueprint:grid_columns": (_BP + "GridColumns", pa.uint32()),
    "ContainerBlueprint:row_shares": (_BP + "RowShare", pa.float32()),
    "ContainerBlueprint:visible": ("rerun.components.Visible", pa.bool_()),
    "PanelBlueprint:state": (_BP + "PanelState", pa.uint8()),
    "TimePanelBlueprint:fps": (_BP + "Fps", pa.float64()),
    "TimePanelBlueprint:loop_mode": (_BP + "LoopMode", pa.uint8()),
    "TimePanelBlueprint:play_state": (_BP + "PlayState", pa.uint8()),
    "TimePanelBlueprint:playback_speed": (_BP + "PlaybackSpeed", pa.float64()),
    "TimePanelBlueprint:state": (_BP + "PanelState", pa.uint8()),
    "TimePanelBlueprint:timeline": (_BP + "TimelineName", pa.string()),
    "ViewBlueprint:class_identifier": (_BP + "ViewClass", pa.string()),
    "ViewBlueprint:display_name": ("rerun.components.Name", pa.string()),
    "ViewBlueprint:space_origin": (_BP + "ViewOrigin", pa.string()),
    "ViewBlueprint:titlebar": (_BP + "Enabled", pa.bool_()),
    "ViewBlueprint:visible": ("rerun.components.Visible", pa.bool_()),
    "ViewContents:query": (_BP + "QueryExpression", pa.string()),
    "ViewportBlueprint:auto_layout": (_BP + "AutoLayout", pa.bool_()),
    "ViewportBlueprint:auto_views": (_BP + "AutoViews", pa.bool_()),
    "ViewportBlueprint:maximized": (_BP + "ViewMaximized", _UUID),
    "ViewportBlueprint:past_viewer_recommendations": (_BP + "ViewerRecommendationHash", pa.uint64()),
    "ViewportBlueprint:root_container": (_BP + "RootContainer", _UUID),
    "Clear:is_recursive": ("rerun.components.ClearIsRecursive", pa.bool_()),
}


def _archetype(name: str) -> str:
    return f"rerun.archetypes.{name}" if name == "Clear" else f"rerun.blueprint.archetypes.{name}"


FIELD_TYPES: dict[str, tuple[ComponentDescriptor, pa.DataType]] = {
    key: (ComponentDescriptor(key, _archetype(key.split(":")[0]), component_type), dtype)
    for key, (component_type, dtype) in _FIELDS.items()
}


def container_uuid(container_id: str) -> str:
    """A container's id as 0.41 gives it, a UUID, derived from this viewer's id, the same each time."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"rerun-container:{container_id}"))


def _lone(items: list[Any]) -> Any:
    """0.41's JSON form writes a one-value field as the value itself."""
    return items[0] if len(items) == 1 else items


def _query(view: ViewSpec, index: dict[str, dict[str, set[str]]]) -> list[str]:
    """The ``ViewContents`` query 0.41 writes for a view it spawned: a per-entity view its origin;
    a space view the origin's subtree less the spaces other views show (``- /img/**``)."""
    registered = view_registry.get(view.kind)
    spawn = registered.spawn if registered is not None else None
    if spawn is not None and spawn.per_entity:
        return ["+ $origin", "- /__properties/**"]
    rules = ["+ $origin/**"]
    if view.kind in ("spatial2d", "spatial3d"):
        origin = view.origin.rstrip("/") + "/"
        mine = set(view.entities)
        spatial = ARCH_2D | ARCH_3D
        others = sorted(
            p
            for p, archs in index.items()
            if (p + "/").startswith(origin) and p not in mine and set(archs) & spatial
        )
        roots: list[str] = []
        for path in others:
            if not any((path + "/").startswith(r + "/") for r in roots):
                roots.append(path)
        rules += [f"- {r}/**" for r in roots]
    return [*rules, "- /__properties/**"]


def heuristic_json(store: Any, time_panel: dict[str, Any] | None = None) -> dict[str, Any]:
    """The blueprint 0.41 reports for ``store`` laid out by its heuristics, in the JSON form of
    ``viewer_control_ops.blueprint_json``; ``time_panel``: its time panel's fields (the play
    state; the timeline once one was picked), by default paused."""
    from rerun_notebook.viewer_control import view_uuid

    index = EntityIndex()
    index.add_chunks(store.chunks())
    root = choose_layout(index.archetypes)
    if len(root.children) == 1 and not isinstance(root.children[0], ContainerSpec):
        root = ContainerSpec(root.id, "tabs", list[Node](root.children))  # 0.41: a lone view in tabs
    out: dict[str, Any] = {f"/container/{CLEARED_CONTAINER}": {"Clear": {"is_recursive": True}}}

    def ref(node: Node) -> str:
        if isinstance(node, ContainerSpec):
            return f"/container/{container_uuid(node.id)}"
        return f"/view/{view_uuid(node.id)}"

    def add(node: Node) -> None:
        if isinstance(node, ContainerSpec):
            fields: dict[str, Any] = {
                "container_kind": node.kind.title(),
                "contents": _lone([ref(c) for c in node.children]),
                "visible": True,
            }
            if node.kind == "tabs" and node.children:
                fields["active_tab"] = ref(node.children[min(node.active_tab, len(node.children) - 1)])
            if node.grid_columns is not None:
                fields["grid_columns"] = node.grid_columns
            out[ref(node)] = {"ContainerBlueprint": dict(sorted(fields.items()))}
            for child in node.children:
                add(child)
            return
        out[ref(node)] = {
            "ViewBlueprint": {
                "class_identifier": CLASS_IDENTIFIER.get(node.kind, node.kind),
                "space_origin": node.origin or "/",
                "titlebar": True,
                "visible": True,
            }
        }
        out[ref(node) + "/ViewContents"] = {"ViewContents": {"query": _query(node, index.archetypes)}}

    if root.children:
        add(root)
        out["/viewport"] = {"ViewportBlueprint": {"root_container": container_uuid(root.id)}}
    out["/time_panel"] = {"TimePanelBlueprint": dict(time_panel or {"play_state": "Paused"})}
    return dict(sorted(out.items()))
