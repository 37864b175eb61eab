"""Our dataframe query against the real 0.41 reader (``rerun.chunk.ChunkStore.reader``).

The oracle logs a scenario, then dumps both its chunks and its reader's tables as Arrow IPC;
we load the chunks into our store (no .rrd codec involved) and compare table by table.
"""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from rerun_core.store.chunk import Chunk
from rerun_core.store.store import ChunkStore

SCENARIO = """
import json, sys
import pyarrow as pa
import rerun as rr
from rerun.chunk import RrdReader

out, queries = sys.argv[1], json.loads(sys.argv[2])
rec = rr.RecordingStream("df", recording_id="r")
rec.save(out + "/rec.rrd")
rec.log("world/static", rr.TextDocument("hello"), static=True)
rec.log("world/mixed", rr.Scalars([1.0]), static=True)
for i in [0, 1, 1, 3]:
    rec.set_time("frame", sequence=i)
    rec.set_time("t2", sequence=100 - i)
    rec.set_time("dur", duration=0.5 * i)
    rec.log("world/a", rr.Scalars([float(i) + (0.5 if i == 1 else 0.0)]))
    if i != 1:
        rec.log("world/b/c", rr.Points3D([[i, 0, 0]]))
    if i == 3:
        rec.log("world/mixed", rr.Scalars([33.0]), rr.TextLog("late"))
        rec.log("world/empty", rr.Points3D.from_fields(clear_unset=True))
rec.disable_timeline("t2")
rec.set_time("frame", sequence=5)
rec.log("world/b", rr.Clear(recursive=True))
rec.log("other", rr.Scalars([9.0]))
rec.set_time("frame", sequence=6)
rec.log("world/a", rr.Clear(recursive=False))
rec.set_time("frame", sequence=8)
rec.log("world/a", rr.Points3D([[5, 5, 5]]))
rec.log("world/b/c", rr.Points3D([[8, 0, 0]]))
rec.flush()
del rec
chunks = list(RrdReader(out + "/rec.rrd").stream())
with pa.OSFile(out + "/chunks.arrows", "wb") as f:
    for k, ch in enumerate(chunks):
        rb = ch.to_record_batch()
        with pa.ipc.new_stream(f, rb.schema) as w:
            w.write_batch(rb)
store = RrdReader(out + "/rec.rrd").stream().collect()
from datafusion import col, lit
for k, q in enumerate(queries):
    q = dict(q)
    start, end = q.pop("start", None), q.pop("end", None)
    if "using_index_values" in q:
        import numpy as np
        q["using_index_values"] = np.array(q["using_index_values"], dtype=np.int64)
    df = store.reader(**q)
    if start is not None:
        df = df.filter(col(q["index"]) >= lit(start))
    if end is not None:
        df = df.filter(col(q["index"]) <= lit(end))
    t = df.to_arrow_table()
    with pa.OSFile(f"{out}/q{k}.arrows", "wb") as f, pa.ipc.new_stream(f, t.schema) as w:
        w.write_table(t)
"""

QUERIES = [
    {"index": "frame", "contents": "/world/**"},
    {"index": "frame", "contents": "/world/**", "fill_latest_at": True},
    {"index": "frame"},
    {"index": "frame", "fill_latest_at": True},
    {"index": "t2"},
    {"index": "log_time", "fill_latest_at": True},
    {"index": "dur"},
    {"index": "frame", "contents": ["/world/a", "/other"]},
    {"index": "frame", "start": 2, "end": 6},
    {"index": "frame", "start": 2, "end": 7, "fill_latest_at": True},
    {"index": "frame", "using_index_values": [7, 0, 2, 5, 100]},
    {"index": "frame", "using_index_values": [-3, 2, 4, 5, 7, 100], "fill_latest_at": True},
    {"index": "frame", "include_tombstone_columns": True},
    {"index": "frame", "include_tombstone_columns": True, "fill_latest_at": True},
    {"index": "frame", "include_semantically_empty_columns": True},
    {"index": None},
    {"index": None, "contents": "/__properties/**"},
    {"index": "frame", "contents": ["/**", "/__properties/**"]},
    {"index": "frame", "contents": ["/**", "- /world/b"]},
]


def _read_stream_batches(path: str) -> list[pa.RecordBatch]:
    out = []
    with pa.OSFile(path, "rb") as f:
        while True:
            try:
                reader = pa.ipc.open_stream(f)
            except pa.ArrowInvalid:
                break
            out.extend(reader)
    return out


def _values(col: pa.ChunkedArray) -> list[object]:
    if pa.types.is_timestamp(col.type) or pa.types.is_duration(col.type):
        col = col.cast(pa.int64())
    return col.to_pylist()


@pytest.mark.interop
def test_dataframe_matches_real_reader(oracle, tmp_path) -> None:  # type: ignore[no-untyped-def]
    oracle.run_script(SCENARIO, str(tmp_path), json.dumps(QUERIES))
    store = ChunkStore()
    for rb in _read_stream_batches(str(tmp_path / "chunks.arrows")):
        store.insert(Chunk.from_record_batch(rb))
    for k, q in enumerate(QUERIES):
        with pa.OSFile(str(tmp_path / f"q{k}.arrows"), "rb") as f:
            want = pa.ipc.open_stream(f).read_all()
        got = store.dataframe(
            q["index"],
            q.get("contents", "/**"),
            start=q.get("start"),
            end=q.get("end"),
            fill_latest_at=q.get("fill_latest_at", False),
            using_index_values=q.get("using_index_values"),
            include_tombstone_columns=q.get("include_tombstone_columns", False),
            include_semantically_empty_columns=q.get("include_semantically_empty_columns", False),
        )
        assert got.column_names == want.column_names, q
        for name in want.column_names:
            assert got.schema.field(name).type == want.schema.field(name).type, (q, name)
            meta_got = dict(got.schema.field(name).metadata or {})
            meta_want = dict(want.schema.field(name).metadata or {})
            assert meta_got == meta_want, (q, name)
            assert _values(got.column(name)) == _values(want.column(name)), (q, name)
