"""API conformance of ``rerun.catalog``, ``rerun.server`` and ``rerun.utilities.datafusion`` with rerun-sdk 0.41.

A probe runs in both interpreters (ours, and the real SDK in ``.venv-oracle``) and prints every
public name of those modules (``rerun.experimental.dataloader`` needs torch on both sides) with what a caller can observe: for callables the parameters
(names, kinds, defaults; annotations ignored), for classes also every public member (and the
dunders a caller uses) with its kind (method signature, property, value). The test fails on any
name or member that is missing or shaped differently, except the differences listed in
``KNOWN_DIFFS`` with their reason (strict: a listed difference that disappears fails too).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from functools import cache
from typing import Any

import pytest

from tests.conftest import Oracle

pytestmark = pytest.mark.interop

MODULES = (
    "rerun.catalog",
    "rerun.server",
    "rerun.utilities.datafusion",
    "rerun.utilities.datafusion.collect",
    "rerun.utilities.datafusion.functions",
    "rerun.utilities.datafusion.functions.url_generation",
    "rerun.experimental.dataloader",
)

PROBE = r"""
import importlib, inspect, json, sys
DUNDERS = {"__init__", "__enter__", "__exit__", "__eq__", "__iter__", "__str__", "__int__", "__len__",
           "__arrow_c_schema__", "__datafusion_table_provider__", "__getitem__", "__contains__"}

def shape(obj):
    if inspect.ismodule(obj):
        return "module"
    if isinstance(obj, property) or inspect.isgetsetdescriptor(obj) or inspect.ismemberdescriptor(obj):
        return "property"  # a Python property or a native (pyo3) getter: read as an attribute
    if not callable(obj):
        return "value"
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return "callable"
    out = []
    for p in sig.parameters.values():
        if p.name in ("self", "cls"):
            continue
        d = p.default
        plain = d is None or isinstance(d, (bool, int, float, str, bytes, tuple, list, dict))
        default = "" if d is p.empty else repr(d) if plain else type(d).__name__
        out.append(f"{p.kind.name}:{p.name}={default}")
    return out

def members(cls):
    out = {}
    for name in dir(cls):
        if name.startswith("_") and name not in DUNDERS:
            continue
        try:
            raw = inspect.getattr_static(cls, name)
        except AttributeError:
            continue
        if isinstance(raw, (staticmethod, classmethod)):
            raw = getattr(cls, name)
        if name in ("__init__", "__eq__", "__str__") and getattr(raw, "__qualname__", "").startswith("object."):
            continue  # inherited from object: nothing to compare
        # dunders: only their presence (pyo3 writes ``(self, value, /)`` where Python writes ``other``)
        out[name] = "present" if name.startswith("__") and name not in ("__init__", "__exit__") else shape(raw)
    out["__hash__"] = "unhashable" if getattr(cls, "__hash__", None) is None else "hashable"
    return out

def is_api(modname, mod, name, obj):
    if name.startswith("_") or inspect.ismodule(obj):
        return False
    if hasattr(mod, "__all__"):
        return name in mod.__all__
    if name == "IndexValuesLike":  # a type alias (a Union value): public API of rerun.catalog
        return True
    return getattr(obj, "__module__", "").startswith(("rerun", "rerun_bindings"))

result = {}
for modname in sys.argv[1:]:
    mod = importlib.import_module(modname)
    entry = {}
    for name in dir(mod):
        try:
            obj = getattr(mod, name)
        except ImportError:  # an optional dependency (torch for the dataloader) is not installed
            continue
        if not is_api(modname, mod, name, obj):
            continue
        entry[name] = {"shape": shape(obj)}
        if inspect.isclass(obj):
            entry[name]["members"] = members(obj)
            if issubclass(obj, BaseException):
                entry[name]["bases"] = [b.__name__ for b in obj.__mro__[1:]]
    result[modname] = entry
print(json.dumps(result))
"""

# (module, name or "Class.member") -> why ours cannot match 0.41 there (none left).
KNOWN_DIFFS: dict[tuple[str, str], str] = {}


def _probe(python: str, extra: list[str], env: dict[str, str] | None) -> dict[str, Any]:
    out = subprocess.run(
        [python, *extra, "-c", PROBE, *MODULES],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=True,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


@cache
def _surfaces() -> tuple[dict[str, Any], dict[str, Any]]:
    oracle = Oracle()
    return _probe(sys.executable, [], None), _probe(str(oracle.python), ["-P"], oracle.env())


def _differences(module: str) -> dict[str, str]:
    """Every name / member of 0.41 ours lacks or shapes differently, with both shapes."""
    ours, theirs = (s[module] for s in _surfaces())
    diffs: dict[str, str] = {}
    for name, real in theirs.items():
        mine = ours.get(name)
        if mine is None:
            diffs[name] = "missing"
            continue
        if mine["shape"] != real["shape"]:
            diffs[name] = f"ours {mine['shape']} != 0.41 {real['shape']}"
        if mine.get("bases") != real.get("bases"):
            diffs[f"{name}.<bases>"] = f"ours {mine.get('bases')} != 0.41 {real.get('bases')}"
        for member, real_shape in real.get("members", {}).items():
            mine_shape = mine.get("members", {}).get(member)
            if mine_shape != real_shape:
                diffs[f"{name}.{member}"] = (
                    "missing" if mine_shape is None else f"ours {mine_shape} != 0.41 {real_shape}"
                )
    return diffs


def _skip_without_torch(module: str) -> None:
    if module == "rerun.experimental.dataloader" and importlib.util.find_spec("torch") is None:
        pytest.skip("the dataloader's torch names need the dataloader extra")


@pytest.mark.parametrize("module", MODULES)
def test_public_api_matches_0_41(module: str, oracle: Oracle) -> None:
    _skip_without_torch(module)
    diffs = _differences(module)
    unexpected = {k: v for k, v in diffs.items() if (module, k) not in KNOWN_DIFFS}
    assert not unexpected, json.dumps(unexpected, indent=1, ensure_ascii=False)


@pytest.mark.parametrize("key", sorted(KNOWN_DIFFS))
def test_known_differences_still_differ(key: tuple[str, str], oracle: Oracle) -> None:
    """A listed difference that got fixed must leave the list (nothing stays allowed silently)."""
    module, name = key
    _skip_without_torch(module)
    assert name in _differences(module), f"{module}.{name} now matches 0.41: remove it from KNOWN_DIFFS"


def test_every_public_name_is_probed(oracle: Oracle) -> None:
    """The probe sees the whole API (guards against a filter that hides names)."""
    _, theirs = _surfaces()
    assert {"CatalogClient", "TableEntry", "DatasetEntry", "Segment", "Layer", "ContentFilter"} <= set(
        theirs["rerun.catalog"]
    )
    assert set(theirs["rerun.server"]) == {"Server"}
    assert "segment_url" in theirs["rerun.utilities.datafusion.functions.url_generation"]
