"""What pyright (the checker behind VS Code's Pylance) sees of the SDK: real classes and signatures.

test_api_conformance_types.py checks mypy. Pyright reads packages differently: in a ``py.typed``
package only names in a statically readable ``__all__`` (or re-exported explicitly) are public,
and ``reveal_type`` of a name built at run time is ``Unknown``. One pyright run (basic mode,
against .venv's interpreter) checks four generated scripts: correct user code, wrong user code,
every public name of the public modules, and the signatures of public callables, which are
compared with the real 0.41 SDK's. Pyright is the npm package scripts/install.sh puts under
tests/.emulators; without it these tests skip.
"""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYRIGHT = ROOT / "tests" / ".emulators" / "node_modules" / ".bin" / "pyright"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PYRIGHT.exists(), reason="pyright is not installed (scripts/install.sh)"),
]

GOOD = """
import numpy as np
import rerun as rr
import rerun.blueprint as rrb

rr.init("rerun_example_pyright", spawn=False)
rr.set_time("step", sequence=1)
rr.log("points", rr.Points3D(positions=np.zeros((3, 3)), radii=0.1, colors=[255, 0, 0], labels=["a"] * 3))
rr.log("img", rr.Image(np.zeros((4, 4, 3), dtype=np.uint8)))
rr.log("t", rr.Transform3D(translation=[1, 2, 3], quaternion=rr.Quaternion(xyzw=[0, 0, 0, 1])))
rr.log("b", rr.Boxes3D(half_sizes=[[1, 2, 3]], rotation_axis_angles=rr.RotationAxisAngle([0, 0, 1], degrees=3)))
rr.log("x", rr.TextLog("hi", level=rr.TextLogLevel.INFO))
rr.log("s", rr.Scalars(3.0), static=False)
rr.send_columns("p", indexes=[rr.TimeColumn("step", sequence=[1, 2])], columns=rr.Scalars.columns(scalars=[1.0, 2.0]))
blueprint = rrb.Blueprint(rrb.Horizontal(rrb.Spatial3DView(origin="/"), rrb.TimeSeriesView()), collapse_panels=True)
color = rr.components.Color([1, 2, 3])
vec = rr.datatypes.Vec3D([1, 2, 3])
kind = rr.components.Colormap.Viridis
client_type = rr.catalog.CatalogClient
viewer_type = rr.notebook.Viewer
reveal_type(rr.Points3D)
reveal_type(rr.Image)
reveal_type(rr.Transform3D)
reveal_type(rrb.Spatial3DView)
reveal_type(rr.catalog.CatalogClient)
reveal_type(rr.notebook.Viewer)
reveal_type(rr.components.Color)
reveal_type(rr.datatypes.Vec3D)
reveal_type(rr.log)
reveal_type(rr.init)
"""

BAD = """
import rerun as rr
import rerun.blueprint as rrb

rr.log("bad", rr.Points3D([[1, 2, 3]], radiii=0.1))
rr.init("app", "two", "three")
rrb.Spatial3DView(origin="/", zoom=1)
rr.set_time("step", sequence=1, sequense=2)
"""

# Modules whose every public name must be visible (`__all__`, or the public non-module attributes)
SURFACE = (
    "rerun",
    "rerun.archetypes",
    "rerun.components",
    "rerun.datatypes",
    "rerun.blueprint",
    "rerun.blueprint.archetypes",
    "rerun.blueprint.components",
    "rerun.blueprint.views",
    "rerun.catalog",
    "rerun.notebook",
    "rerun.experimental",
)

# Public callables whose parameters pyright sees, compared with 0.41's (classes: their __init__)
CALLABLES = (
    "rr.init rr.log rr.set_time rr.send_columns rr.connect_grpc rr.save rr.spawn rr.disconnect rr.reset_time "
    "rr.log_file_from_path rr.serve_grpc rr.set_sinks rr.send_blueprint "
    "rr.Points3D rr.Points2D rr.Image rr.Transform3D rr.Scalars rr.TextLog rr.Boxes3D rr.Mesh3D rr.LineStrips3D "
    "rr.EncodedImage rr.AssetVideo rr.TimeColumn rr.AnyValues rr.Pinhole rr.SeriesLines rr.DepthImage "
    "rr.RecordingStream rr.components.Color rr.datatypes.Vec3D rr.blueprint.Spatial3DView "
    "rr.blueprint.Blueprint rr.blueprint.Horizontal rr.blueprint.TimeSeriesView rr.notebook.Viewer "
    "rr.catalog.CatalogClient"
).split()

