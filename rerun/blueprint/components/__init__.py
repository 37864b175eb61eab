"""Blueprint component types (`rerun.blueprint.components.*`): one table, as for data components."""

from __future__ import annotations

import inspect
import uuid
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from ... import _converters as cv
from ..._baseclasses import BaseBatch, ComponentMixin
from ..._converters import Converter, fixed_list
from ...components import _record_type, _single_type, register_batch
from ...encodings import _absolute_time_range as _enc_abs
from ...encodings import _time as _enc_time
from ...encodings._image import _AutoEnum
from ...encodings._time import (
    TIME_RANGE_TYPE,
    VISIBLE_TIME_RANGE_TYPE,
    time_range_array,
    visible_time_range_array,
)
from ._mapping import VisualizerComponentMapping as VisualizerComponentMapping
from ._mapping import VisualizerComponentMappingBatch as VisualizerComponentMappingBatch
from ._table_types import (
    COLUMN_TYPE_TYPE,
    SORT_BY_TYPE,
    ColumnType,
    SortBy,
    TextLogColumnKind,
    column_type_row,
    sort_by_row,
)

if TYPE_CHECKING:  # the names built from tables below, as type checkers should see them
    from ._declared import *  # noqa: F403

PREFIX = "rerun.blueprint.components."


class BackgroundKind(_AutoEnum):
    GradientDark = 1
    GradientBright = 2
    SolidColor = 3


class ColumnDisplayMode(_AutoEnum):
    Compact = 1
    Component = 2
    Full = 3


class ContainerKind(_AutoEnum):
    Tabs = 1
    Horizontal = 2
    Vertical = 3
    Grid = 4


class Corner2D(_AutoEnum):
    LeftTop = 1
    RightTop = 2
    LeftBottom = 3
    RightBottom = 4


class Eye3DKind(_AutoEnum):
    FirstPerson = 1
    Orbital = 2


class LinkAxis(_AutoEnum):
    Independent = 1
    LinkToGlobal = 2


class LoopMode(_AutoEnum):
    Off = 1
    Selection = 2
    All = 3


class MapProvider(_AutoEnum):
    OpenStreetMap = 1
    MapboxStreets = 2
    MapboxDark = 3
    MapboxSatellite = 4
    MapboxLight = 5


class PanelState(_AutoEnum):
    Hidden = 1
    Collapsed = 2
    Expanded = 3


class PlayState(_AutoEnum):
    Paused = 1
    Playing = 2
    Following = 3


class PointsDisplay(_AutoEnum):
    OnHover = 1
    Always = 2


class TableLayoutKind(_AutoEnum):
    Table = 1
    Cards = 2


class TooltipMode(_AutoEnum):
    Nearest = 1
    All = 2


class ViewFit(_AutoEnum):
    Original = 1
    Fill = 2
    FillKeepAspectRatio = 3


_ENUMS = (
    BackgroundKind,
    ColumnDisplayMode,
    ContainerKind,
    Corner2D,
    Eye3DKind,
    LinkAxis,
    LoopMode,
    MapProvider,
    PanelState,
    PlayState,
    PointsDisplay,
    TableLayoutKind,
    TooltipMode,
    ViewFit,
)

_UUID_TYPE = fixed_list(pa.uint8(), 16)


class AbsoluteTimeRange(_enc_abs.AbsoluteTimeRange, ComponentMixin):
    """A range of one timeline as a blueprint component: e.g. the time panel's loop selection."""


def _uuid_bytes(value: Any) -> bytes:
    if isinstance(value, uuid.UUID):
        return value.bytes
    if isinstance(value, (bytes, bytearray)) and len(value) == 16:
        return bytes(value)
    if isinstance(value, str):
        return uuid.UUID(value).bytes
    raise TypeError(f"expected a UUID (uuid.UUID, 16 bytes or a UUID string), got {cv.describe(value)}")


def _uuids(data: Any) -> pa.Array:
    items = [data] if isinstance(data, (uuid.UUID, bytes, bytearray, str)) else list(data)
    raw = np.frombuffer(b"".join(_uuid_bytes(x) for x in items), dtype=np.uint8)
    return pa.FixedSizeListArray.from_arrays(pa.array(raw, type=pa.uint8()), type=_UUID_TYPE)


_BOUNDS_TYPE = pa.struct(
    [
        pa.field("x_range", fixed_list(pa.float64(), 2), nullable=False),
        pa.field("y_range", fixed_list(pa.float64(), 2), nullable=False),
    ]
)


