"""The typed seams of the renderer, importable without pygfx.

``Renderer`` is everything the notebook session and the web page may ask of the kernel-side
renderer (``ViewerApp`` implements it; so do the tests' fakes, ``tests/notebook/fakes.py``).
``View`` / ``PixelView`` and the small optional capabilities below are what ``ViewerApp`` asks of
the view objects a ``view_registry.ViewKind`` makes: a view offers a capability by having the
method; ``isinstance(view, Selectable)`` (runtime-checkable) narrows it so mypy checks the call.

Nothing here imports pygfx: pygfx objects (scenes, cameras' world objects) are plain ``object``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
from PIL import ImageDraw

if TYPE_CHECKING:
    from rerun_core.viewer.layout import ContainerSpec
    from rerun_core.viewer.specs import ViewSpec

Rect = tuple[int, int, int, int]  # x, y, w, h in pixels


@runtime_checkable
class Renderer(Protocol):
    """What the notebook and web layers ask of the renderer for one recording."""

    # --- size, time, frames
    def set_size(self, width: int, height: int) -> None: ...
    def set_time(self, timeline: str, time: int | None) -> None: ...
    def set_view_header(self, pixels: int) -> None: ...
    def is_dirty(self) -> bool: ...
    def render(self, *, preview: bool = False) -> np.ndarray: ...
    def close(self) -> None: ...

    # --- the views shown now and their HTML data
    def layout(self) -> list[dict[str, Any]]: ...
    def text_log(self, view_id: str, max_rows: int) -> list[dict[str, Any]]: ...
    def text_document(self, view_id: str) -> dict[str, str]: ...
    def tensor_info(self, view_id: str) -> dict[str, Any]: ...
    def visible_in(self, view_id: str) -> Callable[[str], bool]: ...

    # --- input, picking, selection
    def handle_event(self, ev: dict[str, Any]) -> bool: ...
    def pick(self, x: float, y: float) -> dict[str, Any] | None: ...
    def reset_camera(self, view_id: str | None = None) -> None: ...
    def set_selection(self, entity: str | None, instance: int | None = None) -> None: ...
    def set_tensor_slice(self, view_id: str, indices: dict[int, int]) -> None: ...

    # --- visibility and the viewport tree (blueprint panel, view headers, sent blueprints)
    def set_visible(self, entity: str, visible: bool) -> None: ...
    def tree(self) -> dict[str, Any]: ...
    def set_blueprint(self, root: ContainerSpec | None) -> None: ...
    def set_node_visible(self, node_id: str, visible: bool) -> None: ...
    def set_entity_visible_in_view(self, view_id: str, entity: str, visible: bool) -> None: ...
    def maximize(self, view_id: str | None) -> None: ...
    def set_active_tab(self, container_id: str, child_id: str) -> None: ...
    def reveal(self, node_id: str) -> None: ...


RendererFactory = Callable[[Any, int, int], Renderer]  # (store, width, height) -> renderer


# --- the browser half of a view kind (``ViewKind.payload`` / ``snapshot`` / ``messages``) -------

RGB = tuple[int, int, int]


@dataclass
class ViewRef:
    """One view as a kind's payload function sees it."""

    id: str
    kind: str
    raw: dict[str, Any]  # the renderer's layout entry (``Renderer.layout()``), e.g. a dataframe query
    entities: list[str]  # its entities (else its origin), as strings


class TimeCursor(Protocol):
    """The time panel's cursor (``rerun_notebook.timectrl.TimeControl``)."""

    @property
    def timeline(self) -> str | None: ...
    @property
    def time(self) -> int | None: ...
    @property
    def kinds(self) -> dict[str, str]: ...  # timeline -> sequence / duration / timestamp


class DataframeWindows(Protocol):
    """The session's dataframe row windows (``rerun_notebook.dataframe_panel.DataframePanels``)."""

    def entry(
        self,
        store: Any,
        view_id: str,
        query: dict[str, Any] | None,
        entities: list[str],
        timeline: str | None,
        time: int | None,
    ) -> dict[str, Any]: ...
    def set_window(self, view_id: str, offset: int, count: int) -> bool: ...  # True: what is sent changed
    def row_time(self, view_id: str, row: int, timeline: str | None) -> int | None: ...


class PanelContext(Protocol):
    """What a kind's ``payload`` may read: the session at its time cursor (``ViewerSession``)."""

    @property
    def app(self) -> Renderer | None: ...
    @property
    def store(self) -> Any: ...  # the active recording's ChunkStore (tests: a fake with its query surface)
    @property
    def time(self) -> TimeCursor: ...
    @property
    def hidden(self) -> set[str]: ...
    @property
    def dataframes(self) -> DataframeWindows: ...


