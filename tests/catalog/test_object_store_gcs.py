"""Datasets on Google Cloud Storage: segments registered from a local GCS through obstore.

The server finds the store the way the `object_store` crate does: `GOOGLE_SERVICE_ACCOUNT` names a
service-account file (its `gcs_base_url` is the local endpoint; requests carry a JWT signed with
its key, checked by the fixture). Register, register a prefix, read back, unregister; a missing
object, a missing bucket and a wrong key are one-line errors naming the URI.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rerun.catalog import CatalogClient, NotFoundError
from rerun_core.server.catalog import object_store as obs
from tests.conftest import Oracle

from . import object_store_cases as cases
from .gcs_fixture import LocalGcs, local_gcs, new_key, write_service_account

pytestmark = pytest.mark.timeout(120)

BUCKET = "rrd"


@pytest.fixture(scope="module")
def gcs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalGcs]:
    root = tmp_path_factory.mktemp("gcs")
    files = cases.segment_files(root)
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
    yield from cases.serve_catalog()


def url(key: str) -> str:
    return f"gs://{BUCKET}/{key}"


def _spoil_account(gcs: LocalGcs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Point the environment at another service account, one the local GCS does not know."""
    other = write_service_account(tmp_path / "other.json", gcs.endpoint, new_key()[0])
    monkeypatch.setenv("GOOGLE_SERVICE_ACCOUNT", str(other))


def test_register_one_object_and_read_it_back(client: CatalogClient) -> None:
    cases.check_register_one_and_read_back(client, "gs_one", url)


def test_register_prefix_query_and_unregister(client: CatalogClient) -> None:
    cases.check_register_prefix_query_and_unregister(client, "gs_prefix", url)


def test_a_missing_object_is_not_found_naming_the_uri(client: CatalogClient) -> None:
    msg = cases.one_line_error(client, "gs_missing", url("nope/x.rrd"), NotFoundError)
    assert "object does not exist" in msg


def test_a_missing_bucket_is_not_found_naming_the_uri(client: CatalogClient) -> None:
    msg = cases.one_line_error(client, "gs_no_bucket", "gs://no-such-bucket/x.rrd", NotFoundError)
    assert "bucket does not exist" in msg


def test_a_wrong_key_is_permission_denied_naming_the_uri(
    client: CatalogClient, gcs: LocalGcs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _spoil_account(gcs, monkeypatch, tmp_path)
    cases.check_wrong_key_is_permission_denied(client, "gs_wrong_key", url, monkeypatch)


def test_object_store_config_overrides_the_environment(
    gcs: LocalGcs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _spoil_account(gcs, monkeypatch, tmp_path)  # the environment's key is wrong
    good = {"google_service_account": str(gcs.service_account)}
    cases.check_config_overrides_the_environment(url, good, monkeypatch)


@pytest.mark.interop
def test_the_real_client_registers_with_its_object_store_config(
    client: CatalogClient, gcs: LocalGcs, monkeypatch: pytest.MonkeyPatch, oracle: Oracle, tmp_path: Path
) -> None:
    """0.41's register_prefix(..., object_store_config=) on our server: the config's account wins."""
    _spoil_account(gcs, monkeypatch, tmp_path)
    good = {"google_service_account": str(gcs.service_account)}
    cases.check_real_client_registers_with_its_config(client, "gs_real", url, good, monkeypatch, oracle)
