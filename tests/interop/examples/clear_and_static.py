"""Static data, non-recursive and recursive clears, and `cleared()` on an archetype."""

import sys

import rerun as rr

rr.init("rerun_example_clear")
rr.save(sys.argv[1])
rr.log("config", rr.TextDocument("static once"), static=True)
for i in range(3):
    rr.set_time("frame", sequence=i)
    rr.log(f"things/{i}", rr.Points3D([[i, i, i]]))
rr.set_time("frame", sequence=5)
rr.log("things/0", rr.Clear(recursive=False))
rr.log("things", rr.Clear.recursive())
rr.log("things/2", rr.Points3D.cleared())
rr.log("config", rr.TextDocument("static again"), static=True)
