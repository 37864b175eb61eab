"""Our ``rerun server`` answers every redap probe case exactly as the real 0.41 one does.

Both servers run once per module over the same files; each case (tests/interop/redap_cases*.py)
runs on both and the normalised outcomes (status, message, answer) must be equal. What the real
server answers is written up in docs/redap-observed.md. Cases ours does not match yet are marked
xfail(strict=False) in ``NOT_YET`` below, grouped by RPC: delete a line when it passes.

Run: ``timeout 600 .venv/bin/pytest -q -m interop tests/interop/test_redap_parity.py``
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from rerun_core.store.messages import ArrowMsg, SetStoreInfo, StoreId
from rerun_core.store.rrd import RrdWriter
from rerun_core.store.rrd.reader import read_messages
from tests.conftest import Oracle, ours_env
from tests.interop.redap_cases import Case, Ctx, all_cases
from tests.interop.redap_data import Data, build_data
from tests.interop.redap_observe import OUR_RERUN, REAL_RERUN, run_case, serve
from tests.interop.redap_probe import Normaliser, Probe

pytestmark = [pytest.mark.interop, pytest.mark.slow]

ALL = "*"
# RPC -> the case names ours does not match yet (ALL: every case of that RPC), as of this commit.
NOT_YET: dict[str, str | tuple[str, ...]] = {
    "CreateDatasetEntry": ("name of the __entries table",),
    "CreateTableEntry": ("name + schema, no url",),
    "DeleteEntry": ("no id",),
    "DeleteSegmentProperties": ("table id (wrong kind)",),
    "FetchChunks": (
        "bad key: table without the key columns",
        "bad key: garbage chunk_key",
        "bad key: corrupt DataframePart",
    ),
    "FindChunks": (
        "static, all segments",
        "range frame 1..2",
        "range, latest_at fill",
        "samples seg0 [1]",
        "explicit entity /points",
        "explicit segments [seg1]",
        "direct urls",
    ),
    "FindEntries": (
        "no filter (entries at startup)",
        "kind=BLUEPRINT_DATASET",
        "kind=TABLE",
        "kinds=[DATASET,TABLE]",
    ),
    "GetAssetsForSegment": ("table id (wrong kind)",),
    "GetDatasetManifestSchema": (
        "table id (wrong kind)",
        "normal",
    ),
    "GetDatasetSchema": (
        "table id (wrong kind)",
        "normal",
        "empty dataset",
        "two layers",
    ),
    "GetRrdManifest": (
        "table id (wrong kind)",
        "known segment",
        "known segment, direct urls",
    ),
    "GetSchemas": ("table id (wrong kind)",),
    "GetSegmentProperties": ("table id (wrong kind)",),
    "GetSegmentTableSchema": (
        "table id (wrong kind)",
        "normal",
    ),
    "GetTableSchema": (
        "__entries",
        "id in header only",
    ),
    "GetWriteAccessGrant": ALL,
    "QueryDataset": (
        "table id (wrong kind)",
        "empty request",
        "select_all_entity_paths",
        "entity_paths=[/points]",
        "entity_paths=[/nope]",
        "segment_ids=[seg0]",
        "segment_ids=[nope]",
        "latest_at frame=1",
        "range frame 0..1",
        "range on unknown timeline",
        "fuzzy_descriptors",
        "columns_always_include_everything",
    ),
    "ReadDatasetEntry": (
        "table id (wrong kind)",
        "the companion blueprint dataset",
    ),
    "ReadTableEntry": (
        "__entries",
        "id in header only",
    ),
    "RegisterTable": (
        "not a lance dir",
        "name of an existing dataset",
    ),
    "RegisterWithDataset": (
        "table id (wrong kind)",
        "layer name a/b",
        "conflicting schemas across segments",
        "conflicting schema in another layer",
        "non-rrd file",
        "truncated file",
        "corrupt file",
        "empty file",
        "nonexistent path",
        "good + bad in one request",
        "directory without prefix flag",
        "prefix with no .rrd",
        "s3 prefix",
        "plain path, no scheme",
        "empty url",
    ),
    "ScanDatasetManifest": (
        "table id (wrong kind)",
        "all columns",
        "columns",
        "segment filter",
        "layer filter skip base",
    ),
    "ScanSegmentTable": (
        "table id (wrong kind)",
        "all columns",
        "columns=[rerun_segment_id]",
        "filter scan_only seg0",
        "filter skip seg0",
        "filter scan_only unknown",
        "empty dataset",
        "with a second layer",
    ),
    "ScanTable": (
        "__entries",
        "id in header only",
    ),
    "SetSegmentProperties": (
        "missing entry header",
        "set then scan segment table",
    ),
    "UnregisterFromDataset": ("table id (wrong kind)",),
    "UpdateDatasetEntry": (
        "default blueprint segment",
        "blueprint dataset = unknown id",
        "empty details",
    ),
    "UpdateEntry": ("rename the __entries table",),
    "UpdateTableEntry": ("__entries",),
    "Version": ALL,
    "WatchEvents": ALL,
    "WhoAmI": ALL,
    "WriteTable": (
        "replace (upsert)",
        "update",
    ),
}


def _marked(case: Case) -> object:
    pending = NOT_YET.get(case.rpc, ())
    if pending == ALL or case.name in pending:
        reason = f"not yet: {case.rpc} does not answer as the real 0.41 server (docs/redap-observed.md)"
        return pytest.param(case, id=case.id, marks=pytest.mark.xfail(strict=False, reason=reason))
    return pytest.param(case, id=case.id)


CASES = [_marked(c) for c in all_cases()]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Data:
    return build_data(tmp_path_factory.mktemp("redap"))


@pytest.fixture(scope="module")
def real(oracle: Oracle, data: Data) -> Iterator[Ctx]:
    with serve(REAL_RERUN, data, oracle.env()) as url:
        probe = Probe(url, Normaliser(str(data.root)))
        yield Ctx(probe, data)
        probe.close()


@pytest.fixture(scope="module")
def ours(data: Data) -> Iterator[Ctx]:
    with serve(OUR_RERUN, data, ours_env()) as url:
        probe = Probe(url, Normaliser(str(data.root), [("tables_b/", "tables_a/")]))
        yield Ctx(probe, data, tag="b")
        probe.close()


@pytest.mark.parametrize("case", CASES)
def test_same_answer_as_real_server(case: Case, real: Ctx, ours: Ctx) -> None:
    expected = run_case(real, case)
    assert expected.code != "SETUP_ERROR", f"the case itself is broken: {expected.message}"
    got = run_case(ours, case)
    assert got.key() == expected.key()


def _with_app_id(src: Path, dst: Path, app_id: str) -> Path:
    """``src`` with every store's application id replaced, as the real download does."""
    with RrdWriter(dst) as w:
        for msg in read_messages(src):
            if isinstance(msg, SetStoreInfo):
                sid = dataclasses.replace(msg.info.store_id, application_id=app_id)
                msg = dataclasses.replace(msg, info=dataclasses.replace(msg.info, store_id=sid))
            elif isinstance(msg, ArrowMsg):
                msg = dataclasses.replace(msg, store_id=_app(msg.store_id, app_id))
            w.write(msg)
    return dst


