"""External importers: ``rerun-importer-*`` / ``rerun-loader-*`` executables on ``PATH`` (0.41).

Each one runs as ``EXE FILE [--application-id A] --recording-id R [--opened-application-id A
--opened-recording-id R] [--entity-path-prefix P] [--timeless --static] [time args]`` and writes
an .rrd stream to stdout; exit code 66 says "not my file type". As in 0.41 they are tried only for
a file no built-in importer takes, and only from a path (never from in-memory contents).
"""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from rerun_core.store.messages import LogMsg

log = logging.getLogger(__name__)

PREFIX = "rerun-importer-"
LEGACY_PREFIX = "rerun-loader-"
INCOMPATIBLE_EXIT_CODE = 66
_warned: set[str] = set()


def _is_executable(path: Path) -> bool:
    try:
        return path.is_file() and os.access(path, os.X_OK)
    except OSError:
        return False


def find_external_importers(env_path: str | None = None) -> list[Path]:
    """The importer executables on ``PATH``: the first of each name, in ``PATH`` order."""
    found: dict[str, Path] = {}
    for d in (env_path if env_path is not None else os.environ.get("PATH", "")).split(os.pathsep):
        try:
            entries = sorted(Path(d).iterdir()) if d else []
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if not (name.startswith(PREFIX) or name.startswith(LEGACY_PREFIX)) or not _is_executable(entry):
                continue
            if name.startswith(LEGACY_PREFIX) and name not in _warned:
                _warned.add(name)
                log.warning(
                    "Found external loader with deprecated `rerun-loader-` prefix: %s. Please rename it to use "
                    "the `rerun-importer-` prefix instead.",
                    name,
                )
            found.setdefault(name, entry)
    return list(found.values())


@dataclass(frozen=True)
class ImporterSettings:
    """What the importer is told about the recording it imports into."""

    recording_id: str
    application_id: str | None = None
    opened_application_id: str | None = None
    opened_recording_id: str | None = None
    entity_path_prefix: str | None = None
    static: bool = False
    times: tuple[tuple[str, str, int], ...] = ()  # (timeline, "sequence" | "duration" | "timestamp", value)

    def to_cli_args(self) -> list[str]:
        args: list[str] = []
        if self.application_id is not None:
            args += ["--application-id", self.application_id]
        args += ["--recording-id", self.recording_id]
        if self.opened_application_id is not None and self.opened_recording_id is not None:
            args += ["--opened-application-id", self.opened_application_id]
            args += ["--opened-recording-id", self.opened_recording_id]
        if self.entity_path_prefix is not None:
            args += ["--entity-path-prefix", self.entity_path_prefix]
        if self.static:
            args += ["--timeless", "--static"]
        for name, kind, value in self.times:
            cell = f"{name}={value}"
            if kind == "sequence":
                args += ["--time_sequence", cell, "--sequence", cell]
            elif kind == "duration":
                args += ["--time_duration_nanos", cell, "--time", cell]
            else:  # 0.41 passes timestamps with the duration flag and the legacy sequence one
                args += ["--time_duration_nanos", cell, "--sequence", cell]
        return args


@dataclass
class _Outcome:
    exe: Path
    compatible: bool
    messages: list[LogMsg]


def _run_one(exe: Path, path: Path, args: list[str], timeout: float | None) -> _Outcome:
    from rerun_core.store.rrd import read_messages

    env = {k: v for k, v in os.environ.items() if k != "RERUN_APP_ONLY"}
    try:
        proc = subprocess.run([str(exe), str(path), *args], capture_output=True, env=env, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as err:
        log.error("Failed to execute external importer %s on %s: %s", exe, path, err)
        return _Outcome(exe, False, [])
    if proc.returncode == INCOMPATIBLE_EXIT_CODE:
        return _Outcome(exe, False, [])
    messages: list[LogMsg] = []
    if proc.stdout:
        try:
            messages = list(read_messages(proc.stdout))
        except (ValueError, OSError) as err:
            log.error("Failed to decode external importer %s's output for %s: %s", exe, path, err)
    if proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace").strip()
        log.error("Failed to execute external importer %s on %s: %s", exe, path, stderr)
        return _Outcome(exe, bool(messages), messages)
    return _Outcome(exe, True, messages)


def run_external_importers(
    path: Path, settings: ImporterSettings, *, timeout: float | None = None
) -> Iterator[LogMsg] | None:
    """The messages of every compatible importer (run side by side), or None when none took the file."""
    exes = find_external_importers()
    if not exes:
        return None
    args = settings.to_cli_args()
    with ThreadPoolExecutor(max_workers=min(8, len(exes))) as pool:
        outcomes = list(pool.map(lambda exe: _run_one(exe, path, args, timeout), exes))
    compatible = [o for o in outcomes if o.compatible]
    if not compatible:
        return None
    return (m for o in compatible for m in o.messages)
