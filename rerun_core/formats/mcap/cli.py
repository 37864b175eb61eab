"""``rerun mcap convert``: an .mcap file to an .rrd, as the real 0.41 CLI converts it.

Also what ``rerun FILE.mcap`` loads: the same chunks, under a store named after the file.
Lives below the SDK so that ``rerun mcap ...`` starts without importing ``rerun``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A failure to report as one line on stderr (no traceback)."""


@contextlib.contextmanager
def open_output(path: str | None) -> Iterator[BinaryIO]:
    """``-o PATH`` (written next to its place, renamed on success) or stdout (never a terminal)."""
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


_UNITS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "sec": 1_000_000_000,
    "m": 60_000_000_000,
    "min": 60_000_000_000,
    "h": 3_600_000_000_000,
}


def parse_time(text: str) -> int:
    """``--start-time``/``--end-time``: a bare integer (ns), a number with a unit, or RFC 3339."""
    t = text.strip()
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*([a-zµ]*)", t)
    if m:
        unit = m.group(2) or "ns"
        if unit not in _UNITS:
            raise argparse.ArgumentTypeError(f"unknown time unit {unit!r} in {text!r}")
        return (
            round(float(m.group(1)) * _UNITS[unit]) if "." in m.group(1) else int(m.group(1)) * _UNITS[unit]
        )
    try:
        stamp = dt.datetime.fromisoformat(t.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid time {text!r}: expected e.g. 1700000000s or RFC 3339"
        ) from None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.timezone.utc)
    delta = stamp - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1_000


def _parser() -> argparse.ArgumentParser:
    from ._convert import ALL_DECODERS

    p = argparse.ArgumentParser(prog="rerun mcap convert", description="Convert an .mcap file to an .rrd")
    p.add_argument("path", metavar="PATH_TO_INPUT_MCAP", help="the .mcap file to convert")
    p.add_argument("-o", "--output", metavar="dst.rrd", help="path to write to (stdout if unspecified)")
    p.add_argument("--application-id")
    p.add_argument("-d", "--decoder", action="append", choices=ALL_DECODERS, dest="decoders")
    p.add_argument("--disable-raw-fallback", action="store_true")
    p.add_argument("--recording-id")
    p.add_argument("--timestamp-offset-ns", type=int)
    p.add_argument("--timeline-type", choices=("timestamp", "duration"), default="timestamp")
    p.add_argument("-y", "--include-topic-regex", action="append", default=[])
    p.add_argument("-n", "--exclude-topic-regex", action="append", default=[])
    p.add_argument("--start-time", type=parse_time, metavar="TIME")
    p.add_argument("--end-time", type=parse_time, metavar="TIME")
    p.add_argument("--recover", action="store_true")
    return p


def options_from_args(args: argparse.Namespace) -> Any:
    from rerun_core.types import TimeType

    from ._convert import McapOptions

    for pattern in [*args.include_topic_regex, *args.exclude_topic_regex]:
        try:
            re.compile(pattern)
        except re.error as err:
            raise CliError(f"invalid topic regex {pattern!r}: {err}") from None
    return McapOptions(
        timeline_type=TimeType.DURATION if args.timeline_type == "duration" else TimeType.TIMESTAMP,
        timestamp_offset_ns=args.timestamp_offset_ns,
        decoders=args.decoders,
        raw_fallback=not args.disable_raw_fallback,
        include_topic_regex=list(args.include_topic_regex),
        exclude_topic_regex=list(args.exclude_topic_regex),
        start_time_ns=args.start_time,
        end_time_ns=args.end_time,
        recover=args.recover,
    )


def mcap_messages(
    source: str | Path | bytes,
    *,
    name: str,
    opts: Any = None,
    application_id: str | None = None,
    recording_id: str | None = None,
) -> Iterator[Any]:
    """The log messages an .mcap file stands for (``SetStoreInfo`` first)."""
    from ._convert import iter_log_msgs, store_id_for

    store_id = store_id_for(name, application_id, recording_id)
    yield from iter_log_msgs(source, opts, store_id=store_id)


def keep_freed_memory() -> None:
    """Let glibc's malloc keep freed blocks up to 32 MiB for the next chunk (``mallopt``).

    A conversion allocates and frees the same multi-megabyte buffers chunk after chunk
    (decompressed MCAP chunks, message payloads, point arrays, LZ4 output). By default each
    one above 128 KiB is a fresh ``mmap`` whose pages fault in anew and go back to the OS on
    ``free``. Other C libraries: no-op; ``RERUN_MCAP_MALLOPT=0``: off (for comparisons)."""
    if os.environ.get("RERUN_MCAP_MALLOPT", "1") == "0" or not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    mallopt(m_mmap_threshold, 32 << 20)  # glibc's largest allowed threshold
    mallopt(m_trim_threshold, 1 << 30)


def convert(argv: Sequence[str]) -> int:
    args = _parser().parse_args(list(argv))
    opts = options_from_args(args)
    keep_freed_memory()
    with _rare_gc():
        _convert(args, opts)
    return EXIT_OK


@contextlib.contextmanager
def _rare_gc() -> Iterator[None]:
    """Every message becomes a few short-lived objects, freed by reference counting: the cyclic
    GC's scans of the young generation found nothing to free and took ~3% of the time."""
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 50, 50)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


