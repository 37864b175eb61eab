"""Datasets on object storage: segments registered from a local S3 (moto), read by byte range."""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from rerun.catalog import CatalogClient, NotFoundError
from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import common_pb2
from rerun_core.server.catalog import CatalogServer
from rerun_core.server.catalog import object_store as obs
from rerun_core.server.catalog.model import CatalogError
from rerun_core.server.catalog.persist import open_catalog
from rerun_core.server.catalog.registration import (
    Source,
    TaskIds,
    expand,
    index_path,
    path_from_url,
    register,
    url_of,
)
from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.store.messages import ArrowMsg, SetStoreInfo, StoreId, StoreInfo, StoreKind
from rerun_core.store.rrd import RrdWriter, dataframe_part_from_arrow, dataframe_part_to_table, read_footer
from rerun_core.store.rrd.frames import FRAME_HEADER_SIZE, HEADER_SIZE
from rerun_core.types import TimeType
from tests.conftest import Oracle

from .catalog_data import FRAMES, IDS, POS, free_port, write_segment
from .s3_fixture import LocalS3, local_s3

BUCKET = "rrd"
ENTITIES = [f"/e{i}" for i in range(5)]
BLOCK = 10  # frames per chunk
BLOCKS = 8
POINTS = 1000  # per row: ~12 kB a row, ~120 kB a chunk (random floats: lz4 keeps them whole)


def write_big_segment(path: Path, recording_id: str) -> Path:
    """Chunks of 5 entities interleaved in time blocks: any over-read shows in the byte count."""
    rng = np.random.default_rng(7)
    sid = StoreId(StoreKind.RECORDING, recording_id, "object_store_test")
    pos_type = pa.list_(pa.list_(pa.field("item", pa.float32(), False), 3))
    with RrdWriter(path) as w:
        w.write(SetStoreInfo(IDS.new(), StoreInfo(sid)))
        for block in range(BLOCKS):
            frames = list(range(block * BLOCK, (block + 1) * BLOCK))
            for entity in ENTITIES:
                values = rng.random((BLOCK, POINTS, 3), dtype=np.float32).tolist()
                chunk = Chunk.from_columns(
                    entity,
                    timelines=[TimeColumn.from_values("frame", TimeType.SEQUENCE, frames)],
                    components={POS: pa.array(values, pos_type)},
                    chunk_id=IDS.new(),
                    row_ids=IDS.new_block(BLOCK),
                )
                w.write(ArrowMsg(sid, chunk))
    return path


def cut_footer(src: Path, dst: Path) -> Path:
    """``src`` without its End frame (and what follows): a file written without a footer."""
    data = src.read_bytes()
    pos = HEADER_SIZE
    while pos + FRAME_HEADER_SIZE <= len(data):
        kind, length = np.frombuffer(data[pos : pos + 16], dtype="<u8").tolist()
        if kind == 0:
            break
        pos += FRAME_HEADER_SIZE + length
    dst.write_bytes(data[:pos])
    return dst


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("objects")
    big = write_big_segment(root / "big.rrd", "big")
    nofooter = cut_footer(write_segment(root / "full.rrd", "nofooter", 5.0), root / "nofooter.rrd")
    (root / "readme.txt").write_text("not a recording")
    return {
        "segs/seg0.rrd": write_segment(root / "seg0.rrd", "seg0", 0.0),
        "segs/nested/seg1.rrd": write_segment(root / "seg1.rrd", "seg1", 1.0),
        "segs/readme.txt": root / "readme.txt",
        "one/seg2.rrd": write_segment(root / "seg2.rrd", "seg2", 2.0),
        "big/big.rrd": big,
        "nofooter/nf.rrd": nofooter,
    }


@pytest.fixture(scope="module")
def s3(files: dict[str, Path]) -> Iterator[LocalS3]:
    with local_s3({BUCKET: files}) as s3, pytest.MonkeyPatch.context() as mp:
        for k, v in s3.env().items():
            mp.setenv(k, v)
        # moto answers 500 to pre-signed URLs while it checks credentials: here every read goes
        # through the server (direct reads are in test_object_store_direct.py)
        mp.setattr(obs, "direct_url", lambda location, signed: None)
        obs.clear_caches()
        yield s3
    obs.clear_caches()


