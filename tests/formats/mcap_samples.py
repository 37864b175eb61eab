"""Small MCAP files written with the `mcap` writer packages, one topic per ROS 2 message type."""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

SEP = "=" * 80

HEADER = "builtin_interfaces/Time stamp\nstring frame_id"
TIME = "int32 sec\nuint32 nanosec"
VEC3 = "float64 x\nfloat64 y\nfloat64 z"
QUAT = "float64 x 0\nfloat64 y 0\nfloat64 z 0\nfloat64 w 1"


def _deps(*pairs: tuple[str, str]) -> str:
    return "".join(f"\n{SEP}\nMSG: {name}\n{text}" for name, text in pairs)


_HDR = (("std_msgs/Header", HEADER), ("builtin_interfaces/Time", TIME))

MSGDEFS: dict[str, str] = {
    "std_msgs/msg/String": "string data",
    "sensor_msgs/msg/Image": (
        "std_msgs/Header header\nuint32 height\nuint32 width\nstring encoding\nuint8 is_bigendian\n"
        "uint32 step\nuint8[] data" + _deps(*_HDR)
    ),
    "sensor_msgs/msg/CompressedImage": "std_msgs/Header header\nstring format\nuint8[] data" + _deps(*_HDR),
    "sensor_msgs/msg/Imu": (
        "std_msgs/Header header\ngeometry_msgs/Quaternion orientation\nfloat64[9] orientation_covariance\n"
        "geometry_msgs/Vector3 angular_velocity\nfloat64[9] angular_velocity_covariance\n"
        "geometry_msgs/Vector3 linear_acceleration\nfloat64[9] linear_acceleration_covariance"
        + _deps(*_HDR, ("geometry_msgs/Quaternion", QUAT), ("geometry_msgs/Vector3", VEC3))
    ),
    "sensor_msgs/msg/JointState": (
        "std_msgs/Header header\nstring[] name\nfloat64[] position\nfloat64[] velocity\nfloat64[] effort"
        + _deps(*_HDR)
    ),
    "tf2_msgs/msg/TFMessage": "geometry_msgs/TransformStamped[] transforms"
    + _deps(
        (
            "geometry_msgs/TransformStamped",
            "std_msgs/Header header\nstring child_frame_id\ngeometry_msgs/Transform transform",
        ),
        *_HDR,
        ("geometry_msgs/Transform", "geometry_msgs/Vector3 translation\ngeometry_msgs/Quaternion rotation"),
        ("geometry_msgs/Vector3", VEC3),
        ("geometry_msgs/Quaternion", QUAT),
    ),
    "sensor_msgs/msg/PointCloud2": (
        "std_msgs/Header header\nuint32 height\nuint32 width\nsensor_msgs/PointField[] fields\nbool is_bigendian\n"
        "uint32 point_step\nuint32 row_step\nuint8[] data\nbool is_dense"
        + _deps(
            *_HDR,
            (
                "sensor_msgs/PointField",
                "uint8 INT8=1\nuint8 UINT8=2\nuint8 INT16=3\nuint8 UINT16=4\nuint8 INT32=5\nuint8 UINT32=6\n"
                "uint8 FLOAT32=7\nuint8 FLOAT64=8\nstring name\nuint32 offset\nuint8 datatype\nuint32 count",
            ),
        )
    ),
    "sensor_msgs/msg/NavSatFix": (
        "std_msgs/Header header\nsensor_msgs/NavSatStatus status\nfloat64 latitude\nfloat64 longitude\n"
        "float64 altitude\nfloat64[9] position_covariance\nuint8 position_covariance_type"
        + _deps(*_HDR, ("sensor_msgs/NavSatStatus", "int8 status\nuint16 service"))
    ),
    "sensor_msgs/msg/Temperature": "std_msgs/Header header\nfloat64 temperature\nfloat64 variance"
    + _deps(*_HDR),
    "my_pkg/msg/Custom": "int32 a\nfloat64[] b\nstring name\nstd_msgs/Header header" + _deps(*_HDR),
}


