"""Line strips (2D/3D, batched) and arrows, with per-strip colors and labels."""

import sys

import numpy as np

import rerun as rr

rr.init("rerun_example_lines_arrows")
rr.save(sys.argv[1])
rr.log(
    "strips2d",
    rr.LineStrips2D(
        [[[0, 0], [2, 1], [4, -1], [6, 0]], [[0, 3], [1, 4], [2, 2]]],
        colors=[[255, 0, 0], [0, 255, 0]],
        radii=[0.025, 0.005],
        labels=["one", "two"],
    ),
)
rr.log(
    "strips3d",
    rr.LineStrips3D(
        [np.array([[0, 0, 0], [0, 0, 1], [1, 0, 0]], dtype=np.float32)], radii=rr.Radius.ui_points(2.0)
    ),
)
rr.log("segments", rr.LineStrips3D(np.array([[[0, 0, 0], [1, 1, 1]], [[1, 0, 0], [0, 1, 0]]])))
origins = np.zeros((8, 3))
angles = np.arange(8) * np.pi / 4
vectors = np.stack([np.cos(angles), np.sin(angles), angles / 8], axis=1)
rr.log(
    "arrows3d", rr.Arrows3D(origins=origins, vectors=vectors, colors=(vectors * 127 + 128).astype(np.uint8))
)
rr.log("arrows2d", rr.Arrows2D(origins=[[0, 0]], vectors=[[1, 1]], labels="diag"))
