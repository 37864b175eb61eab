"""Lance tables against the real rerun-sdk 0.41: its CatalogClient on the real server and on ours.

Both servers load a copy of the same pylance-written table with ``rerun server -t``; the real
client runs the same table calls on each and what it sees must be equal.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from tests.catalog.catalog_data import free_port, server_process
from tests.conftest import OURS_BIN, Oracle, ours_env

pytestmark = [pytest.mark.interop, pytest.mark.slow]
lance = pytest.importorskip("lance")

# Runs under the real SDK: every table call of the 0.41 client, printed as JSON.
CLIENT_SCRIPT = r"""
import json, sys
import pyarrow as pa
from rerun.catalog import CatalogClient
url, created_dir, reg_dir, plain_dir = sys.argv[1:5]
c = CatalogClient(url)
out = {}

def rows(t):
    # sorted: the real client's reader interleaves scan parts in no fixed order (on either server)
    tab = t.reader().to_arrow_table()
    cols = [tab.column(n).to_pylist() for n in tab.column_names]
    return {"columns": tab.column_names, "rows": sorted(map(list, zip(*cols)), key=json.dumps)}

def schema(t):
    s = t.arrow_schema()
    return {"meta": {k.decode(): v.decode() for k, v in (s.metadata or {}).items()},
            "fields": [[f.name, str(f.type), {k.decode(): v.decode() for k, v in (f.metadata or {}).items()}] for f in s]}

def err(f):
    try:
        f()
    except Exception as e:
        root = plain_dir[len("file://"):].rsplit("/", 1)[0]  # each server's own copy
        msg = str(e).splitlines()[0].replace(root, "<root>").replace(root.lstrip("/"), "<root>")
        return [type(e).__name__, msg[:90]]
    return None

out["names"] = sorted(c.table_names())
lt = c.get_table("lt")
out["lt"] = {"kind": str(lt.kind), "url_tail": lt.storage_url.rsplit("/", 2)[-2:], "rows": rows(lt), "schema": schema(lt)}
out["lt_upsert"] = err(lambda: lt.upsert(id=[1, 7], name=["A", "G"]))
out["lt_after"] = rows(lt)

sch = pa.schema([pa.field("id", pa.int64(), metadata={"rerun:is_table_index": "true"}), pa.field("v", pa.float64())],
                metadata={"m": "1"})
made = c.create_table("made", sch)
out["made"] = {"kind": str(made.kind), "url_tail": made.storage_url.rsplit("/", 2)[-1], "schema": schema(made), "rows": rows(made)}
steps = []
made.append(id=[1, 2, 3], v=[1.0, 2.0, 3.0]); steps.append(rows(made))
made.upsert(id=[2, 4], v=[20.0, 40.0]); steps.append(rows(made))
made.append(pa.record_batch({"v": [7.0], "id": [7]})); steps.append(rows(made))
made.append(pa.record_batch({"id": [8]})); steps.append(rows(made))
made.overwrite(id=[9], v=[9.0]); steps.append(rows(made))
out["made_steps"] = steps
out["made_errors"] = {
    "bad_column": err(lambda: made.append(pa.record_batch({"zz": [1]}))),
    "bad_type": err(lambda: made.append(pa.record_batch({"id": pa.array([1], pa.int32()), "v": [1.0]}))),
    "dup": err(lambda: c.create_table("made", sch)),
    "s3": err(lambda: c.create_table("s3t", sch, url="s3://bucket/x")),
}
at = c.create_table("at_url", sch, url=created_dir)
out["at_url"] = at.storage_url.startswith(created_dir + "/")
at.append(id=[1], v=[1.0])
out["at_url_rows"] = rows(at)

reg = c.register_table("reg", reg_dir)
out["reg"] = {"url": reg.storage_url == reg_dir + "/", "rows": rows(reg), "schema": schema(reg)}
out["reg_upsert"] = err(lambda: reg.upsert(x=[3.0]))
out["reg_errors"] = {"dup": err(lambda: c.register_table("reg", reg_dir)),
                     "plain": err(lambda: c.register_table("plain", plain_dir)),
                     "missing": err(lambda: c.register_table("missing", plain_dir + "_nope"))}
