"""The migration guide's `log_tick`: enabled per recording, counted on every log call."""

import sys

import rerun as rr

rr.init("rerun_example_log_tick")
rr.set_log_tick_enabled(True)
rr.save(sys.argv[1])
for i in range(4):
    rr.log("ticked", rr.Scalars(float(i)))
rr.set_log_tick_enabled(False)
rr.log("not_ticked", rr.Scalars(9.0))
