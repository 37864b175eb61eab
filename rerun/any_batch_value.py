"""Arbitrary user data as components: Arrow arrays inferred from numpy/pyarrow input.

A component name keeps the first Arrow type it was logged with, so a later `None` or empty
value can still be logged (as an empty array of that type).
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from rerun_core.types.descriptor import ComponentDescriptor

from ._arch_errors import report
from ._baseclasses import ComponentColumn, empty_array

ComponentValueLike = Any


@dataclass(frozen=True)
class ArrowTypeOnly:
    """An Arrow type taken from the input as it is (Arrow, strings, scalars)."""

    pa_type: pa.DataType


@dataclass(frozen=True)
class NumpyArrowType:
    """An Arrow type found through numpy, with that numpy dtype (0.41 reuses it for later values)."""

    np_type: np.dtype[Any]
    pa_type: pa.DataType


TypeRegistryValue = ArrowTypeOnly | NumpyArrowType


class TypeRegistry:
    """The Arrow type each dynamic component (by descriptor) was first logged with.

    A component may only ever have one type, so later values are converted to it, and a change
    is reported. In column mode the outer list layer is rows, not part of the type.
    """

    def __init__(self) -> None:
        self._entries: dict[ComponentDescriptor, TypeRegistryValue] = {}
        self._lock = threading.Lock()

    def get(
        self, descriptor: ComponentDescriptor, *, expect_column: bool = False
    ) -> TypeRegistryValue | None:
        entry = self._entries.get(descriptor)
        if entry is not None and expect_column:
            return ArrowTypeOnly(pa.list_(entry.pa_type))
        return entry

    def register(
        self, descriptor: ComponentDescriptor, new: TypeRegistryValue, *, expect_column: bool = False
    ) -> None:
        if expect_column and pa.types.is_list(new.pa_type):
            new = ArrowTypeOnly(new.pa_type.value_type)
        with self._lock:
            existing = self._entries.get(descriptor)
            self._entries[descriptor] = new
        if existing is not None and existing != new:
            report(
                ValueError(
                    f"Type for '{descriptor}' changed from {existing} to {new}. "
                    "Rerun requires that a given component only takes on a single type."
                )
            )

    def _first_type(self, descriptor: ComponentDescriptor, pa_type: pa.DataType) -> pa.DataType:
        """The type `descriptor` keeps: its first one, recorded now if this is the first."""
        with self._lock:
            return self._entries.setdefault(descriptor, ArrowTypeOnly(pa_type)).pa_type

    def _known_type(self, descriptor: ComponentDescriptor) -> pa.DataType | None:
        entry = self._entries.get(descriptor)
        return None if entry is None else entry.pa_type


ANY_VALUE_TYPE_REGISTRY = TypeRegistry()


def to_arrow(value: Any) -> pa.Array:
    """Best-effort Arrow array of one batch (one element per instance)."""
    if hasattr(value, "as_arrow_array"):
        return value.as_arrow_array()
    if isinstance(value, pa.ChunkedArray):
        return value.combine_chunks()
    if isinstance(value, pa.Array):
        return value
    if isinstance(value, (str, bytes)):
        return pa.array([value])
    try:
        arr = np.atleast_1d(np.asarray(value))
    except ValueError:  # ragged nested lists
        return pa.array(value)
    if arr.dtype.kind in "US":
        return pa.array(arr.tolist())
    if arr.dtype == object:
        return pa.array(arr.tolist())
    if arr.ndim > 1:
        raise ValueError(f"Cannot convert an array of shape {arr.shape} to a flat arrow array")
    return pa.array(arr)


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    try:
        return len(value) == 0
    except TypeError:
        return False


class AnyBatchValue:
    """A batch of arbitrary values under a free-form component name (or descriptor)."""

    def __init__(
        self,
        descriptor: str | ComponentDescriptor,
        value: Any,
        *,
        drop_untyped_nones: bool = True,
        expect_column: bool = False,
    ) -> None:
        self.descriptor = ComponentDescriptor(descriptor) if isinstance(descriptor, str) else descriptor
        self.pa_array: pa.Array | None = None
        name = self.descriptor.component
        registry = ANY_VALUE_TYPE_REGISTRY
        try:
            if _is_empty(value):
                known = registry._known_type(self.descriptor)
                if known is not None:
                    self.pa_array = empty_array(known)
                elif not drop_untyped_nones:
                    self.pa_array = pa.array([], type=pa.null())
                return
            arr = to_arrow(value)
            if expect_column:
                known = registry._known_type(self.descriptor)
            else:
                known = registry._first_type(self.descriptor, arr.type)
            if known is not None and known != arr.type:
                try:
                    arr = arr.cast(known)
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                    warnings.warn(
                        f"Component {name!r} was logged as {known} before, now {arr.type}", stacklevel=3
                    )
            self.pa_array = arr
        except (TypeError, ValueError, pa.ArrowException) as err:
            report(ValueError(f"Converting data for {name!r}: {err}"))

    def is_valid(self) -> bool:
        return self.pa_array is not None

    def component_descriptor(self) -> ComponentDescriptor:
        return self.descriptor

    def as_arrow_array(self) -> pa.Array:
        return self.pa_array if self.pa_array is not None else pa.array([], type=pa.null())

    @classmethod
    def column(
        cls, descriptor: str | ComponentDescriptor, value: Any, drop_untyped_nones: bool = True
    ) -> ComponentColumn | None:
        """A column with one row per outer element of `value`."""
        desc = ComponentDescriptor(descriptor) if isinstance(descriptor, str) else descriptor
        lengths = None
        if isinstance(value, pa.ListArray):  # 0.41: a list<T> array's rows are the column's rows
            lengths = value.value_lengths().fill_null(0).to_numpy(zero_copy_only=False)
            value = value.flatten()
        elif not hasattr(value, "as_arrow_array") and not isinstance(value, (pa.Array, str, bytes)):
            try:
                arr = np.asarray(value)
                if arr.ndim >= 2 and arr.dtype != object:
                    lengths = np.full(arr.shape[0], int(np.prod(arr.shape[1:])))
                    value = arr.reshape(-1)
            except ValueError:  # ragged: each item one row
                flat = [x for row in value for x in row]
                lengths = np.array([len(row) for row in value])
                value = flat
        batch = cls(desc, value, drop_untyped_nones=drop_untyped_nones, expect_column=True)
        if not batch.is_valid():
            return None
        return ComponentColumn(desc, batch, lengths=lengths)
