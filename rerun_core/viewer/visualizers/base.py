"""Visualizer base class and the registry keyed by archetype name.

A visualizer owns the pygfx objects of one (entity, archetype) pair under ``self.node`` and
updates them in place when its data changes (same instance count -> buffers rewritten, no new
GPU objects). The scene cache calls ``update`` only when the queried row ids changed.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pygfx as gfx

from rerun_core.viewer import arrow_data as ad
from rerun_core.viewer.spaces import space_of

SPATIAL_3D = "spatial3d"
SPATIAL_2D = "spatial2d"


@dataclass
class ClassInfo:
    label: str | None
    color: np.ndarray | None  # (4,) float32


@dataclass
class Annotations:
    """An AnnotationContext resolved to class id -> label/color (and keypoint info)."""

    classes: dict[int, ClassInfo] = field(default_factory=dict)
    keypoints: dict[int, dict[int, ClassInfo]] = field(default_factory=dict)
    connections: dict[int, list[tuple[int, int]]] = field(default_factory=dict)

    @classmethod
    def from_arrow(cls, arr: pa.Array | None) -> Annotations:
        out = cls()
        items: list[Any] = []
        for value in arr.to_pylist() if arr is not None else []:
            items.extend(value if isinstance(value, list) else [value])  # one instance = a list of classes
        for item in items:
            if item is None:
                continue
            desc = item["class_description"]
            cid = int(item["class_id"])
            out.classes[cid] = _class_info(desc["info"])
            out.keypoints[cid] = {
                int(k["id"]): _class_info(k) for k in desc.get("keypoint_annotations") or []
            }
            out.connections[cid] = [
                (int(c["keypoint0"]), int(c["keypoint1"])) for c in desc.get("keypoint_connections") or []
            ]
        return out

    def color_lut(self, size: int = 65536) -> np.ndarray:
        """(size, 4) uint8: class id -> RGBA (unknown ids get a stable generated color)."""
        ids = np.arange(size)
        lut = np.zeros((size, 4), np.uint8)
        golden = (ids * 0.618033988749895) % 1.0
        lut[:, 0] = (128 + 127 * np.sin(golden * 6.283)).astype(np.uint8)
        lut[:, 1] = (128 + 127 * np.sin(golden * 6.283 + 2.094)).astype(np.uint8)
        lut[:, 2] = (128 + 127 * np.sin(golden * 6.283 + 4.189)).astype(np.uint8)
        lut[:, 3] = 255
        lut[0] = 0
        for cid, info in self.classes.items():
            if info.color is not None and cid < size:
                lut[cid] = (info.color * 255 + 0.5).astype(np.uint8)
        return lut


def _class_info(info: dict[str, Any]) -> ClassInfo:
    color = info.get("color")
    return ClassInfo(
        info.get("label"), ad.rgba_u32_to_float(np.array([color]))[0] if color is not None else None
    )


@dataclass
class VisContext:
    """What a visualizer needs besides its own components."""

    entity_path: str
    view_kind: str
    annotations: Annotations | None = None
    pinhole: Any = None  # transforms.Pinhole of the camera this 2D content hangs under (3D views)
    query: Any = None  # query.Query of this sync: for visualizers that read other entities or ranges (video)

    @property
    def default_color(self) -> np.ndarray:
        return ad.entity_color(self.entity_path)


@dataclass
class Label:
    position: np.ndarray  # (3,) in the visualizer node's local space
    text: str
    color: np.ndarray  # (4,) float32
    offset_px: float = 0.0  # screen-space half size of the thing labelled (text goes beside it)


class Visualizer:
    """One archetype on one entity. Subclasses set the class attributes and ``update``."""

    archetype: ClassVar[str]
    required: ClassVar[str]
    optional: ClassVar[tuple[str, ...]] = ()
    view_kinds: ClassVar[frozenset[str]] = frozenset({SPATIAL_3D})
    max_labels: ClassVar[int] = 40

    def __init__(self, entity_path: str) -> None:
        self.entity_path = entity_path
        self.node = gfx.Group(name=f"{entity_path}:{self.archetype}")
        self.labels: list[Label] = []
        self.data: dict[str, pa.Array] = {}
        self.bounds: tuple[np.ndarray, np.ndarray] | None = None  # local space
        self.pickables: dict[int, gfx.WorldObject] = {}

    @classmethod
    def fields(cls) -> tuple[str, ...]:
        return (cls.required, *cls.optional)

    @classmethod
    def column(cls, field_name: str) -> str:
        return f"{cls.archetype}:{field_name}"

    def update(self, data: dict[str, pa.Array], ctx: VisContext) -> None:
        raise NotImplementedError

    def dependency_key(self, query: Any, data: dict[str, pa.Array]) -> Any:
        """Change key of data read beyond this entity's own latest row (e.g. the AssetVideo a
        VideoFrameReference points at): when it changes, ``update`` runs again."""
        return None

    def instance_at(self, wobject: gfx.WorldObject, info: dict[str, Any]) -> int | None:
        """Instance index of a pygfx pick result on one of our objects."""
        return info.get("vertex_index")

    def instance_bounds(self, instance: int | None) -> tuple[np.ndarray, np.ndarray] | None:
        """Local-space box of one instance (None: the whole visualizer), for the selection box."""
        return self.bounds

    def set_lod(self, max_points: int | None) -> None:
        """Draw at most ``max_points`` instances while the camera moves (default: no effect)."""

    def lod_size(self) -> int:
        """How many instances ``set_lod`` would thin out (0: this visualizer has no LOD)."""
        return 0

    def instance_values(self, instance: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, arr in self.data.items():
            if arr is None or len(arr) == 0:
                continue
            idx = instance if instance < len(arr) else len(arr) - 1
            value = arr[idx].as_py()
            if isinstance(value, (bytes, list)) and len(value) > 16:
                continue
            out[name] = value
        return out

    # --- helpers --------------------------------------------------------------------------

    def _track(self, wobject: gfx.WorldObject) -> gfx.WorldObject:
        self.pickables[id(wobject)] = wobject
        return wobject

    def _set_bounds(self, pts: np.ndarray, pad: np.ndarray | float = 0.0) -> None:
        if pts.shape[0] == 0:
            self.bounds = None
            return
        # one column at a time: ~10x faster than reducing over axis 0 (no copy either)
        lo = np.array([pts[:, i].min() for i in range(pts.shape[1])])
        hi = np.array([pts[:, i].max() for i in range(pts.shape[1])])
        if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns -> NaN, handled below
                lo, hi = np.nanmin(pts, axis=0), np.nanmax(pts, axis=0)  # NaN (strip breaks) skipped
        lo, hi = lo - pad, hi + pad
        if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))):
            self.bounds = None
            return
        if lo.shape[0] == 2:
            lo, hi = np.append(lo, 0.0), np.append(hi, 0.0)
        self.bounds = (lo.astype(float), hi.astype(float))

    def _make_labels(
        self, data: dict[str, pa.Array], anchors: np.ndarray, colors: np.ndarray, ctx: VisContext
    ) -> None:
        if ad.first(data.get("show_labels")) is False:
            self.labels = []
            return
        texts = ad.strings(data.get("labels"))
        if not texts:
            texts = class_labels(data, anchors.shape[0], ctx.annotations)
        self.labels = []
        if not texts or (anchors.shape[0] > self.max_labels and len(texts) > 1):
            return
        if len(texts) == 1 and anchors.shape[0] > 1:
            anchors = anchors.mean(axis=0, keepdims=True)
        for i, text in enumerate(texts[: anchors.shape[0]]):
            if text:
                pos = np.append(anchors[i], 0.0)[:3] if anchors.shape[1] == 2 else anchors[i]
                self.labels.append(Label(pos, text, colors[min(i, len(colors) - 1)]))


def class_labels(data: dict[str, pa.Array], n: int, ann: Annotations | None) -> list[str]:
    cids = ad.scalars(data.get("class_ids"), np.int64)
    if ann is None or cids.size == 0:
        return []
    out = []
    for cid in ad.broadcast_or(cids, n, 0) if n else cids:
        info = ann.classes.get(int(cid))
        out.append(info.label or "" if info else "")
    return out


def instance_colors(
    data: dict[str, pa.Array], n: int, ctx: VisContext, field_name: str = "colors"
) -> np.ndarray:
    """(n, 4) float32: explicit colors, else AnnotationContext class colors, else entity color."""
    explicit = ad.colors(data.get(field_name))
    if explicit.shape[0]:
        return ad.broadcast_or(explicit, n, 0)
    out = np.repeat(ctx.default_color[None], max(n, 1), axis=0)[:n]
    cids = ad.scalars(data.get("class_ids"), np.int64)
    if ctx.annotations is not None and cids.size and n:
        kps = ad.scalars(data.get("keypoint_ids"), np.int64)
        kps_n = ad.broadcast_or(kps, n, 0) if kps.size else None
        for i, cid in enumerate(ad.broadcast_or(cids, n, 0)):
            info = ctx.annotations.classes.get(int(cid))
            kinfo = (
                ctx.annotations.keypoints.get(int(cid), {}).get(int(kps_n[i])) if kps_n is not None else None
            )
            if kinfo is not None and kinfo.color is not None:
                out[i] = kinfo.color  # a keypoint's own color wins over its class color
            elif info is not None and info.color is not None:
                out[i] = info.color
    return out.astype(np.float32)


def radii_to_sizes(data: dict[str, pa.Array], n: int, default_ui: float) -> tuple[np.ndarray, str]:
    """Rerun radii (positive: scene units of the entity, negative: UI points) -> pygfx diameters + size space."""
    radii = ad.broadcast(ad.scalars(data.get("radii")), n)
    if radii is None:
        return np.full(n, default_ui * 2, np.float32), "screen"
    if np.all(radii < 0):
        return (-2 * radii).astype(np.float32), "screen"
    return (2 * np.abs(radii)).astype(np.float32), "model"  # scaled by the entity transform


def set_buffer(geometry: gfx.Geometry, name: str, array: np.ndarray) -> None:
    """Write ``array`` into the geometry's buffer in place when the shape matches, else replace it."""
    array = np.ascontiguousarray(array)
    buf = getattr(geometry, name, None)
    if (
        buf is not None
        and buf.data is not None
        and buf.data.shape == array.shape
        and buf.data.dtype == array.dtype
    ):
        buf.data[...] = array
        buf.update_full()
    else:
        setattr(geometry, name, gfx.Buffer(array if array.flags.writeable else array.copy()))


VISUALIZERS: dict[str, type[Visualizer]] = {}


def register(cls: type[Visualizer]) -> type[Visualizer]:
    """Class decorator: make ``cls`` the visualizer for its archetype (which ``spaces.SPACES`` must
    list: the heuristics read that table, so a visualizer cannot go unnoticed by them)."""
    if space_of(cls.archetype) is None:
        raise ValueError(f"{cls.archetype}: add it to rerun_core/viewer/spaces.py (its native space)")
    VISUALIZERS[cls.archetype] = cls
    return cls


def visualizer_for(archetype: str) -> type[Visualizer] | None:
    return VISUALIZERS.get(archetype.rsplit(".", 1)[-1])


Factory = Callable[[str], Visualizer]
