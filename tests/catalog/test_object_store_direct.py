"""Chunks read straight from object storage by HTTP range (0.41's direct URLs), against moto.

For a segment in a bucket, FindChunks gives each row a direct URL (pre-signed, or plain in
bearer mode) and a ``ChunkKey`` naming the chunk's byte range; the client reads the ranges
itself and the server's FetchChunks moves no chunk bytes. moto checks no credentials here: it
answers 500 to pre-signed URLs while it does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pytest

from rerun.catalog import CatalogClient, _direct
from rerun.catalog._object_store_auth import BearerTokenObjectStoreAuth
from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.server.catalog import CatalogServer, tables
from rerun_core.server.catalog import object_store as obs
from rerun_core.store.rrd import dataframe_part_from_arrow, dataframe_part_to_table
from tests.conftest import Oracle

from .catalog_data import FRAMES, write_segment
from .s3_fixture import LocalS3, local_s3

BUCKET = "direct"


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalS3]:
    root = tmp_path_factory.mktemp("direct")
    files = {
        "segs/seg0.rrd": write_segment(root / "seg0.rrd", "seg0", 0.0),
        "segs/seg1.rrd": write_segment(root / "seg1.rrd", "seg1", 1.0),
    }
    with local_s3({BUCKET: files}, enforce_auth=False) as s3, pytest.MonkeyPatch.context() as mp:
        for k, v in s3.env().items():
            mp.setenv(k, v)
        obs.clear_caches()
        yield s3
    obs.clear_caches()


@pytest.fixture(scope="module")
def server(s3: LocalS3) -> Iterator[CatalogServer]:
    srv = CatalogServer(port=0).start()
    CatalogClient(srv.url).create_dataset("d").register_prefix(f"s3://{BUCKET}/segs").wait()
    yield srv
    srv.stop()


def _expected() -> list[tuple[str, int, list[list[float]]]]:
    return [(sid, t, [[float(t), y, 0.0]]) for sid, y in (("seg0", 0.0), ("seg1", 1.0)) for t in FRAMES]


def _rows(t: pa.Table) -> list[tuple[str, int, list[list[float]]]]:
    t = t.sort_by([("rerun_segment_id", "ascending"), ("frame", "ascending")])
    cols = ("rerun_segment_id", "frame", "/points:Points3D:positions")
    return list(zip(*(t.column(c).to_pylist() for c in cols), strict=True))


def _find(client: CatalogClient, mode: int) -> pa.Table:
    ds = client.get_dataset("d")
    req = pb.FindChunksRequest(contents=pb.ContentSelection(all={}), static={}, direct_url_mode=mode)
    req.static.segments.all.SetInParent()
    parts = [dataframe_part_to_table(r.data) for r in ds._conn.stream("FindChunks", req, entry=ds.id)]
    return pa.concat_tables([p for p in parts if p.num_rows])


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str | None]]:
    """(URL without query, token) of each direct GET our client makes."""
    calls: list[tuple[str, str | None]] = []
    real = _direct._get

    def get(url: str, start: int, end: int, token: str | None) -> bytes:
        calls.append((url.split("?", 1)[0], token))
        return real(url, start, end, token)

    monkeypatch.setattr(_direct, "_get", get)
    return calls


def test_keys_name_the_byte_range_and_urls_follow_the_mode(server: CatalogServer) -> None:
    client = CatalogClient(server.url)
    signed = _find(client, pb.DIRECT_URL_MODE_SIGNED)
    urls = [u for u in signed.column("rerun_layer_direct_url").to_pylist() if u]
    assert len(urls) == signed.num_rows and all("X-Amz-Signature=" in u for u in urls)
    assert all(e for e in signed.column("rerun_layer_direct_url_expires_at").to_pylist())
    key = pb.ChunkKey.FromString(signed.column("chunk_key")[0].as_py())
    loc = pb.RrdChunkLocation.FromString(key.location)
    assert loc.url.startswith(f"s3://{BUCKET}/segs/") and loc.length > 0
    assert key.data_source_kind == pb.DATA_SOURCE_KIND_RRD
    unsigned = _find(client, pb.DIRECT_URL_MODE_UNSIGNED).column("rerun_layer_direct_url").to_pylist()
    assert all(u and "?" not in u for u in unsigned)
    assert not any(_find(client, pb.DIRECT_URL_MODE_OMIT).column("rerun_layer_direct_url").to_pylist())
    # the same keys still work through the server
    ds = client.get_dataset("d")
    fetch = pb.FetchChunksRequest(chunk_infos=[dataframe_part_from_arrow(signed)])
    assert sum(len(r.chunks) for r in ds._conn.stream("FetchChunks", fetch, entry=ds.id)) == signed.num_rows


def test_a_legacy_key_still_parses() -> None:
    from rerun_core.types.tuid import Tuid

    a, b = Tuid(1, 2), Tuid(3, 4)
    parsed = tables.parse_chunk_key(a.to_bytes() + b.to_bytes())
    assert (parsed.chunk_id, parsed.slot, parsed.url) == (a, b, None)
    with pytest.raises(ValueError):
        tables.parse_chunk_key(b"garbage")


def test_our_client_reads_by_presigned_range(server: CatalogServer, counted: list[Any]) -> None:
    before = obs.STATS.snapshot()
    got = CatalogClient(server.url).get_dataset("d").reader(index="frame").to_arrow_table()
    assert _rows(got) == _expected()
    assert obs.STATS.snapshot() == before  # the server read no chunk bytes
    assert counted and all(tok is None for _, tok in counted)


def test_our_client_sends_its_bearer_token_with_unsigned_urls(
    server: CatalogServer, counted: list[Any]
) -> None:
    tokens: list[int] = []

    def token() -> str:
        tokens.append(1)
        return "tok"

    client = CatalogClient(server.url, object_store_auth=BearerTokenObjectStoreAuth(token))
    before = obs.STATS.snapshot()
    got = client.get_dataset("d").reader(index="frame").to_arrow_table()
    assert _rows(got) == _expected()
    assert obs.STATS.snapshot() == before
    assert counted and all(tok == "tok" and url.startswith("http") for url, tok in counted)
    assert tokens


def test_without_direct_urls_our_client_fetches_through_the_server(
    server: CatalogServer, counted: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(obs, "direct_url", lambda location, signed: None)
    before = obs.STATS.snapshot()
    got = CatalogClient(server.url).get_dataset("d").reader(index="frame").to_arrow_table()
    assert _rows(got) == _expected()
    assert obs.STATS.snapshot()[1] > before[1] and not counted


@pytest.mark.interop
def test_the_real_client_reads_by_direct_url(server: CatalogServer, oracle: Oracle) -> None:
    script = """
        import json, sys
        from rerun.catalog import CatalogClient
        client = CatalogClient(sys.argv[1])  # kept: the reader needs its client alive
        ds = client.get_dataset("d")
        t = ds.reader(index="frame").to_arrow_table()
        t = t.sort_by([("rerun_segment_id", "ascending"), ("frame", "ascending")])
        cols = ("rerun_segment_id", "frame", "/points:Points3D:positions")
        print(json.dumps([t.column(c).to_pylist() for c in cols]))
    """
    before = obs.STATS.snapshot()
    got = json.loads(oracle.run_script(script, server.url).stdout.strip().splitlines()[-1])
    assert [tuple(r) for r in zip(*got, strict=True)] == _expected()
    assert obs.STATS.snapshot() == before  # no chunk bytes through our server


@pytest.mark.interop
def test_the_real_client_sends_its_bearer_token_with_unsigned_urls(
    server: CatalogServer, oracle: Oracle
) -> None:
    script = """
        import json, sys
        from rerun.catalog import CatalogClient
        from rerun.experimental import BearerTokenObjectStoreAuth
        calls = []
        def token():
            calls.append(1)
            return "tok"
        client = CatalogClient(sys.argv[1], object_store_auth=BearerTokenObjectStoreAuth(token))
        ds = client.get_dataset("d")
        t = ds.reader(index="frame").to_arrow_table()
        t = t.sort_by([("rerun_segment_id", "ascending"), ("frame", "ascending")])
        cols = ("rerun_segment_id", "frame", "/points:Points3D:positions")
        print(json.dumps({"calls": len(calls), "rows": [t.column(c).to_pylist() for c in cols]}))
    """
    before = obs.STATS.snapshot()
    got = json.loads(oracle.run_script(script, server.url).stdout.strip().splitlines()[-1])
    assert [tuple(r) for r in zip(*got["rows"], strict=True)] == _expected()
    assert got["calls"] > 0  # unsigned URLs came back: the token was asked for
    assert obs.STATS.snapshot() == before
