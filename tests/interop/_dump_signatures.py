"""Prints every archetype's constructor / columns / from_fields parameters as JSON."""

from __future__ import annotations

import inspect
import json
from typing import Any

import rerun.archetypes as archetypes


def describe(cls: type) -> dict[str, Any]:
    params = [p for p in inspect.signature(cls).parameters.values() if p.name != "self"]
    out: dict[str, Any] = {
        "positional": [p.name for p in params if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD],
        "keyword": sorted(p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY),
        "required": sorted(p.name for p in params if p.default is inspect.Parameter.empty),
    }
    for name in ("columns", "from_fields"):
        out[name] = sorted(inspect.signature(getattr(cls, name)).parameters)
    return out


result = {}
for name in archetypes.__all__:
    cls = getattr(archetypes, name)
    if isinstance(cls, type) and hasattr(cls, "as_component_batches") and name != "Archetype":
        result[name] = describe(cls)
print(json.dumps(result))