def _hdr(i: int, frame: str = "base") -> dict[str, Any]:
    return {"stamp": {"sec": 100 + i, "nanosec": 5 * i}, "frame_id": frame}


def _points(i: int) -> bytes:
    return b"".join(struct.pack("<fffI", 1.0 * k, 2.0 + i, -0.5 * k, 0xFF0000 + k) for k in range(4))


MESSAGES: dict[str, Callable[[int], dict[str, Any]]] = {
    "std_msgs/msg/String": lambda i: {"data": f"hello {i}"},
    "sensor_msgs/msg/Image": lambda i: {
        "header": _hdr(i, "cam"),
        "height": 2,
        "width": 3,
        "encoding": "rgb8",
        "is_bigendian": 0,
        "step": 9,
        "data": bytes(range(i, i + 18)),
    },
    "sensor_msgs/msg/CompressedImage": lambda i: {
        "header": _hdr(i, "cam"),
        "format": "jpeg",
        "data": b"\xff\xd8\xff" + bytes([i]) * 5,
    },
    "sensor_msgs/msg/Imu": lambda i: {
        "header": _hdr(i, "imu"),
        "orientation": {"x": 0.0, "y": 0.0, "z": 0.0, "w": 1.0},
        "orientation_covariance": [0.0] * 9,
        "angular_velocity": {"x": 0.1 * i, "y": 0.2, "z": 0.3},
        "angular_velocity_covariance": [0.0] * 9,
        "linear_acceleration": {"x": 1.0, "y": 2.0 * i, "z": 9.81},
        "linear_acceleration_covariance": [0.0] * 9,
    },
    "sensor_msgs/msg/JointState": lambda i: {
        "header": _hdr(i),
        "name": ["j1", "j2"],
        "position": [0.1 * i, 0.2],
        "velocity": [1.0, 2.0],
        "effort": [],
    },
    "tf2_msgs/msg/TFMessage": lambda i: {
        "transforms": [
            {
                "header": _hdr(i, "world"),
                "child_frame_id": "base",
                "transform": {
                    "translation": {"x": 1.0 * i, "y": 2.0, "z": 3.0},
                    "rotation": {"x": 0.0, "y": 0.0, "z": 0.0, "w": 1.0},
                },
            },
            {
                "header": _hdr(i, "base"),
                "child_frame_id": "cam",
                "transform": {
                    "translation": {"x": 0.0, "y": 0.5, "z": 0.0},
                    "rotation": {"x": 0.0, "y": 0.7071, "z": 0.0, "w": 0.7071},
                },
            },
        ]
    },
    "sensor_msgs/msg/PointCloud2": lambda i: {
        "header": _hdr(i, "lidar"),
        "height": 1,
        "width": 4,
        "fields": [
            {"name": "x", "offset": 0, "datatype": 7, "count": 1},
            {"name": "y", "offset": 4, "datatype": 7, "count": 1},
            {"name": "z", "offset": 8, "datatype": 7, "count": 1},
            {"name": "rgb", "offset": 12, "datatype": 6, "count": 1},
        ],
        "is_bigendian": False,
        "point_step": 16,
        "row_step": 64,
        "data": _points(i),
        "is_dense": True,
    },
    "sensor_msgs/msg/NavSatFix": lambda i: {
        "header": _hdr(i, "gps"),
        "status": {"status": 0, "service": 1},
        "latitude": 47.0 + i * 1e-4,
        "longitude": 8.5,
        "altitude": 400.0,
        "position_covariance": [0.0] * 9,
        "position_covariance_type": 0,
    },
    "sensor_msgs/msg/Temperature": lambda i: {"header": _hdr(i), "temperature": 20.0 + i, "variance": 0.1},
    "my_pkg/msg/Custom": lambda i: {"a": i, "b": [1.5, 2.5 * i], "name": f"n{i}", "header": _hdr(i)},
}


