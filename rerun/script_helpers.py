"""Command-line helpers shared by example scripts: ``--headless``, ``--save``, ``--stdout`` ..."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._active_recording import get_global_data_recording
from ._init import init
from .sinks import serve_web_viewer

if TYPE_CHECKING:
    from argparse import ArgumentParser, Namespace
    from uuid import UUID

    from ._recording_stream import RecordingStream


def script_add_args(parser: ArgumentParser) -> None:
    """Add the common Rerun arguments to ``parser``."""
    parser.add_argument("--headless", action="store_true", help="Don't show GUI")
    parser.add_argument(
        "--connect", dest="connect", action="store_true", help="Connect to an external viewer"
    )
    parser.add_argument(
        "--serve",
        "--serve-web",
        dest="serve",
        action="store_true",
        help="Host a GRPC & web server and open a web viewer connecting to it.",
    )
    parser.add_argument("--url", type=str, default=None, help="Connect to this Rerun URL")
    parser.add_argument("--save", type=str, default=None, help="Save data to a .rrd file at this path")
    parser.add_argument(
        "--stdout",
        dest="stdout",
        action="store_true",
        help="Log data to standard output, to be piped into a Rerun Viewer",
    )


def script_setup(
    args: Namespace,
    application_id: str,
    *,
    recording_id: str | UUID | None = None,
    default_blueprint: Any = None,
) -> RecordingStream:
    """Initialize the global recording (strict mode) and route it as the arguments ask."""
    init(application_id=application_id, recording_id=recording_id, default_enabled=True, strict=True)
    rec = get_global_data_recording()
    assert rec is not None, "rr.init sets a global recording"
    if getattr(args, "stdout", False):
        rec.stdout(default_blueprint=default_blueprint)
    elif getattr(args, "serve", False):
        connect_to = rec.serve_grpc(default_blueprint=default_blueprint)
        try:
            serve_web_viewer(open_browser=True, connect_to=connect_to)
        except (RuntimeError, OSError) as err:  # no viewer extra, or the web port is taken
            import sys

            print(
                f"No web viewer ({err}); serving over gRPC at {connect_to} (view with `rerun {connect_to}`)",
                file=sys.stderr,
            )
    elif getattr(args, "connect", False):
        rec.connect_grpc(getattr(args, "url", None), default_blueprint=default_blueprint)
    elif getattr(args, "save", None) is not None:
        rec.save(args.save, default_blueprint=default_blueprint)
    elif not getattr(args, "headless", False):
        rec.spawn(default_blueprint=default_blueprint)
    return rec


def script_teardown(args: Namespace) -> None:
    """Keep serving until Ctrl-C when ``--serve`` was given; otherwise nothing."""
    if getattr(args, "serve", False):
        import time

        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            print("Ctrl-C received. Exiting.")


__all__ = ["script_add_args", "script_setup", "script_teardown"]