class VisualBounds2D(ComponentMixin):
    """The visible 2D region of a view: x and y ranges in scene units."""

    def __init__(self, *, x_range: Any, y_range: Any) -> None:
        self.x_range = [float(v) for v in np.asarray(x_range, dtype=np.float64).reshape(2)]
        self.y_range = [float(v) for v in np.asarray(y_range, dtype=np.float64).reshape(2)]


def _bounds(data: Any) -> pa.Array:
    items = [data] if isinstance(data, VisualBounds2D) else list(data)
    return pa.array([{"x_range": b.x_range, "y_range": b.y_range} for b in items], type=_BOUNDS_TYPE)


def _struct(fields: list[pa.Field], to_row: Any, single: Any) -> tuple[pa.DataType, Converter]:
    arrow = pa.struct(fields)
    return arrow, cv.structs(arrow, to_row, single)


def _nn(name: str, arrow: pa.DataType) -> pa.Field:
    return pa.field(name, arrow, nullable=False)


_COLUMN_SELECTOR = pa.struct([_nn("entity_path", pa.utf8()), _nn("component", pa.utf8())])


def _parse_spec(spec: str) -> tuple[str, str]:
    """`"/entity/path:Component"`: exactly one colon, as 0.41 (a component name like
    `Points3D:positions` has its own, so such a spec is not a component column there either)."""
    parts = spec.split(":")
    if len(parts) != 2:
        raise ValueError(f"Invalid component column specifier: {spec}")
    return parts[0], parts[1]


def _selector(value: Any) -> dict[str, str]:
    """`"/path:Component"` (or a (path, component) pair) as a component column selector."""
    if isinstance(value, str):
        path, component = _parse_spec(value)
        return {"entity_path": path, "component": component}
    path, component = value
    return {"entity_path": str(path), "component": str(component)}


def _is_str(value: Any) -> bool:
    return isinstance(value, (str, int, np.integer))


def _select_row(value: Any) -> dict[str, Any]:
    """Columns to show: a string is a component column when it parses as `path:Component`,
    else a time column (as 0.41); selectors and (path, component) pairs are component columns.
    As 0.41, the input is always a sequence of columns: a lone string is its characters."""
    items = list(value)
    times, comps = [], []
    for item in items:
        if not isinstance(item, str):
            comps.append(_selector(item))
            continue
        try:
            comps.append(_selector(item))
        except ValueError:
            times.append(item)
    return {"time_columns": times, "component_columns": comps}


def _text_log_column(value: Any) -> dict[str, Any]:
    """A `TextLogColumn`, or its kind alone (visible); the kind as the enum converts it, as 0.41."""
    visible, kind = (getattr(value, "visible", True), value.kind) if hasattr(value, "kind") else (True, value)
    return {"visible": bool(visible), "kind": TextLogColumnKind.auto(kind).value}


_TEXT = (pa.utf8(), cv.texts)
_TIME_RANGE = (TIME_RANGE_TYPE, time_range_array)
_VISIBLE_TIME_RANGE = (VISIBLE_TIME_RANGE_TYPE, visible_time_range_array)
_BOOL = (pa.bool_(), cv.bools)
_F32 = (pa.float32(), cv.scalars(np.float32, pa.float32()))
_F64 = (pa.float64(), cv.scalars(np.float64, pa.float64()))
_UUID = (_UUID_TYPE, _uuids)

