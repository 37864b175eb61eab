"""Components: `XBatch` (many values of component type X) and `X` (a single value).

All of them come from one table (`_table.COMPONENT_TYPES`); enum components are Python enums,
`TextLogLevel`/`MediaType` are strings with named constants.
"""

from __future__ import annotations

import inspect
import itertools
from typing import TYPE_CHECKING, Any, ClassVar, Self

import numpy as np
import pyarrow as pa

from rerun_core.types.descriptor import ComponentDescriptor as _ComponentDescriptor

from .. import encodings
from .._baseclasses import BaseBatch, ComponentMixin, type_module
from .._converters import BlobValue, Converter, blob_bytes
from ._enums import (
    ENUM_COMPONENTS,
    MEDIA_TYPES,
    TEXT_LOG_LEVELS,
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
    guess_media_type,
)
from ._stored import annotation_context_repr as _annotation_context_repr
from ._stored import arrow_type as _arrow_type
from ._stored import stored as _stored
from ._table import COMPONENT_TYPES

if TYPE_CHECKING:  # the names built from tables below, as type checkers should see them
    from .._baseclasses import DescribedComponentBatch
    from ._declared import *  # noqa: F403

PREFIX = "rerun.components."
# The `ViewCoordinates` archetype's one field, as `rerun.archetypes.ViewCoordinates` describes it.
_VIEW_COORDINATES_DESCRIPTOR = _ComponentDescriptor(
    "ViewCoordinates:xyz",
    archetype="rerun.archetypes.ViewCoordinates",
    component_type=PREFIX + "ViewCoordinates",
)


def _make_batch(name: str, arrow: Any, convert: Converter) -> type[BaseBatch]:
    return type(
        f"{name}Batch",
        (BaseBatch,),
        {
            "_COMPONENT_TYPE": PREFIX + name,
            "_ARROW_DATATYPE": arrow,
            "_CONVERT": staticmethod(convert),
            "_NUMPY": getattr(convert, "numpy_dtype", None),
            "__module__": type_module(__name__, name),  # as 0.41: `rerun.components.color.ColorBatch`
            "__doc__": f"A batch of `{PREFIX}{name}` values.",
        },
    )


class _Single(ComponentMixin):
    """One component value; converted to Arrow only when logged."""

    value: Any = None  # the one field (0.41's attrs field; some types name it, see _ARG_NAMES)

    def __init__(self, value: Any) -> None:
        self.value = getattr(value, "value", value) if isinstance(value, _Single) else value

    @classmethod
    def _to_arrow(cls, data: Any) -> Any:
        return cls._BATCH_TYPE(data).as_arrow_array()  # type: ignore[attr-defined]

    def _native(self) -> Any:
        return self.value

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self.value, dtype=dtype)

    def __str__(self) -> str:
        if _arrow_type(self) in (pa.string(), pa.large_string()):
            return str(_stored(self))  # text reads as itself
        return repr(self)

    def __repr__(self) -> str:
        """As 0.41's attrs repr: the field name and the stored (converted) value."""
        field = next((n for n, v in vars(type(self)).items() if isinstance(v, property)), "value")
        field = "value" if type(self).__name__ == "ClearIsRecursive" else field  # 0.41: arg `recursive`
        if type(self).__name__ == "AnnotationContext":  # 0.41 stores ClassDescriptionMapElem values
            return _annotation_context_repr(self)
        return f"{type(self).__name__}({field}={_stored(self)!r})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.as_arrow_array().equals(other.as_arrow_array())  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]


