"""``rerun.catalog.Schema`` and its column types, defined in ``rerun._schema`` (shared with ``rerun.chunk``)."""

from __future__ import annotations

from rerun._schema import (
    ComponentColumnDescriptor,
    ComponentColumnSelector,
    IndexColumnDescriptor,
    IndexColumnSelector,
    Schema,
)

__all__ = [
    "ComponentColumnDescriptor",
    "ComponentColumnSelector",
    "IndexColumnDescriptor",
    "IndexColumnSelector",
    "Schema",
]
