"""``rerun rrd merge`` and ``rerun rrd filter``: rewrite streams, to stdout or ``-o FILE``."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterable

from rerun_core.store.messages import ArrowMsg, LogMsg
from rerun_core.types import EntityPath, EntityPathError

from .common import EXIT_OK, CliError, Progress, iter_messages, open_output
from .compact import drop_timelines
from .recordings import Recordings


def write_messages(msgs: Iterable[LogMsg], output: str | None) -> int:
    """Encode messages as one .rrd stream (footer included); returns how many were written."""
    from rerun_core.store.rrd import RrdWriter

    count = 0
    with open_output(output) as fh:
        writer = RrdWriter(fh)
        try:
            for msg in msgs:
                writer.write(msg)
                count += 1
        except BaseException:
            # No footer after a failure: a reader downstream sees a stream that stops early.
            with contextlib.suppress(OSError):
                writer.flush()
            raise
        writer.close()
    return count


def run_merge(args: argparse.Namespace) -> int:
    progress = Progress("merge")
    recordings = Recordings()
    for _, msg in iter_messages(args.paths, continue_on_error=args.continue_on_error, progress=progress):
        recordings.add(msg)
    progress.done()
    write_messages(recordings.messages(), args.output)
    return EXIT_OK


def _parse_entities(paths: list[str]) -> set[EntityPath]:
    try:
        return {EntityPath(p) for p in paths}
    except EntityPathError as err:
        raise CliError(f"invalid --drop-entity: {err}") from err


def filter_messages(
    msgs: Iterable[LogMsg], dropped_entities: set[EntityPath], dropped_timelines: set[str]
) -> Iterable[LogMsg]:
    """Drop whole chunks of the given entities and the index columns of the given timelines."""
    for msg in msgs:
        if isinstance(msg, ArrowMsg):
            if msg.chunk.entity_path in dropped_entities:
                continue
            if dropped_timelines:
                msg = ArrowMsg(msg.store_id, drop_timelines(msg.chunk, dropped_timelines))
        yield msg


def run_filter(args: argparse.Namespace) -> int:
    """Streams: each message is written as soon as it is read, so filter works on live pipes."""
    entities = _parse_entities(args.dropped_entity_paths)
    progress = Progress("filter")
    msgs = (
        m for _, m in iter_messages(args.paths, continue_on_error=args.continue_on_error, progress=progress)
    )
    write_messages(filter_messages(msgs, entities, set(args.dropped_timelines)), args.output)
    progress.done()
    return EXIT_OK
