"""`rerun.blueprint.encodings`: value types used by blueprint components (component mappings).

`VisualizerComponentMapping` tells a visualizer where to take one of its components from (the
store, a custom component with an optional jq-like selector, the view default, ...); a list of
them is logged as `VisualizerInstruction:component_map` next to the visualizer's instruction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import pyarrow as pa

from rerun_core.types import ComponentDescriptor

from ... import _converters as cv
from ..._baseclasses import BaseBatch, DescribedComponentBatch
from ...components import register_batch

if TYPE_CHECKING:  # the names bound in loops below, for type checkers
    from ._declared import *  # noqa: F403
from ...encodings._image import _AutoEnum
from ..components import ColumnType as ColumnType
from ..components import ColumnTypeBatch as ColumnTypeBatch
from ..components import ComponentColumnSelector as ComponentColumnSelector
from ..components import FilterByRange as FilterByRange
from ..components import FilterByRangeBatch as FilterByRangeBatch
from ..components import FilterIsNotNull as FilterIsNotNull
from ..components import FilterIsNotNullBatch as FilterIsNotNullBatch
from ..components import SelectedColumns as SelectedColumns
from ..components import SelectedColumnsBatch as SelectedColumnsBatch
from ..components import SortBy as SortBy
from ..components import SortByBatch as SortByBatch
from ..components import TensorDimensionIndexSlider as TensorDimensionIndexSlider
from ..components import TensorDimensionIndexSliderBatch as TensorDimensionIndexSliderBatch
from ..components import TextLogColumn as TextLogColumn
from ..components import TextLogColumnBatch as TextLogColumnBatch
from ..components import TimelineColumn as TimelineColumn
from ..components import TimelineColumnBatch as TimelineColumnBatch
from ..components._table_types import SortDirection as SortDirection
from ..components._table_types import TextLogColumnKind as TextLogColumnKind

_COMPONENTS = "rerun.blueprint.components."


class ComponentSourceKind(_AutoEnum):
    """Where a visualizer component's value comes from (stored as a uint8)."""

    SourceComponent = 1
    """An explicit `source_component` of the entity (optionally narrowed by a selector)."""

    Override = 2
    """The blueprint override stored next to the visualizer instruction under `target`."""

    Default = 3
    """The view's default for `target` (or a heuristic value when the view has none)."""

    AnnotationContext = 4
    """Resolved from class / keypoint ids through the recording's annotation context."""

    def __str__(self) -> str:
        return self.name


class VisualizerComponentMapping:
    """Map a visualizer slot (`target`, e.g. `"Scalars:scalars"`) to a source of values."""

    def __init__(
        self,
        target: str,
        source_kind: ComponentSourceKind | str | int,
        *,
        source_component: str | None = None,
        selector: str | None = None,
    ) -> None:
        self.target = str(target)
        self.source_kind = ComponentSourceKind.auto(source_kind)
        self.source_component = None if source_component is None else str(source_component)
        self.selector = None if selector is None else str(selector)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VisualizerComponentMapping) and vars(self) == vars(other)

    def __repr__(self) -> str:
        return (
            f"VisualizerComponentMapping(target={self.target!r}, source_kind={self.source_kind}, "
            f"source_component={self.source_component!r}, selector={self.selector!r})"
        )


VisualizerComponentMappingLike = VisualizerComponentMapping
VisualizerComponentMappingArrayLike = VisualizerComponentMapping | Sequence[VisualizerComponentMapping]
ComponentSourceKindLike = ComponentSourceKind | str | int

_MAPPING_TYPE = pa.struct(
    [
        pa.field("target", pa.utf8(), nullable=False),
        pa.field("source_kind", pa.uint8(), nullable=False),
        pa.field("source_component", pa.utf8(), nullable=True),
        pa.field("selector", pa.utf8(), nullable=True),
    ]
)


def _mapping_row(m: Any) -> dict[str, Any]:
    if not isinstance(m, VisualizerComponentMapping):
        raise TypeError(f"expected a VisualizerComponentMapping, got {type(m).__name__}")
    return {
        "target": m.target,
        "source_kind": m.source_kind.value,
        "source_component": m.source_component,
        "selector": m.selector,
    }


VisualizerComponentMappingBatch = register_batch(
    _COMPONENTS + "VisualizerComponentMapping",
    _MAPPING_TYPE,
    cv.structs(_MAPPING_TYPE, _mapping_row, lambda v: isinstance(v, VisualizerComponentMapping)),
)


def component_map_batch(mappings: VisualizerComponentMappingArrayLike) -> DescribedComponentBatch:
    """The `VisualizerInstruction:component_map` batch for a visualizer's mappings."""
    return DescribedComponentBatch(
        VisualizerComponentMappingBatch(mappings),
        ComponentDescriptor(
            "VisualizerInstruction:component_map",
            "rerun.blueprint.archetypes.VisualizerInstruction",
            _COMPONENTS + "VisualizerComponentMapping",
        ),
    )


__all__ = [
    "ComponentSourceKind",
    "ComponentSourceKindLike",
    "VisualizerComponentMapping",
    "VisualizerComponentMappingArrayLike",
    "VisualizerComponentMappingBatch",
    "VisualizerComponentMappingLike",
    "component_map_batch",
]


# Blueprint datatypes that are also components: one class serves both (as in 0.41, where the
# component subclasses the datatype); their batches and what their arguments accept.
_SHARED = (
    "ColumnType",
    "ComponentColumnSelector",
    "FilterByRange",
    "FilterIsNotNull",
    "SelectedColumns",
    "SortBy",
    "TensorDimensionIndexSlider",
    "TextLogColumn",
    "TimelineColumn",
)
for _name in _SHARED:
    globals()[f"{_name}Like"] = globals()[f"{_name}ArrayLike"] = Any
ComponentSourceKindArrayLike = Any
# One value of these is an instance of the class itself (0.41: `SortByLike = SortBy`).
SortByLike: TypeAlias = SortBy
ColumnTypeLike: TypeAlias = ColumnType
__all__ += [*_SHARED, *(f"{n}{s}" for n in _SHARED for s in ("Like", "ArrayLike"))]
__all__ += [f"{n}Batch" for n in _SHARED if f"{n}Batch" in globals()]
__all__ += ["ComponentSourceKindArrayLike"]


def _enum_batch(cls: type[_AutoEnum]) -> type[BaseBatch]:
    """The batch of an enum encoding that is no component itself (0.41's `SortDirectionBatch`):
    a uint8 per value, null where a value is None (an unset sort direction)."""

    def convert(data: Any) -> pa.Array:
        single = data is None or isinstance(data, (str, int, cls))
        items = [data] if single else list(data)
        return pa.array([None if v is None else cls.auto(v).value for v in items], type=pa.uint8())

    attrs = {"_ARROW_DATATYPE": pa.uint8(), "_CONVERT": staticmethod(convert), "__module__": __name__}
    return type(f"{cls.__name__}Batch", (BaseBatch,), attrs)


# Enum encodings that 0.41 has here but no component uses directly (a field of a record does).
for _enum in (ComponentSourceKind, SortDirection, TextLogColumnKind):
    globals()[f"{_enum.__name__}Batch"] = _enum_batch(_enum)
    __all__.append(f"{_enum.__name__}Batch")
SortDirectionLike = SortDirectionArrayLike = TextLogColumnKindLike = TextLogColumnKindArrayLike = Any
__all__ += [f"{e}{s}" for e in ("SortDirection", "TextLogColumnKind") for s in ("", "Like", "ArrayLike")]
