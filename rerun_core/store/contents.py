"""Content filters: which entities a query sees (``/world/**``, ``/a``, ``- /x/**``).

Rerun's syntax, one expression per line (or per list item): a path selects that entity, a
path ending in ``/**`` selects it and everything below; ``+`` (the default) includes and ``-``
excludes. The most specific matching rule decides. ``/__properties`` (recording properties)
is only selected when a rule names it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rerun_core.types import EntityPath

if TYPE_CHECKING:
    from .store import ChunkStore

PROPERTIES_ENTITY = EntityPath("/__properties")


# --- content filter ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rule:
    include: bool
    path: EntityPath
    subtree: bool

    def matches(self, path: EntityPath) -> bool:
        return path.starts_with(self.path) if self.subtree else path == self.path


def parse_contents(contents: str | Iterable[str]) -> list[Rule]:
    """Rerun's entity filter: ``/world/**`` (subtree incl. itself), ``/a`` (exact), ``- /x/**``."""
    exprs = contents.splitlines() if isinstance(contents, str) else list(contents)
    rules = []
    for raw in exprs:
        expr = raw.strip()
        if not expr:
            continue
        include = True
        if expr[0] in "+-":
            include, expr = expr[0] == "+", expr[1:].strip()
        subtree = expr.endswith("/**") or expr == "**"
        if subtree:
            expr = expr[:-2]
        rules.append(Rule(include, EntityPath(expr), subtree))
    return rules


def select_entities(store: ChunkStore, contents: str | Iterable[str]) -> list[EntityPath]:
    """Entities the filter keeps; the most specific rule wins. ``/__properties`` only on request."""
    rules = parse_contents(contents)
    asks_props = any(r.path.starts_with(PROPERTIES_ENTITY) for r in rules if r.include)
    out = []
    for path in store.entity_paths():
        if path.starts_with(PROPERTIES_ENTITY) and not asks_props:
            continue
        best: tuple[int, int, bool] | None = None
        for r in rules:
            if r.matches(path):
                rank = (len(r.path.parts), 0 if r.subtree else 1, r.include)
                if best is None or rank[:2] >= best[:2]:
                    best = rank
        if best is not None and best[2]:
            out.append(path)
    return out
