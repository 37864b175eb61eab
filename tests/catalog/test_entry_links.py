"""Links between catalog objects that lower modules resolve through the client.

Why: segments, layers, tables and a dataset's blueprint/asset companions reach `DatasetEntry`
through `CatalogClient` (which sits above `_entry`) so that none of them imports `_entry` back;
these check the links still land on the right entries.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from rerun.catalog import CatalogClient, DatasetEntry, TableEntry
from rerun_core.server.catalog import CatalogServer

from .catalog_data import make_dataset_dir


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CatalogClient]:
    data_dir: Path = make_dataset_dir(tmp_path_factory.mktemp("links") / "ds")
    srv = CatalogServer(port=0)
    srv.load_dataset("mydata", data_dir)
    srv.start()
    yield CatalogClient(srv.url)
    srv.stop()


def test_segment_and_layer_lead_back_to_their_dataset(client: CatalogClient) -> None:
    ds = client.get_dataset("mydata")
    for back in (ds.segment("seg0").dataset, ds.layer("base").dataset):
        assert isinstance(back, DatasetEntry)
        assert back == ds and back.name == "mydata"
    companion = ds.blueprint_dataset()
    assert companion is None or (isinstance(companion, DatasetEntry) and companion != ds)


def test_segment_table_joins_a_table_entry(client: CatalogClient, tmp_path: Path) -> None:
    ds = client.get_dataset("mydata")
    table = client.create_table(
        "scores", pa.schema([("rerun_segment_id", pa.utf8()), ("score", pa.float64())])
    )
    assert isinstance(table, TableEntry)
    table.append(rerun_segment_id=["seg0"], score=[1.5])
    joined = ds.segment_table(join_meta=table).select("rerun_segment_id", "score").sort("rerun_segment_id")
    assert joined.to_pydict() == {"rerun_segment_id": ["seg0", "seg1"], "score": [1.5, None]}
    companion = table.blueprint_dataset()
    assert isinstance(companion, DatasetEntry)
