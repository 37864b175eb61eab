"""The logging protocol: component batches, described batches, columns and the batch base.

An archetype yields `DescribedComponentBatch`es (descriptor + flat Arrow array); a
`ComponentColumn` is a batch cut into rows for `send_columns`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, ClassVar, Generic, Protocol, TypeVar, runtime_checkable

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from rerun_core.types.descriptor import ComponentDescriptor

from ._arch_errors import builtin_kind, report

T = TypeVar("T")

__all__ = [
    "AsComponents",
    "BaseBatch",
    "ComponentBatchLike",
    "ComponentBatchMixin",
    "ComponentColumn",
    "ComponentColumnList",
    "ComponentDescriptor",
    "ComponentMixin",
    "DescribedComponentBatch",
    "empty_array",
]


@runtime_checkable
class ComponentBatchLike(Protocol):
    """Anything that can turn itself into a flat Arrow array of components."""

    def as_arrow_array(self) -> pa.Array: ...


@runtime_checkable
class AsComponents(Protocol):
    """Anything that can be logged as a bundle of described component batches."""

    def as_component_batches(self) -> list[DescribedComponentBatch]: ...


def empty_array(arrow: pa.DataType) -> pa.Array:
    """A zero-length array of any type (pyarrow can't build empty dense unions by itself)."""
    if isinstance(arrow, pa.UnionType):
        children = [empty_array(f.type) for f in arrow]
        bufs = [None, pa.py_buffer(b"")] + ([pa.py_buffer(b"")] if arrow.mode == "dense" else [])
        return pa.UnionArray.from_buffers(arrow, 0, bufs, children=children)
    if isinstance(arrow, pa.StructType):
        return pa.StructArray.from_arrays([empty_array(f.type) for f in arrow], fields=list(arrow))
    return pa.array([], type=arrow)


class DescribedComponentBatch:
    """A batch plus the descriptor saying which archetype field it fills."""

    def __init__(self, batch: ComponentBatchLike, descriptor: ComponentDescriptor) -> None:
        self._batch = batch
        self._descriptor = descriptor

    @property
    def descriptor(self) -> ComponentDescriptor:
        return self._descriptor

    @property
    def batch(self) -> ComponentBatchLike:
        return self._batch

    def component_descriptor(self) -> ComponentDescriptor:
        return self._descriptor

    def as_arrow_array(self) -> pa.Array:
        return self._batch.as_arrow_array()

    def partition(self, lengths: npt.ArrayLike | None = None) -> ComponentColumn:
        """A column for `send_columns`: unit-length rows unless `lengths` says otherwise."""
        return ComponentColumn(self._descriptor, self, lengths=lengths)


class ComponentColumn:
    """A component batch cut into consecutive rows (for `send_columns`)."""

    def __init__(
        self,
        descriptor: str | ComponentDescriptor,
        component_batch: ComponentBatchLike,
        *,
        lengths: npt.ArrayLike | None = None,
        offsets: npt.NDArray[np.int32] | None = None,
    ) -> None:
        if isinstance(descriptor, str):
            descriptor = ComponentDescriptor(descriptor)
        if lengths is not None and offsets is not None:
            raise ValueError("Cannot specify both `lengths` and `offsets`.")
        self.descriptor = descriptor
        self.component_batch = component_batch
        if offsets is not None:
            self._offsets = np.asarray(offsets, dtype=np.int32)
        elif lengths is not None:
            arr = np.asarray(lengths)
            if arr.ndim != 1:
                raise ValueError("Lengths must be a 1D array.")
            if arr.size and arr.strides == (0,) and int(arr[0]) * arr.size < 2**31:  # constant lengths
                step = int(arr[0])
                self._offsets = np.arange(0, step * arr.size + 1, step or 1, dtype=np.int32)[: arr.size + 1]
                if step == 0:
                    self._offsets = np.zeros(arr.size + 1, dtype=np.int32)
            else:
                offsets = np.zeros(arr.size + 1, dtype=np.int64)
                np.cumsum(arr, out=offsets[1:])
                self._offsets = offsets.astype(np.int32)
            total = len(component_batch.as_arrow_array())
            if self._offsets[-1] != total:
                raise ValueError(
                    f"partition lengths of {descriptor.component} sum to {self._offsets[-1]}, "
                    f"but the batch has {total} values"
                )
        else:
            self._offsets = np.arange(len(component_batch.as_arrow_array()) + 1, dtype=np.int32)

    def component_descriptor(self) -> ComponentDescriptor:
        return self.descriptor

    @property
    def offsets(self) -> npt.NDArray[np.int32]:
        return self._offsets

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def as_arrow_array(self) -> pa.ListArray:
        """One list per row."""
        values = self.component_batch.as_arrow_array()
        return pa.ListArray.from_arrays(pa.array(self._offsets, type=pa.int32()), values)

    def partition(self, lengths: npt.ArrayLike) -> ComponentColumn:
        return ComponentColumn(self.descriptor, self.component_batch, lengths=lengths)


class ComponentColumnList(Iterable[ComponentColumn]):
    """Several columns that are partitioned together."""

    def __init__(self, columns: Iterable[ComponentColumn]) -> None:
        self._columns = list(columns)

    def __iter__(self) -> Iterator[ComponentColumn]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def __getitem__(self, i: int) -> ComponentColumn:
        return self._columns[i]

    def partition(self, lengths: npt.ArrayLike) -> ComponentColumnList:
        return ComponentColumnList([c.partition(lengths) for c in self._columns])


def _first_real_init(cls: type) -> tuple[type, Any]:
    """The class in ``cls``'s MRO whose own ``__init__`` is not the mixins' placeholder, and
    that ``__init__`` (object's at the latest)."""
    for base in cls.__mro__:
        init = base.__dict__.get("__init__", _init_from_mro)
        if init is not _init_from_mro:
            return base, init
    return object, object.__init__  # pragma: no cover - object is in every MRO


def _init_from_mro(self: Any, *args: Any, **kwargs: Any) -> None:
    """The ``__init__`` of the component mixins, as 0.41's (Protocol subclasses there, whose
    placeholder this mirrors): on first use the first real ``__init__`` in the class's MRO
    takes its place, so constructors behave as without the mixin, and ``super().__init__()``
    reaching it from a class with an ``__init__`` of its own does nothing."""
    cls = type(self)
    if cls.__init__ is not _init_from_mro:
        return
    cls.__init__ = _first_real_init(cls)[1]  # type: ignore[method-assign]
    cls.__init__(self, *args, **kwargs)


def _take_later_init(cls: type) -> None:
    """A class whose ``__init__`` would be the mixins' placeholder takes the first real one
    after it in its MRO at once (a datatype's, as where 0.41 lists the mixin after it), so
    its signature is that constructor's; with none but object's it keeps the placeholder."""
    if cls.__init__ is not _init_from_mro:  # type: ignore[misc]
        return
    base, init = _first_real_init(cls)
    if base is not object:
        cls.__init__ = init  # type: ignore[misc]


class ComponentBatchMixin:
    """What every component batch can do besides producing Arrow."""

    _COMPONENT_TYPE: ClassVar[str] = ""
    __init__ = _init_from_mro

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _take_later_init(cls)

    def as_arrow_array(self) -> pa.Array:
        raise NotImplementedError

    def component_type(self) -> str:
        return self._COMPONENT_TYPE

    def described(self, descriptor: ComponentDescriptor) -> DescribedComponentBatch:
        return DescribedComponentBatch(self, descriptor)

    def partition(self, lengths: npt.ArrayLike | None = None) -> ComponentColumn:
        return ComponentColumn(ComponentDescriptor(self.component_type()), self, lengths=lengths)

    def component_descriptor(self) -> ComponentDescriptor:
        """Bare descriptor (component name = component type), used when logged on its own."""
        return ComponentDescriptor(self.component_type(), component_type=self.component_type())


class BaseBatch(ComponentBatchMixin, Generic[T]):
    """A batch of one component type; `_convert` turns native input into the flat Arrow array.

    Generic in the value type as 0.41's (``BaseBatch[Vec3DArrayLike]`` in annotations). Batches,
    described batches and columns keep Python's default repr, as 0.41's do.
    """

    _ARROW_DATATYPE: ClassVar[pa.DataType] = pa.null()
    _CONVERT: ClassVar[Callable[[Any], pa.Array]]
    # For plain numeric components: the numpy dtype whose flat values map 1:1 onto the Arrow
    # type. Such batches keep numpy values and build Arrow only when asked (`as_numpy()`).
    _NUMPY: ClassVar[np.dtype | None] = None

    _pa: pa.Array | None
    _np: np.ndarray | None

    def __init__(self, data: Any, strict: bool | None = None) -> None:
        self._np = None
        self._pa = empty_array(self._ARROW_DATATYPE)
        if data is None:
            return
        try:
            self.pa_array = self._to_arrow(data)
        except (
            TypeError,
            ValueError,
            OverflowError,
            IndexError,
            AttributeError,
            NotImplementedError,
            AssertionError,
            pa.ArrowException,
        ) as err:
            report(builtin_kind(err)(f"{type(self).__name__}: {err}"), strict, depth_to_user_code=3)

    @classmethod
    def _to_arrow(cls, data: Any) -> pa.Array:
        """Convert or raise; archetypes call this so they can name the argument."""
        if isinstance(data, BaseBatch):
            return data.pa_array
        if isinstance(data, pa.Array) and data.type == cls._ARROW_DATATYPE:
            return data
        if isinstance(data, pa.ChunkedArray) and data.type == cls._ARROW_DATATYPE:
            return data.combine_chunks()
        if isinstance(data, ComponentMixin):
            return cls._CONVERT(data._native())
        if isinstance(data, (list, tuple)):
            if len(data) == 0:
                if not getattr(cls._CONVERT, "converts_empty_list", False):  # TensorData: one empty tensor
                    return empty_array(cls._ARROW_DATATYPE)
            elif all(isinstance(x, ComponentMixin) for x in data):
                return pa.concat_arrays([cls._CONVERT(x._native()) for x in data])
        arr = cls._CONVERT(data)
        if arr.type != cls._ARROW_DATATYPE:
            arr = arr.cast(cls._ARROW_DATATYPE)
        return arr

    @classmethod
    def _from_native(cls, data: Any) -> BaseBatch:
        """A batch from user data, raising on bad input (no strict-mode handling)."""
        batch = cls.__new__(cls)
        dtype = cls._NUMPY
        if dtype is not None:
            kind = type(data)
            try:
                if kind is float or kind is int:  # a fresh array with a 0-d base: `log` may keep it
                    values = np.array(data, dtype, ndmin=1)
                elif isinstance(data, (np.ndarray, np.number)):
                    values = np.asarray(data, dtype=dtype).reshape(-1)
                else:
                    values = None
            except (TypeError, ValueError) as err:
                raise type(err)(f"expected numbers, got {data!r:.60}") from err
            if values is not None:
                batch._np, batch._pa = values, None
                return batch
        batch._np, batch._pa = None, cls._to_arrow(data)
        return batch

    @property
    def pa_array(self) -> pa.Array:
        arr = self._pa
        if arr is None:
            arr = self._pa = pa.array(self._np, type=self._ARROW_DATATYPE)
        return arr

    @pa_array.setter
    def pa_array(self, value: pa.Array) -> None:
        self._pa, self._np = value, None

    def as_numpy(self) -> np.ndarray | None:
        """Flat numpy values for plain numeric batches (None for other types), without Arrow."""
        if self._NUMPY is None:
            return None
        if self._np is not None:
            return self._np
        return self.pa_array.to_numpy(zero_copy_only=False)

    @classmethod
    def _converter(cls, data: Any) -> BaseBatch | None:
        """``None`` stays ``None`` (an unset field), as 0.41's attrs converters do."""
        return None if data is None else cls(data)

    def as_arrow_array(self) -> pa.Array:
        return self.pa_array

    def __len__(self) -> int:
        return len(self._np) if self._np is not None else len(self.pa_array)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BaseBatch) and self.pa_array.equals(other.pa_array)

    __hash__ = None  # type: ignore[assignment]


class ComponentMixin:
    """A single component value: logs as a batch of one."""

    _BATCH_TYPE: ClassVar[type[BaseBatch]]
    __init__ = _init_from_mro

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _take_later_init(cls)

    @classmethod
    def arrow_type(cls) -> pa.DataType:
        return cls._BATCH_TYPE._ARROW_DATATYPE

    @classmethod
    def component_type(cls) -> str:
        return cls._BATCH_TYPE._COMPONENT_TYPE

    def _native(self) -> Any:
        return self

    def as_arrow_array(self) -> pa.Array:
        return self._BATCH_TYPE._CONVERT(self._native())

    def component_descriptor(self) -> ComponentDescriptor:
        return ComponentDescriptor(self.component_type(), component_type=self.component_type())


def lengths_of(values: Sequence[Any]) -> list[int]:
    return [len(v) for v in values]


_WORD_BREAK = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[0-9][A-Z])(?=[A-Z][a-z])")  # Eye3DKind -> eye3d_kind


def type_module(package: str, name: str) -> str:
    """0.41's per-type module of a type: ``("rerun.components", "Position3D")`` ->
    ``rerun.components.position3d`` (snake case, digits glued to their word)."""
    return f"{package}.{_WORD_BREAK.sub('_', name).lower()}"
