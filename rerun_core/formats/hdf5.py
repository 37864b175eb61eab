"""HDF5 files as chunks: groups are entities, datasets their columns, attributes static properties (0.41).

- a 0-D dataset is static; ``[N]`` is N scalar rows; ``[N, K]`` N fixed-size lists of K; higher
  ranks N flat ``List<T>`` blobs of the row's row-major values;
- every non-scalar dataset must share one row count (the index dataset's length, or else the
  first dataset's, for the generated ``row_index`` sequence);
- attributes of ``/a/b`` land static on ``__hdf5_properties/a/b``;
- chunks hold at most 2 MiB of the widest dataset's rows (and at most 65 536 rows).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.types import ComponentDescriptor, TimeType, new_tuids

from ._common import FormatError, IndexSpec, as_list_column, entity

log = logging.getLogger(__name__)

PROPERTIES = "__hdf5_properties"
CHUNK_BYTES = 2 * 1024 * 1024
CHUNK_ROWS = 65_536


def _h5py() -> Any:
    try:
        import h5py
    except ImportError as err:  # pragma: no cover - h5py is a declared dependency
        raise ImportError("reading HDF5 needs h5py: pip install h5py") from err
    return h5py


def dtype_name(ds: Any) -> str:
    """0.41's element type name: numpy's for numbers, ``string``, or ``unsupported``."""
    h5py = _h5py()
    dt = ds.dtype
    if h5py.check_string_dtype(dt) is not None or dt.kind == "S":
        return "string"
    if h5py.check_enum_dtype(dt) is not None or dt.kind not in "iuf" or dt.name == "float16":
        return "unsupported"
    return str(dt.name)


def unsupported_kind(ds: Any) -> str:
    """How 0.41 names an unsupported element type in its warning."""
    h5py = _h5py()
    dt = ds.dtype
    enum = h5py.check_enum_dtype(dt)
    if enum is not None:
        return "enum[" + ", ".join(sorted(enum, key=lambda k: enum[k])) + "]"
    if dt.kind == "b":
        return "enum[FALSE, TRUE]"
    if dt.names:
        return "compound"
    if dt.kind == "f":
        return f"other(f{dt.itemsize * 8})"
    return str(dt)


def _norm(path: str) -> str:
    return "/" + path.strip("/") if path.strip("/") else "/"


def _rel(path: str, root: str) -> str:
    return _norm(path[len(root) :]) if root != "/" else _norm(path)


def open_hdf5(path: Path) -> Any:
    try:
        return _h5py().File(path, "r")
    except OSError as err:
        raise FormatError(f"Failed to open the HDF5 file {path}: {err}") from None


def walk(group: Any) -> Iterator[tuple[str, Any]]:
    """(``"group"`` | ``"dataset"``, object), depth first: a group's datasets before its subgroups."""
    h5py = _h5py()
    items = sorted(group.items())
    for _, obj in items:
        if isinstance(obj, h5py.Dataset):
            yield "dataset", obj
    for _, obj in items:
        if isinstance(obj, h5py.Group):
            yield "group", obj
            yield from walk(obj)


def _value_array(values: np.ndarray, dt: Any) -> pa.Array:
    """A 1-D numpy array (numbers or strings) as Arrow."""
    if dt.kind in "SO" or _h5py().check_string_dtype(dt) is not None:
        return pa.array(
            [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in values], pa.utf8()
        )
    return pa.array(values)


def column_array(values: np.ndarray, dt: Any) -> pa.Array:
    """Rows of a dataset (leading axis) as one Arrow value per row."""
    if values.ndim == 1:
        return _value_array(values, dt)
    n = values.shape[0]
    width = int(np.prod(values.shape[1:]))
    flat = _value_array(values.reshape(-1), dt)
    if values.ndim == 2:
        return pa.FixedSizeListArray.from_arrays(flat, width)
    offsets = pa.array(
        np.arange(n + 1, dtype=np.int64) * width, pa.int32() if n * width < 2**31 else pa.int64()
    )
    if offsets.type == pa.int64():
        return pa.LargeListArray.from_arrays(offsets, flat)
    return pa.ListArray.from_arrays(offsets, flat)


