"""A logged row: entity paths, component batches -> one row's cells, and the row into a recording.

The implementation behind ``rr.log`` and ``RecordingStream.log``. The hot path avoids per-call
overhead (one try block, cached entity paths); errors become warnings naming the problem, or
raise in strict mode (``_errors``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import numpy as np
import pyarrow as pa

from rerun_core.types import ComponentDescriptor, EntityPath
from rerun_core.types.entity_path import format_entity_path, normalize_entity_path

from ._batcher import NumpyCell
from ._errors import _ctx, _send_warning_or_raise, strict_mode
from ._recording_core import RecordingCore

_PATHS: dict[str, str] = {}
# Arrow arrays this big are copied when logged: they may be zero-copy views of user buffers
# that the caller reuses once ``log`` returns (the batcher holds rows up to a tick).
OWN_COPY_BYTES = 256
_log = logging.getLogger("rerun")


def entity_path_str(entity_path: Any) -> str:
    """The canonical form of a path given as a string or a list of unescaped parts."""
    if isinstance(entity_path, str):
        p = _PATHS.get(entity_path)
        if p is None:
            p = normalize_entity_path(entity_path)
            if len(_PATHS) > 100_000:
                _PATHS.clear()
            _PATHS[entity_path] = p
        return p
    if isinstance(entity_path, (list, tuple)):
        return format_entity_path(str(part) for part in entity_path)
    if isinstance(entity_path, EntityPath):
        return entity_path.path
    raise TypeError(f"entity_path must be a str or a list of parts, got {type(entity_path).__name__}")


def to_descriptor(batch: Any) -> ComponentDescriptor:
    """The descriptor of a component batch, as ours or in rerun-sdk's shape."""
    desc = getattr(batch, "descriptor", None)
    if desc is None:
        getter = getattr(batch, "component_descriptor", None)
        if getter is None:
            raise TypeError(f"{type(batch).__name__} is not a component batch (it has no descriptor)")
        desc = getter()
    elif callable(desc):
        desc = desc()
    if type(desc) is ComponentDescriptor:
        return desc
    if isinstance(desc, str):
        return ComponentDescriptor(desc)
    return ComponentDescriptor(
        str(desc.component),
        getattr(desc, "archetype", None) or None,
        getattr(desc, "component_type", None) or None,
    )


def _batches_of(entity: Any, out: list[Any]) -> None:
    acb = getattr(entity, "as_component_batches", None)
    if acb is not None:
        out.extend(acb())
    elif isinstance(entity, Iterable) and not isinstance(entity, (str, bytes)):
        out.extend(entity)
    else:
        raise TypeError(
            "Expected an object implementing rerun.AsComponents or an iterable of rerun.DescribedComponentBatch, "
            f"but got {type(entity)} instead."
        )


_FAST_FIELDS: dict[type, dict[str, ComponentDescriptor] | None] = {}


def _table_fields(cls: type) -> dict[str, ComponentDescriptor] | None:
    """The (field -> descriptor) table of archetypes built on the shared base, else None.

    Such archetypes keep each field's batch in ``__dict__`` and their ``as_component_batches``
    only wraps them; reading the table directly saves two objects per field and call.
    """
    fields = _FAST_FIELDS.get(cls, False)
    if fields is False:
        acb = getattr(cls, "as_component_batches", None)
        table = getattr(cls, "_DESCRIPTORS", None)
        base = getattr(acb, "__qualname__", "") == "Archetype.as_component_batches"
        fields = (
            table
            if base and isinstance(table, dict) and getattr(acb, "__module__", "") == "rerun._arch_base"
            else None
        )
        _FAST_FIELDS[cls] = fields
    return fields  # type: ignore[return-value]


_ONE_FIELD: dict[type, tuple[str, ComponentDescriptor, type] | None] = {}


def _one_field(cls: type) -> tuple[str, ComponentDescriptor, type] | None:
    """(field, descriptor, batch class) of table-based archetypes with a single field whose
    batches keep numpy values of the right Arrow type, else None."""
    fields = _table_fields(cls)
    one = None
    if fields is not None and len(fields) == 1:
        name, desc = next(iter(fields.items()))
        batch_cls = cls._BATCH_CLS[name]  # type: ignore[attr-defined]
        if _is_natural(batch_cls):
            one = (name, desc, batch_cls)
    _ONE_FIELD[cls] = one
    return one


_NATURAL: dict[type, bool] = {}


def _is_natural(cls: type) -> bool:
    """Whether numpy's own Arrow mapping of the batch's dtype is its Arrow type."""
    natural = _NATURAL.get(cls)
    if natural is None:
        try:
            natural = pa.from_numpy_dtype(np.dtype(cls._NUMPY)) == cls._ARROW_DATATYPE  # type: ignore[attr-defined]
        except (AttributeError, TypeError, pa.ArrowNotImplementedError):
            natural = False
        _NATURAL[cls] = natural
    return natural