# Parameters ours adds on purpose (documented as not in 0.41)
EXTENSIONS = {"rr.notebook.Viewer": ("memory_limit",)}


def public_names(modname: str) -> list[str]:
    module = importlib.import_module(modname)
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in dir(module) if not isinstance(getattr(module, n), types.ModuleType)]
    return [n for n in names if not n.startswith("_")]


def oracle_public_names(modnames: list[str]) -> dict[str, set[str]]:
    """Modules without `__all__` (`rerun`): their public names are the ones 0.41's module has too."""
    code = (
        "import importlib, json, types\n"
        f"mods = {{m: importlib.import_module(m) for m in {modnames!r}}}\n"
        "print(json.dumps({m: [n for n in dir(v) if not isinstance(getattr(v, n), types.ModuleType)]"
        " for m, v in mods.items()}))"
    )
    out = subprocess.run(
        [str(ORACLE), "-P", "-c", code], capture_output=True, text=True, timeout=120, cwd="/"
    )
    assert out.returncode == 0, out.stderr
    return {m: set(names) for m, names in json.loads(out.stdout).items()}


ORACLE = ROOT / ".venv-oracle" / "bin" / "python"
# 0.41 leaks these typing helpers into `rerun`'s (and `rerun.experimental`'s) namespace; they are not part of its API
NOT_API = {"Any", "Callable", "TYPE_CHECKING", "TypeVar", "annotations", "Mapping", "Sequence", "Iterable"}


def surface_script() -> str:
    lines = []
    without_all = [m for m in SURFACE if not hasattr(importlib.import_module(m), "__all__")]
    in_0_41 = oracle_public_names(without_all)
    for modname in SURFACE:
        alias = "m_" + modname.replace(".", "_")
        lines.append(f"import {modname} as {alias}")
        for name in public_names(modname):
            if name in NOT_API or (modname in in_0_41 and name not in in_0_41[modname]):
                continue
            lines.append(f"reveal_type({alias}.{name})")
    return "\n".join(lines) + "\n"


def signature_script() -> str:
    lines = ["import rerun as rr", "import rerun.blueprint", "import rerun.catalog", "import rerun.notebook"]
    for name in CALLABLES:
        lines.append(
            f"reveal_type({name}.__init__)"
            if name[3].isupper() or "." in name[3:]
            else f"reveal_type({name})"
        )
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def diagnostics(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[int, str, str]]]:
    """(line, severity, message) of each script's diagnostics from one pyright run."""
    work = tmp_path_factory.mktemp("pyright")
    scripts = {
        "good": textwrap.dedent(GOOD),
        "bad": textwrap.dedent(BAD),
        "surface": surface_script(),
        "signatures": signature_script(),
    }
    for name, text in scripts.items():
        (work / f"{name}.py").write_text(text)
    (work / "pyrightconfig.json").write_text(json.dumps({"typeCheckingMode": "basic"}))
    proc = subprocess.run(
        [str(PYRIGHT), "--outputjson", "--pythonpath", sys.executable, *(f"{n}.py" for n in scripts)],
        capture_output=True,
        text=True,
        cwd=work,
        timeout=300,
    )
    report = json.loads(proc.stdout)
    out: dict[str, list[tuple[int, str, str]]] = {name: [] for name in scripts}
    for d in report["generalDiagnostics"]:
        out[Path(d["file"]).stem].append((d["range"]["start"]["line"] + 1, d["severity"], d["message"]))
    return out


def revealed(diags: list[tuple[int, str, str]]) -> dict[str, str]:
    found = {}
    for _, _, message in diags:
        if m := re.fullmatch(r'Type of "(.+?)" is "(.*)"', message, re.S):
            found[m.group(1)] = m.group(2)
    return found


