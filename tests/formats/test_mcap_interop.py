"""`rerun mcap convert`: ours against the real 0.41 converter over MCAP files written by the tests.

Both .rrd files must be equal under the real `rerun rrd compare --unordered` (which sees
entities, chunk boundaries, timelines, component descriptors and values; row ids aside).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mcap_protobuf_samples import SAMPLES as PROTOBUF_SAMPLES
from mcap_protobuf_samples import (
    write_colored_point_cloud,
    write_protobuf,
    write_protobuf_corner_cases,
    write_raw_image_variants,
)
from mcap_samples import (
    MSGDEFS,
    write_attachments_and_metadata,
    write_edge_cases,
    write_image_variants,
    write_raw,
    write_ros2,
)

pytestmark = pytest.mark.interop

SENSORS = [
    "sensor_msgs/msg/Image",
    "sensor_msgs/msg/CompressedImage",
    "sensor_msgs/msg/PointCloud2",
    "sensor_msgs/msg/Imu",
    "sensor_msgs/msg/JointState",
    "sensor_msgs/msg/NavSatFix",
    "tf2_msgs/msg/TFMessage",
]
TEXT_AND_SCALARS = [
    "std_msgs/msg/String",
    "rcl_interfaces/msg/Log",
    "sensor_msgs/msg/Temperature",
    "sensor_msgs/msg/FluidPressure",
    "sensor_msgs/msg/RelativeHumidity",
    "sensor_msgs/msg/Illuminance",
    "sensor_msgs/msg/Range",
    "sensor_msgs/msg/BatteryState",
    "sensor_msgs/msg/Joy",
    "std_msgs/msg/Float64MultiArray",
]
GEOMETRY = [
    "sensor_msgs/msg/CameraInfo",
    "sensor_msgs/msg/MagneticField",
    "geometry_msgs/msg/PoseStamped",
    "nav_msgs/msg/OccupancyGrid",
    "nav2_msgs/msg/VoxelGrid",
    "my_pkg/msg/Custom",
    "my_pkg/msg/Odd",
]


def _convert_both(oracle, ours, src: Path, tmp_path: Path, *flags: str) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    theirs, mine = tmp_path / "theirs.rrd", tmp_path / "ours.rrd"
    oracle.cli("mcap", "convert", str(src), "-o", str(theirs), *flags)
    code, _out, err = ours("mcap", "convert", src, "-o", mine, *flags)
    assert code == 0, err
    return theirs, mine


def _assert_same(oracle, theirs: Path, mine: Path) -> None:  # type: ignore[no-untyped-def]
    proc = oracle.cli("rrd", "compare", "--unordered", str(theirs), str(mine), check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]


@pytest.mark.parametrize(
    "group", [SENSORS, TEXT_AND_SCALARS, GEOMETRY], ids=["sensors", "text-scalars", "geometry"]
)
def test_ros2_messages_convert_as_rerun_does(oracle, ours, tmp_path: Path, group: list[str]) -> None:  # type: ignore[no-untyped-def]
    src = write_ros2(tmp_path / "in.mcap", group, count=5)
    _assert_same(oracle, *_convert_both(oracle, ours, src, tmp_path))


def test_every_mcap_chunk_becomes_its_own_rerun_chunks(oracle, ours, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Tiny MCAP chunks: Rerun decodes chunk by chunk, so each one yields its own chunks per topic.
    src = write_ros2(
        tmp_path / "in.mcap", ["sensor_msgs/msg/Imu", "std_msgs/msg/String"], count=6, chunk_size=300
    )
    _assert_same(oracle, *_convert_both(oracle, ours, src, tmp_path))


def test_image_encodings_video_depth_and_static_tf(oracle, ours, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = write_image_variants(tmp_path / "images.mcap")
    _assert_same(oracle, *_convert_both(oracle, ours, src, tmp_path))


@pytest.mark.parametrize(
    "flags", [(), ("-d", "protobuf", "-d", "schema")], ids=["foxglove-lenses", "reflection-only"]
)
def test_protobuf_channels_convert_as_rerun_does(
    oracle, ours, tmp_path: Path, flags: tuple[str, ...]
) -> None:  # type: ignore[no-untyped-def]
    # Foxglove schemas become archetypes (with a `timestamp` timeline); custom ones a struct column.
    src = write_protobuf(tmp_path / "pb.mcap", list(PROTOBUF_SAMPLES), count=5)
    _assert_same(oracle, *_convert_both(oracle, ours, src, tmp_path, *flags))


@pytest.mark.parametrize("float_colors", [False, True], ids=["u8-colors", "float-colors"])
def test_foxglove_point_cloud_colors(oracle, ours, tmp_path: Path, float_colors: bool) -> None:  # type: ignore[no-untyped-def]
    src = write_colored_point_cloud(tmp_path / "pc.mcap", float_colors=float_colors)
    _assert_same(oracle, *_convert_both(oracle, ours, src, tmp_path))


def test_attachments_and_metadata_records(oracle, ours, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = write_attachments_and_metadata(tmp_path / "att.mcap")
    _assert_same(oracle, *_convert_both(oracle, ours, src, tmp_path))


def test_odd_channels_and_undecodable_messages(oracle, ours, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # No schema / ROS 2 schema on JSON -> raw; failing messages are skipped (an empty chunk is
    # left when none decodes); a channel without messages is left out entirely.
    src = write_edge_cases(tmp_path / "edge.mcap")
    _assert_same(oracle, *_convert_both(oracle, ours, src, tmp_path))


def test_protobuf_reflection_corner_cases(oracle, ours, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Maps, oneofs, proto3 optionals, enums, google.protobuf.Struct (JSON text), self-reference (bytes).
    src = write_protobuf_corner_cases(tmp_path / "odd.mcap")
    _assert_same(oracle, *_convert_both(oracle, ours, src, tmp_path))


def test_foxglove_raw_images_drop_row_padding(oracle, ours, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = write_raw_image_variants(tmp_path / "raw_images.mcap")
    _assert_same(oracle, *_convert_both(oracle, ours, src, tmp_path))


def test_unknown_encodings_keep_their_raw_messages(oracle, ours, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = write_raw(tmp_path / "raw.mcap", count=4)
    _assert_same(oracle, *_convert_both(oracle, ours, src, tmp_path))


@pytest.mark.parametrize(
    "flags",
    [
        ("--application-id", "my_app"),
        ("-d", "raw", "-d", "schema"),
        ("-d", "ros2_reflection", "-d", "stats"),
        ("--disable-raw-fallback",),
        ("-y", "^/im", "-n", "compressed"),
        ("--start-time", "1700000000100000000", "--end-time", "1700000000300000000"),
        ("--timeline-type", "duration"),
        ("--timestamp-offset-ns", "1000"),
    ],
    ids=[
        "app-id",
        "raw-only",
        "reflection-only",
        "no-raw-fallback",
        "topic-regex",
        "time-range",
        "duration",
        "offset",
    ],
)
def test_convert_options_match(oracle, ours, tmp_path: Path, flags: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    src = write_ros2(
        tmp_path / "in.mcap",
        [
            "sensor_msgs/msg/Image",
            "sensor_msgs/msg/CompressedImage",
            "sensor_msgs/msg/Imu",
            "std_msgs/msg/String",
        ],
        count=4,
    )
    _assert_same(oracle, *_convert_both(oracle, ours, src, tmp_path, *flags))


def test_truncated_file_recovers_like_rerun(oracle, ours, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    full = write_ros2(
        tmp_path / "full.mcap", ["std_msgs/msg/String", "sensor_msgs/msg/Imu"], count=8, chunk_size=400
    )
    data = full.read_bytes()
    cut = tmp_path / "cut.mcap"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    _assert_same(oracle, *_convert_both(oracle, ours, cut, tmp_path, "--recover"))


def test_all_sample_types_are_covered() -> None:
    assert set(SENSORS + TEXT_AND_SCALARS + GEOMETRY) == set(MSGDEFS)


@pytest.mark.slow
def test_viewer_loads_mcap_as_the_real_viewer(oracle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`rerun --serve-grpc --save OUT FILE.mcap`: same recording (application id = file stem)."""
    import signal
    import socket
    import subprocess
    import sys

    src = write_ros2(tmp_path / "drive.mcap", ["std_msgs/msg/String", "sensor_msgs/msg/Imu"], count=3)

    def port() -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return int(s.getsockname()[1])

    theirs, mine = tmp_path / "theirs.rrd", tmp_path / "ours.rrd"
    # The real viewer exits by itself once the file is in and saved.
    oracle_args = ["--serve-grpc", f"--port={port()}", f"--save={theirs}", str(src)]
    subprocess.run(
        [str(oracle.rerun), *oracle_args], env=oracle.env(), capture_output=True, timeout=120, check=True
    )
    exe = Path(sys.executable).parent / "rerun"
    proc = subprocess.Popen(
        [str(exe), "--serve-grpc", f"--port={port()}", f"--save={mine}", str(src)],
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            if "Ctrl-C" in line:
                break
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    _assert_same(oracle, theirs, mine)


ROBOT_URDF = """<?xml version="1.0"?>
<robot name="bot">
  <material name="red"><color rgba="1 0 0 1"/></material>
  <link name="base"><visual><origin xyz="0 0 0.1" rpy="0 0 0.5"/><geometry><box size="0.4 0.2 0.1"/></geometry>
    <material name="red"/></visual><collision><geometry><box size="0.4 0.2 0.1"/></geometry></collision></link>
  <link name="arm"><visual name="tube"><geometry><cylinder radius="0.05" length="0.3"/></geometry></visual></link>
  <link name="tip"><visual><geometry><sphere radius="0.04"/></geometry>
    <material name="blue"><color rgba="0 0 1 0.5"/></material></visual></link>
  <joint name="j1" type="revolute"><parent link="base"/><child link="arm"/><origin xyz="0 0 0.2"/>
    <axis xyz="0 0 1"/><limit lower="-1" upper="1" effort="1" velocity="1"/></joint>
  <joint name="j2" type="fixed"><parent link="arm"/><child link="tip"/><origin xyz="0 0 0.3" rpy="0.1 0.2 0.3"/></joint>
</robot>"""


def _write_robot_description(path: Path) -> Path:
    from mcap_ros2.writer import Writer
    from mcap_samples import MESSAGES

    with open(path, "wb") as f:
        w = Writer(f)
        text = w.register_msgdef("std_msgs/msg/String", MSGDEFS["std_msgs/msg/String"])
        imu = w.register_msgdef("sensor_msgs/msg/Imu", MSGDEFS["sensor_msgs/msg/Imu"])
        old = "<robot name='old'><link name='x'/></robot>"  # the last description wins
        w.write_message(
            topic="/robot_description", schema=text, message={"data": old}, log_time=1, publish_time=1
        )
        w.write_message(
            topic="/robot_description", schema=text, message={"data": ROBOT_URDF}, log_time=2, publish_time=2
        )
        w.write_message(
            topic="/chatter", schema=text, message={"data": ROBOT_URDF}, log_time=2, publish_time=2
        )
        for i in range(3):
            msg = MESSAGES["sensor_msgs/msg/Imu"](i)
            w.write_message(topic="/imu", schema=imu, message=msg, log_time=10 + i, publish_time=10 + i)
        w.finish()
    return path


@pytest.mark.parametrize("flags", [(), ("-d", "ros2msg"), ("-n", "robot")])
def test_robot_description_becomes_urdf_chunks(oracle, ours, tmp_path: Path, flags: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    src = _write_robot_description(tmp_path / "robot.mcap")
    _assert_same(oracle, *_convert_both(oracle, ours, src, tmp_path, *flags))
