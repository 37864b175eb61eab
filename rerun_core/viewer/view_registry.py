"""The view kinds the viewer knows: one ``ViewKind`` entry per kind, in ``_BUILTIN`` below.

A ``ViewKind`` holds what its kind knows: how to make the view and feed it (``factory``, ``sync``),
where the layout puts it (``html``, ``layout_priority``), how blueprints name it and what it
shows (``class_identifier``, ``archetypes``), its blueprint view properties (``properties``:
read, applied to the view object, sent to the browser), when the default blueprint makes one
(``spawn``), and its browser half (``payload`` for the widget's state, ``snapshot`` for the saved
picture, ``messages`` for the browser -> kernel messages of its own controls; the built-in kinds'
are attached by ``rerun_notebook/view_kinds.py``).

How to add a view kind (ARCHITECTURE.md, "Adding a view kind"): one module with the view class
(``protocols.View`` / ``PixelView`` and the capability protocols it offers), its property reader
and applier, payload and snapshot if the browser draws it, and one ``ViewKind(...)`` added to
``_BUILTIN`` (a lazy factory, ``_lazy("module", "Class")``, keeps importing this module light);
plus its JS when the browser draws it.

``specs`` (PIXEL_KINDS, HTML_KINDS, LAYOUT_PRIORITY, CLASS_IDENTIFIER), ``blueprint_tree`` (VIEW_KINDS,
the kinds' archetypes and properties) and ``heuristics`` (the spawn rules) read their tables here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Any

from rerun_core.viewer import view_properties as props
from rerun_core.viewer.spaces import SPACE_MAP, archetypes_in
from rerun_core.viewer.view_properties import ViewProperties

if TYPE_CHECKING:
    from rerun_core.store.store import ChunkStore
    from rerun_core.viewer.protocols import MessageHandler, Payload, Snapshot, View
    from rerun_core.viewer.query import EntityIndex, Query
    from rerun_core.viewer.specs import ViewSpec


@dataclass
class SyncContext:
    """What a view's ``sync`` adapter may read: the store at the time cursor and the entity index."""

    store: ChunkStore
    query: Query  # at the time cursor
    index: EntityIndex
    visible: Callable[[str], bool]  # entity path -> shown in this view
    version_of: Callable[[str], tuple[int, int]]  # entity path -> changes when it got new data
    time_kind: str  # "sequence" | "duration_ns" | "timestamp_ns" of the cursor's timeline


SyncFn = Callable[[Any, SyncContext], None]  # (the kind's view object, context) -> None
Factory = Callable[["ViewSpec"], "View"]


@dataclass(frozen=True)
class Spawn:
    """When Rerun's default blueprint (``heuristics.choose_views``) makes views of a kind."""

    archetypes: frozenset[str]  # an entity carrying one of these gets (or joins) a view
    per_entity: bool = True  # one view per such entity (else one view at ``/`` holding them all)
    order: int = 0  # where the kind's views go in the default order (spatial views come first)


@dataclass(frozen=True)
class ViewKind:
    """One kind of view: how to make it, how to feed it, where the layout puts it."""

    kind: str  # our kind id, also the first part of view ids (``kind:origin``)
    factory: Factory  # ViewSpec -> view object
    sync: SyncFn | None = None  # (view, context) -> None, called when data or the cursor changed
    html: bool = False  # True: the widget draws it as HTML; its rect stays blank in frames
    layout_priority: int = 0  # Rerun's ViewClassLayoutPriority (spatial 2, tensor 1, others 0)
    class_identifier: str | None = None  # Rerun's view class ("TimeSeries"); None: no blueprint class
    archetypes: frozenset[str] = field(default_factory=frozenset)  # a blueprint view's entities carry one
    properties: ViewProperties | None = None  # its blueprint view properties: read, apply, to the browser
    spawn: Spawn | None = None  # the default blueprint's rule (None: blueprint-only, or spatial's own)
    # the browser half (set by the notebook layer for the built-in kinds: rerun_notebook/view_kinds.py)
    payload: Payload | None = None  # the data the browser draws the view from (state entry keys)
    snapshot: Snapshot | None = None  # how the saved notebook's static picture draws an HTML view
    # browser message type -> its handler (e.g. ``tensor_slice``), dispatched by ``message_handler``
    messages: Mapping[str, MessageHandler] = field(default_factory=dict)


