"""Visualizer overrides: which visualizers a view runs for an entity, with component overrides."""

from __future__ import annotations

import uuid
from typing import Any, Protocol, runtime_checkable

# Visualizer names that differ from the archetype's own name.
VISUALIZER_NAMES = {
    "LineStrips2D": "Lines2D",
    "LineStrips3D": "Lines3D",
    "Measurements": "MeasurementsSeries",
    "Pinhole": "Cameras",
    "StateChange": "StateVisualizer",
    "StateConfiguration": "StateVisualizer",
}

VISUALIZABLE = {
    "Arrows2D", "Arrows3D", "Asset3D", "AssetAudio", "BarChart", "Boxes2D", "Boxes3D", "Capsules3D",
    "Cylinders3D", "DepthImage", "Ellipses2D", "Ellipsoids3D", "EncodedDepthImage", "EncodedImage",
    "GaussianSplats3D", "GeoLineStrings", "GeoPoints", "GraphEdges", "GraphNodes", "Image",
    "LineStrips2D", "LineStrips3D", "Measurements", "Mesh3D", "Pinhole", "Points2D", "Points3D",
    "SegmentationImage", "SeriesLines", "SeriesPoints", "StateChange", "StateConfiguration", "Tensor",
    "TextDocument", "TextLog", "TransformAxes3D", "VideoFrameReference", "VideoStream", "Volume3D",
    "VoxelGridMap",
}  # fmt: skip


class Visualizer:
    """One visualizer instance for an entity in a view, with optional component overrides."""

    def __init__(
        self, visualizer_type: str, *, overrides: list[Any] | None = None, mappings: Any = None
    ) -> None:
        self.id = uuid.uuid4()
        self.visualizer_type = visualizer_type
        self.overrides = overrides
        self.mappings = mappings


@runtime_checkable
class VisualizableArchetype(Protocol):
    """What a view override accepts besides a `Visualizer`: an archetype that makes its own
    (`rr.Points3D(...).visualizer()`); extra arguments let archetypes take component mappings."""

    def visualizer(self, *args: Any, **kwargs: Any) -> Visualizer: ...


def visualizer_of(archetype: Any) -> Visualizer | None:
    """The visualizer an archetype instance stands for (its set fields become overrides), if any."""
    name = type(archetype).__name__
    if name not in VISUALIZABLE or not type(archetype).__module__.startswith("rerun.archetypes"):
        return None
    return Visualizer(VISUALIZER_NAMES.get(name, name), overrides=archetype.as_component_batches())
