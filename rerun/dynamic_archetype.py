"""User-defined archetypes: a name plus free-form components (`rr.DynamicArchetype`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rerun_core.types.descriptor import ComponentDescriptor

from ._baseclasses import ComponentColumnList, DescribedComponentBatch
from .any_batch_value import AnyBatchValue
from .any_batch_value import ComponentValueLike as ComponentValueLike


class DynamicArchetype:
    """Components grouped under an archetype name of your choosing (`MyArch:field`)."""

    def __init__(
        self, archetype: str, drop_untyped_nones: bool = True, components: Mapping[str, Any] | None = None
    ) -> None:
        self._archetype: str | None = archetype
        self._batches: list[AnyBatchValue] = []
        for field, value in (components or {}).items():
            self.with_component_from_data(field, value, drop_untyped_nones=drop_untyped_nones)

    @classmethod
    def _default_without_archetype(
        cls, drop_untyped_nones: bool = True, **components: Any
    ) -> DynamicArchetype:
        inst = cls.__new__(cls)
        inst._archetype = None
        inst._batches = []
        for field, value in components.items():
            inst.with_component_from_data(field, value, drop_untyped_nones=drop_untyped_nones)
        return inst

    def _descriptor(self, field: str, component_type: str | None = None) -> ComponentDescriptor:
        name = f"{self._archetype}:{field}" if self._archetype else field
        return ComponentDescriptor(name, archetype=self._archetype, component_type=component_type)

    def with_component_from_data(self, field: str, value: Any, *, drop_untyped_nones: bool = True) -> Any:
        batch = AnyBatchValue(self._descriptor(field), value, drop_untyped_nones=drop_untyped_nones)
        if batch.is_valid():
            self._batches.append(batch)
        return self

    def with_component_override(
        self, field: str, component_type: str, value: Any, *, drop_untyped_nones: bool = True
    ) -> Any:
        desc = self._descriptor(field, component_type)
        batch = AnyBatchValue(desc, value, drop_untyped_nones=drop_untyped_nones)
        if batch.is_valid():
            self._batches.append(batch)
        return self

    def as_component_batches(self) -> list[DescribedComponentBatch]:
        return [DescribedComponentBatch(b, b.descriptor) for b in self._batches]

    @classmethod
    def columns(
        cls, archetype: str, drop_untyped_nones: bool = True, components: Mapping[str, Any] | None = None
    ) -> ComponentColumnList:
        owner = cls(archetype)
        cols = []
        for field, value in (components or {}).items():
            col = AnyBatchValue.column(owner._descriptor(field), value, drop_untyped_nones=drop_untyped_nones)
            if col is not None:
                cols.append(col)
        return ComponentColumnList(cols)
