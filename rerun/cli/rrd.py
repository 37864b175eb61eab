"""``rerun rrd <command>``: argument parsing and dispatch; each command lives in its own module.

Names and main flags follow the real 0.41 CLI. Every failure the user can cause (missing,
truncated or corrupt input, bad flags) ends as one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from .common import EXIT_FAILURE, CliError, describe_error

_INPUTS_HELP = "paths to read from (.rrd/.rbl files, http(s) URLs, - for stdin); stdin when none"


def _bool_flag(text: str) -> bool:
    if text.lower() in ("true", "1", "yes", "on"):
        return True
    if text.lower() in ("false", "0", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")


def _add_inputs(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH_TO_INPUT_RRDS", help=_INPUTS_HELP)


def _add_continue(p: argparse.ArgumentParser, *, optional_value: bool = False) -> None:
    help_text = "report decoding errors as warnings and go on with the next input"
    if optional_value:
        p.add_argument(
            "--continue-on-error", nargs="?", const=True, default=False, type=_bool_flag, help=help_text
        )
    else:
        p.add_argument("--continue-on-error", action="store_true", help=help_text)


def _add_output(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", metavar="dst.(rrd|rbl)", help="path to write to (default: stdout)")


def _print_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("print", help="print the contents of .rrd/.rbl files/streams")
    _add_inputs(p)
    p.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="-v: fully-qualified names; -vv: chunk schemas; -vvv: schemas and data",
    )
    _add_continue(p, optional_value=True)
    for flag, text in (
        ("--migrate", "accepted for compatibility (data is always shown as read)"),
        ("--full-metadata", "show metadata keys with their rerun: prefixes"),
        ("--footers", "accepted for compatibility"),
        ("--transposed", "print one line per column instead of one per row"),
    ):
        p.add_argument(flag, nargs="?", const=True, default=False, type=_bool_flag, help=text)
    p.add_argument("--entity", help="show only chunks of this entity")
    p.add_argument("--footers-lod", type=int, default=0, help=argparse.SUPPRESS)


def _optimize_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("optimize", help="compact chunks, write the result to stdout (or -o)")
    _add_inputs(p)
    _add_output(p)
    p.add_argument("--profile", choices=("live", "object-store"), default="object-store")
    p.add_argument("--max-size", help="byte threshold of a compacted chunk, e.g. 2MiB, 512KiB, 1GB")
    p.add_argument("--max-rows", type=int, help="row threshold of a compacted (time-sorted) chunk")
    p.add_argument("--max-rows-if-unsorted", type=int, help="row threshold of an unsorted chunk")
    p.add_argument("--num-pass", type=int, dest="num_extra_passes", help="extra compaction passes")
    _add_continue(p)
    p.add_argument(
        "--no-rebatch-videos", action="store_true", help="do not re-cut video streams at keyframes"
    )
    p.add_argument("--fix-keyframe", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--split-size-ratio", type=float, help=argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rerun rrd", description="Manipulate .rrd and .rbl files")
    sub = parser.add_subparsers(dest="command", metavar="<COMMAND>", required=True)

    p = sub.add_parser("compare", help="compare the data of 2 .rrd files (exit 0 if they match)")
    p.add_argument("path_to_rrd1", metavar="PATH_TO_RRD1")
    p.add_argument("path_to_rrd2", metavar="PATH_TO_RRD2")
    p.add_argument("--unordered", action="store_true", help="compare semantics, ignoring order")
    p.add_argument("--full-dump", action="store_true", help="dump both recordings as tables")
    p.add_argument("--ignore-chunks-without-components", action="store_true")
    p.add_argument("--ignore-timeline", action="append", default=[], metavar="TIMELINE")

    p = sub.add_parser("filter", help="filter out entities/timelines, write the result to stdout (or -o)")
    _add_inputs(p)
    _add_output(p)
    p.add_argument("--drop-timeline", action="append", default=[], dest="dropped_timelines")
    p.add_argument("--drop-entity", action="append", default=[], dest="dropped_entity_paths")
    _add_continue(p)

    p = sub.add_parser("merge", help="merge .rrd/.rbl files/streams, write the result to stdout (or -o)")
    _add_inputs(p)
    _add_output(p)
    _add_continue(p)

    _optimize_parser(sub)
    _print_parser(sub)

    p = sub.add_parser("stats", help="compute statistics of .rrd/.rbl files/streams")
    _add_inputs(p)
    p.add_argument("--no-decode", action="store_true", help="accepted for compatibility")
    _add_continue(p)

    p = sub.add_parser("verify", help="verify that .rrd files can be loaded and interpreted")
    _add_inputs(p)
    p.add_argument(
        "--check-footers", nargs="?", const=True, default=True, type=_bool_flag, help="require footers"
    )
    return parser


def _command(name: str) -> Callable[[argparse.Namespace], int]:
    if name == "print":
        from .rrd_print import run as run_print

        return run_print
    if name == "stats":
        from .rrd_stats import run as run_stats

        return run_stats
    if name == "verify":
        from .rrd_verify import run as run_verify

        return run_verify
    if name == "compare":
        from .rrd_compare import run as run_compare

        return run_compare
    if name == "optimize":
        from .rrd_optimize import run as run_optimize

        return run_optimize
    from . import rrd_edit

    return rrd_edit.run_merge if name == "merge" else rrd_edit.run_filter


_OPTIONAL_BOOL_FLAGS = ("--continue-on-error", "--migrate", "--full-metadata", "--footers", "--transposed")
_BOOL_WORDS = ("true", "false", "1", "0", "yes", "no", "on", "off")


def _explicit_bools(argv: Sequence[str]) -> list[str]:
    """``--flag PATH`` -> ``--flag true PATH``: a bare optional-bool flag must not eat a path."""
    out: list[str] = []
    for i, arg in enumerate(argv):
        out.append(arg)
        if arg in _OPTIONAL_BOOL_FLAGS:
            nxt = argv[i + 1] if i + 1 < len(argv) else None
            if nxt is None or nxt.lower() not in _BOOL_WORDS:
                out.append("true")
    return out


def main(argv: Sequence[str]) -> int:
    """Run ``rerun rrd <argv>``; returns the exit code."""
    args = build_parser().parse_args(_explicit_bools(list(argv)))
    try:
        return _command(args.command)(args)
    except CliError as err:
        print(f"rerun rrd {args.command}: error: {err}", file=sys.stderr)
        return EXIT_FAILURE
    except BrokenPipeError:
        # The reader went away (`rerun rrd print x.rrd | head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130
    except (ValueError, OSError) as err:
        # Decoder and I/O errors that escaped a command's own handling: still one clear line.
        print(f"rerun rrd {args.command}: error: {describe_error(err)}", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as err:
        # A bug of ours: still no traceback for the user, unless they ask for one.
        if os.environ.get("RERUN_CLI_TRACEBACK"):
            raise
        print(
            f"rerun rrd {args.command}: internal error: {type(err).__name__}: {describe_error(err)} "
            "(set RERUN_CLI_TRACEBACK=1 for details)",
            file=sys.stderr,
        )
        return EXIT_FAILURE
