"""Value types of catalog table blueprints: the sort column and direction, and column types.

0.41 defines each as an encoding (`rerun.blueprint.encodings.SortBy`) with a component subclass
of the same name; ours has one class serving both, as for the other blueprint records, so the
component table in `rerun.blueprint.components` can convert them and the encodings re-export them.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from ..._baseclasses import ComponentMixin
from ...encodings._image import _AutoEnum


class SortDirection(_AutoEnum):
    """The order rows are sorted in (stored as a uint8)."""

    Ascending = 1
    """Smallest values first."""

    Descending = 2
    """Largest values first."""


class TextLogColumnKind(_AutoEnum):
    """Which column of a text log view a `TextLogColumn` configures (stored as a uint8)."""

    EntityPath = 1
    LogLevel = 2
    Body = 3


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


class SortBy(ComponentMixin):
    """The column a table's rows are sorted by, with an optional direction (ascending when unset)."""

    # Class-level too, as 0.41's attrs fields (`SortBy.column` exists on the class).
    column: str = ""
    direction: SortDirection | None = None

    def __init__(self, column: Any, *, direction: Any = None) -> None:
        self.column = str(getattr(column, "value", column))
        self.direction = None if direction is None else SortDirection.auto(direction)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SortBy) and (self.column, self.direction) == (other.column, other.direction)

    def __hash__(self) -> int:
        return hash((self.column, self.direction))

    def __repr__(self) -> str:
        return f"SortBy(column=Utf8(value={str(self.column)!r}), direction={self.direction})"  # as 0.41


class ColumnType(ComponentMixin):
    """The component a table column's values are shown as: an archetype field and/or a component
    type name; either unset means the source column's own."""

    component: str | None = None
    component_type_name: str | None = None

    def __init__(self, *, component: Any = None, component_type_name: Any = None) -> None:
        self.component = _optional_str(component)
        self.component_type_name = _optional_str(component_type_name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ColumnType) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash((self.component, self.component_type_name))

    def __repr__(self) -> str:
        return f"ColumnType(component={self.component!r}, component_type_name={self.component_type_name!r})"


SORT_BY_TYPE = pa.struct(
    [pa.field("column", pa.utf8(), nullable=False), pa.field("direction", pa.uint8(), nullable=True)]
)
COLUMN_TYPE_TYPE = pa.struct(
    [
        pa.field("component", pa.utf8(), nullable=True),
        pa.field("component_type_name", pa.utf8(), nullable=True),
    ]
)


def sort_by_row(value: Any) -> dict[str, Any]:
    if not isinstance(value, SortBy):
        raise TypeError(f"expected a SortBy, got {type(value).__name__}")
    return {"column": value.column, "direction": None if value.direction is None else value.direction.value}


def column_type_row(value: Any) -> dict[str, Any]:
    if not isinstance(value, ColumnType):
        raise TypeError(f"expected a ColumnType, got {type(value).__name__}")
    return {"component": value.component, "component_type_name": value.component_type_name}