class _Text(str, ComponentMixin):
    """A string component built from one `value` (0.41's Utf8 field), with named constants."""

    def __new__(cls, value: Any) -> Self:
        return super().__new__(cls, value)

    def _native(self) -> Any:
        return str(self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(value={str(self)!r})"

    @property
    def value(self) -> str:
        return str(self)


class TextLogLevel(_Text):
    """A log level name; any string is allowed, these are the ones the viewer knows."""

    CRITICAL: ClassVar[TextLogLevel]
    DEBUG: ClassVar[TextLogLevel]
    ERROR: ClassVar[TextLogLevel]
    INFO: ClassVar[TextLogLevel]
    TRACE: ClassVar[TextLogLevel]
    WARN: ClassVar[TextLogLevel]


class MediaType(_Text):
    """An IANA media type (MIME type) string."""

    AAC: ClassVar[MediaType]
    FLAC: ClassVar[MediaType]
    GLB: ClassVar[MediaType]
    GLTF: ClassVar[MediaType]
    JPEG: ClassVar[MediaType]
    M4A: ClassVar[MediaType]
    MARKDOWN: ClassVar[MediaType]
    MP3: ClassVar[MediaType]
    MP4: ClassVar[MediaType]
    OBJ: ClassVar[MediaType]
    OGG: ClassVar[MediaType]
    PLY: ClassVar[MediaType]
    PNG: ClassVar[MediaType]
    RVL: ClassVar[MediaType]
    STL: ClassVar[MediaType]
    TEXT: ClassVar[MediaType]
    WAV: ClassVar[MediaType]

    @staticmethod
    def guess_from_path(path: Any) -> MediaType | None:
        guess = guess_media_type(path)
        return None if guess is None else MediaType(guess)


class _ConstantsMeta(type):
    """Tells type checkers about the axis-name constants set below."""

    if TYPE_CHECKING:

        def __getattr__(cls, name: str) -> ViewCoordinates: ...


class _ViewCoordinatesExt:
    """As 0.41's extension base: `ViewCoordinates.ViewDir` names the axis directions."""

    ViewDir = encodings.ViewDir


class ViewCoordinates(_ViewCoordinatesExt, ComponentMixin, metaclass=_ConstantsMeta):
    """Which way the X, Y and Z axes point, e.g. `ViewCoordinates.RDF` (right, down, forward)."""

    def __init__(self, coordinates: Any) -> None:
        from ..encodings import ViewDir

        if isinstance(coordinates, str):
            coordinates = [next(d for d in ViewDir if d.name[0] == c.upper()) for c in coordinates]
        self.coordinates = [ViewDir.auto(c) for c in coordinates]

    def _native(self) -> Any:
        return self

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.array([c.value for c in self.coordinates], dtype=dtype or np.uint8)

    def __repr__(self) -> str:
        return f"ViewCoordinates(coordinates={self.coordinates!r})"  # 0.41's attrs repr

    def as_component_batches(self) -> list[DescribedComponentBatch]:
        """Logged on its own, a ViewCoordinates value is the ViewCoordinates archetype.

        Described with the archetype's descriptor (a constant) rather than by constructing
        `rerun.archetypes.ViewCoordinates`, so the components do not import the archetypes.
        """
        return [BATCHES["ViewCoordinates"](self).described(_VIEW_COORDINATES_DESCRIPTOR)]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ViewCoordinates) and other.coordinates == self.coordinates

    def __hash__(self) -> int:
        return hash(tuple(self.coordinates))


_HANDED = {
    "LEFT_HAND_X_DOWN": "DRF",
    "LEFT_HAND_X_UP": "URB",
    "LEFT_HAND_Y_DOWN": "RDB",
    "LEFT_HAND_Y_UP": "RUF",
    "LEFT_HAND_Z_DOWN": "RFD",
    "LEFT_HAND_Z_UP": "RBU",
    "RIGHT_HAND_X_DOWN": "DRB",
    "RIGHT_HAND_X_UP": "URF",
    "RIGHT_HAND_Y_DOWN": "RDF",
    "RIGHT_HAND_Y_UP": "RUB",
    "RIGHT_HAND_Z_DOWN": "RBD",
    "RIGHT_HAND_Z_UP": "RFU",
}


def view_coordinate_names() -> dict[str, str]:
    """Every named axis triple: the 48 'RDF'-style names plus the handedness aliases."""
    names = {}
    for axes in itertools.permutations(["UD", "LR", "FB"]):
        for letters in itertools.product(*axes):
            names["".join(letters)] = "".join(letters)
    names.update(_HANDED)
    return names


class _OfDatatype(ComponentMixin):
    """A component that is also its datatype (built with the datatype's constructor)."""

    def _native(self) -> Any:
        return self


def _datatype_component(name: str, base: type) -> type:
    return type(name, (_OfDatatype, base), {"__module__": __name__})


