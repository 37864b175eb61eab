"""The ``rerun`` console script: ``rerun rrd ...`` tools, ``rerun server`` (catalog),
``rerun analytics`` (no-op), else the viewer process."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def _viewer_parser() -> argparse.ArgumentParser:
    from rerun.cli.viewer import add_viewer_arguments

    parser = argparse.ArgumentParser(
        prog="rerun",
        description="Spawn a viewer or gRPC server for Rerun recordings. With a display, plain `rerun` "
        "opens the viewer in a desktop window (the window extra; else the web page in the browser); "
        "--serve-web, --web-viewer serve / open the web page. "
        "Subcommands: `rerun rrd ...` (inspect, edit, filter .rrd files), `rerun export-video ...` "
        "(a timeline as an MP4), `rerun analytics ...`.",
    )
    add_viewer_arguments(parser)
    return parser


def _analytics(argv: Sequence[str]) -> int:
    """We collect no analytics; accept the real CLI's subcommands as no-ops."""
    known = ("details", "clear", "email", "enable", "disable", "config")
    if not argv or argv[0] in ("-h", "--help", "help"):
        print("Usage: rerun analytics <" + "|".join(known) + ">  (no-op: nothing is collected)")
        return 0
    if argv[0] not in known:
        print(f"rerun analytics: unknown command {argv[0]!r}", file=sys.stderr)
        return 2
    if argv[0] == "config":
        print('{"analytics_enabled": false}')
    elif argv[0] == "details":
        print("This implementation of rerun collects no analytics.")
    return 0


def _server(argv: Sequence[str]) -> int:
    """``rerun server``: the local catalog server, in ``rerun/cli/server.py:main(argv)``."""
    try:
        from rerun.cli.server import main as server_main
    except ImportError:
        print("rerun server: the catalog server is not available yet in this build", file=sys.stderr)
        return 2
    return int(server_main(list(argv)))


def _connect(argv: Sequence[str]) -> int:
    """``rerun connect URL... [viewer flags]``: the viewer on Rerun server / proxy URLs only
    (the same as ``rerun URL``; 0.41 has no such subcommand, the seed's workflow writes it)."""
    from rerun.cli.viewer import EXIT_USAGE, run_viewer

    parser = _viewer_parser()
    parser.prog = "rerun connect"
    args = parser.parse_args(list(argv))
    if args.version:
        return run_viewer(args)
    bad = [u for u in args.url_or_paths if not u.startswith(("rerun://", "rerun+http://", "rerun+https://"))]
    if not args.url_or_paths or bad:
        what = f"not a Rerun URL: {bad[0]}" if bad else "expected a URL"
        print(
            f"rerun connect: {what} (e.g. rerun+http://127.0.0.1:51234/dataset/<id>?segment_id=<id>)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return run_viewer(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``rerun`` console script. Returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "rrd":
        from rerun.cli.rrd import main as rrd_main

        return rrd_main(args[1:])
    if args and args[0] == "mcap":
        from rerun.cli.mcap import main as mcap_main

        return mcap_main(args[1:])
    if args and args[0] == "export-video" and not Path("export-video").exists():
        from rerun.cli.export_video import main as export_main

        return export_main(args[1:])
    if args and args[0] == "analytics":
        return _analytics(args[1:])
    if args and args[0] == "server":
        return _server(args[1:])
    if args and args[0] == "connect" and not Path("connect").exists():  # a file named so still loads
        return _connect(args[1:])
    from rerun.cli.viewer import run_viewer

    return run_viewer(_viewer_parser().parse_args(args))


if __name__ == "__main__":
    sys.exit(main())
