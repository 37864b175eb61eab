"""`set_sinks` with a FileSink (as the how-to guide), data logged after it."""

import sys

import rerun as rr

rr.init("rerun_example_set_sinks")
rr.set_sinks(rr.FileSink(sys.argv[1]))
rr.log("points", rr.Points3D([[0, 0, 0], [1, 1, 1]]))
rr.set_time("frame", sequence=3)
rr.log("scalar", rr.Scalars(3.0))
rr.get_global_data_recording().flush()
