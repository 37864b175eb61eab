"""``Schema``: the columns of a dataset (index and component columns), from its Arrow schema."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class IndexColumnDescriptor:
    name: str
    is_static: bool = False

    def __repr__(self) -> str:
        return f"Index(timeline:{self.name})"


@dataclass(frozen=True)
class ComponentColumnDescriptor:
    name: str
    entity_path: str
    component: str
    archetype: str | None
    component_type: str | None
    is_static: bool

    @property
    def is_property(self) -> bool:
        return self.entity_path == "/__properties" or self.entity_path.startswith("/__properties/")

    def __repr__(self) -> str:
        return f"Column({self.name})"


def _meta(field: pa.Field, key: str) -> str | None:
    value = (field.metadata or {}).get(key.encode())
    return value.decode() if value is not None else None


class Schema:
    """The dataset's columns; ``to_arrow()`` gives the Arrow schema the server sent."""

    def __init__(self, arrow: pa.Schema) -> None:
        self._arrow = arrow
        self._index: list[IndexColumnDescriptor] = []
        self._components: list[ComponentColumnDescriptor] = []
        for f in arrow:
            kind = _meta(f, "rerun:kind")
            if kind == "index":
                self._index.append(IndexColumnDescriptor(f.name))
            elif kind == "data":
                self._components.append(
                    ComponentColumnDescriptor(
                        name=f.name,
                        entity_path=_meta(f, "rerun:entity_path") or "",
                        component=_meta(f, "rerun:component") or f.name,
                        archetype=_meta(f, "rerun:archetype"),
                        component_type=_meta(f, "rerun:component_type"),
                        is_static=_meta(f, "rerun:is_static") == "true",
                    )
                )

    def __iter__(self) -> Iterator[IndexColumnDescriptor | ComponentColumnDescriptor]:
        yield from self._index
        yield from self._components

    def index_columns(self) -> Sequence[IndexColumnDescriptor]:
        return list(self._index)

    def component_columns(self) -> Sequence[ComponentColumnDescriptor]:
        return list(self._components)

    def column_names(self) -> list[str]:
        return [c.name for c in self]

    def entity_paths(self, *, include_properties: bool = False) -> list[str]:
        paths = {c.entity_path for c in self._components if include_properties or not c.is_property}
        return sorted(paths)

    def column_for(self, entity_path: str, component: str) -> ComponentColumnDescriptor | None:
        for c in self._components:
            if c.entity_path == entity_path and c.component == component:
                return c
        return None

    def to_arrow(self) -> pa.Schema:
        return self._arrow

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Schema) and self._arrow.equals(other._arrow, check_metadata=True)

    def __repr__(self) -> str:
        return "\n".join(repr(c) for c in self)
