"""Behaviour conformance with rerun-sdk 0.41: a generated matrix of inputs through both SDKs.

`_behaviour_matrix.py` builds the cases from the real SDK (every archetype field through
``from_fields``, every data component batch class) and runs each input of its ``INPUTS`` table
in non-strict and strict mode under both SDKs. A case matches when both accept it and log the
same (component, Arrow type, values), or both raise an exception of the same built-in class;
and when both warn (``RerunWarning``) or both stay silent.

As for the API test, ``behaviour_conformance_known_gaps.txt`` lists the cases that differ
today; the test fails on a new difference, and on a listed one that is gone (delete its line).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Oracle
from tests.interop._two_sdks import run_under_both

pytestmark = [pytest.mark.interop, pytest.mark.slow]

HERE = Path(__file__).parent
RUNNER = HERE / "_behaviour_matrix.py"
KNOWN_GAPS = HERE / "behaviour_conformance_known_gaps.txt"


def difference(theirs: dict[str, Any], ours: dict[str, Any] | None) -> str | None:
    """One word for how a case differs, or None when it matches."""
    if ours is None or ours["outcome"].startswith("error:"):
        return "missing"
    if theirs["outcome"] != ours["outcome"]:
        return f"{ours['outcome']} where 0.41 gives {theirs['outcome']}"
    if theirs["outcome"] == "ok" and theirs["logged"] != ours["logged"]:
        return "logs different values"
    if (theirs["warnings"] > 0) != (ours["warnings"] > 0):
        return "warns" if ours["warnings"] else "does not warn"
    return None


def compare(theirs: dict[str, Any], ours: dict[str, Any]) -> tuple[list[str], int]:
    lines = []
    for key, result in sorted(theirs.items()):
        diff = difference(result, ours.get(key))
        if diff:
            lines.append(f"{key}: {diff}")
    return lines, len(theirs)


def known_gaps() -> set[str]:
    if not KNOWN_GAPS.exists():
        return set()
    return {line for line in KNOWN_GAPS.read_text().splitlines() if line and not line.startswith("#")}


def run_matrix(oracle: Oracle, tmp_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    return run_under_both(oracle, RUNNER, tmp_path)


def test_behaviour_matches_0_41(oracle: Oracle, tmp_path: Path) -> None:
    theirs, ours = run_matrix(oracle, tmp_path)
    problems, total = compare(theirs, ours)
    print(json.dumps({"cases": total, "differ": len(problems)}))
    assert total > 10_000  # every archetype field and component batch, each input, both modes
    listed = known_gaps()
    new = [p for p in problems if p not in listed]
    fixed = sorted(listed - set(problems))
    assert not new, f"{len(new)} cases differ from 0.41 (not in {KNOWN_GAPS.name}):\n" + "\n".join(new[:60])
    assert not fixed, f"{len(fixed)} listed cases now match; delete them:\n" + "\n".join(fixed[:60])


def test_difference_names_what_differs() -> None:
    ok = {"outcome": "ok", "logged": [["c", "float", "1"]], "warnings": 0}
    assert difference(ok, dict(ok)) is None
    assert difference(ok, None) == "missing"
    assert difference(ok, {**ok, "logged": []}) == "logs different values"
    assert difference(ok, {**ok, "warnings": 2}) == "warns"
    raised = {"outcome": "raise:ValueError", "warnings": 0}
    assert difference(raised, ok) == "ok where 0.41 gives raise:ValueError"
    assert difference(raised, {"outcome": "raise:ValueError", "warnings": 0}) is None


if __name__ == "__main__":  # rewrite the known-gaps list from the current state
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        found, cases = compare(*run_matrix(Oracle(), Path(tmp)))
    header = (
        "# Matrix cases where our SDK behaves unlike rerun-sdk 0.41 (test_api_conformance_behaviour.py).\n"
        "# Regenerate: .venv/bin/python -m tests.interop.test_api_conformance_behaviour\n"
    )
    KNOWN_GAPS.write_text(header + "".join(f"{line}\n" for line in found))
    print(json.dumps({"cases": cases, "differ": len(found)}))
