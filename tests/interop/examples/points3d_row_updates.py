"""Points moving over a sequence timeline, one log call per frame (row updates)."""

import sys

import numpy as np

import rerun as rr

rr.init("rerun_example_points3d_rows")
rr.save(sys.argv[1])
for frame in range(6):
    rr.set_time("frame", sequence=frame)
    xs = np.linspace(-1.0, 1.0, 8)
    pts = np.stack([xs, np.sin(xs * frame), np.full_like(xs, frame * 0.1)], axis=1)
    rr.log("cloud", rr.Points3D(pts, colors=[255, 128, 0], radii=[0.05 * (frame + 1)]))
