"""A blueprint store (``rr.send_blueprint``) read into the viewer's layout tree.

The SDK logs a blueprint like data: ``/viewport`` (ViewportBlueprint: root container, maximized
view), ``/container/<uuid>`` (ContainerBlueprint: kind, contents, shares, active tab, ...),
``/view/<uuid>`` (ViewBlueprint: class, name, origin) with ``/view/<uuid>/ViewContents`` (the
query filter) and the panels (``/blueprint_panel``, ``/selection_panel``, ``/time_panel``,
``/top_panel``). ``read_blueprint`` turns the newest state of such a store into
``ContainerSpec``/``BlueprintView`` nodes; ``resolve_entities`` fills each view's entities from its
query as data arrives. Pure Python (no pygfx): the notebook session imports it too.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field, fields
from typing import Any

from rerun_core.store.hub import StoreHub
from rerun_core.store.store import ChunkStore
from rerun_core.types import EntityPath
from rerun_core.viewer import view_registry
from rerun_core.viewer.heuristics import ViewSpec, _view_name, choose_views
from rerun_core.viewer.layout import ContainerSpec, Node, views_of

log = logging.getLogger(__name__)

# Rerun's view class identifiers -> our view kinds (from the view registry).
VIEW_KINDS = {v.class_identifier: k for k, v in view_registry.kinds().items() if v.class_identifier}
PLACEHOLDER = "placeholder"  # the kind of a view whose class this viewer cannot draw
CONTAINER_KINDS = {1: "tabs", 2: "horizontal", 3: "vertical", 4: "grid"}
PANEL_STATES = {1: "hidden", 2: "collapsed", 3: "expanded"}
PLAY_STATES = {1: "paused", 2: "playing", 3: "following"}
LOOP_MODES = {1: "off", 2: "selection", 3: "all"}
PANELS = {  # session panel name -> (blueprint entity, state component)
    "top": ("/top_panel", "PanelBlueprint:state"),
    "blueprint": ("/blueprint_panel", "PanelBlueprint:state"),
    "selection": ("/selection_panel", "PanelBlueprint:state"),
    "time": ("/time_panel", "TimePanelBlueprint:state"),
}
_MAX_DEPTH = 64


# --- the query filter -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    include: bool
    parts: tuple[str, ...]
    recursive: bool


@dataclass(frozen=True)
class EntityFilter:
    """Rerun's ``ViewContents`` query: ``+``/``-`` rules over paths, ``/**`` for a subtree.

    The most specific matching rule wins (a deeper path; at the same path an exact rule beats a
    subtree rule); among equal rules the last one written wins; no matching rule excludes.
    """

    rules: tuple[_Rule, ...] = ()

    @classmethod
    def parse(cls, expressions: str | list[str] | tuple[str, ...], origin: str = "/") -> EntityFilter:
        """Parse query lines (``$origin`` substituted; blank lines and ``#`` comments skipped)."""
        lines: list[str] = []
        for expr in [expressions] if isinstance(expressions, str) else list(expressions):
            lines.extend(str(expr).splitlines())
        base = EntityPath(origin).path.rstrip("/")
        rules = []
        for raw in lines:
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            include = not line.startswith("-")
            if line[0] in "+-":
                line = line[1:].strip()
            line = line.replace("$origin", base)
            recursive = line == "**" or line.endswith("/**")
            if recursive:
                line = line[:-2]
            rules.append(_Rule(include, _path_parts(line), recursive))
        return cls(tuple(rules))

    def matches(self, path: str) -> bool:
        parts = _path_parts(path)
        best: tuple[int, int] | None = None
        result = False
        for rule in self.rules:
            n = len(rule.parts)
            if parts[:n] != rule.parts or (not rule.recursive and n != len(parts)):
                continue
            rank = (n, 0 if rule.recursive else 1)
            if best is None or rank >= best:
                best, result = rank, rule.include
        return result

    def __str__(self) -> str:
        def one(r: _Rule) -> str:
            path = EntityPath(r.parts).path
            tail = ("/**" if path != "/" else "**") if r.recursive else ""
            return f"{'+' if r.include else '-'} {path}{tail}"

        return "\n".join(one(r) for r in self.rules)


def _path_parts(path: str) -> tuple[str, ...]:
    text = path.strip() or "/"
    try:
        return EntityPath(text if text.startswith("/") else "/" + text).parts
    except ValueError:  # forgiving, as Rerun's filter parser: plain '/'-separated parts
        return tuple(p for p in text.split("/") if p)


# --- the tree ---------------------------------------------------------------------------------


@dataclass
class BlueprintView(ViewSpec):
    """A view from a blueprint: its entities follow ``query`` (see ``resolve_entities``)."""

    query: EntityFilter = field(default_factory=EntityFilter)
    class_identifier: str = ""
    visible: bool = True
    message: str | None = None  # for placeholder views: why nothing is drawn
    hidden_entities: set[str] = field(default_factory=set)  # EntityBehavior(visible=False) overrides
    # the kind's view properties (``ViewKind.properties.read``: e.g. ``y_range``, ``background``,
    # ``map_zoom``), read as ``view.properties.get("y_range")``; absent where the blueprint sets nothing
    properties: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        d = super().as_dict()
        d["class_identifier"] = self.class_identifier
        entry = view_registry.get(self.kind)
        if entry is not None and entry.properties is not None:  # what the browser needs (map zoom, ...)
            d.update({k: self.properties.get(k) for k in sorted(entry.properties.layout_keys)})
        if self.message:
            d["message"] = self.message
        return d


@dataclass
class BlueprintRoot(ContainerSpec):
    """The blueprint's root container; with ``auto_views`` the viewer adds the views it would
    have chosen itself that the blueprint lacks (Rerun's ``ViewportBlueprint.auto_views``)."""

    auto_views: bool = False


@dataclass
class ViewerBlueprint:
    """Everything a viewer takes from one blueprint store."""

    root: ContainerSpec | None = None  # None: keep the heuristic layout (e.g. panels only)
    maximized: str | None = None
    auto_layout: bool | None = None
    auto_views: bool | None = None
    panel_states: dict[str, str] = field(default_factory=dict)
    time_panel: dict[str, Any] = field(default_factory=dict)  # timeline, play_state, loop_mode, ...

    def hidden_views(self) -> set[str]:
        """Ids of views the blueprint switched off (``visible=False``)."""
        if self.root is None:
            return set()
        return {v.id for v in views_of(self.root) if isinstance(v, BlueprintView) and not v.visible}


class _Reader:
    """Latest-at reads of one blueprint store at its newest ``blueprint`` time."""

    def __init__(self, store: ChunkStore) -> None:
        self.store = store
        self.timeline: str | None = None
        self.time: int | None = None
        rng = store.time_range("blueprint") if "blueprint" in store.timelines() else None
        if rng is not None:
            self.timeline, self.time = "blueprint", int(rng[1])

    def values(self, path: str, component: str) -> list[Any]:
        cells = self.store.latest_at(path, [component], self.timeline, self.time)
        cell = cells.get(component)
        return [] if cell is None else cell.values.to_pylist()

    def one(self, path: str, component: str) -> Any:
        vals = self.values(path, component)
        return vals[0] if vals else None


def read_blueprint(store: ChunkStore) -> ViewerBlueprint:
    """The layout, panel states and time-panel settings a blueprint store holds now."""
    r = _Reader(store)
    out = ViewerBlueprint()
    root_id = _uuid_str(r.one("/viewport", "ViewportBlueprint:root_container"))
    out.maximized = _uuid_str(r.one("/viewport", "ViewportBlueprint:maximized"))
    out.auto_layout = r.one("/viewport", "ViewportBlueprint:auto_layout")
    out.auto_views = r.one("/viewport", "ViewportBlueprint:auto_views")
    if root_id is not None:
        node = _read_node(r, f"container/{root_id}", set(), 0)
        if isinstance(node, ViewSpec):  # a bare view as root: wrap it so the root is a container
            node = ContainerSpec(root_id, "grid", [node], name="Viewport")
        if node is not None:
            out.root = BlueprintRoot(**{f.name: getattr(node, f.name) for f in fields(ContainerSpec)})
            out.root.auto_views = bool(out.auto_views)
    for name, (path, component) in PANELS.items():
        state = PANEL_STATES.get(r.one(path, component) or 0)
        if state is not None:
            out.panel_states[name] = state
    out.time_panel = _read_time_panel(r)
    return out


def _read_time_panel(r: _Reader) -> dict[str, Any]:
    tp: dict[str, Any] = {}
    for key in ("timeline", "playback_speed", "fps"):
        value = r.one("/time_panel", f"TimePanelBlueprint:{key}")
        if value is not None:
            tp[key] = value
    sel = r.one("/time_panel", "TimePanelBlueprint:time_selection")
    if isinstance(sel, dict) and sel.get("min") is not None and sel.get("max") is not None:
        tp["time_selection"] = (int(sel["min"]), int(sel["max"]))
    for key, names in (("play_state", PLAY_STATES), ("loop_mode", LOOP_MODES)):
        value = names.get(r.one("/time_panel", f"TimePanelBlueprint:{key}") or 0)
        if value is not None:
            tp[key] = value
    return tp


def _read_node(r: _Reader, ref: str, placed: set[str], depth: int) -> Node | None:
    """``ref`` is a ContainerBlueprint content entry: ``view/<uuid>`` or ``container/<uuid>``.

    ``placed`` holds the entries read so far: one listed twice (or in a cycle) is kept once."""
    ref = ref.strip("/")
    if ref in placed or depth > _MAX_DEPTH:
        log.warning("blueprint: %s is listed more than once (or nests too deep); skipped", ref)
        return None
    placed.add(ref)
    kind, _, ident = ref.partition("/")
    if kind == "view":
        return _read_view(r, ident)
    if kind != "container":
        log.warning("blueprint: unknown content %r; skipped", ref)
        return None
    path = "/" + ref
    kind_value = r.one(path, "ContainerBlueprint:container_kind")
    if kind_value is None:
        return None  # referenced but never logged
    contents = [str(c) for c in r.values(path, "ContainerBlueprint:contents")]
    children: list[Node] = []
    for c in contents:
        child = _read_node(r, c, placed, depth + 1)
        if child is not None:
            children.append(child)
    ckind = CONTAINER_KINDS.get(int(kind_value), "grid")
    spec = ContainerSpec(ident, ckind, children, name=r.one(path, "ContainerBlueprint:display_name") or "")
    spec.visible = r.one(path, "ContainerBlueprint:visible") is not False
    shares = r.values(
        path, "ContainerBlueprint:row_shares" if ckind == "vertical" else "ContainerBlueprint:col_shares"
    )
    if ckind in ("horizontal", "vertical") and shares:
        kept = [s for c, s in zip(contents, shares, strict=False) if _ref_id(c) in {n.id for n in children}]
        spec.shares = [float(s) for s in kept] if len(kept) == len(children) else None
    cols = r.one(path, "ContainerBlueprint:grid_columns")
    spec.grid_columns = int(cols) if cols else None
    active = r.one(path, "ContainerBlueprint:active_tab")
    if ckind == "tabs" and active:
        ids = [n.id for n in children]
        spec.active_tab = ids.index(_ref_id(active)) if _ref_id(active) in ids else 0
    return spec


def _read_view(r: _Reader, ident: str) -> BlueprintView | None:
    path = f"/view/{ident}"
    cls = r.one(path, "ViewBlueprint:class_identifier")
    if cls is None:
        return None
    origin = EntityPath(r.one(path, "ViewBlueprint:space_origin") or "/").path
    query = r.values(path + "/ViewContents", "ViewContents:query") or ["$origin/**"]
    kind = VIEW_KINDS.get(str(cls), PLACEHOLDER)
    name = r.one(path, "ViewBlueprint:display_name") or _view_name(origin)  # Rerun's placeholder name
    view = BlueprintView(ident, kind, origin, str(name), class_identifier=str(cls))
    view.query = EntityFilter.parse([str(q) for q in query], origin)
    view.visible = r.one(path, "ViewBlueprint:visible") is not False
    view.hidden_entities = _hidden_overrides(r, ident)
    entry = view_registry.get(kind)
    if entry is not None and entry.properties is not None:  # the kind reads its own view properties
        view.properties = entry.properties.read(lambda arch, fld: r.one(f"{path}/{arch}", f"{arch}:{fld}"))
    if kind == PLACEHOLDER:
        view.message = f"The {cls} view is not supported by this viewer yet"
    return view


def _hidden_overrides(r: _Reader, ident: str) -> set[str]:
    """Entities a view's overrides switch off: ``EntityBehavior:visible`` false at
    ``/view/<id>/ViewContents/overrides/<entity>/visualizers``."""
    head = ("view", ident, "ViewContents", "overrides")
    hidden = set()
    for p in r.store.entity_paths():
        parts = EntityPath(p).parts
        if parts[:4] == head and len(parts) > 5 and parts[-1] == "visualizers":
            if r.one(EntityPath(parts).path, "EntityBehavior:visible") is False:
                hidden.add(EntityPath(parts[4:-1]).path)
    return hidden


def _ref_id(ref: str) -> str:
    return str(ref).strip("/").partition("/")[2]


def _uuid_str(value: Any) -> str | None:
    if value is None:
        return None
    try:
        return str(uuid.UUID(bytes=bytes(value)))
    except (TypeError, ValueError):
        return None


def hub_blueprint(hub: StoreHub, application_id: str) -> ChunkStore | None:
    """The blueprint store a viewer of ``application_id`` uses from a ``StoreHub``: the hub's active
    blueprint if it belongs to that application, else its default one, else the newest sent for it."""
    for sid in (hub.active_blueprint_id, hub.default_blueprint_id):
        if sid is not None and sid.application_id == application_id:
            store = hub.get(sid)
            if store is not None:
                return store
    ids = [s for s in hub.blueprints() if s.application_id == application_id]
    return hub.get(ids[-1]) if ids else None


# --- entities ---------------------------------------------------------------------------------


def view_entities(view: BlueprintView, index: dict[str, dict[str, Any]]) -> list[str]:
    """The entities of ``index`` (path -> archetypes) that ``view``'s query and kind take."""
    entry = view_registry.get(view.kind)
    wanted = entry.archetypes if entry is not None and entry.archetypes else None
    out = []
    for path in sorted(index):
        if path.startswith("/__") or not view.query.matches(path):
            continue
        if wanted is None or wanted & set(index[path]):
            out.append(path)
    return out


def resolve_entities(root: Node, index: dict[str, dict[str, Any]]) -> bool:
    """Refresh every blueprint view's entities from its query (and add the auto views of an
    ``auto_views`` root); True when anything changed."""
    changed = _add_auto_views(root, index) if isinstance(root, BlueprintRoot) and root.auto_views else False
    for view in views_of(root):
        if isinstance(view, BlueprintView):
            ents = view_entities(view, index)
            if ents != view.entities:
                view.entities = ents
                changed = True
    return changed


def _add_auto_views(root: BlueprintRoot, index: dict[str, dict[str, Any]]) -> bool:
    """Heuristic views whose kind and origin no blueprint view has join the root (kept up to date)."""
    present = {v.id: v for v in views_of(root)}
    taken = {(v.kind, v.origin) for v in present.values() if isinstance(v, BlueprintView)}
    changed = False
    for view in choose_views(index):
        if (view.kind, view.origin) in taken:
            continue
        mine = present.get(view.id)
        if mine is None:
            root.children.append(view)
            root.shares = None  # the sent shares were for the sent children
            changed = True
        elif mine.entities != view.entities:
            mine.entities = view.entities
            changed = True
    return changed


__all__ = [
    "PLACEHOLDER",
    "VIEW_KINDS",
    "BlueprintRoot",
    "BlueprintView",
    "EntityFilter",
    "ViewerBlueprint",
    "hub_blueprint",
    "read_blueprint",
    "resolve_entities",
    "view_entities",
]
