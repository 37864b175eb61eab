"""The viewer's file arguments: directories stand for the files under them, glob patterns for their matches."""

from __future__ import annotations

import glob
from collections.abc import Iterable
from pathlib import Path

_GLOB_CHARS = frozenset("*?[")


def expand_sources(items: Iterable[str], importable: Iterable[str]) -> list[str]:
    """Each directory becomes its importable files (recursively, sorted), except a LeRobot
    dataset's folder, which stays one source; a pattern that names no
    existing path becomes its matches. Everything else (``-``, URLs, plain paths) stays as given."""
    suffixes = {s.lower() for s in importable}
    out: list[str] = []
    for item in items:
        path = Path(item)
        if item == "-" or "://" in item:
            out.append(item)
        elif path.is_dir() and _is_lerobot(path):
            out.append(item)  # a LeRobot dataset loads as one source, its episodes (as 0.41)
        elif path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
            out.extend(str(p) for p in found)
        elif not path.exists() and _GLOB_CHARS & set(item):
            matches = sorted(glob.glob(item, recursive=True))
            out.extend(matches if matches else [item])
        else:
            out.append(item)
    return out


def _is_lerobot(path: Path) -> bool:
    from rerun_core.formats.lerobot_columns import is_dataset_dir

    return is_dataset_dir(path)
