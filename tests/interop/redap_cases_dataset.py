"""Probe cases of the dataset RPCs: registration, segment table, manifests, properties, queries."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import pyarrow as pa
from google.protobuf import empty_pb2

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import common_pb2 as cpb
from rerun_core.proto.gen import log_msg_pb2
from tests.interop.redap_cases import DUP, UNKNOWN_ID, Ctx, add, case, part, seg
from tests.interop.redap_probe import Outcome, merge_stream

ENTRY_RPCS: dict[str, Any] = {
    "RegisterWithDataset": pb.RegisterWithDatasetRequest(
        data_sources=[pb.DataSource(storage_url="file:///nonexistent/x.rrd", typ=pb.DATA_SOURCE_KIND_RRD)]
    ),
    "UnregisterFromDataset": pb.UnregisterFromDatasetRequest(segments_to_drop=[seg("seg0")]),
    "GetSegmentTableSchema": pb.GetSegmentTableSchemaRequest(),
    "ScanSegmentTable": pb.ScanSegmentTableRequest(),
    "GetDatasetManifestSchema": pb.GetDatasetManifestSchemaRequest(),
    "ScanDatasetManifest": pb.ScanDatasetManifestRequest(),
    "GetDatasetSchema": pb.GetDatasetSchemaRequest(),
    "GetSchemas": pb.GetSchemasRequest(),
    "GetRrdManifest": pb.GetRrdManifestRequest(segment_id=seg("seg0")),
    "GetAssetsForSegment": pb.GetAssetsForSegmentRequest(segment_id=seg("seg0")),
    "GetSegmentProperties": pb.GetSegmentPropertiesRequest(),
    "SetSegmentProperties": pb.SetSegmentPropertiesRequest(segment_id=seg("seg0")),
    "DeleteSegmentProperties": pb.DeleteSegmentPropertiesRequest(),
    "QueryDataset": pb.QueryDatasetRequest(),
    "FindChunks": pb.FindChunksRequest(),
    "FetchChunks": pb.FetchChunksRequest(),
}


# The header edge cases, for every entry-scoped dataset RPC.
def _header_cases(rpc: str, req: Any) -> None:
    add(rpc, "missing entry header", lambda c: c.call(rpc, req))
    add(rpc, "unknown entry id", lambda c: c.call(rpc, req, entry=UNKNOWN_ID))
    add(rpc, "table id (wrong kind)", lambda c: c.call(rpc, req, entry=c.table_id()))


for _rpc, _req in ENTRY_RPCS.items():
    _header_cases(_rpc, _req)


def _on(rpc: str, name: str, req: Callable[[Ctx], Any], entry: str = "mydata") -> None:
    add(rpc, name, lambda c: c.call(rpc, req(c), entry=c.id(entry)))


# --- registration ----------------------------------------------------------------------


def _reg(
    name: str,
    rels: list[str],
    *,
    layer: str | None = None,
    prefix: bool = False,
    setup: tuple[str, ...] = (),
    setup_layer: str | None = None,
    on_duplicate: int = 0,
    raw_urls: list[str] | None = None,
) -> None:
    def run(c: Ctx) -> Outcome:
        ds = c.fresh(f"reg_{zlib.crc32(name.encode())}", *setup, layer=setup_layer)
        urls = raw_urls if raw_urls is not None else [c.data.url(r) for r in rels]
        out = c.probe.register(ds, urls, layer=layer, prefix=prefix, on_duplicate=on_duplicate)
        after = c.call(
            "ScanDatasetManifest",
            pb.ScanDatasetManifestRequest(
                columns=["rerun_segment_id", "rerun_layer_name", "rerun_storage_url"]
            ),
            entry=ds,
        )
        out.notes.append(f"manifest after: {_rows(after)}")
        return out

    add("RegisterWithDataset", name, run)


def _rows(out: Outcome) -> Any:
    if out.code != "OK":
        return out.code
    return out.answer.get("table", {}).get("rows", out.answer)


_reg("normal", ["ds/seg0.rrd"])
_reg("two segments", ["ds/seg0.rrd", "ds/seg1.rrd"])
_reg("empty data_sources", [])
_reg("same segment twice in one request", ["ds/seg0.rrd", "extra/seg0_again.rrd"])
_reg("same file twice in one request", ["ds/seg0.rrd", "ds/seg0.rrd"])
_reg("second layer with layer_name", ["extra/layer2.rrd"], layer="extra", setup=("ds/seg0.rrd",))
_reg("layer name empty string", ["ds/seg0.rrd"], layer="")
_reg("layer name a/b", ["ds/seg0.rrd"], layer="a/b")
for _label, _dup in DUP.items():
    _reg(
        f"same layer again, on_duplicate={_label}",
        ["extra/seg0_again.rrd"],
        setup=("ds/seg0.rrd",),
        on_duplicate=_dup,
    )
_reg("conflicting schemas across segments", ["extra/conflict.rrd"], setup=("ds/seg0.rrd",))
_reg("conflicting schema in another layer", ["extra/layer2_conflict.rrd"], layer="l2", setup=("ds/seg0.rrd",))
_reg("non-rrd file", ["bad/not_rrd.txt"])
_reg("truncated file", ["bad/truncated.rrd"])
_reg("corrupt file", ["bad/corrupt.rrd"])
_reg("empty file", ["bad/empty.rrd"])
_reg("nonexistent path", ["nope/missing.rrd"])
_reg("good + bad in one request", ["ds/seg1.rrd", "bad/empty.rrd"])
_reg("directory prefix", ["prefix"], prefix=True)
_reg("directory without prefix flag", ["prefix"])
_reg("prefix with no .rrd", ["noprefix"], prefix=True)
_reg("s3 url", [], raw_urls=["s3://bucket/seg.rrd"])
_reg("s3 prefix", [], prefix=True, raw_urls=["s3://bucket/dir/"])
_reg("file url with a host", [], raw_urls=["file://somehost/tmp/x.rrd"])
_reg("plain path, no scheme", [], raw_urls=["/definitely/not/here.rrd"])
_reg("empty url", [], raw_urls=[""])


@case("RegisterWithDataset", "directory prefix with trailing slash (url)")
def _prefix_slash(c: Ctx) -> Outcome:
    ds = c.fresh("reg_prefix_slash")
    return c.probe.register(ds, [c.data.url("prefix") + "/"], prefix=True)


# --- unregister ------------------------------------------------------------------------


def _unreg(name: str, segs: list[str], layers: list[str], force: bool = False) -> None:
    def run(c: Ctx) -> Outcome:
        ds = c.fresh(f"unreg_{zlib.crc32(name.encode())}", "ds/seg0.rrd", "ds/seg1.rrd")
        c.probe.register(ds, [c.data.url("extra/layer2.rrd")], layer="extra")
        out = c.call(
            "UnregisterFromDataset",
            pb.UnregisterFromDatasetRequest(
                segments_to_drop=[seg(s) for s in segs], layers_to_drop=layers, force=force
            ),
            entry=ds,
        )
        after = c.call(
            "ScanDatasetManifest",
            pb.ScanDatasetManifestRequest(columns=["rerun_segment_id", "rerun_layer_name"]),
            entry=ds,
        )
        out.notes.append(f"left: {_rows(after)}")
        return out

    add("UnregisterFromDataset", name, run)


_unreg("by segment", ["seg1"], [])
_unreg("by layer", [], ["extra"])
_unreg("by segment and layer", ["seg0"], ["extra"])
_unreg("neither", [], [])
_unreg("neither, force", [], [], force=True)
_unreg("unknown segment", ["nope"], [])
_unreg("unknown layer", [], ["nope"])
_unreg("the base layer", [], ["base"])

# --- segment table, manifest, schemas --------------------------------------------------

_on("GetSegmentTableSchema", "normal", lambda c: pb.GetSegmentTableSchemaRequest())
_on("ScanSegmentTable", "all columns", lambda c: pb.ScanSegmentTableRequest())
_on(
    "ScanSegmentTable",
    "columns=[rerun_segment_id]",
    lambda c: pb.ScanSegmentTableRequest(columns=["rerun_segment_id"]),
)
_on("ScanSegmentTable", "unknown column", lambda c: pb.ScanSegmentTableRequest(columns=["nope"]))
_on(
    "ScanSegmentTable",
    "filter scan_only seg0",
    lambda c: pb.ScanSegmentTableRequest(
        segment_id_filter=pb.SegmentIdFilter(scan_only=pb.SegmentIdList(segment_ids=["seg0"]))
    ),
)
_on(
    "ScanSegmentTable",
    "filter skip seg0",
    lambda c: pb.ScanSegmentTableRequest(
        segment_id_filter=pb.SegmentIdFilter(skip=pb.SegmentIdList(segment_ids=["seg0"]))
    ),
)
_on(
    "ScanSegmentTable",
    "filter scan_only unknown",
    lambda c: pb.ScanSegmentTableRequest(
        segment_id_filter=pb.SegmentIdFilter(scan_only=pb.SegmentIdList(segment_ids=["nope"]))
    ),
)
add(
    "ScanSegmentTable",
    "empty dataset",
    lambda c: c.call("ScanSegmentTable", pb.ScanSegmentTableRequest(), entry=c.fresh("sst_empty")),
)
add(
    "ScanSegmentTable",
    "with a second layer",
    lambda c: c.call(
        "ScanSegmentTable",
        pb.ScanSegmentTableRequest(),
        entry=c.fresh("sst_layers", "extra/layer2.rrd", layer="extra"),
    ),
)
_on("GetDatasetManifestSchema", "normal", lambda c: pb.GetDatasetManifestSchemaRequest())
_on("ScanDatasetManifest", "all columns", lambda c: pb.ScanDatasetManifestRequest())
_on(
    "ScanDatasetManifest",
    "columns",
    lambda c: pb.ScanDatasetManifestRequest(columns=["rerun_segment_id", "rerun_layer_name"]),
)
_on("ScanDatasetManifest", "unknown column", lambda c: pb.ScanDatasetManifestRequest(columns=["nope"]))
_on(
    "ScanDatasetManifest",
    "segment filter",
    lambda c: pb.ScanDatasetManifestRequest(
        segment_id_filter=pb.SegmentIdFilter(scan_only=pb.SegmentIdList(segment_ids=["seg1"]))
    ),
)
_on(
    "ScanDatasetManifest",
    "layer filter skip base",
    lambda c: pb.ScanDatasetManifestRequest(
        layer_name_filter=pb.LayerNameFilter(skip=pb.LayerNameList(layer_names=["base"]))
    ),
)
_on("GetDatasetSchema", "normal", lambda c: pb.GetDatasetSchemaRequest())
add(
    "GetDatasetSchema",
    "empty dataset",
    lambda c: c.call("GetDatasetSchema", pb.GetDatasetSchemaRequest(), entry=c.fresh("gds_empty")),
)
add(
    "GetDatasetSchema",
    "two layers",
    lambda c: c.call(
        "GetDatasetSchema",
        pb.GetDatasetSchemaRequest(),
        entry=c.fresh("gds_layers", "ds/seg0.rrd") and _add_layer(c, "gds_layers"),
    ),
)
_on("GetSchemas", "no ids", lambda c: pb.GetSchemasRequest())
_on(
    "GetSchemas",
    "unknown sha",
    lambda c: pb.GetSchemasRequest(schema_ids=[cpb.SchemaId(sha256=b"\x00" * 32)]),
)


def _add_layer(c: Ctx, name: str) -> str:
    ds = c.id(name)
    c.probe.register(ds, [c.data.url("extra/layer2.rrd")], layer="extra")
    return ds


@case("GetSchemas", "ids from the segment table")
def _schemas_known(c: Ctx) -> Outcome:
    out = c.call("GetSchemas", pb.GetSchemasRequest(), entry=c.id("mydata"))
    return out


# --- rrd manifest, assets, properties --------------------------------------------------

_on("GetRrdManifest", "known segment", lambda c: pb.GetRrdManifestRequest(segment_id=seg("seg0")))
_on(
    "GetRrdManifest",
    "known segment, direct urls",
    lambda c: pb.GetRrdManifestRequest(segment_id=seg("seg0"), generate_direct_urls=True),
)
_on("GetRrdManifest", "unknown segment", lambda c: pb.GetRrdManifestRequest(segment_id=seg("nope")))
_on("GetRrdManifest", "no segment id", lambda c: pb.GetRrdManifestRequest())
_on("GetAssetsForSegment", "known segment", lambda c: pb.GetAssetsForSegmentRequest(segment_id=seg("seg0")))
_on("GetAssetsForSegment", "unknown segment", lambda c: pb.GetAssetsForSegmentRequest(segment_id=seg("nope")))
_on("GetSegmentProperties", "all (none set)", lambda c: pb.GetSegmentPropertiesRequest())
_on(
    "GetSegmentProperties",
    "seg0 (none set)",
    lambda c: pb.GetSegmentPropertiesRequest(segment_ids=[seg("seg0")]),
)
_on(
    "GetSegmentProperties",
    "unknown segment",
    lambda c: pb.GetSegmentPropertiesRequest(segment_ids=[seg("nope")]),
)

PROPS = pa.table({"weather": ["sunny"], "score": pa.array([0.5], pa.float64())})


def _props(name: str, steps: Callable[[Ctx, str], list[Outcome]]) -> None:
    def run(c: Ctx) -> Outcome:
        ds = c.fresh(f"props_{zlib.crc32(name.encode())}", "ds/seg0.rrd")
        outs = steps(c, ds)
        last = outs[-1]
        last.notes.extend(f"step {i}: {o.code} {o.message} {o.answer}" for i, o in enumerate(outs[:-1]))
        return last

    add("SetSegmentProperties", name, run)


def _set(c: Ctx, ds: str, s: str = "seg0", rev: int | None = None, table: pa.Table = PROPS) -> Outcome:
    req = pb.SetSegmentPropertiesRequest(segment_id=seg(s), properties=part(table), expected_revision=rev)
    return c.call("SetSegmentProperties", req, entry=ds)


def _get(c: Ctx, ds: str) -> Outcome:
    return c.call("GetSegmentProperties", pb.GetSegmentPropertiesRequest(segment_ids=[seg("seg0")]), entry=ds)


def _delete(c: Ctx, ds: str, rev: int | None = None, s: str = "seg0") -> Outcome:
    req = pb.DeleteSegmentPropertiesRequest(
        segments=[pb.SegmentPropertiesDeletion(segment_id=seg(s), expected_revision=rev)]
    )
    return c.call("DeleteSegmentProperties", req, entry=ds)


def _scan(c: Ctx, ds: str) -> Outcome:
    return c.call("ScanSegmentTable", pb.ScanSegmentTableRequest(), entry=ds)


_props("set then get", lambda c, ds: [_set(c, ds), _get(c, ds)])
_props("set then scan segment table", lambda c, ds: [_set(c, ds), _scan(c, ds)])
_props("set twice (revisions)", lambda c, ds: [_set(c, ds), _set(c, ds, rev=None)])
_props("set with expected_revision=0 first", lambda c, ds: [_set(c, ds, rev=0)])
_props("set with a wrong expected_revision", lambda c, ds: [_set(c, ds), _set(c, ds, rev=99)])
_props("set with the right expected_revision", lambda c, ds: [_set(c, ds, rev=_raw_set(c, ds))])


def _raw_set(c: Ctx, ds: str) -> int:
    req = pb.SetSegmentPropertiesRequest(segment_id=seg("seg0"), properties=part(PROPS))
    return int(c.probe.raw("SetSegmentProperties", req, entry=ds)[0].revision)  # type: ignore[attr-defined]


_props("unknown segment", lambda c, ds: [_set(c, ds, s="nope")])
_props("two rows", lambda c, ds: [_set(c, ds, table=pa.table({"a": [1, 2]}))])
_props("set, delete, get", lambda c, ds: [_set(c, ds), _delete(c, ds), _get(c, ds)])
_props("delete with wrong revision", lambda c, ds: [_set(c, ds), _delete(c, ds, rev=99)])
_props("delete unknown segment", lambda c, ds: [_delete(c, ds, s="nope")])
_props("delete never set", lambda c, ds: [_delete(c, ds)])

# --- queries ---------------------------------------------------------------------------

_q = pb.QueryDatasetRequest
FRAME = cpb.IndexColumnSelector(timeline=cpb.Timeline(name="frame"))
_on("QueryDataset", "empty request", lambda c: _q())
_on("QueryDataset", "select_all_entity_paths", lambda c: _q(select_all_entity_paths=True))
_on("QueryDataset", "entity_paths=[/points]", lambda c: _q(entity_paths=[cpb.EntityPath(path="/points")]))
_on("QueryDataset", "entity_paths=[/nope]", lambda c: _q(entity_paths=[cpb.EntityPath(path="/nope")]))
_on(
    "QueryDataset",
    "exclude_static_data",
    lambda c: _q(select_all_entity_paths=True, exclude_static_data=True),
)
_on(
    "QueryDataset",
    "exclude_temporal_data",
    lambda c: _q(select_all_entity_paths=True, exclude_temporal_data=True),
)
_on(
    "QueryDataset",
    "segment_ids=[seg0]",
    lambda c: _q(segment_ids=[seg("seg0")], select_all_entity_paths=True),
)
_on(
    "QueryDataset",
    "segment_ids=[nope]",
    lambda c: _q(segment_ids=[seg("nope")], select_all_entity_paths=True),
)
_on(
    "QueryDataset",
    "latest_at frame=1",
    lambda c: _q(select_all_entity_paths=True, query=pb.Query(latest_at=pb.QueryLatestAt(index=FRAME, at=1))),
)
_on(
    "QueryDataset",
    "range frame 0..1",
    lambda c: _q(
        select_all_entity_paths=True,
        query=pb.Query(range=pb.QueryRange(index=FRAME, index_range=cpb.TimeRange(start=0, end=1))),
    ),
)
_on(
    "QueryDataset",
    "range on unknown timeline",
    lambda c: _q(
        select_all_entity_paths=True,
        query=pb.Query(
            range=pb.QueryRange(
                index=cpb.IndexColumnSelector(timeline=cpb.Timeline(name="nope")),
                index_range=cpb.TimeRange(start=0, end=1),
            )
        ),
    ),
)
_on("QueryDataset", "unknown chunk_ids", lambda c: _q(chunk_ids=[cpb.Tuid(time_ns=1, inc=1)]))
_on(
    "QueryDataset",
    "fuzzy_descriptors",
    lambda c: _q(select_all_entity_paths=True, fuzzy_descriptors=["Points3D:positions"]),
)
_on(
    "QueryDataset",
    "columns_always_include_everything",
    lambda c: _q(select_all_entity_paths=True, query=pb.Query(columns_always_include_everything=True)),
)

E = empty_pb2.Empty()
_all = pb.SegmentSelection(all=E)
_f = pb.FindChunksRequest
_on("FindChunks", "no mode", lambda c: _f(contents=pb.ContentSelection(all=E)))
_on(
    "FindChunks",
    "static, all segments",
    lambda c: _f(contents=pb.ContentSelection(all=E), static=pb.StaticSelection(segments=_all)),
)
_on(
    "FindChunks",
    "range frame 1..2",
    lambda c: _f(
        contents=pb.ContentSelection(all=E),
        range=pb.RangeSelection(timeline="frame", start_inclusive=1, end_inclusive=2, segments=_all),
    ),
)
_on(
    "FindChunks",
    "range, latest_at fill",
    lambda c: _f(
        contents=pb.ContentSelection(all=E),
        range=pb.RangeSelection(
            timeline="frame",
            start_inclusive=5,
            end_inclusive=6,
            fill_mode=pb.FILL_MODE_LATEST_AT,
            segments=_all,
        ),
    ),
)
_on(
    "FindChunks",
    "range unknown timeline",
    lambda c: _f(
        contents=pb.ContentSelection(all=E), range=pb.RangeSelection(timeline="nope", segments=_all)
    ),
)
_on(
    "FindChunks",
    "samples seg0 [1]",
    lambda c: _f(
        contents=pb.ContentSelection(all=E),
        samples=pb.SegmentSamplesSelection(
            timeline="frame", segments=[pb.SegmentSamples(segment_id=seg("seg0"), values=[1])]
        ),
    ),
)
_on(
    "FindChunks",
    "explicit entity /points",
    lambda c: _f(
        contents=pb.ContentSelection(
            explicit=pb.EntitySelections(
                entities=[pb.EntitySelection(entity_path=cpb.EntityPath(path="/points"), all=E)]
            )
        ),
        static=pb.StaticSelection(segments=_all),
    ),
)
_on(
    "FindChunks",
    "explicit segments [seg1]",
    lambda c: _f(
        contents=pb.ContentSelection(all=E),
        range=pb.RangeSelection(
            timeline="frame", segments=pb.SegmentSelection(explicit=pb.SegmentIds(ids=[seg("seg1")]))
        ),
    ),
)
_on(
    "FindChunks",
    "direct urls",
    lambda c: _f(
        contents=pb.ContentSelection(all=E),
        static=pb.StaticSelection(segments=_all),
        direct_url_mode=pb.DIRECT_URL_MODE_UNSIGNED,
    ),
)


@case("FetchChunks", "keys from QueryDataset")
def _fetch_good(c: Ctx) -> Outcome:
    ds = c.id("mydata")
    parts = [r.data for r in c.probe.raw("QueryDataset", _q(select_all_entity_paths=True), entry=ds)]  # type: ignore[attr-defined]
    out = c.call("FetchChunks", pb.FetchChunksRequest(chunk_infos=parts), entry=ds)
    return _chunks_summary(c, out, parts)


def _chunks_summary(c: Ctx, out: Outcome, parts: list[cpb.DataframePart]) -> Outcome:
    if out.code == "OK":  # ArrowMsg payloads: keep per chunk the entity and row count
        got = c.probe.raw("FetchChunks", pb.FetchChunksRequest(chunk_infos=parts), entry=c.id("mydata"))
        from rerun_core.store.rrd.protocol import arrow_msg_from_proto

        msgs = [m for r in got for m in r.chunks]  # type: ignore[attr-defined]
        summary = sorted(
            [str(arrow_msg_from_proto(m).chunk.entity_path), len(arrow_msg_from_proto(m).chunk)] for m in msgs
        )
        out.answer = {"chunks": summary}
    return out


_on("FetchChunks", "no chunk_infos", lambda c: pb.FetchChunksRequest())
_on(
    "FetchChunks",
    "bad key: table without the key columns",
    lambda c: pb.FetchChunksRequest(chunk_infos=[part(pa.table({"x": [1]}))]),
)
_on(
    "FetchChunks",
    "bad key: garbage chunk_key",
    lambda c: pb.FetchChunksRequest(
        chunk_infos=[part(pa.table({"chunk_key": pa.array([b"garbage"], pa.binary())}))]
    ),
)
_on(
    "FetchChunks",
    "bad key: corrupt DataframePart",
    lambda c: pb.FetchChunksRequest(
        chunk_infos=[
            cpb.DataframePart(encoder_version=1, payload=b"nope", compression=1, uncompressed_size=10)
        ]
    ),
)


def stream_table(c: Ctx, rpc: str, req: Any, entry: str) -> Any:
    return merge_stream(c.probe.norm, c.probe.raw(rpc, req, entry=entry))


_ = log_msg_pb2
