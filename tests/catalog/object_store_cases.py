"""Checks shared by the per-backend object-store tests (Azure, GCS).

Each backend's test module builds its local store from `segment_files`, then calls these checks
with its own URL maker (`url("segs")` -> `az://rrd/segs`, `gs://rrd/segs`, ...). The backend-specific
part of a "wrong key" check (which environment variable to spoil) stays in the test module: it
spoils the environment through `monkeypatch` before calling the check, which undoes it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from rerun.catalog import CatalogClient
from rerun_core.server.catalog import CatalogServer
from rerun_core.server.catalog import object_store as obs
from rerun_core.server.catalog.model import CatalogError
from rerun_core.server.catalog.registration import Source, expand, url_of
from tests.conftest import Oracle

from .catalog_data import FRAMES, write_segment

Url = Callable[[str], str]
Row = tuple[str, int, list[list[float]]]


def segment_files(root: Path) -> dict[str, Path]:
    """Two segments under `segs/` (one nested) beside a non-recording, and one under `one/`."""
    (root / "readme.txt").write_text("not a recording")
    return {
        "segs/seg0.rrd": write_segment(root / "seg0.rrd", "seg0", 0.0),
        "segs/nested/seg1.rrd": write_segment(root / "seg1.rrd", "seg1", 1.0),
        "segs/readme.txt": root / "readme.txt",
        "one/seg2.rrd": write_segment(root / "seg2.rrd", "seg2", 2.0),
    }


def serve_catalog() -> Iterator[CatalogClient]:
    """A catalog server on a free port for the module's client fixture."""
    srv = CatalogServer(port=0).start()
    yield CatalogClient(srv.url)
    srv.stop()


def rows(table: pa.Table) -> list[Row]:
    t = table.sort_by([("rerun_segment_id", "ascending"), ("frame", "ascending")])
    cols = ("rerun_segment_id", "frame", "/points:Points3D:positions")
    return list(zip(*(t.column(c).to_pylist() for c in cols)))


def expected(*segments: tuple[str, float]) -> list[Row]:
    return [(sid, t, [[float(t), y, 0.0]]) for sid, y in segments for t in FRAMES]


def check_register_one_and_read_back(client: CatalogClient, name: str, url: Url) -> None:
    ds = client.create_dataset(name)
    assert ds.register([url("one/seg2.rrd")]).wait().segment_ids == ["seg2"]
    urls = ds.segment_table().to_arrow_table().column("rerun_storage_urls").to_pylist()
    assert urls == [[url("one/seg2.rrd")]]
    assert rows(ds.reader(index="frame").to_arrow_table()) == expected(("seg2", 2.0))


def check_register_prefix_query_and_unregister(client: CatalogClient, name: str, url: Url) -> None:
    ds = client.create_dataset(name)
    assert sorted(ds.register_prefix(url("segs")).wait().segment_ids) == ["seg0", "seg1"]
    table = ds.reader(index="frame").to_arrow_table()
    assert rows(table) == expected(("seg0", 0.0), ("seg1", 1.0))
    ds.unregister(segments_to_drop="seg0", layers_to_drop=[]).wait()
    assert ds.segment_ids() == ["seg1"]
    assert rows(ds.reader(index="frame").to_arrow_table()) == expected(("seg1", 1.0))


def one_line_error(client: CatalogClient, name: str, uri: str, exc: type[Exception]) -> str:
    """Registering `uri` fails with `exc`, registers nothing, and says so in one line naming it."""
    ds = client.create_dataset(name)
    with pytest.raises(exc) as err:
        ds.register([uri]).wait()
    assert ds.segment_ids() == []
    msg = str(err.value).split("\n")[0]  # the server's one line; the server and endpoint follow, as 0.41's
    assert uri in msg
    return msg


def check_wrong_key_is_permission_denied(
    client: CatalogClient, name: str, url: Url, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the environment's key already spoiled through `monkeypatch`."""
    obs.clear_caches()
    try:
        msg = one_line_error(client, name, url("one/seg2.rrd"), RuntimeError)
    finally:
        monkeypatch.undo()
        obs.clear_caches()
    assert msg.endswith(" (PermissionDenied)") and "access denied" in msg


def check_config_overrides_the_environment(
    url: Url, good_config: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the environment's key already spoiled through `monkeypatch`; `good_config` mends it."""
    obs.clear_caches()
    try:
        with pytest.raises(CatalogError, match="access denied"):
            expand(Source(url("segs"), prefix=True))
        good = json.dumps(good_config)
        found = expand(Source(url("segs"), prefix=True, object_store_config=good))
        assert [url_of(p) for p in found] == [url("segs/nested/seg1.rrd"), url("segs/seg0.rrd")]
    finally:
        monkeypatch.undo()
        obs.clear_caches()


def check_real_client_registers_with_its_config(
    client: CatalogClient,
    name: str,
    url: Url,
    good_config: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    oracle: Oracle,
) -> None:
    """0.41's register_prefix(..., object_store_config=) on our server, with the environment's key
    already spoiled through `monkeypatch`: the config wins."""
    obs.clear_caches()
    script = f"""
        import json, sys
        from rerun.catalog import CatalogClient
        ds = CatalogClient(sys.argv[1]).create_dataset({name!r})
        ds.register_prefix(sys.argv[2], object_store_config=sys.argv[3]).wait()
        t = ds.reader(index="frame").to_arrow_table()
        print(json.dumps({{"segments": sorted(ds.segment_ids()), "rows": t.num_rows}}))
    """
    try:
        out = oracle.run_script(script, client._conn.url, url("segs"), json.dumps(good_config))
    finally:
        monkeypatch.undo()
        obs.clear_caches()
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"segments": ["seg0", "seg1"], "rows": 6}