@pytest.fixture(scope="module")
def server(s3: LocalS3) -> Iterator[CatalogServer]:
    srv = CatalogServer(port=0).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def client(server: CatalogServer) -> CatalogClient:
    return CatalogClient(server.url)


def url(key: str) -> str:
    return f"s3://{BUCKET}/{key}"


def _rows(table: pa.Table) -> list[tuple[str, int, list[list[float]]]]:
    t = table.sort_by([("rerun_segment_id", "ascending"), ("frame", "ascending")])
    return list(
        zip(
            t.column("rerun_segment_id").to_pylist(),
            t.column("frame").to_pylist(),
            t.column("/points:Points3D:positions").to_pylist(),
        )
    )


def _expected(*segments: tuple[str, float]) -> list[tuple[str, int, list[list[float]]]]:
    return [(sid, t, [[float(t), y, 0.0]]) for sid, y in segments for t in FRAMES]


def test_register_one_object_and_read_it_back(client: CatalogClient) -> None:
    ds = client.create_dataset("one")
    assert ds.register([url("one/seg2.rrd")]).wait().segment_ids == ["seg2"]
    assert ds.segment_ids() == ["seg2"]
    urls = ds.segment_table().to_arrow_table().column("rerun_storage_urls").to_pylist()
    assert urls == [[url("one/seg2.rrd")]]
    assert _rows(ds.reader(index="frame").to_arrow_table()) == _expected(("seg2", 2.0))


def test_register_prefix_lists_segments_recursively(client: CatalogClient) -> None:
    ds = client.create_dataset("prefix")
    assert sorted(ds.register_prefix(url("segs")).wait().segment_ids) == ["seg0", "seg1"]
    assert sorted(ds.segment_ids()) == ["seg0", "seg1"]
    table = ds.reader(index="frame").to_arrow_table()
    assert _rows(table) == _expected(("seg0", 0.0), ("seg1", 1.0))
    assert table.column("/static:TextDocument:text").to_pylist() == [["hello"]] * 6


def test_unregister_a_segment_from_a_bucket(client: CatalogClient) -> None:
    ds = client.create_dataset("unreg")
    ds.register_prefix(url("segs")).wait()
    ds.unregister(segments_to_drop="seg0", layers_to_drop=[]).wait()
    assert ds.segment_ids() == ["seg1"]
    assert _rows(ds.reader(index="frame").to_arrow_table()) == _expected(("seg1", 1.0))


def test_a_file_without_footer_is_indexed_from_one_whole_read(client: CatalogClient, files: dict) -> None:
    assert read_footer(files["nofooter/nf.rrd"]) is None
    before = obs.STATS.snapshot()
    ds = client.create_dataset("nofooter")
    assert ds.register([url("nofooter/nf.rrd")]).wait().segment_ids == ["nofooter"]
    requests, nbytes = (a - b for a, b in zip(obs.STATS.snapshot(), before))
    size = files["nofooter/nf.rrd"].stat().st_size
    assert size <= nbytes <= size + 64  # the whole object once (+ the trailer probe and header)
    assert requests == 3
    assert _rows(ds.reader(index="frame").to_arrow_table()) == _expected(("nofooter", 5.0))


def _chunk_bytes(ds: object, entity: str, t0: int, t1: int) -> int:
    """Bytes of the chunks of ``entity`` that overlap frames [t0, t1], from the footer."""
    layers = [lay for _, lay in ds.layers()]  # type: ignore[attr-defined]
    return sum(
        c.size
        for lay in layers
        for c in lay.index.chunks
        if c.entity_path == entity and c.time_ranges["frame"][0] <= t1 and c.time_ranges["frame"][1] >= t0
    )


@pytest.fixture(scope="module")
def big(server: CatalogServer, client: CatalogClient) -> int:
    """The "big" dataset registered; answers the bytes of /e2's chunks over frames 30..49."""
    client.create_dataset("big").register([url("big/big.rrd")]).wait()
    wanted = _chunk_bytes(server.catalog.by_name("big"), "/e2", 30, 49)
    assert wanted > 200_000  # two chunks of ~120 kB, with three others' chunks between them
    return wanted


