"""The reader's direct chunk -> table path equals the general ``ChunkStore.dataframe`` path.

Each case builds one segment's chunks, runs ``fast_segment_table`` and the general path
(``segment_table_of_store``) with the same reader schema, and compares the tables; cases the
fast path does not cover must return None (so the reader falls back).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from rerun.catalog._fastpath import fast_segment_table, segment_id_column
from rerun.catalog._reader import (
    SEGMENT_ID,
    Pushdown,
    ReadSpec,
    segment_table_of_chunks,
    segment_table_of_store,
)
from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.store.store import CLEAR_COMPONENT, ChunkStore
from rerun_core.types import ComponentDescriptor, TimeType
from rerun_core.types.tuid import TuidGenerator

IDS = TuidGenerator()
SCALAR = ComponentDescriptor("Scalars:scalars", "rerun.archetypes.Scalars", "rerun.components.Scalar")
POS = ComponentDescriptor("Points3D:positions", "rerun.archetypes.Points3D", "rerun.components.Position3D")
TEXT = ComponentDescriptor("TextDocument:text", "rerun.archetypes.TextDocument", "rerun.components.Text")
CLEAR = ComponentDescriptor(CLEAR_COMPONENT, "rerun.archetypes.Clear", "rerun.components.ClearIsRecursive")
POS_TYPE = pa.list_(pa.list_(pa.field("item", pa.float32(), False), 3))


def scalars(entity: str, frames: list[int], values: list[Any] | None = None, **tl: list[int]) -> Chunk:
    vals = values if values is not None else [[float(f)] for f in frames]
    cols = [TimeColumn.from_values("frame", TimeType.SEQUENCE, frames)]
    cols += [TimeColumn.from_values(k, TimeType.SEQUENCE, v) for k, v in tl.items()]
    return Chunk.from_columns(
        entity,
        timelines=cols,
        components={SCALAR: pa.array(vals, pa.list_(pa.float64()))},
        chunk_id=IDS.new(),
        row_ids=IDS.new_block(len(frames)),
    )


def points(entity: str, frames: list[int]) -> Chunk:
    cells = [[[float(f), 1.0, 2.0]] * (f % 3 + 1) for f in frames]
    return Chunk.from_columns(
        entity,
        timelines=[TimeColumn.from_values("frame", TimeType.SEQUENCE, frames)],
        components={POS: pa.array(cells, POS_TYPE)},
        chunk_id=IDS.new(),
        row_ids=IDS.new_block(len(frames)),
    )


def static(entity: str, desc: ComponentDescriptor, cell: pa.Array) -> Chunk:
    return Chunk.from_columns(
        entity, timelines=[], components={desc: cell}, chunk_id=IDS.new(), row_ids=IDS.new_block(1)
    )


def text(entity: str, value: str) -> Chunk:
    return static(entity, TEXT, pa.array([[value]], pa.list_(pa.string())))


def reader_schema_of(chunks: list[Chunk]) -> pa.Schema:
    """Segment id, the store's indexes, then every component (as a dataset schema lists them)."""
    store = ChunkStore()
    for c in chunks:
        store.insert(c)
    index = next(iter(store.timelines()), None)
    full = store.dataframe(index, include_semantically_empty_columns=True, include_tombstone_columns=True)
    return pa.schema([pa.field(SEGMENT_ID, pa.string(), nullable=False), *full.schema])


def both(
    chunks: list[Chunk], entities: list[str], *, start: int | None = None, end: int | None = None, **kw: Any
) -> tuple[pa.Table | None, pa.Table]:
    schema = reader_schema_of(chunks)
    spec = ReadSpec(None, None, "frame", **kw)  # type: ignore[arg-type]
    push = Pushdown(start=start, end=end)
    fast = fast_segment_table(
        chunks,
        schema,
        "seg0",
        entities,
        "frame",
        start,
        end,
        include_semantically_empty_columns=kw.get("include_semantically_empty_columns", False),
    )
    store = ChunkStore()
    for c in chunks:
        store.insert(c)
    general = segment_table_of_store(spec, schema, entities, "seg0", store, None, push)
    assert general is not None
    return fast, general


def assert_same(chunks: list[Chunk], entities: list[str], **kw: Any) -> pa.Table:
    fast, general = both(chunks, entities, **kw)
    assert fast is not None, "expected the fast path to cover this case"
    assert fast.schema.equals(general.schema, check_metadata=True)
    assert fast.combine_chunks().equals(general.combine_chunks()), (
        f"\n{fast.to_pydict()}\n{general.to_pydict()}"
    )
    return fast


def test_dense_sparse_and_static_equal_the_general_path() -> None:
    chunks = [
        scalars("/s", list(range(0, 50))),
        scalars("/s", list(range(50, 100))),
        points("/p", list(range(0, 100, 7))),
        text("/t", "hello"),
    ]
    table = assert_same(chunks, ["/p", "/s", "/t"])
    assert table.num_rows == 100
    assert table.column("/t:TextDocument:text").to_pylist() == [["hello"]] * 100


def test_chunks_out_of_order_and_index_window() -> None:
    chunks = [
        scalars("/s", list(range(60, 90))),
        scalars("/s", list(range(0, 60))),
        points("/p", [3, 61, 95]),
    ]
    table = assert_same(chunks, ["/p", "/s"], start=10, end=70)
    assert table.column("frame").to_pylist() == list(range(10, 71))


