"""The generated call sequence of the catalog differential test, run by the real 0.41 client.

``python -P _catalog_diff_driver.py URL DATA OUT`` runs every case of ``cases()`` in order on one
``CatalogClient(URL)`` (cases build on each other: the server starts empty) and writes OUT as
JSON: case name -> normalised outcome (the value, or the exception's class and message). Entry
ids, times, host:port and the data directory are normalised so that two servers' runs compare.
Importing the module is free of rerun imports, so the test can list the case names.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

Case = tuple[str, Callable[..., Any]]  # called with the Ctx; defaults bind generated values

ODD_NAMES = ["plain", "with space", "données", "a-b.c_d", "MyCase", "x" * 200, "semi;colon", "emoji🙂"]
BAD_NAMES = ["", "a/b", "..", "tab\tname"]
INDEXES = ["frame", "time", "elapsed", None, "nope"]
CONTENTS: list[Any] = [
    None,
    "/world/**",
    ["/**", "-/world/points"],
    "/doc",
    "/nothing/**",
    ["/scalars", "/log"],
]
SEGMENTS: list[Any] = [None, ["ep_b"], ["ep_a", "ep_c"], [], ["ep_zzz"]]
VALUES: list[Any] = [[0, 3, 7], {"ep_a": [1, 2], "ep_b": [7, 100]}, [], [-5]]


class Ctx:
    """The client, the data directory's URL, and what earlier cases created."""

    def __init__(self, url: str, data: str, tag: str) -> None:
        from rerun.catalog import CatalogClient

        self.client = CatalogClient(url)
        self.data = data.rstrip("/")
        self.tag = tag  # per server: where its Lance tables go

    def f(self, rel: str) -> str:
        return f"{self.data}/{rel.replace('tables_TAG', f'tables_{self.tag}')}"

    def ds(self, name: str = "main") -> Any:
        return self.client.get_dataset(name)


# Column order is compared only on the "seq" dataset, whose files are registered one at a time:
# the real server merges segment schemas in the order their (concurrent) registrations finish.
ORDERED = {"on": False}


def _ordered(on: bool) -> None:
    ORDERED["on"] = on


def _cols(items: list[Any]) -> list[Any]:
    return items if ORDERED["on"] else sorted(items, key=str)


def _table(t: Any, keep_order: bool = False) -> dict[str, Any]:
    """A pa.Table as its schema (names, types, metadata keys) and rows (sorted unless told not to)."""
    import pyarrow as pa

    if isinstance(t, pa.RecordBatchReader):
        t = t.read_all()
    schema = _cols([[f.name, str(f.type), sorted((f.metadata or {}).items())] for f in t.schema])
    rows = [json.dumps(r, sort_keys=True, default=str) for r in t.to_pylist()]
    return {"schema": schema, "rows": rows if keep_order else sorted(rows)}


def _reader(df: Any) -> dict[str, Any]:
    """A reader's frame: rows stably ordered by segment (the servers may interleave segments)."""
    t = df.to_arrow_table()
    out = _table(t, keep_order=True)
    if "rerun_segment_id" in t.column_names:
        segs = t.column("rerun_segment_id").to_pylist()
        out["rows"] = [r for _, r in sorted(zip(segs, out["rows"], strict=True), key=lambda p: p[0] or "")]
    return out


def _schema(s: Any) -> Any:
    return {
        "names": _cols(s.column_names()),
        "index": _cols([repr(c) for c in s.index_columns()]),
        "components": _cols([repr(c) for c in s.component_columns()]),
        "entities": s.entity_paths(),
        "archetypes": s.archetypes(),
        "types": s.component_types(),
    }


def _entries(c: Any) -> Any:
    return [sorted(c.dataset_names()), sorted(c.table_names()), sorted(c.entry_names(include_hidden=True))]


