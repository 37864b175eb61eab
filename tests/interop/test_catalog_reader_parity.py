"""Reader parity: the same queries through the real 0.41 client and ours, on the real server and
on ours; the resulting Arrow tables must be equal (names, order, types, values)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from rerun.catalog import CatalogClient
from tests.catalog.catalog_data import free_port, server_process
from tests.conftest import OURS_BIN, Oracle, ours_env
from tests.interop._reader_cases import QUERIES, run_query, write_dataset

pytestmark = [pytest.mark.interop, pytest.mark.slow]

HERE = Path(__file__).resolve().parent

REAL_CLIENT = """
import json, sys
sys.path.insert(0, sys.argv[3])
import pyarrow as pa
from _reader_cases import QUERIES, run_query
from rerun.catalog import CatalogClient
url, out = sys.argv[1], sys.argv[2]
ds = CatalogClient(url).get_dataset("ds")
for q in QUERIES:
    t = run_query(ds, q)
    with pa.OSFile(f"{out}/{q['name']}.arrow", "wb") as f, pa.ipc.new_file(f, t.schema) as w:
        w.write_table(t)
print(json.dumps([q["name"] for q in QUERIES]))
"""

# Our server answers FindChunks for the real client differently from the real server: it leaves
# out the chunks of a selected entity that lack the projected components (a /camera TextLog chunk,
# the /points Clear chunk), so the real client sees fewer rows / no clear there.


@pytest.fixture(scope="module")
def dataset_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dataset(tmp_path_factory.mktemp("reader_parity") / "ds")


@pytest.fixture(scope="module", params=["real", "ours"])
def server(request: pytest.FixtureRequest, oracle: Oracle, dataset_dir: Path) -> Iterator[tuple[str, str]]:
    port = free_port()
    if request.param == "real":
        cmd, env = [str(oracle.rerun), "server"], oracle.env()
    else:
        cmd, env = [str(OURS_BIN / "rerun"), "server"], ours_env()
    cmd += ["--host", "127.0.0.1", "-p", str(port), "-d", f"ds={dataset_dir}"]
    with server_process(cmd, port, env=env):
        yield request.param, f"rerun+http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def real_tables(oracle: Oracle, server: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp(f"real_{server[0]}")
    proc = oracle.run_script(REAL_CLIENT, server[1], str(out), str(HERE), timeout=300)
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == [q["name"] for q in QUERIES]
    return out


@pytest.mark.parametrize("query", QUERIES, ids=[q["name"] for q in QUERIES])
def test_reader_matches_real_client(
    server: tuple[str, str], real_tables: Path, query: dict[str, Any]
) -> None:
    want = pa.ipc.open_file(real_tables / f"{query['name']}.arrow").read_all()
    got = run_query(CatalogClient(server[1]).get_dataset("ds"), query)
    assert got.column_names == want.column_names
    assert got.schema.types == want.schema.types
    assert got.equals(want), f"{query['name']}: {got.to_pydict()} != {want.to_pydict()}"


def test_reader_frame_displays(server: tuple[str, str]) -> None:
    """Jupyter's HTML and print() work on a reader with timestamps, durations, lists and blobs."""
    client = CatalogClient(server[1])
    df = client.get_dataset("ds").reader(index="frame")
    page = df._repr_html_()  # the first rows, as 0.41's formatter shows them
    assert "<table" in page and "rerun_segment_id" in page and "/blob:Blob:blob" in page
    assert "Timestamp(ns)" in page and "Duration(ns)" in page  # Rust Arrow's type names
    text = repr(df)  # Rerun's box with the frame's sorbet version, as the real client prints
    assert "rerun_segment_id" in text and "METADATA" in text and "version: 0.1.4" in text