class Scale3D(_Single):
    """A 3D scale; a single number means a uniform scale."""

    def __init__(self, uniform_or_per_axis: Any = True) -> None:
        value = uniform_or_per_axis
        if not hasattr(value, "__len__") or len(value) == 1:  # as 0.41: one value for each axis
            value = [value, value, value]
        super().__init__(np.asarray(value, dtype=np.float32))  # any other shape kept, as 0.41


class VideoTimestamp(_Single):
    """A presentation timestamp in a video, given in `seconds` or `nanoseconds`."""

    def __init__(self, *, nanoseconds: int | None = None, seconds: float | None = None) -> None:
        if (seconds is None) == (nanoseconds is None):
            raise ValueError("VideoTimestamp needs exactly one of `seconds` or `nanoseconds`.")
        super().__init__(int(seconds * 1e9 + 0.5) if seconds is not None else int(nanoseconds))  # type: ignore[arg-type]


class GeoLineString(_Single):
    """A line string of (latitude, longitude) pairs in degrees (WGS84)."""

    def __init__(self, *, lat_lon: Any) -> None:
        super().__init__(lat_lon)  # keyword-only, as 0.41

    @property
    def lat_lon(self) -> Any:
        return self.value


class Plane3D(_Single):
    """A plane `normal . p + distance = 0`; `Plane3D.XY.with_distance(d)` moves a named plane."""

    XY: ClassVar[Plane3D]
    YZ: ClassVar[Plane3D]
    ZX: ClassVar[Plane3D]

    def __init__(self, normal: Any, distance: float = 0.0) -> None:
        arr = np.asarray(normal, dtype=np.float32).reshape(-1)
        super().__init__(arr if arr.size == 4 else np.append(arr, np.float32(distance)))

    # Methods, not properties, as 0.41 (`plane.normal()`), and its stored field `xyzd`.
    def normal(self) -> np.ndarray:
        return np.asarray(self.value[:3])

    def distance(self) -> float:
        return float(self.value[3])

    @property
    def xyzd(self) -> np.ndarray:
        return np.asarray(self.value)

    def with_distance(self, distance: float) -> Plane3D:
        return Plane3D(self.normal(), distance)

    @staticmethod
    def deferred_patch_class(cls: Any) -> None:
        """Set the three axis planes on `cls` (0.41's hook, run once below)."""
        cls.XY = cls((0.0, 0.0, 1.0))
        cls.YZ = cls((1.0, 0.0, 0.0))
        cls.ZX = cls((0.0, 1.0, 0.0))


Plane3D.deferred_patch_class(Plane3D)


class _Radius(_Single):
    @staticmethod
    def ui_points(radii: Any) -> np.ndarray:
        """Radii in UI points rather than scene units (stored negative)."""
        return -np.abs(np.array(radii, dtype=np.float32))


for _const, _letters in view_coordinate_names().items():
    setattr(ViewCoordinates, _const, ViewCoordinates(_letters))
for _lvl in TEXT_LOG_LEVELS:
    setattr(TextLogLevel, _lvl, TextLogLevel(_lvl))
for _key, _mime in MEDIA_TYPES.items():
    setattr(MediaType, _key, MediaType(_mime))

_DATATYPE_BASES: dict[str, type] = {
    "ImageFormat": encodings.ImageFormat,
    "RotationAxisAngle": encodings.RotationAxisAngle,
    "RotationQuat": encodings.Quaternion,
    "TensorData": encodings.TensorData,
    "GraphEdge": encodings.Utf8Pair,
    "TransformMat3x3": encodings.Mat3x3,
    "PinholeProjection": encodings.Mat3x3,
    "Range1D": encodings.Range1D,
    "ValueRange": encodings.Range1D,
    "TensorDimensionIndexSelection": encodings.TensorDimensionIndexSelection,
    "TensorHeightDimension": encodings.TensorDimensionSelection,
    "TensorWidthDimension": encodings.TensorDimensionSelection,
    "Timestamp": encodings.TimeInt,
}

_SPECIAL: dict[str, type] = {
    **{name: _datatype_component(name, base) for name, base in _DATATYPE_BASES.items()},
    "Scale3D": Scale3D,
    "Plane3D": Plane3D,
    "VideoTimestamp": VideoTimestamp,
    "GeoLineString": GeoLineString,
    "TextLogLevel": TextLogLevel,
    "MediaType": MediaType,
    "ViewCoordinates": ViewCoordinates,
    "Radius": _Radius,
    **ENUM_COMPONENTS,
}

