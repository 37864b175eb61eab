"""Our catalog server with our CatalogClient: entries, segments, schema, reads, registration, errors."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from rerun.catalog import AlreadyExistsError, CatalogClient, NotFoundError, OnDuplicateSegmentLayer
from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import cloud_pb2_grpc as pb_grpc
from rerun_core.proto.gen import common_pb2
from rerun_core.server.catalog import CatalogServer
from rerun_core.store.rrd.footer import TRAILER_ENTRY_SIZE, TRAILER_TAIL_SIZE

from .catalog_data import FRAMES, free_port, make_dataset_dir, server_process, write_segment


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_dataset_dir(tmp_path_factory.mktemp("catalog") / "ds")


@pytest.fixture(scope="module")
def server(data_dir: Path) -> Iterator[CatalogServer]:
    srv = CatalogServer(port=0)
    srv.load_dataset("mydata", data_dir)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def client(server: CatalogServer) -> CatalogClient:
    return CatalogClient(server.url)


def test_lists_datasets_and_segments(client: CatalogClient) -> None:
    assert "mydata" in client.dataset_names()
    ds = client.get_dataset("mydata")
    assert ds.name == "mydata"
    assert sorted(ds.segment_ids()) == ["seg0", "seg1"]
    assert client.get_dataset(id=ds.id).name == "mydata"


def test_schema_lists_index_and_component_columns(client: CatalogClient) -> None:
    schema = client.get_dataset("mydata").schema()
    assert [c.name for c in schema.index_columns()] == ["frame"]
    cols = {c.name: c for c in schema.component_columns()}
    assert set(cols) == {"/points:Points3D:positions", "/static:TextDocument:text"}
    assert cols["/static:TextDocument:text"].is_static
    assert cols["/points:Points3D:positions"].archetype == "rerun.archetypes.Points3D"


def test_reader_returns_every_segments_rows(client: CatalogClient) -> None:
    table = client.get_dataset("mydata").reader(index="frame").to_arrow_table()
    assert table.column_names[:2] == ["rerun_segment_id", "frame"]
    assert table.column("rerun_segment_id").to_pylist() == ["seg0"] * 3 + ["seg1"] * 3
    assert table.column("frame").to_pylist() == FRAMES * 2
    positions = table.column("/points:Points3D:positions").to_pylist()
    assert positions == [[[float(t), float(s), 0.0]] for s in (0, 1) for t in FRAMES]
    assert table.column("/static:TextDocument:text").to_pylist() == [["hello"]] * 6


def test_static_reader_has_one_row_per_segment(client: CatalogClient) -> None:
    table = client.get_dataset("mydata").reader(index=None).to_arrow_table()
    assert table.column_names == ["rerun_segment_id", "frame", "/static:TextDocument:text"]
    assert table.column("rerun_segment_id").to_pylist() == ["seg0", "seg1"]
    assert table.column("frame").null_count == 2
    assert table.column("/static:TextDocument:text").to_pylist() == [["hello"]] * 2


def test_segment_table_has_storage_urls(client: CatalogClient, data_dir: Path) -> None:
    table = client.get_dataset("mydata").segment_table().to_arrow_table()
    urls = sorted(u[0] for u in table.column("rerun_storage_urls").to_pylist())
    assert urls == [(data_dir / f"seg{i}.rrd").absolute().as_uri() for i in range(2)]
    assert table.column("rerun_num_chunks").to_pylist() == [2, 2]


def test_create_and_register(client: CatalogClient, tmp_path: Path) -> None:
    rrd = write_segment(tmp_path / "new.rrd", "newseg", 5.0)
    ds = client.create_dataset("created")
    with pytest.raises(AlreadyExistsError):
        client.create_dataset("created")
    assert client.create_dataset("created", exist_ok=True).id == ds.id
    result = ds.register([rrd.as_uri()]).wait()
    assert result.segment_ids == ["newseg"]
    assert ds.segment_ids() == ["newseg"]
    other = write_segment(tmp_path / "other.rrd", "otherseg", 6.0)
    # 0.41: the same (segment, layer) again under on_duplicate=error (the client's default) is
    # kept as it was and its row fails; the other rows of the request go through
    with pytest.raises(ValueError, match='Segment "newseg", layer "base": already exists'):
        ds.register([other.as_uri(), rrd.as_uri()]).wait()
    assert ds.segment_ids() == ["newseg", "otherseg"]
    assert ds.register([rrd.as_uri()], on_duplicate=OnDuplicateSegmentLayer.SKIP).wait().segment_ids == [
        "newseg"
    ]
    rows = ds.reader(index="frame").to_arrow_table()
    assert rows.column("/points:Points3D:positions").to_pylist()[0] == [[0.0, 5.0, 0.0]]


def test_register_rejects_bad_sources(
    client: CatalogClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the s3:// case must stay on this machine: no endpoint or instance metadata outside it
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_METADATA_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    ds = client.create_dataset("bad_sources")
    with pytest.raises(NotFoundError, match="could not load URI"):  # the real server's answer
        ds.register(["s3://bucket/x.rrd"])
    with pytest.raises(NotFoundError):
        ds.register([(tmp_path / "missing.rrd").as_uri()])
    rrd = write_segment(tmp_path / "corrupt.rrd", "corrupt", 0.0)
    data = bytearray(rrd.read_bytes())
    data[-(TRAILER_ENTRY_SIZE + TRAILER_TAIL_SIZE) - 3] ^= 0xFF  # inside the footer body
    rrd.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="checksum"):
        ds.register([rrd.as_uri()])
    assert ds.segment_ids() == []


def test_missing_dataset_is_not_found(client: CatalogClient) -> None:
    with pytest.raises(LookupError, match="No dataset found with name 'nope'"):  # as 0.41 by name
        client.get_dataset("nope")


def test_entry_scoped_call_needs_entry_header(server: CatalogServer) -> None:
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        stub = pb_grpc.RerunCloudServiceStub(channel)
        with pytest.raises(grpc.RpcError) as err:
            stub.GetDatasetSchema(pb.GetDatasetSchemaRequest(), timeout=10)
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "x-rerun-entry-id" in (err.value.details() or "")
        resp = stub.GetDatasetSchema(
            pb.GetDatasetSchemaRequest(), metadata=[("x-rerun-entry-name-bin", b"mydata")], timeout=10
        )
        assert resp.schema.arrow_schema


def test_other_rpcs_are_unimplemented_with_a_message(server: CatalogServer) -> None:
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        stub = pb_grpc.RerunCloudServiceStub(channel)
        with pytest.raises(grpc.RpcError) as err:
            stub.CompleteMultipartUpload(pb.CompleteMultipartUploadRequest(), timeout=10)
        assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED
        assert err.value.details() == "multipart uploads are not implemented"  # as 0.41's OSS server


def test_import_rerun_stays_free_of_grpc_and_datafusion() -> None:
    code = "import sys, rerun; print(sorted(m for m in sys.modules if m.split('.')[0] in ('grpc', 'datafusion')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"


def test_server_class_serves_and_shuts_down(data_dir: Path) -> None:
    import rerun as rr

    with rr.server.Server(host="127.0.0.1", datasets={"d": data_dir}) as srv:
        assert srv.is_running()
        assert srv.client().get_dataset("d").reader(index="frame").count() == 6
    assert not srv.is_running()
    with pytest.raises(RuntimeError):
        srv.client()


def test_cli_serves_a_directory(data_dir: Path) -> None:
    port = free_port()
    cmd = [sys.executable, "-m", "rerun", "server", "-d", f"named={data_dir}", "--port", str(port)]
    with server_process(cmd, port) as proc:
        client = CatalogClient(f"rerun+http://127.0.0.1:{port}")
        assert client.dataset_names() == ["named"]
        proc.terminate()
        assert proc.wait(10) == 0


def test_cli_reports_a_bad_directory(tmp_path: Path) -> None:
    cmd = [
        sys.executable,
        "-m",
        "rerun",
        "server",
        "-d",
        str(tmp_path / "missing"),
        "--port",
        str(free_port()),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "not a directory" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_query_dataset_and_fetch_chunks_over_raw_grpc(server: CatalogServer) -> None:
    """The pre-FindChunks read path (QueryDataset), and FetchChunks without an entry header."""
    from rerun_core.store.rrd import arrow_msg_from_proto, dataframe_part_to_table

    md = [("x-rerun-entry-name-bin", b"mydata")]
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        stub = pb_grpc.RerunCloudServiceStub(channel)
        req = pb.QueryDatasetRequest(entity_paths=[common_pb2.EntityPath(path="/points")])
        parts = [r.data for r in stub.QueryDataset(req, metadata=md, timeout=10)]
        infos = [dataframe_part_to_table(p) for p in parts]
        assert sorted(s for t in infos for s in t.column("chunk_segment_id").to_pylist()) == ["seg0", "seg1"]
        assert all(not v for t in infos for v in t.column("chunk_is_static").to_pylist())
        bad = pb.QueryDatasetRequest(select_all_entity_paths=True, exclude_static_data=True)
        with pytest.raises(grpc.RpcError, match="has no equivalent in `FindChunks`"):  # as 0.41
            list(stub.QueryDataset(bad, metadata=md, timeout=10))
        fetched = stub.FetchChunks(pb.FetchChunksRequest(chunk_infos=parts), timeout=10)
        chunks = [arrow_msg_from_proto(m).chunk for r in fetched for m in r.chunks]
        assert sorted(str(c.entity_path) for c in chunks) == ["/points", "/points"]
        assert {c.id.to_bytes() for c in chunks} == {
            i for t in infos for i in t.column("chunk_id").to_pylist()
        }


def test_filter_segments_and_contents(client: CatalogClient) -> None:
    ds = client.get_dataset("mydata")
    one = ds.filter_segments("seg1")
    assert one.segment_ids() == ["seg1"]
    table = one.reader(index="frame").to_arrow_table()
    assert table.column("rerun_segment_id").to_pylist() == ["seg1"] * 3
    points_only = ds.filter_contents("/points/**").reader(index="frame").to_arrow_table()
    assert "/static:TextDocument:text" not in points_only.column_names
    assert "/points:Points3D:positions" in points_only.column_names
    both = (
        ds.filter_segments(["seg0"]).filter_contents(["/**", "-/points"]).reader(index=None).to_arrow_table()
    )
    assert both.column("rerun_segment_id").to_pylist() == ["seg0"]
    assert "/static:TextDocument:text" in both.column_names
    assert ds.filter_segments([]).reader(index="frame").count() == 0


def test_rename_and_delete(client: CatalogClient) -> None:
    ds = client.create_dataset("to_rename")
    with pytest.raises(AlreadyExistsError):
        ds.set_name("mydata")
    ds.set_name("renamed")
    assert ds.name == "renamed"
    assert "renamed" in client.datasets()
    assert client.get_dataset("renamed").id == ds.id
    ds.delete()
    with pytest.raises(LookupError):  # 0.41: by name a plain LookupError, by id NotFoundError
        client.get_dataset("renamed")
    with pytest.raises(NotFoundError):
        ds.delete()


def test_unregister_segments(client: CatalogClient, data_dir: Path) -> None:
    ds = client.create_dataset("to_unregister")
    ds.register([(data_dir / f"seg{i}.rrd").as_uri() for i in range(2)]).wait()
    with pytest.raises(ValueError, match="at least 1 segment"):
        ds.unregister(segments_to_drop=[], layers_to_drop=[])
    ds.unregister(segments_to_drop="seg0", layers_to_drop=[]).wait()
    assert ds.segment_ids() == ["seg1"]
    assert ds.reader(index="frame").count() == 3
    ds.unregister(segments_to_drop=[], layers_to_drop="base").wait()
    assert ds.segment_ids() == []


def test_cli_reports_a_port_in_use(server: CatalogServer) -> None:
    cmd = [sys.executable, "-m", "rerun", "server", "--port", str(server.port)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert f"cannot listen on 127.0.0.1:{server.port}" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_server_class_takes_file_lists_and_checks_paths(data_dir: Path) -> None:
    import rerun as rr

    with pytest.raises(ValueError, match="must be a directory"):
        rr.server.Server(host="127.0.0.1", datasets={"d": data_dir / "seg0.rrd"})
    with pytest.raises(ValueError, match="must be a RRD file"):
        rr.server.Server(host="127.0.0.1", datasets={"d": [data_dir]})
    with rr.server.Server(host="127.0.0.1", datasets={"one": [data_dir / "seg1.rrd"]}) as srv:
        assert srv.client().get_dataset("one").segment_ids() == ["seg1"]


def test_index_values_and_ranges(client: CatalogClient) -> None:
    ds = client.get_dataset("mydata")
    ranges = ds.get_index_ranges().to_arrow_table()
    assert ranges.column_names == ["rerun_segment_id", "frame:start", "frame:end"]
    assert ranges.column("frame:end").to_pylist() == [2, 2]
    # plain values go to the segments whose range covers them (5 is outside both)
    plain = ds.reader(index="frame", fill_latest_at=True, using_index_values=[1, 5]).to_arrow_table()
    assert plain.column("rerun_segment_id").to_pylist() == ["seg0", "seg1"]
    assert plain.column("frame").to_pylist() == [1, 1]
    per_seg = ds.reader(index="frame", using_index_values={"seg1": [0, 2]}).to_arrow_table()
    assert per_seg.column("rerun_segment_id").to_pylist() == ["seg1", "seg1"]
    frame = client.ctx.from_pydict({"rerun_segment_id": ["seg0", "seg0"], "frame": [2, 0]})
    from_df = ds.reader(index="frame", using_index_values=frame).to_arrow_table()
    assert from_df.column("frame").to_pylist() == [0, 2]
    assert ds.filter_segments("seg1").get_index_ranges().count() == 1
