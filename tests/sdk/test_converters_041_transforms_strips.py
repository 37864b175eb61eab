"""0.41's read rules for line strips, rotations, timestamps and the other types of the
transform / line-strip / MCAP family (the behaviour matrix compares them against the real SDK)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from rerun import components as C
from rerun.error_utils import RerunWarning


def test_unreadable_strip_is_kept_empty_with_a_warning_outside_strict_mode(lenient: None) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        batch = C.LineStrip2DBatch([np.array([[0, 0], [1, 1]]), "xy"])
    assert batch.as_arrow_array().to_pylist() == [[[0, 0], [1, 1]], []]
    assert any(isinstance(w.message, RerunWarning) for w in caught)


def test_numbers_are_strips_of_one_value_each(strict: None) -> None:
    with pytest.raises(ValueError):
        C.LineStrip3DBatch([1.0, 2.0, 3.0])  # three strips, each a lone number


def test_a_mapping_is_no_strip(strict: None) -> None:
    with pytest.raises(TypeError):
        C.GeoLineStringBatch({"a": 1})


def test_strip_shapes_still_read(strict: None) -> None:
    assert C.LineStrip3DBatch(np.zeros((2, 4, 3))).as_arrow_array().to_pylist() == [[[0, 0, 0]] * 4] * 2
    assert C.LineStrip2DBatch([[0, 1], [2, 3]]).as_arrow_array().to_pylist() == [[[0, 1], [2, 3]]]
    assert C.LineStrip2DBatch([C.LineStrip2D([[0, 1]]), [[2, 3]]]).as_arrow_array().to_pylist() == [
        [[0, 1]],
        [[2, 3]],
    ]


def test_rotation_items_without_axis_raise_attribute_error(strict: None) -> None:
    with pytest.raises(AttributeError):
        C.RotationAxisAngleBatch([[0, 0, 1]])
    with pytest.raises(TypeError):
        C.RotationAxisAngleBatch(1.0)  # not iterable


def test_timestamps_are_numbers_truncated_to_int64(strict: None) -> None:
    assert C.TimestampBatch([1.5, 2.0]).as_arrow_array().to_pylist() == [1, 2]
    with pytest.raises(OverflowError):
        C.TimestampBatch([1e40])
    with pytest.raises(ValueError):
        C.TimestampBatch("text")


def test_channel_message_counts_cannot_be_serialized_from_values(strict: None) -> None:
    with pytest.raises(NotImplementedError):
        C.ChannelMessageCountsBatch({1: 2})
    with pytest.raises(NotImplementedError):
        C.ChannelMessageCountsBatch([])


def test_key_value_pairs_rows(strict: None) -> None:
    assert C.KeyValuePairsBatch({"a": 1}).as_arrow_array().to_pylist() == [[{"first": "a", "second": "1"}]]
    value = C.KeyValuePairs([("a", "b")])
    assert C.KeyValuePairsBatch([value, {"c": "d"}]).as_arrow_array().to_pylist() == [
        [{"first": "a", "second": "b"}],
        [{"first": "c", "second": "d"}],
    ]
    with pytest.raises(ValueError, match="KeyValuePairs"):
        C.KeyValuePairsBatch([("a", "b")])  # each item is a row: 'a' is no pair
    with pytest.raises(ValueError):
        C.KeyValuePairsBatch(["a", "b"])


def test_graph_edges_need_pairs(strict: None) -> None:
    assert C.GraphEdgeBatch([("a", 1)]).as_arrow_array().to_pylist() == [{"first": "a", "second": "1"}]
    assert C.GraphEdgeBatch(np.array([["a", "b"]])).as_arrow_array().to_pylist() == [
        {"first": "a", "second": "b"}
    ]
    with pytest.raises(ValueError):
        C.GraphEdgeBatch(["a", "b"])  # strings of length 1 are no pairs
    with pytest.raises(ValueError):
        C.GraphEdgeBatch([1.0, 2.0])


def test_matrices_one_or_per_item(strict: None) -> None:
    eye = np.eye(3)
    assert len(C.TransformMat3x3Batch(eye).as_arrow_array()) == 1
    assert len(C.TransformMat3x3Batch([eye, eye]).as_arrow_array()) == 2
    with pytest.raises(TypeError):
        C.TransformMat3x3Batch(1.0)  # a lone number has no len()
    with pytest.raises(ValueError):
        C.TransformMat3x3Batch([1.0, 2.0])  # starts with a number: no list of matrices


def test_view_coordinates_triples(strict: None) -> None:
    assert C.ViewCoordinatesBatch([1, 2, 3]).as_arrow_array().to_pylist() == [[1, 2, 3]]
    assert C.ViewCoordinatesBatch([[1, 2, 3], ["Right", "Down", "Forward"]]).as_arrow_array().to_pylist() == [
        [1, 2, 3],
        [3, 2, 5],
    ]
    for bad in ([1.0, 2.0, 3.0], [1.0, 2.0], {"a": 1}, np.zeros((2, 3), np.float32)):
        with pytest.raises(ValueError):
            C.ViewCoordinatesBatch(bad)


def test_annotation_context_of_no_classes_is_one_instance(strict: None) -> None:
    assert C.AnnotationContextBatch([]).as_arrow_array().to_pylist() == [[]]
    rows = C.AnnotationContextBatch(np.array([[0.0, 1.0, 2.0]], np.float32)).as_arrow_array().to_pylist()
    assert rows[0][0]["class_description"]["info"] == {"id": 0, "label": "1.0", "color": 2}
