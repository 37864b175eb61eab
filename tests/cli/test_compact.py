"""Compaction and the store rules behind ``rerun rrd optimize`` / ``merge`` (no I/O)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from cli_samples import TEXT, points_chunk, scalar_chunk, text_chunk

from rerun.cli.compact import CompactionConfig, StaticTable, compact, drop_timelines, group_key
from rerun_core.store.chunk import Chunk
from rerun_core.types import ComponentDescriptor, new_tuids

BIG = CompactionConfig(max_bytes=1 << 30, max_rows=1000, max_rows_if_unsorted=1000)


def test_small_chunks_of_one_entity_and_schema_merge_into_one_sorted_chunk() -> None:
    chunks = [scalar_chunk([f]) for f in range(10)] + [points_chunk(f) for f in range(5)]
    out = compact(chunks, BIG)
    assert sorted(c.entity_path.path for c in out) == ["/plot/scalar", "/world/points"]
    scalar = next(c for c in out if c.entity_path.path == "/plot/scalar")
    assert scalar.num_rows == 10
    assert scalar.timelines["frame"].values.tolist() == list(range(10))
    assert scalar.timelines["frame"].is_sorted and scalar.is_sorted_by_row_id
    scalar.validate()


def test_max_rows_splits_groups_greedily_in_row_id_order() -> None:
    chunks = [scalar_chunk([f]) for f in range(20)]
    out = compact(chunks, CompactionConfig(max_bytes=1 << 30, max_rows=5, max_rows_if_unsorted=5))
    assert [c.num_rows for c in out] == [5, 5, 5, 5]
    assert [c.timelines["frame"].values[0] for c in out] == [0, 5, 10, 15]


def test_unsorted_merges_use_the_unsorted_row_limit() -> None:
    # Frames go backwards: merging makes the frame index unsorted, so max_rows_if_unsorted applies.
    chunks = [scalar_chunk([f]) for f in (9, 8, 7, 6, 5, 4)]
    out = compact(chunks, CompactionConfig(max_bytes=1 << 30, max_rows=100, max_rows_if_unsorted=2))
    assert [c.num_rows for c in out] == [2, 2, 2]


def test_chunks_of_other_entities_or_timelines_stay_apart() -> None:
    a = scalar_chunk([0])
    b = scalar_chunk([1], entity="/plot/other")
    c = drop_timelines(scalar_chunk([2]), ["log_time"])
    assert len({group_key(x) for x in (a, b, c)}) == 3
    assert len(compact([a, b, c], BIG)) == 3


def test_different_component_sets_merge_with_nulls_but_type_conflicts_do_not() -> None:
    other = ComponentDescriptor("Other:value", "rerun.archetypes.Other", "rerun.components.Other")
    plain = scalar_chunk([0])
    extra_col = pa.array([["x"]], pa.list_(pa.string()))
    richer = Chunk.from_columns(
        "/plot/scalar",
        new_tuids(1),
        list(scalar_chunk([1]).timelines.values()),
        {**scalar_chunk([1]).components, other: extra_col},
    )
    (merged,) = compact([plain, richer], BIG)
    assert merged.num_rows == 2 and merged.component("Other:value").to_pylist() == [None, ["x"]]
    clash = Chunk.from_columns(
        "/plot/scalar",
        new_tuids(1),
        list(scalar_chunk([2]).timelines.values()),
        {other: pa.array([[1]], pa.list_(pa.int64()))},
    )
    assert len(compact([richer, clash], BIG)) == 2


def test_single_chunks_keep_their_id() -> None:
    a = scalar_chunk([0])
    (out,) = compact([a], BIG)
    assert out.id == a.id


def test_static_newest_write_wins_and_shadowed_chunks_are_dropped() -> None:
    old, new = text_chunk("old"), text_chunk("new")
    table = StaticTable()
    table.insert(old)
    table.insert(new)
    (kept,) = table.chunks()
    assert kept.components[TEXT].to_pylist() == [["new"]]
    # Older data inserted after newer wins nothing but is kept, as Rerun's store keeps it.
    late = StaticTable()
    late.insert(new)
    late.insert(old)
    assert [c.id for c in late.chunks()] == [new.id, old.id]


def test_drop_timelines_removes_index_columns_only() -> None:
    chunk = scalar_chunk([1, 2])
    out = drop_timelines(chunk, ["log_time", "not_there"])
    assert list(out.timelines) == ["frame"]
    assert out.id == chunk.id and out.num_rows == 2
    assert out.components.keys() == chunk.components.keys()
    everything = drop_timelines(chunk, ["log_time", "frame"])
    assert everything.is_static


def test_concatenated_rows_follow_row_ids_not_input_order() -> None:
    chunks = [scalar_chunk([f]) for f in range(4)]
    (out,) = compact(list(reversed(chunks)), BIG)
    hi, lo = out.row_id_keys
    order = np.lexsort((lo, hi))
    assert order.tolist() == list(range(4))
    values = out.components[next(iter(out.components))]
    assert values.to_pylist() == [[0.0], [0.5], [1.0], [1.5]]
    assert isinstance(out, Chunk) and isinstance(values, pa.ListArray)


def test_disjoint_component_sets_do_not_merge() -> None:
    scalars = scalar_chunk([0])
    text_only = Chunk.from_columns(
        "/plot/scalar",
        new_tuids(1),
        list(scalar_chunk([1]).timelines.values()),
        {TEXT: pa.array([["x"]], pa.list_(pa.string()))},
    )
    assert len(compact([scalars, text_only], BIG)) == 2


def test_oversized_chunks_are_split_by_rows_then_bytes() -> None:
    big = scalar_chunk(list(range(100)))
    out = compact([big], CompactionConfig(max_bytes=1 << 30, max_rows=30, max_rows_if_unsorted=30))
    assert sorted(c.num_rows for c in out) == [10, 30, 30, 30]
    assert len({c.id for c in out}) == 4 and big.id not in {c.id for c in out}
    per_row = big.num_bytes / big.num_rows
    by_bytes = compact(
        [big], CompactionConfig(max_bytes=int(per_row * 40), max_rows=1000, max_rows_if_unsorted=1000)
    )
    assert sum(c.num_rows for c in by_bytes) == 100
    assert max(c.num_rows for c in by_bytes) <= 40
    frames = sorted(v for c in by_bytes for v in c.timelines["frame"].values.tolist())
    assert frames == list(range(100))
