"""The readers' public surface equals 0.41's: names, members, signatures (rerun.experimental, rerun.urdf)."""

from __future__ import annotations

import json

import pytest
from reader_interop import run_ours

DUMP = """
import inspect, json, importlib
out = {}
for mod, names in [
    ("rerun.experimental", ["Hdf5Reader", "DatasetInfo", "ParquetReader", "Mp4Reader", "Mp4TranscodeOptions", "LeRobotReader"]),
    ("rerun.urdf", ["UrdfTree", "UrdfJoint", "UrdfLink", "UrdfMimic"]),
]:
    m = importlib.import_module(mod)
    for name in names:
        cls = getattr(m, name)
        members = {}
        for attr, value in sorted(vars(cls).items()):
            if attr.startswith("_") and attr not in ("__init__", "__repr__"):
                continue
            if isinstance(value, property):
                members[attr] = "property"
            elif isinstance(value, staticmethod):
                members[attr] = "static " + str(inspect.signature(value.__func__)).split(" -> ")[0]
            elif callable(value):
                sig = inspect.signature(value)
                members[attr] = [(p.name, str(p.kind), p.default is not inspect.Parameter.empty) for p in sig.parameters.values()]
        fields = getattr(cls, "__dataclass_fields__", None)
        if fields:
            members["fields"] = sorted(fields)
        out[f"{mod}.{name}"] = members
print(json.dumps(out, indent=1, sort_keys=True, default=str))
"""


@pytest.mark.interop
def test_public_surface_matches_real_sdk(oracle) -> None:
    theirs = json.loads(oracle.run_script(DUMP).stdout)
    ours = json.loads(run_ours(DUMP).stdout)
    for name in theirs:
        assert ours[name] == theirs[name], name
