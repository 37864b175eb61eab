"""Whole-file importers beyond the archetype ones: file type -> chunks (log_file_from_path, CLI)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from rerun_core.store.chunk import Chunk

CHUNK_IMPORTERS = (".mp4", ".urdf")


def import_chunks(
    path: Path, contents: bytes, entity: str, entity_path_prefix: str | None, static: bool = False
) -> Iterator[Chunk]:
    """The chunks 0.41's built-in importer logs for ``path``; ``entity`` is the file's entity path."""
    ext = path.suffix.lower()
    if ext == ".mp4":
        from .mp4 import import_mp4

        return import_mp4(path, contents, entity)
    if ext == ".urdf":
        from .urdf import import_urdf

        return import_urdf(path, contents, entity_path_prefix, static)
    raise ValueError(f"no chunk importer for {path.name!r}")