_VEC3 = ("geometry_msgs/Vector3", VEC3)
_POSE = (
    ("geometry_msgs/Pose", "geometry_msgs/Point position\ngeometry_msgs/Quaternion orientation"),
    ("geometry_msgs/Point", VEC3),
    ("geometry_msgs/Quaternion", QUAT),
)
MSGDEFS.update(
    {
        "sensor_msgs/msg/FluidPressure": "std_msgs/Header header\nfloat64 fluid_pressure\nfloat64 variance"
        + _deps(*_HDR),
        "sensor_msgs/msg/RelativeHumidity": "std_msgs/Header header\nfloat64 relative_humidity\nfloat64 variance"
        + _deps(*_HDR),
        "sensor_msgs/msg/Illuminance": "std_msgs/Header header\nfloat64 illuminance\nfloat64 variance"
        + _deps(*_HDR),
        "sensor_msgs/msg/Range": (
            "uint8 ULTRASOUND=0\nuint8 INFRARED=1\nstd_msgs/Header header\nuint8 radiation_type\nfloat32 field_of_view\n"
            "float32 min_range\nfloat32 max_range\nfloat32 range" + _deps(*_HDR)
        ),
        "sensor_msgs/msg/BatteryState": (
            "std_msgs/Header header\nfloat32 voltage\nfloat32 temperature\nfloat32 current\nfloat32 charge\n"
            "float32 capacity\nfloat32 design_capacity\nfloat32 percentage\nuint8 power_supply_status\n"
            "uint8 power_supply_health\nuint8 power_supply_technology\nbool present\nfloat32[] cell_voltage\n"
            "float32[] cell_temperature\nstring location\nstring serial_number" + _deps(*_HDR)
        ),
        "sensor_msgs/msg/Joy": "std_msgs/Header header\nfloat32[] axes\nint32[] buttons" + _deps(*_HDR),
        "sensor_msgs/msg/MagneticField": (
            "std_msgs/Header header\ngeometry_msgs/Vector3 magnetic_field\nfloat64[9] magnetic_field_covariance"
            + _deps(*_HDR, _VEC3)
        ),
        "geometry_msgs/msg/PoseStamped": "std_msgs/Header header\ngeometry_msgs/Pose pose"
        + _deps(*_HDR, *_POSE),
        "sensor_msgs/msg/CameraInfo": (
            "std_msgs/Header header\nuint32 height\nuint32 width\nstring distortion_model\nfloat64[] d\n"
            "float64[9] k\nfloat64[9] r\nfloat64[12] p\nuint32 binning_x\nuint32 binning_y\n"
            "sensor_msgs/RegionOfInterest roi"
            + _deps(
                *_HDR,
                (
                    "sensor_msgs/RegionOfInterest",
                    "uint32 x_offset\nuint32 y_offset\nuint32 height\nuint32 width\nbool do_rectify",
                ),
            )
        ),
        "rcl_interfaces/msg/Log": (
            "byte DEBUG=10\nbyte INFO=20\nbyte WARN=30\nbyte ERROR=40\nbyte FATAL=50\n"
            "builtin_interfaces/Time stamp\nuint8 level\nstring name\nstring msg\nstring file\nstring function\nuint32 line"
            + _deps(("builtin_interfaces/Time", TIME))
        ),
        "nav_msgs/msg/OccupancyGrid": (
            "std_msgs/Header header\nnav_msgs/MapMetaData info\nint8[] data"
            + _deps(
                *_HDR,
                (
                    "nav_msgs/MapMetaData",
                    "builtin_interfaces/Time map_load_time\nfloat32 resolution\nuint32 width\nuint32 height\ngeometry_msgs/Pose origin",
                ),
                *_POSE,
            )
        ),
        "nav2_msgs/msg/VoxelGrid": (
            "std_msgs/Header header\nuint32[] data\ngeometry_msgs/Point32 origin\ngeometry_msgs/Vector3 resolutions\n"
            "uint32 size_x\nuint32 size_y\nuint32 size_z"
            + _deps(*_HDR, ("geometry_msgs/Point32", "float32 x\nfloat32 y\nfloat32 z"), _VEC3)
        ),
        # Reflection corner cases: constants, bounded strings/arrays, fixed arrays of messages, byte/char.
        "my_pkg/msg/Odd": (
            "int32 CONST_A=5\nstring<=10 short_name\nint32[<=5] bounded\ngeometry_msgs/Point[2] pts\n"
            "geometry_msgs/Point[] many\nbyte b\nchar c\nbool flag\nuint64 big\nint8[3] small\nstring[] names\n"
            "float32 f 1.5" + _deps(("geometry_msgs/Point", VEC3))
        ),
        "std_msgs/msg/Float64MultiArray": (
            "std_msgs/MultiArrayLayout layout\nfloat64[] data"
            + _deps(
                ("std_msgs/MultiArrayLayout", "std_msgs/MultiArrayDimension[] dim\nuint32 data_offset"),
                ("std_msgs/MultiArrayDimension", "string label\nuint32 size\nuint32 stride"),
            )
        ),
    }
)


