"""repr() and str() of SDK values match rerun-sdk 0.41's, because users print them.

`_repr_matrix.py` builds the cases from the real SDK (every archetype and blueprint archetype
through ``from_fields``, several fields at once, ``as_component_batches()``, ``columns()`` and
``cleared()``; every component, blueprint component and encoding class and batch from the
inputs of the behaviour matrix that 0.41 accepts, empty batches, every enum member) and prints
both texts under each SDK. ``repr_conformance_known_gaps.txt`` lists the cases that differ
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
RUNNER = HERE / "_repr_matrix.py"
KNOWN_GAPS = HERE / "repr_conformance_known_gaps.txt"


def run_matrix(oracle: Oracle, tmp_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    return run_under_both(oracle, RUNNER, tmp_path)


def compare(theirs: dict[str, Any], ours: dict[str, Any]) -> list[str]:
    """One line per case that differs: the expression, and which of repr / str (or the outcome)."""
    lines = []
    for case, expected in sorted(theirs.items()):
        got = ours.get(case)
        if got == expected:
            continue
        if isinstance(got, list) and isinstance(expected, list):
            what = " and ".join(n for n, a, b in zip(("repr", "str"), got, expected, strict=True) if a != b)
        else:
            what = f"{got if isinstance(got, str) else 'ok'} where 0.41 gives {expected if isinstance(expected, str) else 'ok'}"
        lines.append(f"{case}: {what}")
    return lines


def known_gaps() -> set[str]:
    if not KNOWN_GAPS.exists():
        return set()
    return {line for line in KNOWN_GAPS.read_text().splitlines() if line and not line.startswith("#")}


def test_reprs_and_strs_match_0_41(oracle: Oracle, tmp_path: Path) -> None:
    theirs, ours = run_matrix(oracle, tmp_path)
    problems = compare(theirs, ours)
    print(json.dumps({"cases": len(theirs), "differ": len(problems)}))
    assert len(theirs) > 2000  # every archetype, component and encoding, several forms each
    for form in (".from_fields(", ".as_component_batches()", ".cleared()", ".columns(", "Batch([])", "np."):
        assert any(form in case for case in theirs), form
    listed = known_gaps()
    new = [p for p in problems if p not in listed]
    fixed = sorted(listed - set(problems))
    assert not new, f"{len(new)} cases print unlike 0.41 (not in {KNOWN_GAPS.name}):\n" + "\n".join(new[:60])
    assert not fixed, f"{len(fixed)} listed cases now match; delete them:\n" + "\n".join(fixed[:60])


def test_compare_names_what_differs() -> None:
    theirs = {"a": ["R", "S"], "b": ["R", "S"], "c": ["R", "S"], "d": "raise:ValueError"}
    ours = {"a": ["R", "S"], "b": ["R", "x"], "c": "raise:TypeError", "d": ["R", "S"]}
    assert compare(theirs, ours) == [
        "b: str",
        "c: raise:TypeError where 0.41 gives ok",
        "d: ok where 0.41 gives raise:ValueError",
    ]


if __name__ == "__main__":  # rewrite the known-gaps list from the current state
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        found = compare(*run_matrix(Oracle(), Path(tmp)))
    header = (
        "# Cases whose repr()/str() differ from rerun-sdk 0.41 (test_reprs_conformance.py).\n"
        "# Regenerate: .venv/bin/python -m tests.interop.test_reprs_conformance\n"
    )
    KNOWN_GAPS.write_text(header + "".join(f"{line}\n" for line in found))
    print(json.dumps({"differ": len(found)}))
