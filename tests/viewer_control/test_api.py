"""Our `rerun.experimental.ViewerClient` has rerun-sdk 0.41's API: the same methods with the same
parameters (names, kinds, defaults), and the same dataclasses with the same fields, exported from
`rerun.experimental`."""

from __future__ import annotations

import json

import pytest

API_DUMP = """
import dataclasses, inspect, json
import rerun.experimental as ex

NAMES = [
    "Blueprint", "BlueprintInfo", "Command", "ComponentSchema", "DatasetAssetSchema", "DatasetSchema",
    "EntitySchema", "LoadingSource", "LogEntry", "OpenResult", "ProfileTrace", "Recording",
    "RecordingSchema", "TableColumnSchema", "Timeline", "View", "ViewerState", "ViewReport",
]

def params(fn):
    out = []
    for p in inspect.signature(fn).parameters.values():
        default = None if p.default is inspect.Parameter.empty else repr(p.default)
        out.append([p.name, p.kind.name, default])
    return out

methods = {}
for name, member in inspect.getmembers(ex.ViewerClient):
    if name.startswith("_") and name != "__init__":
        continue
    if isinstance(member, property):
        methods[name] = "property"
    elif callable(member):
        methods[name] = params(member)
print(json.dumps({
    "methods": methods,
    "dataclasses": {n: [f.name for f in dataclasses.fields(getattr(ex, n))] for n in NAMES},
    "store_id": ex.StoreId.__name__,
}))
"""


def _ours() -> dict:  # type: ignore[type-arg]
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", API_DUMP], capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.interop
def test_viewer_client_api_matches_0_41(oracle) -> None:  # type: ignore[no-untyped-def]
    theirs = json.loads(oracle.run_script(API_DUMP).stdout.strip().splitlines()[-1])
    ours = _ours()
    assert sorted(ours["methods"]) == sorted(theirs["methods"])
    for name, signature in theirs["methods"].items():
        assert ours["methods"][name] == signature, name
    assert ours["dataclasses"] == theirs["dataclasses"]
    assert ours["store_id"] == theirs["store_id"] == "str"