def entry_cases() -> Iterator[Case]:
    for i, name in enumerate(ODD_NAMES):
        yield f"create odd name {i}", lambda x, n=name: [x.client.create_dataset(n).name, _entries(x.client)]
        yield f"get odd name {i}", lambda x, n=name: [x.ds(n).name, str(x.ds(n).kind), repr(x.ds(n))]
    for i, name in enumerate(BAD_NAMES):
        yield f"create bad name {i}", lambda x, n=name: x.client.create_dataset(n).name
        yield f"create table bad name {i}", lambda x, n=name: x.client.create_table(n, _meta_schema()).name
    yield "entries", lambda x: _entries(x.client)
    yield "create duplicate", lambda x: x.client.create_dataset("plain")
    yield "create exist_ok", lambda x: x.client.create_dataset("plain", exist_ok=True).name
    yield "get missing", lambda x: x.ds("missing")
    yield "get missing table", lambda x: x.client.get_table("missing")
    yield "get unknown id", lambda x: x.client.get_dataset(id="00000000000000010000000000000002")
    yield "get bad id", lambda x: x.client.get_dataset(id="not-an-id")
    yield "get dataset as table", lambda x: x.client.get_table("plain")
    yield "get by id", lambda x: x.client.get_dataset(id=x.ds("plain").id).name
    yield "rename", lambda x: [x.ds("MyCase").set_name("renamed"), _entries(x.client)]
    yield "rename to existing", lambda x: x.ds("renamed").set_name("plain")
    yield "update name", lambda x: [x.ds("renamed").update(name="renamed2"), x.ds("renamed2").name]
    yield "rename to bad", lambda x: x.ds("renamed2").set_name("a/b")
    yield "delete", lambda x: [x.ds("renamed2").delete(), _entries(x.client)]
    yield "use after delete", lambda x: x.ds("renamed2")
    yield "delete twice", lambda x: (lambda d: [d.delete(), d.delete()])(x.ds("a-b.c_d"))
    yield "info", lambda x: repr(x.ds("plain").info()).split("\n")[1:]
    yield "version features", lambda x: x.client.version_info().features
    yield "datasets", lambda x: sorted(d.name for d in x.client.datasets())
    yield (
        "entries objects",
        lambda x: sorted(f"{e.name}:{e.kind}" for e in x.client.entries(include_hidden=True)),
    )


def registration_cases() -> Iterator[Case]:
    yield "create main", lambda x: x.client.create_dataset("main").name
    yield "register one", lambda x: _reg(x.ds().register([x.f("recs/ep_a.rrd")]).wait())
    yield "register two", lambda x: _reg(x.ds().register([x.f("recs/ep_b.rrd"), x.f("recs/ep_c.rrd")]).wait())
    yield "register duplicate", lambda x: _reg(x.ds().register([x.f("recs/ep_a.rrd")]).wait())
    yield "register dup iter", lambda x: _iter(x.ds().register([x.f("layer/ep_a_extra.rrd")]))
    for mode in ("skip", "replace", "error"):
        yield (
            f"register on_duplicate {mode}",
            lambda x, m=mode: _reg(x.ds().register([x.f("recs/ep_c.rrd")], on_duplicate=m).wait()),
        )
    yield (
        "register layer",
        lambda x: _reg(x.ds().register([x.f("layer/ep_a_extra.rrd")], layer_name="extra").wait()),
    )
    yield (
        "register layer list",
        lambda x: _reg(
            x.ds().register([x.f("recs/ep_b.rrd"), x.f("recs/ep_c.rrd")], layer_name=["l2", "l3"]).wait()
        ),
    )
    yield "register bad layer count", lambda x: x.ds().register([x.f("recs/ep_b.rrd")], layer_name=["a", "b"])
    yield "register missing file", lambda x: _reg(x.ds().register([x.f("recs/nope.rrd")]).wait())
    yield "register non-rrd", lambda x: _reg(x.ds().register([x.f("bad.rrd")]).wait())
    yield "register empty file", lambda x: _reg(x.ds().register([x.f("empty.rrd")]).wait())
    yield "register nothing", lambda x: x.ds().register([])
    yield "register bad on_duplicate", lambda x: x.ds().register([x.f("recs/ep_a.rrd")], on_duplicate="zzz")
    yield "create prefixed", lambda x: x.client.create_dataset("pre").name
    yield "register prefix", lambda x: _reg(x.ds("pre").register_prefix(x.f("prefix")).wait())
    yield (
        "register prefix layer",
        lambda x: _reg(x.ds("pre").register_prefix(x.f("prefix"), layer_name="px").wait()),
    )
    yield "register prefix again", lambda x: _reg(x.ds("pre").register_prefix(x.f("prefix")).wait())
    yield "register prefix missing", lambda x: _reg(x.ds("pre").register_prefix(x.f("nodir")).wait())
    yield "segment ids", lambda x: sorted(x.ds().segment_ids())
    yield "layers", lambda x: sorted((s, sorted(x.ds().segment(s).layers())) for s in x.ds().segment_ids())
    yield (
        "layer segments",
        lambda x: [sorted(x.ds().layer(n).segment_ids()) for n in ("base", "extra", "l2", "zz")],
    )
    yield "segment missing", lambda x: x.ds().segment("zzz").layers()
    yield "segment url prop", lambda x: x.ds().segment("ep_a").url
    yield "prefix segments", lambda x: sorted(x.ds("pre").segment_ids())


