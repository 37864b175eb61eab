"""Notebook widget benchmark: whole frames as the browser gets them, and log-to-frame latency.

    .venv/bin/python -m benchmarks.bench_widget [--sizes 1000,100000,1000000] [--width 640 --height 480]

Per point count, through `rerun.notebook.Viewer` with the real renderer and a fake comm:
- "settled frame": scene update + render + PNG encode (what goes out once the camera stops);
- "drag": input event + render + JPEG encode per frame while orbiting, and the frames/s that gives;
- "log->frame": `rr.log` of one more entity until the pump has sent the first frame whose
  render drew it (kernel otherwise idle, the previous log's lossless frame already out;
  includes the notebook's live flush of the SDK batcher). With slow full frames that first
  frame is a preview (JPEG, reduced); the time to the lossless full frame is given beside it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
from typing import Any

import numpy as np

os.environ.setdefault("XDG_RUNTIME_DIR", f"/tmp/xdg-runtime-{os.getuid()}")
os.makedirs(os.environ["XDG_RUNTIME_DIR"], exist_ok=True)

import rerun as rr  # noqa: E402
from rerun import notebook as nb  # noqa: E402


class FakeComm:
    """Stands in for the browser: records frames and acks each at once."""

    def __init__(self, widget: Any) -> None:
        self.widget = widget
        self.frames: list[tuple[float, dict, int, set[str]]] = []
        self.drawn: set[str] = set()  # entities the last render drew (see _watch_entities)
        self.cond = threading.Condition()

    def __call__(self, content: dict, buffers: Any = None) -> None:
        if content.get("type") != "frame":
            return
        with self.cond:
            self.frames.append((time.perf_counter(), content, len(buffers[0]), self.drawn))
            self.cond.notify_all()
        self.widget.pump.ack(content["index"])


def _viewer(n: int, width: int, height: int) -> tuple[Any, Any, FakeComm]:
    rec = rr.RecordingStream("bench_widget", recording_id=f"bench{n}")
    rng = np.random.default_rng(0)
    rec.log(
        "points", rr.Points3D(rng.normal(size=(n, 3)).astype(np.float32), colors=[200, 120, 40], radii=0.01)
    )
    viewer = nb.Viewer(recording=rec, width=width, height=height)
    w = viewer.widget
    comm = FakeComm(w)
    w.send = comm
    w.session.set_size(width, height)
    return rec, viewer, comm


def bench_frames(n: int, width: int, height: int, frames: int) -> None:
    rec, viewer, comm = _viewer(n, width, height)
    w, pump = viewer.widget, viewer.widget.pump
    pump.close()  # no worker thread: this benchmark steps the pump itself
    pump.preview_above = None  # frame costs as such (previews are bench_latency's business)
    try:
        pump.set_visible("bench", True)
        t0 = time.perf_counter()
        pump.tick(now=1000.0)
        first = time.perf_counter() - t0
        settled = []
        for i in range(3):
            w.session.reset_camera()
            t0 = time.perf_counter()
            pump.tick(now=2000.0 + 10 * i)  # isolated change: PNG
            settled.append(time.perf_counter() - t0)
        cx, cy = width / 2, height / 2
        w.session.handle_input(
            {"event_type": "pointer_down", "x": cx, "y": cy, "button": 1, "buttons": [1], "modifiers": []}
        )
        drag = []
        now = 3000.0
        for i in range(frames):
            now += 0.034
            t0 = time.perf_counter()
            ev = {
                "event_type": "pointer_move",
                "x": cx + 4 * (i + 1),
                "y": cy,
                "button": 0,
                "buttons": [1],
                "modifiers": [],
            }
            w.session.handle_input(ev)
            pump.tick(now=now)
            drag.append(time.perf_counter() - t0)
        w.session.handle_input(
            {"event_type": "pointer_up", "x": cx, "y": cy, "button": 1, "buttons": [], "modifiers": []}
        )
        jpeg = [f for f in comm.frames if f[1]["mime"] == "image/jpeg"]
        med = statistics.median(drag[2:] or drag)
        print(
            f"widget n={n:>8} {width}x{height}: first frame {first * 1e3:7.1f} ms | settled (update+render+PNG) "
            f"{statistics.median(settled) * 1e3:6.1f} ms | drag frame (event+render+JPEG) median {med * 1e3:6.1f} ms "
            f"= {1 / med:5.1f} fps, {len(jpeg)} JPEG frames avg {np.mean([f[2] for f in jpeg]) / 1024 if jpeg else 0:.0f} KiB",
            flush=True,
        )
    finally:
        viewer.close()
        rec.disconnect()


def _watch_entities(viewer: Any, comm: FakeComm) -> None:
    """Stamp every sent frame with what its render drew: the entity paths, plus `path@z` with
    the z of each point cloud's first point (so only a frame that really shows the new data
    counts, also when a cloud is replaced)."""
    session = viewer.widget.session
    render = session.render

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        frame = render(*args, **kwargs)
        views = getattr(session.app, "_views", {}).values()
        drawn = set()
        for v in views:
            for (path, _), vis in getattr(v, "visualizers", {}).items():
                drawn.add(path)
                pts = getattr(vis, "points", None)
                if pts is not None and len(pts.geometry.positions.data):
                    drawn.add(f"{path}@{float(pts.geometry.positions.data[0][2]):.4f}")
        comm.drawn = drawn
        return frame

    session.render = wrapped


def _wait_idle(pump: Any, timeout: float = 5.0) -> None:
    """Until the pump has nothing left to send (the previous log's lossless frame went out)."""
    end = time.perf_counter() + timeout
    while time.perf_counter() < end and (pump._dirty or pump._refine_pending):
        time.sleep(0.02)


def _log_once(rec: Any, comm: FakeComm, pump: Any, i: int, n: int, replace: bool) -> tuple[Any, Any]:
    """Log once; -> (first frame drawing it, first lossless frame drawing it), (t, content, ...)."""
    _wait_idle(pump)
    time.sleep(0.1)
    with comm.cond:
        seen = len(comm.frames)
    t0 = time.perf_counter()
    if replace:  # a fresh cloud into the same entity, as a live loop does
        pos = np.random.default_rng(i).normal(size=(n, 3)).astype(np.float32)
        pos[0] = (0.0, 0.0, i * 0.001)
        marker = f"/points@{i * 0.001:.4f}"
        rec.log("points", rr.Points3D(pos, colors=[200, 120, 40], radii=0.01))
    else:  # one more entity
        marker = f"/extra/{i}"
        rec.log(marker, rr.Points3D([[i * 0.1, 0, 0]], radii=0.2))
    with comm.cond:
        comm.cond.wait_for(lambda: any(marker in f[3] for f in comm.frames[seen:]), timeout=5.0)
    _wait_idle(pump)
    with comm.cond:
        shown = [(f[0] - t0, *f[1:]) for f in comm.frames[seen:] if marker in f[3]]
    if os.environ.get("BENCH_DEBUG"):  # every frame since the log: (ms, mime, shows it)
        print([(round((f[0] - t0) * 1e3), f[1]["mime"], marker in f[3]) for f in comm.frames[seen:]])
    png = [f for f in shown if f[1]["mime"] == "image/png"]
    return (shown[0] if shown else None), (png[0] if png else None)


def bench_latency(
    n: int, width: int, height: int, repeats: int, *, previews: bool = True, replace: bool = False
) -> None:
    rec, viewer, comm = _viewer(n, width, height)
    pump = viewer.widget.pump
    if not previews:
        pump.preview_above = None  # the behaviour before previews, for comparison in one run
    _watch_entities(viewer, comm)
    try:
        pump.set_visible("bench", True)
        pump.start()
        with comm.cond:  # the first frame (pipeline compile) is out before timing starts
            comm.cond.wait_for(lambda: len(comm.frames) > 0, timeout=30.0)
        lat, full, kinds = [], [], []
        for i in range(repeats):
            first, lossless = _log_once(rec, comm, pump, i, n, replace)
            if i == 0:  # warm-up (a new entity's first upload)
                continue
            if first is not None:
                lat.append(first[0])
                kinds.append(first[1]["mime"].split("/")[1])
            if lossless is not None:
                full.append(lossless[0])
        what = "cloud replaced" if replace else "one more entity"
        if lat:
            print(
                f"widget n={n:>8} {what}{'' if previews else ' (no previews)'}: log->frame "
                "(first frame drawing it) median "
                f"{statistics.median(lat) * 1e3:6.1f} ms, max {max(lat) * 1e3:6.1f} ms over {len(lat)} logs "
                f"({'/'.join(sorted(set(kinds)))}); lossless full frame after "
                f"{statistics.median(full) * 1e3 if full else float('nan'):6.1f} ms (kernel idle)",
                flush=True,
            )
        else:
            print(f"widget n={n:>8} {what}: log->frame: no frame arrived", flush=True)
    finally:
        viewer.close()
        rec.disconnect()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="1000,100000,1000000")
    ap.add_argument("--width", type=int, default=640)
    ap.add_argument("--height", type=int, default=480)
    ap.add_argument("--frames", type=int, default=30)
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--compare", action="store_true", help="also log->frame at 100k with previews off")
    args = ap.parse_args()
    for n in (int(s) for s in args.sizes.split(",")):
        bench_frames(n, args.width, args.height, args.frames)
    for n in (1000, 100_000, 1_000_000):
        bench_latency(n, args.width, args.height, args.repeats)
    bench_latency(100_000, args.width, args.height, args.repeats, replace=True)
    if args.compare:
        bench_latency(100_000, args.width, args.height, args.repeats, previews=False)
        bench_latency(100_000, args.width, args.height, args.repeats, previews=False, replace=True)


if __name__ == "__main__":
    main()
