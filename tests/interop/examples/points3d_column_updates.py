"""The same points sent as columns: one `send_columns` with partitioned positions."""

import sys

import numpy as np

import rerun as rr

rr.init("rerun_example_points3d_cols")
rr.save(sys.argv[1])
steps = np.arange(4)
positions = np.arange(3 * 10, dtype=np.float64).reshape(10, 3) / 7.0
rr.send_columns(
    "cloud",
    indexes=[rr.TimeColumn("step", sequence=steps)],
    columns=[
        *rr.Points3D.columns(positions=positions).partition(lengths=[1, 2, 3, 4]),
        *rr.Points3D.columns(
            colors=[0xFF0000FF, 0x00FF00FF, 0x0000FFFF, 0xFFFFFFFF], radii=[0.1, 0.2, 0.3, 0.4]
        ),
    ],
)