_TABLE: dict[str, tuple[pa.DataType, Converter]] = {
    **dict.fromkeys(
        (
            "ActiveTab",
            "ColumnName",
            "IncludedContent",
            "QueryExpression",
            "SqlFilterExpression",
            "TimelineName",
            "ViewClass",
            "ViewOrigin",
            "VisualizerType",
        ),
        _TEXT,
    ),
    **dict.fromkeys(
        (
            "ApplyLatestAt",
            "AutoLayout",
            "AutoScroll",
            "AutoViews",
            "Editable",
            "Enabled",
            "LockRangeDuringZoom",
        ),
        _BOOL,
    ),
    **dict.fromkeys(("ColumnShare", "RowShare", "GridSpacing", "NearClipPlane", "Volume"), _F32),
    **dict.fromkeys(
        (
            "AngularSpeed",
            "ForceDistance",
            "ForceStrength",
            "Fps",
            "PlaybackSpeed",
            "TimelineFraction",
            "ZoomLevel",
        ),
        _F64,
    ),
    **dict.fromkeys(("RootContainer", "ViewMaximized", "VisualizerInstructionId"), _UUID),
    "GridColumns": (pa.uint32(), cv.scalars(np.uint32, pa.uint32())),
    "ForceIterations": (pa.uint64(), cv.scalars(np.uint64, pa.uint64())),
    "ViewerRecommendationHash": (pa.uint64(), cv.scalars(np.uint64, pa.uint64())),
    "TimeInt": (pa.int64(), cv.scalars(np.int64, pa.int64())),
    "VisualBounds2D": (_BOUNDS_TYPE, _bounds),
    "AbsoluteTimeRange": (_enc_abs.ABSOLUTE_TIME_RANGE_TYPE, _enc_abs.absolute_time_ranges),
    "TimeRange": _TIME_RANGE,
    "TensorDimensionIndexSlider": _struct(
        [_nn("dimension", pa.uint32())],
        lambda v: {"dimension": int(v.dimension if hasattr(v, "dimension") else v)},
        lambda v: not isinstance(v, (list, tuple)),
    ),
    "TimelineColumn": _struct(
        [_nn("visible", pa.bool_()), _nn("timeline", pa.utf8())],
        lambda v: {"visible": bool(getattr(v, "visible", True)), "timeline": str(getattr(v, "timeline", v))},
        lambda v: hasattr(v, "timeline"),  # as 0.41, a lone string is a sequence (of characters)
    ),
    "TextLogColumn": _struct(
        [_nn("visible", pa.bool_()), _nn("kind", pa.uint8())],
        _text_log_column,
        lambda v: hasattr(v, "kind"),  # as 0.41, a lone string is a sequence (of characters)
    ),
    "FilterByRange": _struct(
        [_nn("start", pa.int64()), _nn("end", pa.int64())],
        lambda v: {"start": int(v[0]), "end": int(v[1])},
        lambda v: len(v) == 2 and not isinstance(v[0], (list, tuple)),
    ),
    "FilterIsNotNull": _struct(
        [_nn("active", pa.bool_()), _nn("column", _COLUMN_SELECTOR)],
        lambda v: (
            {"active": bool(v.active), "column": _selector(v.column)}
            if hasattr(v, "column")
            else {"active": True, "column": _selector(v)}
        ),
        lambda v: isinstance(v, str) or (len(v) == 2 and _is_str(v[0])),
    ),
    "SelectedColumns": _struct(
        [
            _nn("time_columns", pa.list_(cv.nn(pa.utf8()))),
            _nn("component_columns", pa.list_(cv.nn(_COLUMN_SELECTOR))),
        ],
        _select_row,
        lambda v: True,
    ),
    "ColumnOrder": (
        pa.list_(cv.nn(pa.utf8())),
        # 0.41 takes the whole input as one order, its items as paths (a string's are characters)
        lambda v: pa.array([[str(x) for x in v]], type=pa.list_(cv.nn(pa.utf8()))),
    ),
    "VisibleTimeRange": _VISIBLE_TIME_RANGE,
    "SortBy": (SORT_BY_TYPE, cv.structs(SORT_BY_TYPE, sort_by_row, lambda v: isinstance(v, SortBy))),
    "ColumnType": (
        COLUMN_TYPE_TYPE,
        cv.structs(COLUMN_TYPE_TYPE, column_type_row, lambda v: isinstance(v, ColumnType)),
    ),
    **{cls.__name__: (pa.uint8(), cv.enums(cls, pa.uint8())) for cls in _ENUMS},
}

# 0.41 takes the whole input as one value of these, so `[]` is one empty selection / order, not no value.
for _name in ("ColumnOrder", "SelectedColumns"):
    _TABLE[_name][1].converts_empty_list = True  # type: ignore[attr-defined]

BATCHES: dict[str, type[BaseBatch]] = {}
for _name, (_arrow, _convert) in _TABLE.items():
    BATCHES[_name] = register_batch(PREFIX + _name, _arrow, _convert)
    globals()[f"{_name}Batch"] = BATCHES[_name]
for _cls in _ENUMS:
    setattr(_cls, "_BATCH_TYPE", BATCHES[_cls.__name__])  # noqa: B010 - enum classes get it after creation
    # What an argument of this type accepts (the enum, its name, its value): checked at run time.
    globals()[f"{_cls.__name__}Like"] = globals()[f"{_cls.__name__}ArrayLike"] = Any

AbsoluteTimeRange._BATCH_TYPE = BATCHES["AbsoluteTimeRange"]
VisualBounds2D._BATCH_TYPE = BATCHES["VisualBounds2D"]
SortBy._BATCH_TYPE = BATCHES["SortBy"]
ColumnType._BATCH_TYPE = BATCHES["ColumnType"]