def _reg(result: Any) -> Any:
    return sorted(result.segment_ids)


def _iter(op: Any) -> Any:
    return sorted((r.segment_id, r.is_error, r.error) for r in op.iter_results())


def view_cases() -> Iterator[Case]:
    yield "schema", lambda x: _schema(x.ds().schema())
    yield "arrow schema", lambda x: _cols([[f.name, str(f.type)] for f in x.ds().arrow_schema()])
    yield (
        "schema column_for",
        lambda x: repr(x.ds().schema().column_for("/world/points", "Points3D:positions")),
    )
    yield "schema column_for missing", lambda x: repr(x.ds().schema().column_for("/nope", "X:y"))
    for kw in (
        {"entity_path": "/world/points"},
        {"archetype": "Points3D"},
        {"component_type": "rerun.components.Color"},
        {"archetype": "Scalars", "include_properties": True},
        {"include_properties": True},
        {},
    ):
        yield (
            f"columns_for {sorted(kw)}",
            lambda x, k=kw: _cols([repr(c) for c in x.ds().schema().columns_for(**k)]),
        )
    yield "schema props", lambda x: [x.ds().schema().entity_paths(include_properties=True)]
    yield "segment schema", lambda x: _schema(x.ds().segment("ep_b").schema())
    yield "segment table", lambda x: _table(_segment_table(x.ds()))
    yield "segment table pre", lambda x: _table(_segment_table(x.ds("pre")))
    yield "manifest", lambda x: _manifest(x.ds().manifest())
    yield "index ranges", lambda x: _table(x.ds().get_index_ranges().to_arrow_table())
    yield "filtered schema", lambda x: _schema(x.ds().filter_contents(["/world/**"]).schema())
    yield "selection segment ids", lambda x: sorted(x.ds().filter_segments(["ep_a", "zz"]).segment_ids())
    yield "selection segment table", lambda x: _table(_segment_table(x.ds().filter_segments("ep_b")))
    for i, (seg, tl, s, e) in enumerate(
        [
            ("ep_a", None, None, None),
            ("ep_a", "frame", 1, 3),
            ("ep_b", "time", dt.datetime(2023, 11, 14, tzinfo=dt.UTC), None),
            ("ep_c", "elapsed", dt.timedelta(seconds=1), dt.timedelta(seconds=2)),
            ("nope", None, 1, 2),
        ]
    ):
        yield f"segment_url {i}", lambda x, a=(seg, tl, s, e): x.ds().segment_url(*a)


def _segment_table(ds: Any) -> Any:
    """The segment table without the byte sizes (the real server re-encodes, see test_redap_parity)."""
    t = ds.segment_table().to_arrow_table()
    return t.select([n for n in t.column_names if "size" not in n])


def _manifest(df: Any) -> Any:
    t = df.to_arrow_table()
    keep = [n for n in t.column_names if "size" not in n and "offset" not in n and "byte" not in n]
    return {"columns": _cols(t.column_names), **_table(t.select(keep))}


