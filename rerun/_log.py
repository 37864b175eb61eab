"""``rr.log`` and friends: one-liners over the target recording (its ``RecordingStream`` methods
do the same); the row logic is in ``_rows``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rerun_core.types.entity_path import escape_part, format_entity_path

from . import _active_recording as _ar
from ._rows import _batches_of as _batches_of
from ._rows import collect_components as collect_components
from ._rows import entity_path_str as entity_path_str
from ._rows import log_entity
from ._rows import to_descriptor as to_descriptor

if TYPE_CHECKING:
    from ._recording_stream import RecordingStream


def log(
    entity_path: str | list[object],
    entity: Any,
    *extra: Any,
    static: bool = False,
    recording: RecordingStream | None = None,
    strict: bool | None = None,
) -> None:
    """Log archetypes or component batches at ``entity_path`` (at the current time, or static)."""
    rec = recording if recording is not None else (_ar._thread.rec or _ar._global)
    if rec is not None:
        log_entity(rec._core, entity_path, entity, extra, static, strict)


def log_file_from_path(
    file_path: str | Path,
    *,
    entity_path_prefix: str | None = None,
    static: bool = False,
    recording: RecordingStream | None = None,
) -> None:
    """Log a file (.rrd, images, meshes) with the built-in importers."""
    rec = _ar.get_data_recording(recording)
    if rec is not None:
        rec.log_file_from_path(file_path, entity_path_prefix=entity_path_prefix, static=static)


def log_file_from_contents(
    file_path: str | Path,
    file_contents: bytes,
    *,
    entity_path_prefix: str | None = None,
    static: bool = False,
    recording: RecordingStream | None = None,
) -> None:
    """Log the contents of a file (its path picks the importer and the entity path)."""
    rec = _ar.get_data_recording(recording)
    if rec is not None:
        rec.log_file_from_contents(
            file_path, file_contents, entity_path_prefix=entity_path_prefix, static=static
        )


def escape_entity_path_part(part: str) -> str:
    r"""Escape one path part: ``"my image!"`` -> ``"my\ image\!"``."""
    return escape_part(part)


def new_entity_path(entity_path: list[Any]) -> str:
    """Join unescaped parts (converted with ``str``) into an escaped entity path."""
    return format_entity_path(str(p) for p in entity_path)


__all__ = [
    "escape_entity_path_part",
    "log",
    "log_file_from_contents",
    "log_file_from_path",
    "new_entity_path",
]