class SnapshotCanvas(Protocol):
    """One HTML view's rect in the static picture (``rerun_notebook.snapshot``)."""

    rect: Rect
    font: Any  # a PIL font

    @property
    def draw(self) -> ImageDraw.ImageDraw: ...
    def title_chip(self) -> None: ...  # the view's name in a chip at its top left
    def text_lines(self, lines: list[tuple[str, RGB]], *, newest_last: bool = False) -> None: ...


class SeekableCursor(TimeCursor, Protocol):
    """The time cursor a kind's message may move (``TimeControl.seek``: pauses, stops following)."""

    def seek(self, time: int | float) -> None: ...


class MessageContext(Protocol):
    """What a kind's browser -> kernel message handler may do to the session (``ViewerSession``)."""

    @property
    def time(self) -> SeekableCursor: ...
    @property
    def dataframes(self) -> DataframeWindows: ...
    def renderer_change(self, change: Callable[[Renderer], object]) -> None: ...  # no renderer: nothing
    def session_change(self, change: Callable[[], bool]) -> None: ...  # under the lock; True: redraw


Payload = Callable[[PanelContext, ViewRef], dict[str, Any]]  # -> keys added to the view's state entry
Snapshot = Callable[[SnapshotCanvas, dict[str, Any]], None]  # (canvas, the view's state entry) -> None
# (the session, the message's ``view_id``, the message) -> None: a kind's ``ViewKind.messages`` entry
MessageHandler = Callable[[MessageContext, str, dict[str, Any]], None]


class View(Protocol):
    """Any view a ``ViewKind`` makes (an HTML view only needs this much)."""

    spec: ViewSpec
    camera: Any  # camera.OrbitCamera | PanZoomCamera | PlotCamera

    def reset_camera(self) -> None: ...


@runtime_checkable
class PixelView(Protocol):
    """A view ``ViewerApp.render`` draws into its rect: a pygfx scene seen through its camera."""

    spec: ViewSpec
    camera: Any
    scene: object  # a pygfx Scene

    def reset_camera(self) -> None: ...
    def prepare_camera(self, aspect: float) -> object: ...  # -> the pygfx camera to render with


# --- optional capabilities of pixel views (ViewerApp checks them with isinstance) ---------------


@runtime_checkable
class Overlaid(Protocol):
    """Draws 2D text over its rect (plots' ticks and legends); ``labels`` is the 3D alternative."""

    def overlay(self, rect: Rect) -> list[Any]: ...  # plot_views.Text


@runtime_checkable
class Labelled(Protocol):
    """Labels anchored in scene space, projected by the app (spatial views)."""

    def labels(self) -> list[Any]: ...  # visualizers.base.Label


@runtime_checkable
class PlotRect(Protocol):
    """Draws its scene into an inner rect (axes around it)."""

    def plot_rect(self, rect: Rect) -> Rect: ...


@runtime_checkable
class LevelOfDetail(Protocol):
    """Draws big point clouds as strided subsets while moving."""

    def set_lod(self, max_points: int | None) -> None: ...

    def lod_points(self) -> int:
        """How many points a full frame draws (what a subset would stride)."""
        ...


@runtime_checkable
class Selectable(Protocol):
    """Outlines the selected entity (or instance)."""

    def set_selection(self, entity: str | None, instance: int | None) -> None: ...


@runtime_checkable
class Animating(Protocol):
    """Keeps the app rendering while True (a graph layout settling)."""

    @property
    def animating(self) -> bool: ...


@runtime_checkable
class SelfPicking(Protocol):
    """Hit-tests on the CPU instead of the GPU pick buffer (graph view); ``redraw`` asks for a frame."""

    redraw: bool

    def pick(self, x: float, y: float) -> dict[str, Any] | None: ...


__all__ = [
    "RGB",
    "Animating",
    "DataframeWindows",
    "Labelled",
    "LevelOfDetail",
    "MessageContext",
    "MessageHandler",
    "Overlaid",
    "PanelContext",
    "Payload",
    "PixelView",
    "PlotRect",
    "Rect",
    "Renderer",
    "RendererFactory",
    "SeekableCursor",
    "Selectable",
    "SelfPicking",
    "Snapshot",
    "SnapshotCanvas",
    "TimeCursor",
    "View",
    "ViewRef",
]