# 0.41's name for the one constructor argument where it is not `value` (callers may pass it by name).
_ARG_NAMES: dict[str, str] = {
    **dict.fromkeys(("AlbedoFactor", "Color"), "rgba"),
    **dict.fromkeys(("Blob", "ImageBuffer", "Thumbnail", "VideoSample"), "data"),
    **dict.fromkeys(("ClassId", "KeypointId"), "id"),
    **dict.fromkeys(("HalfSize2D", "LatLon", "Position2D", "Resolution", "Texcoord2D", "Vector2D"), "xy"),
    **dict.fromkeys(
        (
            "HalfSize3D",
            "Position3D",
            "Translation3D",
            "TriangleIndices",
            "Vector3D",
            "VoxelIndex",
            "VoxelSize",
        ),
        "xyz",
    ),
    **dict.fromkeys(("LineStrip2D", "LineStrip3D"), "points"),
    "AnnotationContext": "class_map",
    "ChannelMessageCounts": "counts",
    "EntityPath": "path",
    "KeyValuePairs": "pairs",
    "SphericalHarmonics3Rgb": "coefficients",
    "ClearIsRecursive": "recursive",
}
_ARG_DEFAULTS: dict[str, Any] = {"ClearIsRecursive": True}


def _single_type(name: str, arg: str | None = None, module: str = __name__) -> type:
    """A one-value component class whose argument carries 0.41's name (and default)."""
    arg = arg or _ARG_NAMES.get(name)
    if arg is None or arg == "value":
        return type(name, (_Single,), {"__module__": module})
    default = _ARG_DEFAULTS.get(name, inspect.Parameter.empty)

    def __init__(self: _Single, *args: Any, **kwargs: Any) -> None:
        bound = __init__.__signature__.bind(self, *args, **kwargs)  # type: ignore[attr-defined]
        bound.apply_defaults()
        _Single.__init__(self, bound.arguments[arg])

    __init__.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter(arg, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default),
        ]
    )
    return type(
        name,
        (_Single,),
        {"__init__": __init__, "__module__": module, arg: property(lambda self: self.value)},
    )


# Records whose 0.41 repr lists its fields in another order, some as datatype values.
_RECORD_REPR: dict[str, tuple[tuple[str, str | None], ...]] = {
    "TextLogColumn": (("visible", "Bool"), ("kind", None)),
    "TimelineColumn": (("visible", "Bool"), ("timeline", "Utf8")),
}
_WRAP = {"Bool": lambda v: f"Bool(value={bool(v)!r})", "Utf8": lambda v: f"Utf8(value={str(v)!r})"}


class _Record(ComponentMixin):
    """A component value of several named fields (0.41's attrs class): attributes, and a tuple
    of the field values in order for converters that take ``(start, end)``-like pairs."""

    _FIELD_NAMES: ClassVar[tuple[str, ...]] = ()

    def __iter__(self) -> Any:
        return iter(tuple(getattr(self, f) for f in self._FIELD_NAMES))

    def __len__(self) -> int:
        return len(self._FIELD_NAMES)

    def __getitem__(self, index: int) -> Any:
        return getattr(self, self._FIELD_NAMES[index])

    def __repr__(self) -> str:
        if type(self).__name__ in _RECORD_REPR:  # 0.41's attrs order, fields shown as their datatype
            fields = ", ".join(
                f"{f}={_WRAP[wrap](getattr(self, f)) if wrap else repr(getattr(self, f))}"
                for f, wrap in _RECORD_REPR[type(self).__name__]
            )
            return f"{type(self).__name__}({fields})"
        fields = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._FIELD_NAMES)
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and tuple(self) == tuple(other)  # type: ignore[arg-type]

    __hash__ = None  # type: ignore[assignment]