def test_correct_user_code_has_no_errors(diagnostics: dict[str, list[tuple[int, str, str]]]) -> None:
    problems = [d for d in diagnostics["good"] if d[1] != "information"]
    assert problems == []
    types_seen = revealed(diagnostics["good"])
    assert types_seen["rr.Points3D"] == "type[Points3D]"
    assert types_seen["rrb.Spatial3DView"] == "type[Spatial3DView]"
    assert types_seen["rr.catalog.CatalogClient"] == "type[CatalogClient]"
    assert types_seen["rr.notebook.Viewer"] == "type[Viewer]"
    assert types_seen["rr.components.Color"] == "type[Color]"
    assert types_seen["rr.datatypes.Vec3D"] == "type[Vec3D]"
    assert types_seen["rr.log"].startswith("(entity_path: ")
    assert types_seen["rr.init"].startswith("(application_id: str, *, recording_id: ")
    assert len(types_seen) == 10


def test_wrong_user_code_is_flagged(diagnostics: dict[str, list[tuple[int, str, str]]]) -> None:
    errors = {line: message for line, severity, message in diagnostics["bad"] if severity == "error"}
    assert 'No parameter named "radiii"' in errors.get(5, ""), errors
    assert "Expected 1 positional argument" in errors.get(6, ""), errors
    assert 'No parameter named "zoom"' in errors.get(7, ""), errors
    assert 'No parameter named "sequense"' in errors.get(8, ""), errors
    assert len(errors) == 4, errors


def test_every_public_name_is_visible(diagnostics: dict[str, list[tuple[int, str, str]]]) -> None:
    diags = diagnostics["surface"]
    errors = [message for _, severity, message in diags if severity == "error"]
    assert errors == []
    types_seen = revealed(diags)
    assert len(types_seen) > 1000
    unknown = [name for name, kind in types_seen.items() if kind in ("Unknown", "Any") and not _alias(name)]
    assert unknown == []


def _alias(name: str) -> bool:
    """`ColorLike`, `Float32ArrayLike`...: 0.41's type aliases, which checkers may see as `Any`."""
    return (
        name.endswith(("Like", "ArrayLike", "Batch", "Type"))
        or "Registry" in name
        or name.endswith("_TYPE_REGISTRY")
    )


def parameter_names(signature: str) -> list[str]:
    """Parameter names of pyright's `(a: int, *, b: str = ...) -> None`, with `*`/`/` markers."""
    depth, start, parts = 0, 1, []
    for i, ch in enumerate(signature):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                parts.append(signature[start:i])
                break
        elif ch == "," and depth == 1:
            parts.append(signature[start:i])
            start = i + 1
    names = [p.split(":")[0].split("=")[0].strip() for p in parts]
    return [n for n in names if n and n != "self"]


def oracle_parameter_names() -> dict[str, list[str]]:
    code = """
        import inspect, json, rerun as rr, rerun.blueprint, rerun.catalog, rerun.datatypes, rerun.notebook
        out = {}
        for name in NAMES:
            sig = inspect.signature(eval(name))
            marks, seen_star = [], False
            for p in sig.parameters.values():
                if p.kind is p.KEYWORD_ONLY and not seen_star:
                    marks.append("*")
                    seen_star = True
                if p.kind is p.VAR_POSITIONAL:
                    seen_star = True
                prefix = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "")
                marks.append(prefix + p.name)
            out[name] = marks
        print(json.dumps(out))
    """
    code = textwrap.dedent(code).replace("NAMES", repr(CALLABLES))
    proc = subprocess.run(
        [str(ORACLE), "-P", "-c", code], capture_output=True, text=True, timeout=120, cwd="/"
    )
    assert proc.returncode == 0, proc.stderr
    return dict(json.loads(proc.stdout))


@pytest.mark.interop
def test_signatures_match_0_41(diagnostics: dict[str, list[tuple[int, str, str]]]) -> None:
    if not ORACLE.exists():
        pytest.fail(".venv-oracle is missing: run scripts/install.sh first")
    seen = revealed(diagnostics["signatures"])
    expected = oracle_parameter_names()
    mismatched = {}
    for name in CALLABLES:
        key = next(k for k in seen if k.removesuffix(".__init__") == name)
        ours = [n for n in parameter_names(seen[key]) if n != "/" and n not in EXTENSIONS.get(name, ())]
        if ours != expected[name]:
            mismatched[name] = (ours, expected[name])
    assert mismatched == {}
    assert len(expected) == len(CALLABLES)
