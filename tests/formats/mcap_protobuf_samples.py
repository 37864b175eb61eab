"""MCAP files with Protobuf channels: Foxglove schemas and a custom message, built from descriptors here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, timestamp_pb2

F = descriptor_pb2.FieldDescriptorProto
T = {
    "double": F.TYPE_DOUBLE,
    "float": F.TYPE_FLOAT,
    "int32": F.TYPE_INT32,
    "int64": F.TYPE_INT64,
    "uint32": F.TYPE_UINT32,
    "uint64": F.TYPE_UINT64,
    "bool": F.TYPE_BOOL,
    "string": F.TYPE_STRING,
    "bytes": F.TYPE_BYTES,
    "fixed32": F.TYPE_FIXED32,
}

# message name -> [(field name, type, number, repeated)]; a type is a scalar name, ".pkg.Msg" or "enum:.pkg.E"
FOXGLOVE: dict[str, list[tuple[str, str, int, bool]]] = {
    "Vector3": [("x", "double", 1, False), ("y", "double", 2, False), ("z", "double", 3, False)],
    "Quaternion": [
        ("x", "double", 1, False),
        ("y", "double", 2, False),
        ("z", "double", 3, False),
        ("w", "double", 4, False),
    ],
    "Pose": [("position", ".foxglove.Vector3", 1, False), ("orientation", ".foxglove.Quaternion", 2, False)],
    "CompressedImage": [
        ("timestamp", ".google.protobuf.Timestamp", 1, False),
        ("frame_id", "string", 4, False),
        ("data", "bytes", 2, False),
        ("format", "string", 3, False),
    ],
    "FrameTransform": [
        ("timestamp", ".google.protobuf.Timestamp", 1, False),
        ("parent_frame_id", "string", 2, False),
        ("child_frame_id", "string", 3, False),
        ("translation", ".foxglove.Vector3", 4, False),
        ("rotation", ".foxglove.Quaternion", 5, False),
    ],
    "LocationFix": [
        ("timestamp", ".google.protobuf.Timestamp", 6, False),
        ("frame_id", "string", 7, False),
        ("latitude", "double", 1, False),
        ("longitude", "double", 2, False),
        ("altitude", "double", 3, False),
        ("position_covariance", "double", 4, True),
        ("position_covariance_type", "enum:.foxglove.LocationFix.PositionCovarianceType", 5, False),
    ],
    "Log": [
        ("timestamp", ".google.protobuf.Timestamp", 1, False),
        ("level", "enum:.foxglove.Log.Level", 2, False),
        ("message", "string", 3, False),
        ("name", "string", 4, False),
        ("file", "string", 5, False),
        ("line", "uint32", 6, False),
    ],
    "PoseInFrame": [
        ("timestamp", ".google.protobuf.Timestamp", 1, False),
        ("frame_id", "string", 2, False),
        ("pose", ".foxglove.Pose", 3, False),
    ],
}
FOXGLOVE.update(
    {
        "RawImage": [
            ("timestamp", ".google.protobuf.Timestamp", 1, False),
            ("frame_id", "string", 7, False),
            ("width", "fixed32", 2, False),
            ("height", "fixed32", 3, False),
            ("encoding", "string", 4, False),
            ("step", "fixed32", 5, False),
            ("data", "bytes", 6, False),
        ],
        "CompressedVideo": [
            ("timestamp", ".google.protobuf.Timestamp", 1, False),
            ("frame_id", "string", 2, False),
            ("data", "bytes", 3, False),
            ("format", "string", 4, False),
        ],
        "CameraCalibration": [
            ("timestamp", ".google.protobuf.Timestamp", 1, False),
            ("frame_id", "string", 9, False),
            ("width", "fixed32", 2, False),
            ("height", "fixed32", 3, False),
            ("distortion_model", "string", 4, False),
            ("D", "double", 5, True),
            ("K", "double", 6, True),
            ("R", "double", 7, True),
            ("P", "double", 8, True),
        ],
        "PackedElementField": [
            ("name", "string", 1, False),
            ("offset", "fixed32", 2, False),
            ("type", "enum:.foxglove.PackedElementField.NumericType", 3, False),
        ],
        "PointCloud": [
            ("timestamp", ".google.protobuf.Timestamp", 1, False),
            ("frame_id", "string", 2, False),
            ("pose", ".foxglove.Pose", 3, False),
            ("point_stride", "fixed32", 4, False),
            ("fields", ".foxglove.PackedElementField", 5, True),
            ("data", "bytes", 6, False),
        ],
        "VoxelGrid": [
            ("timestamp", ".google.protobuf.Timestamp", 1, False),
            ("frame_id", "string", 2, False),
            ("pose", ".foxglove.Pose", 3, False),
            ("row_count", "fixed32", 4, False),
            ("column_count", "fixed32", 5, False),
            ("cell_size", ".foxglove.Vector3", 6, False),
            ("slice_stride", "fixed32", 7, False),
            ("row_stride", "fixed32", 8, False),
            ("cell_stride", "fixed32", 9, False),
            ("fields", ".foxglove.PackedElementField", 10, True),
            ("data", "bytes", 11, False),
        ],
        "FrameTransforms": [("transforms", ".foxglove.FrameTransform", 1, True)],
        "LocationFixes": [("fixes", ".foxglove.LocationFix", 1, True)],
        "PosesInFrame": [
            ("timestamp", ".google.protobuf.Timestamp", 1, False),
            ("frame_id", "string", 2, False),
            ("poses", ".foxglove.Pose", 3, True),
        ],
    }
)
ENUMS = {
    "LocationFix": (
        "PositionCovarianceType",
        [("UNKNOWN", 0), ("APPROXIMATED", 1), ("DIAGONAL_KNOWN", 2), ("KNOWN", 3)],
    ),
    "PackedElementField": (
        "NumericType",
        [
            ("UNKNOWN", 0),
            ("UINT8", 1),
            ("INT8", 2),
            ("UINT16", 3),
            ("INT16", 4),
            ("UINT32", 5),
            ("INT32", 6),
            ("FLOAT32", 7),
            ("FLOAT64", 8),
        ],
    ),
    "Log": ("Level", [("UNKNOWN", 0), ("DEBUG", 1), ("INFO", 2), ("WARNING", 3), ("ERROR", 4), ("FATAL", 5)]),
}
CUSTOM: dict[str, list[tuple[str, str, int, bool]]] = {
    "Gripper": [
        ("width", "double", 1, False),
        ("closed", "bool", 2, False),
        ("name", "string", 3, False),
        ("forces", "float", 4, True),
        ("blob", "bytes", 5, False),
        ("stamp", ".google.protobuf.Timestamp", 6, False),
        ("count", "int64", 7, False),
    ],
}


def _file(
    package: str, name: str, messages: dict[str, list[tuple[str, str, int, bool]]]
) -> descriptor_pb2.FileDescriptorProto:
    fd = descriptor_pb2.FileDescriptorProto(name=name, package=package, syntax="proto3")
    fd.dependency.append("google/protobuf/timestamp.proto")
    for msg_name, fields in messages.items():
        m = fd.message_type.add(name=msg_name)
        if msg_name in ENUMS and package == "foxglove":
            ename, values = ENUMS[msg_name]
            e = m.enum_type.add(name=ename)
            for vname, num in values:
                e.value.add(name=vname, number=num)
        for fname, ftype, num, repeated in fields:
            f = m.field.add(name=fname, number=num)
            f.label = F.LABEL_REPEATED if repeated else F.LABEL_OPTIONAL
            if ftype.startswith("enum:"):
                f.type, f.type_name = F.TYPE_ENUM, ftype[5:]
            elif ftype.startswith("."):
                f.type, f.type_name = F.TYPE_MESSAGE, ftype
            else:
                f.type = T[ftype]
    return fd


_POOL = descriptor_pool.DescriptorPool()
_POOL.AddSerializedFile(timestamp_pb2.DESCRIPTOR.serialized_pb)
_POOL.Add(_file("foxglove", "foxglove/all.proto", FOXGLOVE))
_POOL.Add(_file("custom", "custom/gripper.proto", CUSTOM))


def message_class(full_name: str) -> Any:
    return message_factory.GetMessageClass(_POOL.FindMessageTypeByName(full_name))


def _ts(i: int) -> dict[str, int]:
    return {"seconds": 1_700_000_000 + i, "nanos": 1000 * i}


SAMPLES: dict[str, Any] = {
    "foxglove.CompressedImage": lambda i: {
        "timestamp": _ts(i),
        "frame_id": "cam",
        "data": b"\xff\xd8" + bytes([i]) * 4,
        "format": "jpeg",
    },
    "foxglove.FrameTransform": lambda i: {
        "timestamp": _ts(i),
        "parent_frame_id": "world",
        "child_frame_id": "base",
        "translation": {"x": 1.0 * i, "y": 2.0, "z": 3.0},
        "rotation": {"x": 0.0, "y": 0.0, "z": 0.0, "w": 1.0},
    },
    "foxglove.LocationFix": lambda i: {
        "timestamp": _ts(i),
        "frame_id": "gps",
        "latitude": 47.0 + i * 1e-4,
        "longitude": 8.5,
        "altitude": 400.0,
        "position_covariance": [0.0] * 9,
        "position_covariance_type": 2,
    },
    "foxglove.Log": lambda i: {
        "timestamp": _ts(i),
        "level": 1 + i % 5,
        "message": f"m{i}",
        "name": "node",
        "file": "f.py",
        "line": i,
    },
    "foxglove.PoseInFrame": lambda i: {
        "timestamp": _ts(i),
        "frame_id": "map",
        "pose": {
            "position": {"x": 1.0 * i, "y": 0.0, "z": 0.0},
            "orientation": {"x": 0.0, "y": 0.0, "z": 0.0, "w": 1.0},
        },
    },
    "foxglove.RawImage": lambda i: {
        "timestamp": _ts(i),
        "frame_id": "cam",
        "width": 3,
        "height": 2,
        "encoding": "rgb8",
        "step": 9,
        "data": bytes(range(i, i + 18)),
    },
    "foxglove.CompressedVideo": lambda i: {
        "timestamp": _ts(i),
        "frame_id": "cam",
        "data": b"\x00\x00\x01" + bytes([i]),
        "format": "h264",
    },
    "foxglove.CameraCalibration": lambda i: {
        "timestamp": _ts(i),
        "frame_id": "cam",
        "width": 640,
        "height": 480,
        "distortion_model": "plumb_bob",
        "D": [0.1, 0.0, 0.0, 0.0, 0.0],
        "K": [500.0, 0.0, 320.0, 0.0, 501.0, 240.0, 0.0, 0.0, 1.0],
        "R": [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0],
        "P": [500.0, 0.0, 320.0, 0.0, 0.0, 501.0, 240.0, 0.0, 0.0, 0.0, 1.0, 0.0],
    },
    "foxglove.PointCloud": lambda i: {
        "timestamp": _ts(i),
        "frame_id": "lidar",
        "pose": {
            "position": {"x": 0.0, "y": 0.0, "z": 1.0},
            "orientation": {"x": 0.0, "y": 0.0, "z": 0.0, "w": 1.0},
        },
        "point_stride": 16,
        "fields": [
            {"name": "x", "offset": 0, "type": 7},
            {"name": "y", "offset": 4, "type": 7},
            {"name": "z", "offset": 8, "type": 7},
            {"name": "intensity", "offset": 12, "type": 7},
        ],
        "data": b"".join(
            __import__("struct").pack("<ffff", 1.0 * k, 2.0 + i, 0.5 * k, 10.0 * k) for k in range(3)
        ),
    },
    "foxglove.FrameTransforms": lambda i: {
        "transforms": [SAMPLES["foxglove.FrameTransform"](i), SAMPLES["foxglove.FrameTransform"](i + 10)]
    },
    "foxglove.LocationFixes": lambda i: {
        "fixes": [SAMPLES["foxglove.LocationFix"](i), SAMPLES["foxglove.LocationFix"](i + 1)]
    },
    "foxglove.PosesInFrame": lambda i: {
        "timestamp": _ts(i),
        "frame_id": "map",
        "poses": [SAMPLES["foxglove.PoseInFrame"](i)["pose"], SAMPLES["foxglove.PoseInFrame"](i + 1)["pose"]],
    },
    "foxglove.VoxelGrid": lambda i: {
        "timestamp": _ts(i),
        "frame_id": "map",
        "pose": {
            "position": {"x": 1.0, "y": 0.0, "z": 0.0},
            "orientation": {"x": 0.0, "y": 0.0, "z": 0.0, "w": 1.0},
        },
        "row_count": 2,
        "column_count": 3,
        "cell_size": {"x": 0.1, "y": 0.1, "z": 0.2},
        "slice_stride": 24,
        "row_stride": 12,
        "cell_stride": 4,
        "fields": [{"name": c, "offset": j, "type": 1} for j, c in enumerate(["red", "green", "blue"])],
        "data": bytes(range(i, i + 24 * 2 - 2)),
    },
    "custom.Gripper": lambda i: {
        "width": 0.1 * i,
        "closed": bool(i % 2),
        "name": f"g{i}",
        "forces": [1.0, 2.0 * i],
        "blob": bytes([i]),
        "stamp": _ts(i),
        "count": -i,
    },
}


def write_protobuf(path: Path, names: list[str], *, count: int = 3) -> Path:
    from mcap_protobuf.writer import Writer

    with open(path, "wb") as f, Writer(f) as w:
        for i in range(count):
            for k, name in enumerate(names):
                msg = message_class(name)(**SAMPLES[name](i))
                t = 1_700_000_000_000_000_000 + i * 100_000_000 + k * 1000
                w.write_message(
                    topic="/" + name.split(".")[-1].lower(), message=msg, log_time=t, publish_time=t + 3
                )
    return path


def write_colored_point_cloud(path: Path, *, float_colors: bool, count: int = 2) -> Path:
    """foxglove.PointCloud with red/green/blue/alpha fields (uint8 or float32 in 0..1)."""
    import struct

    from mcap_protobuf.writer import Writer

    def sample(i: int) -> dict[str, Any]:
        d = SAMPLES["foxglove.PointCloud"](i)
        xyz = [{"name": n, "offset": 4 * j, "type": 7} for j, n in enumerate("xyz")]
        if float_colors:
            d["point_stride"] = 28
            d["fields"] = xyz + [
                {"name": c, "offset": 12 + 4 * j, "type": 7}
                for j, c in enumerate(["red", "green", "blue", "alpha"])
            ]
            d["data"] = b"".join(
                struct.pack("<fffffff", 1.0 * k, 2.0, 3.0, 0.5, 0.25 * k, 1.0, 1.0) for k in range(3)
            )
        else:
            d["point_stride"] = 16
            d["fields"] = xyz + [
                {"name": c, "offset": 12 + j, "type": 1}
                for j, c in enumerate(["red", "green", "blue", "alpha"])
            ]
            d["data"] = b"".join(
                struct.pack("<fffBBBB", 1.0 * k, 2.0, 3.0, 10 * k, 20, 30 + i, 255) for k in range(3)
            )
        return d

    with open(path, "wb") as f, Writer(f) as w:
        for i in range(count):
            msg = message_class("foxglove.PointCloud")(**sample(i))
            t = 1_700_000_000_000_000_000 + i * 1000
            w.write_message(topic="/points", message=msg, log_time=t, publish_time=t)
    return path


def _corner_case_class() -> Any:
    """x.Odd: a map, a oneof, a proto3 optional, enums (single and repeated), a Struct and itself."""
    from google.protobuf import struct_pb2

    fd = descriptor_pb2.FileDescriptorProto(name="x/odd.proto", package="x", syntax="proto3")
    fd.dependency.append("google/protobuf/struct.proto")
    m = fd.message_type.add(name="Odd")
    e = m.enum_type.add(name="Color")
    e.value.add(name="RED", number=0)
    e.value.add(name="BLUE", number=1)
    entry = m.nested_type.add(name="TagsEntry")
    entry.options.map_entry = True
    entry.field.add(name="key", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    entry.field.add(name="value", number=2, type=F.TYPE_INT32, label=F.LABEL_OPTIONAL)
    m.oneof_decl.add(name="choice")
    m.oneof_decl.add(name="_maybe")
    m.field.add(
        name="tags", number=1, type=F.TYPE_MESSAGE, type_name=".x.Odd.TagsEntry", label=F.LABEL_REPEATED
    )
    m.field.add(name="as_int", number=2, type=F.TYPE_INT32, label=F.LABEL_OPTIONAL, oneof_index=0)
    m.field.add(name="as_text", number=3, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL, oneof_index=0)
    m.field.add(
        name="maybe",
        number=4,
        type=F.TYPE_DOUBLE,
        label=F.LABEL_OPTIONAL,
        oneof_index=1,
        proto3_optional=True,
    )
    m.field.add(name="colors", number=5, type=F.TYPE_ENUM, type_name=".x.Odd.Color", label=F.LABEL_REPEATED)
    m.field.add(name="color", number=6, type=F.TYPE_ENUM, type_name=".x.Odd.Color", label=F.LABEL_OPTIONAL)
    m.field.add(
        name="extra",
        number=7,
        type=F.TYPE_MESSAGE,
        type_name=".google.protobuf.Struct",
        label=F.LABEL_OPTIONAL,
    )
    m.field.add(name="child", number=8, type=F.TYPE_MESSAGE, type_name=".x.Odd", label=F.LABEL_OPTIONAL)
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(struct_pb2.DESCRIPTOR.serialized_pb)
    pool.Add(fd)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("x.Odd"))


def write_protobuf_corner_cases(path: Path, *, count: int = 4) -> Path:
    from mcap_protobuf.writer import Writer

    odd = _corner_case_class()
    with open(path, "wb") as f, Writer(f) as w:
        for i in range(count):
            o = odd(tags={"b": i, "a": 2} if i % 2 else {}, colors=[0, 1][: i % 3], color=i % 2)
            if i == 0:
                o.as_int = 5
            if i == 1:
                o.as_text = "t"
                o.maybe = 1.5
            if i == 2:
                o.extra.update({"k": [1, "x", None], "z": {"q": True}})
                o.child.as_int = 3
            w.write_message(topic="/odd", message=o, log_time=1000 + i, publish_time=1000 + i)
    return path


def write_raw_image_variants(path: Path) -> Path:
    """foxglove.RawImage: a depth encoding with padded rows, a blob longer than the image, bgr8."""
    from mcap_protobuf.writer import Writer

    variants = [
        {"encoding": "16UC1", "step": 8, "data": bytes(range(16))},
        {"encoding": "mono8", "step": 3, "data": bytes(range(8))},
        {"encoding": "bgr8", "step": 9, "data": bytes(range(18))},
        {"encoding": "yuyv", "step": 0, "data": bytes(range(12))},
    ]
    with open(path, "wb") as f, Writer(f) as w:
        for i, v in enumerate(variants):
            msg = message_class("foxglove.RawImage")(**{**SAMPLES["foxglove.RawImage"](i), **v})
            w.write_message(topic="/raw", message=msg, log_time=1000 + i, publish_time=1000 + i)
    return path
