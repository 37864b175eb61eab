"""Schemas for Rerun 0.41's viewer control: a recording's entities and their components
(``get_recording_schema``), and the same for a recording opened from a file, which 0.41's viewer
registers with its own catalog as a dataset of one segment (``get_dataset_schema``,
``get_dataset_assets_schema``). Arrow datatypes are named as the Rust viewer prints them.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from rerun_core.proto.gen import viewer_control_pb2 as pb
from rerun_core.types.arrow_names import format_type


def _value_types(store: Any, entity: Any) -> dict[str, str]:
    """Each component's datatype of one value (its column is a list of them), from its chunks."""
    out: dict[str, str] = {}
    for slot in sorted(entity.slots):
        try:
            chunk = store.chunk(slot)
        except (KeyError, IndexError):
            continue
        for desc, column in chunk.components.items():
            if desc.component in out:
                continue
            dtype = column.type
            if pa.types.is_list(dtype) or pa.types.is_large_list(dtype):
                dtype = dtype.value_type
            out[desc.component] = format_type(dtype)
        if len(out) >= len(entity.descriptors):
            break
    return out


def _under(path: str, prefix: str | None) -> bool:
    if not prefix:
        return True
    prefix = "/" + prefix.strip("/")
    return prefix == "/" or path == prefix or path.startswith(prefix + "/")


def add_entities(
    answer: Any, store: Any, prefix: str | None, max_entities: int | None, with_components: bool
) -> None:
    """The store's entities under ``prefix`` into ``answer`` (``entities``, ``omitted_entities``):
    the recording's own first, its properties (``/__properties``) after, as 0.41."""
    paths = sorted(
        (str(p) for p in store.entity_paths() if _under(str(p), prefix)),
        key=lambda p: (p.startswith("/__"), p),
    )
    limit = len(paths) if max_entities is None else max_entities
    answer.omitted_entities = max(0, len(paths) - limit)
    for path in paths[:limit]:
        entity = answer.entities.add(entity_path=path)
        if not with_components:
            continue
        data = store.entity(path)
        types = _value_types(store, data) if data is not None else {}
        for desc in store.entity_components(path):
            component = entity.components.add(
                component=desc.component,
                datatype=types.get(desc.component, ""),
                has_static=data is not None and desc.component in data.static,
            )
            if desc.archetype:
                component.archetype = desc.archetype
            if desc.component_type:
                component.component_type = desc.component_type


def _paths_only(request: Any) -> bool:
    """0.41 lists a dataset's entities without their components unless asked, or given a path."""
    if request.HasField("paths_only"):
        return bool(request.paths_only)
    return not request.HasField("entity_path")


def dataset_schema(store: Any, request: pb.GetDatasetSchemaRequest) -> pb.GetDatasetSchemaResponse:
    """A file's recording as 0.41's catalog dataset of one segment: its timelines' names, its entities."""
    answer = pb.GetDatasetSchemaResponse(timelines=sorted(store.timelines()))
    add_entities(
        answer,
        store,
        request.entity_path if request.HasField("entity_path") else None,
        request.max_entities if request.HasField("max_entities") else None,
        not _paths_only(request),
    )
    return answer
