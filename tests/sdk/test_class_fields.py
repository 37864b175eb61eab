"""0.41's encodings are attrs classes: their fields are class attributes too (`Vec3D.xyz`).

Code written against 0.41 introspects them (`hasattr(rr.encodings.Vec3D, "xyz")`); the class
value must not shadow what an instance holds.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import rerun as rr
import rerun.blueprint as rrb


def test_encoding_fields_are_class_attributes() -> None:
    enc = rr.encodings
    for cls, field in (
        (enc.Vec3D, "xyz"),
        (enc.Utf8Pair, "second"),
        (enc.ImageFormat, "channel_datatype"),
        (enc.Float64, "value"),
        (enc.TimeRangeBoundary, "inner"),
        (enc.VisibleTimeRange, "timeline"),
    ):
        assert hasattr(cls, field), (cls, field)
    assert list(enc.Vec3D([1, 2, 3]).xyz) == [1, 2, 3]
    assert enc.Utf8Pair("a", "b").second == "b"
    assert enc.RotationAxisAngle(axis=[0, 0, 1], radians=1.0).angle.radians == 1.0
    assert np.allclose(enc.Quaternion(xyzw=[0, 0, 0, 1]).xyzw, [0, 0, 0, 1])


def test_blueprint_record_fields_are_class_attributes() -> None:
    bpc = rrb.components
    for cls, field in (
        (bpc.FilterByRange, "start"),
        (bpc.TextLogColumn, "visible"),
        (bpc.VisualBounds2D, "x_range"),
        (bpc.SortBy, "direction"),
        (bpc.VisualizerComponentMapping, "selector"),
    ):
        assert hasattr(cls, field), (cls, field)
    assert bpc.FilterByRange(1, 2).start == 1
    assert bpc.TextLogColumn("body", visible=False).visible is False


def test_tensor_data_gives_its_buffer_and_array_as_0_41() -> None:
    tensor = rr.components.TensorData(array=np.arange(6, dtype=np.uint8).reshape(2, 3))
    assert tensor.numpy(True).tolist() == [[0, 1, 2], [3, 4, 5]]
    assert tensor.buffer.inner.tolist() == [0, 1, 2, 3, 4, 5] and tensor.buffer.inner.dtype == np.uint8


def test_tensor_buffer_takes_only_inner_and_batches_like_0_41() -> None:
    """0.41 cannot batch a lone TensorBuffer: it warns and logs an empty batch; ours does the same."""
    import warnings

    buffer = rr.encodings.TensorBuffer(np.arange(3, dtype=np.uint8).reshape(3, 1))
    assert buffer.inner.tolist() == [0, 1, 2] and repr(buffer).startswith("TensorBuffer(inner=array(")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        batch = rr.encodings.TensorBufferBatch([buffer])
    assert batch.as_arrow_array().to_pylist() == [] and len(caught) == 1


def test_mat4x4_takes_rows_or_columns_as_0_41() -> None:
    grid = np.arange(16).reshape(4, 4)
    assert rr.encodings.Mat4x4(columns=grid).flat_columns.tolist() == list(range(16))
    assert rr.encodings.Mat4x4(rows=grid).flat_columns.tolist() == grid.T.reshape(16).tolist()


def test_component_helpers_0_41_scripts_call() -> None:
    # Added at run time (rerun.components._compat041); type checkers do not see them yet.
    video: Any = rr.components.VideoTimestamp
    assert video(seconds=1.5).timestamp_ns == 1_500_000_000
    assert video.seconds([2, 2.5]).as_arrow_array().to_pylist() == [2_000_000_000, 2_500_000_000]
    assert video.milliseconds([3]).as_arrow_array().to_pylist() == [3_000_000]
    assert video.nanoseconds([4]).as_arrow_array().to_pylist() == [4]
    color: Any = rr.components.Color
    assert color.from_string("a").as_arrow_array() == color.from_string("a").as_arrow_array()
    assert color.rgba__field_converter_override([255, 0, 0]) == 0xFF0000FF
    scale: Any = rr.components.Scale3D([1, 2, 3])
    assert scale.xyz.tolist() == [1, 2, 3]


def test_deferred_patch_class_sets_the_named_constants_on_a_class() -> None:
    view: Any = rr.components.ViewCoordinates
    assert view.ViewDir is rr.encodings.ViewDir and hasattr(view, "coordinates")

    class Patched(rr.components.ViewCoordinates):
        pass

    view.deferred_patch_class(Patched)
    patched: Any = Patched
    assert type(patched.RDF) is Patched and patched.RDF.coordinates == view.RDF.coordinates
    level: Any = rr.components.TextLogLevel

    class Levels(rr.components.TextLogLevel):
        pass

    level.deferred_patch_class(Levels)
    levels: Any = Levels
    assert type(levels.ERROR) is Levels and levels.ERROR == "ERROR"


def test_key_value_pairs_and_class_map_field_converters() -> None:
    pairs_of: Any = rr.components.KeyValuePairs.pairs__field_converter_override  # type: ignore[attr-defined]
    pairs = pairs_of([("x", "y"), {"k": "v"}, rr.encodings.Utf8Pair("f", "s")])
    assert [(p.first, p.second) for p in pairs] == [("x", "y"), ("k", "v"), ("f", "s")]
    class_map_of: Any = rr.components.AnnotationContext.class_map__field_converter_override  # type: ignore[attr-defined]
    entries = class_map_of([(1, "a"), rr.encodings.ClassDescription(info=(2, "b"))])
    assert [(x.class_id, x.class_description.info.label) for x in entries] == [(1, "a"), (2, "b")]