_KINDS: dict[str, ViewKind] = {}


def register(kind: ViewKind) -> ViewKind:
    """Add (or replace) a view kind."""
    _KINDS[kind.kind] = kind
    property_names.cache_clear()
    return kind


def unregister(kind: str) -> ViewKind | None:
    """Remove a kind (tests registering a temporary one); returns its entry."""
    property_names.cache_clear()
    return _KINDS.pop(kind, None)


def get(kind: str) -> ViewKind | None:
    return _KINDS.get(kind)


def kinds() -> dict[str, ViewKind]:
    """All registered kinds by id (a copy)."""
    return dict(_KINDS)


@cache
def property_names() -> frozenset[str]:
    """Every view property name some kind reads (the keys of ``BlueprintView.properties``)."""
    return frozenset(n for k in _KINDS.values() if k.properties is not None for n in k.properties.names)


def attach(
    kind: str,
    *,
    payload: Payload | None = None,
    snapshot: Snapshot | None = None,
    messages: Mapping[str, MessageHandler] | None = None,
) -> ViewKind:
    """Give a registered kind its browser half (the notebook layer does this for the built-in kinds)."""
    entry = replace(_KINDS[kind], payload=payload, snapshot=snapshot, messages=dict(messages or {}))
    return register(entry)


def message_handler(msg_type: str) -> MessageHandler | None:
    """The handler of a browser message type a kind declares (``ViewKind.messages``), or None."""
    for entry in _KINDS.values():
        handler = entry.messages.get(msg_type)
        if handler is not None:
            return handler
    return None


def make_view(spec: ViewSpec) -> View:
    """A new view object for ``spec``; unknown kinds get the placeholder view."""
    entry = _KINDS.get(spec.kind) or _KINDS["placeholder"]
    return entry.factory(spec)


def apply_properties(view: View, spec: ViewSpec, values: dict[str, Any]) -> None:
    """Set a blueprint's view properties (``ViewKind.properties``) on the view object of ``spec``."""
    entry = _KINDS.get(spec.kind)
    if entry is not None and entry.properties is not None and entry.properties.apply is not None:
        entry.properties.apply(view, values)


def sync_view(view: View, spec: ViewSpec, ctx: SyncContext) -> None:
    """Feed ``view`` (of ``spec.kind``) the data at the cursor; kinds without an adapter read nothing."""
    entry = _KINDS.get(spec.kind)
    if entry is not None and entry.sync is not None:
        entry.sync(view, ctx)


def is_html(kind: str) -> bool:
    entry = _KINDS.get(kind)
    return entry is not None and entry.html


def _lazy(module: str, name: str) -> Factory:
    """A factory importing ``module`` on first use (view modules import pygfx)."""

    def make(spec: ViewSpec) -> View:
        cls: Factory = getattr(importlib.import_module(module), name)  # a view class by name
        return cls(spec)

    return make


def _sync_plain(view: Any, ctx: SyncContext) -> None:
    view.sync(ctx.query, ctx.index, ctx.visible)


def _sync_timeseries(view: Any, ctx: SyncContext) -> None:
    view.sync(ctx.store, ctx.query, ctx.index, ctx.visible, ctx.version_of, ctx.time_kind)


class HtmlView:
    """The kernel-side stand-in of a view the widget draws as HTML (text log, text document)."""

    def __init__(self, spec: ViewSpec) -> None:
        from rerun_core.viewer.camera import PlotCamera

        self.spec = spec
        self.camera = PlotCamera()

    def reset_camera(self) -> None:
        pass


