"""What ``rerun FILE`` loads from a file, a directory, stdin or an http(s) URL, as log messages:
the viewer's own inputs and a page's open-file dialog (``ui.open_file``) alike."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .common import ViewerError

_HTTP = ("http://", "https://")


def importable() -> set[str]:
    """The file suffixes an importer takes."""
    from rerun._log_file import IMAGE_TYPES, MESH_TYPES
    from rerun_core.formats.files import CHUNK_IMPORTERS

    return {".rrd", ".rbl", ".mcap", *IMAGE_TYPES, *MESH_TYPES, *CHUNK_IMPORTERS}


def file_messages(source: str) -> Iterator[Any]:
    """The log messages a source stands for: .rrd/.rbl streams as is, other files via the importers."""
    if source == "-" or source.startswith(_HTTP) or Path(source).suffix.lower() in (".rrd", ".rbl"):
        from rerun_core.store.rrd import read_messages

        try:
            src = source if source == "-" or source.startswith(_HTTP) else Path(source)
            yield from read_messages(src, threads=2)
        except (ValueError, OSError) as err:
            raise ViewerError(f"cannot read {source}: {err}") from None
        return
    if Path(source).suffix.lower() == ".mcap":
        from rerun_core.formats.mcap import McapFileError

        from .mcap import mcap_messages

        try:
            # As the real viewer: the application id is the file's stem (convert uses the path).
            yield from mcap_messages(Path(source), name=source, application_id=Path(source).stem)
        except McapFileError as err:
            raise ViewerError(f"cannot load {source}: {err}") from None
        return
    if Path(source).is_dir():
        from rerun_core.formats.lerobot_columns import dataset_log_msgs

        try:
            yield from dataset_log_msgs(Path(source))
        except (ValueError, OSError) as err:
            raise ViewerError(f"cannot load {source}: {err}") from None
        return
    yield from _import_file(Path(source))


def _import_file(path: Path) -> list[Any]:
    import rerun as rr

    # As the real CLI: the application id is the file's stem, and what it imports is static
    # (a URDF carries no log_time; images, meshes and videos are unchanged by it).
    rec = rr.RecordingStream(application_id=path.stem, recording_id=os.urandom(8).hex())
    mem = rec.memory_recording()
    try:
        rec.log_file_from_path(path, static=True)
    except ValueError as err:
        raise ViewerError(f"cannot load {path}: {err}") from None
    rec.flush()
    return list(mem.drain())