def _delta(before: tuple[int, int]) -> tuple[int, int]:
    now = obs.STATS.snapshot()
    return now[0] - before[0], now[1] - before[1]


def test_query_of_one_entity_and_time_range_fetches_only_its_chunks(client: CatalogClient, big: int) -> None:
    """FindChunks for /e2 over frames 30..49, then FetchChunks: only those chunks' bytes move."""
    ds = client.get_dataset("big")
    pick = pb.EntitySelection(entity_path=common_pb2.EntityPath(path="/e2"), all={})
    sel = pb.RangeSelection(timeline="frame", segments=pb.SegmentSelection(all={}))
    sel.start_inclusive, sel.end_inclusive = 30, 49
    req = pb.FindChunksRequest(
        contents=pb.ContentSelection(explicit=pb.EntitySelections(entities=[pick])), range=sel
    )
    infos = [dataframe_part_to_table(r.data) for r in ds._conn.stream("FindChunks", req, entry=ds.id)]
    before = obs.STATS.snapshot()
    fetch = pb.FetchChunksRequest(chunk_infos=[dataframe_part_from_arrow(t) for t in infos if t.num_rows])
    chunks = [c for r in ds._conn.stream("FetchChunks", fetch, entry=ds.id) for c in r.chunks]
    requests, nbytes = _delta(before)
    assert len(chunks) == 2
    assert big <= nbytes <= 1.5 * big
    assert requests == 2  # one ranged GET per chunk: the chunks between them are not read


@pytest.mark.interop
def test_real_client_filtered_read_fetches_only_its_chunks(
    server: CatalogServer, big: int, oracle: Oracle
) -> None:
    script = """
        import json, sys
        from datafusion import col, lit
        from rerun.catalog import CatalogClient
        ds = CatalogClient(sys.argv[1]).get_dataset("big")
        frame = ds.filter_contents("/e2").reader(index="frame")
        t = frame.filter((col("frame") >= lit(30)) & (col("frame") <= lit(49))).to_arrow_table()
        print(json.dumps(sorted(t.column("frame").to_pylist())))
    """
    before = obs.STATS.snapshot()
    got = json.loads(oracle.run_script(script, server.url).stdout.strip().splitlines()[-1])
    _, nbytes = _delta(before)
    assert got == list(range(30, 50))
    assert big <= nbytes <= 1.5 * big


@pytest.mark.interop
def test_the_real_client_reads_from_a_bucket_through_our_server(
    server: CatalogServer, client: CatalogClient, oracle: Oracle
) -> None:
    client.create_dataset("real").register_prefix(url("segs")).wait()
    script = """
        import json, sys
        from rerun.catalog import CatalogClient
        ds = CatalogClient(sys.argv[1]).get_dataset("real")
        t = ds.reader(index="frame").to_arrow_table()
        t = t.sort_by([("rerun_segment_id", "ascending"), ("frame", "ascending")])
        print(json.dumps({"segments": sorted(ds.segment_ids()), "rows": [
            t.column("rerun_segment_id").to_pylist(), t.column("frame").to_pylist(),
            t.column("/points:Points3D:positions").to_pylist()]}))
    """
    got = json.loads(oracle.run_script(script, server.url).stdout.strip().splitlines()[-1])
    assert got["segments"] == ["seg0", "seg1"]
    assert list(zip(*got["rows"])) == [tuple(r) for r in _expected(("seg0", 0.0), ("seg1", 1.0))]


@pytest.mark.interop
def test_the_real_client_registers_objects_on_our_server(server: CatalogServer, oracle: Oracle) -> None:
    script = """
        import json, sys
        from rerun.catalog import CatalogClient
        ds = CatalogClient(sys.argv[1]).create_dataset("real_register")
        ids = ds.register([sys.argv[2]]).wait().segment_ids
        print(json.dumps({"ids": list(ids), "segments": ds.segment_ids()}))
    """
    got = json.loads(
        oracle.run_script(script, server.url, url("one/seg2.rrd")).stdout.strip().splitlines()[-1]
    )
    assert got == {"ids": ["seg2"], "segments": ["seg2"]}


