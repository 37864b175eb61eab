"""Per-chunk summary lines and the catalog-style schema, shared by ``ChunkStore`` and ``LazyStore``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa

from rerun._schema import Schema
from rerun_core.store.messages import StoreId, StoreKind

_ANON = StoreId(StoreKind.RECORDING, "", "")


@dataclass(frozen=True, slots=True)
class SummaryRow:
    entity_path: str
    num_rows: int
    is_static: bool
    timelines: list[str]
    components: list[str]

    def line(self) -> str:
        tls = ", ".join(f"'{t}'" for t in self.timelines)
        cols = ", ".join(f"'{c}'" for c in sorted([*self.components, *self.timelines]))
        return (
            f"{self.entity_path} rows={self.num_rows} static={self.is_static} timelines=[{tls}] cols=[{cols}]"
        )


def format_summary(rows: Iterable[SummaryRow]) -> str:
    ordered = sorted(rows, key=lambda r: (r.entity_path, not r.is_static))
    return "\n".join(r.line() for r in ordered)


def _schema(arrow: pa.Schema) -> Schema:
    """A catalog ``Schema``: timelines by name, then component columns by column name (as 0.41)."""
    fields = list(arrow)
    index = sorted(
        (f for f in fields if (f.metadata or {}).get(b"rerun:kind") == b"index"), key=lambda f: f.name
    )
    rest = sorted(
        (f for f in fields if (f.metadata or {}).get(b"rerun:kind") != b"index"), key=lambda f: f.name
    )
    return Schema(pa.schema(index + rest, metadata=arrow.metadata))
