"""Built-in file importers for ``log_file_from_path`` / ``log_file_from_contents``.

As 0.41's importers do: the entity path is the file path (under ``entity_path_prefix``) and the
data is static. Images become ``EncodedImage``, meshes ``Asset3D`` (blob + media type), and an
.rrd file has its chunks forwarded into this recording.
"""

from __future__ import annotations

from pathlib import Path, PurePath

import pyarrow as pa

from rerun_core.formats.files import CHUNK_IMPORTERS
from rerun_core.store.chunk import Chunk
from rerun_core.store.messages import ArrowMsg, StoreKind
from rerun_core.types import ComponentDescriptor
from rerun_core.types.entity_path import format_entity_path, parse_entity_path

from ._recording_core import RecordingCore

IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
MESH_TYPES = {
    ".obj": "model/obj",
    ".stl": "model/stl",
    ".glb": "model/gltf-binary",
    ".gltf": "model/gltf+json",
}
_BLOB_TYPE = pa.list_(pa.field("item", pa.uint8(), nullable=False))


def file_entity_path(path: PurePath, prefix: str | None) -> str:
    parts = [p for p in path.parts if p not in ("/", "", ".")]
    head = list(parse_entity_path(prefix)) if prefix else []
    return format_entity_path([*head, *parts])


def _blob_components(archetype: str, data: bytes, media_type: str) -> dict[ComponentDescriptor, pa.Array]:
    values = pa.py_buffer(data)
    flat = pa.Array.from_buffers(pa.uint8(), len(data), [None, values])
    blob = pa.ListArray.from_arrays(pa.array([0, len(data)], pa.int32()), flat, type=_BLOB_TYPE)
    return {
        ComponentDescriptor(
            f"{archetype}:blob", f"rerun.archetypes.{archetype}", "rerun.components.Blob"
        ): blob,
        ComponentDescriptor(
            f"{archetype}:media_type", f"rerun.archetypes.{archetype}", "rerun.components.MediaType"
        ): pa.array([media_type], pa.utf8()),
    }


def log_file(
    core: RecordingCore, path: Path, contents: bytes, *, entity_path_prefix: str | None, static: bool = False
) -> None:
    """Import one file into the recording; raises ValueError for an unsupported file type."""
    if not core.enabled:
        return
    ext = path.suffix.lower()
    if ext in IMAGE_TYPES:
        comps = _blob_components("EncodedImage", contents, IMAGE_TYPES[ext])
    elif ext in MESH_TYPES:
        comps = _blob_components("Asset3D", contents, MESH_TYPES[ext])
    elif ext in (".rrd", ".rbl"):
        _forward_rrd(contents, entity_path_prefix, core)
        return
    elif ext == ".mcap":
        _forward_mcap(contents, core)
        return
    elif ext in CHUNK_IMPORTERS:
        _forward_chunks(path, contents, entity_path_prefix, static, core)
        return
    elif _forward_external(path, entity_path_prefix, static, core):
        return
    else:
        supported = ", ".join(sorted([*IMAGE_TYPES, *MESH_TYPES, *CHUNK_IMPORTERS, ".mcap", ".rrd"]))
        raise ValueError(f"no importer for {path.name!r} (supported: {supported})")
    core.log_row(file_entity_path(path, entity_path_prefix), comps, True)


def _forward_mcap(contents: bytes, core: RecordingCore) -> None:
    """An MCAP file's chunks, as ``rerun mcap convert`` makes them (0.41 ignores the entity prefix)."""
    from rerun_core.formats.mcap import McapFile, McapFileError, McapOptions, iter_chunks

    core.batcher.flush()
    try:
        chunks = list(iter_chunks(McapFile(contents), McapOptions()))
    except McapFileError as err:
        raise ValueError(str(err)) from None
    for chunk in chunks:
        core.send_chunk(chunk)


def _forward_chunks(
    path: Path, contents: bytes, prefix: str | None, static: bool, core: RecordingCore
) -> None:
    """MP4 / URDF: the chunks their importers build, sent as they are."""
    from rerun_core.formats.files import import_chunks

    core.batcher.flush()
    try:
        chunks = list(import_chunks(path, contents, file_entity_path(path, prefix), prefix, static))
    except (ValueError, OSError) as err:
        raise ValueError(f"{path.name}: {err}") from None
    for chunk in chunks:
        core.send_chunk(chunk)


def _forward_external(path: Path, prefix: str | None, static: bool, core: RecordingCore) -> bool:
    """A file no built-in importer takes, through the ``rerun-importer-*`` executables on PATH."""
    import time

    from rerun_core.formats.external import ImporterSettings, run_external_importers

    if not path.is_file():
        return False  # 0.41 runs external importers on paths only, never on in-memory contents
    sid = core.store_id
    settings = ImporterSettings(
        recording_id=sid.recording_id,
        application_id=sid.application_id,
        opened_application_id=sid.application_id,
        opened_recording_id=sid.recording_id,
        entity_path_prefix=format_entity_path(parse_entity_path(prefix)) if prefix else None,
        times=() if static else (("log_time", "timestamp", time.time_ns()),),  # 0.41: static sends no times
    )
    messages = run_external_importers(path, settings)
    if messages is None:
        return False
    core.batcher.flush()
    for msg in messages:
        if isinstance(msg, ArrowMsg) and msg.store_id.kind == StoreKind.RECORDING:
            core.send_chunk(msg.chunk)
    return True


def _forward_rrd(contents: bytes, prefix: str | None, core: RecordingCore) -> None:
    from rerun_core.store.rrd import read_messages  # the codec loads when first needed

    core.batcher.flush()
    head = list(parse_entity_path(prefix)) if prefix else []
    for msg in read_messages(contents):
        if not isinstance(msg, ArrowMsg) or msg.store_id.kind != StoreKind.RECORDING:
            continue
        chunk = msg.chunk
        if head:
            path = format_entity_path([*head, *chunk.entity_path.parts])
            meta = dict(chunk.batch.schema.metadata or {})
            meta[b"rerun:entity_path"] = path.encode()
            chunk = Chunk(chunk.batch.replace_schema_metadata(meta))
        core.send_chunk(chunk)