def _POSE_V(i: int) -> dict[str, Any]:
    return {
        "position": {"x": 1.0 * i, "y": 2.0, "z": 0.5},
        "orientation": {"x": 0.0, "y": 0.0, "z": 0.0, "w": 1.0},
    }


MESSAGES.update(
    {
        "sensor_msgs/msg/FluidPressure": lambda i: {
            "header": _hdr(i),
            "fluid_pressure": 101325.0 + i,
            "variance": 0.5,
        },
        "sensor_msgs/msg/RelativeHumidity": lambda i: {
            "header": _hdr(i),
            "relative_humidity": 0.4 + 0.01 * i,
            "variance": 0.0,
        },
        "sensor_msgs/msg/Illuminance": lambda i: {
            "header": _hdr(i),
            "illuminance": 300.0 + i,
            "variance": 1.0,
        },
        "sensor_msgs/msg/Range": lambda i: {
            "header": _hdr(i, "sonar"),
            "radiation_type": 0,
            "field_of_view": 0.5,
            "min_range": 0.1,
            "max_range": 4.0,
            "range": 1.5 + i,
        },
        "sensor_msgs/msg/BatteryState": lambda i: {
            "header": _hdr(i),
            "voltage": 12.5,
            "temperature": 30.0,
            "current": -1.0 * i,
            "charge": 2.0,
            "capacity": 4.0,
            "design_capacity": 4.0,
            "percentage": 0.5,
            "power_supply_status": 2,
            "power_supply_health": 1,
            "power_supply_technology": 2,
            "present": True,
            "cell_voltage": [4.1, 4.2],
            "cell_temperature": [30.0, 31.0],
            "location": "slot",
            "serial_number": "sn",
        },
        "sensor_msgs/msg/Joy": lambda i: {"header": _hdr(i), "axes": [0.5 * i, -0.25], "buttons": [1, 0, i]},
        "sensor_msgs/msg/MagneticField": lambda i: {
            "header": _hdr(i, "mag"),
            "magnetic_field": {"x": 1e-5, "y": 2e-5 * i, "z": -3e-5},
            "magnetic_field_covariance": [0.0] * 9,
        },
        "geometry_msgs/msg/PoseStamped": lambda i: {"header": _hdr(i, "map"), "pose": _POSE_V(i)},
        "sensor_msgs/msg/CameraInfo": lambda i: {
            "header": _hdr(i, "cam"),
            "height": 480,
            "width": 640,
            "distortion_model": "plumb_bob",
            "d": [0.1, 0.0, 0.0, 0.0, 0.0],
            "k": [500.0, 0.0, 320.0, 0.0, 500.0, 240.0, 0.0, 0.0, 1.0],
            "r": [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0],
            "p": [500.0, 0.0, 320.0, 0.0, 0.0, 500.0, 240.0, 0.0, 0.0, 0.0, 1.0, 0.0],
            "binning_x": 0,
            "binning_y": 0,
            "roi": {"x_offset": 0, "y_offset": 0, "height": 0, "width": 0, "do_rectify": False},
        },
        "rcl_interfaces/msg/Log": lambda i: {
            "stamp": {"sec": 100 + i, "nanosec": 0},
            "level": [10, 20, 30, 40, 50][i % 5],
            "name": "node",
            "msg": f"log {i}",
            "file": "f.cpp",
            "function": "fn",
            "line": 10 + i,
        },
        "nav_msgs/msg/OccupancyGrid": lambda i: {
            "header": _hdr(i, "map"),
            "info": {
                "map_load_time": {"sec": 1, "nanosec": 0},
                "resolution": 0.05,
                "width": 3,
                "height": 2,
                "origin": _POSE_V(0),
            },
            "data": [0, 100, -1, 50, 0, i],
        },
        "nav2_msgs/msg/VoxelGrid": lambda i: {
            "header": _hdr(i, "map"),
            # per column: bit z and bit z+16 both set = marked, one of them = unknown, none = free
            "data": [
                0,
                (1 << 0) | (1 << 16),
                (1 << 1) | (1 << 17) | (1 << 2),
                (1 << 18) | (1 << 2) | (1 << i),
            ],
            "origin": {"x": 1.0, "y": 2.0, "z": 0.0},
            "resolutions": {"x": 0.1, "y": 0.1, "z": 0.2},
            "size_x": 2,
            "size_y": 2,
            "size_z": 3,
        },
        "my_pkg/msg/Odd": lambda i: {
            "short_name": "ab",
            "bounded": [1, 2, i],
            "pts": [{"x": 1.0, "y": 2.0, "z": 3.0}, {"x": 0.0, "y": 0.0, "z": float(i)}],
            "many": [{"x": 1.0, "y": 1.0, "z": 1.0}] * i,
            "b": 7,
            "c": 65,
            "flag": True,
            "big": 2**63 + i,
            "small": [-1, 0, 1],
            "names": ["a", "b"],
            "f": 2.5,
        },
        "std_msgs/msg/Float64MultiArray": lambda i: {
            "layout": {"dim": [{"label": "x", "size": 3, "stride": 3}], "data_offset": 0},
            "data": [1.0, 2.0 * i, 3.0],
        },
    }
)


