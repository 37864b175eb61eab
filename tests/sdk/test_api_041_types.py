"""0.41's shapes of a few value types and archetypes (closed gaps of the API-conformance list):
what each does when called as scripts written for 0.41 call it."""

from __future__ import annotations

import typing
import warnings

import numpy as np
import pytest

import rerun as rr
from rerun.error_utils import RerunWarning


def test_top_level_tensor_dimension_index_selection_is_the_component() -> None:
    sel = rr.TensorDimensionIndexSelection(dimension=1, index=2)
    assert rr.TensorDimensionIndexSelection is rr.components.TensorDimensionIndexSelection
    assert isinstance(sel, rr.encodings.TensorDimensionIndexSelection)
    assert (
        rr.TensorDimensionIndexSelection.component_type() == "rerun.components.TensorDimensionIndexSelection"
    )
    assert (
        str(rr.TensorDimensionIndexSelection.arrow_type())
        == "struct<dimension: uint32 not null, index: uint64 not null>"
    )
    assert sel.as_arrow_array().to_pylist() == [{"dimension": 1, "index": 2}]


def test_view_coordinates_archetype_patches_its_constants_onto_a_class() -> None:
    class Patched(rr.ViewCoordinates):
        pass

    Patched.RDF = None  # type: ignore[assignment]
    rr.ViewCoordinates.deferred_patch_class(Patched)
    assert Patched.RDF is rr.components.ViewCoordinates.RDF
    assert rr.ViewCoordinates.RIGHT_HAND_Z_UP is rr.components.ViewCoordinates.RIGHT_HAND_Z_UP


def test_bar_chart_values_converter_warns_on_more_than_one_dimension(lenient: None) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        batch = rr.BarChart.values__field_converter_override([1, 2, 3])
        rr.BarChart.values__field_converter_override(np.zeros((1, 4)))  # singletons ignored
        rr.BarChart([5])  # one element of shape (1,): fine, as 0.41
    assert isinstance(batch, rr.components.TensorDataBatch)
    assert batch.as_arrow_array()[0]["shape"].as_py() == [3]
    with pytest.warns(RerunWarning, match=r"should only be 1D. Got values with shape: \[2 3\]"):
        rr.BarChart.values__field_converter_override(np.zeros((2, 3)))
    with pytest.warns(RerunWarning, match=r"should only be 1D. Got values with shape: \[\]"):
        chart = rr.BarChart.from_fields(values=1.5)  # the converter runs here too, as 0.41's
    assert chart.values is not None  # kept


def test_bar_chart_from_fields_raises_on_2d_values_when_strict() -> None:
    before = rr.strict_mode()
    rr.set_strict_mode(True)
    try:
        with pytest.raises(ValueError, match="only be 1D"):
            rr.BarChart.from_fields(values=[[1, 2, 3], [4, 5, 6]])
    finally:
        rr.set_strict_mode(before)


def test_ellipses2d_fields_put_colors_before_line_radii() -> None:
    by_keyword = rr.Ellipses2D(half_sizes=[[1, 2]], line_radii=0.5, colors=[255, 0, 0])
    names = [b.component_descriptor().component for b in by_keyword.as_component_batches()]
    assert names == ["Ellipses2D:half_sizes", "Ellipses2D:colors", "Ellipses2D:line_radii"]
    fields = rr.Ellipses2D.from_fields(half_sizes=[[1, 2]], line_radii=0.5, colors=[255, 0, 0])
    assert [b.component_descriptor().component for b in fields.as_component_batches()] == names
    with pytest.raises(TypeError):
        rr.Ellipses2D([[1, 2]])  # type: ignore[misc]  # keyword-only, as 0.41


def test_angle_like_is_typing_any_at_run_time() -> None:
    assert rr.datatypes.AngleLike is typing.Any
    assert rr.encodings.AngleLike is typing.Any


def test_component_constructors_take_0_41_arguments() -> None:
    assert rr.components.Timestamp(seconds=1.5).value == 1_500_000_000
    assert rr.components.Timestamp(nanos=7).as_arrow_array().to_pylist() == [7]
    assert repr(rr.components.Timestamp(seq=3)) == "Timestamp(value=3)"
    with pytest.raises(ValueError, match="Exactly one"):
        rr.components.Timestamp()
    line = rr.components.GeoLineString(lat_lon=[[59.3, 18.0], [59.4, 18.1]])
    assert line.lat_lon == [[59.3, 18.0], [59.4, 18.1]]
    assert line.as_arrow_array().to_pylist() == [[[59.3, 18.0], [59.4, 18.1]]]
    with pytest.raises(TypeError):
        rr.components.GeoLineString([[1.0, 2.0]])  # type: ignore[misc]
    media = rr.components.MediaType(value="text/markdown")
    assert media == rr.components.MediaType.MARKDOWN and isinstance(media, str)
    assert repr(rr.components.TextLogLevel(value="WARN")) == "TextLogLevel(value='WARN')"


def test_send_chunks_raises_on_a_non_chunk_even_when_lenient(lenient: None) -> None:
    rec = rr.RecordingStream("send_chunks_type", recording_id="r")
    rec.memory_recording()
    with pytest.raises(TypeError, match="Chunk"):
        rr.send_chunks([1], recording=rec)
    with pytest.raises(TypeError):
        rr.send_chunks(5, recording=rec, strict=False)  # type: ignore[call-arg]  # no such argument in 0.41
