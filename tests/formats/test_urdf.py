"""URDF: ``rerun.urdf`` and ``log_file_from_path(robot.urdf)`` against the real 0.41 importer.

Rotations are compared bit for bit: 0.41 computes them in float32 steps, and so do we.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pyarrow as pa
import pytest
from reader_interop import compare_streams, run_ours

import rerun.urdf as ru

URDF = """<?xml version="1.0"?>
<robot name="bot">
  <material name="red"><color rgba="1 0 0 1"/></material>
  <link name="base">
    <visual><origin xyz="0 0 0.1" rpy="0 0 0.7"/><geometry><box size="0.2 0.3 0.1"/></geometry>
      <material name="red"/></visual>
    <collision><geometry><box size="0.2 0.3 0.1"/></geometry></collision>
  </link>
  <link name="arm">
    <visual><geometry><cylinder radius="0.05" length="0.4"/></geometry>
      <material name="blue"><color rgba="0 0 1 0.5"/></material></visual>
    <visual name="tip"><origin xyz="0 0 0.2" rpy="0.1 0.2 0.3"/><geometry><sphere radius="0.03"/></geometry></visual>
    <collision name="c1"><geometry><cylinder radius="0.05" length="0.4"/></geometry></collision>
    <collision><origin xyz="1 2 3"/><geometry><sphere radius="0.1"/></geometry></collision>
  </link>
  <link name="hand">
    <visual><geometry><mesh filename="meshes/tri.stl" scale="2 2 2"/></geometry></visual>
    <visual><geometry><mesh filename="package://robot/meshes/quad.obj"/></geometry></visual>
  </link>
  <link name="empty"/>
  <joint name="shoulder" type="revolute">
    <parent link="base"/><child link="arm"/><origin xyz="0 0 0.2" rpy="0 0.5 0"/><axis xyz="0 1 0"/>
    <limit lower="-1.5" upper="1.5" effort="10" velocity="2"/>
  </joint>
  <joint name="wrist" type="fixed"><parent link="arm"/><child link="hand"/><origin xyz="0 0 0.4"/></joint>
  <joint name="slide" type="prismatic"><parent link="base"/><child link="empty"/><axis xyz="1 0 0"/>
    <limit lower="0" upper="0.5" effort="1" velocity="1"/><mimic joint="shoulder" multiplier="2" offset="0.1"/></joint>
