"""Which space each drawable archetype lives in: the one table the heuristics and visualizers share.

Pure Python (no pygfx). ``SPACES`` maps an archetype to its native space; a visualizer class
(``visualizers.base.register``) must name an archetype listed here, and ``heuristics.choose_views``
reads the archetype sets from here instead of keeping its own lists. Adding a visualizer for a new
archetype = one line here + its class in ``visualizers/``.
"""

from __future__ import annotations

SPACE_3D = "3d"  # spatial 3D views (2D content reaches them only under a Pinhole)
SPACE_2D = "2d"  # spatial 2D views (and a Pinhole's image plane in 3D views)
SPACE_MAP = "map"  # the map view (geo coordinates)
SPACE_PLOT = "plot"  # time-series plots

SPACES: dict[str, str] = {
    # 3D
    "Points3D": SPACE_3D,
    "Boxes3D": SPACE_3D,
    "LineStrips3D": SPACE_3D,
    "Arrows3D": SPACE_3D,
    "Ellipsoids3D": SPACE_3D,
    "Capsules3D": SPACE_3D,
    "Cylinders3D": SPACE_3D,
    "Mesh3D": SPACE_3D,
    "Asset3D": SPACE_3D,
    "Pinhole": SPACE_3D,  # its frustum; its children are 2D content on its image plane
    # 2D
    "Image": SPACE_2D,
    "DepthImage": SPACE_2D,
    "SegmentationImage": SPACE_2D,
    "EncodedImage": SPACE_2D,
    "Points2D": SPACE_2D,
    "Boxes2D": SPACE_2D,
    "LineStrips2D": SPACE_2D,
    "Arrows2D": SPACE_2D,
    "VideoFrameReference": SPACE_2D,
    "VideoStream": SPACE_2D,
    # maps
    "GeoPoints": SPACE_MAP,
    "GeoLineStrings": SPACE_MAP,
    # plots
    "Scalars": SPACE_PLOT,
    "SeriesLines": SPACE_PLOT,
    "SeriesPoints": SPACE_PLOT,
}


def archetypes_in(space: str) -> frozenset[str]:
    """The archetypes whose native space is ``space``."""
    return frozenset(a for a, s in SPACES.items() if s == space)


def space_of(archetype: str) -> str | None:
    """The native space of ``archetype`` (a short name or ``rerun.archetypes.X``), or None."""
    return SPACES.get(archetype.rsplit(".", 1)[-1])


__all__ = ["SPACES", "SPACE_2D", "SPACE_3D", "SPACE_MAP", "SPACE_PLOT", "archetypes_in", "space_of"]