def _app(sid: StoreId, app_id: str) -> StoreId:
    return dataclasses.replace(sid, application_id=app_id)


@pytest.mark.xfail(strict=False, reason="not yet: our segment download is not checked equal to the source")
def test_real_download_of_our_segment_equals_source(
    oracle: Oracle, ours: Ctx, data: Data, tmp_path: Path
) -> None:
    """The real ``rerun download`` of a segment URL of our server gives the source segment back.

    (The real server's download replaces the application id by the dataset's entry id, so the
    source is compared after the same replacement.)
    """
    entry = ours.probe.entry_id("mydata")
    url = f"rerun+http://{ours.probe.target}/dataset/{entry}?segment_id=seg0"
    out_dir = tmp_path / "dl"
    out_dir.mkdir()
    oracle.cli("download", "-o", str(out_dir), url, timeout=60)
    (downloaded,) = out_dir.glob("*.rrd")
    expected = _with_app_id(data.ds / "seg0.rrd", tmp_path / "expected.rrd", entry)
    proc = oracle.cli("rrd", "compare", "--unordered", str(expected), str(downloaded), check=False)
    assert proc.returncode == 0 and "Error" not in proc.stderr, proc.stderr


def test_real_download_equals_source_on_the_real_server(
    oracle: Oracle, real: Ctx, data: Data, tmp_path: Path
) -> None:
    """The yardstick for the test above: the real server passes it."""
    entry = real.probe.entry_id("mydata")
    url = f"rerun+http://{real.probe.target}/dataset/{entry}?segment_id=seg0"
    (tmp_path / "dl").mkdir()
    oracle.cli("download", "-o", str(tmp_path / "dl"), url, timeout=60)
    expected = _with_app_id(data.ds / "seg0.rrd", tmp_path / "expected.rrd", entry)
    proc = oracle.cli(
        "rrd", "compare", "--unordered", str(expected), str(tmp_path / "dl" / "seg0.rrd"), check=False
    )
    assert proc.returncode == 0 and "Error" not in proc.stderr, proc.stderr
