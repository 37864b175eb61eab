"""Renderer benchmark: frame time (scene update + render) and frames/s while the camera moves.

    .venv/bin/python benchmarks/bench_render.py [--sizes 1000,100000,1000000] [--width 640 --height 480]

Prints one line per measurement. "update+render" logs new positions (same count) into the
store each frame, so the scene cache rewrites buffers in place; "update+preview" does the same
but renders a preview (``render(preview=True)``: reduced scale, point budget), the widget's
first frame when full frames are slow; "orbit" drags the camera over
the points with ``ViewerApp.handle_event`` (reduced resolution while dragging, as the widget does).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
import pyarrow as pa

os.environ.setdefault("XDG_RUNTIME_DIR", f"/tmp/xdg-runtime-{os.getuid()}")
os.makedirs(os.environ["XDG_RUNTIME_DIR"], exist_ok=True)

from rerun_core.store.chunk import Chunk, TimeColumn  # noqa: E402
from rerun_core.store.store import ChunkStore  # noqa: E402
from rerun_core.types import ComponentDescriptor, TimeType, new_tuids  # noqa: E402
from rerun_core.viewer import ViewerApp  # noqa: E402


def log_points(store: ChunkStore, pts: np.ndarray, colors: np.ndarray, t: int) -> None:
    flat = pa.FixedSizeListArray.from_arrays(pa.array(pts.reshape(-1), pa.float32()), 3)
    comps = {
        ComponentDescriptor("Points3D:positions", "rerun.archetypes.Points3D"): pa.ListArray.from_arrays(
            pa.array([0, len(pts)], pa.int32()), flat
        ),
        ComponentDescriptor("Points3D:colors", "rerun.archetypes.Points3D"): pa.ListArray.from_arrays(
            pa.array([0, len(colors)], pa.int32()), pa.array(colors, pa.uint32())
        ),
    }
    tl = [TimeColumn.from_values("frame", TimeType.SEQUENCE, [t])]
    store.insert(Chunk.from_columns("points", new_tuids(1), tl, comps))


def bench_size(n: int, width: int, height: int, frames: int) -> None:
    rng = np.random.default_rng(0)
    store = ChunkStore()
    colors = rng.integers(0, 2**32 - 1, n, dtype=np.uint32) | np.uint32(0xFF)  # opaque
    log_points(store, rng.normal(size=(n, 3)).astype(np.float32), colors, 0)
    app = ViewerApp(store, width, height)
    app.render()  # warm-up: pipelines compiled
    render_only, update_render, update_preview = [], [], []
    for i in range(frames):
        app.set_time("frame", None)  # mark dirty without new data
        t0 = time.perf_counter()
        app.render()
        render_only.append(time.perf_counter() - t0)
        log_points(store, rng.normal(size=(n, 3)).astype(np.float32), colors, i + 1)
        t0 = time.perf_counter()
        app.render()
        update_render.append(time.perf_counter() - t0)
        log_points(store, rng.normal(size=(n, 3)).astype(np.float32), colors, frames + i + 1)
        t0 = time.perf_counter()
        app.render(preview=True)  # what the widget sends first when full frames are slow
        update_preview.append(time.perf_counter() - t0)
    print(
        f"{n:>9} points {width}x{height}: render {1e3 * statistics.median(render_only):7.1f} ms, "
        f"update+render {1e3 * statistics.median(update_render):7.1f} ms, "
        f"update+preview {1e3 * statistics.median(update_preview):7.1f} ms (median of {frames})"
    )
    if n == 100_000:
        bench_orbit(app, width, height, frames * 3)
    app.close()


def bench_orbit(app: ViewerApp, width: int, height: int, frames: int) -> None:
    cx, cy = width // 2, height // 2
    app.handle_event({"event_type": "pointer_down", "x": cx, "y": cy, "button": 1, "modifiers": []})
    for i in range(15):  # let the adaptive scale / point budget settle first
        app.handle_event({"event_type": "pointer_move", "x": cx + i, "y": cy, "button": 1, "modifiers": []})
        app.render()
    t0 = time.perf_counter()
    for i in range(frames):
        app.handle_event(
            {"event_type": "pointer_move", "x": cx + (i % 40) * 3, "y": cy, "button": 1, "modifiers": []}
        )
        app.render()
    dt = time.perf_counter() - t0
    app.handle_event({"event_type": "pointer_up", "x": cx, "y": cy, "button": 1, "modifiers": []})
    print(
        f"   orbit over 100k points at {width}x{height} (adaptive scale, ended at {app._last_scale:.2f} and {app._moving_points} points per cloud, "
        f"while moving): {frames / dt:5.1f} frames/s"
    )
    app.interactive_scale = app.min_interactive_scale = app._moving_scale = 1.0
    app.interactive_max_points = app.min_interactive_points = app._moving_points = 10**9
    app.handle_event({"event_type": "pointer_down", "x": cx, "y": cy, "button": 1, "modifiers": []})
    t0 = time.perf_counter()
    for i in range(frames):
        app.handle_event(
            {"event_type": "pointer_move", "x": cx + (i % 40) * 3, "y": cy, "button": 1, "modifiers": []}
        )
        app.render()
    dt = time.perf_counter() - t0
    app.handle_event({"event_type": "pointer_up", "x": cx, "y": cy, "button": 1, "modifiers": []})
    print(f"   orbit over 100k points at {width}x{height} (full resolution): {frames / dt:5.1f} frames/s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,100000,1000000")
    ap.add_argument("--width", type=int, default=640)
    ap.add_argument("--height", type=int, default=480)
    ap.add_argument("--frames", type=int, default=5)
    args = ap.parse_args()
    app_info = None
    for n in (int(s) for s in args.sizes.split(",")):
        bench_size(n, args.width, args.height, args.frames)
        if app_info is None:
            from rerun_core.viewer.gpu import check_gpu

            app_info = check_gpu()
            print(
                f"   adapter: {app_info.get('device')} ({app_info.get('adapter_type')}, {app_info.get('backend_type')})"
            )


if __name__ == "__main__":
    main()