def attribute_value(value: Any) -> Any:
    """An attribute as a Python value: scalars as scalars, arrays as lists, bytes decoded."""
    if isinstance(value, np.ndarray):
        return [attribute_value(v) for v in value.tolist()] if value.ndim else attribute_value(value[()])
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.generic):
        return value.item()
    return value


def _attr_array(value: Any) -> pa.Array | None:
    arr = np.asarray(value)
    if arr.dtype.kind == "b":  # HDF5 stores booleans as an int8 enum
        arr = arr.astype(np.int8)
    if arr.dtype.kind not in "iufSUO" or arr.dtype.name == "float16":
        return None
    if arr.ndim == 0:
        return column_array(arr.reshape(1), arr.dtype)
    return column_array(arr.reshape(1, -1), arr.dtype)


def _attr_chunk(obj: Any, ent: str) -> Chunk | None:
    comps: dict[ComponentDescriptor, pa.Array] = {}
    for name in sorted(obj.attrs.keys()):
        arr = _attr_array(obj.attrs[name])
        if arr is not None:
            comps[ComponentDescriptor(name)] = as_list_column(arr)
    return Chunk.from_columns(ent, new_tuids(1), [], comps) if comps else None


@dataclass
class _Plan:
    statics: dict[str, list[Any]] = field(default_factory=dict)  # group path -> 0-D datasets
    columns: dict[str, list[Any]] = field(default_factory=dict)  # group path -> row datasets
    props: list[tuple[str, Any]] = field(default_factory=list)  # (relative path, object)


def _ignored(rel: str, ignore: list[str]) -> bool:
    return any(rel == i or rel.startswith(i.rstrip("/") + "/") for i in ignore)


def _plan(root: Any, root_path: str, ignore: list[str], index_path: str | None, warn: bool) -> _Plan:
    plan = _Plan()
    plan.props.append(("/", root))
    unsupported: list[str] = []
    for kind, obj in walk(root):
        rel = _rel(obj.name, root_path)
        if _ignored(rel, ignore):
            continue
        if obj.attrs.keys():
            plan.props.append((rel, obj))
        if kind == "group":
            continue
        if rel == index_path:
            continue
        if dtype_name(obj) == "unsupported":
            unsupported.append(f"{rel} ({unsupported_kind(obj)})")
            continue
        group = rel.rsplit("/", 1)[0] or "/"
        target = plan.statics if obj.ndim == 0 else plan.columns
        target.setdefault(group, []).append(obj)
    if unsupported and warn:
        log.warning("Ignoring HDF5 datasets with unsupported element types: %s", ", ".join(unsupported))
    return plan


@dataclass(frozen=True)
class Hdf5Options:
    root_group: str | None = None
    entity_path_prefix: str | None = None
    index_column: IndexSpec | None = None
    ignore_datasets: list[str] | None = None
    use_structs: bool = True


def _timeline(
    root: Any, root_path: str, spec: IndexSpec | None, plan: _Plan
) -> tuple[TimeColumn | None, int]:
    rows = [ds for dss in plan.columns.values() for ds in dss]
    if spec is None:
        n = rows[0].shape[0] if rows else 0
        return TimeColumn.from_values("row_index", TimeType.SEQUENCE, np.arange(n)), n
    key = spec.path.strip("/")
    if not key or key not in root or not isinstance(root[key], _h5py().Dataset):
        raise FormatError(f'Index dataset "{spec.path}" not found in the file')
    ds = root[key]
    if ds.ndim != 1:
        raise FormatError(
            f'Index dataset "{spec.path}" must be 1-dimensional, but has shape {list(ds.shape)}'
        )
    values = spec.to_int64(pa.array(ds[()]))
    name = key.rsplit("/", 1)[-1]
    return TimeColumn.from_values(name, spec.time_type, values), len(values)


