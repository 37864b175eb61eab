"""Visualizer component mappings: where a visualizer takes one of its components from.

`VisualizerComponentMapping` names a source (the store, a custom component with an optional
jq-like selector, the view default, ...); a list of them is logged as
`VisualizerInstruction:component_map` next to the visualizer's instruction. It is both an
encoding and a component in 0.41, so it lives with the components and the encodings re-export it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from rerun_core.types import ComponentDescriptor

from ... import _converters as cv
from ..._baseclasses import ComponentMixin, DescribedComponentBatch
from ...components import register_batch
from ...encodings._image import _AutoEnum

_COMPONENTS = "rerun.blueprint.components."


class ComponentSourceKind(_AutoEnum):
    """Where a visualizer component's value comes from (stored as a uint8)."""

    SourceComponent = 1
    """An explicit `source_component` of the entity (optionally narrowed by a selector)."""

    Override = 2
    """The blueprint override stored next to the visualizer instruction under `target`."""

    Default = 3
    """The view's default for `target` (or a heuristic value when the view has none)."""

    AnnotationContext = 4
    """Resolved from class / keypoint ids through the recording's annotation context."""

    def __str__(self) -> str:
        return self.name


class VisualizerComponentMapping(ComponentMixin):
    """Map a visualizer slot (`target`, e.g. `"Scalars:scalars"`) to a source of values."""

    # Class-level too, as 0.41's attrs fields.
    target: str = ""
    source_kind: ComponentSourceKind = ComponentSourceKind.SourceComponent  # set by __init__
    source_component: str | None = None
    selector: str | None = None

    def __init__(
        self,
        target: str,
        source_kind: ComponentSourceKind | str | int,
        *,
        source_component: str | None = None,
        selector: str | None = None,
    ) -> None:
        self.target = str(target)
        self.source_kind = ComponentSourceKind.auto(source_kind)
        self.source_component = None if source_component is None else str(source_component)
        self.selector = None if selector is None else str(selector)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VisualizerComponentMapping) and vars(self) == vars(other)

    def __repr__(self) -> str:
        return (
            f"VisualizerComponentMapping(target={self.target!r}, source_kind={self.source_kind}, "
            f"source_component={self.source_component!r}, selector={self.selector!r})"
        )


VisualizerComponentMappingLike = VisualizerComponentMapping
VisualizerComponentMappingArrayLike = VisualizerComponentMapping | Sequence[VisualizerComponentMapping]
ComponentSourceKindLike = ComponentSourceKind | str | int

_MAPPING_TYPE = pa.struct(
    [
        pa.field("target", pa.utf8(), nullable=False),
        pa.field("source_kind", pa.uint8(), nullable=False),
        pa.field("source_component", pa.utf8(), nullable=True),
        pa.field("selector", pa.utf8(), nullable=True),
    ]
)


def _mapping_row(m: Any) -> dict[str, Any]:
    if not isinstance(m, VisualizerComponentMapping):
        raise TypeError(f"expected a VisualizerComponentMapping, got {type(m).__name__}")
    return {
        "target": m.target,
        "source_kind": m.source_kind.value,
        "source_component": m.source_component,
        "selector": m.selector,
    }


VisualizerComponentMappingBatch = register_batch(
    _COMPONENTS + "VisualizerComponentMapping",
    _MAPPING_TYPE,
    cv.structs(_MAPPING_TYPE, _mapping_row, lambda v: isinstance(v, VisualizerComponentMapping)),
)


def component_map_batch(mappings: VisualizerComponentMappingArrayLike) -> DescribedComponentBatch:
    """The `VisualizerInstruction:component_map` batch for a visualizer's mappings."""
    return DescribedComponentBatch(
        VisualizerComponentMappingBatch(mappings),
        ComponentDescriptor(
            "VisualizerInstruction:component_map",
            "rerun.blueprint.archetypes.VisualizerInstruction",
            _COMPONENTS + "VisualizerComponentMapping",
        ),
    )


VisualizerComponentMapping._BATCH_TYPE = VisualizerComponentMappingBatch
