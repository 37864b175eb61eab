"""``rerun export-video FILE.rrd --timeline t [--start A --end B] [--fps 30] [--size 640x480]
[--view NAME] -o out.mp4``: a time range of a timeline as an MP4, headless (beyond Rerun 0.41).

The recording renders as the viewer shows it (its blueprint from the file, when it has one), in
``rerun_notebook.video_export``; one line on stderr says what was written or what went wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rerun export-video",
        description="Render a time range of a recording's timeline into an MP4 video, headless.",
    )
    parser.add_argument("path", metavar="FILE.rrd", help="the recording (.rrd)")
    parser.add_argument("--timeline", required=True, help="the timeline to step through")
    parser.add_argument("--start", type=int, default=None, help="first time (default: the timeline's first)")
    parser.add_argument("--end", type=int, default=None, help="last time (default: the timeline's last)")
    parser.add_argument("--fps", type=float, default=30.0, help="frames per second (default 30)")
    parser.add_argument("--size", default="640x480", help="video size WIDTHxHEIGHT, even (default 640x480)")
    parser.add_argument("--view", default=None, help="render only this view (its name or id), maximized")
    parser.add_argument("--recording-id", default=None, help="which recording of the file (default: first)")
    parser.add_argument("-o", "--output", required=True, help="the .mp4 to write")
    return parser


def _stores(path: str, recording_id: str | None) -> tuple[list[tuple[str, Any, str]], Any]:
    from rerun_core.store.hub import StoreHub
    from rerun_core.store.rrd import read_messages

    hub = StoreHub()
    hub.insert_many(read_messages(path))
    recordings = hub.recordings()
    if recording_id is not None:
        recordings = [s for s in recordings if s.recording_id == recording_id]
    if not recordings:
        which = f"recording {recording_id!r}" if recording_id else "recording"
        raise ValueError(f"no {which} in {path}")
    sid = recordings[0]

    def blueprint_for(application_id: str) -> Any:
        ids = [s for s in hub.blueprints() if s.application_id == application_id]
        return hub.get(ids[-1]) if ids else None

    return [(sid.recording_id, hub.get(sid), sid.application_id)], blueprint_for


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(list(argv))
    try:
        from rerun_notebook.video_export import export_stores, parse_size
    except ImportError as err:
        print(
            f"rerun export-video: needs the viewer extra (rerun-notebook-native[viewer]): {err}",
            file=sys.stderr,
        )
        return 1
    try:
        size = parse_size(args.size)
        stores, blueprint_for = _stores(args.path, args.recording_id)
        result = export_stores(
            stores,
            args.output,
            size=size,
            blueprint_source=blueprint_for,
            timeline=args.timeline,
            start=args.start,
            end=args.end,
            fps=args.fps,
            view=args.view,
        )
    except (ValueError, RuntimeError, OSError) as err:
        print(f"rerun export-video: {err}", file=sys.stderr)
        return 1
    print(f"rerun export-video: {result.summary()}", file=sys.stderr)
    return 0
