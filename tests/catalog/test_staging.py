"""Staged uploads: the real 0.41 client's ``CatalogClient.stage`` uploads to our server, and the
staged object registers like any file; an object is never overwritten."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from rerun_core.server.catalog import CatalogServer
from rerun_core.server.catalog.staging import Staging
from tests.catalog.catalog_data import write_segment
from tests.conftest import Oracle

SCRIPT = """
import json, sys
from rerun.catalog import CatalogClient
url, path = sys.argv[1], sys.argv[2]
c = CatalogClient(url)
staged = c.stage(path, key="project/run-001/recording.rrd")
again = None
try:
    c.stage(path, key="project/run-001/recording.rrd")
except Exception as exc:
    again = type(exc).__name__
ds = c.create_dataset("staged")
ds.register([staged]).wait()
print(json.dumps({"url": staged, "again": again, "segments": ds.segment_ids(),
                  "rows": ds.reader(index="frame").count()}))
"""


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[CatalogServer]:
    srv = CatalogServer(port=0).start()
    yield srv
    srv.stop()


@pytest.mark.interop
def test_real_client_stages_and_registers(oracle: Oracle, server: CatalogServer, tmp_path: Path) -> None:
    rrd = write_segment(tmp_path / "local.rrd", "ep7", 1.0)
    out = oracle.run_script(SCRIPT, server.url, str(rrd)).stdout.strip().splitlines()[-1]
    got = json.loads(out)
    assert got["url"].startswith("file://") and got["url"].endswith("/project/run-001/recording.rrd")
    assert got["again"] is not None  # the key exists: if-none-match refuses the second upload
    assert got["segments"] == ["ep7"]
    assert got["rows"] == 3
    staged = Path(got["url"][len("file://") :])
    assert staged.read_bytes() == rrd.read_bytes()


def test_grants_refuse_keys_outside_the_staging_dir(tmp_path: Path) -> None:
    staging = Staging(tmp_path / "staging")
    for bad in ("", "/etc/passwd", "../x.rrd", "a/../../x.rrd", "a\\b.rrd"):
        with pytest.raises(Exception, match="invalid staging key"):
            staging.grant(bad, None)


def test_a_grant_is_used_once_and_checks_the_size(tmp_path: Path) -> None:
    staging = Staging(tmp_path / "staging")
    g = staging.grant("a/b.rrd", 3)
    assert staging.redeem(g.token, {"if-none-match": "*"}, b"toolong") == 400
    g = staging.grant("a/b.rrd", 3)
    assert staging.redeem(g.token, {"if-none-match": "*"}, b"abc") == 201
    assert staging.redeem(g.token, {"if-none-match": "*"}, b"abc") == 404  # one use
    g2 = staging.grant("a/b.rrd", None)
    assert staging.redeem(g2.token, {"if-none-match": "*"}, b"xyz") == 412  # never overwritten
    assert (tmp_path / "staging" / "a" / "b.rrd").read_bytes() == b"abc"
    assert staging.redeem("nope", {}, b"") == 404
