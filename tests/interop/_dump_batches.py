"""Evaluates archetype cases and prints their batches as JSON; run under ours and the oracle.

Usage: python _dump_batches.py CASES_FILE [ours]. With `ours`, `rr` is a namespace over our
archetype/component/encoding packages (so this does not depend on `rerun/__init__`).
"""

from __future__ import annotations

import json
import sys
import types
import warnings
from typing import Any

import numpy as np

MODULES = ("archetypes", "encodings", "components", "_baseclasses", "any_value", "dynamic_archetype")


def _ours() -> Any:
    import importlib

    mods = [importlib.import_module(f"rerun.{m}") for m in MODULES]

    class NS(types.SimpleNamespace):
        def __getattr__(self, name: str) -> Any:
            for mod in mods:
                if hasattr(mod, name):
                    return getattr(mod, name)
            raise AttributeError(name)

    return NS(archetypes=mods[0], encodings=mods[1], components=mods[2], datatypes=mods[1])


def union_codes(arr: Any) -> list[Any]:
    """Type codes of every union inside `arr` (to_pylist drops them)."""
    import pyarrow as pa

    out: list[Any] = []
    if isinstance(arr, pa.UnionArray):
        out.append(arr.type_codes.to_pylist())
        for i in range(arr.type.num_fields):
            out.extend(union_codes(arr.field(i)))
    elif isinstance(arr, pa.StructArray):
        for i in range(arr.type.num_fields):
            out.extend(union_codes(arr.field(i)))
    elif isinstance(arr, (pa.ListArray, pa.FixedSizeListArray, pa.LargeListArray)):
        out.extend(union_codes(arr.values))
    return out


def dump(value: Any) -> list[dict[str, Any]]:
    if hasattr(value, "as_component_batches"):
        batches = value.as_component_batches()
    else:
        batches = list(value)
    out = []
    for b in batches:
        d = b.component_descriptor()
        arr = b.as_arrow_array()
        out.append(
            {
                "component": d.component,
                "archetype": d.archetype,
                "component_type": d.component_type,
                "type": str(arr.type),
                "values": arr.to_pylist(),
                "unions": union_codes(arr),
            }
        )
    return out


def main() -> None:
    ns: dict[str, Any] = {}
    with open(sys.argv[1]) as f:
        exec(f.read(), {"__name__": "cases"}, ns)
    cases: dict[str, str] = ns["CASES"]
    if "ours" in sys.argv[2:]:
        rr = _ours()
    else:
        import rerun as rr  # type: ignore[no-redef]

        rr.set_strict_mode(True)
    results: dict[str, Any] = {}
    if "errors" in sys.argv[2:]:
        cases = ns["ERROR_CASES"]
    for name, expr in cases.items():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                results[name] = dump(eval(expr, {"rr": rr, "np": np}))
        except Exception as err:
            results[name] = {"error": f"{type(err).__name__}: {err}", "kind": type(err).__name__}
    json.dump(results, sys.stdout, default=lambda o: o.hex() if isinstance(o, bytes) else str(o))


if __name__ == "__main__":
    main()