def reader_cases() -> Iterator[Case]:
    for i, (index, contents) in enumerate(itertools.product(INDEXES, CONTENTS)):
        yield (
            f"reader {index} contents {i % len(CONTENTS)}",
            lambda x, a=(index, contents): _read(x, a[0], a[1], None),
        )
    for i, (index, segs) in enumerate(itertools.product(["frame", "time", None], SEGMENTS)):
        yield (
            f"reader {index} segments {i % len(SEGMENTS)}",
            lambda x, a=(index, segs): _read(x, a[0], None, a[1]),
        )
    for i, (fill, values) in enumerate(itertools.product([False, True], VALUES)):
        yield (
            f"reader values {i}",
            lambda x, a=(fill, values): _read(
                x, "frame", None, None, fill_latest_at=a[0], using_index_values=a[1]
            ),
        )
    yield "reader fill time", lambda x: _read(x, "time", None, None, fill_latest_at=True)
    yield (
        "reader fill elapsed contents",
        lambda x: _read(x, "elapsed", "/world/**", None, fill_latest_at=True),
    )
    yield "reader tombstones", lambda x: _read(x, "frame", None, None, include_tombstone_columns=True)
    yield (
        "reader empty cols",
        lambda x: _read(x, "frame", None, None, include_semantically_empty_columns=True),
    )
    yield "reader values time", lambda x: _read(x, "time", None, ["ep_a"], using_index_values=_times())
    yield "reader filter", lambda x: _filtered(x)
    yield "reader segment count", lambda x: x.ds().reader(index="frame").count()
    yield "reader pre", lambda x: _reader(x.ds("pre").reader(index="frame"))


def _times() -> Any:
    import numpy as np

    t0 = 1_700_000_000_000_000_000
    return np.array([t0 + 10**9, t0 + 25 * 10**8], dtype="datetime64[ns]")


def _read(x: Ctx, index: Any, contents: Any, segs: Any, **kw: Any) -> Any:
    src = x.ds()
    if segs is not None:
        src = src.filter_segments(segs)
    if contents is not None:
        src = src.filter_contents(contents)
    return _reader(src.reader(index=index, **kw))


def _filtered(x: Ctx) -> Any:
    from datafusion import col, lit

    df = (
        x.ds()
        .reader(index="frame")
        .filter(col("frame") >= lit(3))
        .filter(col("rerun_segment_id") == lit("ep_a"))
    )
    return _reader(df.select("rerun_segment_id", "frame", '"/world/points:Points3D:positions"'))


def _meta_schema() -> Any:
    import pyarrow as pa

    return pa.schema(
        [
            pa.field("rerun_segment_id", pa.string(), metadata={"rerun:is_table_index": "true"}),
            pa.field("score", pa.float64()),
            pa.field("tags", pa.list_(pa.string())),
        ]
    )


def ordered_cases() -> Iterator[Case]:
    """Column order, on a dataset registered one file at a time (see ``ORDERED``)."""
    yield "seq create", lambda x: x.client.create_dataset("seq").name
    for rel in ("recs/ep_c.rrd", "recs/ep_b.rrd", "recs/ep_a.rrd", "prefix/p1.rrd"):
        yield f"seq register {rel}", lambda x, r=rel: _reg(x.ds("seq").register([x.f(r)]).wait())
    yield (
        "seq register layer",
        lambda x: _reg(x.ds("seq").register([x.f("layer/ep_a_extra.rrd")], layer_name="zz").wait()),
    )
    yield "seq ordered on", lambda x: _ordered(True)
    yield "seq schema", lambda x: _schema(x.ds("seq").schema())
    yield "seq segment schema", lambda x: _schema(x.ds("seq").segment("ep_a").schema())
    yield "seq index ranges", lambda x: _table(x.ds("seq").get_index_ranges().to_arrow_table())
    for index in ("frame", "time", None):
        yield f"seq reader {index}", lambda x, i=index: _reader(x.ds("seq").reader(index=i))
    yield (
        "seq reader contents",
        lambda x: _reader(x.ds("seq").filter_contents(["/world/**", "/extra"]).reader(index="frame")),
    )
    yield "seq ordered off", lambda x: _ordered(False)
    # the real server's segment table and manifest put the property and time columns in the
    # order of whichever segment it meets first (a hash map's order): compared as sets
    yield "seq segment table", lambda x: _table(_segment_table(x.ds("seq")))
    yield "seq manifest", lambda x: _manifest(x.ds("seq").manifest())