_SPATIAL = "rerun_core.viewer.spatial_view"
_PLOTS = "rerun_core.viewer.plot_views"
_BUILTIN = [
    ViewKind(
        "spatial3d",
        _lazy(_SPATIAL, "SpatialView"),
        _sync_plain,
        layout_priority=2,
        class_identifier="3D",
        properties=props.SPATIAL3D,
    ),
    ViewKind(
        "spatial2d",
        _lazy(_SPATIAL, "SpatialView"),
        _sync_plain,
        layout_priority=2,
        class_identifier="2D",
        properties=props.SPATIAL2D,
    ),
    ViewKind(
        "timeseries",
        _lazy(_PLOTS, "TimeSeriesView"),
        _sync_timeseries,
        class_identifier="TimeSeries",
        archetypes=frozenset({"Scalars"}),
        properties=props.PLOT,
        spawn=Spawn(frozenset({"Scalars"}), order=2),  # one plot per series entity (Rerun 0.41)
    ),
    ViewKind(
        "bar_chart",
        _lazy(_PLOTS, "BarChartView"),
        _sync_plain,
        class_identifier="BarChart",
        archetypes=frozenset({"BarChart"}),
        properties=props.PLOT,
        spawn=Spawn(frozenset({"BarChart"}), order=4),
    ),
    ViewKind(
        "tensor",
        _lazy(_PLOTS, "TensorView"),
        _sync_plain,
        layout_priority=1,
        class_identifier="Tensor",
        archetypes=frozenset({"Tensor"}),
        spawn=Spawn(frozenset({"Tensor"}), order=3),
    ),
    ViewKind(
        "text_log",
        HtmlView,
        html=True,
        class_identifier="TextLog",
        archetypes=frozenset({"TextLog"}),
        spawn=Spawn(frozenset({"TextLog"}), per_entity=False, order=7),  # one view for all logs
    ),
    ViewKind(
        "text_document",
        HtmlView,
        html=True,
        class_identifier="TextDocument",
        archetypes=frozenset({"TextDocument"}),
        spawn=Spawn(frozenset({"TextDocument"}), order=6),
    ),
    # Rerun's dataframe view (blueprint only: the heuristics never make one); rows: dataframe_view.py
    ViewKind("dataframe", HtmlView, html=True, class_identifier="Dataframe", properties=props.DATAFRAME),
    # the map: the widget draws tiles + geo data in the browser from ``map_data.map_payload``
    ViewKind(
        "map",
        HtmlView,
        html=True,
        class_identifier="Map",
        archetypes=archetypes_in(SPACE_MAP),
        properties=props.MAP,
        spawn=Spawn(archetypes_in(SPACE_MAP), per_entity=False, order=8),  # one map at the root
    ),
    # Rerun's graph view: GraphNodes + GraphEdges, force layout (graph_view.py, graph_layout.py)
    ViewKind(
        "graph",
        _lazy("rerun_core.viewer.graph_view", "GraphView"),
        _sync_plain,
        layout_priority=1,
        class_identifier="Graph",
        archetypes=frozenset({"GraphNodes", "GraphEdges"}),
        properties=props.GRAPH,
        spawn=Spawn(frozenset({"GraphNodes"}), order=5),  # Rerun: per GraphNodes entity, just it
    ),
    # a blueprint's view of a class this viewer cannot draw: says so in its rect
    ViewKind(
        "placeholder", _lazy("rerun_core.viewer.placeholder_view", "PlaceholderView"), layout_priority=1
    ),
]
for _kind in _BUILTIN:
    register(_kind)

__all__ = [
    "HtmlView",
    "Spawn",
    "SyncContext",
    "ViewKind",
    "ViewProperties",
    "apply_properties",
    "attach",
    "get",
    "is_html",
    "kinds",
    "make_view",
    "message_handler",
    "property_names",
    "register",
    "sync_view",
    "unregister",
]
