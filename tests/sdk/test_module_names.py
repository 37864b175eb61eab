"""Names 0.41's public modules hold besides their functions, which scripts import directly."""

from __future__ import annotations

import subprocess
import sys
from datetime import timezone

import pytest

import rerun as rr
import rerun.blueprint as rrb
from tests.conftest import Oracle


def test_recording_stream_module_names() -> None:
    from rerun.recording_stream import AUTO_INDEX, active_recording_stream

    assert AUTO_INDEX is rr.AUTO_INDEX
    rec = rr.RecordingStream("module_names_test")
    with rec:
        assert active_recording_stream.get(None) is rec
    assert active_recording_stream.get(None) is not rec


def test_time_utc_and_component_value_like() -> None:
    from rerun.dynamic_archetype import ComponentValueLike
    from rerun.time import UTC

    assert UTC is timezone.utc
    assert ComponentValueLike is not None


def test_sinks_blueprint_like_loads_the_blueprint_package_only_when_asked() -> None:
    probe = (
        "import sys, rerun.sinks as s; before = 'rerun.blueprint' in sys.modules; "
        "like = s.BlueprintLike; print(before, 'Blueprint' in str(like))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_channel_count_pair_batches_as_0_41() -> None:
    enc = rr.encodings
    pair = enc.ChannelCountPair(3, enc.UInt64(10))
    assert (pair.channel_id, pair.message_count) == (3, 10) and hasattr(enc.ChannelCountPair, "channel_id")
    rows = enc.ChannelCountPairBatch([pair, (4, 5)]).as_arrow_array().to_pylist()
    assert rows == [{"channel_id": 3, "message_count": 10}, {"channel_id": 4, "message_count": 5}]
    with pytest.raises(NotImplementedError):  # 0.41 cannot serialize this component from Python values
        rr.components.ChannelMessageCountsBatch([pair], strict=True)


def _same_output(oracle: Oracle, script: str) -> None:
    """The script prints the same under rerun-sdk 0.41 and under ours."""
    theirs = oracle.run_script(script).stdout
    ours = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert ours.stdout == theirs


DATATYPE_BATCHES = """
import rerun.encodings as e
print(e.AngleBatch([e.Angle(rad=1.0), 2.0]).as_arrow_array().to_pylist())
print(e.KeypointPairBatch([(1,2), e.KeypointPair(3,4)]).as_arrow_array().to_pylist())
print(e.TensorDimensionSelectionBatch([e.TensorDimensionSelection(dimension=1), e.TensorDimensionSelection(dimension=2, invert=True)]).as_arrow_array().to_pylist())
print(e.TimeRangeBoundaryBatch([e.TimeRangeBoundary.absolute(seq=1), e.TimeRangeBoundary.infinite(), e.TimeRangeBoundary.cursor_relative(seq=-2)]).as_arrow_array().to_pylist())
print(e.TimeRangeBoundaryBatch(e.TimeRangeBoundary.absolute(seq=7)).as_arrow_array().type)
print(e.AnnotationInfoBatch([e.AnnotationInfo(1,'a',[1,2,3]), (2,'b')]).as_arrow_array().to_pylist())
cd = e.ClassDescription(info=(1,'person'), keypoint_annotations=[(0,'nose')], keypoint_connections=[(0,1)])
print(e.ClassDescriptionBatch([cd]).as_arrow_array().to_pylist())
print(e.ClassDescriptionMapElemBatch([e.ClassDescriptionMapElem(class_id=1, class_description=cd)]).as_arrow_array().to_pylist())
import numpy as np
for cls, value in ((e.AnnotationInfo, [(2, 'b')]), (e.KeypointPair, [(1, 2)]), (e.ClassDescription, [cd]),
                   (e.TensorDimensionSelection, [e.TensorDimensionSelection(dimension=3)]), (e.Mat4x4, [e.Mat4x4(np.eye(4))])):
    print(cls.__name__, cls.native_to_pa_array_override(value, getattr(e, cls.__name__ + 'Batch')._ARROW_DATATYPE).to_pylist())
for n in ['Angle','AnnotationInfo','ClassDescription','ClassDescriptionMapElem','KeypointPair','TensorDimensionSelection','TimeRangeBoundary']:
    print(n, getattr(e,n+'Batch')._ARROW_DATATYPE)
"""


@pytest.mark.interop
def test_datatype_batches_match_0_41(oracle: Oracle) -> None:
    """AngleBatch, AnnotationInfoBatch ... TimeRangeBoundaryBatch: same Arrow types and values."""
    _same_output(oracle, DATATYPE_BATCHES)


PLANE = """
import rerun as rr, rerun.encodings as e, numpy as np
p = e.Plane3D([0, 0, 2], 3)
print(p.normal().tolist(), p.distance(), p.with_distance(5).xyzd.tolist(), e.Plane3D.XY.xyzd.tolist())
print(e.Plane3DBatch([p, e.Plane3D.YZ]).as_arrow_array().to_pylist())
print(e.Plane3D.native_to_pa_array_override([p], e.Plane3DBatch._ARROW_DATATYPE).to_pylist())
print(rr.components.Plane3DBatch([p]).as_arrow_array().to_pylist())
"""


@pytest.mark.interop
def test_encoding_plane3d_matches_0_41(oracle: Oracle) -> None:
    """`rerun.encodings.Plane3D(normal, distance)`, its methods and axis planes, batched."""
    _same_output(oracle, PLANE)


FIELD_CONVERTERS = """
import numpy as np, rerun.encodings as e
print(e.ImageFormat.pixel_format__field_converter_override('nv12'), e.ImageFormat.color_model__field_converter_override(None), e.ImageFormat.channel_datatype__field_converter_override('U8'))
print(e.ClassDescription.info__field_converter_override((1, 'a')).label, [a.id for a in e.ClassDescription.keypoint_annotations__field_converter_override([2, (3, 'b')])])
print([(int(getattr(p.keypoint0, 'id', p.keypoint0)), int(getattr(p.keypoint1, 'id', p.keypoint1))) for p in e.ClassDescription.keypoint_connections__field_converter_override([(1, 2)])])
print(e.Rgba32.rgba__field_converter_override([255, 0, 0]), e.Rgba32.rgba__field_converter_override(np.array([1, 2, 3, 4])), e.Rgba32.rgba__field_converter_override(0x11223344))
print(e.RotationAxisAngle.angle__field_converter_override(0.5).radians, e.TensorBuffer.inner__field_converter_override([[1, 2], [3, 4]]).tolist())
"""


@pytest.mark.interop
def test_field_converters_match_0_41(oracle: Oracle) -> None:
    """`ImageFormat.pixel_format__field_converter_override` and the others convert as 0.41's."""
    _same_output(oracle, FIELD_CONVERTERS)


def test_absolute_time_range_is_an_encoding_the_blueprint_component_extends() -> None:
    enc, bpc = rr.encodings, rrb.components
    assert enc.AbsoluteTimeRangeBatch([enc.AbsoluteTimeRange(1, 5), (7, 9)]).as_arrow_array().to_pylist() == [
        {"min": 1, "max": 5},
        {"min": 7, "max": 9},
    ]
    selection = bpc.AbsoluteTimeRange(enc.TimeInt(seq=2), 3)
    assert isinstance(selection, enc.AbsoluteTimeRange) and (selection.min, selection.max) == (2, 3)
    assert selection.component_type() == "rerun.blueprint.components.AbsoluteTimeRange"


COMPONENT_PLANE = """
import rerun as rr
P = rr.components.Plane3D
p = P([0, 0, 2], 3)
print(p.normal().tolist(), p.distance(), p.xyzd.tolist(), p.with_distance(1).xyzd.tolist(), P.XY.xyzd.tolist(), P.ZX.xyzd.tolist())
print(rr.components.Plane3DBatch([p]).as_arrow_array().to_pylist())
"""


@pytest.mark.interop
def test_component_plane3d_matches_0_41(oracle: Oracle) -> None:
    """`rr.components.Plane3D`: `normal()`/`distance()` are methods and `xyzd` the field, as 0.41."""
    _same_output(oracle, COMPONENT_PLANE)
