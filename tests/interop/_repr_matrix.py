"""Prints repr() and str() of a generated set of SDK values as JSON; run under ours and the oracle.

Usage: ``python _repr_matrix.py [PLAN.json]``. Without a plan it builds one from the SDK it runs
under: for every archetype (``rr.archetypes``, ``rr.blueprint.archetypes``) ``from_fields()``
empty, with each field set from each input of ``_behaviour_matrix.INPUTS`` that the SDK accepts,
with all its fields set at once, its ``as_component_batches()`` items, ``columns()`` and
``cleared()``; for every component / datatype module (``rr.components``,
``rr.blueprint.components``, ``rr.encodings``) each batch class and each value class built from
each accepted input, and every enum member. Only cases that construct under the SDK that builds
the plan are kept (the real SDK's, in the test). It prints ``{"plan": ..., "results": ...}``;
with a plan it evaluates exactly those expressions and prints ``{"results": ...}``.

A result is ``[repr, str]`` with memory addresses stripped, or ``raise:<exception type>``.
"""

from __future__ import annotations

import enum
import inspect
import json
import re
import sys
import warnings
from typing import Any

import numpy as np

import rerun as rr

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from _behaviour_matrix import INPUTS  # a sibling script: this runs as a script under either SDK

ARCHETYPE_MODULES = ("rr.archetypes", "rr.blueprint.archetypes")
COMPONENT_MODULES = ("rr.components", "rr.blueprint.components", "rr.encodings")
PER_TARGET = 3  # accepted inputs kept per archetype field / component class (keeps the run short)
# Inputs tried in this order, so that the few kept per target are of different shapes.
ORDER = (
    "vec3",
    "str",
    "np_f32_2x3",
    "int",
    "vec2",
    "rows3",
    "float",
    "vec4",
    "np_u8_2x4",
    "bool",
    "str_list",
)
PREFERRED = [INPUTS[k] for k in ORDER] + [v for k, v in INPUTS.items() if k not in ORDER]
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def evaluate(expr: str) -> Any:
    return eval(expr, {"rr": rr, "np": np})  # expressions built below from INPUTS


def accepts(expr: str) -> bool:
    try:
        evaluate(expr)
    except Exception:
        return False
    return True


def archetype_cases(mod: str, name: str) -> list[str]:
    cls = evaluate(f"{mod}.{name}")
    base = f"{mod}.{name}"
    cases = [f"{base}.from_fields()"] if hasattr(cls, "from_fields") else []
    if not cases:
        return cases
    firsts: dict[str, str] = {}
    for field in inspect.signature(cls.from_fields).parameters:
        if field == "clear_unset":
            continue
        kept = 0
        for expr in PREFERRED:
            case = f"{base}.from_fields({field}={expr})"
            if kept < PER_TARGET and accepts(case):
                cases.append(case)
                firsts.setdefault(field, expr)
                kept += 1
    if len(firsts) > 1:
        several = f"{base}.from_fields({', '.join(f'{f}={e}' for f, e in firsts.items())})"
        if accepts(several):
            cases += [several, f"{several}.as_component_batches()"]
    for field, expr in list(firsts.items())[:1]:
        cases.append(f"{base}.from_fields({field}={expr}).as_component_batches()")
        if hasattr(cls, "columns"):
            cases.append(f"list({base}.columns({field}={expr}))")
    if hasattr(cls, "cleared"):
        cases.append(f"{base}.cleared()")
    return [case for case in cases if accepts(case)]


def component_cases(mod: str, name: str) -> list[str]:
    cls = evaluate(f"{mod}.{name}")
    if not inspect.isclass(cls) or name.startswith("_") or name.endswith(("Like", "ArrayLike")):
        return []
    cases = []
    if issubclass(cls, enum.Enum):
        cases += [f"{mod}.{name}.{member.name}" for member in cls]
    if name.endswith("Batch"):
        cases.append(f"{mod}.{name}([])")
    built = [f"{mod}.{name}({expr})" for expr in PREFERRED if expr != "[]"]
    cases = [case for case in cases if accepts(case)]
    return cases + [case for case in built if accepts(case)][: PER_TARGET + 1]


