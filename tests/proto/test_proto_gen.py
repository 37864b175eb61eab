"""Our .proto files: generated modules are current and match Rerun 0.41's wire definitions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from _embedded import embedded_descriptors
from google.protobuf import descriptor_pb2

from rerun_core.proto.gen import (
    cloud_pb2,
    common_pb2,
    log_msg_pb2,
    sdk_comms_pb2,
    sdk_comms_pb2_grpc,
    viewer_control_pb2,
)

ROOT = Path(__file__).resolve().parents[2]
SO = ROOT / ".venv-oracle/lib/python3.11/site-packages/rerun_bindings/rerun_bindings.abi3.so"
MODULES = [common_pb2, log_msg_pb2, sdk_comms_pb2, cloud_pb2, viewer_control_pb2]


def test_generated_modules_are_current() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_proto.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _fields(msg: type) -> dict[str, int]:
    return {f.name: f.number for f in msg.DESCRIPTOR.fields}  # type: ignore[attr-defined]


def test_log_msg_field_numbers() -> None:
    assert _fields(log_msg_pb2.ArrowMsg) == {
        "store_id": 1,
        "compression": 2,
        "uncompressed_size": 3,
        "encoding": 4,
        "payload": 5,
        "chunk_id": 6,
        "is_static": 7,
    }
    assert _fields(log_msg_pb2.SetStoreInfo) == {"row_id": 1, "info": 2}
    assert _fields(log_msg_pb2.RrdManifest) == {
        "store_id": 1,
        "sorbet_schema": 2,
        "sorbet_schema_sha256": 3,
        "data": 4,
    }
    assert _fields(common_pb2.Tuid) == {"time_ns": 1, "inc": 2}
    assert common_pb2.Compression.Value("COMPRESSION_LZ4") == 2
    assert log_msg_pb2.ArrowMsg.DESCRIPTOR.fields_by_name["is_static"].has_presence


def test_message_proxy_service_methods() -> None:
    service = sdk_comms_pb2.DESCRIPTOR.services_by_name["MessageProxyService"]
    assert service.full_name == "rerun.sdk_comms.v1alpha1.MessageProxyService"
    assert {m.name for m in service.methods} == {"WriteMessages", "ReadMessages", "WriteTable", "ReadTables"}
    assert hasattr(sdk_comms_pb2_grpc, "MessageProxyServiceServicer")


def test_generated_classes_live_in_our_package() -> None:
    assert log_msg_pb2.ArrowMsg.__module__ == "rerun_core.proto.gen.log_msg_pb2"


def _canonical(fd: descriptor_pb2.FileDescriptorProto) -> descriptor_pb2.FileDescriptorProto:
    """Drop what does not reach the wire: comments, json names, empty option blocks."""
    out = descriptor_pb2.FileDescriptorProto()
    out.CopyFrom(fd)
    out.ClearField("source_code_info")
    out.ClearField("options")

    def strip(msg: descriptor_pb2.DescriptorProto) -> None:
        for f in msg.field:
            f.ClearField("json_name")
        for nested in msg.nested_type:
            strip(nested)

    for msg in out.message_type:
        strip(msg)
    for service in out.service:
        for method in service.method:
            if not method.options.ByteSize():
                method.ClearField("options")
    return out


@pytest.mark.interop
def test_descriptors_equal_the_0_41_wheel() -> None:
    if not SO.exists():
        pytest.fail(f"{SO} missing: run `make install` first")
    theirs = embedded_descriptors(SO)
    assert set(theirs) == {m.DESCRIPTOR.name for m in MODULES}
    for mod in MODULES:
        ours = descriptor_pb2.FileDescriptorProto()
        mod.DESCRIPTOR.CopyToProto(ours)
        assert _canonical(ours) == _canonical(theirs[ours.name]), ours.name