def _record_type(name: str, params: list[tuple[str, bool, Any]], module: str) -> type:
    """A `_Record` class: ``params`` are (name, keyword-only, default or ``inspect.Parameter.empty``)."""
    P = inspect.Parameter
    signature = inspect.Signature(
        [P("self", P.POSITIONAL_OR_KEYWORD)]
        + [P(n, P.KEYWORD_ONLY if kw else P.POSITIONAL_OR_KEYWORD, default=d) for n, kw, d in params]
    )

    def __init__(self: _Record, *args: Any, **kwargs: Any) -> None:
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        for field in self._FIELD_NAMES:
            setattr(self, field, bound.arguments[field])

    __init__.__signature__ = signature  # type: ignore[attr-defined]
    names = tuple(n for n, _, _ in params)
    return type(name, (_Record,), {"__init__": __init__, "__module__": module, "_FIELD_NAMES": names})


def _native_to_arrow(cls: type) -> staticmethod:  # type: ignore[type-arg]
    def native_to_pa_array_override(data: Any, data_type: Any) -> Any:
        """Values of this type as an Arrow array (``data_type`` is the component's own)."""
        return cls._to_arrow(data)  # type: ignore[attr-defined]

    return staticmethod(native_to_pa_array_override)


__all__: list[str] = ["BATCHES", "PREFIX"]
BATCHES: dict[str, type[BaseBatch]] = {}
for _name, (_arrow, _convert) in COMPONENT_TYPES.items():
    _batch = _make_batch(_name, _arrow, _convert)
    BATCHES[_name] = _batch
    _single = _SPECIAL.get(_name) or _single_type(_name)
    if _single is _Radius:
        _single.__name__ = _single.__qualname__ = "Radius"
    _single._BATCH_TYPE = _batch  # type: ignore[attr-defined]
    if issubclass(_single, _Single) and "native_to_pa_array_override" not in vars(_single):
        _single.native_to_pa_array_override = _native_to_arrow(_single)  # type: ignore[attr-defined]
    globals()[_name] = _single
    globals()[f"{_name}Batch"] = _batch
    globals()[f"{_name}Like"] = globals()[f"{_name}ArrayLike"] = Any
    __all__ += [_name, f"{_name}Batch", f"{_name}Like", f"{_name}ArrayLike"]
if TYPE_CHECKING:  # pyright takes `__all__` as written: the loop's names, as _declared.pyi lists them
    from . import _declared

    __all__ += _declared.__all__
    __all__ += ["AggregationPolicy", "Colormap", "EntryKind", "FillMode", "GraphType", "InterpolationMode"]
    __all__ += [
        "MagnificationFilter",
        "MarkerShape",
        "MeshFaceRendering",
        "PointShading",
        "TransformRelation",
    ]
    __all__ += ["VideoCodec"]


def _one_blob(self: _Single) -> Any:
    """A blob component's value is one blob however it is shaped (0.41 keeps it as one array)."""
    return BlobValue(self.value)


def _blob_init(init: Any) -> Any:
    def __init__(self: _Single, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self.value = blob_bytes(self.value)  # stored as 0.41 stores it: one uint8 array

    __init__.__signature__ = inspect.signature(init)  # type: ignore[attr-defined]
    return __init__


for _name in ("Blob", "ImageBuffer", "Thumbnail", "VideoSample"):
    globals()[_name]._native = _one_blob
    globals()[_name].__init__ = _blob_init(globals()[_name].__init__)


_OTHER_BATCHES: dict[str, type[BaseBatch]] = {}


def register_batch(full_name: str, arrow: Any, convert: Converter) -> type[BaseBatch]:
    """Add a component type from another namespace (e.g. `rerun.blueprint.components.X`)."""
    batch = _make_batch(full_name.rsplit(".", 1)[-1], arrow, convert)
    batch._COMPONENT_TYPE = full_name
    batch.__module__ = type_module(*full_name.rsplit(".", 1))
    _OTHER_BATCHES[full_name] = batch
    return batch


def batch_type(name: str) -> type[BaseBatch]:
    """The batch class of a component type, by short (`Color`) or full name."""
    if name.startswith(PREFIX):
        return BATCHES[name[len(PREFIX) :]]
    return BATCHES[name] if name in BATCHES else _OTHER_BATCHES[name]


def __getattr__(name: str) -> Any:
    raise AttributeError(f"module 'rerun.components' has no attribute {name!r}")


_ = (
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

from . import _compat041  # noqa: E402 - after the classes it adds 0.41's extra names to

_compat041.patch(globals())
