"""Data and queries for the catalog reader parity test: one source, run by both clients.

``QUERIES`` is plain JSON so the oracle script (a subprocess of the real SDK) can run the same
matrix; ``run_query`` applies one entry to a ``DatasetEntry`` of either client.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# Each query: index, reader kwargs, optional segments / contents selection, select, filters.
# Filters: [op, column, value] with op one of ge, le, eq, notnull.
QUERIES: list[dict[str, Any]] = [
    {"name": "full_frame", "index": "frame"},
    {"name": "full_time", "index": "log_time"},
    {"name": "full_step", "index": "step"},
    {"name": "full_duration", "index": "elapsed"},
    {"name": "static", "index": None},
    {
        "name": "select_points",
        "index": "frame",
        "select": ["rerun_segment_id", "frame", "/points:Points3D:positions"],
    },
    {"name": "select_camera", "index": "log_time", "select": ["log_time", "/camera:Scalars:scalars"]},
    {
        "name": "select_camera_frame",
        "index": "frame",
        "select": ["rerun_segment_id", "frame", "/camera:Scalars:scalars"],
    },
    {
        "name": "select_two",
        "index": "frame",
        "select": ["/camera:Scalars:scalars", "frame", "/points:Points3D:positions"],
    },
    {
        "name": "select_mixed_a",
        "index": "frame",
        "select": ["rerun_segment_id", "frame", "/mixed:Scalars:scalars"],
    },
    {"name": "select_static", "index": "frame", "select": ["frame", "/static:TextDocument:text"]},
    {"name": "select_index_only", "index": "frame", "select": ["rerun_segment_id", "frame"]},
    {"name": "select_blob", "index": "frame", "select": ["frame", "/blob:Blob:blob"]},
    {"name": "fill", "index": "frame", "kwargs": {"fill_latest_at": True}},
    {
        "name": "fill_select",
        "index": "frame",
        "kwargs": {"fill_latest_at": True},
        "select": ["frame", "/camera:Scalars:scalars"],
    },
    {"name": "range", "index": "frame", "filters": [["ge", "frame", 3], ["le", "frame", 6]]},
    {
        "name": "range_select",
        "index": "frame",
        "select": ["rerun_segment_id", "frame", "/camera:Scalars:scalars"],
        "filters": [["ge", "frame", 2]],
    },
    {"name": "segment_eq", "index": "frame", "filters": [["eq", "rerun_segment_id", "seg1"]]},
    {"name": "notnull", "index": "frame", "filters": [["notnull", "/camera:Scalars:scalars", None]]},
    {
        "name": "values_dict",
        "index": "frame",
        "kwargs": {"fill_latest_at": True, "using_index_values": {"seg0": [1, 4, 20], "seg1": [0]}},
    },
    {"name": "values_plain", "index": "frame", "kwargs": {"using_index_values": [2, 5]}},
    {"name": "filter_segments", "index": "frame", "segments": ["seg1"]},
    {"name": "filter_contents", "index": "frame", "contents": ["/points/**", "/static"]},
    {"name": "filter_contents_excl", "index": "frame", "contents": ["/**", "-/mixed"]},
    {"name": "segments_contents", "index": "log_time", "segments": ["seg0"], "contents": ["/camera"]},
    {"name": "tombstones", "index": "frame", "kwargs": {"include_tombstone_columns": True}},
    {"name": "empty_cols", "index": "frame", "kwargs": {"include_semantically_empty_columns": True}},
]


def run_query(dataset: Any, query: dict[str, Any]) -> Any:
    """The query on a DatasetEntry of either client, as a pa.Table sorted by segment (stable)."""
    from datafusion import col, lit

    source = dataset
    if query.get("segments") is not None:
        source = source.filter_segments(query["segments"])
    if query.get("contents") is not None:
        source = source.filter_contents(query["contents"])
    df = source.reader(index=query["index"], **query.get("kwargs", {}))
    for op, name, value in query.get("filters", []):
        c = col(f'"{name}"') if ":" in name or "/" in name else col(name)
        if op == "notnull":
            df = df.filter(c.is_not_null())
        else:
            v = lit(value)
            df = df.filter({"ge": c >= v, "le": c <= v, "eq": c == v}[op])
    if query.get("select"):
        df = df.select(*[f'"{n}"' if "/" in n else n for n in query["select"]])
    table = df.to_arrow_table()
    if "rerun_segment_id" in table.column_names and table.num_rows:
        import pyarrow.compute as pc

        order = pc.sort_indices(table, sort_keys=[("rerun_segment_id", "ascending")])
        table = table.take(order)
    return table


def write_dataset(root: Path, segments: int = 2) -> Path:
    """Segments with several timelines, sparse and mixed chunks, static data, blobs, a clear."""
    import pyarrow as pa

    from rerun_core.store.chunk import Chunk, TimeColumn
    from rerun_core.store.messages import ArrowMsg, SetStoreInfo, StoreId, StoreInfo, StoreKind
    from rerun_core.store.rrd import RrdWriter
    from rerun_core.types import ComponentDescriptor, TimeType
    from rerun_core.types.tuid import TuidGenerator

    ids = TuidGenerator()
    pos = ComponentDescriptor(
        "Points3D:positions", "rerun.archetypes.Points3D", "rerun.components.Position3D"
    )
    scalar = ComponentDescriptor("Scalars:scalars", "rerun.archetypes.Scalars", "rerun.components.Scalar")
    text = ComponentDescriptor("TextDocument:text", "rerun.archetypes.TextDocument", "rerun.components.Text")
    log_text = ComponentDescriptor("TextLog:text", "rerun.archetypes.TextLog", "rerun.components.Text")
    blob = ComponentDescriptor("Blob:blob", None, None)  # real Blob columns need a has_static_data index
    clear = ComponentDescriptor(
        "Clear:is_recursive", "rerun.archetypes.Clear", "rerun.components.ClearIsRecursive"
    )
    f32x3 = pa.list_(pa.list_(pa.field("item", pa.float32(), False), 3))
    f64 = pa.list_(pa.float64())

    def chunk(path: str, times: dict[str, tuple[TimeType, list[int]]], comps: dict[Any, pa.Array]) -> Chunk:
        n = len(next(iter(comps.values())))
        cols = [TimeColumn.from_values(k, t, v) for k, (t, v) in times.items()]
        return Chunk.from_columns(path, ids.new_block(n), cols, comps, chunk_id=ids.new())

    root.mkdir(parents=True, exist_ok=True)
    t0 = 1_700_000_000_000_000_000
    for s in range(segments):
        frames = list(range(10))
        sid = StoreId(StoreKind.RECORDING, f"seg{s}", "reader_parity")
        chunks = [
            chunk(
                "/points",
                {
                    "frame": (TimeType.SEQUENCE, frames),
                    "log_time": (TimeType.TIMESTAMP, [t0 + f * 10**6 for f in frames]),
                },
                {pos: pa.array([[[float(f), float(s), 0.0]] for f in frames], f32x3)},
            ),
            chunk(
                "/camera",
                {
                    "frame": (TimeType.SEQUENCE, [0, 3, 6, 9]),
                    "log_time": (TimeType.TIMESTAMP, [t0 + f * 10**6 for f in (0, 3, 6, 9)]),
                },
                {scalar: pa.array([[float(f) + s] for f in (0, 3, 6, 9)], f64)},
            ),
            chunk(
                "/mixed",
                {"frame": (TimeType.SEQUENCE, [1, 2, 5, 7])},
                {
                    scalar: pa.array([[1.0], None, [5.0], None], f64),
                    log_text: pa.array([None, ["b"], ["c"], ["d"]], pa.list_(pa.string())),
                },
            ),
            chunk(
                "/stepped",
                {
                    "step": (TimeType.SEQUENCE, [10 + s, 20, 30]),
                    "log_tick": (TimeType.SEQUENCE, [1, 2, 3]),
                    "zeta": (TimeType.SEQUENCE, [3, 2, 1]),
                },
                {scalar: pa.array([[1.0], [2.0], [3.0]], f64)},
            ),
            chunk(
                "/timed",
                {"elapsed": (TimeType.DURATION, [5_000, 1_000_000, 2_000_000_000])},
                {scalar: pa.array([[0.5], [1.5], [2.5]], f64)},
            ),
            chunk(
                "/blob",
                {"frame": (TimeType.SEQUENCE, [4])},
                {blob: pa.array([[b"\x00\x01\x02"]], pa.list_(pa.binary()))},
            ),
            chunk(
                "/points",
                {"frame": (TimeType.SEQUENCE, [8]), "log_time": (TimeType.TIMESTAMP, [t0 + 8 * 10**6])},
                {clear: pa.array([[False]], pa.list_(pa.bool_()))},
            ),
            chunk(
                "/empty", {"frame": (TimeType.SEQUENCE, [2])}, {text: pa.array([[]], pa.list_(pa.string()))}
            ),
            chunk(
                "/camera",
                {"frame": (TimeType.SEQUENCE, [1, 11])},
                {log_text: pa.array([["cam"], ["late"]], pa.list_(pa.string()))},
            ),
            chunk(
                "/empty", {"frame": (TimeType.SEQUENCE, [12])}, {text: pa.array([[]], pa.list_(pa.string()))}
            ),
            chunk("/static", {}, {text: pa.array([[f"hello {s}"]], pa.list_(pa.string()))}),
        ]
        with RrdWriter(root / f"seg{s}.rrd") as w:
            w.write(SetStoreInfo(ids.new(), StoreInfo(sid)))
            for c in chunks:
                w.write(ArrowMsg(sid, c))
    return root
