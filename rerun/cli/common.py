"""Shared plumbing of the ``rerun rrd`` tools: inputs, outputs, errors, progress, number formats.

Every tool reads one or more sources (paths, ``-`` for stdin, http(s) URLs), so that they compose
with pipes, and reports bad input as one line on stderr plus a non-zero exit code.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from typing import BinaryIO

from rerun_core.store.messages import LogMsg

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
DECODE_THREADS = 2  # LZ4 + Arrow IPC decode release the GIL: decode ahead while a tool works


class CliError(Exception):
    """A failure to report as one line on stderr (no traceback)."""


class ViewerError(Exception):
    """A viewer-process failure reported as one line on stderr with exit code `code`."""

    def __init__(self, message: str, code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.code = code


def say(message: str) -> None:
    """What the viewer process tells its user, one line on stderr."""
    print(f"rerun: {message}", file=sys.stderr, flush=True)


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def source_label(source: str) -> str:
    return "<stdin>" if source == "-" else source


def check_source(source: str) -> None:
    """Fail early and clearly on a path that cannot be read (or a terminal as stdin)."""
    if source == "-":
        if sys.stdin is None or sys.stdin.isatty():
            raise CliError("no input: pass .rrd paths, or pipe a stream into stdin")
        return
    if source.startswith(("http://", "https://")):
        return
    if not os.path.exists(source):
        raise CliError(f"{source}: no such file")
    if os.path.isdir(source):
        raise CliError(f"{source}: is a directory, expected an .rrd file")
    if not os.access(source, os.R_OK):
        raise CliError(f"{source}: permission denied")


def iter_messages(
    sources: Sequence[str],
    *,
    continue_on_error: bool = False,
    progress: Progress | None = None,
) -> Iterator[tuple[str, LogMsg]]:
    """Yield ``(source, message)`` from every source in turn (stdin when none is given).

    A decoding error stops that source; with ``continue_on_error`` it becomes a warning and the
    next source is read, otherwise it is raised as a ``CliError`` naming the source.
    """
    from rerun_core.store.rrd import RrdError, read_messages

    sources = list(sources or ["-"])
    if progress is not None:
        progress.set_total(_total_size(sources))
    for source in sources:
        try:
            check_source(source)
            on_offset = None if progress is None else progress.offset
            for msg in read_messages(source, threads=DECODE_THREADS, on_offset=on_offset):
                if progress is not None:
                    progress.message(msg)
                yield source, msg
            if progress is not None:
                progress.end_source()
        except (RrdError, CliError, OSError) as err:
            text = describe_error(err, source)
            if not continue_on_error:
                raise CliError(text) from err
            warn(f"{text} (skipping the rest of this input)")


def _total_size(sources: Sequence[str]) -> int | None:
    """Bytes of all inputs when every one is a regular file (else None: no percentage)."""
    total = 0
    for source in sources:
        try:
            st = os.stat(source) if source != "-" and "://" not in source else None
        except OSError:
            st = None
        if st is None or not stat.S_ISREG(st.st_mode):
            return None
        total += st.st_size
    return total


def describe_error(err: BaseException, source: str | None = None) -> str:
    """One readable line for an exception, prefixed with the source it came from."""
    if isinstance(err, CliError):
        return str(err)
    if isinstance(err, FileNotFoundError):
        text = f"no such file: {err.filename or source}"
    elif isinstance(err, OSError):
        text = err.strerror or str(err)
    else:
        text = str(err) or type(err).__name__
    text = " ".join(text.split())
    if source is not None and not text.startswith(source_label(source)):
        return f"{source_label(source)}: {text}"
    return text


@contextlib.contextmanager
def open_output(path: str | None) -> Iterator[BinaryIO]:
    """A binary stream for ``-o PATH`` or stdout.

    A file is written next to its final place and renamed on success, so an output that is
    also an input is never truncated while it is read, and a failure leaves no half file.
    """
    if path is None or path == "-":
        if sys.stdout.isatty():
            raise CliError("refusing to write binary .rrd data to a terminal: use -o FILE or a pipe")
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise CliError(f"{path}: output directory does not exist")
    fd, tmp = tempfile.mkstemp(prefix=".rerun-", suffix=".rrd.tmp", dir=directory)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # as a plain open() would create it, not mkstemp's 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class Progress:
    """A one-line progress bar on stderr, only when stderr is a terminal (as Rerun's indicatif
    bars: the data goes to stdout, so a pipe or ``-o`` leaves the terminal for the bar).

    Counts chunks and rows; with the total size of the inputs known (regular files) it also
    draws a bar with the percentage of bytes read."""

    _WIDTH = 24

    def __init__(self, label: str, *, enabled: bool | None = None) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.num_messages = 0
        self.num_chunks = 0
        self.num_rows = 0
        self.total_bytes: int | None = None
        self.bytes_done = 0  # of the finished inputs
        self._source_offset = 0  # inside the current input
        self._last = 0.0
        self._shown = False

    def set_total(self, total: int | None) -> None:
        self.total_bytes = total

    def offset(self, offset: int) -> None:
        self._source_offset = offset

    def end_source(self) -> None:
        self.bytes_done += self._source_offset
        self._source_offset = 0

    def _bar(self) -> str:
        if not self.total_bytes:
            return ""
        frac = min(1.0, (self.bytes_done + self._source_offset) / self.total_bytes)
        full = int(frac * self._WIDTH)
        return f"[{'#' * full}{'-' * (self._WIDTH - full)}] {frac * 100:3.0f}% "

    def message(self, msg: LogMsg) -> None:
        from rerun_core.store.messages import ArrowMsg

        self.num_messages += 1
        if isinstance(msg, ArrowMsg):
            self.num_chunks += 1
            self.num_rows += msg.chunk.num_rows
        self.tick()

    def tick(self, note: str = "", *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and not force:
            return
        self._last = now
        self._shown = True
        counts = f"{format_uint(self.num_chunks)} chunks, {format_uint(self.num_rows)} rows"
        line = f"{self.label}: {self._bar()}{counts}"
        sys.stderr.write(f"\r\x1b[2K{line} {note}")
        sys.stderr.flush()

    def done(self) -> None:
        if self.enabled and self._shown:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()


def format_bytes(num: float) -> str:
    """Sizes as Rerun prints them: ``903 B``, ``1.4 KiB``, ``217 KiB`` (one decimal below 102.4
    of a unit, none above), ``2.0 MiB``, up to GiB."""
    num = float(num)
    if num < 0:
        return "-" + format_bytes(-num)
    if num == 0:
        return "0 B"
    if num < 20 and num != round(num):
        return f"{num:.1f} B"
    if num < 1024:
        return f"{num:.0f} B"
    for unit, shift in (("KiB", 10), ("MiB", 20), ("GiB", 30)):
        if num < 2.0 ** (shift + 10) or unit == "GiB":
            decimals = 1 if 10 * num < 2.0 ** (shift + 10) else 0
            return f"{num / 2.0**shift:.{decimals}f} {unit}"
    raise AssertionError("unreachable")


def format_uint(num: int) -> str:
    """Integers with a space every three digits, as Rerun prints counts (``65 536``)."""
    return f"{num:,}".replace(",", " ")


_SIZE_UNITS = {
    "b": 1,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "tb": 1000**4,
}


def parse_size(text: str) -> int:
    """``2MiB``, ``512KiB``, ``1GB``, ``1024B`` or a bare byte count -> bytes."""
    raw = text.strip().replace(" ", "").lower()
    digits = raw.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = raw[len(digits) :] or "b"
    if unit not in _SIZE_UNITS or not digits:
        raise ValueError(f"invalid size {text!r} (expected e.g. 2MiB, 512KiB, 1GB, 1024B)")
    return int(float(digits) * _SIZE_UNITS[unit])
