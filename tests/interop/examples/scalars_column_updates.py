"""Scalars sent as one column against two timelines (sequence and duration)."""

import sys

import numpy as np

import rerun as rr

rr.init("rerun_example_scalars_cols")
rr.save(sys.argv[1])
steps = np.arange(0, 64)
rr.send_columns(
    "scalars",
    indexes=[rr.TimeColumn("step", sequence=steps), rr.TimeColumn("elapsed", duration=steps * 0.25)],
    columns=rr.Scalars.columns(scalars=np.sin(steps / 10.0)),
)