def test_sparse_times_outside_the_dense_column_make_rows() -> None:
    chunks = [scalars("/s", [0, 2, 4]), points("/p", [1, 2, 9])]
    table = assert_same(chunks, ["/p", "/s"])
    assert table.column("frame").to_pylist() == [0, 1, 2, 4, 9]


def test_null_and_empty_cells() -> None:
    chunks = [scalars("/s", [0, 1, 2, 3], [[1.0], None, [], [4.0]]), points("/p", [1, 2])]
    assert_same(chunks, ["/p", "/s"])


def test_semantically_empty_component_is_null_unless_asked_for() -> None:
    chunks = [scalars("/s", [0, 1]), scalars("/e", [5, 6], [[], []])]
    table = assert_same(chunks, ["/e", "/s"])
    assert table.column("frame").to_pylist() == [0, 1]  # the empty component makes no rows
    table = assert_same(chunks, ["/e", "/s"], include_semantically_empty_columns=True)
    assert table.column("/e:Scalars:scalars").to_pylist() == [None, None, [], []]


def test_static_wins_over_temporal_and_highest_row_id_wins() -> None:
    first = static("/s", SCALAR, pa.array([[1.0]], pa.list_(pa.float64())))
    second = static("/s", SCALAR, pa.array([[2.0]], pa.list_(pa.float64())))
    table = assert_same([scalars("/s", [0, 1]), second, first, points("/p", [0, 1, 2])], ["/p", "/s"])
    assert table.column("/s:Scalars:scalars").to_pylist() == [[2.0]] * 3


def test_only_viewed_entities_make_rows_and_duplicate_chunks_count_once() -> None:
    dense = scalars("/s", [0, 1, 2])
    table = assert_same([dense, dense, points("/p", [7, 8])], ["/p"])
    assert table.column("frame").to_pylist() == [7, 8]
    assert table.column("/s:Scalars:scalars").null_count == 2


def test_many_rows_of_a_static_text_reuse_one_block() -> None:
    n = 70_000  # more than one repeated block (65536 rows)
    chunks = [scalars("/s", list(range(n))), text("/t", "hi")]
    table = assert_same(chunks, ["/s", "/t"])
    assert table.column("/t:TextDocument:text").to_pylist()[-1] == ["hi"]


@pytest.mark.parametrize(
    "chunks",
    [
        pytest.param([scalars("/s", [0, 1, 2]), scalars("/s", [2, 3])], id="overlapping-chunks"),
        pytest.param([scalars("/s", [0, 1, 1, 2])], id="repeated-index-value"),
        pytest.param([scalars("/s", [3, 1, 2])], id="unsorted-chunk"),
        pytest.param(
            [scalars("/s", [0, 1]), static("/s", CLEAR, pa.array([[True]], pa.list_(pa.bool_())))], id="clear"
        ),
    ],
)
def test_uncovered_cases_fall_back_to_the_general_path(chunks: list[Chunk]) -> None:
    fast, general = both(chunks, ["/s"])
    assert fast is None
    spec = ReadSpec(None, None, "frame")  # type: ignore[arg-type]
    via_reader = segment_table_of_chunks(
        spec, reader_schema_of(chunks), ["/s"], "seg0", chunks, None, Pushdown()
    )
    assert via_reader is not None and via_reader.equals(general)


def test_other_timelines_show_the_largest_value_of_the_row_cells() -> None:
    chunks = [
        scalars("/s", [0, 1, 2, 3], step=[10, 11, 12, 13]),
        scalars("/s", [4, 5]),  # no step here: null unless another cell of the row has one
        points("/p", [1, 3, 5]),
        Chunk.from_columns(
            "/q",
            timelines=[
                TimeColumn.from_values("frame", TimeType.SEQUENCE, [1, 2, 5]),
                TimeColumn.from_values("step", TimeType.SEQUENCE, [99, 1, 7]),
            ],
            components={SCALAR: pa.array([[1.0], [2.0], [3.0]], pa.list_(pa.float64()))},
            chunk_id=IDS.new(),
            row_ids=IDS.new_block(3),
        ),
    ]
    table = assert_same(chunks, ["/p", "/q", "/s"])
    assert table.column("step").to_pylist() == [10, 99, 12, 13, None, 7]
    table = assert_same(chunks, ["/p"])
    assert table.column("step").null_count == 3


def test_segment_id_column_from_buffers() -> None:
    assert segment_id_column("abc", 3).to_pylist() == ["abc"] * 3
    assert segment_id_column("abc", 0).to_pylist() == []
    assert segment_id_column("", 2).to_pylist() == ["", ""]


def test_time_index_view() -> None:
    chunk = Chunk.from_columns(
        "/s",
        timelines=[TimeColumn.from_values("frame", TimeType.TIMESTAMP, [1, 5])],
        components={SCALAR: pa.array([[1.0], [2.0]], pa.list_(pa.float64()))},
        chunk_id=IDS.new(),
        row_ids=IDS.new_block(2),
    )
    table = assert_same([chunk], ["/s"])
    assert table.column("frame").type == pa.timestamp("ns")
    assert table.column("frame").cast(pa.int64()).to_pylist() == [1, 5]
