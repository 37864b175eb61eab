"""Prints the public API of the `rerun` package it runs under as JSON (ours or the real 0.41).

Usage: ``python _dump_api.py [EXPECTED.json]``. Without arguments it walks every module whose
path has no ``_``-prefixed part (``pkgutil.walk_packages``); given the real package's dump it
describes exactly the modules and names listed there (how ours is asked, so that names a module
serves lazily through ``__getattr__`` count too). For each module:

- its public names: ``__all__`` when it has one, else the names not starting with ``_`` that it
  defines (classes and functions whose ``__module__`` is the module) or binds to a constant or
  type alias (names taken from ``typing`` and sub-modules are left out);
- for each name a description: ``class`` (its ``__init__`` parameters, and per public member
  ``method``/``classmethod``/``staticmethod`` with parameters, ``property``, ``attribute``),
  ``enum`` (its members), ``function`` (parameters), ``alias`` (typing constructs) or
  ``constant`` (the value's type name).

Parameters are ``[name, kind, has_default]`` triples, ``self``/``cls`` left out.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import io
import json
import pkgutil
import sys
import types
import typing
import warnings
from contextlib import redirect_stderr
from typing import Any

KIND = {
    inspect.Parameter.POSITIONAL_ONLY: "posonly",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "pos",
    inspect.Parameter.VAR_POSITIONAL: "*args",
    inspect.Parameter.KEYWORD_ONLY: "kw",
    inspect.Parameter.VAR_KEYWORD: "**kwargs",
}
_TYPING_ORIGINS = ("typing", "typing_extensions", "collections.abc", "types")


def params(fn: Any) -> list[Any] | None:
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    return [
        [p.name, KIND[p.kind], p.default is not inspect.Parameter.empty]
        for p in sig.parameters.values()
        if p.name not in ("self", "cls")
    ]


def is_alias(value: Any) -> bool:
    if isinstance(value, (typing.TypeVar, types.UnionType)):
        return True
    origin = type(value).__module__
    return origin in _TYPING_ORIGINS and not isinstance(value, (type, types.FunctionType, types.ModuleType))


def describe_member(cls: type, name: str) -> Any:
    try:
        raw = inspect.getattr_static(cls, name)
    except AttributeError:
        return {"kind": "attribute"}
    if isinstance(raw, (property, types.GetSetDescriptorType)) or type(raw).__name__ == "cached_property":
        return {"kind": "property"}
    if isinstance(raw, classmethod):
        return {"kind": "classmethod", "params": params(getattr(cls, name))}
    if isinstance(raw, staticmethod):
        return {"kind": "staticmethod", "params": params(getattr(cls, name))}
    if inspect.isfunction(raw) or inspect.ismethoddescriptor(raw) or inspect.isbuiltin(raw):
        return {"kind": "method", "params": params(getattr(cls, name))}
    return {"kind": "attribute"}


def describe(value: Any) -> dict[str, Any]:
    if isinstance(value, type) and issubclass(value, enum.Enum):
        return {"kind": "enum", "members": sorted(value.__members__)}
    if isinstance(value, type):
        members = {
            n: describe_member(value, n)
            for n in dir(value)
            if not n.startswith("_")
            and not (isinstance(getattr(value, n, None), type) and n in value.__dict__)
        }
        nested = {
            n: describe(v)
            for n, v in vars(value).items()
            if not n.startswith("_")
            and isinstance(v, type)
            and v.__qualname__.endswith(f"{value.__name__}.{n}")
        }
        out: dict[str, Any] = {"kind": "class", "init": params(value), "members": members}
        if nested:
            out["nested"] = nested
        return out
    if isinstance(value, types.ModuleType):
        return {"kind": "module"}
    if is_alias(value):
        return {"kind": "alias"}
    if callable(value):
        return {"kind": "function", "params": params(value)}
    return {"kind": "constant", "type": type(value).__name__}


def public_names(mod: types.ModuleType) -> list[str]:
    exported = getattr(mod, "__all__", None)
    if exported is not None:
        return sorted(set(exported))
    out = []
    for name, value in vars(mod).items():
        if name.startswith("_") or name == "annotations" or isinstance(value, types.ModuleType):
            continue
        if getattr(typing, name, None) is value and name in dir(typing):
            continue
        if isinstance(value, (type, types.FunctionType)):
            if getattr(value, "__module__", None) != mod.__name__:
                # Re-exported: counted where `import X as X` makes it explicit (blueprint/__init__).
                if not mod.__name__.endswith(("rerun", "blueprint")) and not mod.__file__.endswith(
                    "__init__.py"
                ):
                    continue
        out.append(name)
    return sorted(out)


def walk() -> list[str]:
    import rerun

    found = ["rerun"]
    for info in pkgutil.walk_packages(rerun.__path__, "rerun.", onerror=lambda _name: None):
        if not any(part.startswith("_") for part in info.name.split(".")[1:]):
            found.append(info.name)
    return sorted(found)


def dump(names: list[str], expected: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for modname in names:
        try:
            with warnings.catch_warnings(), redirect_stderr(io.StringIO()):
                warnings.simplefilter("ignore")
                mod = importlib.import_module(modname)
        except Exception as exc:
            out[modname] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        entry: dict[str, Any] = {}
        wanted = public_names(mod)
        if expected is not None:
            wanted = sorted(set(expected[modname].get("names", {})))
        for name in wanted:
            try:
                entry[name] = describe(getattr(mod, name))
            except AttributeError:
                entry[name] = {"kind": "missing"}
            except ImportError as exc:  # a lazy name whose optional dependency is absent
                entry[name] = {"kind": "unavailable", "error": type(exc).__name__}
        out[modname] = {"names": entry}
    return out


if __name__ == "__main__":
    if len(sys.argv) > 1:
        with open(sys.argv[1]) as f:
            theirs = json.load(f)
        print(json.dumps(dump(sorted(theirs), theirs), sort_keys=True))
    else:
        print(json.dumps(dump(walk()), sort_keys=True))
