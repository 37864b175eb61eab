"""Recording name, start time and user properties, set on an explicit recording."""

import sys

import rerun as rr

rec = rr.RecordingStream("rerun_example_properties", recording_id="fixed-id")
rec.save(sys.argv[1])
rec.send_recording_name("A named recording")
rec.send_recording_start_time_nanos(1_742_539_110_661_000_000)
rec.send_property("camera", rr.Points3D([[1.0, 0.1, 1.0]]))
rec.send_property("situation", rr.AnyValues(traffic="low", confidences=[0.3, 0.4]))
rec.log("points", rr.Points3D([[0, 0, 0]]))
