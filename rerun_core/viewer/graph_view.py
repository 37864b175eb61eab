"""The graph view (Rerun 0.41's "Graph" class): GraphNodes + GraphEdges of its entities, laid out
by a force simulation (``graph_layout``) and drawn with pygfx in a 2D pan/zoom scene.

As Rerun draws it: a node with a label (its ``labels`` entry, else its id) is a framed text box;
with ``show_labels=False`` a filled circle of its radius (default 4); nodes only named by edges
are small grey circles. Edges are thin lines between node borders, arrowheads when the graph is
directed, curves when several edges join one pair, loops for self-edges. Scene units are Rerun's
(y down, text 12 units tall), so zooming scales text too. Nodes with ``positions`` are pinned.
The layout advances a bounded number of ticks per frame; ``animating`` says more frames follow.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pygfx as gfx

from rerun_core.viewer import arrow_data as ad
from rerun_core.viewer.camera import PanZoomCamera
from rerun_core.viewer.graph_geometry import NodeShape, edge_paths
from rerun_core.viewer.graph_layout import PAIR_BUDGET, ForceLayout, ForceParams, with_overrides
from rerun_core.viewer.plot_views import Text
from rerun_core.viewer.query import EntityIndex, Query, fields_of
from rerun_core.viewer.specs import ViewSpec
from rerun_core.viewer.visualizers.base import set_buffer

log = logging.getLogger(__name__)
TEXT_COLOR = (0.80, 0.80, 0.80, 1.0)
WEAK_COLOR = (0.45, 0.47, 0.50, 1.0)  # implicit nodes
FILL_COLOR = (0.11, 0.12, 0.13, 1.0)  # label boxes
SELECT_COLOR = (1.0, 0.85, 0.2, 1.0)
HOVER_COLOR = (0.24, 0.26, 0.29, 1.0)  # a hovered label box's fill
FONT_SIZE = 12.0
MARGIN = np.array([6.0, 4.0])  # inner margin of a label box (x, y), as Rerun's
FALLBACK_RADIUS = 4.0
IMPLICIT_RADIUS = 4.0
NODE_FIELDS = ("node_ids", "positions", "colors", "labels", "show_labels", "radii")
EDGE_FIELDS = ("edges", "graph_type")
DIRECTED = 2  # GraphType enum: 1 undirected (the default), 2 directed
# Rerun's force defaults, plus collision: its label boxes otherwise overlap where charge alone is
# too weak to part them (a blueprint's ForceCollisionRadius can still turn it off).
DEFAULT_PARAMS = ForceParams(collision=True)
LOW_DETAIL_SCALE = 0.2  # pixels per scene unit below which text becomes blocks (Rerun's threshold)
COLLISION_GAP = 6.0  # scene units added to collision radii (the soft force leaves them touching)


@dataclass
class GraphNode:
    """One node as drawn: explicit (``instance`` of its entity's GraphNodes) or implicit (None)."""

    entity: str
    node_id: str
    instance: int | None
    text: str | None  # label text; None draws a circle
    color: tuple[float, float, float, float] | None
    radius: float
    fixed: tuple[float, float] | None

    @property
    def key(self) -> tuple[str, str]:
        return (self.entity, self.node_id)


@dataclass
class GraphData:
    """One entity's graph at the time cursor."""

    nodes: list[GraphNode]
    edges: list[tuple[str, str]]
    directed: bool
    node_values: dict[str, pa.Array]


def read_graph(node_data: dict[str, pa.Array], edge_data: dict[str, pa.Array], entity: str) -> GraphData:
    """One entity's nodes (explicit, then implicit ones named by edges) and edges."""
    ids = ad.strings(node_data.get("node_ids"))
    n = len(ids)
    pos = ad.broadcast(ad.vectors(node_data.get("positions"), 2), n)
    colors = ad.broadcast(ad.colors(node_data.get("colors")), n)
    labels = ad.broadcast_list(ad.strings(node_data.get("labels")), n)
    radii = ad.broadcast(ad.scalars(node_data.get("radii")), n)
    show = ad.first(node_data.get("show_labels")) is not False
    nodes: list[GraphNode] = []
    seen: set[str] = set()
    for i, nid in enumerate(ids):
        if nid in seen:
            continue
        seen.add(nid)
        color = tuple(float(c) for c in colors[i]) if colors is not None else None
        fixed = (
            (float(pos[i][0]), float(pos[i][1])) if pos is not None and np.all(np.isfinite(pos[i])) else None
        )
        radius = abs(float(radii[i])) if radii is not None else FALLBACK_RADIUS
        text = (labels[i] if labels else None) or nid if show else None
        nodes.append(GraphNode(entity, nid, i, text, color, radius, fixed))  # type: ignore[arg-type]
    edges: list[tuple[str, str]] = []
    arr = edge_data.get("edges")
    if arr is not None and len(arr):
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        firsts = ad.strings(arr.field(0))
        seconds = ad.strings(arr.field(1))
        for src, dst in zip(firsts, seconds):
            edges.append((src, dst))
            for nid in (src, dst):
                if nid not in seen:
                    seen.add(nid)
                    nodes.append(GraphNode(entity, nid, None, None, WEAK_COLOR, IMPLICIT_RADIUS, None))
    directed = ad.first(edge_data.get("graph_type")) == DIRECTED
    return GraphData(nodes, edges, directed, node_data)


class GraphView:
    """One graph view: its scene, camera, layout and the nodes it shows."""

    def __init__(self, spec: ViewSpec, params: ForceParams | None = None) -> None:
        from rerun_core.viewer.spatial_view import BACKGROUND

        self.spec = spec
        self.camera = PanZoomCamera(y_down=True)
        self.errors: dict[str, str] = {}
        self.layout = ForceLayout(params or DEFAULT_PARAMS)
        self.graphs: dict[str, GraphData] = {}
        self.nodes: list[GraphNode] = []
        self.sizes = np.zeros((0, 2))
        self.edges: list[tuple[int, int, bool]] = []
        self.selection: tuple[str, int | None] | None = None
        self._keys: dict[str, tuple[Any, ...]] = {}
        self._geometry_stale = True
        self.scene = gfx.Scene()
        self.background = gfx.Background(None, gfx.BackgroundMaterial(BACKGROUND))
        self.scene.add(self.background)
        self._edge_lines = self._add(gfx.Line(_geom(2), gfx.LineSegmentMaterial(thickness=1.0, color=TEXT_COLOR, depth_test=False)), 1)  # fmt: skip
        self._arrows = self._add(gfx.Mesh(_geom(3, mesh=True), gfx.MeshBasicMaterial(color=TEXT_COLOR, depth_test=False)), 2)  # fmt: skip
        self._box_fill = self._add(gfx.Mesh(_geom(3, mesh=True), gfx.MeshBasicMaterial(color=FILL_COLOR, depth_test=False)), 3)  # fmt: skip
        self._hover_fill = self._add(gfx.Mesh(_geom(3, mesh=True), gfx.MeshBasicMaterial(color=HOVER_COLOR, depth_test=False)), 3.5)  # fmt: skip
        self.hovered: int | None = None  # the node under the pointer (its box lights up, as Rerun's)
        self.redraw = False  # set when hovering changed the picture (``controls.pick`` marks the app dirty)
        self._box_lines = self._add(gfx.Line(_geom(2), gfx.LineSegmentMaterial(thickness=1.0, color=TEXT_COLOR, depth_test=False)), 4)  # fmt: skip
        circle_mat = gfx.PointsMaterial(size_space="world", size_mode="vertex", color_mode="vertex", aa=True, depth_test=False)  # fmt: skip
        self._circles = self._add(gfx.Points(_geom(1, points=True), circle_mat), 5)
        self._texts = gfx.Group()
        self.scene.add(self._texts)
        # zoomed far out, label text is drawn as a block of half its color (Rerun's LevelOfDetail::Low)
        block_geom = _geom(3, mesh=True)
        block_geom.colors = gfx.Buffer(np.ones((3, 4), np.float32))
        self._text_blocks = self._add(gfx.Mesh(block_geom, gfx.MeshBasicMaterial(color_mode="vertex", depth_test=False)), 6)  # fmt: skip
        self.low_detail = False
        # one MultiText per label color (a pygfx object per label costs a pipeline each on lavapipe)
        self._label_sets: dict[tuple[float, ...], gfx.MultiText] = {}
        self._label_slots: list[tuple[tuple[float, ...], int]] = []  # per label node: (color, block)
        self._measure = gfx.Text(font_size=FONT_SIZE)
        self._text_sizes: dict[str, np.ndarray] = {}
        self._select = self._add(gfx.Line(_geom(2), gfx.LineSegmentMaterial(thickness=2.0, color=SELECT_COLOR, depth_test=False)), 7)  # fmt: skip
        # several graphs in one view: a frame around each with its entity path (as Rerun's)
        self._entity_frames = self._add(gfx.Line(_geom(2), gfx.LineSegmentMaterial(thickness=1.0, color=WEAK_COLOR, depth_test=False)), 0)  # fmt: skip
        self._entity_names = gfx.MultiText(font_size=FONT_SIZE, anchor="bottom-left", material=gfx.TextMaterial(color=WEAK_COLOR, aa=True))  # fmt: skip
        self._entity_names.local.scale = (1, -1, 1)
        self._entity_names.visible = False
        self.scene.add(self._entity_names)

    def _add(self, obj: Any, order: float) -> Any:
        obj.render_order = order
        obj.visible = False
        self.scene.add(obj)
        return obj

    # --- data -------------------------------------------------------------------------------

    def sync(self, q: Query, index: EntityIndex, visible: Callable[[str], bool]) -> None:
        """Re-read the graphs whose rows changed at the query's time; rebuild the node list then."""
        changed = False
        wanted = {p for p in self.spec.entities if visible(p)}
        for path in list(self.graphs):
            if path not in wanted:
                del self.graphs[path]
                self._keys.pop(path, None)
                changed = True
        for path in sorted(wanted):
            archs = index.of(path)
            cols = [
                f"GraphNodes:{f}" for f in NODE_FIELDS if f"GraphNodes:{f}" in archs.get("GraphNodes", set())
            ]
            cols += [
                f"GraphEdges:{f}" for f in EDGE_FIELDS if f"GraphEdges:{f}" in archs.get("GraphEdges", set())
            ]
            data, key = q.latest(path, cols)
            if key == self._keys.get(path):
                continue
            self._keys[path] = key
            changed = True
            try:
                self.graphs[path] = read_graph(
                    fields_of({k: v for k, v in data.items() if k.startswith("GraphNodes:")}, "GraphNodes"),
                    fields_of({k: v for k, v in data.items() if k.startswith("GraphEdges:")}, "GraphEdges"),
                    path,
                )
                self.errors.pop(path, None)
            except Exception as exc:  # bad data on one entity must not take the view down
                log.warning("cannot show graph %s: %s", path, exc)
                self.errors[path] = f"{type(exc).__name__}: {exc}"
                self.graphs.pop(path, None)
        if changed:
            self._rebuild()

    def _rebuild(self) -> None:
        """Flatten the graphs into one node list (sorted by entity, as Rerun's request) and give
        the layout the new structure; positions of known nodes carry over."""
        nodes: list[GraphNode] = []
        edges: list[tuple[int, int, bool]] = []
        for path in sorted(self.graphs):
            g = self.graphs[path]
            base = len(nodes)
            where = {n.node_id: base + i for i, n in enumerate(g.nodes)}
            nodes += g.nodes
            edges += [(where[s], where[t], g.directed) for s, t in g.edges]
        self.nodes, self.edges = nodes, edges
        self._sync_labels()
        fixed = np.array([n.fixed if n.fixed is not None else (np.nan, np.nan) for n in nodes], float)
        radii = self.sizes.max(axis=1) / 2 + COLLISION_GAP if len(nodes) else np.zeros(0)
        self.layout.set_graph(
            [n.key for n in nodes], fixed.reshape(-1, 2), radii, [(s, t) for s, t, _ in edges]
        )
        self._geometry_stale = True

    def _sync_labels(self) -> None:
        """Label texts into one MultiText block per label (grouped by color); node sizes from the
        measured text (cached per string)."""
        sizes = np.zeros((len(self.nodes), 2))
        groups: dict[tuple[float, ...], list[str]] = {}
        self._label_slots = []
        for i, node in enumerate(self.nodes):
            if node.text is None:
                sizes[i] = 2 * node.radius
                continue
            color = tuple(node.color or TEXT_COLOR)
            texts = groups.setdefault(color, [])
            self._label_slots.append((color, len(texts)))
            texts.append(node.text)
            sizes[i] = self._text_size(node.text) + 2 * MARGIN + 2.0
        for color in list(self._label_sets):
            if color not in groups:
                self._texts.remove(self._label_sets.pop(color))
        for color, texts in groups.items():
            multi = self._label_sets.get(color)
            if multi is None:
                multi = gfx.MultiText(font_size=FONT_SIZE, anchor="middle-center", material=gfx.TextMaterial(color=color, aa=True))  # fmt: skip
                multi.local.scale = (1, -1, 1)  # the camera looks along +z with y down
                multi.render_order = 6
                self._label_sets[color] = multi
                self._texts.add(multi)
            multi.set_text_block_count(len(texts))
            for k, text in enumerate(texts):
                block = multi.get_text_block(k)
                if getattr(block, "_rr_text", None) != text:
                    block.set_text(text)
                    block._rr_text = text  # type: ignore[attr-defined]
        self.sizes = sizes

    def _text_size(self, text: str) -> np.ndarray:
        size = self._text_sizes.get(text)
        if size is None:
            self._measure.set_text(text)
            lo, hi = self._measure.get_bounding_box()[:, :2]
            size = self._text_sizes[text] = hi - lo
        return size

    # --- per frame --------------------------------------------------------------------------

    @property
    def animating(self) -> bool:
        """True while the layout still moves (the caller keeps rendering frames)."""
        return not self.layout.settled

    def prepare_camera(self, aspect: float) -> gfx.Camera:
        # a graph's first frame gets a longer head start, so a static picture is near its final shape
        fresh = self.layout.ticks == 0
        moved = self.layout.step(pair_budget=PAIR_BUDGET * 5, seconds=0.2) if fresh else self.layout.step()
        if moved or self._geometry_stale:
            self._update_geometry()
        if not self.camera.user_moved:
            self.camera.fit(self.bounds(), aspect)
        self._set_detail(self.spec.rect[3] / max(self.camera.height, 1e-9) < LOW_DETAIL_SCALE)
        return self.camera.apply(aspect)

    def _set_detail(self, low: bool) -> None:
        self.low_detail = low
        self._texts.visible = not low and bool(self._label_slots)
        self._text_blocks.visible = low and bool(self._label_slots)

    def bounds(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The laid-out graph's box (3D corners, z = 0), a little padded; None when empty."""
        b = self.layout.bounds(self.sizes) if len(self.nodes) else None
        if b is None:
            return None
        lo, hi = b
        if len(self.graphs) > 1:  # the entity frames and their names above them
            for flo, fhi in self.entity_rects().values():
                lo, hi = np.minimum(lo, flo - (0.0, FONT_SIZE * 1.5)), np.maximum(hi, fhi)
        pad = max(float(np.max(hi - lo)) * 0.05, 10.0)
        return np.append(lo - pad, 0.0), np.append(hi + pad, 0.0)

    def shapes(self) -> list[NodeShape]:
        return [NodeShape(self.layout.pos[i].copy(), self.sizes[i], n.text is None) for i, n in enumerate(self.nodes)]  # fmt: skip

    def _update_geometry(self) -> None:
        self._geometry_stale = False
        shapes = self.shapes()
        lines, arrows = edge_paths(shapes, self.edges)
        _set_lines(self._edge_lines, lines)
        _set_triangles(self._arrows, arrows)
        boxed = np.array([n.text is not None for n in self.nodes], bool)
        corners = _box_corners(self.layout.pos[boxed], self.sizes[boxed])  # (k, 4, 2)
        _set_triangles(
            self._box_fill, [corners[:, [0, 1, 2, 0, 2, 3]].reshape(-1, 3, 2)] if len(corners) else []
        )
        _set_lines(self._box_lines, list(corners[:, [0, 1, 2, 3, 0]]))
        inner = _box_corners(self.layout.pos[boxed], np.maximum(self.sizes[boxed] - 2 * MARGIN - 2.0, 1.0))
        _set_triangles(
            self._text_blocks, [inner[:, [0, 1, 2, 0, 2, 3]].reshape(-1, 3, 2)] if len(inner) else []
        )
        if len(inner):  # half the label's color (Rerun: text is not solid)
            rgb = np.array([n.color or TEXT_COLOR for n in self.nodes if n.text is not None], np.float32)
            rgb[:, :3] *= 0.5
            set_buffer(self._text_blocks.geometry, "colors", np.repeat(rgb, 6, axis=0))
        circles = [i for i, n in enumerate(self.nodes) if n.text is None]
        _set_points(
            self._circles, [shapes[i] for i in circles], [self.nodes[i].color or TEXT_COLOR for i in circles]
        )
        slots = iter(self._label_slots)
        for i, node in enumerate(self.nodes):
            if node.text is not None:
                color, k = next(slots)
                x, y = self.layout.pos[i]
                self._label_sets[color].get_text_block(k).set_position(float(x), -float(y))  # y flipped
        self._update_entity_frames()
        self._update_hover()
        self._update_selection(shapes)

    def _update_entity_frames(self) -> None:
        """With more than one graph entity, outline each graph (padded 10) and name it above."""
        rects = self.entity_rects() if len(self.graphs) > 1 else {}
        frames = []
        self._entity_names.set_text_block_count(len(rects))
        for k, (path, (lo, hi)) in enumerate(rects.items()):
            frames.append(np.array([lo, (hi[0], lo[1]), hi, (lo[0], hi[1]), lo]))
            block = self._entity_names.get_text_block(k)
            block.set_text(path)
            block.set_position(float(lo[0]), -float(lo[1]) + 2.0)
        _set_lines(self._entity_frames, frames)
        self._entity_names.visible = bool(rects)

    def entity_rects(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per graph entity: (lo, hi) corners around its nodes, padded 10 scene units."""
        out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        ents = np.array([n.entity for n in self.nodes])
        for path in self.graphs:
            mine = ents == path
            if mine.any():
                half = self.sizes[mine] / 2
                pos = self.layout.pos[mine]
                out[path] = ((pos - half).min(axis=0) - 10.0, (pos + half).max(axis=0) + 10.0)
        return out

    def _update_hover(self) -> None:
        i = self.hovered
        if i is None or i >= len(self.nodes) or self.nodes[i].text is None:  # circles: no box to light
            _set_triangles(self._hover_fill, [])
            return
        c = _box_corners(self.layout.pos[i : i + 1], self.sizes[i : i + 1])
        _set_triangles(self._hover_fill, [c[:, [0, 1, 2, 0, 2, 3]].reshape(-1, 3, 2)])

    def _update_selection(self, shapes: list[NodeShape] | None = None) -> None:
        outline: list[np.ndarray] = []
        if self.selection is not None:
            shapes = shapes if shapes is not None else self.shapes()
            entity, instance = self.selection
            for node, shape in zip(self.nodes, shapes):
                if node.entity == entity and (instance is None or node.instance == instance):
                    outline.append(_circle_outline(shape) if shape.circle else _box_outline(shape, 2.0))
        _set_lines(self._select, outline)

    # --- interaction ------------------------------------------------------------------------

    def node_at(self, world: np.ndarray, tolerance: float = 0.0) -> int | None:
        """Index of the topmost node under a scene point (``tolerance`` in scene units)."""
        for i in reversed(range(len(self.nodes))):
            c, half = self.layout.pos[i], self.sizes[i] / 2 + tolerance
            if self.nodes[i].text is None:
                if np.hypot(*(world - c)) <= half[0]:
                    return i
            elif np.all(np.abs(world - c) <= half):
                return i
        return None

    def pick(self, x: float, y: float) -> dict[str, Any] | None:
        """What is under view pixel (x, y) (from the view rect's top-left): the node, its values."""
        _, _, w, h = self.spec.rect
        if w <= 0 or h <= 0:
            return None
        world = self.camera.world_at(x / w, y / h, w / h)
        i = self.node_at(world, tolerance=3.0 * self.camera.height / h)
        if i != self.hovered:
            self.hovered = i
            self._update_hover()
            self.redraw = True
        if i is None:
            return None
        node = self.nodes[i]
        values: dict[str, Any] = {"node_id": node.node_id, "position": self.layout.pos[i].tolist()}
        if node.instance is None:
            values["implicit"] = True
        else:
            for name, arr in self.graphs[node.entity].node_values.items():
                if arr is not None and len(arr):
                    values[name] = arr[min(node.instance, len(arr) - 1)].as_py()
        if node.text is not None:
            values["label"] = node.text
        return {
            "view_id": self.spec.id,
            "view": self.spec.name,
            "entity_path": node.entity,
            "archetype": "GraphNodes" if node.instance is not None else "GraphEdges",
            "instance": node.instance,
            "position": values["position"],
            "values": values,
        }

    def set_selection(self, entity: str | None, instance: int | None) -> None:
        """Outline the selected node (or all nodes of a selected entity); None clears."""
        self.selection = (entity, instance) if entity else None
        self._update_selection()

    def overlay(self, rect: tuple[int, int, int, int]) -> list[Text]:
        if self.errors and not self.nodes:
            return [Text(rect[2] / 2, rect[3] / 2, next(iter(self.errors.values())), (220, 120, 120, 255), "chip:mm")]  # fmt: skip
        return []

    def reset_camera(self) -> None:
        self.camera.user_moved = False

    def set_background(self, rgba: tuple[float, float, float, float] | None) -> None:
        """A blueprint's GraphBackground color (None: the viewer's default background)."""
        from rerun_core.viewer.spatial_view import BACKGROUND

        self.background.material.set_colors(rgba or BACKGROUND)

    def set_forces(self, overrides: dict[str, Any] | None) -> None:
        """A blueprint's Force* view properties over the defaults; the layout runs again if they changed."""
        self.layout.set_params(with_overrides(DEFAULT_PARAMS, overrides))


# --- geometry buffers -------------------------------------------------------------------------


def _geom(n: int, mesh: bool = False, points: bool = False) -> gfx.Geometry:
    pos = np.zeros((max(n, 1), 3), np.float32)
    if mesh:
        return gfx.Geometry(positions=pos, indices=np.arange(3, dtype=np.int32).reshape(1, 3))
    if points:
        return gfx.Geometry(positions=pos, sizes=np.ones(len(pos), np.float32), colors=np.ones((len(pos), 4), np.float32))  # fmt: skip
    return gfx.Geometry(positions=pos)


def _xyz(pts: np.ndarray) -> np.ndarray:
    return np.asarray(np.c_[pts, np.zeros(len(pts))].astype(np.float32))


def _set_lines(obj: gfx.Line, polylines: list[np.ndarray]) -> None:
    """Polylines as one segment list (pairs of points)."""
    segs = [np.repeat(p, 2, axis=0)[1:-1] for p in polylines if len(p) >= 2]
    obj.visible = bool(segs)
    if segs:
        set_buffer(obj.geometry, "positions", _xyz(np.concatenate(segs)))


def _set_triangles(obj: gfx.Mesh, triangles: list[np.ndarray]) -> None:
    obj.visible = bool(triangles)
    if triangles:
        pts = np.concatenate([t.reshape(-1, 2) for t in triangles])
        set_buffer(obj.geometry, "positions", _xyz(pts))
        set_buffer(obj.geometry, "indices", np.arange(len(pts), dtype=np.int32).reshape(-1, 3))


def _set_points(obj: gfx.Points, shapes: list[NodeShape], colors: list[Any]) -> None:
    obj.visible = bool(shapes)
    if shapes:
        set_buffer(obj.geometry, "positions", _xyz(np.array([s.center for s in shapes])))
        set_buffer(obj.geometry, "sizes", np.array([s.size[0] for s in shapes], np.float32))
        set_buffer(obj.geometry, "colors", np.array(colors, np.float32).reshape(-1, 4))


def _corners(shape: NodeShape, grow: float = 0.0) -> np.ndarray:
    hw, hh = shape.size / 2 + grow
    c = shape.center
    return np.asarray(c + np.array([[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]]))


def _box_corners(centers: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """(k, 4, 2) corners of boxes (top-left, top-right, bottom-right, bottom-left; y down)."""
    signs = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], float)
    return centers[:, None, :] + signs[None, :, :] * (sizes[:, None, :] / 2)


def _box_outline(shape: NodeShape, grow: float = 0.0) -> np.ndarray:
    k = _corners(shape, grow)
    return np.vstack([k, k[:1]])


def _circle_outline(shape: NodeShape) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi, 33)
    r = shape.size[0] / 2 + 2.0
    return np.asarray(shape.center + r * np.c_[np.cos(t), np.sin(t)])


__all__ = ["GraphData", "GraphNode", "GraphView", "apply_properties", "read_graph"]


def apply_properties(view: GraphView, values: dict[str, Any]) -> None:
    """A blueprint's Force* properties and GraphBackground (``view_properties.GRAPH``)."""
    view.set_forces(values.get("graph_forces"))
    view.set_background(values.get("background"))
