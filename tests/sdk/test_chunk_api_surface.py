"""`rerun.chunk` has 0.41's public names, and every public callable takes the same parameters.

The same introspection script runs under both SDKs (ours in a subprocess too, so neither
imports the other); parameter names, kinds and defaults are compared, annotations are not.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import Oracle, ours_env

pytestmark = pytest.mark.interop

# Constructors that wrap a native handle in 0.41 (ours wrap the core object instead).
HANDLE_INIT = {"Chunk", "ChunkStore", "LazyChunkStream", "LazyStore", "StoreEntry"}

INTROSPECT = r"""
import inspect, json, sys
import rerun.chunk as m

def default(p):
    if p.default is inspect.Parameter.empty:
        return None
    if type(p.default).__name__ == "_AutoIndex":
        return "AUTO_INDEX"
    return repr(p.default)

def sig(fn):
    try:
        s = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    return [[p.name, p.kind.name, default(p)] for p in s.parameters.values()]

out = {}
for name in sorted(n for n in dir(m) if not n.startswith("_")):
    obj = getattr(m, name)
    if inspect.ismodule(obj) or name == "annotations":
        continue
    entry = {}
    if inspect.isclass(obj):
        for k in sorted(dir(obj)):
            if k.startswith("_") and k not in ("__init__", "__iter__", "__len__"):
                continue
            raw = inspect.getattr_static(obj, k)
            if isinstance(raw, property):
                entry[k] = "property"
            elif callable(getattr(obj, k)) and not inspect.isclass(getattr(obj, k)):
                entry[k] = sig(getattr(obj, k))
            else:
                entry[k] = "attribute"
    out[name] = entry
json.dump(out, sys.stdout)
"""


@pytest.fixture(scope="module")
def surfaces(oracle: Oracle) -> tuple[dict[str, dict[str, object]], dict[str, dict[str, object]]]:
    theirs = json.loads(oracle.run_script(INTROSPECT).stdout)
    proc = subprocess.run(
        [sys.executable, "-c", INTROSPECT],
        capture_output=True,
        text=True,
        timeout=120,
        env=ours_env(),
        check=True,
    )
    return json.loads(proc.stdout), theirs


def test_chunk_module_has_the_public_names_of_0_41(surfaces: tuple[dict, dict]) -> None:
    ours, theirs = surfaces
    assert set(ours) == set(theirs)


def test_chunk_api_members_and_signatures_match_0_41(surfaces: tuple[dict, dict]) -> None:
    ours, theirs = surfaces
    diffs = []
    for name, members in theirs.items():
        for member, spec in members.items():
            if member == "__init__" and name in HANDLE_INIT:
                continue
            got = ours[name].get(member, "<missing>")
            if got != spec:
                diffs.append(f"{name}.{member}: ours {got} vs 0.41 {spec}")
    assert not diffs, "\n".join(diffs)
