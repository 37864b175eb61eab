"""A view this viewer cannot draw (a blueprint asked for a Map, Graph, Dataframe... view).

It fills its rect with the background and says so in the middle, instead of failing the frame.
"""

from __future__ import annotations

from typing import Any

from rerun_core.viewer.camera import PlotCamera
from rerun_core.viewer.plot_views import Text

_COLOR = (170, 170, 170, 255)


class PlaceholderView:
    """Duck-types the pixel views ``ViewerApp`` renders: scene, camera, overlay text."""

    def __init__(self, spec: Any) -> None:
        import pygfx as gfx

        from rerun_core.viewer.spatial_view import BACKGROUND

        self.spec = spec
        self.camera = PlotCamera()  # never moved; keeps camera_state() and input handling uniform
        self.errors: dict[str, str] = {}
        self.scene = gfx.Scene()
        self.scene.add(gfx.Background(None, gfx.BackgroundMaterial(BACKGROUND)))
        self._ndc = gfx.NDCCamera()

    @property
    def message(self) -> str:
        return getattr(self.spec, "message", None) or f"The {self.spec.kind} view cannot be shown here"

    def prepare_camera(self, aspect: float) -> Any:
        return self._ndc

    def overlay(self, rect: tuple[int, int, int, int]) -> list[Text]:
        return [Text(rect[2] / 2, rect[3] / 2, self.message, _COLOR, "chip:mm")]

    def reset_camera(self) -> None:
        pass
