"""Component descriptors: which archetype field a column is, and of which component type."""

from __future__ import annotations

from dataclasses import dataclass

ARCHETYPE_PREFIX = "rerun.archetypes."
COMPONENT_PREFIX = "rerun.components."


@dataclass(frozen=True, slots=True)
class ComponentDescriptor:
    """``component`` is the column name (``Points3D:positions``); the others may be absent.

    Names are kept in Rerun's long form (``rerun.archetypes.Points3D``); ``short_*`` give the
    forms the CLI prints.
    """

    component: str
    archetype: str | None = None
    component_type: str | None = None

    @property
    def short_archetype(self) -> str | None:
        return _short(self.archetype, ARCHETYPE_PREFIX)

    @property
    def short_component_type(self) -> str | None:
        return _short(self.component_type, COMPONENT_PREFIX)

    @property
    def field_name(self) -> str:
        """The archetype field (``positions``), or the whole name when it has no archetype part."""
        return self.component.rsplit(":", 1)[-1]

    def with_overrides(
        self, archetype: str | None = None, component_type: str | None = None
    ) -> ComponentDescriptor:
        """A copy with the given parts replaced (rerun-sdk API)."""
        return ComponentDescriptor(
            self.component,
            archetype if archetype is not None else self.archetype,
            component_type if component_type is not None else self.component_type,
        )

    def or_with_overrides(
        self, archetype: str | None = None, component_type: str | None = None
    ) -> ComponentDescriptor:
        """A copy with the given parts filled in only where they are missing (rerun-sdk API)."""
        return ComponentDescriptor(
            self.component, self.archetype or archetype, self.component_type or component_type
        )

    def with_builtin_archetype(self, archetype: str) -> ComponentDescriptor:
        """The same field tagged as part of `archetype` (`Points3D:` prefix), as rerun-sdk does."""
        return ComponentDescriptor(f"{archetype}:{self.component}", archetype, self.component_type)

    def __str__(self) -> str:
        return self.component


def _short(name: str | None, prefix: str) -> str | None:
    if name is None:
        return None
    return name[len(prefix) :] if name.startswith(prefix) else name
