"""``to_ray``: the rows a local Ray cluster reads straight from the layer files equal ``reader()``'s.

The data has what changes rows: several chunks per entity, a sparse entity (fill_latest_at),
two timelines, static data, a second layer on one segment, and a segment with static data only.
The cluster (2 CPUs, 127.0.0.1, no dashboard) is started once for the module and shut down.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from rerun.catalog import CatalogClient
from rerun_core.server.catalog import CatalogServer
from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.store.messages import ArrowMsg, SetStoreInfo, StoreId, StoreInfo, StoreKind
from rerun_core.store.rrd import RrdWriter
from rerun_core.types import ComponentDescriptor, TimeType
from rerun_core.types.tuid import TuidGenerator


def test_import_rerun_catalog_does_not_import_ray() -> None:
    code = "import sys, rerun, rerun.catalog; print('ray' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


ray = pytest.importorskip("ray", reason="the `ray` extra is not installed (pip install '.[ray]')")
pytestmark = pytest.mark.slow

from rerun.catalog._ray import SegmentPart, plan_parts, split_range  # noqa: E402

IDS = TuidGenerator()
POS = ComponentDescriptor("Points3D:positions", "rerun.archetypes.Points3D", "rerun.components.Position3D")
SCALAR = ComponentDescriptor("Scalars:scalars", "rerun.archetypes.Scalars", "rerun.components.Scalar")
TEXT = ComponentDescriptor("TextDocument:text", "rerun.archetypes.TextDocument", "rerun.components.Text")
FRAMES = list(range(12))


def _chunk(entity: str, frames: list[int], comp: ComponentDescriptor, values: pa.Array) -> Chunk:
    timelines = [
        TimeColumn.from_values("frame", TimeType.SEQUENCE, frames),
        TimeColumn.from_values(
            "log_time", TimeType.TIMESTAMP, [1_700_000_000_000_000_000 + f * 10**6 for f in frames]
        ),
    ]
    return Chunk.from_columns(
        entity,
        timelines=timelines,
        components={comp: values},
        chunk_id=IDS.new(),
        row_ids=IDS.new_block(len(frames)),
    )


def _points(frames: list[int], y: float) -> pa.Array:
    pos = pa.list_(pa.list_(pa.field("item", pa.float32(), False), 3))
    return pa.array([[[float(f), y, 0.0]] for f in frames], pos)


def _write(path: Path, recording: str, chunks: list[Chunk]) -> Path:
    sid = StoreId(StoreKind.RECORDING, recording, "ray_test")
    with RrdWriter(path) as w:
        w.write(SetStoreInfo(IDS.new(), StoreInfo(sid)))
        for c in chunks:
            w.write(ArrowMsg(sid, c))
    return path


def _segment(path: Path, recording: str, y: float) -> Path:
    """/points every frame in three chunks, /sparse every third frame, /static text."""
    chunks = [_chunk("/points", FRAMES[i : i + 4], POS, _points(FRAMES[i : i + 4], y)) for i in (0, 4, 8)]
    sparse = FRAMES[1::3]
    chunks.append(
        _chunk("/sparse", sparse, SCALAR, pa.array([[y + f] for f in sparse], pa.list_(pa.float64())))
    )
    static = Chunk.from_columns(
        "/static",
        timelines=[],
        components={TEXT: pa.array([[f"hello {recording}"]], pa.list_(pa.string()))},
        chunk_id=IDS.new(),
        row_ids=IDS.new_block(1),
    )
    return _write(path, recording, [*chunks, static])


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CatalogClient]:
    root = tmp_path_factory.mktemp("ray_data")
    base = root / "base"
    base.mkdir()
    for i in range(5):
        _segment(base / f"seg{i}.rrd", f"seg{i}", float(i))
    static = Chunk.from_columns(
        "/static",
        timelines=[],
        components={TEXT: pa.array([["static only"]], pa.list_(pa.string()))},
        chunk_id=IDS.new(),
        row_ids=IDS.new_block(1),
    )
    _write(base / "only_static.rrd", "only_static", [static])
    extra = [_chunk("/extra", [2, 5, 20], SCALAR, pa.array([[1.0], [2.0], [3.0]], pa.list_(pa.float64())))]
    extra_file = _write(root / "extra.rrd", "seg1", extra)
    srv = CatalogServer(port=0)
    srv.load_dataset("raydata", base)
    srv.start()
    c = CatalogClient(srv.url)
    c.get_dataset("raydata").register([extra_file.as_uri()], layer_name="extra").wait()
    yield c
    srv.stop()


def _start_ray() -> None:
    """A 2-CPU local cluster: no dashboard, no usage stats, nothing leaves the machine. On a
    busy machine the raylet may give up waiting (a fixed ~15 s) for its agents: retry then."""
    for attempt in range(3):
        try:
            ray.init(num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1", log_to_driver=False)
            return
        except Exception as exc:  # Ray raises a bare Exception for a raylet that failed to start
            ray.shutdown()
            if attempt == 2:
                pytest.skip(f"a local Ray cluster could not start here (busy machine?): {exc}")


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    saved = os.environ.get("RAY_USAGE_STATS_ENABLED")
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    _start_ray()
    ray.data.DataContext.get_current().enable_progress_bars = False
    try:
        yield
    finally:
        ray.shutdown()
        if saved is None:
            os.environ.pop("RAY_USAGE_STATS_ENABLED", None)
        else:
            os.environ["RAY_USAGE_STATS_ENABLED"] = saved


def _sorted(table: pa.Table, index: str | None) -> pa.Table:
    keys = [("rerun_segment_id", "ascending")] + ([(index, "ascending")] if index else [])
    return table.sort_by(keys)


def _ray_table(ds: Any, schema: pa.Schema) -> pa.Table:
    tables = [t for t in ray.get(ds.to_arrow_refs()) if t.num_rows]
    return pa.concat_tables(tables).select(schema.names) if tables else schema.empty_table()


def _assert_same(expected: pa.Table, got: pa.Table, index: str | None) -> None:
    assert got.column_names == expected.column_names
    assert got.num_rows == expected.num_rows > 0
    e, g = _sorted(expected, index), _sorted(got, index)
    for name in expected.column_names:
        assert g.column(name).combine_chunks().equals(e.column(name).combine_chunks()), name


CASES: list[tuple[str, str | None, dict[str, Any]]] = [
    ("full", "frame", {}),
    ("timestamp_index", "log_time", {}),
    ("fill_latest_at", "frame", {"fill_latest_at": True}),
    ("static_only", None, {}),
    ("plain_index_values", "frame", {"fill_latest_at": True, "using_index_values": [1, 5, 20]}),
    ("per_segment_index_values", "frame", {"using_index_values": {"seg1": [0, 2, 5], "seg3": [7]}}),
    ("empty_columns_kept", "frame", {"include_semantically_empty_columns": True}),
]


@pytest.mark.parametrize(("name", "index", "options"), CASES, ids=[c[0] for c in CASES])
def test_rows_equal_the_readers(
    cluster: None, client: CatalogClient, name: str, index: str | None, options: dict[str, Any]
) -> None:
    ds = client.get_dataset("raydata")
    expected = ds.reader(index, **options).to_arrow_table()
    _assert_same(expected, _ray_table(ds.to_ray(index, **options), expected.schema), index)


@pytest.mark.parametrize("fill", [False, True], ids=["plain", "fill_latest_at"])
def test_index_range_equals_a_filtered_reader(cluster: None, client: CatalogClient, fill: bool) -> None:
    from datafusion import col, lit

    ds = client.get_dataset("raydata")
    expected = ds.reader("frame", fill_latest_at=fill).filter(col("frame") >= lit(3), col("frame") <= lit(9))
    want = expected.to_arrow_table()
    got = _ray_table(ds.to_ray("frame", fill_latest_at=fill, start=3, end=9), want.schema)
    _assert_same(want, got, "frame")
    assert set(got.column("frame").to_pylist()) <= set(range(3, 10))


def test_filter_segments_and_contents(cluster: None, client: CatalogClient) -> None:
    ds = client.get_dataset("raydata")
    sel = ds.filter_segments(["seg1", "seg3", "only_static"]).filter_contents(["/**", "-/points"])
    expected = sel.reader("frame", fill_latest_at=True).to_arrow_table()
    got = _ray_table(sel.to_ray("frame", fill_latest_at=True), expected.schema)
    _assert_same(expected, got, "frame")
    assert set(got.column("rerun_segment_id").to_pylist()) == {"seg1", "seg3"}
    assert not any(n.startswith("/points:") for n in got.column_names)
    assert ds.filter_segments([]).to_ray("frame").count() == 0


@pytest.mark.parametrize("fill", [False, True], ids=["plain", "fill_latest_at"])
def test_large_segments_split_by_index_range_give_the_same_rows(
    cluster: None, client: CatalogClient, fill: bool
) -> None:
    ds = client.get_dataset("raydata")
    expected = ds.reader("frame", fill_latest_at=fill).to_arrow_table()
    split = ds.to_ray("frame", fill_latest_at=fill, part_bytes=200)  # every segment in several parts
    assert split.materialize().num_blocks() > len(ds.segment_ids())
    _assert_same(expected, _ray_table(split, expected.schema), "frame")


def test_plan_one_part_per_segment_splitting_only_large_ones() -> None:
    from rerun.catalog._ray import LayerSource

    layers = {
        "a": [(LayerSource("base", "file:///a.rrd", 1), 100)],
        "b": [(LayerSource("base", "file:///b.rrd", 1), 1000), (LayerSource("x", "file:///x.rrd", 2), 1000)],
        "c": [(LayerSource("base", "file:///c.rrd", 1), 10)],
    }
    parts = plan_parts(layers, {"a": (0, 9), "b": (0, 99)}, None, part_bytes=500)
    assert [p.segment for p in parts] == ["a", "b", "b", "b", "b"]  # c has no data on the index
    assert [(p.start, p.end) for p in parts[1:]] == [(None, 24), (25, 49), (50, 74), (75, None)]
    assert parts[1].layers == tuple(src for src, _ in layers["b"])
    sampled = plan_parts(
        layers, {"a": (0, 9), "b": (0, 99)}, {"b": pytest.importorskip("numpy").zeros(1)}, 500
    )
    assert [p.segment for p in sampled] == ["b"]  # sampled segments are never split
    assert isinstance(sampled[0], SegmentPart)
    assert split_range(5, 6, 10) == [(None, 5), (6, None)]


def test_unknown_option_and_index_are_refused(client: CatalogClient) -> None:
    ds = client.get_dataset("raydata")
    with pytest.raises(TypeError, match="fill_latest"):
        ds.to_ray("frame", fill_latest=True)
    with pytest.raises(ValueError, match="does not exist"):
        ds.to_ray("nope")
