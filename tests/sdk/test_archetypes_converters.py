"""Input conversions of the component table: dtypes, shapes, colors, text, enums, blobs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pytest

import rerun as rr
from rerun import _converters as cv
from rerun import components as C
from rerun.encodings import Mat3x3, Quaternion, RotationAxisAngle
from rerun.error_utils import RerunWarning


def arrow(batch_cls: Any, data: Any) -> pa.Array:
    return batch_cls._to_arrow(data)


@pytest.mark.parametrize(
    "dtype", [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint64, np.float16, np.float32, np.float64]
)
def test_positions_accept_any_numeric_dtype(dtype: Any) -> None:
    arr = arrow(C.Position3DBatch, np.arange(6).astype(dtype).reshape(2, 3))
    assert arr.type == pa.list_(pa.field("item", pa.float32(), nullable=False), 3)
    assert arr.to_pylist() == [[0, 1, 2], [3, 4, 5]]


def test_vectors_flat_single_and_list_inputs() -> None:
    assert arrow(C.Position2DBatch, [1, 2]).to_pylist() == [[1, 2]]
    assert arrow(C.Position2DBatch, [[1, 2], (3, 4)]).to_pylist() == [[1, 2], [3, 4]]
    assert len(arrow(C.Position3DBatch, [])) == 0


def test_vectors_wrong_size_names_expected_shape() -> None:
    with pytest.raises(ValueError, match=r"3 values per instance \(shape \(N, 3\)\), got shape \(2, 2\)"):
        arrow(C.Position3DBatch, np.zeros((2, 2)))


def test_non_numeric_input_is_a_value_error_as_in_rerun_sdk() -> None:
    with pytest.raises(ValueError, match="expected numbers"):
        arrow(C.RadiusBatch, "big")
    with pytest.raises(ValueError, match="expected numbers"):
        arrow(C.Position3DBatch, [["a", "b", "c"]])
    with pytest.raises(TypeError, match="expected numbers"):
        arrow(C.Position3DBatch, {"x": 1})


def test_scalars_flatten_and_keep_float64() -> None:
    arr = arrow(C.ScalarBatch, np.array([[1, 2], [3, 4]], dtype=np.int64))
    assert arr.type == pa.float64() and arr.to_pylist() == [1, 2, 3, 4]
    assert arrow(C.ScalarBatch, 2.5).to_pylist() == [2.5]


@pytest.mark.parametrize(
    ("colors", "expected"),
    [
        ([255, 0, 0], [0xFF0000FF]),
        ([255, 0, 0, 128], [0xFF000080]),
        ([[255, 0, 0], [0, 255, 0]], [0xFF0000FF, 0x00FF00FF]),
        (np.array([1.0, 0.5, 0.0]), [0xFF8000FF]),
        (np.array([[0.0, 0.0, 1.0, 0.5]], dtype=np.float32), [0x0000FF80]),
        (0x11223344, [0x11223344]),
        ([0x11223344, 0x55667788], [0x11223344, 0x55667788]),
        (np.array([1, 2], dtype=np.uint32), [1, 2]),
        ([[255, 0, 0], [0, 0, 255, 10]], [0xFF0000FF, 0x0000FF0A]),
        ([], []),
    ],
)
def test_colors(colors: Any, expected: list[int]) -> None:
    arr = cv.colors(colors)
    assert arr.type == pa.uint32()
    assert arr.to_pylist() == expected


def test_colors_reject_text() -> None:
    with pytest.raises(ValueError, match="expected"):
        cv.colors("red")


def test_text_inputs() -> None:
    assert cv.texts("one").to_pylist() == ["one"]
    assert cv.texts(["a", "b"]).to_pylist() == ["a", "b"]
    assert cv.texts(np.array(["x", "yy"])).to_pylist() == ["x", "yy"]


def test_enums_by_member_name_and_value() -> None:
    assert arrow(C.FillModeBatch, C.FillMode.Solid).to_pylist() == [3]
    assert arrow(C.FillModeBatch, "solid").to_pylist() == [3]
    assert arrow(C.FillModeBatch, "DENSEWIREFRAME").to_pylist() == [2]
    assert arrow(C.FillModeBatch, 1).to_pylist() == [1]
    assert arrow(C.MarkerShapeBatch, ["circle", "Cross"]).to_pylist() == [1, 4]
    assert arrow(C.VideoCodecBatch, "h264").type == pa.uint32()


def test_bad_enum_lists_choices() -> None:
    with pytest.raises(ValueError, match=r"cannot convert 'sparkly' to FillMode .*Solid"):
        arrow(C.FillModeBatch, "sparkly")


def test_blobs() -> None:
    assert arrow(C.BlobBatch, b"abc").to_pylist() == [[97, 98, 99]]
    assert arrow(C.BlobBatch, np.array([1, 2], dtype=np.uint8)).to_pylist() == [[1, 2]]
    assert arrow(C.BlobBatch, [b"a", b"bc"]).to_pylist() == [[97], [98, 99]]
    # a 2-D array is one blob per row (e.g. Image.columns(buffer=frames.reshape(n, -1)))
    assert arrow(C.BlobBatch, np.arange(4, dtype=np.uint8).reshape(2, 2)).to_pylist() == [[0, 1], [2, 3]]
    # as 0.41: any other sequence is one blob per item, each item cast to uint8
    assert arrow(C.BlobBatch, [1.5, 2]).to_pylist() == [[1], [2]]
    with pytest.raises(OverflowError):
        arrow(C.BlobBatch, [300])
    with pytest.raises(AttributeError):  # a lone number is no blob (0.41 reads its `.data`)
        arrow(C.BlobBatch, 7)


def test_line_strips_ragged() -> None:
    arr = arrow(C.LineStrip2DBatch, [[[0, 0], [1, 1]], [[2, 2]]])
    assert arr.to_pylist() == [[[0, 0], [1, 1]], [[2, 2]]]
    assert arrow(C.LineStrip2DBatch, np.zeros((3, 2))).to_pylist() == [[[0, 0]] * 3]


def test_matrices_are_stored_column_major() -> None:
    rows = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert arrow(C.TransformMat3x3Batch, rows).to_pylist() == [[1, 4, 7, 2, 5, 8, 3, 6, 9]]
    assert arrow(C.TransformMat3x3Batch, Mat3x3(columns=rows)).to_pylist() == [list(range(1, 10))]


def test_rotations() -> None:
    quat = arrow(C.RotationQuatBatch, Quaternion(xyzw=[0, 0, 0, 1]))
    assert quat.to_pylist() == [[0, 0, 0, 1]]
    aa = arrow(C.RotationAxisAngleBatch, RotationAxisAngle([0, 0, 1], degrees=180))
    assert aa.to_pylist()[0]["angle"] == pytest.approx(np.pi)
    with pytest.raises(ValueError, match="exactly one of angle, radians, or degrees"):
        RotationAxisAngle([0, 0, 1], radians=1, degrees=2)


def test_single_component_values() -> None:
    assert C.Color([255, 0, 0]).as_arrow_array().to_pylist() == [0xFF0000FF]
    assert C.Radius.ui_points(2.0) == -2.0
    assert C.ColorBatch([C.Color(0x01020304), C.Color(0x05060708)]).as_arrow_array().to_pylist() == [
        0x01020304,
        0x05060708,
    ]
    assert C.TextLogLevel.WARN == "WARN"
    assert C.MediaType.guess_from_path("scene.GLB") == C.MediaType.GLB
    assert C.MediaType.guess_from_path("file.unknown") is None


def test_view_coordinates_constants() -> None:
    names = [n for n in dir(C.ViewCoordinates) if n.isupper() and not n.startswith("_")]
    assert len(names) == 60
    assert C.ViewCoordinates.RIGHT_HAND_Z_UP == C.ViewCoordinates.RFU
    assert arrow(C.ViewCoordinatesBatch, "RDF").to_pylist() == [[3, 2, 5]]


def test_plane3d_and_encodings_batches() -> None:
    from rerun import encodings as E

    assert arrow(C.Plane3DBatch, C.Plane3D.XY.with_distance(-5.0)).to_pylist() == [[0, 0, 1, -5]]
    assert E.Float32Batch([1, 2]).as_arrow_array().type == pa.float32()
    assert E.Utf8Batch("x").as_arrow_array().to_pylist() == ["x"]
    assert E.ColorModelBatch("RGB").as_arrow_array().to_pylist() == [2]


def test_tensor_data_reads_input_as_0_41() -> None:
    # `[]` is one tensor of shape (0,), not an empty batch
    assert arrow(C.TensorDataBatch, []).to_pylist() == [{"shape": [0], "names": None, "buffer": []}]
    with pytest.raises(AssertionError):  # no tensor buffer kind for bool or text
        arrow(C.TensorDataBatch, [True, False])
    with pytest.raises(AssertionError):
        arrow(C.TensorDataBatch, ["a", "b"])
    one = rr.encodings.TensorData(array=np.arange(3))
    assert arrow(C.TensorDataBatch, [one]).to_pylist() == arrow(C.TensorDataBatch, one).to_pylist()
    with pytest.raises(ValueError, match="do not support batches"):
        arrow(C.TensorDataBatch, [one, one])


def test_failed_tensor_field_is_left_empty() -> None:
    with pytest.warns(RerunWarning):
        tensor = rr.Tensor.from_fields(data=True)
    assert len(tensor.data) == 0  # what 0.41 keeps of a field it could not convert


def test_tensor_dimension_selections_read_input_as_0_41() -> None:
    assert arrow(C.TensorWidthDimensionBatch, 2).to_pylist() == [{"dimension": 2, "invert": False}]
    sel = rr.encodings.TensorDimensionSelection(1, invert=True)
    assert arrow(C.TensorHeightDimensionBatch, [sel]).to_pylist() == [{"dimension": 1, "invert": True}]
    with pytest.raises(OverflowError):
        arrow(C.TensorWidthDimensionBatch, -1)
    with pytest.raises(AttributeError):  # items of a sequence must be selections
        arrow(C.TensorWidthDimensionBatch, [1, 2])
    with pytest.raises(TypeError):  # an array is taken as a count, only a 0-d one works
        arrow(C.TensorWidthDimensionBatch, np.array([1, 2]))


def test_a_single_blob_value_is_one_blob() -> None:
    # as 0.41: a Blob value keeps its bytes as one uint8 array, however it was given
    assert C.Blob([1, 2, 3]).as_arrow_array().to_pylist() == [[1, 2, 3]]
    assert C.ImageBuffer(np.zeros((2, 2), dtype=np.uint8)).as_arrow_array().to_pylist() == [[0, 0, 0, 0]]
    assert arrow(C.BlobBatch, [C.Blob(b"ab"), C.Blob([1, 2])]).to_pylist() == [[97, 98], [1, 2]]
    assert arrow(C.BlobBatch, [rr.encodings.Blob(b"xy")]).to_pylist() == [[120, 121]]
    assert arrow(C.BlobBatch, rr.encodings.Blob(b"xyz")).to_pylist() == [[120, 121, 122]]


def test_tensor_data_arguments_follow_0_41() -> None:
    with pytest.raises(ValueError, match="Can only provide one of 'array' or 'buffer'"):
        rr.encodings.TensorData(array=[1], buffer=[1])
    with pytest.raises(ValueError, match="'shape' is also required"):
        rr.encodings.TensorData(buffer=[1, 2])
    with pytest.raises(ValueError, match="Shape and buffer size do not match"):
        rr.encodings.TensorData(shape=[2, 2], buffer=np.arange(6))
    tensor = rr.encodings.TensorData(shape=[2, 3], buffer=np.arange(6))
    assert tensor.shape.dtype == np.uint64 and tensor.shape.tolist() == [2, 3]
    with pytest.warns(RerunWarning, match="Ignoring shape argument"):
        kept = rr.encodings.TensorData(array=np.zeros((2, 3)), shape=[3, 2])
    assert kept.shape.tolist() == [2, 3]


def test_blob_values_store_their_bytes_as_a_uint8_array() -> None:
    for value in (rr.encodings.Blob(b"ab"), C.Blob(b"ab"), C.VideoSample([97, 98])):
        assert value.data.dtype == np.uint8 and value.data.tolist() == [97, 98]  # type: ignore[attr-defined]
    with pytest.raises(ValueError):  # converted on construction, as 0.41
        C.ImageBuffer("text")
