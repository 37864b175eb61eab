"""Fakes standing in for the renderer and the store in widget tests."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pyarrow as pa


class FakeApp:
    """Draws a flat color that changes with the camera and the data; records what it was told."""

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
        self.views = [SimpleNamespace(kind="spatial3d", rect=(0, 0, width, height), name="/")]

    def set_size(self, w: int, h: int) -> None:
        self.size = (w, h)
        self.dirty = True

    def set_time(self, timeline: str, time: int) -> None:
        self.times.append((timeline, time))
        self.dirty = True

    def handle_event(self, event: dict) -> None:
        self.events.append(event)
        if event["event_type"] in ("pointer_move", "wheel"):
            self.camera += 1
            self.dirty = True

    def layout(self) -> list[Any]:
        return self.views

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

    def pick(self, x: float, y: float) -> dict | None:
        if x < 10:
            return None
        return {
            "entity_path": "/points",
            "instance": 3,
            "values": {"Points3D:positions": np.array([1.0, 2.0, 3.0])},
        }

    def reset_camera(self) -> None:
        self.camera = 0
        self.dirty = True

    def set_visible(self, path: str, visible: bool) -> None:
        self.visible[path] = visible
        self.dirty = True

    def close(self) -> None:
        self.closed = True

    def view(self, view_id: str) -> Any:
        if view_id != "tensor:/t":
            raise KeyError(view_id)
        return SimpleNamespace(
            tensor=np.zeros((4, 5, 6)), names=["a", "b", "c"], axes=(1, 2), slice=self.slices
        )

    slices: dict[int, int] = {}  # noqa: RUF012

    def set_tensor_slice(self, view_id: str, indices: dict[int, int]) -> None:
        self.slices = {**self.slices, **indices}
        self.dirty = True


class FakeStore:
    """Enough of ChunkStore's query surface for the panels."""

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
        for cb in list(self.subs.values()):
            cb(None)

    def entity_paths(self) -> list[str]:
        return list(self.paths)

    def timelines(self) -> dict[str, str]:
        return {name: "sequence" for name in self.ranges}

    def time_range(self, timeline: str) -> tuple[int, int] | None:
        return self.ranges.get(timeline)

    def chunks(self) -> list[Any]:
        out = []
        if self.logs:
            out.append(SimpleNamespace(entity_path="/log", components={"TextLog:text": None}))
        if self.doc:
            out.append(SimpleNamespace(entity_path="/readme", components={"TextDocument:text": None}))
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
