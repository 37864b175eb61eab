"""Archetype base behaviour: descriptors, constructor checks, errors, columns, from_fields."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pyarrow as pa
import pytest

from rerun import archetypes as A
from rerun._baseclasses import ComponentColumn
from rerun.any_value import AnyValues
from rerun.encodings import ChannelDatatype, ColorModel, PixelFormat, TensorData


def test_descriptors_name_archetype_field_and_component_type() -> None:
    (desc,) = [b.descriptor for b in A.Points3D([1, 2, 3]).as_component_batches()]
    assert desc.component == "Points3D:positions"
    assert desc.archetype == "rerun.archetypes.Points3D"
    assert desc.component_type == "rerun.components.Position3D"
    assert A.Points3D.descriptor_radii().component_type == "rerun.components.Radius"
    assert A.Points3D.archetype() == "rerun.archetypes.Points3D"


def test_signature_follows_the_field_table() -> None:
    params = inspect.signature(A.Points3D).parameters
    assert list(params)[:2] == ["positions", "radii"]
    assert params["positions"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert params["radii"].kind is inspect.Parameter.KEYWORD_ONLY


def test_unknown_and_missing_arguments_are_type_errors() -> None:
    with pytest.raises(TypeError, match=r"unexpected keyword argument.*sizes"):
        A.Points3D([0, 0, 0], sizes=[1])  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"missing required argument.*positions"):
        A.Points3D()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"unexpected keyword argument.*bogus"):
        A.Points3D.from_fields(bogus=1)


def test_bad_value_names_the_argument_in_strict_mode(strict: None) -> None:
    with pytest.raises(ValueError, match=r"Points3D: bad value for `positions`: .*\(N, 3\)"):
        A.Points3D(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="Points3D: bad value for `radii`"):
        A.Points3D([0, 0, 0], radii="large")
    with pytest.raises(ValueError, match="GeoPoints: bad value for `lat_lon`"):
        A.GeoPoints(lat_lon="here")
    with pytest.raises(OverflowError, match="bad value for `class_ids`"):
        A.Points3D([0, 0, 0], class_ids=[-1])


def test_bad_value_warns_and_empties_only_that_field_outside_strict_mode(lenient: None) -> None:
    # As 0.41: the valid positions stay, the bad colours become an empty batch.
    with pytest.warns(Warning, match="bad value for `colors`"):
        pts = A.Points3D([0, 0, 0], colors="red")
    logged = {b.component_descriptor().component: len(b.as_arrow_array()) for b in pts.as_component_batches()}
    assert logged == {"Points3D:positions": 1, "Points3D:colors": 0}


def test_constructor_level_errors(strict: None) -> None:
    with pytest.raises(ValueError, match="Cannot specify both `sizes` and `half_sizes`"):
        A.Boxes3D(sizes=[1, 1, 1], half_sizes=[1, 1, 1])
    with pytest.raises(ValueError, match="Must specify `array_format`"):
        A.Boxes2D(array=[1, 2, 3, 4])
    with pytest.raises(ValueError, match="Expected a 2D or 3D tensor"):
        A.Image(np.zeros((2, 2, 2, 2)))
    with pytest.raises(ValueError, match="Expected 3 channels for BGR; got 4"):
        A.Image(np.zeros((2, 2, 4), dtype=np.uint8), color_model="BGR")
    with pytest.raises(ValueError, match="DepthImage must be 2D"):
        A.DepthImage(np.zeros((2, 2, 3)))
    with pytest.raises(ValueError, match="exactly one of 'path' or 'contents'"):
        A.Asset3D()
    with pytest.raises(ValueError, match="Either image_from_camera or focal_length"):
        A.Pinhole()


def test_image_formats() -> None:
    img = A.Image(np.zeros((4, 6, 3), dtype=np.uint16))
    fmt = img.image_format()
    assert (fmt.width, fmt.height) == (6, 4)
    assert fmt.color_model is ColorModel.RGB and fmt.channel_datatype is ChannelDatatype.U16
    nv12 = A.Image(bytes=bytes(24), width=4, height=4, pixel_format=PixelFormat.NV12)
    assert nv12.image_format().pixel_format is PixelFormat.NV12


def test_tensor_keeps_dtype_and_names() -> None:
    t = A.Tensor(np.zeros((2, 3), dtype=np.int32), dim_names=["rows", "cols"])
    row = t.data.as_arrow_array()[0].as_py()  # type: ignore[attr-defined]
    assert row["shape"] == [2, 3] and row["names"] == ["rows", "cols"]


def test_tensor_names_of_the_wrong_count_are_dropped_with_a_warning(lenient: None) -> None:
    with pytest.warns(Warning, match="Ignoring tensor dimension names"):  # as 0.41: the data is kept
        t = A.Tensor(np.zeros(3), dim_names=["a", "b"])
    assert t.data.as_arrow_array()[0].as_py()["names"] is None  # type: ignore[attr-defined]


def test_tensor_names_of_the_wrong_count_raise_when_strict(strict: None) -> None:
    with pytest.raises(ValueError, match="Ignoring tensor dimension names"):
        TensorData(array=np.zeros(3), dim_names=["a", "b"])


def test_image_argument_errors_raise_outside_strict_mode_too(lenient: None) -> None:
    # As 0.41: the image constructors raise for shapes and arguments they cannot use ...
    with pytest.raises(ValueError, match="Expected a 2D or 3D tensor"):
        A.Image(np.zeros((2, 2, 2, 2)))
    with pytest.raises(ValueError, match="requires 'width' and 'height'"):
        A.Image(bytes=b"abc")
    with pytest.raises(ValueError, match="SegmentationImage must be 2D"):
        A.SegmentationImage(np.zeros((2, 2, 3), dtype=np.uint8))
    with pytest.raises(ValueError, match="Unsupported dtype bool for DepthImage"):
        A.DepthImage(np.zeros((2, 2), dtype=bool))


def test_missing_asset_file_raises_file_not_found_when_strict(strict: None) -> None:
    with pytest.raises(FileNotFoundError):  # 0.41's class, not a ValueError
        A.Asset3D(path="/nonexistent/model.glb")


def test_image_channel_and_dtype_problems_warn_and_keep_the_image(lenient: None) -> None:
    # ... but only warn about a channel count or dtype they cannot name, and log the image.
    with pytest.warns(Warning, match="Expected 1, 3, or 4 channels; got 5"):
        img = A.Image(np.zeros((2, 3, 5), dtype=np.uint8))
    assert len(img.buffer.as_arrow_array()[0]) == 30  # type: ignore[attr-defined]
    row = img.format.as_arrow_array()[0].as_py()  # type: ignore[attr-defined]
    assert row["color_model"] is None and row["width"] == 3
    with pytest.warns(Warning, match="Unsupported dtype bool for Image"):
        flags = A.Image(np.zeros((2, 3), dtype=bool))
    assert flags.format.as_arrow_array()[0].as_py()["channel_datatype"] is None  # type: ignore[attr-defined]
    with pytest.warns(Warning, match="expected 3 or 4 channels|expected \\(H, W, 3\\|4\\)"):
        mesh = A.Mesh3D(vertex_positions=[[0, 0, 0]] * 3, albedo_texture=np.zeros((2, 2, 5), dtype=np.uint8))
    assert mesh.vertex_positions is not None and mesh.albedo_texture_buffer is None  # type: ignore[attr-defined]


def test_cleared_and_from_fields() -> None:
    cleared = A.Points3D.cleared()
    assert len(cleared.as_component_batches()) == len(A.Points3D._FIELDS)
    assert all(len(b.as_arrow_array()) == 0 for b in cleared.as_component_batches())
    partial = A.Transform3D.from_fields(translation=[1, 2, 3])
    assert [b.descriptor.component for b in partial.as_component_batches()] == ["Transform3D:translation"]


def test_columns_partition_per_row() -> None:
    cols = A.Points3D.columns(positions=np.zeros((6, 3)), radii=np.ones(6)).partition([2, 4])
    for col in cols:
        assert isinstance(col, ComponentColumn)
        assert col.as_arrow_array().value_lengths().to_pylist() == [2, 4]
    (scalars,) = A.Scalars.columns(scalars=np.arange(3.0))
    assert scalars.as_arrow_array().to_pylist() == [[0.0], [1.0], [2.0]]


def test_partition_lengths_must_add_up() -> None:
    (col,) = A.Scalars.columns(scalars=np.arange(3.0))
    with pytest.raises(ValueError, match="sum to 2, but the batch has 3 values"):
        col.partition([1, 1])


def test_rotations_argument_picks_the_field() -> None:
    from rerun.encodings import Quaternion, RotationAxisAngle

    boxes = A.Boxes3D(half_sizes=[1, 1, 1], rotations=[Quaternion(xyzw=[0, 0, 0, 1])])
    comps = {b.descriptor.field_name: len(b.as_arrow_array()) for b in boxes.as_component_batches()}
    assert comps["quaternions"] == 1 and comps["rotation_axis_angles"] == 0
    tf = A.Transform3D(rotation=RotationAxisAngle([0, 0, 1], radians=1.0))
    assert [b.descriptor.field_name for b in tf.as_component_batches()] == ["rotation_axis_angle"]


def test_transform_from_parent_is_deprecated_but_works() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tf = A.Transform3D(translation=[1, 2, 3], from_parent=True)
    assert any(issubclass(w.category, DeprecationWarning) for w in caught)
    relation = tf.relation.as_arrow_array().to_pylist()  # type: ignore[attr-defined]
    assert relation == [2]


def test_any_values_remember_their_type() -> None:
    AnyValues(test_remembered=np.array([1.5], dtype=np.float32))
    (batch,) = AnyValues(test_remembered=None).as_component_batches()
    assert batch.as_arrow_array().type == pa.float32() and len(batch.as_arrow_array()) == 0
    with pytest.warns(Warning, match="No valid component batches to return"):  # as 0.41
        assert AnyValues(test_never_seen=None).as_component_batches() == []


def test_equality_and_repr() -> None:
    assert A.Scalars(1.0) == A.Scalars([1.0])
    assert A.Scalars(1.0) != A.Scalars(2.0)
    assert "scalars=[1.0]" in repr(A.Scalars(1.0))


def test_image_compress_round_trips_through_pil() -> None:
    from io import BytesIO

    from PIL import Image as PILImage

    pixels = np.zeros((8, 8, 3), dtype=np.uint8)
    pixels[:, :, 0] = 200
    encoded = A.Image(pixels).compress(jpeg_quality=95)
    assert isinstance(encoded, A.EncodedImage)
    blob = bytes(encoded.blob.as_arrow_array()[0].as_py())  # type: ignore[attr-defined]
    decoded = np.asarray(PILImage.open(BytesIO(blob)))
    assert decoded.shape == (8, 8, 3) and abs(int(decoded[..., 0].mean()) - 200) <= 3


def test_depth_compress_keeps_meter_and_is_lossless(lenient: None) -> None:
    depth = np.arange(16, dtype=np.uint16).reshape(4, 4) * 100
    encoded = A.DepthImage(depth, meter=1000).compress()
    assert isinstance(encoded, A.EncodedDepthImage)
    assert encoded.meter.as_arrow_array().to_pylist() == [1000.0]  # type: ignore[attr-defined]
    with pytest.warns(Warning, match="Only U8 and U16"):
        same = A.DepthImage(depth.astype(np.float32)).compress()
    assert isinstance(same, A.DepthImage)


def test_warnings_point_at_the_callers_line(lenient: None) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        A.Points3D([0, 0, 0], colors="red")
        A.Boxes3D(sizes=[1, 1, 1], half_sizes=[1, 1, 1])
    assert [w.filename for w in caught] == [__file__, __file__]
    assert caught[1].lineno == caught[0].lineno + 1


def test_descriptor_override_helpers_used_by_custom_archetypes() -> None:
    from rerun._baseclasses import ComponentDescriptor

    d = ComponentDescriptor("a:b", archetype="A", component_type="T")
    assert d.with_overrides(archetype="X") == ComponentDescriptor("a:b", "X", "T")
    assert d.or_with_overrides(archetype="Y", component_type="Z") == d
    assert ComponentDescriptor("p").or_with_overrides("Y", "Z") == ComponentDescriptor("p", "Y", "Z")
    assert ComponentDescriptor("p").with_builtin_archetype("Points3D") == ComponentDescriptor(
        "Points3D:p", "Points3D", None
    )
