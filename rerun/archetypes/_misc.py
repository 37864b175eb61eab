"""Annotation, clearing, graphs, geo, assets, video, meshes, recording info and MCAP archetypes."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._arch_base import Archetype, F
from .._arch_errors import builtin_kind, report
from ..encodings import ColorModel, ImageFormat
from ._images import _datatype, _path_or_contents, to_numpy


class AnnotationContext(Archetype):
    """Class ids -> labels, colors and keypoint skeletons, for this entity and its children."""

    _FIELDS = (F("context", "AnnotationContext", pos=True, req=True),)


class Clear(Archetype):
    """Clears the entity's data (and, with `recursive`, its children's)."""

    _FIELDS = (F("is_recursive", "ClearIsRecursive", req=True, arg="recursive"),)

    @staticmethod
    def flat() -> Clear:
        return Clear(recursive=False)

    @staticmethod
    def recursive() -> Clear:  # type: ignore[override]
        return Clear(recursive=True)


class GraphNodes(Archetype):
    """Nodes of a graph, by id."""

    _FIELDS = (
        F("node_ids", "GraphNode", pos=True, req=True),
        F("positions", "Position2D"),
        F("colors", "Color"),
        F("labels", "Text"),
        F("show_labels", "ShowLabels"),
        F("radii", "Radius"),
    )


class GraphEdges(Archetype):
    """Edges of a graph, as (from, to) node id pairs."""

    _FIELDS = (F("edges", "GraphEdge", pos=True, req=True), F("graph_type", "GraphType"))


class GeoPoints(Archetype):
    """Points on a map, as (latitude, longitude) in degrees."""

    _FIELDS = (
        F("positions", "LatLon", req=True, arg="lat_lon"),
        F("radii", "Radius"),
        F("colors", "Color"),
        F("class_ids", "ClassId"),
    )


class GeoLineStrings(Archetype):
    """Polylines on a map, each a list of (latitude, longitude)."""

    _FIELDS = (
        F("line_strings", "GeoLineString", req=True, arg="lat_lon"),
        F("radii", "Radius"),
        F("colors", "Color"),
    )


class _Asset(Archetype):
    """Archetypes whose blob comes from exactly one of `path` or `contents`."""

    def _load(self, path: Any, contents: Any, media_type: Any, **extra: Any) -> None:
        try:
            blob, media_type = _path_or_contents(path, contents, media_type)
        except (ValueError, OSError) as err:
            self._fail(str(err), kind=builtin_kind(err))  # a missing file is a FileNotFoundError, as 0.41
            return
        self._set(dict(blob=blob, media_type=media_type, **extra))


class Asset3D(_Asset):
    """A 3D model file (glTF, GLB, OBJ, STL) logged as-is."""

    _FIELDS = (F("blob", "Blob"), F("media_type", "MediaType"), F("albedo_factor", "AlbedoFactor"))

    def __init__(
        self, *, path: Any = None, contents: Any = None, media_type: Any = None, albedo_factor: Any = None
    ) -> None:
        self._load(path, contents, media_type, albedo_factor=albedo_factor)


class AssetVideo(_Asset):
    """A video file (MP4) logged as-is; frames are referenced with `VideoFrameReference`."""

    _FIELDS = (F("blob", "Blob"), F("media_type", "MediaType"))

    def __init__(self, *, path: Any = None, contents: Any = None, media_type: Any = None) -> None:
        self._load(path, contents, media_type)

    def read_frame_timestamps_nanos(self) -> np.ndarray:
        """Presentation timestamps of every frame (MP4 only)."""
        from .._arch_mp4 import frame_timestamps_nanos

        if self.blob is None:  # type: ignore[attr-defined]
            raise RuntimeError("Asset video has no video buffer")
        data = self.blob.as_arrow_array()[0].values.to_numpy(zero_copy_only=False).tobytes()  # type: ignore[attr-defined]
        return frame_timestamps_nanos(data)


class AssetAudio(_Asset):
    """An audio file logged as-is."""

    _FIELDS = (F("blob", "Blob"), F("media_type", "MediaType"))

    def __init__(self, *, path: Any = None, contents: Any = None, media_type: Any = None) -> None:
        self._load(path, contents, media_type)


class VideoFrameReference(Archetype):
    """A reference to one frame of a video asset, by presentation timestamp."""

    _FIELDS = (
        F("timestamp", "VideoTimestamp", pos=True, req=True),
        F("video_reference", "EntityPath"),
        F("opacity", "Opacity"),
        F("draw_order", "DrawOrder"),
    )

    def __init__(
        self,
        timestamp: Any = None,
        *,
        seconds: float | None = None,
        nanoseconds: int | None = None,
        video_reference: Any = None,
        opacity: Any = None,
        draw_order: Any = None,
    ) -> None:
        if timestamp is None:
            if seconds is None and nanoseconds is None:
                self._fail("Either timestamp or seconds/nanoseconds must be specified.")
                return
            if seconds is not None and nanoseconds is not None:
                self._fail("Cannot specify both `seconds` and `nanoseconds`.")
                return
            timestamp = int(seconds * 1e9 + 0.5) if seconds is not None else nanoseconds
        elif seconds is not None or nanoseconds is not None:
            self._fail("Cannot specify both `timestamp` and `seconds`/`nanoseconds`.")
            return
        values = dict(timestamp=timestamp, video_reference=video_reference, opacity=opacity)
        self._set(dict(values, draw_order=draw_order))

    @classmethod
    def columns_secs(cls, seconds: Any) -> Any:
        return cls.columns(timestamp=np.asarray(seconds, dtype=np.int64) * int(1e9))

    @classmethod
    def columns_millis(cls, milliseconds: Any) -> Any:
        return cls.columns(timestamp=np.asarray(milliseconds, dtype=np.int64) * int(1e6))

    @classmethod
    def columns_nanos(cls, nanoseconds: Any) -> Any:
        return cls.columns(timestamp=np.asarray(nanoseconds, dtype=np.int64))


class VideoStream(Archetype):
    """Encoded video samples (one per row), decoded by the viewer."""

    _FIELDS = (
        F("codec", "VideoCodec", pos=True, req=True),
        F("sample", "VideoSample"),
        F("is_keyframe", "IsKeyframe"),
        F("opacity", "Opacity"),
        F("draw_order", "DrawOrder"),
    )


class Mesh3D(Archetype):
    """A triangle mesh with optional normals, colors, texture coordinates and texture."""

    _FIELDS = (
        F("vertex_positions", "Position3D", req=True),
        F("triangle_indices", "TriangleIndices"),
        F("vertex_normals", "Vector3D"),
        F("vertex_colors", "Color"),
        F("vertex_texcoords", "Texcoord2D"),
        F("albedo_factor", "AlbedoFactor"),
        F("face_rendering", "MeshFaceRendering"),
        F("albedo_texture_buffer", "ImageBuffer"),
        F("albedo_texture_format", "ImageFormat"),
        F("class_ids", "ClassId"),
    )

    def __init__(
        self,
        *,
        vertex_positions: Any,
        triangle_indices: Any = None,
        vertex_normals: Any = None,
        vertex_colors: Any = None,
        vertex_texcoords: Any = None,
        albedo_texture: Any = None,
        albedo_factor: Any = None,
        face_rendering: Any = None,
        class_ids: Any = None,
    ) -> None:
        values = dict(vertex_positions=vertex_positions, triangle_indices=triangle_indices)
        values.update(
            vertex_normals=vertex_normals, vertex_colors=vertex_colors, vertex_texcoords=vertex_texcoords
        )
        values.update(albedo_factor=albedo_factor, face_rendering=face_rendering, class_ids=class_ids)
        if albedo_texture is not None:
            try:
                values["albedo_texture_buffer"], values["albedo_texture_format"] = _texture(albedo_texture)
            except ValueError as err:  # as 0.41: warns (raises when strict), the mesh is kept untextured
                report(ValueError(f"Mesh3D: {err}"))
        self._set(values)


def _texture(texture: Any) -> tuple[bytes, ImageFormat]:
    arr = to_numpy(texture)
    if arr.ndim != 3 or arr.shape[2] not in (3, 4):
        raise ValueError(f"Bad albedo texture shape: {arr.shape}, expected (H, W, 3|4)")
    h, w, c = arr.shape
    model = ColorModel.RGB if c == 3 else ColorModel.RGBA
    fmt = ImageFormat(w, h, color_model=model, channel_datatype=_datatype(arr.dtype, "Mesh3D albedo texture"))
    return np.ascontiguousarray(arr).tobytes(), fmt


class RecordingInfo(Archetype):
    """Recording-wide properties: name and start time (logged under `__properties`)."""

    _FIELDS = (F("start_time", "Timestamp"), F("name", "Name"))


class GaussianSplats3D(Archetype):
    """3D Gaussian splats."""

    _FIELDS = (
        F("centers", "Position3D", pos=True, req=True),
        F("scales", "Scale3D"),
        F("quaternions", "RotationQuat"),
        F("colors", "Color"),
        F("sh_coefficients", "SphericalHarmonics3Rgb"),
        F("spherical_harmonics_degree", "SphericalHarmonicsDegree"),
    )


class McapChannel(Archetype):
    """An MCAP channel description."""

    _FIELDS = (
        F("id", "ChannelId", req=True),
        F("topic", "Text", req=True),
        F("message_encoding", "Text", req=True),
        F("metadata", "KeyValuePairs"),
    )


class McapMessage(Archetype):
    """A raw MCAP message."""

    _FIELDS = (F("data", "Blob", pos=True, req=True),)


class McapSchema(Archetype):
    """An MCAP schema."""

    _FIELDS = (
        F("id", "SchemaId", req=True),
        F("name", "Text", req=True),
        F("encoding", "Text", req=True),
        F("data", "Blob", req=True),
    )


class McapStatistics(Archetype):
    """Statistics of an MCAP file."""

    _FIELDS = (
        *(F(n, "Count", req=True) for n in ("message_count", "schema_count", "channel_count")),
        *(F(n, "Count", req=True) for n in ("attachment_count", "metadata_count", "chunk_count")),
        F("message_start_time", "Timestamp", req=True),
        F("message_end_time", "Timestamp", req=True),
        F("channel_message_counts", "ChannelMessageCounts"),
    )
