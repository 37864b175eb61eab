"""Writing a blueprint from viewer control's JSON form (``ViewerClient.set_blueprint``).

``viewer_control_ops.blueprint_json`` reads a blueprint store as entity path -> archetype ->
field -> value (enums by name, UUIDs and entity paths as text). This is the way back: each field
becomes a one-row component cell of the Arrow type the recording's current blueprint uses for it,
in a new blueprint store that replaces the current one (``BLUEPRINT_UPDATE_MODE_FULL``, the
default) or on top of it (``PARTIAL``). A field whose type this viewer cannot tell (its current
blueprint does not have it) is refused by name.
"""

from __future__ import annotations

import uuid
from typing import Any

import pyarrow as pa

from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.store.messages import ArrowMsg, BlueprintActivationCommand, StoreId, StoreKind
from rerun_core.types.descriptor import ComponentDescriptor
from rerun_core.types.time import TimeType
from rerun_core.types.tuid import new_tuids

BLUEPRINT_TIMELINE = "blueprint"


def known_fields(store: Any) -> dict[str, tuple[ComponentDescriptor, pa.DataType]]:
    """``Archetype:field`` -> (descriptor, type of one value) for every component ``store`` has."""
    out: dict[str, tuple[ComponentDescriptor, pa.DataType]] = {}
    for chunk in store.chunks():
        for desc, column in chunk.components.items():
            if desc.component not in out:
                out[desc.component] = (desc, column.type.value_type)
    return out


def _cell(value: Any, dtype: pa.DataType, component_type: str | None) -> pa.Array:
    """One row (a list of instances) of ``dtype`` from the JSON form of ``value``."""
    from rerun_notebook.viewer_control_ops import _ENUMS, _PATHS

    kind = (component_type or "").rsplit(".", 1)[-1]
    names = _ENUMS.get(kind)

    def raw(v: Any) -> Any:
        if names is not None and isinstance(v, str):
            if v not in names:
                raise ValueError(f"{kind} {v!r}: expected one of {', '.join(names)}")
            return names.index(v) + 1
        if kind in _PATHS and isinstance(v, str):
            return v.lstrip("/")
        if kind == "Color" and isinstance(v, str) and v.startswith("#"):  # as get_blueprint reads it
            digits = v[1:]
            return (int(digits, 16) << 8) | 0xFF if len(digits) == 6 else int(digits, 16)
        if pa.types.is_fixed_size_list(dtype) and dtype.list_size == 16 and isinstance(v, str):
            return list(uuid.UUID(v).bytes)
        return v

    single = not isinstance(value, list) or (
        pa.types.is_fixed_size_list(dtype) and all(not isinstance(v, list) for v in value)
    )
    items = [raw(value)] if single else [raw(v) for v in value]
    try:
        return pa.array([items], type=pa.list_(pa.field("item", dtype, True)))
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError) as err:
        raise ValueError(f"value {value!r} does not fit {dtype}: {err}") from None


def blueprint_messages(
    blueprint: dict[str, Any],
    fields: dict[str, tuple[ComponentDescriptor, pa.DataType]],
    target: StoreId,
    time: int,
) -> list[Any]:
    """The ``ArrowMsg``s writing ``blueprint`` (the JSON form) into ``target`` at blueprint ``time``."""
    if not isinstance(blueprint, dict):
        raise ValueError("a blueprint is a dict: entity path -> archetype -> field -> value")
    messages: list[Any] = []
    for path, archetypes in blueprint.items():
        if not isinstance(archetypes, dict):
            raise ValueError(f"{path}: expected archetype -> field -> value, got {archetypes!r}")
        components: dict[ComponentDescriptor, pa.Array] = {}
        for archetype, values in archetypes.items():
            for field, value in (values or {}).items():
                known = fields.get(f"{archetype}:{field}")
                if known is None:
                    raise ValueError(
                        f"{path}: {archetype}.{field} is not in the current blueprint, so its type is unknown here"
                    )
                desc, dtype = known
                components[desc] = _cell(value, dtype, desc.component_type)
        if not components:
            continue
        times = TimeColumn.from_values(BLUEPRINT_TIMELINE, TimeType.SEQUENCE, [time])
        chunk = Chunk.from_columns(path, new_tuids(1), [times], components)
        messages.append(ArrowMsg(target, chunk))
    return messages


def new_blueprint_id(application_id: str) -> StoreId:
    return StoreId(StoreKind.BLUEPRINT, f"viewer_control_{uuid.uuid4().hex}", application_id)


def activation(blueprint_id: StoreId) -> BlueprintActivationCommand:
    return BlueprintActivationCommand(blueprint_id, make_active=True, make_default=False)


def next_time(store: Any) -> int:
    span = store.time_range(BLUEPRINT_TIMELINE) if BLUEPRINT_TIMELINE in store.timelines() else None
    return int(span[1]) + 1 if span is not None else 0
