"""Our catalog client and rerun-sdk 0.41's, same script, against the real ``rerun server`` 0.41.

Each side gets a fresh real server (the oracle CLI) and runs ``SCRIPT``, which exercises the
areas of 0.41's public API (entries, tables, registration with layers / on_duplicate /
register_prefix, properties, blueprints, assets, segment URLs, ``segment_table(join_meta=)``,
errors) and prints what it saw as JSON: values, and for failures the exception's class and
whether it is a LookupError. The two outputs must be equal.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.catalog.catalog_data import free_port, make_dataset_dir, server_process, write_segment
from tests.conftest import Oracle

pytestmark = [pytest.mark.interop, pytest.mark.slow]

# Written with the real SDK: blueprints, a static-only asset, a recording with properties.
FILES_SCRIPT = """
import sys
import rerun as rr, rerun.blueprint as rrb
out = sys.argv[1]
rrb.Blueprint(rrb.Spatial3DView(origin="/points")).save("catalog_test", f"{out}/bp.rbl")
rrb.Blueprint(rrb.TimeSeriesView(origin="/x")).save("catalog_test", f"{out}/bp2.rbl")
rec = rr.RecordingStream("catalog_test", recording_id="asset1")
rec.save(f"{out}/asset1.rrd")
rec.log("/mesh", rr.TextDocument("asset"), static=True)
rec.flush(); rec.disconnect()
rec = rr.RecordingStream("catalog_test", recording_id="propseg")
rec.save(f"{out}/props.rrd")
rec.send_property("episode", rr.AnyValues(success=True, score=0.5))
rec.set_time("frame", sequence=1)
rec.log("/p", rr.Scalars(1.0))
rec.flush(); rec.disconnect()
"""

SCRIPT = r"""
import json, sys, warnings
from datetime import datetime, timedelta, timezone
import pyarrow as pa
from rerun.catalog import CatalogClient, ContentFilter, OnDuplicateSegmentLayer
url, X = sys.argv[1], sys.argv[2]
out = {}

def run(name, f):
    try:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            value = f()
        dep = sorted({type(x.message).__name__ for x in w if issubclass(x.category, DeprecationWarning)})
        out[name] = {"value": value, "warnings": dep} if dep else value
    except Exception as e:
        out[name] = {"error": type(e).__name__, "lookup": isinstance(e, LookupError)}

def rows(t):
    return sorted((json.dumps(r, sort_keys=True, default=str) for r in t.to_pylist()))

c = CatalogClient(url)
ds = c.get_dataset("mydata")
# --- entries
run("entry_names", lambda: sorted(c.entry_names()))
run("hidden_kinds", lambda: sorted(str(e.kind) for e in c.entries(include_hidden=True)))
run("table_names_hidden", lambda: c.table_names(include_hidden=True))
run("repr", lambda: repr(ds))
run("eq", lambda: ["mydata" in c.entries(), ds == ds.id, int(ds.kind)])
run("version_features", lambda: c.version_info().features)
# --- errors
run("missing_name", lambda: c.get_dataset("nope"))
run("missing_table_name", lambda: c.get_table("nope"))
run("missing_id", lambda: c.get_dataset(id="1234567890abcdef1234567890abcdef"))
run("bad_id", lambda: c.get_dataset(id="zz"))
run("both", lambda: c.get_dataset("x", id="y"))
run("neither", lambda: c.get_dataset())
run("table_as_dataset", lambda: c.get_table("mydata"))
run("create_dup", lambda: c.create_dataset("mydata"))
run("create_exist_ok", lambda: c.create_dataset("mydata", exist_ok=True).name)
run("bad_name", lambda: c.create_dataset("a/b"))
run("hash", lambda: hash(ds))
# --- dataset views
run("info", lambda: repr(ds.info()).split("\n")[1:])
run("schema", lambda: ds.schema().column_names())
run("columns_for", lambda: ds.schema().column_names_for(archetype="Points3D"))
run("filtered_schema", lambda: ds.filter_contents(ContentFilter.everything().exclude("/static")).schema().column_names())
run("segment", lambda: [str(ds.segment("seg0")), sorted(ds.segment("seg0").layers())])
run("segment_schema", lambda: ds.segment("seg0").schema().column_names())
run("segment_missing", lambda: ds.segment("zzz"))
run("layer", lambda: [str(ds.layer("base")), sorted(ds.layer("base").segment_ids())])
run("layer_missing", lambda: ds.layer("zzz"))
run("manifest_rows", lambda: ds.manifest().count())
run("segment_url", lambda: [ds.segment_url("seg0").split("?")[1], ds.segment_url("seg0", "frame", 1, 2).split("?")[1],
    ds.segment_url("s", "t", datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=timezone.utc), datetime(2024, 1, 2, 3, 4, 6)).split("?")[1],
    ds.segment_url("s", "t", timedelta(seconds=1.5), timedelta(microseconds=3)).split("?")[1]])
