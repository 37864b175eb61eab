"""Checks and warnings where rerun-sdk 0.41 has them (and none where it has none).

Each behaviour here was observed in the real SDK; the generated matrix in
tests/interop/test_api_conformance_behaviour.py compares many more inputs against it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import rerun as rr
from rerun._baseclasses import BaseBatch
from rerun.error_utils import RerunWarning


def test_values_of_any_length_construct_and_fail_when_batched(lenient: None) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v = rr.encodings.Vec3D([1, 2])
        q = rr.Quaternion(xyzw=[1, 2, 3])
        a = rr.RotationAxisAngle(axis=[1, 2], angle=1.0)
    assert v.xyz.tolist() == [1.0, 2.0] and q.xyzw.size == 3 and a.axis.size == 2
    with pytest.warns(RerunWarning, match="quaternion"):
        t = rr.Transform3D(quaternion=[1, 2, 3])
    assert t.quaternion is not None and len(t.quaternion) == 0  # emptied, as 0.41


def test_bar_chart_wants_1d_values(lenient: None) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rr.BarChart(np.zeros((1, 3)))  # squeezes to 1D: fine
    with pytest.warns(
        RerunWarning, match=r"Bar chart data should only be 1D. Got values with shape: \[2 2\]"
    ):
        chart = rr.BarChart(np.zeros((2, 2)))
    assert chart.values is not None  # kept, as 0.41


def test_bar_chart_shape_raises_when_strict(strict: None) -> None:
    with pytest.raises(ValueError, match="only be 1D"):
        rr.BarChart([[1, 2], [3, 4]])


def test_bad_line_strip_warns_and_empties(lenient: None) -> None:
    with pytest.warns(RerunWarning, match="strips"):
        strips = rr.LineStrips3D([[1, 2], [3, 4]])
    assert strips.strips is not None and len(strips.strips) == 0


def test_time_points_need_a_value() -> None:
    with pytest.raises(ValueError, match="Exactly one of 'seq', 'seconds', or 'nanos'"):
        rr.TimeInt()
    with pytest.raises(ValueError, match="Exactly one of 'time'"):
        rr.TimeRangeBoundary.absolute()
    assert rr.TimeRangeBoundary.cursor_relative().inner == 0
    with pytest.raises(ValueError, match="start_and_end"):
        rr.VisibleTimeRange("t")


def test_batch_converter_keeps_none_and_batches_are_generic() -> None:
    assert rr.components.ColorBatch._converter(None) is None
    assert len(rr.components.ColorBatch._converter([1])) == 1
    assert BaseBatch[int] is not None  # subscriptable in annotations


def test_empty_any_values_warn(lenient: None) -> None:
    for values in (rr.AnyValues(), rr.AnyValues(x=None)):
        with pytest.warns(RerunWarning, match="No valid component batches to return"):
            assert values.as_component_batches() == []


def test_empty_any_values_raise_when_strict(strict: None) -> None:
    with pytest.raises(ValueError, match="No valid component batches to return"):
        rr.AnyValues().as_component_batches()


def test_ambiguous_packed_colors_warn() -> None:
    with pytest.warns(RerunWarning, match="Ambiguous input for colors of length 3"):
        batch = rr.components.ColorBatch([0xFF0000FF, 0x00FF00FF, 0x0000FFFF])
    assert batch.as_arrow_array().to_pylist() == [0xFF0000FF, 0x00FF00FF, 0x0000FFFF]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rr.components.ColorBatch([255, 0, 0, 255])  # channels below 256: one RGBA colour


def test_bad_colour_keeps_the_positions(lenient: None) -> None:
    with pytest.warns(RerunWarning, match="colors"):
        points = rr.Points3D([[1, 2, 3]], colors="notacolor")
    assert points.positions is not None and len(points.positions) == 1
    assert points.colors is not None and len(points.colors) == 0


def test_bar_chart_without_values_reports_index_error_as_0_41(lenient: None) -> None:
    # 0.41's values converter runs on an unset field too and finds no tensor to read
    with pytest.warns(RerunWarning, match="no values tensor"):
        chart = rr.BarChart.from_fields(color=[255, 0, 0])
    assert chart.values is None and chart.color is not None  # the other fields are kept
    with pytest.warns(RerunWarning):
        bad = rr.BarChart("x")  # unreadable values are left unset, not an empty batch
    assert bad.values is None


def test_bar_chart_without_values_raises_index_error_when_strict(strict: None) -> None:
    with pytest.raises(IndexError):
        rr.BarChart.from_fields(widths=[1, 2])
