"""`rerun.blueprint.encodings`: value types used by blueprint components.

Most are components as well (0.41 subclasses each encoding as a component of the same name);
ours has one class for both, defined in `rerun.blueprint.components` and re-exported here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

import pyarrow as pa

from ..._baseclasses import BaseBatch

if TYPE_CHECKING:  # the names bound in loops below, for type checkers
    from ._declared import *  # noqa: F403
from ...encodings._image import _AutoEnum
from ..components import ColumnType as ColumnType
from ..components import ColumnTypeBatch as ColumnTypeBatch
from ..components import ComponentColumnSelector as ComponentColumnSelector
from ..components import ComponentColumnSelectorBatch as ComponentColumnSelectorBatch
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
from ..components._mapping import ComponentSourceKind as ComponentSourceKind
from ..components._mapping import ComponentSourceKindLike as ComponentSourceKindLike
from ..components._mapping import VisualizerComponentMapping as VisualizerComponentMapping
from ..components._mapping import VisualizerComponentMappingArrayLike as VisualizerComponentMappingArrayLike
from ..components._mapping import VisualizerComponentMappingBatch as VisualizerComponentMappingBatch
from ..components._mapping import VisualizerComponentMappingLike as VisualizerComponentMappingLike
from ..components._mapping import component_map_batch as component_map_batch
from ..components._table_types import SortDirection as SortDirection
from ..components._table_types import TextLogColumnKind as TextLogColumnKind

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
FilterByRangeLike: TypeAlias = FilterByRange
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
