"""Bring chunks written by older Rerun versions (0.23 .. 0.40) to the current sorbet layout.

Sorbet versions: files without ``sorbet:version`` and with ``rerun.``-prefixed metadata are
0.23 or older ("0.0.1"); ``rerun:version`` without a sorbet version is a 0.23/0.24 nightly
("0.0.2"); since 0.24 the schema says its version. The steps, each applied when the batch is
older than its target:

* 0.0.2: row id / index / data column order; the pre-0.23 TUID struct becomes
  fixed_size_binary[16]; archetypes renamed in 0.23 (Scalar, SeriesLine, SeriesPoint).
* 0.1.0: ``rerun.`` metadata keys become ``rerun:``; legacy descriptors (component type in
  ``rerun.component`` plus ``rerun.archetype_field``) become ``Archetype:field`` names;
  ``RecordingProperties`` at ``/__properties/recording`` becomes ``RecordingInfo``.
* 0.1.1: indicator columns are dropped.
* 0.1.3: ``SeriesVisible`` is now ``Visible``.

Every data column is made a list column (one list per row) at the end. Current chunks take
the fast path: one metadata lookup.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..chunk import ROW_ID_COLUMN, SORBET_VERSION

_CURRENT = tuple(int(x) for x in SORBET_VERSION.split("."))
_CURRENT_BYTES = SORBET_VERSION.encode()
_ARCHETYPE_RENAMES = {
    b"rerun.archetypes.Scalar": (b"rerun.archetypes.Scalars", {b"scalar": b"scalars"}),
    b"rerun.archetypes.SeriesLine": (
        b"rerun.archetypes.SeriesLines",
        {b"color": b"colors", b"width": b"widths", b"name": b"names"},
    ),
    b"rerun.archetypes.SeriesPoint": (
        b"rerun.archetypes.SeriesPoints",
        {b"color": b"colors", b"marker": b"markers", b"name": b"names", b"marker_size": b"marker_sizes"},
    ),
}
_LEGACY_KEYS = (
    "index_name",
    "entity_path",
    "kind",
    "is_static",
    "is_indicator",
    "is_tombstone",
    "is_semantically_empty",
    "is_sorted",
)

_KIND_NAMES = {b"row_id": b"control", b"time": b"index", b"component": b"data"}

Meta = dict[bytes, bytes]


def sorbet_version(batch: pa.RecordBatch) -> tuple[int, ...] | None:
    meta = batch.schema.metadata or {}
    raw = meta.get(b"sorbet:version")
    if raw is not None:
        try:
            return tuple(int(x) for x in raw.decode().split("."))
        except ValueError:
            return None
    if any(k.startswith(b"rerun.") for k in meta):
        return (0, 0, 1)
    if b"rerun:version" in meta:
        return (0, 0, 2)
    return None


def migrate_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Return ``batch`` in the current sorbet layout (itself when it already is)."""
    if (batch.schema.metadata or {}).get(b"sorbet:version") == _CURRENT_BYTES:
        return batch
    version = sorbet_version(batch)
    if version is None or version >= _CURRENT:
        return batch
    fields, arrays = list(batch.schema), list(batch.columns)
    meta: Meta = dict(batch.schema.metadata or {})
    target = version
    if version < (0, 0, 2):
        fields, arrays = _reorder(fields, arrays)
        fields, arrays = _migrate_tuids(fields, arrays)
        fields = [_rename_archetype(f) for f in fields]
        target = (0, 0, 2)
    if version < (0, 1, 0):
        fields = [_rewire_field(f) for f in fields]
        meta = {k.replace(b"rerun.", b"rerun:", 1): v for k, v in meta.items() if k != b"rerun.version"}
        fields, meta = _port_recording_info(fields, meta)
        target = (0, 1, 0)
    if version < (0, 1, 1):
        keep = [i for i, f in enumerate(fields) if not _is_indicator(f)]
        fields, arrays = [fields[i] for i in keep], [arrays[i] for i in keep]
        target = (0, 1, 1)
    if version < (0, 1, 3):
        fields = [_series_visible(f) for f in fields]
        target = (0, 1, 3)
    fields, arrays = _make_lists(fields, arrays)
    meta[b"sorbet:version"] = ".".join(str(x) for x in target).encode()
    return pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields, metadata=meta))


# --- steps ----------------------------------------------------------------------------------


def _kind(f: pa.Field) -> bytes:
    meta = f.metadata or {}
    kind = meta.get(b"rerun:kind", meta.get(b"rerun.kind"))
    if kind in (b"control", b"row_id") or (kind is None and f.name == ROW_ID_COLUMN):
        return b"control"
    if kind in (b"index", b"time"):
        return b"index"
    return b"data"


def _reorder(fields: list[pa.Field], arrays: list[pa.Array]) -> tuple[list[pa.Field], list[pa.Array]]:
    rank = {b"control": 0, b"index": 1, b"data": 2}
    order = sorted(range(len(fields)), key=lambda i: rank[_kind(fields[i])])
    return [fields[i] for i in order], [arrays[i] for i in order]


