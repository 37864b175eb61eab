"""Row hashes behind ``compare --unordered``: what they ignore and what they notice."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from cli_samples import POSITIONS, SCALAR, scalar_chunk

from rerun.cli.rowhash import cell_hashes, row_hashes
from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.types import TimeType, new_tuids


def _chunk(frames: list[int], comps: dict) -> Chunk:  # type: ignore[type-arg]
    cols = [TimeColumn.from_values("frame", TimeType.SEQUENCE, frames)]
    return Chunk.from_columns("/e", new_tuids(len(frames)), cols, comps)


def test_row_ids_and_chunking_do_not_matter() -> None:
    one = scalar_chunk([1, 2, 3])
    split = [scalar_chunk([1]), scalar_chunk([3, 2])]
    assert sorted(row_hashes(one).tolist()) == sorted(np.concatenate([row_hashes(c) for c in split]).tolist())


def test_null_columns_hash_like_absent_columns() -> None:
    values = pa.array([[1.0], [2.0]], pa.list_(pa.float64()))
    lonely = _chunk([1, 2], {SCALAR: values})
    pts = pa.array([None, None], pa.list_(pa.list_(pa.float32(), 3)))
    padded = _chunk([1, 2], {SCALAR: values, POSITIONS: pts})
    assert row_hashes(lonely).tolist() == row_hashes(padded).tolist()


def test_values_times_and_types_are_noticed() -> None:
    base = _chunk([1], {SCALAR: pa.array([[1.0]], pa.list_(pa.float64()))})
    other_value = _chunk([1], {SCALAR: pa.array([[1.5]], pa.list_(pa.float64()))})
    other_time = _chunk([2], {SCALAR: pa.array([[1.0]], pa.list_(pa.float64()))})
    other_type = _chunk([1], {SCALAR: pa.array([[1.0]], pa.list_(pa.float32()))})
    hashes = {int(row_hashes(c)[0]) for c in (base, other_value, other_time, other_type)}
    assert len(hashes) == 4


def test_cells_hash_by_content_and_order_even_when_sliced() -> None:
    arr = pa.array([[1, 2], [2, 1], [], None, [1, 2]], pa.list_(pa.int32()))
    h = cell_hashes(arr)
    assert h[0] == h[4] and h[0] != h[1] and h[2] != h[0]
    assert cell_hashes(arr.slice(1, 4)).tolist() == h[1:].tolist()
    strings = pa.array([["a"], ["b"], ["a"]], pa.list_(pa.string()))
    hs = cell_hashes(strings)
    assert hs[0] == hs[2] != hs[1]
