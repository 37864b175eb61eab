"""``rerun server --latency-ms`` / ``--bandwidth-limit``: answers are delayed and paced, not dropped."""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import cloud_pb2_grpc as pb_grpc
from rerun_core.server.catalog import CatalogServer
from rerun_core.server.catalog.throttle import Throttle, parse_bandwidth
from tests.catalog.catalog_data import make_dataset_dir


def test_parse_bandwidth_units() -> None:
    assert parse_bandwidth("10MB") == 10e6
    assert parse_bandwidth("500kB/s") == 500e3
    assert parse_bandwidth("1MiB") == 1 << 20
    assert parse_bandwidth("2048") == 2048
    for bad in ("", "fast", "-1MB", "0", "10XB"):
        with pytest.raises(ValueError, match="invalid bandwidth limit"):
            parse_bandwidth(bad)


def _sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The pauses the throttle asks for (recorded, not slept: no clock in the assertions)."""
    asked: list[float] = []
    monkeypatch.setattr("rerun_core.server.catalog.throttle._sleep", asked.append)
    return asked


def test_bandwidth_limit_paces_every_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = CatalogServer(port=0)
    server.load_dataset("d", make_dataset_dir(tmp_path / "d"))
    server.throttle = Throttle(0.0, 4e6)
    server.start()
    asked = _sleeps(monkeypatch)
    try:
        with grpc.insecure_channel(f"127.0.0.1:{server.port}") as ch:
            stub = pb_grpc.RerunCloudServiceStub(ch)
            answers = list(stub.DoBandwidthTest(pb.DoBandwidthTestRequest(num_bytes=2_000_000), timeout=30))
        assert sum(len(r.payload) for r in answers) == 2_000_000
        paced = sum(asked) * 4e6  # bytes the pauses account for
        assert 2_000_000 <= paced <= 2_000_000 + 16 * len(answers)  # payload plus protobuf framing
    finally:
        server.stop()


def test_latency_delays_each_call(monkeypatch: pytest.MonkeyPatch) -> None:
    server = CatalogServer(port=0)
    server.throttle = Throttle(0.3, None)
    server.start()
    asked = _sleeps(monkeypatch)
    try:
        with grpc.insecure_channel(f"127.0.0.1:{server.port}") as ch:
            stub = pb_grpc.RerunCloudServiceStub(ch)
            assert stub.WhoAmI(pb.WhoAmIRequest(), timeout=10).can_read
            assert stub.WhoAmI(pb.WhoAmIRequest(), timeout=10).can_write
        assert asked.count(0.3) == 2  # once per call
    finally:
        server.stop()