# Values built the way users usually write them (constructors, enum and batch forms).
EXTRA = (
    "rr.Points3D([[1, 2, 3]], colors=[255, 0, 0], labels='a')",
    "rr.Points2D(np.arange(8, dtype=np.float32).reshape(4, 2), radii=0.5, class_ids=[1, 2, 3, 4])",
    "rr.Scalars(1.0)",
    "rr.Scalars(np.linspace(0, 1, 30))",
    "rr.TextLog('hi', level='INFO')",
    "rr.Transform3D(translation=[1, 2, 3])",
    "rr.Transform3D(rotation=rr.RotationAxisAngle(axis=[0, 0, 1], degrees=90), scale=2)",
    "rr.Boxes2D(mins=[0, 0], sizes=[1, 2])",
    "rr.Boxes3D(half_sizes=[[1, 2, 3], [4, 5, 6]], colors=[[255, 0, 0], [0, 255, 0]])",
    "rr.LineStrips3D([[[0, 0, 0], [1, 1, 1]], [[2, 2, 2], [3, 3, 3], [4, 4, 4]]])",
    "rr.Image(np.zeros((2, 3, 3), dtype=np.uint8))",
    "rr.DepthImage(np.ones((2, 2), dtype=np.float32), meter=1000.0)",
    "rr.Tensor(np.arange(6).reshape(2, 3), dim_names=['a', 'b'])",
    "rr.AnnotationContext([(1, 'one', (255, 0, 0))])",
    "rr.components.AnnotationContext([rr.ClassDescription(info=(1, 'a', (255, 0, 0)), "
    "keypoint_annotations=[(0, 'k')], keypoint_connections=[(0, 1)])])",
    "rr.encodings.AnnotationInfo(1, 'a', (255, 0, 0))",
    "rr.components.KeyValuePairs({'a': 'b', 'c': 'd'})",
    "rr.blueprint.components.SelectedColumns(['t', 'a/b:Points3D:positions'])",
    "rr.components.TextLogLevel.WARN",
    "rr.ViewCoordinates.RIGHT_HAND_Y_UP",
    "rr.Box2DFormat.XYWH",
    "rr.encodings.Quaternion(xyzw=[0, 0, 0, 1])",
    "rr.encodings.Angle(rad=1)",
    "rr.encodings.RotationAxisAngle(axis=[0, 0, 1], degrees=90)",
    "rr.Points3D([[1, 2, 3]]).as_component_batches()[0]",
    "list(rr.Points3D.columns(positions=[[1, 2, 3]]))[0]",
    "rr.Points3D.columns(positions=np.zeros((6, 3)), radii=np.ones(6))",
)


def build_plan() -> list[str]:
    plan = [case for case in EXTRA if accepts(case)]
    for mod in ARCHETYPE_MODULES:
        for name in sorted(evaluate(mod).__all__):
            plan += archetype_cases(mod, name)
    for mod in COMPONENT_MODULES:
        module = evaluate(mod)
        names = getattr(module, "__all__", None) or dir(module)
        for name in sorted(names):
            plan += component_cases(mod, name)
    return plan


def describe(expr: str) -> Any:
    try:
        value = evaluate(expr)
        return [ADDRESS.sub("", text) for text in (repr(value), str(value))]
    except Exception as exc:
        return f"raise:{type(exc).__name__}"


def main() -> None:
    warnings.simplefilter("ignore")
    rr.set_strict_mode(False)
    if len(sys.argv) > 1:
        with open(sys.argv[1]) as f:
            plan = json.load(f)["plan"]
        out: dict[str, Any] = {}
    else:
        plan = build_plan()
        out = {"plan": plan}
    out["results"] = {expr: describe(expr) for expr in plan}
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