</robot>
"""


def write_robot(root: Path) -> Path:
    """``root/robot/robot.urdf`` with an STL (relative path) and an OBJ (``package://robot/...``)."""
    pkg = root / "robot"
    (pkg / "meshes").mkdir(parents=True)
    tris = [((0, 0, 0), (1, 0, 0), (0, 1, 0)), ((0, 0, 0), (0, 1, 0), (0, 0, 1))]
    stl = bytearray(b"\0" * 80 + struct.pack("<I", len(tris)))
    for tri in tris:
        stl += struct.pack("<3f", 0, 0, 1) + b"".join(struct.pack("<3f", *v) for v in tri) + b"\0\0"
    (pkg / "meshes" / "tri.stl").write_bytes(bytes(stl))
    (pkg / "meshes" / "quad.obj").write_text("v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nf 1 2 3\nf 1 3 4\n")
    (pkg / "robot.urdf").write_text(URDF)
    return pkg / "robot.urdf"


@pytest.fixture
def robot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ROS_PACKAGE_PATH", str(tmp_path))  # resolves package://robot/
    return write_robot(tmp_path)


@pytest.mark.interop
@pytest.mark.parametrize(
    "args",
    [
        "",
        "'pre', frame_prefix='r1/', static_transform_entity_path='/tfx'",
    ],
)
@pytest.mark.parametrize("joints", [True, False])
def test_stream_matches_real_loader(oracle, tmp_path: Path, robot: Path, args: str, joints: bool) -> None:
    expr = f"__import__('rerun.urdf').urdf.UrdfTree.from_file_path({str(robot)!r}, {args})"
    compare_streams(oracle, tmp_path, f"{expr}.stream(include_joint_transforms={joints})")


COMPARE = """
import sys
from rerun.chunk import RrdReader
rows = []
for c in RrdReader(sys.argv[1]).stream():
    if c.entity_path == "/__properties":
        continue
    rb = c.to_record_batch()
    cols = sorted((f.name, str(f.type), repr(rb.column(f.name).to_pylist()))
                  for f in rb.schema if f.name not in ("rerun.controls.RowId", "log_time"))
    rows.append(repr((c.entity_path, c.is_static, sorted(c.timeline_names), cols)))
print("\\n".join(sorted(rows)))
"""


@pytest.mark.interop
def test_log_file_from_path_matches_real_importer(oracle, tmp_path: Path, robot: Path) -> None:
    """Into an existing recording: the same chunks, on the call's ``log_time`` (its value aside)."""
    code = f"""
import sys, rerun as rr
rr.init("app", recording_id="rec")
rr.save(sys.argv[1])
rr.log("existing", rr.Points3D([[0, 0, 0]]), static=True)
rr.log_file_from_path({str(robot)!r}, entity_path_prefix="world")
"""
    theirs, ours = tmp_path / "theirs.rrd", tmp_path / "ours.rrd"
    oracle.run_script(code, str(theirs))
    run_ours(code, str(ours))
    assert oracle.run_script(COMPARE, str(ours)).stdout == oracle.run_script(COMPARE, str(theirs)).stdout


def test_tree_api(robot: Path) -> None:
    tree = ru.UrdfTree.from_file_path(robot, frame_prefix="r1/")
    assert (tree.name, tree.frame_prefix, tree.root_link().name) == ("bot", "r1/", "base")
    assert [j.name for j in tree.joints()] == ["shoulder", "wrist", "slide"]
    shoulder = tree.get_joint_by_name("shoulder")
    assert shoulder is not None and tree.get_joint_by_name("nope") is None
    assert (shoulder.joint_type, shoulder.parent_link, shoulder.child_link) == ("revolute", "base", "arm")
    assert (shoulder.axis, shoulder.limit_lower, shoulder.limit_upper) == ((0.0, 1.0, 0.0), -1.5, 1.5)
    mimic = tree.get_joint_by_name("slide").mimic  # type: ignore[union-attr]
    assert mimic is not None and (mimic.joint, mimic.multiplier, mimic.offset) == ("shoulder", 2.0, 0.1)
    assert tree.get_joint_child(shoulder).name == "arm"
    assert tree.get_visual_geometry_paths("arm") == [
        "/bot/visual_geometries/arm/visual_0",
        "/bot/visual_geometries/arm/tip",
    ]
    assert tree.get_collision_geometry_paths("arm") == [
        "/bot/collision_geometries/cylinder/arm/c1",
        "/bot/collision_geometries/sphere/arm/collision_1",
    ]
    with pytest.warns(UserWarning, match="outside of its limits"):
        t = shoulder.compute_transform(2.0)
    assert t.parent_frame is not None
    batches = tree.compute_joint_transform_batches(
        pa.array([["shoulder", "slide"]], pa.list_(pa.utf8())), pa.array([[0.3, 0.2]], pa.list_(pa.float64()))
    )
    row = batches.to_pylist()[0]
    assert [r["child_frame"] for r in row] == ["r1/arm", "r1/empty"]
    assert row[1]["translation"] == pytest.approx([0.2, 0.0, 0.0])


def test_joint_transforms_match_real(oracle, robot: Path) -> None:
    code = f"""
import rerun.urdf as ru
tree = ru.UrdfTree.from_file_path({str(robot)!r})
for j in tree.joints():
    for v in (-0.4, 0.0, 0.3):
        t = j.compute_transform(v, clamp=False)
        print(j.name, v, t.translation.as_arrow_array().to_pylist(), t.quaternion.as_arrow_array().to_pylist())
"""
    assert run_ours(code).stdout == oracle.run_script(code).stdout


def test_invalid_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.urdf"
    bad.write_text("<robot><link")
    with pytest.raises(ValueError, match="not a valid URDF"):
        ru.UrdfTree.from_file_path(bad)
    with pytest.raises(FileNotFoundError):
        ru.UrdfTree.from_file_path(tmp_path / "nope.urdf")


@pytest.mark.interop
def test_static_log_file_from_path_matches_real_importer(oracle, tmp_path: Path, robot: Path) -> None:
    """``static=True``: every chunk static, so the recordings compare whole."""
    code = f"""
import sys, rerun as rr
rr.init("app", recording_id="rec")
rr.save(sys.argv[1])
rr.log_file_from_path({str(robot)!r}, static=True)
"""
    theirs, ours = tmp_path / "theirs.rrd", tmp_path / "ours.rrd"
    oracle.run_script(code, str(theirs))
    run_ours(code, str(ours))
    proc = oracle.cli("rrd", "compare", "--unordered", str(theirs), str(ours), check=False)
    assert proc.returncode == 0, proc.stderr


def test_rerun_file_imports_urdf_static_under_its_stem(robot: Path) -> None:
    """``rerun robot.urdf``: as the real CLI, application id ``robot`` and every chunk static."""
    from rerun.cli._file_sources import file_messages as _file_messages
    from rerun_core.store.messages import ArrowMsg, SetStoreInfo

    msgs = list(_file_messages(str(robot)))
    assert {m.info.store_id.application_id for m in msgs if isinstance(m, SetStoreInfo)} == {"robot"}
    chunks = [m.chunk for m in msgs if isinstance(m, ArrowMsg)]
    assert any(c.entity_path.parts[:1] == ("bot",) for c in chunks)
    assert all(c.is_static for c in chunks)
