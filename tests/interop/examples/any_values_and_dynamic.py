"""Custom data: AnyValues (row and column updates), DynamicArchetype and extra values next to archetypes."""

import sys

import numpy as np

import rerun as rr

rr.init("rerun_example_any_values")
rr.save(sys.argv[1])
rr.log("any", rr.AnyValues(confidence=[1.2, 3.4, 5.6], description="Bla bla bla…", flags=[True, False, True]))
rr.log("dyn", rr.DynamicArchetype("MyArchetype", components={"value": [1, 2, 3], "name": "custom"}))
rr.log("extra", rr.Points2D([[-1, -1], [-1, 1]]), rr.AnyValues(confidence=[0.3, 0.4]))
steps = np.arange(5)
rr.send_columns(
    "any_cols",
    indexes=[rr.TimeColumn("step", sequence=steps)],
    columns=rr.AnyValues.columns(sin=np.sin(steps / 10.0), label=[f"s{i}" for i in steps]),
)
