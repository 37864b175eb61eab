"""All archetypes: each is a table of fields over one shared base (`rerun._arch_base.Archetype`)."""

from __future__ import annotations

from .._arch_base import Archetype
from ._images import (
    DepthImage,
    EncodedDepthImage,
    EncodedImage,
    GridMap,
    Image,
    SegmentationImage,
    Tensor,
    Volume3D,
    VoxelGridMap,
)
from ._misc import (
    AnnotationContext,
    Asset3D,
    AssetAudio,
    AssetVideo,
    Clear,
    GaussianSplats3D,
    GeoLineStrings,
    GeoPoints,
    GraphEdges,
    GraphNodes,
    McapChannel,
    McapMessage,
    McapSchema,
    McapStatistics,
    Mesh3D,
    RecordingInfo,
    VideoFrameReference,
    VideoStream,
)
from ._plots import (
    BarChart,
    Measurements,
    Scalars,
    SeriesLines,
    SeriesPoints,
    StateChange,
    StateConfiguration,
    TextDocument,
    TextLog,
)
from ._shapes import (
    Arrows2D,
    Arrows3D,
    Box2DFormat,
    Boxes2D,
    Boxes3D,
    Capsules3D,
    Cylinders3D,
    Ellipses2D,
    Ellipsoids3D,
    LineStrips2D,
    LineStrips3D,
    Points2D,
    Points3D,
)
from ._transforms import (
    CoordinateFrame,
    InstancePoses3D,
    Pinhole,
    Transform3D,
    TransformAxes3D,
    ViewCoordinates,
)

__all__ = [
    "AnnotationContext",
    "Archetype",
    "Arrows2D",
    "Arrows3D",
    "Asset3D",
    "AssetAudio",
    "AssetVideo",
    "BarChart",
    "Box2DFormat",
    "Boxes2D",
    "Boxes3D",
    "Capsules3D",
    "Clear",
    "CoordinateFrame",
    "Cylinders3D",
    "DepthImage",
    "Ellipses2D",
    "Ellipsoids3D",
    "EncodedDepthImage",
    "EncodedImage",
    "GaussianSplats3D",
    "GeoLineStrings",
    "GeoPoints",
    "GraphEdges",
    "GraphNodes",
    "GridMap",
    "Image",
    "InstancePoses3D",
    "LineStrips2D",
    "LineStrips3D",
    "McapChannel",
    "McapMessage",
    "McapSchema",
    "McapStatistics",
    "Measurements",
    "Mesh3D",
    "Pinhole",
    "Points2D",
    "Points3D",
    "RecordingInfo",
    "Scalars",
    "SegmentationImage",
    "SeriesLines",
    "SeriesPoints",
    "StateChange",
    "StateConfiguration",
    "Tensor",
    "TextDocument",
    "TextLog",
    "Transform3D",
    "TransformAxes3D",
    "VideoFrameReference",
    "VideoStream",
    "ViewCoordinates",
    "Volume3D",
    "VoxelGridMap",
]


def _install_type_modules() -> None:
    """Register 0.41's per-type modules (``rerun.archetypes.points3d`` ...) as thin aliases.

    Each is a tiny module in ``sys.modules`` holding its one class, so
    ``from rerun.archetypes.points3d import Points3D`` works without 54 files. Names follow
    0.41's layout: the class name in snake_case, digits staying glued (``GeoLineStrings`` ->
    ``geo_line_strings``, ``TransformAxes3D`` -> ``transform_axes3d``).
    """
    import re
    import sys
    import types

    word_break = re.compile(r"(?<=[a-z])(?=[A-Z])")
    for name in __all__:
        if name in ("Archetype", "Box2DFormat"):
            continue
        modname = word_break.sub("_", name).lower()
        mod = types.ModuleType(f"{__name__}.{modname}", f"0.41-layout alias module for `{name}`.")
        setattr(mod, name, globals()[name])
        mod.__all__ = [name]  # type: ignore[attr-defined]
        mod = sys.modules.setdefault(mod.__name__, mod)
        globals().setdefault(modname, mod)  # `rr.archetypes.points3d` without importing it first


_install_type_modules()