run("segment_url_no_timeline", lambda: ds.segment_url("s", None, 1, 2))
# --- tables
schema = pa.schema([pa.field("rerun_segment_id", pa.string(), metadata={"rerun:is_table_index": "true"}),
                    pa.field("score", pa.float64()), pa.field("tags", pa.list_(pa.string()))])
t = c.create_table("meta", schema)
run("table", lambda: [repr(t), str(t.kind), t.arrow_schema().names])
run("create_table_dup", lambda: c.create_table("meta", schema))
run("append_named", lambda: t.append(rerun_segment_id=["seg0", "seg1"], score=[1.0, 2.0], tags=[["a"], ["b", "c"]]))
run("append_batch", lambda: t.append(pa.RecordBatch.from_pydict({"rerun_segment_id": ["x"], "score": [3.0], "tags": [None]}, schema=schema)))
run("append_both", lambda: t.append(pa.RecordBatch.from_pydict({"rerun_segment_id": ["x"], "score": [3.0], "tags": [None]}, schema=schema), score=1.0))
run("append_mismatch", lambda: t.append(rerun_segment_id=["q"], score=[1.0, 2.0]))
run("append_unknown", lambda: t.append(nope=[1]))
run("upsert", lambda: t.upsert(rerun_segment_id=["seg0"], score=[10.0]))
run("rows", lambda: rows(t.reader().to_arrow_table()))
run("arrow_reader", lambda: rows(t.to_arrow_reader().read_all()))
run("ctx_sql", lambda: c.ctx.sql("SELECT count(*) AS n FROM meta").to_pydict())
run("join_meta", lambda: ds.segment_table(join_meta=t).select("rerun_segment_id", "score").sort("rerun_segment_id").to_pydict())
run("join_meta_df", lambda: ds.segment_table(join_meta=t.reader().select("rerun_segment_id", "tags")).select("rerun_segment_id", "tags").sort("rerun_segment_id").to_pydict())
run("join_bad_key", lambda: ds.segment_table(join_meta=t, join_key="score"))
run("overwrite", lambda: [t.overwrite(rerun_segment_id=["only"], score=[0.5]), rows(t.reader().to_arrow_table())])
run("get_table", lambda: [repr(c.get_table("meta")), c.get_table(id=t.id).name])
run("table_bp", lambda: [str(t.blueprint_dataset().kind), t.default_blueprint(), t.blueprints()])
run("rename_table", lambda: [t.set_name("meta2"), sorted(c.table_names())])
run("update", lambda: [t.update(name="meta3"), t.name])
run("register_table", lambda: repr(c.register_table("reg", t.storage_url)))
run("delete_table", lambda: [t.delete(), sorted(c.table_names())])
# --- registration
d = c.create_dataset("regds")
run("register_str", lambda: d.register(X + "/new.rrd").wait().segment_ids)
run("register_layers", lambda: d.register([X + "/new.rrd", X + "/new2.rrd"], layer_name=["extra", "base"]).wait().segment_ids)
run("register_dup", lambda: d.register([X + "/new.rrd"]).wait())
run("register_dup_iter", lambda: [(r.segment_id, r.is_error) for r in d.register([X + "/new.rrd", X + "/props.rrd"]).iter_results()])
run("register_skip", lambda: d.register([X + "/new.rrd"], on_duplicate=OnDuplicateSegmentLayer.SKIP).wait().segment_ids)
run("register_replace", lambda: d.register([X + "/new.rrd"], on_duplicate="replace").wait().segment_ids)
run("register_bad_layers", lambda: d.register([X + "/new.rrd"], layer_name=["a", "b"]))
run("register_bad_dup", lambda: d.register([X + "/new.rrd"], on_duplicate="zzz"))
run("register_missing", lambda: d.register([X + "/nope.rrd"]))
run("register_empty", lambda: d.register([]))
run("cancel", lambda: (lambda op: [op.cancel(), op.wait().segment_ids])(d.register([X + "/new2.rrd"], layer_name="l3")))
run("prefix", lambda: sorted(d.register_prefix(X + "/prefix", layer_name="pfx").wait().segment_ids))
run("prefix_relative", lambda: d.register_prefix("/tmp/x"))
run("layers", lambda: sorted((s, sorted(d.segment(s).layers())) for s in d.segment_ids()))
run("info2", lambda: repr(d.info()).split("\n")[1:5])
run("properties_cols", lambda: [n for n in d.segment_table().schema().names if n.startswith("property:")])
run("delete_properties", lambda: d.delete_segment_properties("propseg"))
run("unregister_layer", lambda: d.unregister(segments_to_drop=[], layers_to_drop=["pfx"]).wait())
run("unregister_none", lambda: d.unregister(segments_to_drop=[], layers_to_drop=[]))
run("unregister_seg", lambda: d.unregister(segments_to_drop="newseg2", layers_to_drop=[]).wait())
run("delete_layer", lambda: d.segment("newseg").delete_layer("extra").wait())
run("layers2", lambda: sorted((s, sorted(d.segment(s).layers())) for s in d.segment_ids()))
# --- blueprints
run("bp_register", lambda: d.register_blueprint(X + "/bp.rbl"))
run("bp_default", lambda: [d.default_blueprint() is not None, d.default_blueprint() == c.get_dataset("regds").default_blueprint(), len(d.blueprints())])
run("bp_nodefault", lambda: [d.register_blueprint(X + "/bp2.rbl", set_default=False), len(d.blueprints())])
run("bp_clear", lambda: [d.set_default_blueprint(None), d.default_blueprint(), c.get_dataset("regds").default_blueprint()])
run("bp_unchecked", lambda: [d.set_default_blueprint("nonexistent"), c.get_dataset("regds").default_blueprint()])
run("bp_segment_table", lambda: [d.register_blueprint(X + "/bp2.rbl", segment_table=True), c.get_dataset("regds").default_segment_table_blueprint() in d.blueprints()])
# --- assets
run("asset", lambda: d.register_asset(X + "/asset1.rrd"))
run("assets", lambda: [d.assets(), d.assets_for_segment("newseg")])
run("asset_remove", lambda: [d.remove_segments_from_asset("asset1", ["newseg"]), d.assets_for_segment("newseg"), d.assets_for_segment("propseg")])
run("asset_add", lambda: [d.add_segments_to_asset("asset1", ["newseg"]), d.assets_for_segment("newseg")])
run("asset_temporal", lambda: d.register_asset(X + "/new.rrd"))
run("unregister_asset", lambda: [d.unregister_asset("asset1"), d.assets()])
# --- maintenance and lifecycle
run("maintenance", lambda: d.do_maintenance())
run("global_maintenance", lambda: c.do_global_maintenance())
run("rename_dup", lambda: d.set_name("mydata"))
run("delete", lambda: [d.delete(), d.name, sorted(c.dataset_names())])
run("deleted_use", lambda: d.segment_ids())
print(json.dumps(out, sort_keys=True))
"""


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, oracle: Oracle) -> Path:
    root = tmp_path_factory.mktemp("client_interop")
    make_dataset_dir(root / "ds")
    extra = root / "extra"
    (extra / "prefix" / "sub").mkdir(parents=True)
    write_segment(extra / "new.rrd", "newseg", 7.0)
    write_segment(extra / "new2.rrd", "newseg2", 8.0)
    write_segment(extra / "prefix" / "a.rrd", "seg0", 0.0)
    write_segment(extra / "prefix" / "sub" / "b.rrd", "newseg2", 8.0)
    (extra / "prefix" / "readme.txt").write_text("not a recording")
    oracle.run_script(FILES_SCRIPT, str(extra))
    return root


def _run(python: list[str], env: dict[str, str] | None, oracle: Oracle, data_dir: Path) -> dict[str, Any]:
    port = free_port()
    cmd = [
        str(oracle.rerun),
        "server",
        "--host",
        "127.0.0.1",
        "-p",
        str(port),
        "-d",
        f"mydata={data_dir / 'ds'}",
    ]
    with server_process(cmd, port, env=oracle.env()):
        proc = subprocess.run(
            [*python, "-c", SCRIPT, f"rerun+http://127.0.0.1:{port}", (data_dir / "extra").as_uri()],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def outputs(oracle: Oracle, data_dir: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    theirs = _run([str(oracle.python), "-P"], oracle.env(), oracle, data_dir)
    ours = _run([sys.executable], None, oracle, data_dir)
    return ours, theirs


STEPS = [line.split('run("')[1].split('"')[0] for line in SCRIPT.splitlines() if line.startswith('run("')]


@pytest.mark.parametrize("step", STEPS)
def test_step_matches_real_client(step: str, outputs: tuple[dict[str, Any], dict[str, Any]]) -> None:
    ours, theirs = outputs
    assert ours[step] == theirs[step]


def test_real_client_behaviour_pinned(outputs: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """What 0.41 does, asserted directly (so the comparison cannot pass on two equal wrong answers)."""
    _, theirs = outputs
    assert theirs["missing_name"] == {"error": "LookupError", "lookup": True}
    assert theirs["missing_id"] == {"error": "NotFoundError", "lookup": False}
    assert theirs["create_dup"] == {"error": "AlreadyExistsError", "lookup": False}
    assert theirs["register_str"] == {"value": ["newseg"], "warnings": ["DeprecationWarning"]}
    assert theirs["register_dup"] == {"error": "ValueError", "lookup": False}
    assert theirs["register_dup_iter"] == [["newseg", True], ["propseg", False]]
    assert theirs["prefix"] == ["newseg2", "seg0"]
    assert theirs["join_meta"] == {"rerun_segment_id": ["seg0", "seg1"], "score": [10.0, 2.0]}
    assert theirs["assets"] == [["asset1"], ["asset1"]]
    assert theirs["hash"] == {"error": "TypeError", "lookup": False}