def table_cases() -> Iterator[Case]:
    yield (
        "create table",
        lambda x: [
            x.client.create_table("meta", _meta_schema(), x.f("tables_TAG/meta")).name,
            _entries(x.client),
        ],
    )
    yield "create table dup", lambda x: x.client.create_table("meta", _meta_schema(), x.f("tables_TAG/meta2"))
    yield (
        "create table dataset name",
        lambda x: x.client.create_table("plain", _meta_schema(), x.f("tables_TAG/p")),
    )
    yield (
        "create table odd",
        lambda x: x.client.create_table("t é/x", _meta_schema(), x.f("tables_TAG/odd")).name,
    )
    yield "table repr", lambda x: [repr(x.client.get_table("meta")), str(x.client.get_table("meta").kind)]
    yield "table schema", lambda x: _table(x.client.get_table("meta").reader().to_arrow_table())
    yield (
        "append",
        lambda x: x.client.get_table("meta").append(
            rerun_segment_id=["ep_a", "ep_b"], score=[1.0, 2.0], tags=[["x"], None]
        ),
    )
    yield "append batch", lambda x: x.client.get_table("meta").append(_batch(["ep_c"], [3.0]))
    yield "append bad", lambda x: x.client.get_table("meta").append(nope=[1])
    yield (
        "append mismatch",
        lambda x: x.client.get_table("meta").append(rerun_segment_id=["q"], score=[1.0, 2.0]),
    )
    yield "read after append", lambda x: _table(x.client.get_table("meta").reader().to_arrow_table())


def table_write_cases() -> Iterator[Case]:
    """Upsert / overwrite / SQL / register / rename / delete on the table ``table_cases`` made."""
    yield (
        "upsert",
        lambda x: x.client.get_table("meta").upsert(rerun_segment_id=["ep_a", "ep_new"], score=[10.0, 5.0]),
    )
    yield "read after upsert", lambda x: _table(x.client.get_table("meta").reader().to_arrow_table())
    yield (
        "sql",
        lambda x: x.client.ctx.sql(
            "SELECT rerun_segment_id, score FROM meta ORDER BY rerun_segment_id"
        ).to_pydict(),
    )
    yield (
        "join meta",
        lambda x: _table(
            x.ds()
            .segment_table(join_meta=x.client.get_table("meta"))
            .select("rerun_segment_id", "score")
            .to_arrow_table()
        ),
    )
    yield (
        "overwrite",
        lambda x: x.client.get_table("meta").overwrite(rerun_segment_id=["only"], score=[0.5], tags=[["z"]]),
    )
    yield "read after overwrite", lambda x: _table(x.client.get_table("meta").to_arrow_reader())
    yield (
        "register table",
        lambda x: x.client.register_table("meta_again", x.client.get_table("meta").storage_url).name,
    )
    yield "read registered", lambda x: _table(x.client.get_table("meta_again").reader().to_arrow_table())
    yield "register table missing", lambda x: x.client.register_table("gone", x.f("tables_TAG/none"))
    yield (
        "rename table",
        lambda x: [x.client.get_table("meta_again").set_name("meta3"), sorted(x.client.table_names())],
    )
    yield "delete table", lambda x: [x.client.get_table("meta3").delete(), sorted(x.client.table_names())]
    yield (
        "table blueprint dataset",
        lambda x: [
            str(x.client.get_table("meta").blueprint_dataset().kind),
            x.client.get_table("meta").default_blueprint(),
        ],
    )


def _batch(ids: list[str], scores: list[float]) -> Any:
    import pyarrow as pa

    return pa.RecordBatch.from_pydict(
        {"rerun_segment_id": ids, "score": scores, "tags": [None] * len(ids)}, schema=_meta_schema()
    )


