"""Dataframe queries without the oracle: content filters, multi-chunk columns, fills."""

from __future__ import annotations

import pyarrow as pa
import pytest

from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.store.contents import parse_contents, select_entities
from rerun_core.store.dataframe import column_name
from rerun_core.store.store import ChunkStore
from rerun_core.types import ComponentDescriptor, EntityPath, TimeType, new_tuids

SCALAR = ComponentDescriptor("Scalars:scalars", "rerun.archetypes.Scalars", "rerun.components.Scalar")


def temporal(entity: str, frames: list[int], values: list[float]) -> Chunk:
    tl = [TimeColumn.from_values("frame", TimeType.SEQUENCE, frames)]
    cells = pa.array([[v] for v in values], type=pa.list_(pa.float64()))
    return Chunk.from_columns(entity, new_tuids(len(frames)), tl, {SCALAR: cells})


def make_store() -> ChunkStore:
    store = ChunkStore()
    for path in ["/world/a", "/world/b", "/world/b/c", "/other", "/__properties"]:
        store.insert(temporal(path, [0], [0.0]))
    return store


def test_content_filter_most_specific_rule_wins() -> None:
    store = make_store()
    pick = lambda c: [p.path for p in select_entities(store, c)]  # noqa: E731
    assert pick("/**") == ["/other", "/world/a", "/world/b", "/world/b/c"]
    assert pick("/world/**\n- /world/b/**") == ["/world/a"]
    assert pick(["/world/**", "- /world/b/**", "+ /world/b/c"]) == ["/world/a", "/world/b/c"]
    assert pick("/world/b") == ["/world/b"]
    assert pick("/__properties/**") == ["/__properties"]
    assert [r.include for r in parse_contents("+ /a\n- /b/**")] == [True, False]


def test_column_names() -> None:
    assert column_name(EntityPath("/a b"), "Scalars:scalars") == "/a\\ b:Scalars:scalars"
    assert column_name(EntityPath("/__properties"), "RecordingInfo:name") == "property:RecordingInfo:name"
    assert column_name(EntityPath("/__properties/x"), "C:c") == "property:x:C:c"


def test_multi_chunk_columns_union_rows_and_fill_with_seed() -> None:
    store = ChunkStore()
    store.insert(temporal("/a", [0, 2, 4], [0.0, 2.0, 4.0]))
    store.insert(temporal("/a", [6, 8], [6.0, 8.0]))
    store.insert(temporal("/b", [1, 4, 9], [10.0, 40.0, 90.0]))
    table = store.dataframe("frame")
    assert table.column("frame").to_pylist() == [0, 1, 2, 4, 6, 8, 9]
    assert table.column("/a:Scalars:scalars").to_pylist() == [[0.0], None, [2.0], [4.0], [6.0], [8.0], None]
    filled = store.dataframe("frame", start=5, end=8, fill_latest_at=True)
    assert filled.column("frame").to_pylist() == [6, 8]
    assert filled.column("/b:Scalars:scalars").to_pylist() == [[40.0], [40.0]]  # seed from before start
    assert store.dataframe("frame", "/nothing").num_rows == 0


def test_unknown_index_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown index timeline 'nope'"):
        make_store().dataframe("nope")


def test_resample_at_given_index_values() -> None:
    store = ChunkStore()
    store.insert(temporal("/a", [0, 2, 4], [0.0, 2.0, 4.0]))
    exact = store.dataframe("frame", using_index_values=[4, 1, 2])
    assert exact.column("frame").to_pylist() == [1, 2, 4]
    assert exact.column("/a:Scalars:scalars").to_pylist() == [None, [2.0], [4.0]]
    filled = store.dataframe("frame", using_index_values=[-1, 1, 3, 9], fill_latest_at=True)
    assert filled.column("/a:Scalars:scalars").to_pylist() == [None, [0.0], [2.0], [4.0]]