def _one_line_error(client: CatalogClient, name: str, uri: str, exc: type[Exception]) -> str:
    ds = client.create_dataset(name)
    with pytest.raises(exc) as err:
        ds.register([uri]).wait()
    assert ds.segment_ids() == []
    return str(err.value).split("\n")[0]  # the server's one line; the server and endpoint follow, as 0.41's


def test_a_missing_object_is_not_found_naming_the_uri(client: CatalogClient) -> None:
    msg = _one_line_error(client, "missing_object", url("nope/x.rrd"), NotFoundError)
    assert "object does not exist" in msg and url("nope/x.rrd") in msg and "\n" not in msg


def test_a_missing_bucket_is_not_found_naming_the_uri(client: CatalogClient) -> None:
    msg = _one_line_error(client, "missing_bucket", "s3://no-such-bucket/x.rrd", NotFoundError)
    assert "bucket does not exist" in msg and "s3://no-such-bucket/x.rrd" in msg and "\n" not in msg


def test_a_bucket_url_is_not_an_object(client: CatalogClient) -> None:
    msg = _one_line_error(client, "bucket_only", f"s3://{BUCKET}", ValueError)
    assert msg == f"object URL names no object: s3://{BUCKET} (InvalidArgument)"


def test_a_missing_prefix_registers_nothing(client: CatalogClient) -> None:
    ds = client.create_dataset("missing_prefix")
    with pytest.raises(ValueError, match=f"no rrd files found in {url('nothing/')}"):
        ds.register_prefix(url("nothing/")).wait()


