"""Fakes standing in for the renderer and the store in widget tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np
import pyarrow as pa

from rerun_core.viewer.layout import ContainerSpec
from rerun_core.viewer.protocols import Renderer
from rerun_core.viewer.viewport import Viewport
from rerun_notebook import panels
from rerun_notebook.time_ticks import LoadedRanges, TickChunk, TickEvent, TickStore


class FakeApp:
    """Draws a flat color that changes with the camera and the data; records what it was told.

    Implements ``protocols.Renderer`` (the module's end checks it with mypy and at import)."""

    viewport: Viewport | None = None  # set by tests: per-view eye toggles (``visible_in``)

    def __init__(self, store: Any, width: int, height: int) -> None:
        self.store = store
        self.size = (width, height)
        self.events: list[dict] = []
        self.times: list[tuple[str, int]] = []
        self.visible: dict[str, bool] = {}
        self.camera = 0
        self.dirty = True
        self.renders = 0
        self.closed = False
        self.views: list[Any] = [SimpleNamespace(kind="spatial3d", rect=(0, 0, width, height), name="/")]

    def set_size(self, w: int, h: int) -> None:
        self.size = (w, h)
        self.dirty = True

    def set_time(self, timeline: str, time: int | None) -> None:
        self.times.append((timeline, time))  # type: ignore[arg-type]
        self.dirty = True

    def set_view_header(self, pixels: int) -> None:
        pass

    def handle_event(self, ev: dict[str, Any]) -> bool:
        self.events.append(ev)
        if ev["event_type"] in ("pointer_move", "wheel"):
            self.camera += 1
            self.dirty = True
            return True
        return False

    def layout(self) -> list[dict[str, Any]]:
        """The views as layout entries (tests set ``views`` to dicts or SimpleNamespaces)."""
        return [dict(v) if isinstance(v, dict) else dict(vars(v)) for v in self.views]

    def _entry(self, view_id: str) -> dict[str, Any]:
        for i, v in enumerate(self.layout()):
            if str(v.get("id", i)) == view_id:
                return v
        return {}

    def _cursor(self) -> tuple[str | None, int | None]:
        return self.times[-1] if self.times else (None, None)

    def text_log(self, view_id: str, max_rows: int) -> list[dict[str, Any]]:
        """The store's TextLog rows up to the last time set (the entities of the view, else all)."""
        ents = self._entry(view_id).get("entities") or panels.entities_with(self.store, "TextLog:text")
        shown = [e for e in ents if self.visible.get(e, True)]
        return panels.text_log_rows(self.store, shown, *self._cursor())[-max_rows:]

    def text_document(self, view_id: str) -> dict[str, str]:
        ents = self._entry(view_id).get("entities") or panels.entities_with(self.store, "TextDocument:text")
        for e in ents:
            if not self.visible.get(e, True):
                continue
            cells = self.store.latest_at(e, ["TextDocument:text", "TextDocument:media_type"], *self._cursor())
            if "TextDocument:text" in cells:
                media = cells.get("TextDocument:media_type")
                return {
                    "text": str(cells["TextDocument:text"].values.to_pylist()[0]),
                    "media_type": str(media.values.to_pylist()[0]) if media is not None else "text/plain",
                }
        return {"text": "", "media_type": "text/plain"}

    def tensor_info(self, view_id: str) -> dict[str, Any]:
        if view_id != "tensor:/t":
            return {}
        return {
            "names": ["a", "b", "c"],
            "shape": [4, 5, 6],
            "axes": [1, 2],
            "slice": {0: self.slices.get(0, 2)},
        }

    def visible_in(self, view_id: str) -> Callable[[str], bool]:
        if self.viewport is not None:
            return self.viewport.visible_in(view_id, self.is_visible)
        return self.is_visible

    def is_visible(self, entity: str) -> bool:
        return self.visible.get(entity, True)

    def is_dirty(self) -> bool:
        return self.dirty

    def render(self, *, preview: bool = False) -> np.ndarray:
        self.renders += 1
        self.dirty = False
        w, h = self.size
        img = np.zeros((h, w, 4), np.uint8)
        img[..., 0] = (40 * self.camera) % 256
        img[..., 1] = (10 * len(getattr(self.store, "chunks_", []))) % 256
        img[..., 3] = 255
        return img

    def pick(self, x: float, y: float) -> dict[str, Any] | None:
        if x < 10:
            return None
        return {
            "entity_path": "/points",
            "instance": 3,
            "values": {"Points3D:positions": np.array([1.0, 2.0, 3.0])},
        }

    def reset_camera(self, view_id: str | None = None) -> None:
        self.camera = 0
        self.dirty = True

    def set_selection(self, entity: str | None, instance: int | None = None) -> None:
        pass

    def tree(self) -> dict[str, Any]:
        return {}

    def set_blueprint(self, root: ContainerSpec | None) -> None:
        pass

    def set_node_visible(self, node_id: str, visible: bool) -> None:
        self.dirty = True

    def set_entity_visible_in_view(self, view_id: str, entity: str, visible: bool) -> None:
        self.dirty = True

    def maximize(self, view_id: str | None) -> None:
        self.dirty = True

    def set_active_tab(self, container_id: str, child_id: str) -> None:
        self.dirty = True

    def reveal(self, node_id: str) -> None:
        pass

    def set_visible(self, path: str, visible: bool) -> None:
        self.visible[path] = visible
        self.dirty = True

    def close(self) -> None:
        self.closed = True

    slices: dict[int, int] = {}  # noqa: RUF012

    def set_tensor_slice(self, view_id: str, indices: dict[int, int]) -> None:
        self.slices = {**self.slices, **indices}
        self.dirty = True


@dataclass
class FakeChunk:
    """A chunk as the panels and the time ticks read it (no time columns: no data ticks)."""

    id: str
    entity_path: str
    components: dict[str, Any] = field(default_factory=dict)
    timelines: dict[str, Any] = field(default_factory=dict)


@dataclass
class FakeEvent:
    chunk: FakeChunk
    kind: str = "added"


class FakeStore:
    """Enough of ChunkStore's query surface for the panels."""

    fetch_progress: LoadedRanges | None = None

    def __init__(self) -> None:
        self.chunks_: list[Any] = []
        self.subs: dict[int, Any] = {}
        self.paths: list[str] = []
        self.ranges: dict[str, tuple[int, int]] = {}
        self.logs: list[tuple[int, str, str]] = []
        self.doc: tuple[str, str] | None = None

    def subscribe(self, cb: Any) -> int:
        handle = len(self.subs) + 1
        self.subs[handle] = cb
        return handle

    def unsubscribe(self, handle: int) -> None:
        self.subs.pop(handle, None)

    def add(self, path: str, timeline: str = "frame", t: int = 0) -> None:
        self.chunks_.append((path, t))
        if path not in self.paths:
            self.paths.append(path)
        lo, hi = self.ranges.get(timeline, (t, t))
        self.ranges[timeline] = (min(lo, t), max(hi, t))
        event = FakeEvent(FakeChunk(f"added-{len(self.chunks_)}", path))
        for cb in list(self.subs.values()):
            cb(event)

    def entity_paths(self) -> list[str]:
        return list(self.paths)

    def timelines(self) -> dict[str, str]:
        return {name: "sequence" for name in self.ranges}

    def time_range(self, timeline: str) -> tuple[int, int] | None:
        return self.ranges.get(timeline)

    def chunks(self) -> list[FakeChunk]:
        out = []
        if self.logs:
            out.append(FakeChunk("log", "/log", {"TextLog:text": None}))
        if self.doc:
            out.append(FakeChunk("readme", "/readme", {"TextDocument:text": None}))
        return out

    def range(self, entity: str, components: list[str], timeline: Any, t0: int, t1: int) -> dict[str, Any]:
        rows = [r for r in self.logs if t0 <= r[0] <= t1]
        times = np.array([r[0] for r in rows], np.int64)
        return {
            "TextLog:text": SimpleNamespace(times=times, values=pa.array([[r[1]] for r in rows])),
            "TextLog:level": SimpleNamespace(times=times, values=pa.array([[r[2]] for r in rows])),
        }

    def latest_at(self, entity: str, components: list[str], timeline: Any, time: Any) -> dict[str, Any]:
        if self.doc is None:
            return {}
        return {
            "TextDocument:text": SimpleNamespace(values=pa.array([self.doc[0]])),
            "TextDocument:media_type": SimpleNamespace(values=pa.array([self.doc[1]])),
        }


_RENDERER: type[Renderer] = FakeApp  # mypy: the fake implements the renderer seam
_TICK_STORE: type[TickStore] = FakeStore  # ... and what the time ticks read of stores
_TICK_CHUNK: type[TickChunk] = FakeChunk
_TICK_EVENT: type[TickEvent] = FakeEvent
assert isinstance(FakeApp(FakeStore(), 1, 1), Renderer)  # and at run time (runtime_checkable)
