"""``rerun server --data-dir``: what the server acknowledged survives ``kill -9``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import cloud_pb2_grpc as pb_grpc
from rerun_core.proto.gen import common_pb2
from rerun_core.server.catalog.persist import open_catalog
from rerun_core.server.catalog.registration import Source, TaskIds, register
from rerun_core.store.rrd import dataframe_part_from_arrow, dataframe_part_to_table
from tests.catalog.catalog_data import free_port, wait_listening, write_segment
from tests.conftest import Oracle


def _start(data_dir: Path, port: int, *extra: str) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "rerun", "server", "-p", str(port), "--data-dir", str(data_dir), *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_listening(port, proc)
    return proc


@pytest.fixture()
def stub_factory() -> Iterator[list[grpc.Channel]]:
    channels: list[grpc.Channel] = []
    yield channels
    for c in channels:
        c.close()


def _stub(port: int, channels: list[grpc.Channel]) -> pb_grpc.RerunCloudServiceStub:
    ch = grpc.insecure_channel(f"127.0.0.1:{port}")
    channels.append(ch)
    return pb_grpc.RerunCloudServiceStub(ch)


def _entry(entry_id: common_pb2.EntryId) -> list[tuple[str, str]]:
    return [("x-rerun-entry-id", f"{entry_id.id.time_ns:016x}{entry_id.id.inc:016x}")]


def test_kill_9_loses_nothing_acknowledged(
    tmp_path: Path, oracle: Oracle, stub_factory: list[grpc.Channel]
) -> None:
    import pyarrow as pa

    base = write_segment(tmp_path / "a.rrd", "ep1", 1.0)
    extra = write_segment(tmp_path / "b.rrd", "ep1", 2.0)  # a second layer of the same segment
    other = write_segment(tmp_path / "c.rrd", "ep2", 3.0)
    data_dir, port = tmp_path / "data", free_port()
    proc = _start(data_dir, port)
    try:
        stub = _stub(port, stub_factory)
        ds = stub.CreateDatasetEntry(pb.CreateDatasetEntryRequest(name="robots"), timeout=10).dataset
        meta = _entry(ds.details.id)
        for url, layer in ((base, "base"), (extra, "extra"), (other, "base")):
            src = pb.DataSource(storage_url=url.as_uri(), layer=layer, typ=pb.DATA_SOURCE_KIND_RRD)
            stub.RegisterWithDataset(
                pb.RegisterWithDatasetRequest(data_sources=[src]), metadata=meta, timeout=30
            )
        props = pa.table({"property:quality:score": pa.array([0.5])})
        req = pb.SetSegmentPropertiesRequest(
            segment_id=common_pb2.SegmentId(id="ep2"), properties=dataframe_part_from_arrow(props)
        )
        rev = stub.SetSegmentProperties(req, metadata=meta, timeout=10).revision
        gone = stub.CreateDatasetEntry(pb.CreateDatasetEntryRequest(name="gone"), timeout=10).dataset
        stub.DeleteEntry(pb.DeleteEntryRequest(id=gone.details.id), timeout=10)
        update = pb.EntryDetailsUpdate(name="robots_v2")
        stub.UpdateEntry(pb.UpdateEntryRequest(id=ds.details.id, entry_details_update=update), timeout=10)
    finally:
        os.kill(proc.pid, signal.SIGKILL)  # no shutdown hook runs
        proc.wait(10)

    port2 = free_port()
    proc = _start(data_dir, port2)
    try:
        script = """
import json, sys
from rerun.catalog import CatalogClient
c = CatalogClient(sys.argv[1])
ds = c.get_dataset("robots_v2")
t = ds.segment_table().to_arrow_table()
rows = ds.reader(index="frame").to_arrow_table()
print(json.dumps({
    "names": sorted(c.dataset_names()),
    "segments": sorted(ds.segment_ids()),
    "layers": {r["rerun_segment_id"]: r["rerun_layer_names"] for r in t.select(["rerun_segment_id", "rerun_layer_names"]).to_pylist()},
    "rows": {s: rows.column("rerun_segment_id").to_pylist().count(s) for s in ("ep1", "ep2")},
}))
"""
        got = json.loads(oracle.run_script(script, f"rerun+http://127.0.0.1:{port2}").stdout.splitlines()[-1])
        assert got["names"] == ["robots_v2"]
        assert got["segments"] == ["ep1", "ep2"]
        assert got["layers"] == {"ep1": ["base", "extra"], "ep2": ["base"]}
        assert got["rows"]["ep2"] == 3
        assert got["rows"]["ep1"] >= 3  # both layers' rows are readable
        stub = _stub(port2, stub_factory)
        found = stub.FindEntries(pb.FindEntriesRequest(filter=pb.EntryFilter(name="robots_v2")), timeout=10)
        meta = _entry(found.entries[0].id)
        answer = next(
            stub.GetSegmentProperties(
                pb.GetSegmentPropertiesRequest(segment_ids=[common_pb2.SegmentId(id="ep2")]), metadata=meta
            )
        )
        seg = answer.segments[0]
        assert seg.revision == rev
        assert dataframe_part_to_table(seg.properties).column("property:quality:score").to_pylist() == [0.5]
    finally:
        proc.terminate()
        proc.wait(10)


def test_without_data_dir_nothing_is_kept(tmp_path: Path) -> None:
    cat = open_catalog(None)
    assert cat.journal is None
    ds = cat.create("in_memory")
    register(cat, ds, [Source(write_segment(tmp_path / "a.rrd", "s", 0.0).as_uri())], "error", TaskIds())
    assert open_catalog(None).datasets() == []


def test_a_vanished_file_is_reported_and_kept(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    cat = open_catalog(data_dir)
    ds = cat.create("d")
    path = write_segment(tmp_path / "a.rrd", "s", 0.0)
    register(cat, ds, [Source(path.as_uri())], "error", TaskIds())
    assert cat.journal is not None
    path.unlink()
    restored = open_catalog(data_dir)
    assert restored.by_name("d").segments == {}
    path = write_segment(tmp_path / "a.rrd", "s", 0.0)  # the file comes back: so does the layer
    assert sorted(open_catalog(data_dir).by_name("d").segments) == ["s"]
