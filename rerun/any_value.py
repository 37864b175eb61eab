"""`rr.AnyValues`: log arbitrary named values without declaring an archetype."""

from __future__ import annotations

from typing import Any

from ._baseclasses import ComponentColumnList, DescribedComponentBatch
from ._errors import _send_warning_or_raise, strict_mode
from .any_batch_value import AnyBatchValue, ComponentValueLike
from .dynamic_archetype import DynamicArchetype

__all__ = ["AnyBatchValue", "AnyValues", "ComponentValueLike"]


class AnyValues:
    """Named values, each logged as its own component (`rr.AnyValues(confidence=0.9)`)."""

    def __init__(self, drop_untyped_nones: bool = True, **kwargs: Any) -> None:
        self._builder = DynamicArchetype._default_without_archetype(drop_untyped_nones, **kwargs)

    def with_component_from_data(
        self, descriptor: str, value: Any, *, drop_untyped_nones: bool = True
    ) -> AnyValues:
        self._builder.with_component_from_data(descriptor, value, drop_untyped_nones=drop_untyped_nones)
        return self

    def with_component_override(
        self, field: str, component_type: str, value: Any, *, drop_untyped_nones: bool = True
    ) -> AnyValues:
        self._builder.with_component_override(
            field, component_type, value, drop_untyped_nones=drop_untyped_nones
        )
        return self

    def as_component_batches(self) -> list[DescribedComponentBatch]:
        batches = self._builder.as_component_batches()
        if not batches:  # nothing given, or only Nones / untyped empties: 0.41 says so
            err = ValueError("No valid component batches to return.")
            if strict_mode():
                raise err
            _send_warning_or_raise(f"AnyValues: ValueError({err})", 2, exception_type=ValueError)
        return batches

    @property
    def component_batches(self) -> list[DescribedComponentBatch]:
        return self._builder.as_component_batches()

    @classmethod
    def columns(cls, drop_untyped_nones: bool = True, **kwargs: Any) -> ComponentColumnList:
        cols = []
        for name, value in kwargs.items():
            col = AnyBatchValue.column(name, value, drop_untyped_nones=drop_untyped_nones)
            if col is not None:
                cols.append(col)
        return ComponentColumnList(cols)
