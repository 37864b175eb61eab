"""The client's `object_store_auth`, as 0.41 uses it: it only changes which direct URLs are asked for.

A reader asks FindChunks for pre-signed direct URLs (`DIRECT_URL_MODE_SIGNED`) without one and
for unsigned ones (`DIRECT_URL_MODE_UNSIGNED`, to fetch with `Authorization: Bearer`) with one.
For segments in local files our server answers no direct URLs, so chunks come through
FetchChunks and the token is never asked for: the real 0.41 client does exactly this against our
server (checked below). Direct reads from a bucket: test_object_store_direct.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from rerun.catalog import CatalogClient
from rerun.experimental import BearerTokenObjectStoreAuth, ObjectStoreAuth
from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.server.catalog import CatalogServer
from rerun_core.server.catalog.service_data import DatasetRpcs
from tests.conftest import Oracle

from .catalog_data import write_segment

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def modes() -> Iterator[list[int]]:
    """The direct_url_mode of every FindChunks the server gets."""
    seen: list[int] = []
    original = DatasetRpcs.FindChunks

    def spy(self: Any, request: pb.FindChunksRequest, context: Any) -> Any:
        seen.append(request.direct_url_mode)
        return original(self, request, context)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(DatasetRpcs, "FindChunks", spy)
        yield seen


@pytest.fixture(scope="module")
def server(modes: list[int], tmp_path_factory: pytest.TempPathFactory) -> Iterator[CatalogServer]:
    root = tmp_path_factory.mktemp("auth")
    srv = CatalogServer(port=0).start()
    ds = CatalogClient(srv.url).create_dataset("auth")
    ds.register([write_segment(root / "seg0.rrd", "seg0", 0.0).as_uri()]).wait()
    yield srv
    srv.stop()


def _read(url: str, auth: Any) -> int:
    ds = CatalogClient(url, object_store_auth=auth).get_dataset("auth")
    return int(ds.reader(index="frame").to_arrow_table().num_rows)


def test_without_auth_the_reader_asks_for_signed_urls(server: CatalogServer, modes: list[int]) -> None:
    modes.clear()
    assert _read(server.url, None) == 3
    assert modes and set(modes) == {pb.DIRECT_URL_MODE_SIGNED}


def test_with_bearer_auth_it_asks_for_unsigned_urls_and_fetches_through_the_server(
    server: CatalogServer, modes: list[int]
) -> None:
    calls: list[int] = []

    def token() -> str:
        calls.append(1)
        return "secret"

    modes.clear()
    assert _read(server.url, BearerTokenObjectStoreAuth(token)) == 3
    assert modes and set(modes) == {pb.DIRECT_URL_MODE_UNSIGNED}
    assert calls == []  # no direct URL came back: nothing to authenticate


def test_bad_auth_arguments_are_type_errors_as_in_0_41(server: CatalogServer) -> None:
    assert ObjectStoreAuth is BearerTokenObjectStoreAuth
    with pytest.raises(TypeError, match="get_token must be callable"):
        BearerTokenObjectStoreAuth(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="object_store_auth"):
        CatalogClient(server.url, object_store_auth="token")
    assert BearerTokenObjectStoreAuth(get_token=lambda: "x").token() == "x"


@pytest.mark.interop
def test_the_real_client_asks_the_same_of_our_server(
    server: CatalogServer, modes: list[int], oracle: Oracle
) -> None:
    modes.clear()
    out = oracle.run_script(
        """
        import sys
        from rerun.catalog import CatalogClient
        from rerun.experimental import BearerTokenObjectStoreAuth
        calls = []
        def token():
            calls.append(1)
            return "secret"
        for auth in (None, BearerTokenObjectStoreAuth(token)):
            ds = CatalogClient(sys.argv[1], object_store_auth=auth).get_dataset("auth")
            print(ds.reader(index="frame").to_arrow_table().num_rows, len(calls))
        """,
        server.url,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["3", "0", "3", "0"]
    assert modes == [pb.DIRECT_URL_MODE_SIGNED, pb.DIRECT_URL_MODE_UNSIGNED]
