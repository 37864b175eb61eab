"""What the views read from the store: an index of entity -> archetypes, and latest-at queries.

The store is duck-typed (``ChunkStore`` contract in ARCHITECTURE.md): ``latest_at``,
``range``, ``entity_paths``, ``timelines``, ``time_range``, ``chunks``, ``subscribe``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from rerun_core.types import EntityPath


def archetype_of(component: str, archetype: str | None) -> str | None:
    """Short archetype name of a column (``Points3D`` for ``Points3D:positions``)."""
    if archetype:
        return archetype.rsplit(".", 1)[-1]
    if ":" in component:
        return component.split(":", 1)[0]
    return None


@dataclass
class EntityIndex:
    """entity path -> archetype -> column names seen so far, fed by store notifications."""

    archetypes: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    _seen_chunks: set[Any] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add_chunk(self, chunk: Any) -> bool:
        """Index one chunk; True when it brought a new entity/archetype/column."""
        cid = getattr(chunk, "id", None)
        with self._lock:
            if cid is not None:
                if cid in self._seen_chunks:
                    return False
                self._seen_chunks.add(cid)
            path = EntityPath(chunk.entity_path).path
            ent = self.archetypes.setdefault(path, {})
            changed = False
            for desc in chunk.components:
                arch = archetype_of(desc.component, desc.archetype)
                if arch is None:
                    continue
                cols = ent.setdefault(arch, set())
                if desc.component not in cols:
                    cols.add(desc.component)
                    changed = True
            return changed

    def add_chunks(self, chunks: Iterable[Any]) -> bool:
        changed = False
        for c in chunks:
            changed |= self.add_chunk(c)
        return changed

    def entities(self) -> list[str]:
        with self._lock:
            return sorted(self.archetypes)

    def of(self, path: str) -> dict[str, set[str]]:
        with self._lock:
            return {k: set(v) for k, v in self.archetypes.get(path, {}).items()}


class Query:
    """Latest-at reads at one time cursor; keyed so the scene cache can skip unchanged data."""

    def __init__(self, store: Any, timeline: str | None, time: int | None) -> None:
        self.store = store
        self.timeline = timeline
        self.time = time

    def latest(self, path: str, columns: Iterable[str]) -> tuple[dict[str, pa.Array], tuple[Any, ...]]:
        """Column -> flat values of the latest row, and a change key (row ids of those rows)."""
        cols = list(columns)
        if not cols:
            return {}, ()
        if self.timeline is None or self.time is None:
            cells = self.store.latest_at(path, cols, None, None)
        else:
            cells = self.store.latest_at(path, cols, self.timeline, self.time)
        data: dict[str, pa.Array] = {}
        key = []
        for name in sorted(cells):
            cell = cells[name]
            if cell is None:
                continue
            data[name] = cell.values
            key.append((name, str(cell.row_id)))
        return data, tuple(key)


def fields_of(data: dict[str, pa.Array], archetype: str) -> dict[str, pa.Array]:
    """``{"Points3D:positions": arr}`` -> ``{"positions": arr}``."""
    prefix = archetype + ":"
    return {k[len(prefix) :] if k.startswith(prefix) else k: v for k, v in data.items()}
