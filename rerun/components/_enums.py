"""Enum components (stored as uint8, VideoCodec as uint32) and string-constant components."""

from __future__ import annotations

from typing import Any

from ..encodings._image import _AutoEnum


class AggregationPolicy(_AutoEnum):
    Off = 1
    Average = 2
    Max = 3
    Min = 4
    MinMax = 5
    MinMaxAverage = 6


class Colormap(_AutoEnum):
    Grayscale = 1
    Inferno = 2
    Magma = 3
    Plasma = 4
    Turbo = 5
    Viridis = 6
    CyanToYellow = 7
    Spectral = 8
    Twilight = 9
    RvizMap = 10
    RvizCostmap = 11
    Costmap = 12


class EntryKind(_AutoEnum):
    Dataset = 1
    DatasetView = 2
    Table = 3
    TableView = 4
    BlueprintDataset = 5
    AssetDataset = 6


class FillMode(_AutoEnum):
    MajorWireframe = 1
    DenseWireframe = 2
    Solid = 3
    TransparentFillMajorWireframe = 4


class GraphType(_AutoEnum):
    Undirected = 1
    Directed = 2


class InterpolationMode(_AutoEnum):
    Linear = 1
    StepAfter = 2
    StepBefore = 3
    StepMid = 4


class MagnificationFilter(_AutoEnum):
    Nearest = 1
    Linear = 2
    Bicubic = 3


class MarkerShape(_AutoEnum):
    Circle = 1
    Diamond = 2
    Square = 3
    Cross = 4
    Plus = 5
    Up = 6
    Down = 7
    Left = 8
    Right = 9
    Asterisk = 10


class MeshFaceRendering(_AutoEnum):
    DoubleSided = 1
    Front = 2
    Back = 3


class PointShading(_AutoEnum):
    Gradient = 1
    Flat = 2


class TransformRelation(_AutoEnum):
    ParentFromChild = 1
    ChildFromParent = 2


class VideoCodec(_AutoEnum):
    """FourCC codes of the supported video codecs."""

    AV1 = 0x61763031
    H264 = 0x61766331
    H265 = 0x68657631
    VP8 = 0x76703038
    VP9 = 0x76703039


ENUM_COMPONENTS: dict[str, type[_AutoEnum]] = {
    cls.__name__: cls
    for cls in (
        AggregationPolicy,
        Colormap,
        EntryKind,
        FillMode,
        GraphType,
        InterpolationMode,
        MagnificationFilter,
        MarkerShape,
        MeshFaceRendering,
        PointShading,
        TransformRelation,
        VideoCodec,
    )
}

TEXT_LOG_LEVELS = ("CRITICAL", "DEBUG", "ERROR", "INFO", "TRACE", "WARN")

MEDIA_TYPES: dict[str, str] = {
    "AAC": "audio/aac",
    "FLAC": "audio/flac",
    "GLB": "model/gltf-binary",
    "GLTF": "model/gltf+json",
    "JPEG": "image/jpeg",
    "M4A": "audio/mp4",
    "MARKDOWN": "text/markdown",
    "MP3": "audio/mpeg",
    "MP4": "video/mp4",
    "OBJ": "model/obj",
    "OGG": "audio/ogg",
    "PLY": "application/x-ply",
    "PNG": "image/png",
    "RVL": "application/rvl",
    "STL": "model/stl",
    "TEXT": "text/plain",
    "WAV": "audio/wav",
}

_EXTENSIONS: dict[str, str] = {
    ".aac": "AAC",
    ".flac": "FLAC",
    ".glb": "GLB",
    ".gltf": "GLTF",
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".m4a": "M4A",
    ".md": "MARKDOWN",
    ".mp3": "MP3",
    ".mp4": "MP4",
    ".obj": "OBJ",
    ".ogg": "OGG",
    ".ply": "PLY",
    ".png": "PNG",
    ".rvl": "RVL",
    ".stl": "STL",
    ".txt": "TEXT",
    ".wav": "WAV",
}


def guess_media_type(path: Any) -> str | None:
    """The media type for a file name's extension, or None when unknown."""
    import os

    ext = os.path.splitext(str(path))[1].lower()
    key = _EXTENSIONS.get(ext)
    return MEDIA_TYPES[key] if key else None
