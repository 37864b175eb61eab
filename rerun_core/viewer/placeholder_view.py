"""A view this viewer cannot draw (a blueprint asked for a view class with no ``view_registry`` kind).

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
        from rerun_core.viewer.compose import background_scene

        self.spec = spec
        self.camera = PlotCamera()  # never moved; keeps camera_state() and input handling uniform
        self.errors: dict[str, str] = {}
        self.scene, self._ndc = background_scene()  # the shared static backdrop scene

    @property
    def message(self) -> str:
        from rerun_core.viewer.blueprint_tree import BlueprintView

        told = self.spec.message if isinstance(self.spec, BlueprintView) else None
        return told or f"The {self.spec.kind} view cannot be shown here"

    def prepare_camera(self, aspect: float) -> Any:
        return self._ndc

    def overlay(self, rect: tuple[int, int, int, int]) -> list[Text]:
        return [Text(rect[2] / 2, rect[3] / 2, self.message, _COLOR, "chip:mm")]

    def reset_camera(self) -> None:
        pass
