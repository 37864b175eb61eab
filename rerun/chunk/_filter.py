"""Structured chunk predicates shared by ``filter`` / ``drop`` / ``split`` and ``lenses(content=)``."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from rerun_core.store.chunk import Chunk as CoreChunk
from rerun_core.store.contents import PROPERTIES_ENTITY, Rule, parse_contents
from rerun_core.types import ComponentDescriptor, EntityPath


@runtime_checkable
class ExprSource(Protocol):
    """Anything with ``to_exprs()`` (``rerun.catalog.ContentFilter``)."""

    def to_exprs(self) -> list[str]: ...


ContentArg = ExprSource | str | Sequence[str] | None
ComponentsArg = ComponentDescriptor | str | Sequence[ComponentDescriptor | str] | None


def content_rules(content: ContentArg) -> list[Rule] | None:
    """Entity path filter rules, or None for "no content filter"."""
    if content is None:
        return None
    if isinstance(content, str):
        exprs = [content]
    elif isinstance(content, ExprSource):
        exprs = content.to_exprs()
    else:
        if not isinstance(content, Sequence):
            raise TypeError(f"'{type(content).__name__}' object is not iterable")
        exprs = list(content)
        for e in exprs:
            if not isinstance(e, str):
                raise TypeError(f"content expressions must be str, got {type(e).__name__}")
    return parse_contents(exprs)


def matches_content(rules: list[Rule], path: EntityPath) -> bool:
    """The most specific matching rule decides; ``/__properties`` only when a rule names it."""
    if path.starts_with(PROPERTIES_ENTITY) and not any(
        r.include and r.path.starts_with(PROPERTIES_ENTITY) for r in rules
    ):
        return False
    best: tuple[int, int] | None = None
    include = False
    for r in rules:
        if r.matches(path):
            rank = (len(r.path.parts), 0 if r.subtree else 1)
            if best is None or rank >= best:
                best, include = rank, r.include
    return include


def component_names(components: ComponentsArg) -> frozenset[str] | None:
    if components is None:
        return None
    items: Sequence[ComponentDescriptor | str]
    if isinstance(components, (str, ComponentDescriptor)):
        items = [components]
    else:
        items = components
    names = []
    for c in items:
        if isinstance(c, str):
            names.append(c)
        elif isinstance(c, ComponentDescriptor):
            names.append(c.component)
        else:
            raise TypeError(f"components must be ComponentDescriptor or str, got {type(c).__name__}")
    return frozenset(names)


def _subset(chunk: CoreChunk, keep: bool, names: frozenset[str]) -> CoreChunk | None:
    comps = {d: a for d, a in chunk.components.items() if (d.component in names) == keep}
    if not comps:
        return None
    if len(comps) == len(chunk.components):
        return chunk
    return CoreChunk.from_columns(chunk.entity_path, chunk.row_ids, chunk.timelines, comps)


@dataclass(frozen=True, slots=True)
class ChunkFilter:
    content: list[Rule] | None
    has_timeline: str | None
    is_static: bool | None
    components: frozenset[str] | None

    @classmethod
    def make(
        cls, content: ContentArg, has_timeline: str | None, is_static: bool | None, components: ComponentsArg
    ) -> ChunkFilter:
        if has_timeline is not None and not isinstance(has_timeline, str):
            raise TypeError(f"has_timeline must be a str, got {type(has_timeline).__name__}")
        if is_static is not None and not isinstance(is_static, bool):
            raise TypeError(f"is_static must be a bool, got {type(is_static).__name__}")
        return cls(content_rules(content), has_timeline, is_static, component_names(components))

    def predicates(self, chunk: CoreChunk) -> bool:
        if self.content is not None and not matches_content(self.content, chunk.entity_path):
            return False
        if self.is_static is not None and chunk.is_static != self.is_static:
            return False
        return self.has_timeline is None or self.has_timeline in chunk.timelines

    def matches_parts(
        self, entity: EntityPath, is_static: bool, timelines: Collection[str], components: Collection[str]
    ) -> bool:
        """Whether ``keep`` can keep anything of a chunk described by these parts (a manifest row)."""
        if self.content is not None and not matches_content(self.content, entity):
            return False
        if self.is_static is not None and is_static != self.is_static:
            return False
        if self.has_timeline is not None and self.has_timeline not in timelines:
            return False
        return self.components is None or any(c in self.components for c in components)

    def keep(self, chunk: CoreChunk) -> CoreChunk | None:
        if not self.predicates(chunk):
            return None
        if self.components is None:
            return chunk
        return _subset(chunk, True, self.components)

    def complement(self, chunk: CoreChunk) -> CoreChunk | None:
        if not self.predicates(chunk):
            return chunk
        if self.components is None:
            return None
        return _subset(chunk, False, self.components)

    def split(self, chunk: CoreChunk) -> tuple[CoreChunk | None, CoreChunk | None]:
        return self.keep(chunk), self.complement(chunk)