def _migrate_tuids(fields: list[pa.Field], arrays: list[pa.Array]) -> tuple[list[pa.Field], list[pa.Array]]:
    for i, (f, arr) in enumerate(zip(fields, arrays)):
        meta = f.metadata or {}
        is_tuid = f.name == ROW_ID_COLUMN or meta.get(b"ARROW:extension:name") == b"rerun.datatypes.TUID"
        if not (is_tuid and pa.types.is_struct(arr.type) and arr.type.num_fields == 2):
            continue
        hi, lo = arr.field(0), arr.field(1)
        if not (pa.types.is_uint64(hi.type) and pa.types.is_uint64(lo.type)):
            continue
        out = np.empty(len(arr), dtype=[("time_ns", ">u8"), ("inc", ">u8")])
        out["time_ns"] = hi.to_numpy(zero_copy_only=False)
        out["inc"] = lo.to_numpy(zero_copy_only=False)
        buf = pa.py_buffer(out.tobytes())
        arrays[i] = pa.FixedSizeBinaryArray.from_buffers(pa.binary(16), len(arr), [None, buf])
        fields[i] = pa.field(f.name, pa.binary(16), False, meta)
    return fields, arrays


def _rename_archetype(f: pa.Field) -> pa.Field:
    meta: Meta = dict(f.metadata or {})
    rename = _ARCHETYPE_RENAMES.get(meta.get(b"rerun.archetype", b""))
    if rename is None:
        return f
    meta[b"rerun.archetype"] = rename[0]
    old_field = meta.get(b"rerun.archetype_field")
    if old_field in rename[1]:
        meta[b"rerun.archetype_field"] = rename[1][old_field]
    return f.with_metadata(meta)


def _short_archetype(name: bytes) -> bytes:
    for prefix in (b"rerun.archetypes.", b"rerun.blueprint.archetypes."):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _rewire_field(f: pa.Field) -> pa.Field:
    meta: Meta = dict(f.metadata or {})
    if not any(k.startswith(b"rerun.") for k in meta):
        return f
    for key in _LEGACY_KEYS:
        if b"rerun." + key.encode() in meta:
            meta[b"rerun:" + key.encode()] = meta.pop(b"rerun." + key.encode())
    kind = meta.get(b"rerun:kind")
    if kind in _KIND_NAMES:
        meta[b"rerun:kind"] = _KIND_NAMES[kind]
    component = meta.pop(b"rerun.component", None)
    archetype = meta.pop(b"rerun.archetype", None)
    arch_field = meta.pop(b"rerun.archetype_field", None)
    if f.name.endswith("Indicator"):
        if component is None:
            component = (
                f.name.encode() if f.name.startswith("rerun.") else b"rerun.components." + f.name.encode()
            )
        meta[b"rerun:component"] = component
    elif component is not None:
        ctype: bytes | None = component
        if archetype is None and arch_field is None:
            ctype = None
        elif archetype is None:
            component = arch_field
        elif component.endswith(b"Indicator") and arch_field is None:
            archetype = ctype = None
        elif arch_field is not None:
            component = _short_archetype(archetype) + b":" + arch_field
        if archetype is not None:
            meta[b"rerun:archetype"] = archetype
        meta[b"rerun:component"] = component  # type: ignore[assignment]
        if ctype is not None:
            meta[b"rerun:component_type"] = ctype
    return f.with_metadata(meta)


def _port_recording_info(fields: list[pa.Field], meta: Meta) -> tuple[list[pa.Field], Meta]:
    old, new = b"/__properties/recording", b"/__properties"
    if meta.get(b"rerun:entity_path") == old:
        meta[b"rerun:entity_path"] = new
    out = []
    for f in fields:
        fm = {k: v.replace(b"RecordingProperties", b"RecordingInfo") for k, v in (f.metadata or {}).items()}
        if fm.get(b"rerun:entity_path") == old:
            fm[b"rerun:entity_path"] = new
        name = f.name.replace("RecordingProperties", "RecordingInfo").replace(
            "property:recording:RecordingInfo:", "property:RecordingInfo:"
        )
        out.append(pa.field(name, f.type, f.nullable, fm))
    return out, meta


def _is_indicator(f: pa.Field) -> bool:
    meta = f.metadata or {}
    flag = meta.get(b"rerun:is_indicator")
    if flag is not None:
        return flag == b"true"
    comp = meta.get(b"rerun:component", b"")
    return comp.startswith(b"rerun.components.") and comp.endswith(b"Indicator")


def _series_visible(f: pa.Field) -> pa.Field:
    meta = f.metadata or {}
    if meta.get(b"rerun:component_type") != b"rerun.components.SeriesVisible":
        return f
    return f.with_metadata({**meta, b"rerun:component_type": b"rerun.components.Visible"})


def _make_lists(fields: list[pa.Field], arrays: list[pa.Array]) -> tuple[list[pa.Field], list[pa.Array]]:
    """Data columns holding one value per row become lists of one (null stays null)."""
    for i, (f, arr) in enumerate(zip(fields, arrays)):
        if _kind(f) != b"data" or pa.types.is_list(arr.type) or pa.types.is_large_list(arr.type):
            continue
        offsets = pa.array(np.arange(len(arr) + 1, dtype=np.int32))
        mask = arr.is_null() if arr.null_count else None
        lists = pa.ListArray.from_arrays(offsets, arr, mask=mask)
        arrays[i] = lists
        fields[i] = pa.field(f.name, lists.type, True, f.metadata)
    return fields, arrays