def blueprint_cases() -> Iterator[Case]:
    yield "no blueprints", lambda x: [x.ds().blueprints(), x.ds().default_blueprint()]
    yield "register blueprint", lambda x: x.ds().register_blueprint(x.f("bp.rbl"))
    yield (
        "blueprints",
        lambda x: [len(x.ds().blueprints()), x.ds().default_blueprint() in x.ds().blueprints()],
    )
    yield (
        "register blueprint no default",
        lambda x: [x.ds().register_blueprint(x.f("bp2.rbl"), set_default=False), len(x.ds().blueprints())],
    )
    yield (
        "blueprint dataset",
        lambda x: [
            str(x.ds().blueprint_dataset().kind),
            sorted(x.ds().blueprint_dataset().segment_ids()) == sorted(x.ds().blueprints()),
        ],
    )
    yield "clear default", lambda x: [x.ds().set_default_blueprint(None), x.ds().default_blueprint()]
    yield "set default unknown", lambda x: [x.ds().set_default_blueprint("zzz"), x.ds().default_blueprint()]
    yield "register blueprint missing", lambda x: x.ds().register_blueprint(x.f("nobp.rbl"))
    yield (
        "segment table blueprint",
        lambda x: [
            x.ds().register_blueprint(x.f("bp2.rbl"), segment_table=True),
            x.ds().default_segment_table_blueprint() is not None,
        ],
    )


def teardown_cases() -> Iterator[Case]:
    yield (
        "delete properties",
        lambda x: [x.ds().delete_segment_properties("ep_a"), _table(_segment_table(x.ds()))],
    )
    yield (
        "unregister layer",
        lambda x: _unreg(x.ds().unregister(segments_to_drop=[], layers_to_drop=["extra"])),
    )
    yield (
        "unregister segment",
        lambda x: _unreg(x.ds().unregister(segments_to_drop="ep_b", layers_to_drop=[])),
    )
    yield "unregister unknown", lambda x: _unreg(x.ds().unregister(segments_to_drop="zzz", layers_to_drop=[]))
    yield "unregister nothing", lambda x: _unreg(x.ds().unregister(segments_to_drop=[], layers_to_drop=[]))
    yield "delete layer", lambda x: _unreg(x.ds().segment("ep_c").delete_layer("l3"))
    yield (
        "after unregister",
        lambda x: [sorted((s, sorted(x.ds().segment(s).layers())) for s in x.ds().segment_ids())],
    )
    yield "reader after unregister", lambda x: _read(x, "frame", "/extra", None)
    yield "delete dataset with data", lambda x: [x.ds("pre").delete(), _entries(x.client)]
    yield (
        "entries final",
        lambda x: sorted(f"{e.name}:{e.kind}" for e in x.client.entries(include_hidden=True)),
    )


def extra_cases() -> Iterator[Case]:
    """Segment stores, assets, maintenance, entry attributes, selections by DataFrame."""
    yield "segment store schema", lambda x: _schema(x.ds().segment_store("ep_b").schema())
    yield "segment store summary", lambda x: str(x.ds().segment_store("ep_c", include_assets=False).summary())
    yield "segment store rows", lambda x: _store_rows(x.ds().segment_store("ep_a"))
    yield "segment store missing", lambda x: x.ds().segment_store("zzz").summary()
    yield "register asset", lambda x: x.ds().register_asset(x.f("recs/ep_c.rrd"))
    yield "assets", lambda x: [x.ds().assets(), x.ds().assets_for_segment("ep_a")]
    yield "asset remove", lambda x: _asset_edit(x, "remove_segments_from_asset", ["ep_a"])
    yield "asset add", lambda x: _asset_edit(x, "add_segments_to_asset", ["ep_a"])
    yield "asset missing", lambda x: x.ds().register_asset(x.f("recs/none.rrd"))
    yield "unregister asset", lambda x: [x.ds().unregister_asset("ep_c"), x.ds().assets()]
    yield "maintenance", lambda x: [x.ds().do_maintenance(), x.client.do_global_maintenance()]
    yield "entry attrs", lambda x: _attrs(x.ds())
    yield "table attrs", lambda x: _attrs(x.client.get_table("meta"))
    yield "create table no url", lambda x: x.client.create_table("nourl", _meta_schema()).name
    yield "filter segments df", lambda x: _read_df_segments(x)
    yield "values df", lambda x: _values_df(x)
    yield (
        "filter contents bad",
        lambda x: _reader(x.ds().filter_contents("not a path(").reader(index="frame")),
    )
    yield "reader bad values", lambda x: x.ds().reader(index="frame", using_index_values={"ep_a": "x"})
    yield (
        "unregister force",
        lambda x: _unreg(x.ds().unregister(segments_to_drop="zzz", layers_to_drop=[], force=True)),
    )