def _convert(args: argparse.Namespace, opts: Any) -> None:
    """Plan, fork the workers for a large file (before any thread starts), then decode and
    write on two threads (and the workers)."""
    from rerun_core.store.rrd.writer import RrdWriter

    from ._convert import Conversion, store_id_for
    from ._file import McapFile, McapFileError
    from ._parallel import workers_for, write_piece

    store_id = store_id_for(args.path, args.application_id, args.recording_id)
    with open_output(args.output) as out, RrdWriter(out) as writer:
        own_file = args.output not in (None, "-")  # (written from offset 0: workers may write into it)
        try:
            conversion = Conversion.plan(McapFile(args.path, recover=opts.recover, mapped=True), opts)
            with workers_for(conversion, store_id, out.fileno() if own_file else None) as workers:
                pieces = _pieces(conversion, store_id, workers.run if workers is not None else None)
                write_pipelined(lambda piece: write_piece(writer, piece), pieces)
        except McapFileError as err:
            raise CliError(str(err)) from None


def _pieces(conversion: Any, store_id: Any, run: Any) -> Iterator[Any]:
    """``SetStoreInfo``, then an ``ArrowMsg`` per chunk decoded here or the workers' frames."""
    from rerun_core.store.chunk import Chunk
    from rerun_core.store.messages import ArrowMsg

    from ._convert import store_info_msg

    yield store_info_msg(store_id)
    for piece in conversion.pieces(run):
        yield ArrowMsg(store_id, piece) if isinstance(piece, Chunk) else piece


def _open(path: str, recover: bool) -> Any:
    from ._file import McapFile

    if not Path(path).is_file():
        why = "No such file or directory" if not Path(path).exists() else "Is a directory"
        raise CliError(f"Failed to open MCAP file {path}: {why}")
    return McapFile(path, recover=recover)


def info(argv: Sequence[str]) -> int:
    from ._cli_info import info_text
    from ._file import McapFileError
    from ._info import file_info

    p = argparse.ArgumentParser(
        prog="rerun mcap info",
        description="Print recording, channel, and compression information for an .mcap file",
    )
    p.add_argument("path", metavar="PATH", help="Path to the .mcap file to inspect")
    p.add_argument("--recover", action="store_true", help="Reconstruct a missing or invalid summary")
    args = p.parse_args(list(argv))
    try:
        text = info_text(args.path, file_info(_open(args.path, args.recover)))
    except McapFileError as err:
        raise CliError(str(err)) from None
    print(text)
    return EXIT_OK


def check(argv: Sequence[str]) -> int:
    from ._cli_check import by_topic_full, by_topic_raw, check_text
    from ._file import McapFileError

    p = argparse.ArgumentParser(
        prog="rerun mcap check", description="Check an .mcap file for structural and timeline issues"
    )
    p.add_argument("path", metavar="PATH", help="Path to the .mcap file to check")
    p.add_argument("--full", action="store_true", help="Check the timelines the importer makes (decodes)")
    p.add_argument("--recover", action="store_true", help="Reconstruct a missing or invalid summary")
    args = p.parse_args(list(argv))
    try:
        f = _open(args.path, args.recover)
        by_topic = by_topic_full(f) if args.full else by_topic_raw(f)
    except McapFileError as err:
        raise CliError(str(err)) from None
    print(check_text(args.path, f, by_topic, args.full))
    return EXIT_OK


_DONE = object()


def write_pipelined(write: Any, msgs: Iterator[Any], depth: int = 8) -> None:
    """``write(msg)`` for each message on a second thread, in order, while the next ones decode:
    encoding, LZ4 and the file writes release the GIL, so decoding and writing overlap."""
    import queue
    import threading

    q: queue.Queue[Any] = queue.Queue(maxsize=depth)
    failed: list[BaseException] = []

    def run() -> None:
        while (msg := q.get()) is not _DONE:
            if not failed:
                try:
                    write(msg)
                except BaseException as err:  # reported on the caller's thread; keep draining
                    failed.append(err)

    thread = threading.Thread(target=run, name="rrd-writer", daemon=True)
    thread.start()
    try:
        for msg in msgs:
            if failed:
                break
            q.put(msg)
    finally:
        q.put(_DONE)
        thread.join()
    if failed:
        raise failed[0]


class _NoPandas:
    """A meta path finder refusing pandas: pyarrow imports it on its first ``pa.array`` call to
    look for pandas inputs (~0.5 s), which a converter process never has."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("pandas is not used by rerun mcap")


def refuse_pandas() -> None:
    """For the ``rerun mcap`` process only (the console script calls it): no pandas import."""
    if "pandas" not in sys.modules:
        sys.meta_path.insert(0, _NoPandas())  # type: ignore[arg-type]


def main(argv: Sequence[str]) -> int:
    """``rerun mcap <command>``."""
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(
            "Manipulate the contents of .mcap files\n\nUsage: rerun mcap <COMMAND>\n\nCommands:\n"
            "  convert  Convert an .mcap file to an .rrd\n"
            "  info     Print recording, channel, and compression information for an .mcap file\n"
            "  check    Check an .mcap file for structural and timeline issues"
        )
        return EXIT_OK if argv else EXIT_USAGE
    commands = {"convert": convert, "info": info, "check": check}
    if argv[0] not in commands:
        print(f"rerun mcap: unknown command {argv[0]!r} (supported: convert, info, check)", file=sys.stderr)
        return EXIT_USAGE
    try:
        return commands[argv[0]](argv[1:])
    except CliError as err:
        print(f"Error: {err}", file=sys.stderr)
        return EXIT_FAILURE
    except ValueError as err:
        print(f"Error: {' '.join(str(err).split())}", file=sys.stderr)
        return EXIT_FAILURE
