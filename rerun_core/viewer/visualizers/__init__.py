"""Visualizers, one per archetype, found through ``VISUALIZERS`` (keyed by archetype name)."""

from rerun_core.viewer.visualizers import image_vis, meshes, pinhole, points_lines, shapes, video_vis
from rerun_core.viewer.visualizers.base import (
    SPATIAL_2D,
    SPATIAL_3D,
    VISUALIZERS,
    Annotations,
    ClassInfo,
    Label,
    VisContext,
    Visualizer,
    register,
    visualizer_for,
)

__all__ = [
    "SPATIAL_2D",
    "SPATIAL_3D",
    "VISUALIZERS",
    "Annotations",
    "ClassInfo",
    "Label",
    "VisContext",
    "Visualizer",
    "image_vis",
    "meshes",
    "pinhole",
    "points_lines",
    "register",
    "shapes",
    "video_vis",
    "visualizer_for",
]