reg.set_name("reg2")
out["renamed"] = sorted(c.table_names())
out["get_renamed"] = rows(c.get_table("reg2"))
c.get_table("reg2").delete()
out["after_delete"] = sorted(c.table_names())
out["get_deleted"] = err(lambda: c.get_table("reg2"))
out["default_blueprint"] = c.get_table("lt").default_blueprint()
print(json.dumps(out))
"""

LT_SCHEMA = pa.schema(
    [pa.field("id", pa.int64(), metadata={"rerun:is_table_index": "true"}), pa.field("name", pa.string())],
    metadata={"k": "v"},
)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Lance tables both servers get copies of, written by pylance."""
    root = tmp_path_factory.mktemp("lance_src")
    lance.write_dataset(
        pa.table({"id": [1, 2, 3], "name": ["a", "b", "c"]}, schema=LT_SCHEMA), str(root / "lt")
    )
    lance.write_dataset(pa.table({"x": [1.5, 2.5]}), str(root / "reg"))
    (root / "plain").mkdir()
    (root / "plain" / "f.txt").write_text("not a Lance table")
    return root


def _serve(cmd: list[str], port: int, env: dict[str, str], oracle: Oracle, work: Path) -> dict[str, Any]:
    with server_process(cmd, port, env=env):
        proc = oracle.run_script(
            CLIENT_SCRIPT,
            f"rerun+http://127.0.0.1:{port}",
            (work / "created").as_uri(),
            (work / "reg").as_uri(),
            (work / "plain").as_uri(),
            timeout=120,
        )
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _workdir(source: Path, root: Path) -> Path:
    shutil.copytree(source, root)
    return root


@pytest.fixture(scope="module")
def ours(oracle: Oracle, source: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = _workdir(source, tmp_path_factory.mktemp("ours") / "w")
    port = free_port()
    cmd = [
        str(OURS_BIN / "rerun"),
        "server",
        "--host",
        "127.0.0.1",
        "-p",
        str(port),
        "-t",
        f"lt={work / 'lt'}",
    ]
    return _serve(cmd, port, ours_env(), oracle, work)


@pytest.fixture(scope="module")
def theirs(oracle: Oracle, source: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = _workdir(source, tmp_path_factory.mktemp("theirs") / "w")
    port = free_port()
    cmd = [str(oracle.rerun), "server", "--host", "127.0.0.1", "-p", str(port), "-t", f"lt={work / 'lt'}"]
    return _serve(cmd, port, oracle.env(), oracle, work)


def _without_locations(value: Any) -> Any:
    """Error texts with Lance's source locations cut off (they name each build's own paths)."""
    if isinstance(value, str):
        return value.split(", location:")[0].split(", /")[0]
    if isinstance(value, list):
        return [_without_locations(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_locations(v) for k, v in value.items()}
    return value


def test_real_client_tables_on_our_server(ours: dict[str, Any]) -> None:
    assert ours["names"] == ["lt"]
    assert ours["lt"]["rows"] == {"columns": ["id", "name"], "rows": [[1, "a"], [2, "b"], [3, "c"]]}
    assert ours["made_steps"][1]["rows"] == [[1, 1.0], [2, 20.0], [3, 3.0], [4, 40.0]]  # upsert by id
    assert ours["made_steps"][-1] == {"columns": ["id", "v"], "rows": [[9, 9.0]]}
    assert ours["reg"]["rows"] == {"columns": ["x"], "rows": [[1.5], [2.5]]}
    assert ours["after_delete"] == ["at_url", "lt", "made"]


def test_real_client_sees_the_same_tables_on_both_servers(
    ours: dict[str, Any], theirs: dict[str, Any]
) -> None:
    ours, theirs = _without_locations(ours), _without_locations(theirs)
    for key in theirs:
        assert ours[key] == theirs[key], key
    assert ours == theirs


def test_server_tables_option_loads_a_pylance_table(oracle: Oracle, source: Path, tmp_path: Path) -> None:
    """``rr.server.Server(tables=...)`` in our SDK, read back by the real client."""
    import rerun as rr

    work = _workdir(source, tmp_path / "w")
    with pytest.raises(ValueError, match="Failed to start Rerun server: No such file or directory"):
        rr.server.Server(tables={"x": work / "missing"})
    server = rr.server.Server(host="127.0.0.1", tables={"t": work / "lt"})
    try:
        code = (  # the client kept in a variable: a chained one drops DataFusion's context too early
            "import sys; from rerun.catalog import CatalogClient; c = CatalogClient(sys.argv[1]);"
            " print(c.get_table('t').reader().to_arrow_table().to_pydict())"
        )
        out = oracle.run_script(code, server.url()).stdout.strip().splitlines()[-1]
    finally:
        server.shutdown()
    assert out == str({"id": [1, 2, 3], "name": ["a", "b", "c"]})