def _store_rows(store: Any) -> Any:
    chunks = list(store.stream())
    return (
        sorted(str(c.entity_path) for c in chunks)
        if chunks and hasattr(chunks[0], "entity_path")
        else len(chunks)
    )


def _asset_edit(x: Ctx, method: str, segs: list[str]) -> Any:
    getattr(x.ds(), method)("ep_c", segs)
    return x.ds().assets_for_segment("ep_a")


def _attrs(e: Any) -> Any:
    return [type(e.created_at).__name__, type(e.updated_at).__name__, str(e.kind), e.name, e == e.id]


def _read_df_segments(x: Ctx) -> Any:
    ids = (
        x.ds()
        .segment_table()
        .select("rerun_segment_id")
        .filter(__import__("datafusion").col("rerun_segment_id") != "ep_b")
    )
    return _reader(x.ds().filter_segments(ids).reader(index="frame"))


def _values_df(x: Ctx) -> Any:
    import pyarrow as pa

    ctx = x.client.ctx
    t = pa.table({"rerun_segment_id": ["ep_a", "ep_a", "ep_b"], "frame": pa.array([1, 4, 3], pa.int64())})
    return _reader(x.ds().reader(index="frame", using_index_values=ctx.from_arrow(t)))


def _unreg(handle: Any) -> Any:
    out = handle.wait() if hasattr(handle, "wait") else handle
    return repr(out) if out is not None else None


def check_cases() -> Iterator[Case]:
    """What a client checks itself before calling: table names (SQL), names, index values."""
    for i, name in enumerate(["a.b", "a b", "1abc", "a.", "données", "semi;colon", "[sq]", "a::b"]):
        yield (
            f"create table name {i}",
            lambda x, a=(name, i): (
                x.client.create_table(a[0], _meta_schema(), x.f(f"tables_TAG/n{a[1]}")).name
            ),
        )
    yield "table rename bad", lambda x: x.client.get_table("meta").set_name("a/b")
    yield "register table bad name", lambda x: x.client.register_table("a/b", x.f("tables_TAG/none"))
    for i in range(7):
        yield (
            f"reader values kind {i}",
            lambda x, k=i: _read(x, "frame", None, None, using_index_values=_kind(k)),
        )


def _kind(i: int) -> Any:
    import numpy as np
    import pyarrow as pa

    return [
        (1, 3),
        "x",
        [1.5],
        np.array([1.5]),
        pa.array(["a"]),
        range(3),
        {"ep_a": np.array([1], np.int32)},
    ][i]


def cases() -> list[Case]:
    gens: list[Callable[[], Iterator[Case]]] = [entry_cases, registration_cases, view_cases]
    gens += [reader_cases, ordered_cases, table_cases, table_write_cases, blueprint_cases, extra_cases]
    gens += [check_cases, teardown_cases]
    return [c for g in gens for c in g()]


def run(url: str, data: str, tag: str) -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script under -P
    from _catalog_diff_norm import Normaliser

    ctx = Ctx(url, data, tag)
    norm = Normaliser(url, data, tag)
    out: dict[str, Any] = {}
    for name, fn in cases():
        try:
            value = fn(ctx)
            out[name] = {"value": norm.value(value)}
        except Exception as e:  # the outcome under test
            out[name] = {"error": type(e).__name__, "message": norm.text(str(e))}
    return out


if __name__ == "__main__":
    url, data, out_path, tag = sys.argv[1:5]
    with open(out_path, "w") as f:
        json.dump(run(url, data, tag), f, indent=1, ensure_ascii=False)
