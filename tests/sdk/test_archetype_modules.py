"""0.41's per-type archetype modules (`from rerun.archetypes.points3d import Points3D`)."""

from __future__ import annotations

import ast
import importlib
import pkgutil

import pytest

import rerun as rr
from tests.conftest import Oracle

LIST_ORACLE_MODULES = """
import pkgutil, rerun.archetypes as a
print(sorted(m.name for m in pkgutil.iter_modules(a.__path__) if not m.name.startswith("_") and not m.name.endswith("_ext")))
"""


def test_from_type_module_import_gives_the_same_class() -> None:
    from rerun.archetypes.geo_line_strings import GeoLineStrings
    from rerun.archetypes.points3d import Points3D
    from rerun.archetypes.transform_axes3d import TransformAxes3D

    assert Points3D is rr.Points3D and GeoLineStrings is rr.GeoLineStrings
    assert TransformAxes3D is rr.TransformAxes3D
    assert rr.archetypes.points3d.Points3D is rr.Points3D  # also an attribute of the package
    assert importlib.import_module("rerun.archetypes.text_log").TextLog is rr.TextLog


def test_unknown_type_module_still_fails() -> None:
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("rerun.archetypes.no_such_archetype")


@pytest.mark.interop
def test_same_type_modules_as_oracle(oracle: Oracle) -> None:
    theirs = ast.literal_eval(oracle.run_script(LIST_ORACLE_MODULES).stdout.strip())
    ours = sorted(m.name for m in pkgutil.iter_modules(rr.archetypes.__path__) if not m.name.startswith("_"))
    assert ours == theirs
