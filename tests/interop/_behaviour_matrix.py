"""Runs a generated matrix of inputs through the SDK it runs under and prints the outcomes as JSON.

Usage: ``python _behaviour_matrix.py [PLAN.json]``. Without a plan it builds one from the SDK
it runs under (every archetype's fields, from ``from_fields``; every data component's batch
class) and prints ``{"plan": ..., "results": ...}``; with a plan (the real SDK's) it runs
exactly those cases and prints ``{"results": ...}``. ``BEHAVIOUR_MATRIX_ONLY=Image,BlobBatch``
(archetype or batch class names) limits the plan to those types, to iterate on a few.

A case is one input (``INPUTS``) for one archetype field (``Arch.from_fields(field=input)``) or
one component batch (``XBatch(input)``), in non-strict and strict mode. Its outcome: ``ok`` or
``raise:<exception type>`` (its nearest built-in class: pyarrow's ``ArrowInvalid`` is a
``ValueError``; the exact type is kept as ``exception``), the number of ``RerunWarning``s, and what would be logged: per
batch its component, Arrow type and a digest of its values.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import warnings
from typing import Any

import numpy as np

import rerun as rr

# name -> expression (evaluated with np in scope): valid, edge and invalid values of many shapes.
INPUTS: dict[str, str] = {
    "empty_list": "[]",
    "int": "1",
    "negative_int": "-1",
    "float": "1.5",
    "bool": "True",
    "str": "'text'",
    "str_list": "['a', 'b']",
    "vec2": "[1.0, 2.0]",
    "vec3": "[1.0, 2.0, 3.0]",
    "vec4": "[1, 2, 3, 4]",
    "rows3": "[[1, 2, 3], [4, 5, 6]]",
    "ragged": "[[1, 2], [3]]",
    "np_f32_2x3": "np.arange(6, dtype=np.float32).reshape(2, 3)",
    "np_u8_2x4": "np.full((2, 4), 200, dtype=np.uint8)",
    "np_u32": "np.array([0xFF0000FF], dtype=np.uint32)",
    "huge": "[1e40]",
    "nan": "[float('nan')]",
    "dict": "{'a': 1}",
    "object": "type('Opaque', (), {'__repr__': lambda self: 'Opaque'})()",
}


def digest(values: Any) -> str:
    text = json.dumps(values, default=repr, sort_keys=True)
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def logged(obj: Any) -> list[list[str]]:
    if hasattr(obj, "as_component_batches"):
        batches = obj.as_component_batches()
        out = []
        for b in batches:
            arr = b.as_arrow_array()
            out.append([b.component_descriptor().component, str(arr.type), digest(arr.to_pylist())])
        return out
    arr = obj.as_arrow_array()
    return [["", str(arr.type), digest(arr.to_pylist())]]


def run_case(kind: str, target: str, field: str, expr: str, strict: bool) -> dict[str, Any]:
    rr.set_strict_mode(strict)
    value = eval(expr, {"np": np})  # expressions from INPUTS above
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if kind == "field":
                obj = getattr(rr.archetypes, target).from_fields(**{field: value})
            else:
                obj = getattr(rr.components, target)(value)
            result: dict[str, Any] = {"outcome": "ok", "logged": logged(obj)}
        except Exception as exc:
            builtin = next(c for c in type(exc).__mro__ if c.__module__ == "builtins")
            result = {"outcome": f"raise:{builtin.__name__}", "exception": type(exc).__name__}
    result["warnings"] = sum(type(w.message).__name__ == "RerunWarning" for w in caught)
    return result


def build_plan() -> list[list[str]]:
    import inspect

    plan = []
    for name in sorted(rr.archetypes.__all__):
        cls = getattr(rr.archetypes, name)
        if not hasattr(cls, "from_fields"):
            continue
        for field in inspect.signature(cls.from_fields).parameters:
            if field != "clear_unset":
                plan.append(["field", name, field])
    for name in sorted(n for n in dir(rr.components) if n.endswith("Batch") and not n.startswith("_")):
        if name != "ComponentBatchMixin":
            plan.append(["batch", name, ""])
    only = os.environ.get("BEHAVIOUR_MATRIX_ONLY")  # e.g. "Image,BlobBatch": iterate on a few types
    if only:
        keep = set(only.split(","))
        plan = [case for case in plan if case[1] in keep]
    return plan


def main() -> None:
    if len(sys.argv) > 1:
        with open(sys.argv[1]) as f:
            plan = json.load(f)["plan"]
        own_plan = None
    else:
        plan = own_plan = build_plan()
    results = {}
    for kind, target, field in plan:
        for label, expr in INPUTS.items():
            for strict in (False, True):
                key = f"{target}.{field or 'batch'}[{label}]{'[strict]' if strict else ''}"
                try:
                    results[key] = run_case(kind, target, field, expr, strict)
                except Exception as exc:  # e.g. a missing class on our side
                    results[key] = {"outcome": f"error:{type(exc).__name__}", "warnings": 0}
    out: dict[str, Any] = {"results": results}
    if own_plan is not None:
        out["plan"] = own_plan
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
