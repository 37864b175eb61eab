"""Every DataframePart our server sends holds one record batch: 0.41's client reads only the first.

The real client (``re_log_encoding``'s ``decode_arrow``) takes the first record batch of a
DataframePart's IPC stream and ignores the rest. Our GetRrdManifest answer for a segment with two
layers used to be the layers' tables concatenated, i.e. one batch per layer: the real client then
saw only the first layer's chunks (``segment_store()`` fetched 10 of 12 chunks, the second layer's
entities were missing). These tests decode as that client does: the first batch only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pyarrow as pa
import pytest

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import cloud_pb2_grpc as pb_grpc
from rerun_core.proto.gen import common_pb2
from rerun_core.server.catalog import CatalogServer
from rerun_core.server.catalog.rpc_base import part
from rerun_core.store.rrd import read_footer
from tests.conftest import Oracle

from .catalog_data import write_segment


def _batches(p: common_pb2.DataframePart) -> list[pa.RecordBatch]:
    """The IPC stream's record batches, in order (the real client keeps ``[0]``)."""
    data = pa.py_buffer(p.payload)
    if p.compression == common_pb2.COMPRESSION_LZ4:
        data = pa.Codec("lz4_raw").decompress(data, decompressed_size=p.uncompressed_size)
    return list(pa.ipc.open_stream(data))


def test_part_of_a_chunked_table_is_one_batch() -> None:
    t = pa.concat_tables([pa.table({"a": [1, 2]}), pa.table({"a": [3]})])
    assert t.column("a").num_chunks == 2
    batches = _batches(part(t))
    assert len(batches) == 1
    assert batches[0].column(0).to_pylist() == [1, 2, 3]


def test_part_of_an_empty_table_still_has_a_batch() -> None:
    batches = _batches(part(pa.table({"a": pa.array([], pa.int64())})))
    assert [b.num_rows for b in batches] == [0]


Served = tuple[pb_grpc.RerunCloudServiceStub, list[tuple[str, str]], str]


@pytest.fixture
def two_layer_server(tmp_path: Path) -> Iterator[Served]:
    """Our server with dataset ``layers``: segment ``ep`` as layers ``base`` and ``extra``."""
    base = write_segment(tmp_path / "ep.rrd", "ep", 0.0)
    extra = write_segment(tmp_path / "ep_extra.rrd", "ep", 1.0)  # same segment, other chunks
    srv = CatalogServer(port=0).start()
    try:
        with grpc.insecure_channel(srv.url.removeprefix("rerun+http://")) as ch:
            stub = pb_grpc.RerunCloudServiceStub(ch)
            ds = stub.CreateDatasetEntry(pb.CreateDatasetEntryRequest(name="layers"), timeout=10).dataset
            eid = ds.details.id.id
            meta = [("x-rerun-entry-id", f"{eid.time_ns:016x}{eid.inc:016x}")]
            for path, layer in ((base, "base"), (extra, "extra")):
                src = pb.DataSource(storage_url=path.as_uri(), layer=layer, typ=pb.DATA_SOURCE_KIND_RRD)
                req = pb.RegisterWithDatasetRequest(data_sources=[src])
                stub.RegisterWithDataset(req, metadata=meta, timeout=30)
            yield stub, meta, srv.url
    finally:
        srv.stop()


def _chunk_ids(path: Path) -> set[bytes]:
    footer = read_footer(path)
    assert footer is not None
    return {cid for m in footer for cid in m.table.column("chunk_id").to_pylist()}


def test_two_layer_manifest_is_one_batch_with_every_layers_chunks(
    two_layer_server: Served, tmp_path: Path
) -> None:
    stub, meta, _ = two_layer_server
    req = pb.GetRrdManifestRequest(segment_id=common_pb2.SegmentId(id="ep"))
    (resp,) = list(stub.GetRrdManifest(req, metadata=meta, timeout=30))
    batches = _batches(resp.rrd_manifest.data)
    assert len(batches) == 1
    seen = set(batches[0].column("chunk_id").to_pylist())
    want = _chunk_ids(tmp_path / "ep.rrd") | _chunk_ids(tmp_path / "ep_extra.rrd")
    assert len(want) == 4
    assert seen == want


@pytest.mark.interop
def test_real_client_segment_store_fetches_every_layers_chunks(
    two_layer_server: Served, oracle: Oracle
) -> None:
    """0.41's ``segment_store()`` streams the chunks of both layers (it got the first layer's only)."""
    _, _, url = two_layer_server
    code = """
        import sys
        from rerun.catalog import CatalogClient
        store = CatalogClient(sys.argv[1]).get_dataset("layers").segment_store("ep", include_assets=False)
        print(len(list(store.stream())), len(store.summary().splitlines()))
    """
    assert oracle.run_script(code, url, timeout=120).stdout.split() == ["4", "4"]
