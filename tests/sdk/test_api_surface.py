"""API surface against rerun-sdk 0.41: the public names and the signatures issue 3 lists.

A probe runs in both interpreters (ours, and the real SDK in `.venv-oracle`) and prints, per
name, its signature reduced to what a caller can observe: parameter names, kinds and defaults
(annotations are ignored: ours are looser where 0.41 names its private type aliases).
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from typing import Any

import pytest

from tests.conftest import Oracle

pytestmark = pytest.mark.interop

PROBE = r"""
import importlib, inspect, json

def shape(obj):
    if inspect.ismodule(obj):
        return "module"
    if not callable(obj):
        return "value"
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return "callable"
    out = []
    for p in sig.parameters.values():
        if p.name == "self":
            continue
        d = p.default
        plain = d is None or isinstance(d, (bool, int, float, str, bytes, tuple, list, dict))
        default = "" if d is p.empty else repr(d) if plain else type(d).__name__  # sentinels
        out.append(f"{p.kind.name}:{p.name}={default}")
    return out

import rerun
result = {}
for modname in ("rerun", "rerun.archetypes", "rerun.components", "rerun.datatypes",
                "rerun.blueprint", "rerun.notebook"):
    mod = importlib.import_module(modname)
    names = [n for n in dir(mod) if not n.startswith("_")]
    result[modname] = {n: shape(getattr(mod, n)) for n in names if hasattr(mod, n)}
