"""The one archetype base: a table of fields per archetype drives construction and logging.

A subclass lists its fields (`_FIELDS`); the base converts keyword (and positional) arguments
through the component table, yields described batches, and builds `from_fields`, `cleared`
and `columns` from the same table.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pyarrow as pa

from rerun_core.types.descriptor import ComponentDescriptor

from ._arch_errors import builtin_kind, report
from ._baseclasses import (
    BaseBatch,
    ComponentColumn,
    ComponentColumnList,
    DescribedComponentBatch,
    empty_array,
)
from .components import PREFIX as COMPONENT_PREFIX
from .components import batch_type

ARCHETYPE_PREFIX = "rerun.archetypes."


@dataclass(frozen=True)
class Field:
    """One archetype field: its name, component type and how the constructor takes it."""

    name: str
    component: str
    positional: bool = False
    required: bool = False
    arg: str = ""  # the constructor's argument name when it differs from the field's

    @property
    def param(self) -> str:
        return self.arg or self.name


def F(name: str, component: str, *, pos: bool = False, req: bool = False, arg: str = "") -> Field:
    return Field(name, component, pos, req, arg)


def _descriptor_method(field: Field) -> classmethod:  # type: ignore[type-arg]
    def descriptor(cls: type[Archetype]) -> ComponentDescriptor:
        return cls._descriptor(field)

    return classmethod(descriptor)


_CONVERSION_ERRORS = (
    TypeError,
    ValueError,
    OverflowError,
    IndexError,
    KeyError,
    AttributeError,
    NotImplementedError,
    AssertionError,
    pa.ArrowException,
)


def _empty(batch_cls: type[BaseBatch]) -> BaseBatch | None:
    """An empty batch of the type (what 0.41 keeps of a field it could not convert)."""
    try:
        return batch_cls._from_native(empty_array(batch_cls._ARROW_DATATYPE))
    except _CONVERSION_ERRORS:
        return None


class _ArchetypeMeta(type):
    """Tells type checkers about the generated `descriptor_<field>` methods and constants."""

    if TYPE_CHECKING:

        def __getattr__(cls, name: str) -> Any: ...


class Archetype(metaclass=_ArchetypeMeta):
    """Base of all archetypes; subclasses declare `_FIELDS` and, if needed, their own `__init__`."""

    NAME: ClassVar[str] = ""
    _FIELDS: ClassVar[tuple[Field, ...]] = ()
    _BY_NAME: ClassVar[dict[str, Field]] = {}
    # Derived from _FIELDS once per class, so construction does no per-call bookkeeping.
    _POSITIONAL: ClassVar[tuple[str, ...]] = ()
    _PARAMS: ClassVar[dict[str, str]] = {}
    _REQUIRED: ClassVar[tuple[str, ...]] = ()
    _NONES: ClassVar[dict[str, None]] = {}
    _BATCH_CLS: ClassVar[dict[str, type[BaseBatch]]] = {}
    _DESCRIPTORS: ClassVar[dict[str, ComponentDescriptor]] = {}
    _SAME_NAMES: ClassVar[bool] = True
    _HAS_PREPARE: ClassVar[bool] = False
    # (field, batch class) when one positional argument can fill every required field, with
    # no renames or _prepare hook: the constructor's fast path.
    _ONE_ARG: ClassVar[tuple[str, type[BaseBatch]] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = cls._FIELDS
        cls._BY_NAME = {f.name: f for f in fields}
        cls._POSITIONAL = tuple(f.param for f in fields if f.positional)
        cls._PARAMS = {f.param: f.name for f in fields}
        cls._REQUIRED = tuple(f.param for f in fields if f.required)
        cls._NONES = dict.fromkeys(f.name for f in fields)
        cls._BATCH_CLS = {f.name: batch_type(f.component) for f in fields}
        cls._DESCRIPTORS = {f.name: cls._descriptor(f) for f in fields}
        cls._SAME_NAMES = all(f.param == f.name for f in fields)
        cls._HAS_PREPARE = cls._prepare is not Archetype._prepare
        one = (
            "__init__" not in cls.__dict__
            and len(cls._POSITIONAL) >= 1
            and set(cls._REQUIRED) <= {cls._POSITIONAL[0]}
            and cls._SAME_NAMES
            and not cls._HAS_PREPARE
        )
        cls._ONE_ARG = (cls._POSITIONAL[0], cls._BATCH_CLS[cls._POSITIONAL[0]]) if one else None
        for f in fields:
            setattr(cls, f"descriptor_{f.name}", _descriptor_method(f))
            if f.name not in vars(cls) and not hasattr(cls, f.name):
                setattr(cls, f.name, None)  # as 0.41's attrs fields: `Points3D.positions` exists
        cls.NAME = cls.archetype()
        # help() and IDEs: the call signature from the table unless the class has its own __init__
        cls.__signature__ = None if "__init__" in cls.__dict__ else _signature(fields)  # type: ignore[attr-defined]
        for name in ("from_fields", "columns"):
            if name not in cls.__dict__:
                setattr(cls, name, _with_field_signature(getattr(Archetype, name).__func__, fields, name))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        cls = type(self)
        if not kwargs and len(args) == 1 and cls._ONE_ARG is not None:  # e.g. Scalars(x): hot
            key, batch_cls = cls._ONE_ARG
            state = self.__dict__
            state.update(cls._NONES)
            val = args[0]
            if val is not None:
                try:
                    state[key] = batch_cls._from_native(val)
                except _CONVERSION_ERRORS as err:
                    self._bad_field(key, err)
            return
        if args:
            positional = cls._POSITIONAL
            if len(args) > len(positional):
                raise TypeError(
                    f"{cls.__name__}() takes {len(positional)} positional arguments but {len(args)} were given"
                )
            for key, val in zip(positional, args):
                if key in kwargs:
                    raise TypeError(f"{cls.__name__}() got multiple values for argument '{key}'")
                kwargs[key] = val
        params = cls._PARAMS
        for key in kwargs:
            if key not in params:
                unknown = sorted(set(kwargs) - set(params))
                raise TypeError(f"{cls.__name__}() got unexpected keyword argument(s): {', '.join(unknown)}")
        for key in cls._REQUIRED:
            if key not in kwargs:
                missing = [k for k in cls._REQUIRED if k not in kwargs]
                raise TypeError(f"{cls.__name__}() missing required argument(s): {', '.join(missing)}")
        values = kwargs if cls._SAME_NAMES else {params[k]: v for k, v in kwargs.items()}
        self._set(self._prepare(values) if cls._HAS_PREPARE else values)

    def _prepare(self, values: dict[str, Any]) -> dict[str, Any]:
        """Hook for constructor defaults that depend on other arguments (field name -> value)."""
        return values

    # --- construction -------------------------------------------------------------------

    @classmethod
    def _check_names(cls, values: dict[str, Any]) -> None:
        unknown = sorted(set(values) - set(cls._BY_NAME))
        if unknown:
            raise TypeError(f"{cls.__name__}() got unexpected keyword argument(s): {', '.join(unknown)}")

    def _clear(self) -> None:
        self.__dict__.update(self._NONES)

    def _set(self, values: dict[str, Any], strict: bool | None = None) -> None:
        """Convert the given fields; a bad value is reported (raised in strict mode) and, as in
        0.41, that field becomes an empty batch while the others keep their values."""
        state = self.__dict__
        state.update(self._NONES)
        batches = self._BATCH_CLS
        for key, val in values.items():
            if val is not None:
                try:
                    state[key] = batches[key]._from_native(val)
                except _CONVERSION_ERRORS as err:
                    report(self._named(key, err), strict)
                    state[key] = _empty(batches[key])

    def _bad_field(self, key: str, err: Exception) -> None:
        report(self._named(key, err), None)
        self.__dict__[key] = _empty(self._BATCH_CLS[key])

    @classmethod
    def _named(cls, name: str, err: Exception) -> Exception:
        """The conversion error, prefixed with the archetype and the argument it came from."""
        kind = builtin_kind(err)
        if kind is KeyError:
            kind = ValueError  # as before: a missing key is a bad value
        argument = cls._BY_NAME[name].param
        named = kind(f"{cls.__name__}: bad value for `{argument}`: {err}")
        named.__cause__ = err
        return named

    def _fail(self, message: str, strict: bool | None = None, kind: type[Exception] = ValueError) -> None:
        """Report a constructor-level problem (not tied to one conversion) as a `kind` error."""
        self._clear()
        report(kind(f"{type(self).__name__}: {message}"), strict)

    @classmethod
    def _new_empty(cls) -> Any:
        inst = cls.__new__(cls)
        inst._clear()
        return inst

    @classmethod
    def from_fields(cls, *, clear_unset: bool = False, **fields: Any) -> Any:
        """Build from raw field values; with `clear_unset`, unset fields are logged empty."""
        cls._check_names(fields)
        inst = cls._new_empty()
        if clear_unset:
            fields = {
                f.name: fields.get(f.name) if fields.get(f.name) is not None else [] for f in cls._FIELDS
            }
        inst._set(fields)
        return inst

    @classmethod
    def cleared(cls) -> Any:
        """Every field present and empty: logging it clears this archetype's data."""
        return cls.from_fields(clear_unset=True)

    # --- logging ------------------------------------------------------------------------

    _ARCHETYPE_PREFIX: ClassVar[str] = ARCHETYPE_PREFIX

    @classmethod
    def archetype(cls) -> str:
        return cls._ARCHETYPE_PREFIX + cls.__name__

    @classmethod
    def archetype_short_name(cls) -> str:
        return cls.__name__

    @classmethod
    def _descriptor(cls, field: Field) -> ComponentDescriptor:
        return ComponentDescriptor(
            f"{cls.archetype_short_name()}:{field.name}",
            archetype=cls.archetype(),
            component_type=field.component if "." in field.component else COMPONENT_PREFIX + field.component,
        )

    def as_component_batches(self) -> list[DescribedComponentBatch]:
        state = self.__dict__
        return [
            DescribedComponentBatch(state[name], desc)
            for name, desc in self._DESCRIPTORS.items()
            if state.get(name) is not None
        ]

    def visualizer(self, *, mappings: list[Any] | None = None) -> Any:
        """A blueprint visualizer for this archetype: its set fields become overrides.

        ``mappings`` (``rerun.blueprint.encodings.VisualizerComponentMapping``) say where the
        visualizer takes each component from.
        """
        from .blueprint.visualizers import VISUALIZER_NAMES, Visualizer

        name = type(self).__name__
        overrides = self.as_component_batches()
        return Visualizer(VISUALIZER_NAMES.get(name, name), overrides=overrides, mappings=mappings)

    @classmethod
    def columns(cls, **fields: Any) -> ComponentColumnList:
        """Columns for `send_columns`: one row per leading-dimension entry of each input."""
        inst = cls.from_fields(**fields)
        columns = []
        for described in inst.as_component_batches():
            arr = described.as_arrow_array()
            offsets = _row_offsets(arr, fields.get(described.descriptor.field_name))
            columns.append(ComponentColumn(described.descriptor, described, offsets=offsets))
        return ComponentColumnList(columns)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in self._FIELDS)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        parts = []
        for f in self._FIELDS:
            batch = getattr(self, f.name, None)
            if batch is not None:
                parts.append(f"  {f.name}={_pretty_values(batch.as_arrow_array().to_pylist())}")
        body = ",\n".join(parts)
        return f"rr.{type(self).__name__}(\n{body}\n)" if parts else f"rr.{type(self).__name__}()"

    __str__ = __repr__