def test_wrong_credentials_are_permission_denied_naming_the_uri(
    client: CatalogClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wrong")
    obs.clear_caches()
    try:
        msg = _one_line_error(client, "wrong_key", url("one/seg2.rrd"), RuntimeError)
    finally:
        monkeypatch.undo()
        obs.clear_caches()
    assert msg.endswith(" (PermissionDenied)")
    assert "access denied" in msg and url("one/seg2.rrd") in msg


def test_object_store_config_overrides_the_environment(s3: LocalS3, monkeypatch: pytest.MonkeyPatch) -> None:
    ds = open_catalog(None).create("config")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens there
    obs.clear_caches()
    good = json.dumps({"endpoint": s3.endpoint})
    assert [url_of(p) for p in expand(Source(url("segs"), prefix=True, object_store_config=good))] == [
        url("segs/nested/seg1.rrd"),
        url("segs/seg0.rrd"),
    ]
    bad = json.dumps({"endpoint": s3.endpoint, "secret_access_key": "wrong"})
    with pytest.raises(CatalogError) as err:
        for target in expand(Source(url("one/seg2.rrd"), object_store_config=bad)):
            index_path(target, ds)
    assert err.value.code == "PERMISSION_DENIED"
    with pytest.raises(CatalogError) as err:
        expand(Source(url("one/seg2.rrd"), object_store_config="{not json"))
    assert err.value.code == "INVALID_ARGUMENT" and "object_store_config" in str(err.value)
    monkeypatch.undo()
    obs.clear_caches()


def test_a_footer_is_read_once_per_object_version(s3: LocalS3) -> None:
    ds = open_catalog(None).create("cache")
    first = obs.STATS.snapshot()
    index_path(path_from_url(url("one/seg2.rrd")), ds)
    second = obs.STATS.snapshot()
    index_path(path_from_url(url("one/seg2.rrd")), ds)
    third = obs.STATS.snapshot()
    assert second[0] - first[0] == 3  # trailer (and size), header, footer body
    assert third[0] - second[0] == 1  # the trailer probe only: same ETag, same size


def test_a_persisted_layer_is_reindexed_from_its_url(s3: LocalS3, tmp_path: Path) -> None:
    catalog = open_catalog(tmp_path / "data")
    ds = catalog.create("persisted")
    register(catalog, ds, [Source(url("one/seg2.rrd"))], "error", TaskIds())
    obs.clear_caches()
    restored = open_catalog(tmp_path / "data").by_name("persisted")
    layer = restored.segments["seg2"].layers["base"]
    assert layer.storage_url == url("one/seg2.rrd")
    assert len(list(layer.index.read_chunks(layer.index.chunks))) == layer.index.num_chunks == 2


def test_coalesce_merges_only_close_ranges() -> None:
    assert obs.coalesce([(100, 10), (0, 10), (15, 5)], gap=5) == [(0, 20), (100, 110)]
    assert obs.coalesce([(0, 10), (20, 10)], gap=0) == [(0, 10), (20, 30)]


def test_local_files_work_without_obstore(tmp_path: Path) -> None:
    """The server must not need obstore for local files; a bucket then says what is missing."""
    path = write_segment(tmp_path / "a.rrd", "local", 0.0)
    code = f"""
import sys
sys.modules["obstore"] = None
from rerun_core.server.catalog.model import Catalog, CatalogError
from rerun_core.server.catalog.registration import Source, TaskIds, register
cat = Catalog()
ds = cat.create("d")
register(cat, ds, [Source({path.as_uri()!r})], "error", TaskIds())
assert sorted(ds.segments) == ["local"], ds.segments
try:
    register(cat, ds, [Source("s3://bucket/x.rrd")], "error", TaskIds())
except CatalogError as exc:
    print(exc.code, exc)
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60, cwd=root
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("UNIMPLEMENTED cannot read s3://bucket: object storage needs obstore")


class _RangeHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with single byte ranges (``bytes=a-b``, ``bytes=-n``), as object_store asks."""

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        spec = self.headers.get("Range")
        path = Path(self.translate_path(self.path))
        if not spec or not path.is_file():
            super().do_GET()
            return
        data = path.read_bytes()
        first, _, last = spec.removeprefix("bytes=").partition("-")
        start = len(data) - int(last) if not first else int(first)
        end = len(data) - 1 if not first or not last else min(int(last), len(data) - 1)
        self.send_response(206)
        self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Last-Modified", self.date_time_string(int(path.stat().st_mtime)))
        self.send_header("ETag", f'"{path.stat().st_mtime_ns}"')
        self.end_headers()
        self.wfile.write(data[start : end + 1])


def test_http_urls_register_by_range_and_http_prefixes_say_why_not(files: dict, tmp_path: Path) -> None:
    root = tmp_path / "www"
    root.mkdir()
    (root / "seg2.rrd").write_bytes(files["one/seg2.rrd"].read_bytes())
    handler = functools.partial(_RangeHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        cat = open_catalog(None)
        ds = cat.create("http")
        register(cat, ds, [Source(f"{base}/seg2.rrd")], "error", TaskIds())
        layer = ds.segments["seg2"].layers["base"]
        assert layer.storage_url == f"{base}/seg2.rrd"
        assert len(list(layer.index.read_chunks(layer.index.chunks))) == 2
        with pytest.raises(CatalogError) as err:
            register(cat, ds, [Source(f"{base}/missing.rrd")], "error", TaskIds())
        assert err.value.code == "NOT_FOUND" and f"{base}/missing.rrd" in str(err.value)
        with pytest.raises(CatalogError) as err:
            register(cat, ds, [Source(base, prefix=True)], "error", TaskIds())
        assert err.value.code == "INVALID_ARGUMENT" and "does not list directories" in str(err.value)
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_viewer_opens_a_segment_that_lives_in_a_bucket(client: CatalogClient) -> None:
    """The Server-to-Viewer path (a segment URL, as `DatasetEntry.segment_url` builds it)
    reaches data in the bucket through our server: what a viewer's store gets equals the file."""
    from rerun_core.server.redap_open import open_url
    from rerun_core.store.hub import StoreHub

    ds = client.create_dataset("for_viewer")
    ds.register([url("one/seg2.rrd")]).wait()
    hub = StoreHub()
    open_url(ds.segment_url("seg2"), hub.insert)
    (rec,) = hub.recordings()
    store = hub.store(rec)
    assert rec.recording_id == "seg2"
    assert sorted(str(p) for p in store.entity_paths()) == ["/points", "/static"]
    table = store.dataframe("frame", "/points")
    assert table.column("/points:Points3D:positions").to_pylist() == [
        [[float(t), 2.0, 0.0]] for t in (0, 1, 2)
    ]
