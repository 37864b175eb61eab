"""Staged uploads: the real 0.41 client's ``CatalogClient.stage`` uploads to our server, and the
staged object registers like any file; an object is never overwritten."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rerun_core.server.catalog import CatalogServer
from rerun_core.server.catalog.staging import Staging
from tests.catalog.catalog_data import fresh_catalog_server, write_segment
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
    g2 = staging.grant("a/b.rrd", None)  # granted while the key is still free
    assert staging.redeem(g.token, {"if-none-match": "*"}, b"abc") == 201
    assert staging.redeem(g.token, {"if-none-match": "*"}, b"abc") == 404  # one use
    assert staging.redeem(g2.token, {"if-none-match": "*"}, b"xyz") == 412  # never overwritten
    with pytest.raises(Exception, match="object already exists"):  # as 0.41: no grant for it
        staging.grant("a/b.rrd", None)
    assert (tmp_path / "staging" / "a" / "b.rrd").read_bytes() == b"abc"
    assert staging.redeem("nope", {}, b"") == 404


# --- our client's stage() and 0.41's, same script, against our server and the real one

STAGE_SCRIPT = r"""
import json, os, sys
from rerun.catalog import CatalogClient
url, rrd, tmp = sys.argv[1], sys.argv[2], sys.argv[3]
c = CatalogClient(url)
out = {}

def run(name, fn):
    try:
        v = fn()
        out[name] = {"ok": v.startswith("file://") and v.endswith("/" + name.split("|")[0])}
    except Exception as exc:
        msg = str(exc).replace(tmp, "<tmp>")
        if type(exc).__name__ == "AlreadyExistsError":  # 0.41 adds the call's metadata
            msg = "grant refused: " + str("object already exists" in msg)
        out[name] = {"error": type(exc).__name__, "msg": msg}

keys = ["", "/abs", "a//b", "a/b/", "../x", "a/./b", "a.", ".a", "a..b", "a b", "\u00e9.rrd", "a\\b",
        "a b//", ".a b", "A-_.9", "x" * 255, "x" * 256, "/" + "x" * 300, "deep/er/key-1.rrd"]
for i, key in enumerate(keys):
    run(key + "|" + str(i), lambda key=key: c.stage(b"data-%d" % len(key), key=key))
run("f/file.rrd|src", lambda: c.stage(rrd, key="f/file.rrd"))
run("f/empty.rrd|src", lambda: c.stage(b"", key="f/empty.rrd"))
run("f/missing|src", lambda: c.stage(os.path.join(tmp, "missing.rrd"), key="f/missing"))
run("f/dir|src", lambda: c.stage(tmp, key="f/dir"))
run("f/bad key|missing src", lambda: c.stage(os.path.join(tmp, "missing.rrd"), key="f/bad key"))
run("f/file.rrd|again", lambda: c.stage(b"other", key="f/file.rrd"))
import pathlib
run("f/path.rrd|pathlike", lambda: c.stage(pathlib.Path(rrd), key="f/path.rrd"))
staged = c.stage(rrd, key="reg/recording.rrd")
ds = c.create_dataset("staged")
ds.register([staged]).wait()
out["registered"] = {"segments": ds.segment_ids(), "rows": ds.reader(index="frame").count()}
print(json.dumps(out))
"""


def _stage_outputs(python: list[str], env: dict[str, str] | None, url: str, rrd: Path, tmp: Path) -> Any:
    proc = subprocess.run(
        [*python, "-c", STAGE_SCRIPT, url, str(rrd), str(tmp)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.interop
@pytest.mark.parametrize("which", ["ours", "real"])
def test_our_stage_matches_real_client(which: str, oracle: Oracle, tmp_path: Path) -> None:
    """Key checks, sources, refusals and registration: our stage() gives 0.41's answers, on
    our server and on the real ``rerun server`` (each client on a fresh server)."""
    outs = []
    for python, env in (([str(oracle.python), "-P"], oracle.env()), ([sys.executable], None)):
        rrd = write_segment(tmp_path / "local.rrd", "ep7", 1.0)
        with fresh_catalog_server(which, oracle) as url:
            outs.append(_stage_outputs(python, env, url, rrd, tmp_path))
    theirs, ours = outs
    assert ours == theirs
    assert theirs["f/file.rrd|src"] == {"ok": True}
    assert theirs["f/file.rrd|again"] == {"error": "AlreadyExistsError", "msg": "grant refused: True"}
    assert theirs["f/missing|src"]["error"] == "OSError"
    assert theirs["|0"]["error"] == "ValueError"
    assert theirs["registered"] == {"segments": ["ep7"], "rows": 3}
