"""``rerun rrd print [-v...]``: one summary line per chunk, or its schema / data as a table.

Levels as in the real CLI: default short names, ``-v`` fully-qualified column names, ``-vv``
every chunk's schema and metadata, ``-vvv`` the data too.
"""

from __future__ import annotations

import argparse

import pyarrow as pa

from rerun_core.store.chunk import ROW_ID_COLUMN, Chunk
from rerun_core.store.messages import (
    ArrowMsg,
    BlueprintActivationCommand,
    LogMsg,
    SetStoreInfo,
    StoreId,
    StoreSourceKind,
)
from rerun_core.types import EntityPath, EntityPathError

from .common import EXIT_OK, CliError, format_bytes, iter_messages
from .table import format_column, format_type, render_boxed, render_table, short_name

_SOURCE_NAMES = {
    StoreSourceKind.UNKNOWN: "Unknown",
    StoreSourceKind.C_SDK: "CSdk",
    StoreSourceKind.PYTHON_SDK: "PythonSdk",
    StoreSourceKind.RUST_SDK: "RustSdk",
    StoreSourceKind.FILE: "File",
    StoreSourceKind.VIEWER: "Viewer",
    StoreSourceKind.OTHER: "Other",
}


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def python_version(extra: bytes) -> str | None:
    """Decode a ``PythonVersion`` protobuf (major, minor, patch, suffix) -> ``3.11.7``."""
    fields: dict[int, int | bytes] = {}
    pos = 0
    try:
        while pos < len(extra):
            key, pos = _varint(extra, pos)
            if key & 7 == 0:
                fields[key >> 3], pos = _varint(extra, pos)
            elif key & 7 == 2:
                size, pos = _varint(extra, pos)
                fields[key >> 3] = extra[pos : pos + size]
                pos += size
            else:
                return None
    except IndexError:
        return None
    numbers = [fields.get(i, 0) for i in (1, 2, 3)]
    if not all(isinstance(n, int) for n in numbers):
        return None
    suffix = fields.get(4, b"")
    suffix_text = suffix.decode(errors="replace") if isinstance(suffix, bytes) else ""
    return ".".join(str(n) for n in numbers) + suffix_text


def _store_id_lines(sid: StoreId, indent: str) -> list[str]:
    kind = sid.kind.name.capitalize()
    return [
        "StoreId(",
        f"{indent}    {kind},",
        f'{indent}    "{sid.application_id}",',
        f'{indent}    "{sid.recording_id}",',
        f"{indent}),",
    ]


def format_store_info(msg: SetStoreInfo) -> str:
    """A store info laid out like Rust's pretty ``Debug`` output, as the real CLI prints it."""
    info = msg.info
    sid = _store_id_lines(info.store_id, "    ")
    lines = ["StoreInfo {", "    store_id: " + sid[0], *sid[1:]]
    source = _SOURCE_NAMES.get(info.store_source.kind, str(info.store_source.kind))
    extra = info.store_source.extra
    is_python = info.store_source.kind == StoreSourceKind.PYTHON_SDK
    detail = python_version(extra) if extra and is_python else None
    if detail:
        lines += [f"    store_source: {source}(", f"        {detail},", "    ),"]
    else:
        lines.append(f"    store_source: {source},")
    if info.store_version is None:
        lines.append("    store_version: None,")
    else:
        major, minor, patch, meta = info.store_version
        lines += ["    store_version: Some(", "        CrateVersion {"]
        lines += [
            f"            major: {major},",
            f"            minor: {minor},",
            f"            patch: {patch},",
        ]
        lines += [f"            meta: {'None' if not meta else meta},", "        },", "    ),"]
    lines.append("}")
    return "\n".join(lines)


def format_command(msg: BlueprintActivationCommand) -> str:
    sid = msg.blueprint_id
    return (
        f'BlueprintActivationCommand(StoreId({sid.kind.name.capitalize()}, "{sid.application_id}", '
        f'"{sid.recording_id}"), make_active: {str(msg.make_active).lower()}, '
        f"make_default: {str(msg.make_default).lower()})"
    )


def _meta_lines(meta: dict[bytes, bytes], full: bool) -> list[str]:
    out = []
    for key, value in sorted(meta.items()):
        k, v = key.decode(errors="replace"), value.decode(errors="replace")
        if not full:
            k = k.split(":", 1)[1] if k.startswith(("rerun:", "sorbet:")) else k
            v = short_name(v)
        out.append(f"{k}: {v}")
    return out


def _header(field: pa.Field, full: bool) -> list[str]:
    name = field.name if full or field.name != ROW_ID_COLUMN else "RowId"
    cell = [name, "---", f"type: {format_type(field.type, field.nullable)}"]
    return cell + _meta_lines(dict(field.metadata or {}), full)


def _row_id_cells(chunk: Chunk) -> list[str]:
    from rerun_core.types import Tuid

    return [f"row_{Tuid.from_bytes(bytes(r.tobytes()))}" for r in chunk.row_ids]


def format_chunk(chunk: Chunk, *, verbose: int, full_metadata: bool = False) -> str:
    """The boxed table of one chunk (``-vv``: schema only, ``-vvv``: with data)."""
    batch = chunk.batch
    meta = ["METADATA:"] + [
        f"* {line}" for line in _meta_lines(dict(batch.schema.metadata or {}), full_metadata)
    ]
    headers = [_header(f, full_metadata) for f in batch.schema]
    rows: list[list[str]] = []
    if verbose >= 3:
        columns = [
            _row_id_cells(chunk) if f.name == ROW_ID_COLUMN else format_column(batch.column(i))
            for i, f in enumerate(batch.schema)
        ]
        rows = [list(r) for r in zip(*columns)]
    return render_boxed(meta, render_table(headers, rows))


def chunk_summary(chunk: Chunk, *, verbose: int) -> str:
    entity = chunk.entity_path.path
    head = f"Chunk(chunk_{chunk.id}) with {chunk.num_rows} rows ({format_bytes(chunk.batch.nbytes)}) - {entity} - "
    if verbose >= 2:
        return head
    names = [d.component for d in chunk.components]
    if verbose == 1:
        names = [f"{entity}@{n}" for n in names]
    return head + "data columns: [" + " ".join(names) + "]"


def format_message(msg: LogMsg, *, verbose: int, full_metadata: bool = False) -> str:
    if isinstance(msg, SetStoreInfo):
        return format_store_info(msg)
    if isinstance(msg, BlueprintActivationCommand):
        return format_command(msg)
    text = chunk_summary(msg.chunk, verbose=verbose)
    if verbose >= 2:
        text += "\n" + format_chunk(msg.chunk, verbose=verbose, full_metadata=full_metadata) + "\n"
    return text


def run(args: argparse.Namespace) -> int:
    entity = None
    if args.entity:
        try:
            entity = EntityPath(args.entity)
        except EntityPathError as err:
            raise CliError(f"invalid --entity: {err}") from err
    for _, msg in iter_messages(args.paths, continue_on_error=args.continue_on_error):
        if entity is not None and (not isinstance(msg, ArrowMsg) or msg.chunk.entity_path != entity):
            continue
        print(format_message(msg, verbose=args.verbose, full_metadata=args.full_metadata), flush=False)
    return EXIT_OK
