"""Catalog table blueprints: layouts, columns, filters and previews of a table (unstable in 0.41).

A `TableBlueprint` is not a viewport blueprint: it is saved as its own `.rbl` and registered with
a table or dataset entry. It logs plain blueprint archetypes (`rerun.blueprint.archetypes.
TableBlueprint`, `TableLayout`, `CardLayout`, `TableColumn`, ...) under `table/...`; the paths and
values follow 0.41 so a viewer reads ours the same way.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from .._baseclasses import ComponentDescriptor
from .._log import escape_entity_path_part
from ._table_cells import PreviewCell as PreviewCell
from ._table_filters import Filter as Filter
from ._table_filters import FilterColumn as FilterColumn
from ._table_filters import ListFilters as ListFilters
from ._table_filters import StringFilters as StringFilters
from ._table_filters import col as col
from .archetypes import CardLayout as _CardLayoutArchetype
from .archetypes import PreviewsConfig as PreviewsConfig
from .archetypes import TableBlueprint as _TableBlueprintArchetype
from .archetypes import TableColumn as _TableColumnArchetype
from .archetypes import TableColumnPreview as _TableColumnPreview
from .archetypes import TableLayout as _TableLayoutArchetype
from .encodings import ColumnType
from .encodings import SortBy as SortBy

__all__ = [
    "CardLayout",
    "Column",
    "Filter",
    "FilterColumn",
    "ListFilters",
    "PreviewCell",
    "PreviewsConfig",
    "SortBy",
    "StringFilters",
    "TableBlueprint",
    "TableLayout",
    "col",
]


def _check_str(value: object, name: str, *, allow_empty: bool = True) -> None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a string or None")
    if not allow_empty and value == "":
        raise ValueError(f"{name} must not be empty")


def _check_bool(value: object, name: str) -> None:
    if value is not None and not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool or None")


def _unique_columns(columns: Sequence[Column], context: str) -> tuple[Column, ...]:
    result = tuple(columns)
    if not all(isinstance(column, Column) for column in result):
        raise TypeError(f"{context} only accepts Column values")
    sources = [column.source for column in result]
    if len(sources) != len(set(sources)):
        raise ValueError(f"{context} accepts each source column at most once")
    return result


def _is_component_class(value: object) -> bool:
    """A component class (ours include enum components, which are no `ComponentMixin`)."""
    return isinstance(value, type) and callable(getattr(value, "component_type", None))


@dataclass(frozen=True)
class Column:
    """How one source column looks in a layout: label, editability, shown-as type, visibility."""

    source: str
    name: str | None = field(default=None, kw_only=True)
    editable: bool | None = field(default=None, kw_only=True)
    column_type: Any = field(default=None, kw_only=True)
    visible: bool | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        if not isinstance(self.source, str):
            raise TypeError("Column.source must be a string")
        if not self.source:
            raise ValueError("Column.source must not be empty")
        _check_str(self.name, "Column.name")
        _check_bool(self.editable, "Column.editable")
        _check_bool(self.visible, "Column.visible")
        self._column_type()  # fail at construction, not when saved

    def _column_type(self) -> ColumnType | None:
        kind = self.column_type
        if kind is None or isinstance(kind, PreviewCell):
            return None
        if isinstance(kind, str):
            if not kind:
                raise ValueError("Column.column_type must not be empty")
            return ColumnType(component_type_name=kind)
        if isinstance(kind, ComponentDescriptor):
            return ColumnType(component=kind.component, component_type_name=kind.component_type)
        if _is_component_class(kind):
            return ColumnType(component_type_name=kind.component_type())
        raise TypeError(
            "Column.column_type must be a component class, a component type name, "
            "a ComponentDescriptor, or a PreviewCell"
        )

    def _log_to_stream(self, stream: Any, path: str) -> None:
        arch = _TableColumnArchetype(
            name=self.name, editable=self.editable, visible=self.visible, column_type=self._column_type()
        )
        batches = arch.as_component_batches()
        if batches:
            stream.log(path, batches)
        if isinstance(self.column_type, PreviewCell):
            views = [view.blueprint_path() for view in self.column_type.views]
            stream.log(path, _TableColumnPreview(views=views))


@dataclass(frozen=True, kw_only=True)
class TableLayout:
    """Records as rows and columns; listed columns come first, in order, each source once."""

    columns: Sequence[Column] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", _unique_columns(self.columns, "TableLayout.columns"))


@dataclass(frozen=True, kw_only=True)
class CardLayout:
    """Records as cards: a title column, a link column, and the fields shown (unlisted ones hidden)."""

    title: str | None = None
    link: str | None = None
    fields: Sequence[Column] = ()

    def __post_init__(self) -> None:
        _check_str(self.title, "CardLayout.title", allow_empty=False)
        _check_str(self.link, "CardLayout.link", allow_empty=False)
        object.__setattr__(self, "fields", _unique_columns(self.fields, "CardLayout.fields"))


@dataclass(frozen=True, kw_only=True)
class TableBlueprint:
    """Layouts, filters, sorting and previews of a catalog table, saved as an `.rbl` to register."""

    table_layout: TableLayout | None = None
    card_layout: CardLayout | None = None
    default_layout: Literal["table", "cards"] | None = None
    column_display_mode: Any = None
    previews_config: PreviewsConfig | None = None
    filters: Sequence[Filter | str] = ()
    sort_by: str | SortBy | None = None

    def __post_init__(self) -> None:
        if isinstance(self.filters, (str, Filter)):
            raise TypeError("TableBlueprint.filters must be a sequence of filters")
        filters = tuple(f if isinstance(f, Filter) else Filter(f) for f in self.filters)
        object.__setattr__(self, "filters", filters)
        for attr, cls in (("table_layout", TableLayout), ("card_layout", CardLayout)):
            if getattr(self, attr) is not None and not isinstance(getattr(self, attr), cls):
                raise TypeError(f"TableBlueprint.{attr} must be a {cls.__name__} or None")
        _check_str(self.default_layout, "TableBlueprint.default_layout")
        if self.default_layout not in (None, "table", "cards"):
            raise ValueError("TableBlueprint.default_layout must be 'table', 'cards', or None")
        if self.default_layout == "cards" and self.card_layout is None:
            raise ValueError("default_layout='cards' requires card_layout to be configured")
        if self.previews_config is not None and not isinstance(self.previews_config, PreviewsConfig):
            raise TypeError("TableBlueprint.previews_config must be a PreviewsConfig or None")
        if isinstance(self.sort_by, str):
            _check_str(self.sort_by, "TableBlueprint.sort_by", allow_empty=False)
            object.__setattr__(self, "sort_by", SortBy(self.sort_by))
        elif self.sort_by is not None and not isinstance(self.sort_by, SortBy):
            raise TypeError("TableBlueprint.sort_by must be a str, SortBy, or None")

    def save(self, application_id: str, path: str | os.PathLike[str] | None = None) -> None:
        """Write this table blueprint to an `.rbl` (default `<application_id>.rbl`) for registration."""
        from rerun_core.store.messages import BlueprintActivationCommand
        from rerun_core.store.rrd.writer import write_rrd

        from .._blueprint_log import BlueprintStream

        stream = BlueprintStream(application_id)
        self._log_to_stream(stream)
        msgs = stream.finish()
        activate = BlueprintActivationCommand(msgs[0].store_id, make_active=True, make_default=True)
        write_rrd(f"{application_id}.rbl" if path is None else os.fspath(path), [*msgs, activate])

    def _preview_views(self) -> dict[str, Any]:
        """Each view of a preview column once, by blueprint path (a view may preview several)."""
        columns = [
            *(self.table_layout.columns if self.table_layout else ()),
            *(self.card_layout.fields if self.card_layout else ()),
        ]
        return {
            view.blueprint_path(): view
            for column in columns
            if isinstance(column.column_type, PreviewCell)
            for view in column.column_type.views
        }

    def _log_to_stream(self, stream: Any) -> None:
        for view in self._preview_views().values():
            view._log_to_stream(stream)
        table = _TableBlueprintArchetype(
            layout=self.default_layout,
            column_display_mode=self.column_display_mode,
            filters=[str(f) for f in self.filters] or None,
            sort_by=cast("SortBy | None", self.sort_by),  # `__post_init__` made a name a SortBy
        ).as_component_batches()
        if table:
            stream.log("table", table)
        previews = [] if self.previews_config is None else self.previews_config.as_component_batches()
        if previews:
            stream.log("table", previews)
        layout = self.table_layout if self.table_layout is not None else TableLayout()
        order = [column.source for column in layout.columns]
        stream.log("table/layouts/table", _TableLayoutArchetype(column_order=order))
        for column in layout.columns:
            column._log_to_stream(
                stream, f"table/layouts/table/columns/{escape_entity_path_part(column.source)}"
            )
        cards = self.card_layout
        if cards is not None:
            order = [column.source for column in cards.fields]
            arch = _CardLayoutArchetype(field_order=order, title=cards.title, link=cards.link)
            stream.log("table/layouts/cards", arch)
            for column in cards.fields:
                column._log_to_stream(
                    stream, f"table/layouts/cards/fields/{escape_entity_path_part(column.source)}"
                )