def topic_for(datatype: str) -> str:
    return "/" + datatype.split("/")[-1].lower()


def write_ros2(path: Path, datatypes: list[str], *, count: int = 3, chunk_size: int = 1024 * 1024) -> Path:
    """One topic per datatype, `count` messages each, interleaved in log-time order."""
    from mcap_ros2.writer import Writer

    with open(path, "wb") as f:
        w = Writer(f, chunk_size=chunk_size)
        schemas = {dt: w.register_msgdef(dt, MSGDEFS[dt]) for dt in datatypes}
        for i in range(count):
            for k, dt in enumerate(datatypes):
                t = 1_700_000_000_000_000_000 + i * 100_000_000 + k * 1000
                w.write_message(
                    topic=topic_for(dt),
                    schema=schemas[dt],
                    message=MESSAGES[dt](i),
                    log_time=t,
                    publish_time=t + 7,
                    sequence=i,
                )
        w.finish()
    return path


def write_raw(path: Path, *, count: int = 3) -> Path:
    """A JSON channel (no decoder for it): the raw fallback keeps its bytes."""
    from mcap.writer import Writer

    with open(path, "wb") as f:
        w = Writer(f)
        w.start(profile="", library="tests")
        sid = w.register_schema(name="Thing", encoding="jsonschema", data=b'{"type":"object"}')
        cid = w.register_channel(topic="/things", message_encoding="json", schema_id=sid, metadata={"k": "v"})
        for i in range(count):
            w.add_message(cid, log_time=10 + i, publish_time=11 + i, data=b'{"i": %d}' % i, sequence=i)
        w.finish()
    return path


