"""``rerun.chunk.DeriveLens`` / ``MutateLens``: builders over ``rerun_core.store.lenses``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rerun_core.store import lenses as core
from rerun_core.types import ComponentDescriptor, EntityPath, TimeType

from ._selector import Selector, as_selector

_TIMELINE_TYPES = {
    "sequence": TimeType.SEQUENCE,
    "duration_ns": TimeType.DURATION,
    "duration": TimeType.DURATION,
    "timestamp_ns": TimeType.TIMESTAMP,
    "timestamp": TimeType.TIMESTAMP,
}

CastArg: TypeAlias = pa.DataType | Literal["auto"] | None


def _descriptor(component: ComponentDescriptor | str) -> ComponentDescriptor:
    if isinstance(component, str):
        return ComponentDescriptor(component)
    if isinstance(component, ComponentDescriptor):
        return component
    raise TypeError(f"expected a ComponentDescriptor or a component name, got {type(component).__name__}")


def _cast(desc: ComponentDescriptor, cast_to: CastArg) -> core.CastTo:
    if cast_to is None or isinstance(cast_to, pa.DataType):
        return cast_to
    if cast_to != "auto":
        raise ValueError(f"cast_to must be a pyarrow DataType, 'auto' or None; got {cast_to!r}")
    from ..components._table import COMPONENT_TYPES

    short = desc.short_component_type
    entry = COMPONENT_TYPES.get(short) if short else None
    return core.UnknownType() if entry is None else entry[0]


def _input(input_component: str) -> str:
    if not isinstance(input_component, str) or not input_component:
        raise TypeError(f"input_component must be a non-empty str, got {input_component!r}")
    return input_component


class DeriveLens:
    """Derives new component (and time) columns from one input component.

    The output goes to the input's entity, or to ``output_entity``; ``scatter=True`` explodes
    each row's list into one row per element. Builder methods return a new lens.
    """

    __slots__ = ("_internal",)

    def __init__(
        self, input_component: str, *, output_entity: str | None = None, scatter: bool = False
    ) -> None:
        target = None if output_entity is None else EntityPath(output_entity)
        self._internal = core.DeriveLens(_input(input_component), target, bool(scatter))

    def _with(self, lens: core.DeriveLens) -> DeriveLens:
        new = DeriveLens.__new__(DeriveLens)
        new._internal = lens
        return new

    def to_component(
        self, component: ComponentDescriptor | str, selector: Selector | str, *, cast_to: CastArg = None
    ) -> DeriveLens:
        """Add an output component: ``selector`` run on each input row, optionally cast."""
        desc = _descriptor(component)
        out = core.ComponentOutput(desc, as_selector(selector)._internal, _cast(desc, cast_to))
        lens = self._internal
        return self._with(
            core.DeriveLens(
                lens.input, lens.target_entity, lens.scatter, (*lens.components, out), lens.timelines
            )
        )

    def to_timeline(self, timeline_name: str, timeline_type: str, selector: Selector | str) -> DeriveLens:
        """Add a timeline whose (Int64) values ``selector`` extracts from each input row."""
        typ = _TIMELINE_TYPES.get(timeline_type)
        if typ is None:
            raise ValueError(
                f'Invalid timeline_type: "{timeline_type}". Expected "sequence", "duration_ns", or '
                '"timestamp_ns" ("duration" and "timestamp" are also accepted)'
            )
        out = core.TimeOutput(str(timeline_name), typ, as_selector(selector)._internal)
        lens = self._internal
        return self._with(
            core.DeriveLens(
                lens.input, lens.target_entity, lens.scatter, lens.components, (*lens.timelines, out)
            )
        )

    def to_packed_component(
        self, component: ComponentDescriptor | str, *fields: str, cast_to: CastArg = "auto"
    ) -> DeriveLens:
        """Add a component packing the struct ``fields`` (same datatype) into a fixed-size list."""
        if not fields:
            raise ValueError("to_packed_component requires at least one field")
        return self.to_component(
            component, "pack(" + ", ".join(f".{f}!" for f in fields) + ")", cast_to=cast_to
        )

    def to_translation(self, x: str, y: str, z: str) -> DeriveLens:
        """Add ``Transform3D:translation`` from three struct fields."""
        return self.to_packed_component(_transform("translation"), x, y, z)

    def to_quaternion(self, x: str, y: str, z: str, w: str) -> DeriveLens:
        """Add ``Transform3D:quaternion`` from four struct fields (xyzw order)."""
        return self.to_packed_component(_transform("quaternion"), x, y, z, w)

    def to_scale(self, x: str, y: str, z: str) -> DeriveLens:
        """Add ``Transform3D:scale`` from three struct fields."""
        return self.to_packed_component(_transform("scale"), x, y, z)

    def to_rotation_axis_angle(self, axis_x: str, axis_y: str, axis_z: str, angle: str) -> DeriveLens:
        """Add ``Transform3D:rotation_axis_angle`` from an axis (three fields) and an angle (radians)."""
        fields = (axis_x, axis_y, axis_z, angle)
        selector = Selector(".").pipe(lambda arr: _axis_angle(arr, fields))
        return self.to_component(_transform("rotation_axis_angle"), selector)

    def to_scalars(self, *fields: str) -> DeriveLens:
        """Add ``Scalars:scalars``: one instance per field and row."""
        if not fields:
            raise ValueError("to_scalars requires at least one field")
        desc = _scalars()
        if len(fields) == 1:
            return self.to_component(desc, f".{fields[0]}", cast_to=None)
        packed = ", ".join(f".{f}!" for f in fields)
        return self.to_component(desc, f"pack({packed}) | .[]", cast_to=None)


class MutateLens:
    """Rewrites one component in place with a selector (fresh row ids unless ``keep_row_ids``)."""

    __slots__ = ("_internal",)

    def __init__(self, input_component: str, selector: Selector | str, *, keep_row_ids: bool = False) -> None:
        self._internal = core.MutateLens(
            _input(input_component), as_selector(selector)._internal, bool(keep_row_ids)
        )


Lens: TypeAlias = DeriveLens | MutateLens
"""Union of all lens types."""


def core_lenses(lenses: Sequence[Lens] | Lens) -> list[core.Lens]:
    items: Sequence[Lens] = [lenses] if isinstance(lenses, (DeriveLens, MutateLens)) else lenses
    out: list[core.Lens] = []
    for lens in items:
        if not isinstance(lens, (DeriveLens, MutateLens)):
            raise TypeError(f"expected DeriveLens or MutateLens, got {type(lens).__name__}")
        out.append(lens._internal)
    return out


def _transform(field: str) -> ComponentDescriptor:
    from ..archetypes import Transform3D

    table: dict[str, ComponentDescriptor] = Transform3D._DESCRIPTORS
    return table[field]


def _scalars() -> ComponentDescriptor:
    from ..archetypes import Scalars

    table: dict[str, ComponentDescriptor] = Scalars._DESCRIPTORS
    return table["scalars"]


def _axis_angle(struct: pa.Array, fields: tuple[str, str, str, str]) -> pa.Array:
    """``Struct{axis: FixedSizeList<f32>[3], angle: f32}`` from four fields of a struct array."""
    cols = [pc.cast(struct.field(f), pa.float32()).to_numpy(zero_copy_only=False) for f in fields[:3]]
    flat = pa.array(np.stack(cols, axis=1).reshape(-1), pa.float32())
    axis = pa.FixedSizeListArray.from_arrays(
        flat, type=pa.list_(pa.field("item", pa.float32(), nullable=False), 3)
    )
    angle = pc.cast(struct.field(fields[3]), pa.float32())
    return pa.StructArray.from_arrays(
        [axis, angle],
        fields=[pa.field("axis", axis.type, nullable=False), pa.field("angle", pa.float32(), nullable=False)],
    )