def _pretty_values(values: list[Any]) -> str:
    """A field's values as 0.41 prints them: pprint (sorted dict keys, wrapped at 80 columns, indent 4),
    with the blank pprint leaves between nested opening brackets removed."""
    import pprint

    return re.sub(r"\[\s+\[", "[[", pprint.pformat(values, indent=4, compact=True))


def _row_offsets(arr: pa.Array, param: Any) -> np.ndarray:
    """Row boundaries of `arr`, inferred from the input's shape like rerun-sdk (evenly sized rows)."""
    if not (pa.types.is_primitive(arr.type) or pa.types.is_fixed_size_list(arr.type)):
        return np.arange(len(arr) + 1, dtype=np.int32)
    try:
        shape = np.shape(param)
    except ValueError:
        return np.arange(len(arr) + 1, dtype=np.int32)
    rows = shape[0] if len(shape) >= 1 else 1
    if pa.types.is_fixed_size_list(arr.type):
        flat = int(np.prod(shape[1:])) if len(shape) > 1 else 1
        per_row = 1 if arr.type.list_size == flat else (shape[1] if len(shape) > 1 else 1)
    else:
        per_row = len(arr) // rows if rows > 0 else 1
    offsets = np.arange(rows + 1, dtype=np.int32)
    return offsets * np.int32(per_row) if per_row != 1 else offsets


def _with_field_signature(func: Any, fields: tuple[Field, ...], name: str) -> classmethod:  # type: ignore[type-arg]
    """`func` (taking **fields) as a classmethod whose signature lists the field names."""

    def method(cls: Any, **kwargs: Any) -> Any:
        return func(cls, **kwargs)

    params = [inspect.Parameter("cls", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    if name == "from_fields":
        params.append(inspect.Parameter("clear_unset", inspect.Parameter.KEYWORD_ONLY, default=False))
    params += [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=None) for f in fields]
    method.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    method.__name__ = method.__qualname__ = name
    method.__doc__ = func.__doc__
    return classmethod(method)


def _signature(fields: tuple[Field, ...]) -> inspect.Signature:
    """The call signature of the class (without `self`), for help() and IDEs."""
    params = []
    for f in fields:
        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD if f.positional else inspect.Parameter.KEYWORD_ONLY
        default = inspect.Parameter.empty if f.required else None
        params.append(inspect.Parameter(f.param, kind, default=default))
    params.sort(key=lambda p: (p.kind, p.default is not inspect.Parameter.empty))
    return inspect.Signature(params)


__all__ = ["ARCHETYPE_PREFIX", "Archetype", "F", "Field", "empty_array"]
