"""`init` options from the tutorials: a custom recording id, and a disabled default (no-op) stream."""

import sys

import rerun as rr

off = rr.RecordingStream("rerun_example_off", default_enabled=False)
off.log("ignored", rr.Scalars(1.0))
rr.init("rerun_example_custom_ids", recording_id="my-shared-recording-id")
assert rr.get_recording_id() == "my-shared-recording-id"
assert rr.get_application_id() == "rerun_example_custom_ids"
assert rr.is_enabled() and not off.is_enabled()
rr.save(sys.argv[1])
rr.log("kept", rr.Scalars(2.0))
