"""Datasets on Google Cloud Storage: segments registered from a local GCS through obstore.

The server finds the store the way the `object_store` crate does: `GOOGLE_SERVICE_ACCOUNT` names a
service-account file (its `gcs_base_url` is the local endpoint; requests carry a JWT signed with
its key, checked by the fixture). Register, register a prefix, read back, unregister; a missing
object, a missing bucket and a wrong key are one-line errors naming the URI.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from rerun.catalog import CatalogClient, NotFoundError
from rerun_core.server.catalog import CatalogServer
from rerun_core.server.catalog import object_store as obs
from rerun_core.server.catalog.model import CatalogError
from rerun_core.server.catalog.registration import Source, expand, url_of
from tests.conftest import Oracle

from .catalog_data import FRAMES, write_segment
from .gcs_fixture import LocalGcs, local_gcs, new_key, write_service_account

pytestmark = pytest.mark.timeout(120)

BUCKET = "rrd"


@pytest.fixture(scope="module")
def gcs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalGcs]:
    root = tmp_path_factory.mktemp("gcs")
    (root / "readme.txt").write_text("not a recording")
    files = {
        "segs/seg0.rrd": write_segment(root / "seg0.rrd", "seg0", 0.0),
        "segs/nested/seg1.rrd": write_segment(root / "seg1.rrd", "seg1", 1.0),
        "segs/readme.txt": root / "readme.txt",
        "one/seg2.rrd": write_segment(root / "seg2.rrd", "seg2", 2.0),
    }
    with local_gcs({BUCKET: files}, root) as gcs, pytest.MonkeyPatch.context() as mp:
        for k, v in gcs.env().items():
            mp.setenv(k, v)
        # the local GCS checks JWT bearer requests only, not signed URLs: reads go through the
        # server here (direct reads by signed URL: test_object_store_direct.py, on S3)
        mp.setattr(obs, "direct_url", lambda location, signed: None)
        obs.clear_caches()
        yield gcs
    obs.clear_caches()


@pytest.fixture(scope="module")
def client(gcs: LocalGcs) -> Iterator[CatalogClient]:
    srv = CatalogServer(port=0).start()
    yield CatalogClient(srv.url)
    srv.stop()


def url(key: str) -> str:
    return f"gs://{BUCKET}/{key}"


def _rows(table: pa.Table) -> list[tuple[str, int, list[list[float]]]]:
    t = table.sort_by([("rerun_segment_id", "ascending"), ("frame", "ascending")])
    cols = ("rerun_segment_id", "frame", "/points:Points3D:positions")
    return list(zip(*(t.column(c).to_pylist() for c in cols)))


def _expected(*segments: tuple[str, float]) -> list[tuple[str, int, list[list[float]]]]:
    return [(sid, t, [[float(t), y, 0.0]]) for sid, y in segments for t in FRAMES]


def test_register_one_object_and_read_it_back(client: CatalogClient) -> None:
    ds = client.create_dataset("gs_one")
    assert ds.register([url("one/seg2.rrd")]).wait().segment_ids == ["seg2"]
    urls = ds.segment_table().to_arrow_table().column("rerun_storage_urls").to_pylist()
    assert urls == [[url("one/seg2.rrd")]]
    assert _rows(ds.reader(index="frame").to_arrow_table()) == _expected(("seg2", 2.0))


def test_register_prefix_query_and_unregister(client: CatalogClient) -> None:
    ds = client.create_dataset("gs_prefix")
    assert sorted(ds.register_prefix(url("segs")).wait().segment_ids) == ["seg0", "seg1"]
    table = ds.reader(index="frame").to_arrow_table()
    assert _rows(table) == _expected(("seg0", 0.0), ("seg1", 1.0))
    ds.unregister(segments_to_drop="seg0", layers_to_drop=[]).wait()
    assert ds.segment_ids() == ["seg1"]
    assert _rows(ds.reader(index="frame").to_arrow_table()) == _expected(("seg1", 1.0))


def _one_line_error(client: CatalogClient, name: str, uri: str, exc: type[Exception]) -> str:
    ds = client.create_dataset(name)
    with pytest.raises(exc) as err:
        ds.register([uri]).wait()
    assert ds.segment_ids() == []
    msg = str(err.value)
    assert uri in msg and "\n" not in msg
    return msg


def test_a_missing_object_is_not_found_naming_the_uri(client: CatalogClient) -> None:
    msg = _one_line_error(client, "gs_missing", url("nope/x.rrd"), NotFoundError)
    assert "object does not exist" in msg


def test_a_missing_bucket_is_not_found_naming_the_uri(client: CatalogClient) -> None:
    msg = _one_line_error(client, "gs_no_bucket", "gs://no-such-bucket/x.rrd", NotFoundError)
    assert "bucket does not exist" in msg


def test_a_wrong_key_is_permission_denied_naming_the_uri(
    client: CatalogClient, gcs: LocalGcs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    other = write_service_account(tmp_path / "other.json", gcs.endpoint, new_key()[0])
    monkeypatch.setenv("GOOGLE_SERVICE_ACCOUNT", str(other))
    obs.clear_caches()
    try:
        msg = _one_line_error(client, "gs_wrong_key", url("one/seg2.rrd"), RuntimeError)
    finally:
        monkeypatch.undo()
        obs.clear_caches()
    assert msg.startswith("PERMISSION_DENIED: ") and "access denied" in msg


def test_object_store_config_overrides_the_environment(
    gcs: LocalGcs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    other = write_service_account(tmp_path / "other.json", gcs.endpoint, new_key()[0])
    monkeypatch.setenv("GOOGLE_SERVICE_ACCOUNT", str(other))  # the environment's key is wrong
    obs.clear_caches()
    try:
        with pytest.raises(CatalogError, match="access denied"):
            expand(Source(url("segs"), prefix=True))
        good = json.dumps({"google_service_account": str(gcs.service_account)})
        found = expand(Source(url("segs"), prefix=True, object_store_config=good))
        assert [url_of(p) for p in found] == [url("segs/nested/seg1.rrd"), url("segs/seg0.rrd")]
    finally:
        monkeypatch.undo()
        obs.clear_caches()


@pytest.mark.interop
def test_the_real_client_registers_with_its_object_store_config(
    client: CatalogClient, gcs: LocalGcs, monkeypatch: pytest.MonkeyPatch, oracle: Oracle, tmp_path: Path
) -> None:
    """0.41's register_prefix(..., object_store_config=) on our server: the config's account wins."""
    other = write_service_account(tmp_path / "other.json", gcs.endpoint, new_key()[0])
    monkeypatch.setenv("GOOGLE_SERVICE_ACCOUNT", str(other))
    obs.clear_caches()
    script = """
        import json, sys
        from rerun.catalog import CatalogClient
        ds = CatalogClient(sys.argv[1]).create_dataset("gs_real")
        ds.register_prefix(sys.argv[2], object_store_config=sys.argv[3]).wait()
        t = ds.reader(index="frame").to_arrow_table()
        print(json.dumps({"segments": sorted(ds.segment_ids()), "rows": t.num_rows}))
    """
    config = json.dumps({"google_service_account": str(gcs.service_account)})
    try:
        out = oracle.run_script(script, client._conn.url, url("segs"), config)
    finally:
        monkeypatch.undo()
        obs.clear_caches()
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"segments": ["seg0", "seg1"], "rows": 6}
