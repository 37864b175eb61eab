"""Every way to set time: sequences, durations and timestamps from numbers, numpy and datetime."""

import sys
from datetime import datetime, timedelta, timezone

import numpy as np

import rerun as rr

rr.init("rerun_example_set_time")
rr.save(sys.argv[1])
rr.set_time("frame_nr", sequence=7)
rr.set_time("sensor_time", duration=1.5)
rr.set_time("span", duration=timedelta(seconds=3, microseconds=250))
rr.set_time("np_span", duration=np.timedelta64(125, "ms"))
rr.set_time("capture_time", timestamp=datetime(2025, 3, 1, 12, 0, 0, tzinfo=timezone.utc))
rr.set_time("np_stamp", timestamp=np.datetime64("2025-03-01T12:00:00.5"))
rr.set_time("float_stamp", timestamp=1_740_830_400.25)
rr.log("reading", rr.Scalars(0.5))
rr.disable_timeline("np_span")
rr.log("reading", rr.Scalars(0.75))
rr.reset_time()
rr.log("untimed", rr.TextLog("no timelines but log_time"))