# One value per instance, as 0.41's classes (its argument names; `value` where not listed).
_SINGLE_ARGS = {
    **dict.fromkeys(("ActiveTab", "IncludedContent", "ViewOrigin"), "path"),
    **dict.fromkeys(("RootContainer", "ViewMaximized", "VisualizerInstructionId"), "bytes"),
    "TensorDimensionIndexSlider": "dimension",
    "ColumnOrder": "entity_paths",
    "SelectedColumns": "columns",
}
_E = inspect.Parameter.empty
_RECORDS: dict[str, list[tuple[str, bool, Any]]] = {
    "FilterByRange": [("start", False, _E), ("end", False, _E)],
    "FilterIsNotNull": [("active", False, _E), ("column", False, _E)],
    "TextLogColumn": [("kind", False, _E), ("visible", True, True)],
    "TimelineColumn": [("timeline", False, _E), ("visible", True, True)],
}
for _name in _TABLE:
    if _name in globals() or _name in ("TimeInt", "TimeRange", "VisibleTimeRange", "SortBy"):
        continue
    if _name in _RECORDS:
        _comp = _record_type(_name, _RECORDS[_name], __name__)
    else:
        _comp = _single_type(_name, _SINGLE_ARGS.get(_name, "value"), __name__)
    _comp._BATCH_TYPE = BATCHES[_name]  # type: ignore[attr-defined]
    globals()[_name] = _comp


_ENUMS_BY_NAME = {c.__name__ for c in _ENUMS}


class TimeInt(_enc_time.TimeInt, ComponentMixin):
    """A time point (sequence number or nanoseconds) as a blueprint component."""

    def _native(self) -> Any:
        return self.value


class TimeRange(_enc_time.TimeRange, ComponentMixin):
    """A time range (two boundaries) as a blueprint component: e.g. a time axis's view range."""


class VisibleTimeRange(_enc_time.VisibleTimeRange, ComponentMixin):
    """A timeline's visible range as a blueprint component (`VisibleTimeRanges:ranges`)."""


TimeInt._BATCH_TYPE = BATCHES["TimeInt"]
TimeRange._BATCH_TYPE = BATCHES["TimeRange"]
VisibleTimeRange._BATCH_TYPE = BATCHES["VisibleTimeRange"]


def _pa_override(cls: Any) -> staticmethod:  # type: ignore[type-arg]
    def native_to_pa_array_override(data: Any, data_type: Any) -> Any:
        """Values of this type as an Arrow array (``data_type`` is the component's own)."""
        return cls._BATCH_TYPE._to_arrow(data)

    return staticmethod(native_to_pa_array_override)


def _pa_override_of_input(cls: Any) -> staticmethod:  # type: ignore[type-arg]
    """The same, with 0.41's parameter name for the types whose conversion it wrote by hand."""

    def native_to_pa_array_override(input_data: Any, data_type: Any) -> Any:
        """Values of this type as an Arrow array (``data_type`` is the component's own)."""
        return cls._BATCH_TYPE._to_arrow(input_data)

    return staticmethod(native_to_pa_array_override)


def _selected_columns(kind: str) -> property:
    def columns(self: Any) -> list[Any]:
        row = _select_row(self.value)
        if kind == "time_columns":
            return list(row[kind])
        return [ComponentColumnSelector(**sel) for sel in row[kind]]

    return property(columns, doc=f"The {kind.replace('_', ' ')} this selection lists (0.41's field).")


# As 0.41's attrs classes: each field is a class attribute too, and the types with their own
# Arrow conversion expose it as `native_to_pa_array_override`.
for _name, _params in _RECORDS.items():
    for _field, _, _ in _params:
        setattr(globals()[_name], _field, None)
for _field in ("x_range", "y_range"):
    setattr(VisualBounds2D, _field, None)


def _time_int(x: Any) -> Any:
    """0.41's converter of a `FilterByRange` bound: a TimeInt as is, else a sequence number."""
    return x if isinstance(x, _enc_time.TimeInt) else _enc_time.TimeInt(seq=x)


# (table-built classes, so set through the module's namespace)
for _field in ("start", "end"):
    setattr(globals()["FilterByRange"], f"{_field}__field_converter_override", staticmethod(_time_int))
for _field in ("time_columns", "component_columns"):
    setattr(globals()["SelectedColumns"], _field, _selected_columns(_field))