cls = rerun.RecordingStream
result["RecordingStream"] = {
    n: shape(getattr(cls, n)) for n in dir(cls) if not n.startswith("_") or n in ("__init__", "__enter__", "__exit__")
}
print(json.dumps(result))
"""

# Functions issue 3 names (`flush` aside: 0.41 has it only as a RecordingStream method); their signatures must match 0.41 exactly (names, kinds, defaults).
ISSUE_FUNCTIONS = (
    "init log set_time send_columns save stdout memory_recording connect_grpc serve_grpc spawn "
    "serve_web_viewer notebook_show script_add_args script_setup script_teardown set_sinks FileSink "
    "disconnect send_recording_name send_property send_recording_start_time_nanos "
    "log_file_from_path log_file_from_contents disable_timeline reset_time get_global_data_recording "
    "set_global_data_recording set_thread_local_data_recording get_recording_id get_application_id "
    "is_enabled set_strict_mode TimeColumn RecordingStream"
).split()

# Public names of 0.41 we do not have (none of them is in issue 3): its Rust bindings, the
# catalog/server clients, authentication, URDF loading, the tracing helpers and private imports.
KNOWN_MISSING = {
    "rerun": {
        "TYPE_CHECKING", "auth", "bindings", "cast", "catalog", "chunk", "experimental", "legacy_notebook_show",
        "login", "logout", "server", "sys", "tracing_session", "urdf", "web",
    },
    "rerun.blueprint": {
        "AudioView", "BlueprintPart", "ContainerLike", "LockRangeDuringZoom", "PanelStateLike",
        "TableBlueprint", "VisualizableArchetype", "containers", "encodings", "experimental", "table",
    },
    # 0.41's private imports and binding re-exports, not API.
    "rerun.notebook": {
        "HAS_NOTEBOOK", "Path", "RecordBatch", "RerunMissingDependencyError", "TYPE_CHECKING",
        "bindings", "contextmanager", "html", "ipc", "os", "pyarrow", "to_nanos", "to_nanos_since_epoch",
    },
}  # fmt: skip

# RecordingStream methods whose signature differs from 0.41 (in files outside this test's owner;
# see docs/issue-3-audit.md). Strict xfail: a fix turns the test red until the entry is removed.
KNOWN_METHOD_DIFFS: dict[str, str] = {}


def _probe(python: str, extra: list[str], env: dict[str, str] | None) -> dict[str, Any]:
    out = subprocess.run(
        [python, *extra, "-c", PROBE], capture_output=True, text=True, timeout=120, env=env, check=True
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


@cache
def _surfaces() -> tuple[dict[str, Any], dict[str, Any]]:
    oracle = Oracle()
    return _probe(sys.executable, [], None), _probe(str(oracle.python), ["-P"], oracle.env())


def _module_names() -> list[str]:
    return [
        "rerun",
        "rerun.archetypes",
        "rerun.components",
        "rerun.datatypes",
        "rerun.blueprint",
        "rerun.notebook",
    ]


@pytest.mark.parametrize("module", _module_names())
def test_public_names_exist(module: str, oracle: Oracle) -> None:
    ours, theirs = _surfaces()
    # 0.41's per-type submodules (rerun.archetypes.points3d, ...) are generated-code layout.
    wanted = {n for n, s in theirs[module].items() if not (s == "module" and module != "rerun")}
    missing = wanted - set(ours[module]) - KNOWN_MISSING.get(module, set())
    assert not missing, f"{module} lacks {sorted(missing)}"


@pytest.mark.parametrize("name", ISSUE_FUNCTIONS)
def test_issue_function_signature(name: str, oracle: Oracle) -> None:
    ours, theirs = _surfaces()
    assert name in ours["rerun"], f"rr.{name} is missing"
    assert ours["rerun"][name] == theirs["rerun"][name], f"rr.{name}: ours {ours['rerun'][name]}"


def _method_names() -> list[str]:
    return [
        "__init__", "__enter__", "__exit__", "log", "set_time", "send_columns", "save", "stdout",
        "memory_recording", "connect_grpc", "serve_grpc", "spawn", "notebook_show", "set_sinks",
        "disconnect", "flush", "send_recording_name", "send_property", "send_recording_start_time_nanos",
        "log_file_from_path", "log_file_from_contents", "disable_timeline", "reset_time", "is_enabled",
        "get_recording_id", "get_application_id", "binary_stream", "send_blueprint", "send_chunks",
        "send_dataframe", "send_record_batch", "set_log_tick_enabled",
    ]  # fmt: skip


@pytest.mark.parametrize("method", _method_names())
def test_recording_stream_method(method: str, oracle: Oracle, request: pytest.FixtureRequest) -> None:
    if method in KNOWN_METHOD_DIFFS:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_METHOD_DIFFS[method], strict=True))
    ours, theirs = _surfaces()
    assert method in theirs["RecordingStream"], f"0.41 has no RecordingStream.{method}"
    assert method in ours["RecordingStream"], f"RecordingStream.{method} is missing"
    assert ours["RecordingStream"][method] == theirs["RecordingStream"][method]


def test_every_recording_stream_method_exists(oracle: Oracle) -> None:
    ours, theirs = _surfaces()
    missing = set(theirs["RecordingStream"]) - set(ours["RecordingStream"])
    assert not missing, f"RecordingStream lacks {sorted(missing)}"


def test_dir_lists_lazy_names() -> None:
    """Tab completion: `dir(rr)` shows archetypes that resolve lazily, without importing them first."""
    code = (
        "import rerun as rr; d = dir(rr); print(all(n in d for n in ('Points3D', 'archetypes', 'Scalars')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "True"


def test_blueprint_view_signatures(oracle: Oracle) -> None:
    """Views list their properties as keywords (IDE help and `inspect` see what 0.41 shows)."""
    ours, theirs = _surfaces()
    views = [n for n in theirs["rerun.blueprint"] if n.endswith("View") and n in ours["rerun.blueprint"]]
    differ = [n for n in views if ours["rerun.blueprint"][n] != theirs["rerun.blueprint"][n]]
    assert len(views) > 10 and not differ, f"differing view signatures: {differ}"


# Component classes whose constructor still differs from 0.41 (documented in docs/issue-3-audit.md).
KNOWN_COMPONENT_DIFFS = {"GeoLineString", "MediaType", "Plane3D", "Scale3D", "TextLogLevel", "Timestamp"}


def test_component_constructor_signatures(oracle: Oracle) -> None:
    """`rr.components.Color(rgba=...)`, `Position3D(xyz=...)`: argument names as 0.41 names them."""
    ours, theirs = _surfaces()
    mine, real = ours["rerun.components"], theirs["rerun.components"]
    classes = [n for n, s in real.items() if isinstance(s, list) and n[0].isupper() and n in mine]
    differ = sorted(n for n in classes if mine[n] != real[n] and n not in KNOWN_COMPONENT_DIFFS)
    assert len(classes) > 50 and not differ, {n: (mine[n], real[n]) for n in differ}
