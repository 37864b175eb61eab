"""What type checkers see of the SDK: real classes and signatures, not ``Any``.

Table-built names (archetype signatures, components, encodings, views, the names `rerun`
serves lazily) are declared in generated ``_declared.pyi`` / ``_lazy_names.pyi`` stub modules
(scripts/gen_type_stubs.py) that the packages import under ``TYPE_CHECKING``. These tests check
that a user's script type-checks against them as it would against the real SDK (a misspelled
keyword is an error), and that the declarations agree with the classes at run time.
"""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import rerun as rr

ROOT = Path(__file__).resolve().parents[2]
MYPY = Path(sys.executable).parent / "mypy"

USER_SCRIPT = """
import numpy as np
import rerun as rr
import rerun.blueprint as rrb

rr.init("rerun_example_types")
rr.log("points", rr.Points3D(np.zeros((3, 3)), radii=0.1, colors=[255, 0, 0]))
rr.log("bad", rr.Points3D([[1, 2, 3]], radiii=0.1))
reveal_type(rr.Points3D)
reveal_type(rr.components.Color)
reveal_type(rr.encodings.Vec3D)
reveal_type(rrb.Spatial3DView)
reveal_type(rr.Points3D.columns)
rrb.Blueprint(rrb.Spatial3DView(origin="/", zoom=1))
rrb.Background(kind="SolidColor", colour=[1, 2, 3])
rr.log("p", rr.Points3D([[1, 2, 3]], radii=[0.1], colors=rr.components.Color([1, 2, 3]), labels=["a"]))
rr.log("b", rr.Boxes3D(half_sizes=[[1, 2, 3]], rotation_axis_angles=rr.RotationAxisAngle([0, 0, 1], degrees=3)))
rr.log("t", rr.Transform3D(translation=[1, 2, 3], quaternion=rr.Quaternion(xyzw=[0, 0, 0, 1])))
rr.log("a", rr.AnnotationContext([(0, "x", (1, 2, 3))]))
rr.log("x", rr.TextLog("hi", level=rr.TextLogLevel.INFO))
rr.log("s", rr.Scalars(3.0))
rr.log("wrong_type", rr.Points3D([[1, 2, 3]], radii=object()))
rr.log("missing", rr.Points3D(None))
"""


def declared_classes(path: Path) -> dict[str, ast.ClassDef]:
    tree = ast.parse(path.read_text())
    return {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}


def init_params(node: ast.ClassDef) -> list[tuple[str, bool, bool]] | None:
    """(name, keyword-only, has default) of the declared __init__, or None without one."""
    for item in node.body:
        if isinstance(item, ast.FunctionDef) and item.name == "__init__":
            a = item.args
            pos = a.args[1:]
            defaults = [False] * (len(pos) - len(a.defaults)) + [True] * len(a.defaults)
            out = [(p.arg, False, d) for p, d in zip(pos, defaults)]
            out += [(p.arg, True, d is not None) for p, d in zip(a.kwonlyargs, a.kw_defaults)]
            return out
    return None


def runtime_params(cls: Any) -> list[tuple[str, bool, bool]]:
    sig = inspect.signature(cls)
    return [
        (p.name, p.kind is p.KEYWORD_ONLY, p.default is not p.empty)
        for p in sig.parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]


@pytest.mark.parametrize(
    ("package", "stub"),
    [
        (rr.archetypes, "rerun/archetypes/_declared.pyi"),
        (rr.blueprint.archetypes, "rerun/blueprint/archetypes/_declared.pyi"),
        (rr.blueprint.views, "rerun/blueprint/views/_declared.pyi"),
        (rr.components, "rerun/components/_declared.pyi"),
        (rr.blueprint.components, "rerun/blueprint/components/_declared.pyi"),
    ],
)
def test_declared_signatures_match_runtime(package: Any, stub: str) -> None:
    classes = declared_classes(ROOT / stub)
    assert len(classes) >= 10
    checked = 0
    for name, node in classes.items():
        declared = init_params(node)
        if declared is None:
            continue
        assert runtime_params(getattr(package, name)) == declared, f"{stub}: {name} is stale"
        checked += 1
    assert checked >= 10


def test_every_lazy_top_level_name_is_declared() -> None:
    tree = ast.parse((ROOT / "rerun" / "_lazy_names.pyi").read_text())
    declared = {
        a.asname or a.name for node in tree.body if isinstance(node, ast.ImportFrom) for a in node.names
    }
    for name in ("Points3D", "Color", "Image", "AnyValues", "TimeColumn", "components", "blueprint"):
        assert name in declared or name in vars(rr), name
    for name in declared:
        assert hasattr(rr, name), f"_lazy_names.pyi declares rr.{name}, which does not resolve"


@pytest.mark.slow
def test_mypy_sees_real_signatures(tmp_path: Path) -> None:
    script = tmp_path / "user_script.py"
    script.write_text(textwrap.dedent(USER_SCRIPT))
    proc = subprocess.run(
        [str(MYPY), "--cache-dir", str(ROOT / ".mypy_cache" / "user-script"), str(script)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    out = proc.stdout
    assert 'Unexpected keyword argument "radiii" for "Points3D"' in out, out
    assert 'Unexpected keyword argument "zoom" for "Spatial3DView"' in out, out
    assert 'Unexpected keyword argument "colour" for "Background"' in out, out
    revealed = [line for line in out.splitlines() if "Revealed type" in line]
    assert len(revealed) == 5, out
    assert all('"Any"' not in line for line in revealed), out
    # 0.41's parameter types (an encodings alias, or None where optional), not Any
    assert "(positions: numpy._typing" in revealed[0] and "radii: Any" not in revealed[0]
    assert 'Argument "radii" to "Points3D" has incompatible type "object"' in out, out
    assert 'Argument 1 to "Points3D" has incompatible type "None"' in out, out
    assert "(rgba: Any)" in revealed[1]
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert len(errors) == 5, out  # nothing else in the script is flagged