def _selected_columns_repr(self: Any) -> str:
    """0.41's attrs repr: the time columns as Utf8 values, then the component column selectors."""
    times = ", ".join(f"Utf8(value={str(c)!r})" for c in self.time_columns)
    return f"SelectedColumns(time_columns=[{times}], component_columns={list(self.component_columns)!r})"


globals()["SelectedColumns"].__repr__ = _selected_columns_repr
globals()["SelectedColumns"].__str__ = _selected_columns_repr


def _column_order_repr(self: Any) -> str:
    """0.41's attrs repr: its field has no converter, so the input as given."""
    return f"ColumnOrder(entity_paths={self.value!r})"


globals()["ColumnOrder"].__repr__ = _column_order_repr
globals()["ColumnOrder"].__str__ = _column_order_repr


class ComponentColumnSelector(tuple):  # type: ignore[type-arg]
    """A dataframe column, ``(entity_path, component)``: ``ComponentColumnSelector("/path:Comp")`` or
    ``ComponentColumnSelector(entity_path="/path", component="Points3D:positions")`` (as rerun-sdk);
    a tuple, so ``DataframeQuery(select=..., filter_is_not_null=...)`` take it like a pair."""

    def __new__(cls, spec: str | None = None, *, entity_path: Any = None, component: Any = None) -> Any:
        if spec is not None:
            if entity_path is not None or component is not None:
                raise ValueError("Either `spec` or both `entity_path` and `component` must be provided.")
            if not isinstance(spec, str):
                raise ValueError(f"Unexpected input value (`spec` must be a string): {spec}")
            entity_path, component = _parse_spec(spec)
        elif entity_path is None or component is None:
            raise ValueError("Both `entity_path` and `component` must be provided.")
        return super().__new__(cls, (str(entity_path), str(component)))

    @property
    def entity_path(self) -> str:
        return str(self[0])

    @property
    def component(self) -> str:
        return str(self[1])

    # A component as in 0.41, but no `ComponentMixin`: batches would then take a list of
    # selectors as one value each, while `SelectedColumns` takes such a list as one value.
    @classmethod
    def component_type(cls) -> str:
        return PREFIX + "ComponentColumnSelector"

    @classmethod
    def arrow_type(cls) -> pa.DataType:
        return _COLUMN_SELECTOR

    def as_arrow_array(self) -> pa.Array:
        return self.native_to_pa_array_override(self, _COLUMN_SELECTOR)

    @staticmethod
    def native_to_pa_array_override(input_data: Any, data_type: Any) -> Any:
        """Selectors (or ``"/path:Component"`` strings) as a struct array of the given type."""
        items = [input_data] if isinstance(input_data, (str, ComponentColumnSelector)) else list(input_data)
        return pa.array([_selector(x) for x in items], type=data_type)


ComponentColumnSelectorBatch = register_batch(
    PREFIX + "ComponentColumnSelector",
    _COLUMN_SELECTOR,
    lambda data: ComponentColumnSelector.native_to_pa_array_override(data, _COLUMN_SELECTOR),
)
BATCHES["ComponentColumnSelector"] = ComponentColumnSelectorBatch
ColumnOrderLike = ColumnOrderArrayLike = Any  # entity paths: a string or a sequence of them

for _name in ("RootContainer", "TensorDimensionIndexSlider", "ViewMaximized", "VisualizerInstructionId"):
    globals()[_name].native_to_pa_array_override = _pa_override(globals()[_name])
for _name in ("ColumnOrder", "FilterIsNotNull", "SelectedColumns"):
    globals()[_name].native_to_pa_array_override = _pa_override_of_input(globals()[_name])


__all__ = [
    *(c.__name__ for c in _ENUMS),
    *(f"{c.__name__}{suffix}" for c in _ENUMS for suffix in ("Like", "ArrayLike")),
    *(n for n in _TABLE if n in globals() and n not in _ENUMS_BY_NAME),
    "AbsoluteTimeRange",
    "ColumnOrderArrayLike",
    "ColumnOrderLike",
    "ComponentColumnSelector",
    "ComponentColumnSelectorBatch",
    "TimeInt",
    "TimeRange",
    "VisibleTimeRange",
    "VisualBounds2D",
    "VisualizerComponentMapping",
    "VisualizerComponentMappingBatch",
    *(f"{n}Batch" for n in _TABLE),
]


def __getattr__(name: str) -> Any:
    raise AttributeError(f"module 'rerun.blueprint.components' has no attribute {name!r}")
