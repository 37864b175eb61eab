"""``Schema``: the columns of a dataset, selection, segment or chunk store, built from its Arrow schema.

Why here, outside both packages: ``rerun.catalog`` (datasets, segments) and ``rerun.chunk``
(``ChunkStore``/``LazyStore.schema()``) both return it and the catalog uses the chunk API, so
the shared piece sits below both; ``rerun.catalog._schema`` re-exports it (``rerun.catalog.Schema``).
Asking a chunk store for its schema then loads no catalog client (gRPC).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa

if TYPE_CHECKING:
    from rerun._arch_base import Archetype


class IndexColumnDescriptor:
    """The descriptor of an index column (a timeline). Read-only; made by ``Schema``."""

    __slots__ = ("_name",)
    _name: str

    def __init__(self) -> None:
        raise TypeError("cannot create 'IndexColumnDescriptor' instances")

    @classmethod
    def _make(cls, name: str) -> IndexColumnDescriptor:
        out = object.__new__(cls)
        out._name = name
        return out

    @property
    def name(self) -> str:
        return self._name

    @property
    def is_static(self) -> bool:
        """Part of the generic column interface: always False for an index."""
        return False

    def __repr__(self) -> str:
        return f"Index(timeline:{self._name})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IndexColumnDescriptor) and other._name == self._name

    def __hash__(self) -> int:
        return hash(("index", self._name))


class ComponentColumnDescriptor:
    """The descriptor of a component column. Read-only; made by ``Schema``."""

    __slots__ = ("_archetype", "_component", "_component_type", "_entity_path", "_is_static", "_name")

    _name: str
    _entity_path: str
    _component: str
    _archetype: str | None
    _component_type: str | None
    _is_static: bool

    def __init__(self) -> None:
        raise TypeError("cannot create 'ComponentColumnDescriptor' instances")

    @classmethod
    def _make(
        cls,
        name: str,
        entity_path: str,
        component: str,
        archetype: str | None,
        component_type: str | None,
        is_static: bool,
    ) -> ComponentColumnDescriptor:
        out = object.__new__(cls)
        out._name, out._entity_path, out._component = name, entity_path, component
        out._archetype, out._component_type, out._is_static = archetype, component_type, is_static
        return out

    @property
    def name(self) -> str:
        return self._name

    @property
    def entity_path(self) -> str:
        return self._entity_path

    @property
    def component(self) -> str:
        return self._component

    @property
    def archetype(self) -> str | None:
        return self._archetype

    @property
    def component_type(self) -> str | None:
        return self._component_type

    @property
    def is_static(self) -> bool:
        return self._is_static

    @property
    def is_property(self) -> bool:
        """Is this column a property (under ``/__properties``)?"""
        return self._entity_path == "/__properties" or self._entity_path.startswith("/__properties/")

    def __repr__(self) -> str:
        # 0.41 prints every line: a missing archetype as `None`, a missing component type empty.
        lines = [
            f"Column name: {self._name}",
            f"\tEntity path: {self._entity_path}",
            f"\tArchetype: {self._archetype}",
            f"\tComponent type: {self._component_type or ''}",
            f"\tComponent: {self._component}",
        ]
        if self._is_static:
            lines.append("\tStatic: true")
        return "\n".join(lines)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ComponentColumnDescriptor) and other._key() == self._key()

    def _key(self) -> tuple[Any, ...]:
        return (self._name, self._entity_path, self._component, self._archetype, self._component_type)

    def __hash__(self) -> int:
        return hash(self._key())


class IndexColumnSelector:
    """A selector for an index column (usually a timeline name)."""

    __slots__ = ("_name",)

    def __init__(self, index: str) -> None:
        self._name = index

    @property
    def name(self) -> str:
        return self._name

    def __repr__(self) -> str:
        return f"Index(timeline:{self._name})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IndexColumnSelector) and other._name == self._name

    __hash__ = None  # type: ignore[assignment]  # as 0.41's


class _NativeSignature:
    """0.41's selector is a native class whose text signature carries annotations, which
    ``inspect.signature`` refuses (ValueError): as there, callers see no Python signature."""

    def __get__(self, obj: object, owner: type | None = None) -> None:
        raise ValueError("Annotations are not currently supported")


class ComponentColumnSelector:
    """A selector for a component column: an entity path and a component (``Points3D:positions``)."""

    __slots__ = ("_component", "_entity_path")
    __text_signature__ = "(self, entity_path: str, component: str)"
    __signature__ = _NativeSignature()

    def __init__(self, entity_path: str, component: str) -> None:
        self._entity_path = entity_path
        self._component = component

    @property
    def entity_path(self) -> str:
        return self._entity_path

    @property
    def component(self) -> str:
        return self._component

    def __repr__(self) -> str:
        return f"{self._entity_path}:{self._component}"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ComponentColumnSelector):
            return False
        return (other._entity_path, other._component) == (self._entity_path, self._component)

    __hash__ = None  # type: ignore[assignment]  # as 0.41's


def _meta(field: pa.Field, key: str) -> str | None:
    value = (field.metadata or {}).get(key.encode())
    return value.decode() if value is not None else None


def _descriptors(arrow: pa.Schema) -> tuple[list[IndexColumnDescriptor], list[ComponentColumnDescriptor]]:
    index: list[IndexColumnDescriptor] = []
    components: list[ComponentColumnDescriptor] = []
    for f in arrow:
        kind = _meta(f, "rerun:kind")
        if kind == "index":
            index.append(IndexColumnDescriptor._make(f.name))
        elif kind == "data":
            components.append(
                ComponentColumnDescriptor._make(
                    f.name,
                    _meta(f, "rerun:entity_path") or "",
                    _meta(f, "rerun:component") or f.name,
                    _meta(f, "rerun:archetype"),
                    _meta(f, "rerun:component_type"),
                    _meta(f, "rerun:is_static") == "true",
                )
            )
    return index, components


def _match_archetype(col_archetype: str | None, archetype: str) -> bool:
    if col_archetype is None:
        return False
    if "." in archetype:
        return col_archetype == archetype
    return col_archetype.rsplit(".", 1)[-1] == archetype


class Schema:
    """The index columns (timelines) and component columns of a dataset, selection or segment."""

    def __init__(self, inner: pa.Schema) -> None:
        self._arrow = inner
        self._index, self._components = _descriptors(inner)

    def __iter__(self) -> Iterator[IndexColumnDescriptor | ComponentColumnDescriptor]:
        return itertools.chain(self.index_columns(), self.component_columns())

    def index_columns(self) -> Sequence[IndexColumnDescriptor]:
        return list(self._index)

    def component_columns(self) -> Sequence[ComponentColumnDescriptor]:
        return list(self._components)

    def _visible(self, include_properties: bool) -> list[ComponentColumnDescriptor]:
        return [c for c in self._components if include_properties or not c.is_property]

    def archetypes(self, *, include_properties: bool = False) -> list[str]:
        return sorted({c.archetype for c in self._visible(include_properties) if c.archetype is not None})

    def component_types(self, *, include_properties: bool = False) -> list[str]:
        types = {c.component_type for c in self._visible(include_properties) if c.component_type is not None}
        return sorted(types)

    def entity_paths(self, *, include_properties: bool = False) -> list[str]:
        return sorted({c.entity_path for c in self._visible(include_properties)})

    def column_for(self, entity_path: str, component: str) -> ComponentColumnDescriptor | None:
        for c in self._components:
            if c.entity_path == entity_path and c.component == component:
                return c
        return None

    def column_for_selector(
        self, selector: str | ComponentColumnSelector | ComponentColumnDescriptor
    ) -> ComponentColumnDescriptor:
        """The column a selector names; a descriptor is returned as is. LookupError if absent."""
        if isinstance(selector, ComponentColumnDescriptor):
            return selector
        if isinstance(selector, str):
            path, sep, component = selector.partition(":")
            if not sep or not path or not component:
                raise ValueError(
                    f"invalid component selector {selector!r}: expected '<entity_path>:<component>'"
                )
            selector = ComponentColumnSelector(path, component)
        if not isinstance(selector, ComponentColumnSelector):
            raise ValueError(f"unsupported selector type: {type(selector).__name__}")
        found = self.column_for(selector.entity_path, selector.component)
        if found is None:
            raise LookupError(f"no column for {selector!r} in the schema")
        return found

    def columns_for(
        self,
        *,
        entity_path: str | None = None,
        archetype: str | type[Archetype] | None = None,
        component_type: str | None = None,
        include_properties: bool = False,
    ) -> list[ComponentColumnDescriptor]:
        """Component columns matching every criterion given (archetype: full or short name, or class)."""
        name = archetype if archetype is None or isinstance(archetype, str) else archetype.archetype()
        return [
            c
            for c in self._visible(include_properties)
            if (entity_path is None or c.entity_path == entity_path)
            and (name is None or _match_archetype(c.archetype, name))
            and (component_type is None or c.component_type == component_type)
        ]

    def column_names_for(
        self,
        *,
        entity_path: str | None = None,
        archetype: str | type[Archetype] | None = None,
        component_type: str | None = None,
        include_properties: bool = False,
    ) -> list[str]:
        cols = self.columns_for(
            entity_path=entity_path,
            archetype=archetype,
            component_type=component_type,
            include_properties=include_properties,
        )
        return [c.name for c in cols]

    def column_names(self) -> list[str]:
        return [c.name for c in self]

    def to_arrow(self) -> pa.Schema:
        """This schema as Arrow, with its metadata (a local conversion, nothing fetched)."""
        return self._arrow

    def __arrow_c_schema__(self) -> Any:
        return self._arrow.__arrow_c_schema__()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Schema):
            return NotImplemented
        return self._arrow.equals(other._arrow, check_metadata=True)

    def __repr__(self) -> str:
        return "\n".join(repr(c) for c in self)