def _cell(batch: Any, inner: Any) -> Any:
    """A row's values for one component, owned by us (see ``OWN_COPY_BYTES``), or None.

    Plain numbers stay numpy until the chunk is cut: a bare ``ndarray`` when numpy's Arrow
    mapping is the right type (untracked by the GC, cheapest), else a ``NumpyCell``.
    """
    values = getattr(inner, "_np", None)
    if values is not None and values.ndim == 1:
        base = values.base
        if base is None or base.ndim != 0:  # a view of the caller's array: copy it
            values = values.copy()
        if _is_natural(type(inner)):
            return values
        return NumpyCell(values, inner._ARROW_DATATYPE)
    arr = batch.as_arrow_array()
    if arr is None:
        return None
    if isinstance(arr, pa.ChunkedArray):
        return arr.combine_chunks()
    if arr.get_total_buffer_size() >= OWN_COPY_BYTES:
        return pa.concat_arrays([arr])  # may view the caller's buffer: own it before returning
    return arr


def collect_components(entity: Any, extra: tuple[Any, ...]) -> dict[ComponentDescriptor, Any]:
    """Descriptor -> a row's values for everything given; the first of duplicates wins."""
    if not extra:
        fields: Any = _FAST_FIELDS.get(type(entity), False)
        if fields is False:
            fields = _table_fields(type(entity))
        if fields is not None:
            state = entity.__dict__
            out: dict[ComponentDescriptor, Any] = {}
            for name, desc in fields.items():
                batch = state.get(name)
                if batch is None:
                    continue
                values = getattr(batch, "_np", None)
                if values is not None and values.ndim == 1 and _NATURAL.get(type(batch)):  # the hot case
                    base = values.base
                    out[desc] = values.copy() if base is None or base.ndim != 0 else values
                    continue
                cell = _cell(batch, batch)
                if cell is not None:
                    out[desc] = cell
            return out
    batches: list[Any] = []
    _batches_of(entity, batches)
    for ext in extra:
        _batches_of(ext, batches)
    out = {}
    for batch in batches:
        desc = to_descriptor(batch)
        cell = _cell(batch, getattr(batch, "batch", None))
        if cell is None:
            continue
        n = len(out)
        out.setdefault(desc, cell)
        if len(out) == n:
            _send_warning_or_raise(
                f"Component {desc} was included multiple times. Only the first instance will be used.",
                depth_to_user_code=4,
            )
    return out


def log_entity(
    core: RecordingCore,
    entity_path: str | list[object],
    entity: Any,
    extra: tuple[Any, ...],
    static: bool,
    strict: bool | None,
) -> None:
    """Log archetypes or component batches at ``entity_path`` into ``core`` (at its current
    time on this thread, or static)."""
    try:
        if not core.enabled:
            return
        path = _PATHS.get(entity_path) if type(entity_path) is str else None
        if path is None:
            path = entity_path_str(entity_path)
        if not extra:
            one: Any = _ONE_FIELD.get(type(entity), False)
            if one is False:
                one = _one_field(type(entity))
            if one is not None:  # e.g. Scalars(x): one numeric field, straight to the batcher
                batch = entity.__dict__.get(one[0])
                values = batch._np if type(batch) is one[2] else None
                if values is not None and values.ndim == 1:
                    base = values.base
                    if base is None or base.ndim != 0:  # a view of the caller's array: copy it
                        values = values.copy()
                    core.log_one(path, one[1], values, static is True or bool(static))
                    return
        components = collect_components(entity, extra)
        if not components:  # as 0.41's batcher: a row without components is dropped
            _log.warning("Dropping row without components. Entity path: %s", path)
            return
        core.log_row(path, components, static is True or bool(static))
    except Exception as err:
        _handle_error("log", err, strict)


def _handle_error(context: str, err: Exception, strict: bool | None) -> None:
    """Raise in strict mode; otherwise warn with the call named (as 0.41's decorator does)."""
    if strict if strict is not None else strict_mode():
        raise err
    saved = getattr(_ctx, "strict_mode", None)
    _ctx.strict_mode = False
    try:
        _send_warning_or_raise(f"{context}: {type(err).__name__}({err})", depth_to_user_code=4)
    finally:
        _ctx.strict_mode = saved


WARNING_TEXT = ComponentDescriptor("TextLog:text", "rerun.archetypes.TextLog", "rerun.components.Text")
WARNING_LEVEL = ComponentDescriptor(
    "TextLog:level", "rerun.archetypes.TextLog", "rerun.components.TextLogLevel"
)
WARNINGS_PATH = "/__warnings"


def log_warning_text(core: RecordingCore, text: str) -> None:
    """A warning as a TextLog row (level WARN) on ``__warnings``."""
    if core.enabled:
        core.log_row(
            WARNINGS_PATH, {WARNING_TEXT: pa.array([text]), WARNING_LEVEL: pa.array(["WARN"])}, False
        )
