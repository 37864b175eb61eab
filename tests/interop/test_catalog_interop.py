"""The catalog against the real rerun-sdk 0.41: its CatalogClient on our server, ours on its server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rerun.catalog import CatalogClient
from rerun_core.server.catalog import CatalogServer
from tests.catalog.catalog_data import free_port, make_dataset_dir, server_process, write_segment
from tests.conftest import Oracle

pytestmark = pytest.mark.interop

# Runs under the real SDK; prints what its CatalogClient sees, as JSON.
CLIENT_SCRIPT = """
import json, sys
from datafusion import col
from rerun.catalog import CatalogClient
url, new_rrd = sys.argv[1], sys.argv[2]
c = CatalogClient(url)
ds = c.get_dataset("mydata")
t = ds.reader(index="frame").to_arrow_table()
static = ds.reader(index=None).to_arrow_table()
new = c.create_dataset("created_by_real_client")
reg = new.register([new_rrd]).wait()
tmp = c.create_dataset("tmp_name")
tmp.set_name("renamed")
renamed = sorted(c.dataset_names())
tmp.delete()
new_segments = new.segment_ids()
new.unregister(segments_to_drop=["newseg"], layers_to_drop=[]).wait()
out = {
    "names": sorted(c.dataset_names()),
    "segments": sorted(ds.segment_ids()),
    "index_columns": [col.name for col in ds.schema().index_columns()],
    "component_columns": sorted(col.name for col in ds.schema().component_columns()),
    "reader_columns": t.column_names,
    "rows": {n: t.column(n).to_pylist() for n in t.column_names if n != "log_time"},
    "static_rows": {n: static.column(n).to_pylist() for n in ("rerun_segment_id", "/static:TextDocument:text")},
    "registered": reg.segment_ids,
    "new_segments": new_segments,
    "after_unregister": new.segment_ids(),
    "renamed": renamed,
    "filtered": {
        "segment": ds.reader(index="frame").filter(col("rerun_segment_id") == "seg1").count(),
        "time": ds.reader(index="frame").filter(col("frame") >= 2).count(),
        "segments": ds.filter_segments(["seg0"]).reader(index="frame").count(),
        "samples": ds.reader(
            index="frame", fill_latest_at=True, using_index_values={"seg0": [1, 5], "seg1": [4]}
        ).to_arrow_table().column("/points:Points3D:positions").to_pylist(),
        "plain_values": ds.reader(index="frame", fill_latest_at=True, using_index_values=[1, 5]).count(),
    },
}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_dataset_dir(tmp_path_factory.mktemp("catalog_interop") / "ds")


@pytest.fixture(scope="module")
def new_rrd(data_dir: Path) -> str:
    extra = data_dir.parent / "extra"  # outside the served directory
    extra.mkdir(exist_ok=True)
    return write_segment(extra / "new.rrd", "newseg", 7.0).as_uri()


@pytest.fixture()
def our_server(data_dir: Path) -> Iterator[CatalogServer]:
    srv = CatalogServer(port=0)
    srv.load_dataset("mydata", data_dir)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture()
def real_server(oracle: Oracle, data_dir: Path) -> Iterator[str]:
    port = free_port()
    cmd = [str(oracle.rerun), "server", "--host", "127.0.0.1", "-p", str(port), "-d", f"mydata={data_dir}"]
    with server_process(cmd, port, env=oracle.env()):
        yield f"rerun+http://127.0.0.1:{port}"


def _real_client(oracle: Oracle, url: str, new_rrd: str) -> dict[str, Any]:
    proc = oracle.run_script(CLIENT_SCRIPT, url, new_rrd, timeout=90)
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def test_real_client_reads_our_server(oracle: Oracle, our_server: CatalogServer, new_rrd: str) -> None:
    got = _real_client(oracle, our_server.url, new_rrd)
    assert got["names"] == ["created_by_real_client", "mydata"]
    assert got["renamed"] == ["created_by_real_client", "mydata", "renamed"]
    assert got["segments"] == ["seg0", "seg1"]
    assert got["index_columns"] == ["frame"]
    assert got["component_columns"] == ["/points:Points3D:positions", "/static:TextDocument:text"]
    rows = got["rows"]
    assert rows["rerun_segment_id"] == ["seg0"] * 3 + ["seg1"] * 3
    assert rows["frame"] == [0, 1, 2] * 2
    assert rows["/points:Points3D:positions"] == [
        [[float(t), float(s), 0.0]] for s in (0, 1) for t in (0, 1, 2)
    ]
    assert rows["/static:TextDocument:text"] == [["hello"]] * 6
    assert got["static_rows"]["rerun_segment_id"] == ["seg0", "seg1"]
    assert got["registered"] == ["newseg"]
    assert got["new_segments"] == ["newseg"]
    assert got["after_unregister"] == []
    assert got["filtered"]["segment"] == 3
    assert got["filtered"]["time"] == 2
    assert got["filtered"]["segments"] == 3
    assert got["filtered"]["plain_values"] == 2
    assert got["filtered"]["samples"] == [[[1.0, 0.0, 0.0]], [[2.0, 0.0, 0.0]], [[2.0, 1.0, 0.0]]]


