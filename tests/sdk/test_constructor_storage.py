"""Constructors store and log their input as rerun-sdk 0.41 does (values seen from the oracle).

The repr matrix (tests/interop/test_reprs_conformance.py) compares the printed forms against the
real SDK; these check the stored values and what gets logged without needing the oracle.
"""

from __future__ import annotations

import numpy as np
import pytest

import rerun as rr
import rerun.blueprint.components as bpc
from rerun.blueprint.encodings import TextLogColumnKind


def test_range1d_keeps_the_input_shape() -> None:
    assert rr.encodings.Range1D(1).range.shape == ()
    assert rr.components.ValueRange([1.0, 2.0, 3.0]).range.tolist() == [1.0, 2.0, 3.0]
    assert rr.components.Range1D(np.arange(6).reshape(2, 3)).range.shape == (2, 3)
    assert rr.components.Range1DBatch([[0.0, 1.0]]).as_arrow_array().to_pylist() == [[0.0, 1.0]]


def test_rgba32_packs_arrays_and_truncates_numbers() -> None:
    assert rr.encodings.Rgba32(1.5).rgba == 1
    # a float array is one color's channels in 0..1, wrapping past 255 as uint8 does
    assert rr.encodings.Rgba32(np.arange(6, dtype=np.float32).reshape(2, 3)).rgba == 16776959
    assert rr.encodings.Rgba32([255, 0, 0]).rgba == 0xFF0000FF
    assert rr.encodings.Rgba32(np.array([1, 2, 3], dtype=np.uint8)).rgba == 0x010203FF
    with pytest.raises(ValueError):
        rr.encodings.Rgba32([1, 2, 3, 4, 5])


def test_color_components_store_the_packed_value() -> None:
    assert rr.components.Color(1.5).rgba == 1
    assert rr.components.AlbedoFactor([1.0, 0.5, 0.0, 1.0]).rgba == 4286578943
    assert rr.components.Color((0.5, 0.5, 0.5)).as_arrow_array().to_pylist() == [2155905279]
    assert repr(rr.components.Color(np.arange(6, dtype=np.float32).reshape(2, 3))) == "Color(rgba=16776959)"


def test_scale3d_repeats_one_value_and_keeps_other_shapes() -> None:
    assert rr.components.Scale3D(2.0).xyz.tolist() == [2.0, 2.0, 2.0]
    assert rr.components.Scale3D().xyz.tolist() == [1.0, 1.0, 1.0]
    assert rr.components.Scale3D(np.arange(6).reshape(2, 3)).xyz.shape == (2, 3)


def test_spherical_harmonics_print_their_half_float_coefficients() -> None:
    text = repr(rr.components.SphericalHarmonics3Rgb([1.0, 2.0]))
    assert text == "SphericalHarmonics3Rgb(coefficients=array([1., 2.], dtype=float16))"


def test_plane_takes_a_scalar_normal() -> None:
    assert rr.encodings.Plane3D(1).xyzd.tolist() == [1.0, 0.0]
    with pytest.raises(ValueError):
        rr.encodings.Plane3D([1.0, 2.0])


def test_time_range_boundary_stores_its_input() -> None:
    assert rr.encodings.TimeRangeBoundary("text").inner == "text"
    assert rr.encodings.TimeRangeBoundary(None).inner is None
    assert (
        repr(rr.encodings.TimeRangeBoundary(np.int64(3)))
        == "TimeRangeBoundary(inner=np.int64(3), kind='cursor_relative')"
    )
    batch = rr.encodings.TimeRangeBoundaryBatch(
        [rr.encodings.TimeRangeBoundary(5), rr.encodings.TimeRangeBoundary(None)]
    )
    assert batch.as_arrow_array().to_pylist() == [5, 0]


def test_column_order_keeps_its_input_and_logs_its_items() -> None:
    assert bpc.ColumnOrder("text").entity_paths == "text"
    assert repr(bpc.ColumnOrder([1.0, 2.0])) == "ColumnOrder(entity_paths=[1.0, 2.0])"
    assert bpc.ColumnOrderBatch("ab").as_arrow_array().to_pylist() == [["a", "b"]]
    assert bpc.ColumnOrderBatch([]).as_arrow_array().to_pylist() == [[]]  # one empty order


def test_selected_columns_take_a_string_as_its_characters() -> None:
    assert [str(c) for c in bpc.SelectedColumns("ab").time_columns] == ["a", "b"]
    row = bpc.SelectedColumnsBatch([]).as_arrow_array().to_pylist()
    assert row == [{"time_columns": [], "component_columns": []}]


def test_text_log_column_batches(lenient: None) -> None:
    def logged(data: object) -> list[object]:
        return bpc.TextLogColumnBatch(data).as_arrow_array().to_pylist()

    body = {"visible": True, "kind": 3}
    assert logged(bpc.TextLogColumn("body")) == [body]
    assert logged([bpc.TextLogColumn("body", visible=False)]) == [{"visible": False, "kind": 3}]
    assert logged([TextLogColumnKind.Body]) == [body]
    assert logged(["Body"]) == [body]
    assert logged("body") == []  # a lone string is its characters, none a kind
    assert logged([1.0]) == []  # not a kind
    assert logged([4]) == []  # no such kind


def test_timeline_column_batch_takes_a_string_as_its_characters() -> None:
    rows = bpc.TimelineColumnBatch("ab").as_arrow_array().to_pylist()
    assert rows == [{"visible": True, "timeline": "a"}, {"visible": True, "timeline": "b"}]


def test_dataframe_query_cleared_logs_one_empty_selection_and_order() -> None:
    query = rr.blueprint.archetypes.DataframeQuery.cleared()
    batches = {
        b.component_descriptor().component: b.as_arrow_array().to_pylist()
        for b in query.as_component_batches()
    }
    assert batches["DataframeQuery:select"] == [{"time_columns": [], "component_columns": []}]
    assert batches["DataframeQuery:entity_order"] == [[]]
