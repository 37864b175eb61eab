"""Several scalar series with static styling (SeriesLines / SeriesPoints), logged per step."""

import math
import sys

import rerun as rr

rr.init("rerun_example_scalars_plots")
rr.save(sys.argv[1])
rr.log("trig/sin", rr.SeriesLines(colors=[255, 0, 0], names="sin(0.01t)", widths=2), static=True)
rr.log("trig/cos", rr.SeriesLines(colors=[0, 255, 0], names="cos(0.01t)", widths=1.5), static=True)
rr.log("scatter/lcg", rr.SeriesPoints(colors=[200, 200, 0], markers="cross", marker_sizes=3), static=True)
lcg = 0
for t in range(0, 120):
    rr.set_time("step", sequence=t)
    rr.log("trig/sin", rr.Scalars(math.sin(t / 100.0)))
    rr.log("trig/cos", rr.Scalars(math.cos(t / 100.0)))
    lcg = (1140671485 * lcg + 128201163) % 16777216
    rr.log("scatter/lcg", rr.Scalars(lcg / 16777216.0))