def _check_alignment(plan: _Plan, n: int, root_path: str, timeline: str) -> None:
    bad = [ds for dss in plan.columns.values() for ds in dss if ds.shape[0] != n]
    if bad:
        listed = ", ".join(f"{_rel(ds.name, root_path)} (shape {list(ds.shape)})" for ds in bad)
        raise FormatError(
            f"Datasets are not row-aligned to the {timeline} timeline of length {n}: {listed} "
            "(add them to `ignore_datasets` or pick a compatible `index_column`)"
        )


def _group_chunks(ent: str, datasets: list[Any], timeline: TimeColumn, use_structs: bool) -> Iterator[Chunk]:
    row_bytes = max(int(ds.dtype.itemsize * np.prod(ds.shape[1:])) for ds in datasets)
    step = max(1, min(CHUNK_ROWS, CHUNK_BYTES // max(row_bytes, 1)))
    n = datasets[0].shape[0]
    for start in range(0, n, step):
        stop = min(n, start + step)
        arrays = {ds.name.rsplit("/", 1)[-1]: column_array(ds[start:stop], ds.dtype) for ds in datasets}
        values = timeline.values[start:stop]
        if values.size > 1 and np.any(values[1:] < values[:-1]):  # 0.41 sorts each chunk by time
            order = np.argsort(values, kind="stable")
            values = values[order]
            arrays = {k: v.take(pa.array(order)) for k, v in arrays.items()}
        if use_structs and len(arrays) > 1:
            struct = pa.StructArray.from_arrays(list(arrays.values()), names=list(arrays))
            comps = {ComponentDescriptor("data"): as_list_column(struct)}
        else:
            comps = {ComponentDescriptor(k): as_list_column(v) for k, v in arrays.items()}
        tl = TimeColumn.from_values(timeline.name, timeline.typ, values)
        yield Chunk.from_columns(ent, new_tuids(stop - start), [tl], comps)


def iter_hdf5_chunks(f: Any, opts: Hdf5Options, *, warn: bool = True) -> Iterator[Chunk]:
    """Validate the layout eagerly (errors raise here), then return the lazy chunk iterator."""
    h5py = _h5py()
    root_path = _norm(opts.root_group or "/")
    if root_path != "/":
        if root_path.strip("/") not in f:
            raise FormatError(f'Root group "{root_path}" not found in the file')
        if not isinstance(f[root_path.strip("/")], h5py.Group):
            raise FormatError(f'Root group "{root_path}" is a dataset, not a group')
    root = f[root_path.strip("/")] if root_path != "/" else f
    ignore = [_norm(i) for i in (opts.ignore_datasets or [])]
    index_rel = _norm(opts.index_column.path) if opts.index_column else None
    plan = _plan(root, root_path, ignore, index_rel, warn)
    timeline, n = _timeline(root, root_path, opts.index_column, plan)
    assert timeline is not None
    _check_alignment(plan, n, root_path, timeline.name)
    return _emit(plan, timeline, opts)


def _emit(plan: _Plan, timeline: TimeColumn, opts: Hdf5Options) -> Iterator[Chunk]:
    prefix = opts.entity_path_prefix
    for rel, obj in plan.props:
        chunk = _attr_chunk(obj, entity(prefix, PROPERTIES, *[p for p in rel.split("/") if p]))
        if chunk is not None:
            yield chunk
    groups = list(dict.fromkeys([*plan.columns, *plan.statics]))
    for group in groups:
        ent = entity(prefix, *[p for p in group.split("/") if p])
        if plan.columns.get(group):
            yield from _group_chunks(ent, plan.columns[group], timeline, opts.use_structs)
        if plan.statics.get(group):
            comps = {
                ComponentDescriptor(ds.name.rsplit("/", 1)[-1]): as_list_column(
                    column_array(np.asarray(ds[()]).reshape(1), ds.dtype)
                )
                for ds in plan.statics[group]
            }
            yield Chunk.from_columns(ent, new_tuids(1), [], comps)
