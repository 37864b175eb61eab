"""0.41's extra names on a few table-built components (`VideoTimestamp.seconds(...)`, ...).

Scripts written for 0.41 call these; each is the same conversion our classes already make.
`rerun.components` hands its namespace to `patch` once the classes exist (so this module never
imports the package back).
"""

from __future__ import annotations

import colorsys
import inspect
import math
from typing import Any

import numpy as np

from ..encodings._field_converters import class_map_elems, rgba_u32, utf8_pairs

_GOLDEN_RATIO = (math.sqrt(5.0) - 1.0) / 2.0


def patch(namespace: dict[str, Any]) -> None:
    """Add the names to the component classes in `namespace` (`rerun.components`)."""
    video, video_batch, color = (
        namespace["VideoTimestamp"],
        namespace["VideoTimestampBatch"],
        namespace["Color"],
    )

    def nanoseconds(nanoseconds: Any) -> Any:
        """A VideoTimestamp batch from nanoseconds since the video's start."""
        return video_batch([video(nanoseconds=int(ns)) for ns in np.asarray(nanoseconds).reshape(-1)])

    def seconds(seconds: Any) -> Any:
        """A VideoTimestamp batch from seconds since the video's start."""
        return nanoseconds(np.asarray(seconds, dtype=np.float64) * 1e9)

    def milliseconds(milliseconds: Any) -> Any:
        """A VideoTimestamp batch from milliseconds since the video's start."""
        return nanoseconds(np.asarray(milliseconds, dtype=np.float64) * 1e6)

    def from_string(s: str) -> Any:
        """A color picked from a string's hash: the same string gives the same color (in a process)."""
        hue = (hash(s) & 0xFFFF) / 2**16 * _GOLDEN_RATIO
        return color([round(comp * 255) for comp in colorsys.hsv_to_rgb(hue, 0.85, 0.5)])

    for func in (seconds, milliseconds, nanoseconds):
        setattr(video, func.__name__, staticmethod(func))
    video.timestamp_ns = property(lambda self: self.value, doc="Nanoseconds since the video's start.")
    color.from_string = staticmethod(from_string)
    for name in ("Color", "AlbedoFactor"):
        namespace[name].rgba__field_converter_override = staticmethod(rgba_u32)
        _pack_on_init(namespace[name])
    namespace["Scale3D"].xyz = property(lambda self: self.value, doc="The per-axis scale.")
    namespace["AnnotationContext"].class_map__field_converter_override = staticmethod(class_map_elems)
    namespace["KeyValuePairs"].pairs__field_converter_override = staticmethod(utf8_pairs)
    # A KeyValuePairs value reaches the converter as itself (one row, as in 0.41), not as its
    # raw pairs, which as a sequence would read as one row per item.
    namespace["KeyValuePairs"]._native = lambda self: self
    for name in ("ChannelMessageCountsBatch", "AnnotationContextBatch"):
        namespace[name]._to_arrow = classmethod(_no_empty_shortcut)
    view = namespace["ViewCoordinates"]
    view.coordinates = None  # class-level too, as 0.41's attrs field
    view.deferred_patch_class = _constants_patch(view, lambda value: value.coordinates)
    for name in ("TextLogLevel", "MediaType"):
        namespace[name].deferred_patch_class = _constants_patch(namespace[name], str)


def _no_empty_shortcut(cls: Any, data: Any) -> Any:
    """`_to_arrow` without the empty-list shortcut: 0.41 runs its converter on `[]` too (for
    ChannelMessageCounts, one that always raises; an AnnotationContext of no classes is one
    instance)."""
    if isinstance(data, (list, tuple)) and not data:
        return cls._CONVERT(data)
    return super(cls, cls)._to_arrow(data)


def _constants_patch(cls: type, argument: Any) -> staticmethod:  # type: ignore[type-arg]
    """0.41's `deferred_patch_class`: (re)set the named constants (`ViewCoordinates.RDF`,
    `TextLogLevel.ERROR` ...) on a class, built from the ones `cls` has."""
    constants = {name: argument(value) for name, value in vars(cls).items() if isinstance(value, cls)}

    def deferred_patch_class(cls: Any) -> None:
        for name, value in constants.items():
            setattr(cls, name, cls(value))

    return staticmethod(deferred_patch_class)


def _pack_on_init(cls: Any) -> None:
    """As 0.41 (an `Rgba32`): the constructor stores the color packed, so `.rgba` is an int."""
    base_init = cls.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        base_init(self, *args, **kwargs)
        self.value = rgba_u32(self.value)

    __init__.__signature__ = inspect.signature(base_init)  # type: ignore[attr-defined]
    __init__.__doc__ = base_init.__doc__
    cls.__init__ = __init__
