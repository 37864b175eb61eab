"""``rerun rrd optimize``: merge inputs, compact chunks, write to stdout or ``-o FILE``.

Thresholds come from the profile, then the ``RERUN_CHUNK_MAX_*`` environment variables, then
the flags, in increasing priority, as in the real CLI.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace

from rerun_core.store.compaction import Thresholds, compact
from rerun_core.store.gop_batching import rebatch_videos

from .common import EXIT_OK, CliError, Progress, format_bytes, format_uint, iter_messages, parse_size
from .compact import CompactionConfig
from .recordings import Recordings
from .rrd_edit import write_messages

# The real CLI's defaults: 50 extra passes for either profile, thick/thin split (ratio 10)
# for object-store only.
DEFAULT_EXTRA_PASSES = 50
OBJECT_STORE_SPLIT_SIZE_RATIO = 10.0


def _env_int(name: str) -> int | None:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return None
    try:
        return parse_size(raw) if name.endswith("BYTES") else int(raw.replace("_", ""))
    except ValueError as err:
        raise CliError(f"invalid {name}={raw!r}: {err}") from err


def config_from_args(args: argparse.Namespace) -> CompactionConfig:
    config = CompactionConfig.for_profile(args.profile)
    for env, attr in (
        ("RERUN_CHUNK_MAX_BYTES", "max_bytes"),
        ("RERUN_CHUNK_MAX_ROWS", "max_rows"),
        ("RERUN_CHUNK_MAX_ROWS_IF_UNSORTED", "max_rows_if_unsorted"),
    ):
        value = _env_int(env)
        if value is not None:
            config = replace(config, **{attr: value})
    if args.max_size is not None:
        try:
            config = replace(config, max_bytes=parse_size(args.max_size))
        except ValueError as err:
            raise CliError(f"--max-size: {err}") from err
    if args.max_rows is not None:
        config = replace(config, max_rows=args.max_rows)
    if args.max_rows_if_unsorted is not None:
        config = replace(config, max_rows_if_unsorted=args.max_rows_if_unsorted)
    if min(config.max_bytes, config.max_rows, config.max_rows_if_unsorted) < 0:
        raise CliError("compaction thresholds must not be negative")
    return config


def run(args: argparse.Namespace) -> int:
    if any(os.path.isdir(p) for p in args.paths):
        raise CliError("directory inputs (mirror mode) are not supported; pass .rrd files")
    config = config_from_args(args)
    progress = Progress("optimize")
    recordings = Recordings()
    for _, msg in iter_messages(args.paths, continue_on_error=args.continue_on_error, progress=progress):
        recordings.add(msg)
    progress.tick("compacting…", force=True)
    num_out = 0

    th = Thresholds(config.max_bytes, config.max_rows, config.max_rows_if_unsorted)
    passes = DEFAULT_EXTRA_PASSES if args.num_extra_passes is None else max(args.num_extra_passes, 0)
    ratio = args.split_size_ratio
    if ratio is None and args.profile == "object-store":
        ratio = OBJECT_STORE_SPLIT_SIZE_RATIO

    def transform(chunks: list) -> list:
        nonlocal num_out
        # The store's insert-time compaction and its extra passes, as collect(optimize=...):
        # VideoStream:is_keyframe gets chunks of its own; video streams are re-cut at keyframes
        # unless --no-rebatch-videos (as the real `rrd optimize`)
        out = compact(chunks, th, extra_passes=passes, split_size_ratio=ratio, keep_first_pass=True)
        if not args.no_rebatch_videos:
            out = rebatch_videos(out, th, fix_keyframe=args.fix_keyframe, extra_passes=passes)
        num_out += len(out)
        return out

    write_messages(recordings.messages(transform), args.output)
    progress.done()
    if sys.stderr.isatty():
        limits = f"max {format_bytes(config.max_bytes)}, {format_uint(config.max_rows)} rows"
        counts = f"{format_uint(recordings.num_chunks_in)} -> {format_uint(num_out)} chunks"
        print(f"optimize: {counts} ({limits})", file=sys.stderr)
    return EXIT_OK
