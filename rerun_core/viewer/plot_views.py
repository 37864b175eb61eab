"""Time series, bar chart and tensor views: 2D plots drawn with pygfx, text drawn by overlay."""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pygfx as gfx

from rerun_core.types.time import STATIC_TIME
from rerun_core.viewer import arrow_data as ad
from rerun_core.viewer import images
from rerun_core.viewer.camera import PanZoomCamera, PlotCamera
from rerun_core.viewer.heuristics import ViewSpec
from rerun_core.viewer.query import EntityIndex, Query, fields_of
from rerun_core.viewer.spatial_view import BACKGROUND

MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 52, 18, 18  # the top strip holds the view title


@dataclass
class Text:
    """Overlay text in view pixels (x right, y down from the view's top-left)."""

    x: float
    y: float
    text: str
    color: tuple[int, int, int, int] = (200, 200, 200, 255)
    anchor: str = "la"


def nice_ticks(lo: float, hi: float, target: int = 5) -> list[float]:
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return []
    raw = (hi - lo) / max(target, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 5, 10) if m * mag >= raw), default=mag * 10)
    first = math.ceil(lo / step) * step
    return [first + i * step for i in range(int((hi - first) / step) + 1)]


def fmt_tick(v: float) -> str:
    if v == 0:
        return "0"
    if abs(v) >= 1e5 or abs(v) < 1e-3:
        return f"{v:.2g}"
    return f"{v:.6g}"