def write_image_variants(path: Path, *, count: int = 3) -> Path:
    """Depth/colour/YUV image encodings, h264 / RVL / PNG compressed images and /tf_static."""
    from mcap_ros2.writer import Writer

    with open(path, "wb") as f:
        w = Writer(f)
        img = w.register_msgdef("sensor_msgs/msg/Image", MSGDEFS["sensor_msgs/msg/Image"])
        ci = w.register_msgdef("sensor_msgs/msg/CompressedImage", MSGDEFS["sensor_msgs/msg/CompressedImage"])
        tf = w.register_msgdef("tf2_msgs/msg/TFMessage", MSGDEFS["tf2_msgs/msg/TFMessage"])
        t = 1_700_000_000_000_000_000
        for i in range(count):
            for k, (enc, bpp) in enumerate(
                [("16UC1", 2), ("bgr8", 3), ("yuyv", 2), ("32FC1", 4), ("mono8", 1)]
            ):
                m = MESSAGES["sensor_msgs/msg/Image"](i)
                m.update(encoding=enc, step=3 * bpp, data=bytes(6 * bpp))
                m["header"]["frame_id"] = "" if k == 4 else "cam"
                w.write_message(
                    f"/img/{enc}", img, m, log_time=t + i * 1000 + k, publish_time=t + i * 1000 + k
                )
            for fmt in ["h264", "16UC1; compressedDepth rvl", "png"]:
                m = MESSAGES["sensor_msgs/msg/CompressedImage"](i)
                m["format"] = fmt
                topic = "/ci/" + fmt.split(";")[0].lower()
                w.write_message(topic, ci, m, log_time=t + i * 1000 + 7, publish_time=t + i * 1000)
            tfm = MESSAGES["tf2_msgs/msg/TFMessage"](i)
            w.write_message("/tf_static", tf, tfm, log_time=t + i * 1000 + 9, publish_time=t)
        w.finish()
    return path


def write_attachments_and_metadata(path: Path) -> Path:
    """A raw channel plus two attachments and metadata records (one name written twice)."""
    from mcap.writer import Writer

    with open(path, "wb") as f:
        w = Writer(f)
        w.start(profile="", library="tests")
        sid = w.register_schema(name="Thing", encoding="jsonschema", data=b"{}")
        cid = w.register_channel(topic="/things", message_encoding="json", schema_id=sid)
        w.add_message(cid, log_time=10, publish_time=10, data=b"{}", sequence=0)
        w.add_attachment(create_time=5, log_time=6, name="calib.yaml", media_type="text/yaml", data=b"a: 1")
        w.add_attachment(
            create_time=7, log_time=8, name="b.bin", media_type="application/octet-stream", data=b"\x00\x01"
        )
        w.add_metadata("robot", {"name": "r2", "model": "x"})
        w.add_metadata("robot", {"serial": "7"})
        w.add_metadata("env", {"site": "lab"})
        w.finish()
    return path


def write_edge_cases(path: Path) -> Path:
    """A channel without schema, a ROS 2 schema on JSON, undecodable IMU messages, an empty channel."""
    from mcap.writer import Writer
    from mcap_ros2._dynamic import serialize_dynamic

    encode = serialize_dynamic("std_msgs/msg/String", "string data")["std_msgs/msg/String"]
    with open(path, "wb") as f:
        w = Writer(f)
        w.start(profile="ros2", library="tests")
        s_str = w.register_schema(name="std_msgs/msg/String", encoding="ros2msg", data=b"string data")
        imu = MSGDEFS["sensor_msgs/msg/Imu"].encode()
        s_imu = w.register_schema(name="sensor_msgs/msg/Imu", encoding="ros2msg", data=imu)
        c_noschema = w.register_channel(topic="/noschema", message_encoding="json", schema_id=0)
        c_json = w.register_channel(topic="/ros_as_json", message_encoding="json", schema_id=s_str)
        c_bad = w.register_channel(topic="/bad_imu", message_encoding="cdr", schema_id=s_imu)
        w.register_channel(topic="/empty", message_encoding="cdr", schema_id=s_str)
        c_ok = w.register_channel(topic="/ok", message_encoding="cdr", schema_id=s_str)
        for i in range(3):
            t = 1000 + i
            w.add_message(c_noschema, log_time=t, publish_time=t, data=b"{}", sequence=i)
            w.add_message(c_json, log_time=t, publish_time=t, data=b'{"data":"x"}', sequence=i)
            bad = b"\x00\x01\x00\x00" + b"\x05" * (3 if i == 1 else 400)
            w.add_message(c_bad, log_time=t, publish_time=t, data=bad, sequence=i)
            w.add_message(c_ok, log_time=t, publish_time=t, data=encode({"data": f"s{i}"}), sequence=i)
        w.finish()
    return path
