"""Datasets on Azure Blob Storage: segments registered from a local Azurite through obstore.

The server finds the emulator the way the `object_store` crate does, from the environment
(`AZURE_STORAGE_USE_EMULATOR`, `AZURITE_BLOB_STORAGE_URL`, `AZURE_STORAGE_ACCOUNT_KEY`, ...).
Register, register a prefix, read back, unregister; a missing blob, a missing container and a
wrong key are one-line errors naming the URI.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rerun.catalog import CatalogClient, NotFoundError
from rerun_core.server.catalog import object_store as obs
from tests.conftest import Oracle

from . import object_store_cases as cases
from .azure_fixture import ACCOUNT_KEY, LocalAzure, azurite_available, local_azure

pytestmark = [
    pytest.mark.skipif(not azurite_available(), reason="Azurite not installed (scripts/install.sh)"),
    pytest.mark.timeout(120),
]

CONTAINER = "rrd"
WRONG_KEY = "d3Jvbmcga2V5"  # base64 of "wrong key"
GOOD_CONFIG = {"azure_storage_account_key": ACCOUNT_KEY}


@pytest.fixture(scope="module")
def azure(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalAzure]:
    files = cases.segment_files(tmp_path_factory.mktemp("azure"))
    with local_azure({CONTAINER: files}) as az, pytest.MonkeyPatch.context() as mp:
        for k, v in az.env().items():
            mp.setenv(k, v)
        obs.clear_caches()
        yield az
    obs.clear_caches()


@pytest.fixture(scope="module")
def client(azure: LocalAzure) -> Iterator[CatalogClient]:
    yield from cases.serve_catalog()


def url(key: str) -> str:
    return f"az://{CONTAINER}/{key}"


def test_register_one_blob_and_read_it_back(client: CatalogClient) -> None:
    cases.check_register_one_and_read_back(client, "az_one", url)


def test_register_prefix_query_and_unregister(client: CatalogClient) -> None:
    cases.check_register_prefix_query_and_unregister(client, "az_prefix", url)


def test_a_missing_blob_is_not_found_naming_the_uri(client: CatalogClient) -> None:
    msg = cases.one_line_error(client, "az_missing", url("nope/x.rrd"), NotFoundError)
    assert "object does not exist" in msg


def test_a_missing_container_is_not_found_naming_the_uri(client: CatalogClient) -> None:
    msg = cases.one_line_error(client, "az_no_container", "az://no-such-container/x.rrd", NotFoundError)
    assert "bucket does not exist" in msg


def test_a_wrong_key_is_permission_denied_naming_the_uri(
    client: CatalogClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_STORAGE_ACCOUNT_KEY", WRONG_KEY)
    cases.check_wrong_key_is_permission_denied(client, "az_wrong_key", url, monkeypatch)


def test_object_store_config_overrides_the_environment(
    azure: LocalAzure, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_STORAGE_ACCOUNT_KEY", WRONG_KEY)  # the environment's key is wrong
    cases.check_config_overrides_the_environment(url, GOOD_CONFIG, monkeypatch)


@pytest.mark.interop
def test_the_real_client_registers_with_its_object_store_config(
    client: CatalogClient, monkeypatch: pytest.MonkeyPatch, oracle: Oracle
) -> None:
    """0.41's register_prefix(..., object_store_config=) on our server: the config's key wins."""
    monkeypatch.setenv("AZURE_STORAGE_ACCOUNT_KEY", WRONG_KEY)
    cases.check_real_client_registers_with_its_config(
        client, "az_real", url, GOOD_CONFIG, monkeypatch, oracle
    )