class _PlotBase:
    """A plot scene with a ``PlotCamera`` rendered into the view rect minus axis margins."""

    def __init__(self, spec: ViewSpec) -> None:
        self.spec = spec
        self.scene = gfx.Scene()
        self.scene.add(gfx.Background(None, gfx.BackgroundMaterial(BACKGROUND)))
        self.camera = PlotCamera()
        self.grid = gfx.Grid(
            None,
            gfx.GridMaterial(
                major_step=(1, 1),
                minor_step=(0, 0),
                major_color="#2c3136",
                major_thickness=1.0,
                infinite=True,
            ),
            orientation="xy",
        )
        self.grid.local.z = -1
        self.scene.add(self.grid)
        self.data_range: tuple[tuple[float, float], tuple[float, float]] = ((0, 1), (0, 1))
        self.x_offset = 0.0  # plotted x = absolute x - x_offset (keeps float32 positions precise)

    def plot_rect(self, rect: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        x, y, w, h = rect
        return (
            x + MARGIN_LEFT,
            y + MARGIN_TOP,
            max(1, w - MARGIN_LEFT),
            max(1, h - MARGIN_BOTTOM - MARGIN_TOP),
        )

    def prepare_camera(self, aspect: float) -> gfx.Camera:
        if not self.camera.user_moved:
            self.camera.fit(*self.data_range)
        off = self.x_offset
        xt = nice_ticks(self.camera.x_range[0] + off, self.camera.x_range[1] + off)
        yt = nice_ticks(*self.camera.y_range)
        sx = xt[1] - xt[0] if len(xt) > 1 else 1.0
        sy = yt[1] - yt[0] if len(yt) > 1 else 1.0
        self.grid.material.major_step = (sx, sy)
        self.grid.local.x = float((-off) % sx)  # vertical grid lines on the absolute ticks
        return self.camera.apply(aspect)

    def axis_texts(
        self, rect: tuple[int, int, int, int], x_label: Callable[[float], str] = fmt_tick
    ) -> list[Text]:
        _, _, w, h = self.plot_rect(rect)
        (x0, x1), (y0, y1) = self.camera.x_range, self.camera.y_range
        out = []
        for v in nice_ticks(y0, y1):
            py = MARGIN_TOP + (1 - (v - y0) / (y1 - y0)) * h
            out.append(Text(MARGIN_LEFT - 4, py, fmt_tick(v), anchor="rm"))
        off = self.x_offset
        for v in nice_ticks(x0 + off, x1 + off):  # ticks at round absolute values
            px = MARGIN_LEFT + (v - off - x0) / (x1 - x0) * w
            out.append(Text(px, MARGIN_TOP + h + 2, x_label(v), anchor="ma"))
        return out

    def reset_camera(self) -> None:
        self.camera.user_moved = False


class TimeSeriesView(_PlotBase):
    """Scalars over the current timeline, one line (or point series) per scalar column entry."""

    def __init__(self, spec: ViewSpec) -> None:
        super().__init__(spec)
        self.lines: dict[tuple[str, int], gfx.WorldObject] = {}
        self.legend: list[tuple[str, np.ndarray]] = []
        self.show_legend = True  # a blueprint's PlotLegend(visible=False) turns it off
        self.t0 = 0
        self.x_scale = 1.0
        self.time_kind = "sequence"
        self.cursor = gfx.Line(
            gfx.Geometry(positions=np.array([[0, -1e30, 0.5], [0, 1e30, 0.5]], np.float32)),
            gfx.LineMaterial(thickness=1.5, color=(0.9, 0.9, 0.9, 0.8)),
        )
        self.scene.add(self.cursor)
        self._generation: Any = None
        self._timeline: str | None = None
        # path -> (version, t0, timeline, [(key, x, y, color, name, style)]): unchanged entities reuse it
        self._cache: dict[str, tuple[Any, int, str, list[Any]]] = {}

    def sync(
        self,
        store: Any,
        q: Query,
        index: EntityIndex,
        visible: Callable[[str], bool],
        versions: Callable[[str], Any],
        time_kind: str,
    ) -> None:
        """``versions(path)`` changes whenever that entity got new data: only those are re-queried."""
        if q.timeline is None:
            return
        key = tuple(versions(p) for p in self.spec.entities)
        if key != self._generation or q.timeline != self._timeline:
            self._generation, self._timeline = key, q.timeline
            self.time_kind = time_kind
            self._rebuild(store, q, index, 1.0 if time_kind == "sequence" else 1e9, versions)
        for (path, _i), obj in self.lines.items():
            obj.visible = visible(path)
        x = (q.time - self.t0) / self.x_scale if q.time is not None else 0.0
        self.cursor.local.x = float(x)

    def prepare_camera(self, aspect: float) -> gfx.Camera:
        camera = super().prepare_camera(aspect)
        # the cursor spans the visible y range (huge fixed ends lose float32 precision and clip)
        y0, y1 = self.camera.y_range
        pad = abs(y1 - y0) or 1.0
        ends = np.array([[0, y0 - pad, 0.5], [0, y1 + pad, 0.5]], np.float32)
        buf = self.cursor.geometry.positions
        if not np.array_equal(buf.data, ends):
            buf.data[...] = ends
            buf.update_full()
        return camera

    def _rebuild(
        self, store: Any, q: Query, index: EntityIndex, time_unit: float, versions: Callable[[str], Any]
    ) -> None:
        assert q.timeline is not None
        rng = store.time_range(q.timeline)
        self.t0 = rng[0] if rng else 0
        self.x_scale = time_unit
        self.x_offset = self.t0 / time_unit
        seen: set[tuple[str, int]] = set()
        self.legend = []
        xs_all, ys_all = [], []
        for path in self.spec.entities:
            if "Scalars" not in index.of(path) or rng is None:
                continue
            cached = self._cache.get(path)
            version = versions(path)
            if cached is not None and cached[:3] == (version, self.t0, q.timeline):
                series = cached[3]
            else:
                series = self._query_series(store, q, index, path, rng)
                self._cache[path] = (version, self.t0, q.timeline, series)
                for key, x, y, color, _name, style in series:
                    self._draw(key, x, y, color, style)
            for key, x, y, color, name, _style in series:
                seen.add(key)
                self.legend.append((name, color))
                xs_all.append(x)
                ys_all.append(y[np.isfinite(y)])
        for key in set(self.lines) - seen:
            self.scene.remove(self.lines.pop(key))
            self._cache.pop(key[0], None)  # drawn again from scratch if it comes back
        if xs_all:
            xs, ys = np.concatenate(xs_all), np.concatenate(ys_all)
            if xs.size and ys.size:
                self.data_range = ((float(xs.min()), float(xs.max())), (float(ys.min()), float(ys.max())))

    def _query_series(
        self, store: Any, q: Query, index: EntityIndex, path: str, rng: tuple[int, int]
    ) -> list[tuple[Any, np.ndarray, np.ndarray, np.ndarray, str, dict[str, Any]]]:
        col = store.range(path, ["Scalars:scalars"], q.timeline, rng[0], rng[1]).get("Scalars:scalars")
        if col is None or len(col.times) == 0:
            return []
        style = self._style(q, path, index.of(path))
        out = []
        for i, (x, y) in enumerate(self._series(col)):
            colors, names = style["colors"], style["names"]
            color = (
                colors[min(i, len(colors) - 1)]
                if len(colors)
                else ad.entity_color(f"{path}#{i}" if i else path)
            )
            name = names[i] if i < len(names) else (path if i == 0 else f"{path}[{i}]")
            out.append(((path, i), x, y, color, name, style))
        return out

    def _series(self, col: Any) -> list[tuple[np.ndarray, np.ndarray]]:
        values = col.values
        offsets = np.asarray(values.offsets.to_numpy(zero_copy_only=False))
        # offsets of a sliced list array index its whole child array, not flatten()'s slice
        flat = np.asarray(values.values.to_numpy(zero_copy_only=False), np.float64)
        counts = np.diff(offsets)
        raw_times = np.asarray(col.times, np.int64)
        counts = np.where(raw_times == STATIC_TIME, 0, counts)  # a static scalar has no place in time
        times = (raw_times - self.t0) / self.x_scale
        out = []
        for i in range(int(counts.max()) if counts.size else 0):
            has = counts > i
            out.append((times[has].astype(np.float32), flat[offsets[:-1][has] + i].astype(np.float32)))
        return out

    def _style(self, q: Query, path: str, archs: dict[str, set[str]]) -> dict[str, Any]:
        cols = sorted(archs.get("SeriesLines", set()) | archs.get("SeriesPoints", set()))
        data, _ = q.latest(path, cols) if cols else ({}, ())
        lines = fields_of({k: v for k, v in data.items() if k.startswith("SeriesLines:")}, "SeriesLines")
        pts = fields_of({k: v for k, v in data.items() if k.startswith("SeriesPoints:")}, "SeriesPoints")
        src = pts if pts and not lines else lines
        return {
            "points": bool(pts) and not lines,
            "colors": ad.colors(src.get("colors")),
            "names": ad.strings(src.get("names")),
            "width": float(ad.scalars(lines.get("widths"))[0])
            if len(ad.scalars(lines.get("widths")))
            else 1.5,
            "size": float(ad.scalars(pts.get("marker_sizes"))[0])
            if len(ad.scalars(pts.get("marker_sizes")))
            else 2.5,
        }

    def _draw(self, key: tuple[str, int], x: np.ndarray, y: np.ndarray, color: np.ndarray, style: dict[str, Any]) -> None:  # fmt: skip
        pos = np.zeros((max(len(x), 1), 3), np.float32)
        pos[: len(x), 0], pos[: len(x), 1] = x, y
        old = self.lines.get(key)
        want_points = style["points"]
        if old is not None and isinstance(old, gfx.Points) == want_points:
            old.geometry.positions = gfx.Buffer(pos)
            old.material.color = tuple(color)
            return
        if old is not None:
            self.scene.remove(old)
        if want_points:
            obj: gfx.WorldObject = gfx.Points(
                gfx.Geometry(positions=pos), gfx.PointsMaterial(size=style["size"] * 2, color=tuple(color))
            )
        else:
            obj = gfx.Line(
                gfx.Geometry(positions=pos), gfx.LineMaterial(thickness=style["width"], color=tuple(color))
            )
        self.lines[key] = obj
        self.scene.add(obj)

    def overlay(self, rect: tuple[int, int, int, int]) -> list[Text]:
        out = self.axis_texts(rect, self.time_label)
        for i, (name, color) in enumerate(self.legend[:12] if self.show_legend else []):
            c = tuple(int(v * 255) for v in color)
            out.append(Text(rect[2] - 8, MARGIN_TOP + 4 + 14 * i, name, (c[0], c[1], c[2], 255), "legend"))
        return out

    def time_label(self, v: float) -> str:
        """Tick text for an absolute x: sequence numbers, seconds, or UTC clock time."""
        if self.time_kind == "timestamp":
            t = datetime.datetime.fromtimestamp(v, datetime.timezone.utc)
            return t.strftime("%H:%M:%S") if t.microsecond == 0 else t.strftime("%H:%M:%S.%f")[:-3]
        if self.time_kind == "duration":
            return fmt_tick(v) + "s"
        return fmt_tick(v)

    def series_at(self, fx: float) -> float:
        x0, x1 = self.camera.x_range
        return self.t0 + (x0 + (x1 - x0) * fx) * self.x_scale


class BarChartView(_PlotBase):
    """A 1D tensor as bars."""

    def __init__(self, spec: ViewSpec) -> None:
        super().__init__(spec)
        self.mesh: gfx.Mesh | None = None
        self._key: tuple[Any, ...] = ()
        self.values = np.zeros(0)

    def sync(self, q: Query, index: EntityIndex, visible: Callable[[str], bool]) -> None:
        path = self.spec.entities[0]
        data, key = q.latest(path, ["BarChart:values", "BarChart:color"])
        if key != self._key and "BarChart:values" in data:
            self._key = key
            vals, _ = images.decode_tensor_array(data["BarChart:values"])
            self.values = np.asarray(vals, np.float64).reshape(-1)
            col = ad.colors(data.get("BarChart:color"))
            self._build(col[0] if col.size else ad.entity_color(path))
        if self.mesh is not None:
            self.mesh.visible = visible(path)

    def _build(self, color: np.ndarray) -> None:
        n = self.values.size
        x = np.arange(n, dtype=np.float32)
        v = self.values.astype(np.float32)
        quads = np.zeros((max(n, 1) * 4, 3), np.float32)
        quads[0::4, 0], quads[1::4, 0], quads[2::4, 0], quads[3::4, 0] = x - 0.4, x + 0.4, x + 0.4, x - 0.4
        quads[2::4, 1] = v
        quads[3::4, 1] = v
        base = np.arange(max(n, 1))[:, None] * 4
        faces = np.concatenate([base + np.array([0, 1, 2]), base + np.array([0, 2, 3])]).astype(np.int32)
        if self.mesh is not None:
            self.scene.remove(self.mesh)
        self.mesh = gfx.Mesh(
            gfx.Geometry(positions=quads, indices=faces),
            gfx.MeshBasicMaterial(color=tuple(color), pick_write=True),
        )
        self.scene.add(self.mesh)
        lo = float(min(0.0, v.min())) if n else 0.0
        hi = float(max(0.0, v.max())) if n else 1.0
        self.data_range = ((-0.6, n - 0.4), (lo, hi))

    def overlay(self, rect: tuple[int, int, int, int]) -> list[Text]:
        return self.axis_texts(rect)


class TensorView:
    """An N-D tensor shown as a 2D slice (the two largest dims), colormapped."""

    def __init__(self, spec: ViewSpec) -> None:
        self.spec = spec
        self.scene = gfx.Scene()
        self.scene.add(gfx.Background(None, gfx.BackgroundMaterial(BACKGROUND)))
        self.camera = PanZoomCamera()
        self.image: gfx.Image | None = None
        self.tensor = np.zeros((1, 1))
        self.names: list[str] = []
        self.slice: dict[int, int] = {}
        self.axes: tuple[int, int] = (0, 1)
        self._key: tuple[Any, ...] = ()
        self._slice_key: tuple[Any, ...] = ()
        self.bounds_: tuple[np.ndarray, np.ndarray] | None = None  # the shown slice's extent

    def set_slice(self, indices: dict[int, int]) -> None:
        self.slice.update({int(k): int(v) for k, v in indices.items()})

    def sync(self, q: Query, index: EntityIndex, visible: Callable[[str], bool]) -> None:
        path = self.spec.entities[0]
        data, key = q.latest(path, ["Tensor:data"])
        if key != self._key and "Tensor:data" in data:
            self._key = key
            self.tensor, self.names = images.decode_tensor_array(data["Tensor:data"])
            dims = (
                np.argsort([-s for s in self.tensor.shape], kind="stable")[:2]
                if self.tensor.ndim >= 2
                else [0, 0]
            )
            self.axes = (int(min(dims)), int(max(dims)))
        skey = (self._key, tuple(sorted(self.slice.items())))
        if skey != self._slice_key:
            self._slice_key = skey
            self._show(self.slice_2d())
        if self.image is not None:
            self.image.visible = visible(path)

    def slice_2d(self) -> np.ndarray:
        t = self.tensor
        if t.ndim < 2:
            return np.atleast_2d(t)
        idx: list[Any] = []
        for d, size in enumerate(t.shape):
            idx.append(slice(None) if d in self.axes else min(self.slice.get(d, size // 2), size - 1))
        return np.asarray(t[tuple(idx)], np.float64)

    def _show(self, plane: np.ndarray) -> None:
        finite = plane[np.isfinite(plane)]
        rng = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        rgba = images.apply_colormap(plane + 0.0, "viridis", rng)
        rgba[..., 3] = 255
        if self.image is not None:
            self.scene.remove(self.image)
        self.image = gfx.Image(
            gfx.Geometry(grid=gfx.Texture(rgba, dim=2)), gfx.ImageBasicMaterial(clim=(0, 255))
        )
        self.image.local.position = (0.5, 0.5, 0)
        self.scene.add(self.image)
        self.bounds_ = (np.zeros(3), np.array([plane.shape[1], plane.shape[0], 0.0]))

    def prepare_camera(self, aspect: float) -> gfx.Camera:
        if not self.camera.user_moved:
            self.camera.fit(self.bounds_, aspect)
        return self.camera.apply(aspect)

    def reset_camera(self) -> None:
        self.camera.user_moved = False

    def overlay(self, rect: tuple[int, int, int, int]) -> list[Text]:
        dims = ", ".join(
            f"{n}={'·' if d in self.axes else self.slice.get(d, s // 2)}"
            for d, (n, s) in enumerate(zip(self.names, self.tensor.shape))
        )
        return [Text(8, rect[3] - 6, dims, anchor="chip:ld")]  # bottom-left: the title sits top-left


def apply_properties(view: TimeSeriesView | BarChartView, values: dict[str, Any]) -> None:
    """A blueprint's ScalarAxis range fixes the y extent (x keeps following the data); PlotLegend."""
    view.camera.y_fixed = values.get("y_range")
    if isinstance(view, TimeSeriesView):
        view.show_legend = values.get("legend_visible") is not False