@pytest.mark.slow
def test_real_client_sees_the_same_on_both_servers(
    oracle: Oracle, our_server: CatalogServer, real_server: str, new_rrd: str
) -> None:
    ours = _real_client(oracle, our_server.url, new_rrd)
    theirs = _real_client(oracle, real_server, new_rrd)
    assert ours == theirs


def _rows(client: CatalogClient) -> dict[str, list[Any]]:
    table = client.get_dataset("mydata").reader(index="frame").to_arrow_table()
    return {n: table.column(n).to_pylist() for n in table.column_names if n != "log_time"}


def test_our_client_reads_the_real_server(
    real_server: str, our_server: CatalogServer, new_rrd: str, data_dir: Path
) -> None:
    theirs = CatalogClient(real_server)
    assert theirs.dataset_names() == ["mydata"]
    ds = theirs.get_dataset("mydata")
    assert sorted(ds.segment_ids()) == ["seg0", "seg1"]
    assert [c.name for c in ds.schema().index_columns()] == ["frame"]
    assert _rows(theirs) == _rows(CatalogClient(our_server.url))
    static = ds.reader(index=None).to_arrow_table()
    assert static.column("/static:TextDocument:text").to_pylist() == [["hello"]] * 2
    picked = ds.filter_segments("seg1").filter_contents("/points").reader(index="frame").to_arrow_table()
    assert picked.column("rerun_segment_id").to_pylist() == ["seg1"] * 3
    assert "/static:TextDocument:text" not in picked.column_names
    created = theirs.create_dataset("created_by_our_client")
    assert created.register([new_rrd]).wait().segment_ids == ["newseg"]
    assert created.segment_ids() == ["newseg"]


# Writes recordings with the real SDK: two timelines, static data, recording properties.
WRITE_SCRIPT = """
import sys
import rerun as rr
for i in range(2):
    rec = rr.RecordingStream("catalog_interop", recording_id=f"rec{i}")
    rec.save(f"{sys.argv[1]}/rec{i}.rrd")
    for t in range(4):
        rec.set_time("frame", sequence=t * (i + 1))
        rec.set_time("sim_time", duration=0.5 * t)
        rec.log("/points", rr.Points3D([[t, i, 0], [0, t, i]], radii=[0.1 * t, 0.2]))
        if t % 2:
            rec.log("/scalar", rr.Scalars([float(t * i)]))
    rec.log("/doc", rr.TextDocument(f"segment {i}"), static=True)
    rec.flush()
    rec.disconnect()
"""

# Prints every reader column (timestamps as integers) as JSON.
READ_SCRIPT = """
import json, sys
import pyarrow as pa
import pyarrow.compute
from rerun.catalog import CatalogClient
ds = CatalogClient(sys.argv[1]).get_dataset("real")
def rows(t):
    # per segment (the order of segments is up to the server)
    out = {"columns": t.column_names}
    for seg in sorted(set(t.column("rerun_segment_id").to_pylist())):
        part = t.filter(pa.compute.equal(t.column("rerun_segment_id"), seg))
        cols = {}
        for f in part.schema:
            col = part.column(f.name)
            if pa.types.is_timestamp(f.type) or pa.types.is_duration(f.type):
                col = col.cast(pa.int64())
            cols[f.name] = col.to_pylist() if f.name != "log_time" else col.null_count
        out[seg] = cols
    return out
print(json.dumps({
    "schema": [c.name for c in ds.schema()],
    "frame": rows(ds.reader(index="frame").to_arrow_table()),
    "sim_time": rows(ds.reader(index="sim_time", fill_latest_at=True).to_arrow_table()),
    "static": rows(ds.reader(index=None).to_arrow_table()),
    "segment_table": rows(
        ds.segment_table().to_arrow_table().drop_columns(["rerun_last_updated_at", "rerun_size_bytes"])
    ),
}, sort_keys=True))
"""


@pytest.mark.slow
def test_real_sdk_recordings_read_the_same_on_both_servers(oracle: Oracle, tmp_path: Path) -> None:
    data = tmp_path / "real"
    data.mkdir()
    oracle.run_script(WRITE_SCRIPT, str(data))
    srv = CatalogServer(port=0)
    srv.load_dataset("real", data)
    srv.start()
    try:
        ours = json.loads(oracle.run_script(READ_SCRIPT, srv.url, timeout=90).stdout.splitlines()[-1])
    finally:
        srv.stop()
    port = free_port()
    cmd = [str(oracle.rerun), "server", "--host", "127.0.0.1", "-p", str(port), "-d", f"real={data}"]
    with server_process(cmd, port, env=oracle.env()):
        url = f"rerun+http://127.0.0.1:{port}"
        theirs = json.loads(oracle.run_script(READ_SCRIPT, url, timeout=90).stdout.splitlines()[-1])
    assert ours["frame"]["rec1"]["frame"] == [0, 2, 4, 6]
    assert ours == theirs
