"""Two recordings at once: an explicit stream as a context manager and via `recording=`."""

import sys

import rerun as rr

rec = rr.RecordingStream("rerun_example_explicit", recording_id="explicit-1")
rec.save(sys.argv[1])
with rec:
    rr.set_time("frame", sequence=1)
    rr.log("inside", rr.Points2D([[1, 2]]))
rr.set_time("frame", sequence=2, recording=rec)
rr.log("via_kw", rr.Scalars(2.0), recording=rec)
other = rr.RecordingStream("rerun_example_other", recording_id="explicit-2")
other.log("elsewhere", rr.Scalars(9.0))  # never saved: buffered and dropped
rec.log("direct", rr.TextLog("done"))
