"""The RrdManifest a 0.41 footer carries: one row per chunk of a store, plus its sorbet schema.

Columns, as the real writer makes them: seven ``chunk_*`` columns, then per component
``<comp>:has_static_data``, per timeline ``<tl>:start`` / ``<tl>:end``, and per (timeline,
component) pair seen in temporal data ``<tl>:<comp>:start`` / ``:end`` / ``:num_rows``. The
sorbet schema is the union of the store's chunk columns, data columns named
``<entity>:<component>`` (``property:<component>`` for ``/__properties``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from rerun_core.proto.gen import common_pb2, log_msg_pb2
from rerun_core.types import ComponentDescriptor, TimeType

from ..chunk import ROW_ID_COLUMN, Chunk
from ..messages import StoreId
from . import protocol

PROPERTIES_PATH = "/__properties"
_TLC = tuple[str, str]  # (timeline, component)


@dataclass(slots=True)
class _ChunkEntry:
    entity_path: str
    chunk_id: bytes
    is_static: bool
    num_rows: int
    byte_offset: int
    byte_size: int
    byte_size_uncompressed: int
    static_components: set[str]
    time_ranges: dict[str, tuple[int, int]]
    component_ranges: dict[_TLC, tuple[int, int, int]]  # (start, end, num_rows)


_UNSAFE_NAME_CHARS = str.maketrans({c: "_" for c in " -.,\\"})


def manifest_column_name(*parts: str) -> str:
    """Join timeline/component names into a manifest column name the way 0.41 does.

    0.41 turns ``' '``, ``'-'``, ``'.'``, ``','`` and ``'\\'`` into ``'_'`` in each part (the
    ``rerun:index`` / ``rerun:component`` metadata keep the raw names); ``rerun rrd verify`` looks
    columns up by those sanitized names, so a raw ``"blue timeline:start"`` is reported missing.
    """
    return ":".join(p.translate(_UNSAFE_NAME_CHARS) for p in parts)


# what 0.41's ArchetypeName::short_name strips, first match only
_ARCHETYPE_PREFIXES = ("rerun.archetypes.", "rerun.blueprint.archetypes.", "rerun.")


def manifest_component_name(desc: ComponentDescriptor) -> str:
    """A component's name in the manifest's columns, as 0.41 writes it: with an archetype,
    ``<archetype short name>:<field>`` (the component less a leading ``<short name>:``), so
    ``(Points3D, "Points3D:positions")`` stays ``Points3D:positions`` and
    ``(rcl_interfaces.msg.Log, "file")`` becomes ``rcl_interfaces.msg.Log:file``; without one,
    the component. ``rerun rrd verify`` looks the columns up by this name."""
    if desc.archetype is None:
        return desc.component
    short = desc.archetype
    for prefix in _ARCHETYPE_PREFIXES:
        if short.startswith(prefix):
            short = short[len(prefix) :]
            break
    return f"{short}:{desc.component.removeprefix(short + ':')}"


def _valid_mask(arr: pa.Array) -> np.ndarray | None:
    """Rows where the component has a value, or None when every row has one."""
    if arr.null_count == 0:
        return None
    return np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=bool)


def sorbet_column_name(entity_path: str, component: str) -> str:
    """``<entity>:<component>``, or ``property:[<sub>:]<component>`` under ``/__properties``."""
    if entity_path == PROPERTIES_PATH:
        return f"property:{component}"
    if entity_path.startswith(PROPERTIES_PATH + "/"):
        return f"property:{entity_path[len(PROPERTIES_PATH) + 1 :].replace('/', ':')}:{component}"
    return f"{entity_path}:{component}"


def _descriptor_meta(desc: ComponentDescriptor) -> dict[bytes, bytes]:
    meta = {}
    if desc.archetype:
        meta[b"rerun:archetype"] = desc.archetype.encode()
    meta[b"rerun:component"] = desc.component.encode()
    if desc.component_type:
        meta[b"rerun:component_type"] = desc.component_type.encode()
    return meta


@dataclass(slots=True)
class ChunkFacts:
    """What the manifest keeps of a chunk, apart from where it lies in the file. Plain values
    (picklable): a chunk encoded in another process sends these along with its bytes."""

    entity_path: str
    chunk_id: bytes
    is_static: bool
    num_rows: int
    timeline_types: dict[str, TimeType]
    fields: list[tuple[ComponentDescriptor, pa.DataType]]
    static_components: set[str]
    time_ranges: dict[str, tuple[int, int]]
    component_ranges: dict[_TLC, tuple[int, int, int]]  # (start, end, num_rows)


def chunk_facts(chunk: Chunk) -> ChunkFacts:
    static_components: set[str] = set()
    comp_ranges: dict[_TLC, tuple[int, int, int]] = {}
    time_ranges = {}
    for name, col in chunk.timelines.items():
        rng = col.time_range()
        if rng is not None:
            time_ranges[name] = rng
    for desc, arr in chunk.components.items():
        mask = _valid_mask(arr)
        count = len(arr) if mask is None else int(mask.sum())
        if chunk.is_static:
            if count:
                static_components.add(desc.component)
            continue
        for name, col in chunk.timelines.items():
            if count == 0:
                comp_ranges[(name, desc.component)] = (0, 0, 0)
                continue
            values = col.values if mask is None else col.values[mask]
            comp_ranges[(name, desc.component)] = (int(values.min()), int(values.max()), count)
    return ChunkFacts(
        chunk.entity_path.path,
        chunk.id.to_bytes(),
        chunk.is_static,
        chunk.num_rows,
        {name: col.typ for name, col in chunk.timelines.items()},
        [(desc, arr.type) for desc, arr in chunk.components.items()],
        static_components,
        time_ranges,
        comp_ranges,
    )


@dataclass
class ManifestBuilder:
    """Collects what the footer needs about each chunk as the writer writes it."""

    store_id: StoreId
    entries: list[_ChunkEntry] = field(default_factory=list)
    components: dict[str, ComponentDescriptor] = field(default_factory=dict)
    timelines: dict[str, TimeType] = field(default_factory=dict)
    data_fields: dict[tuple[str, str], pa.Field] = field(default_factory=dict)

    def add(self, chunk: Chunk, byte_offset: int, byte_size: int, byte_size_uncompressed: int) -> None:
        self.add_facts(chunk_facts(chunk), byte_offset, byte_size, byte_size_uncompressed)

    def add_facts(
        self, facts: ChunkFacts, byte_offset: int, byte_size: int, byte_size_uncompressed: int
    ) -> None:
        """A chunk written at ``byte_offset``, from what :func:`chunk_facts` took of it."""
        for name, typ in facts.timeline_types.items():
            self.timelines.setdefault(name, typ)
        for desc, dtype in facts.fields:
            self.components.setdefault(desc.component, desc)
            self._add_data_field(facts.entity_path, desc, dtype, facts.is_static)
        self.entries.append(
            _ChunkEntry(
                facts.entity_path,
                facts.chunk_id,
                facts.is_static,
                facts.num_rows,
                byte_offset,
                byte_size,
                byte_size_uncompressed,
                facts.static_components,
                facts.time_ranges,
                facts.component_ranges,
            )
        )

    def _add_data_field(
        self, entity: str, desc: ComponentDescriptor, dtype: pa.DataType, static: bool
    ) -> None:
        key = (entity, desc.component)
        prev = self.data_fields.get(key)
        if prev is not None and (not static or (prev.metadata or {}).get(b"rerun:is_static")):
            return
        meta = {**_descriptor_meta(desc), b"rerun:entity_path": entity.encode(), b"rerun:kind": b"data"}
        if static:
            meta[b"rerun:is_static"] = b"true"
        if desc.archetype == "rerun.archetypes.Clear":
            meta[b"rerun:is_tombstone"] = b"true"
        self.data_fields[key] = pa.field(sorbet_column_name(entity, desc.component), dtype, True, meta)

    # --- output -----------------------------------------------------------------------

    def _column(self, comp: str, suffix: str, timeline: str | None = None) -> str:
        """``[<timeline>:]<component>:<suffix>``, the component named as 0.41 does."""
        name = manifest_component_name(self.components[comp])
        return manifest_column_name(*(() if timeline is None else (timeline,)), name, suffix)

    def _order(self, component: str) -> tuple[bool, str, str, str]:
        """Rerun orders descriptors by (archetype, component, type), no archetype first."""
        d = self.components[component]
        return (d.archetype is not None, d.archetype or "", d.component, d.component_type or "")

    def sorbet_schema(self) -> pa.Schema:
        row_id = pa.field(
            ROW_ID_COLUMN,
            pa.binary(16),
            False,
            {
                b"ARROW:extension:metadata": b'{"namespace":"row"}',
                b"ARROW:extension:name": b"rerun.datatypes.TUID",
                b"rerun:kind": b"control",
            },
        )
        fields = [row_id]
        for name in sorted(self.timelines):
            meta = {b"rerun:index_name": name.encode(), b"rerun:kind": b"index"}
            fields.append(pa.field(name, self.timelines[name].arrow_type, True, meta))
        fields += [self.data_fields[k] for k in sorted(self.data_fields)]
        return pa.schema(fields)

    def table(self) -> pa.RecordBatch:
        e = self.entries
        cols: list[tuple[pa.Field, pa.Array]] = [
            (
                pa.field("chunk_entity_path", pa.utf8(), False),
                pa.array([x.entity_path for x in e], pa.utf8()),
            ),
            (pa.field("chunk_id", pa.binary(16), False), pa.array([x.chunk_id for x in e], pa.binary(16))),
            (pa.field("chunk_is_static", pa.bool_(), False), pa.array([x.is_static for x in e], pa.bool_())),
        ]
        for name in ("num_rows", "byte_offset", "byte_size", "byte_size_uncompressed"):
            values = pa.array([getattr(x, name) for x in e], pa.uint64())
            cols.append((pa.field(f"chunk_{name}", pa.uint64(), False), values))
        for comp in sorted(self.components, key=self._order):
            meta = {**_descriptor_meta(self.components[comp]), b"rerun:index": b"rerun:static"}
            values = pa.array([comp in x.static_components for x in e], pa.bool_())
            cols.append((pa.field(self._column(comp, "has_static_data"), pa.bool_(), False, meta), values))
        for tl in sorted(self.timelines):
            typ = self.timelines[tl].arrow_type
            meta = {b"rerun:index": tl.encode()}
            for i, suffix in enumerate(("start", "end")):
                values = [x.time_ranges[tl][i] if tl in x.time_ranges else None for x in e]
                cols.append(
                    (pa.field(manifest_column_name(tl, suffix), typ, True, meta), pa.array(values, typ))
                )
        cols += self._component_range_columns()
        schema = pa.schema([f for f, _ in cols])
        return pa.RecordBatch.from_arrays([a for _, a in cols], schema=schema)

    def _component_range_columns(self) -> list[tuple[pa.Field, pa.Array]]:
        e = self.entries
        pairs = sorted(
            {p for x in e for p, r in x.component_ranges.items() if r[2] > 0},
            key=lambda p: (p[0], self._order(p[1])),
        )
        cols = []
        for tl, comp in pairs:
            typ = self.timelines[tl].arrow_type
            meta = {**_descriptor_meta(self.components[comp]), b"rerun:index": tl.encode()}
            ranges = [x.component_ranges.get((tl, comp)) for x in e]
            for i, suffix in enumerate(("start", "end")):
                values = [r[i] if r and r[2] else None for r in ranges]
                cols.append(
                    (
                        pa.field(self._column(comp, suffix, tl), typ, True, meta),
                        pa.array(values, typ),
                    )
                )
            counts = pa.array([r[2] if r else 0 for r in ranges], pa.uint64())
            cols.append((pa.field(self._column(comp, "num_rows", tl), pa.uint64(), True, meta), counts))
        return cols

    def to_proto(self) -> log_msg_pb2.RrdManifest:
        schema_bytes = protocol.ipc_stream_bytes(self.sorbet_schema())
        return log_msg_pb2.RrdManifest(
            store_id=protocol.store_id_to_proto(self.store_id),
            sorbet_schema=common_pb2.Schema(arrow_schema=schema_bytes),
            sorbet_schema_sha256=hashlib.sha256(schema_bytes).digest(),
            data=protocol.dataframe_part_from_arrow(self.table()),
        )


def footer_proto(builders: list[ManifestBuilder]) -> log_msg_pb2.RrdFooter:
    return log_msg_pb2.RrdFooter(manifests=[b.to_proto() for b in builders])
