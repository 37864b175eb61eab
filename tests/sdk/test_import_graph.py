"""The SDK's modules import one way: no run-time import cycle, function-local imports included.

Why: a module that imports another only inside a function still needs it to work, so a cycle
through such an import ties the two together as much as a top-level one (and import order bugs
hide there). `scripts/import_cycles.py` reads every import statement with `ast` (skipping
``if TYPE_CHECKING:``) and lists the strongly connected components of the module graph.
"""

from __future__ import annotations

import pytest

import rerun as rr
from scripts.import_cycles import build_graph, cycles

# Cycles not closed yet (none left); the list only shrinks (a listed cycle that no longer
# occurs fails too, so delete its line when it is broken).
KNOWN_CYCLES: dict[tuple[str, ...], str] = {}


def _cycles_of(package: str) -> set[tuple[str, ...]]:
    return {tuple(component) for component in cycles(build_graph([package]))}


def test_rerun_has_no_import_cycles() -> None:
    found = _cycles_of("rerun")
    assert found - set(KNOWN_CYCLES) == set(), "new run-time import cycles"
    assert set(KNOWN_CYCLES) - found == set(), "these cycles are gone: delete them from KNOWN_CYCLES"


def test_the_graph_sees_function_local_imports() -> None:
    """The check is only worth its name if imports inside functions count."""
    graph = build_graph(["rerun"])
    # `_lens._cast` imports the component table inside the function, only when cast_to="auto".
    assert "rerun.components._table" in graph["rerun.chunk._lens"]
    assert "rerun.experimental._viewer_client_ops" in graph["rerun.experimental._viewer_client"]


@pytest.mark.parametrize(
    ("value", "archetype"),
    [
        (rr.components.ViewCoordinates.RDF, rr.archetypes.ViewCoordinates(rr.components.ViewCoordinates.RDF)),
        (
            rr.ClassDescription(info=(1, "person"), keypoint_connections=[(0, 1)]),
            rr.archetypes.AnnotationContext(
                [rr.ClassDescription(info=(1, "person"), keypoint_connections=[(0, 1)])]
            ),
        ),
    ],
)
def test_lone_values_log_as_their_archetype(value: rr.AsComponents, archetype: rr.AsComponents) -> None:
    """A lone ViewCoordinates / ClassDescription logs as its archetype without importing the
    archetypes (components and encodings sit below them): same descriptors, same data."""
    ours = value.as_component_batches()
    theirs = archetype.as_component_batches()
    assert [b.descriptor for b in ours] == [b.descriptor for b in theirs]
    assert all(a.as_arrow_array().equals(b.as_arrow_array()) for a, b in zip(ours, theirs, strict=True))
