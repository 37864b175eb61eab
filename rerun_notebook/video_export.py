"""Timeline to video (beyond Rerun): render a time range of a timeline, headless, into an MP4.

The frames come from a ``ViewerSession`` of its own (the renderer and layout the page and the
window show, without a browser), one per time step: each step of a sequence timeline, or every
``1/fps`` second of a temporal one (so the video plays at 1x). The whole viewport is rendered, or
one view maximized to fill it (``view``: its name or id). HTML views (text logs, documents) are
drawn in as in a notebook's saved snapshot. Encoding is PyAV's (libx264, else MPEG-4 part 2).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from .session import ViewerSession

MAX_FRAMES = 100_000
NS_PER_S = 1_000_000_000


@dataclass(frozen=True)
class VideoExport:
    """What was written."""

    path: Path
    frames: int
    width: int
    height: int
    fps: float
    timeline: str
    start: int
    end: int
    codec: str

    def summary(self) -> str:
        return (
            f"wrote {self.path}: {self.frames} frames of {self.width}x{self.height} at {self.fps:g} fps "
            f"({self.codec}), timeline {self.timeline!r} {self.start}..{self.end}"
        )


def parse_size(text: str) -> tuple[int, int]:
    """``640x480`` as (640, 480); both even (H.264's 4:2:0 needs it)."""
    try:
        width, height = (int(p) for p in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"invalid size {text!r}: expected WIDTHxHEIGHT, e.g. 640x480") from None
    if width < 16 or height < 16 or width % 2 or height % 2:
        raise ValueError(f"invalid size {text!r}: width and height must be even and at least 16")
    return width, height


def frame_times(kind: str, lo: int, hi: int, fps: float) -> list[int]:
    """The timeline values to render between ``lo`` and ``hi`` (both included)."""
    if fps <= 0:
        raise ValueError(f"fps must be positive, not {fps}")
    if hi < lo:
        raise ValueError(f"empty time range {lo}..{hi}")
    if kind == "sequence":
        count = hi - lo + 1
        step: float = 1
    else:  # duration / timestamp, in nanoseconds: 1x playback
        step = NS_PER_S / fps
        count = int((hi - lo) / step) + 1
    if count > MAX_FRAMES:
        raise ValueError(f"{count} frames is too many (at most {MAX_FRAMES}): narrow the range or lower fps")
    return [lo + round(i * step) for i in range(count)]


def _timeline_range(session: ViewerSession, timeline: str) -> tuple[str, int, int]:
    kinds = session.time.kinds  # filled from the store by the session's first prepare
    if timeline not in kinds:
        known = ", ".join(sorted(kinds)) or "none"
        raise ValueError(f"no timeline {timeline!r} in the recording (it has: {known})")
    rng = session.store.time_range(timeline)
    if rng is None:
        raise ValueError(f"timeline {timeline!r} has no data")
    return str(kinds[timeline]), int(rng[0]), int(rng[1])


def _pick_view(session: ViewerSession, view: str) -> None:
    views = session.state().get("views", [])
    for entry in views:
        if view in (entry.get("id"), entry.get("name")):
            session.maximize(str(entry["id"]))
            return
    names = ", ".join(repr(v.get("name")) for v in views) or "none"
    raise ValueError(f"no view {view!r} (views: {names})")


def _frame(session: ViewerSession, timeline: str, t: int) -> np.ndarray:
    from .snapshot import render_with_html_views

    session.set_time_ctrl(timeline, t, False)
    picture = render_with_html_views(session)
    return np.ascontiguousarray(np.asarray(picture)[..., :3])


def _open_stream(container: Any, width: int, height: int, fps: float) -> tuple[Any, str]:
    import av

    rate = Fraction(fps).limit_denominator(1001)
    for codec in ("libx264", "mpeg4"):
        if codec not in av.codecs_available:
            continue
        stream = container.add_stream(codec, rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        if codec == "mpeg4":
            stream.bit_rate = 4_000_000
        return stream, codec
    raise RuntimeError("this PyAV has neither a libx264 nor an mpeg4 encoder")


def export_session(
    session: ViewerSession,
    path: str | Path,
    *,
    timeline: str,
    start: int | None = None,
    end: int | None = None,
    fps: float = 30.0,
    view: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> VideoExport:
    """Render ``session``'s active recording over ``timeline`` (``start``..``end``, default: all of
    it) into the MP4 at ``path``. Errors are one-line ValueError / RuntimeError."""
    import av

    session.prepare(time.monotonic())  # the store's timelines and the layout
    kind, lo, hi = _timeline_range(session, timeline)
    lo, hi = (lo if start is None else int(start)), (hi if end is None else int(end))
    times = frame_times(kind, lo, hi, fps)
    if view is not None:
        _pick_view(session, view)
    width, height = session.size
    out = Path(path)
    with av.open(str(out), mode="w") as container:
        stream, codec = _open_stream(container, width, height, fps)
        for i, t in enumerate(times):
            rgb = _frame(session, timeline, t)
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            container.mux(stream.encode(frame))
            if progress is not None:
                progress(i + 1, len(times))
        container.mux(stream.encode(None))
    return VideoExport(out, len(times), width, height, fps, timeline, lo, hi, codec)


def export_stores(
    stores: Iterable[tuple[str, Any, str]],
    path: str | Path,
    *,
    size: tuple[int, int] = (640, 480),
    blueprint_source: Callable[[str], Any] | None = None,
    app_factory: Any = None,
    **options: Any,
) -> VideoExport:
    """Export the first of ``stores`` ((recording id, store, application id)) with a session of
    its own at ``size``; ``options`` as ``export_session``'s."""
    width, height = size
    if width % 2 or height % 2:
        raise ValueError(f"invalid size {width}x{height}: width and height must be even")
    session = ViewerSession(width, height, app_factory=app_factory)
    try:
        if blueprint_source is not None:
            session.blueprint.source = blueprint_source
        for rid, store, app_id in stores:
            session.add_store(rid, store, application_id=app_id, make_active=session.active is None)
        if session.store is None:
            raise ValueError("no recording to export")
        if session.error:
            raise RuntimeError(session.error)
        return export_session(session, path, **options)
    finally:
        session.close()
