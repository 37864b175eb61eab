"""`rerun.experimental` (chunk API) and `rerun.blueprint.encodings` record what rerun-sdk 0.41 records.

Each script below is our own, modelled on one of Rerun's documented snippets
(`concepts/build_chunk*`, `concepts/send_dataframe`, `concepts/rrd_format`,
`howto/component_mapping`, `howto/dual_color_point_cloud`); it runs unchanged under both SDKs
and the real CLI judges the two files (`verify`, then `optimize` + `compare --unordered`).
Blueprint rows hold random ids, so the component mappings are compared as masked CLI text.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Oracle, ours_env
from tests.interop.test_docs_examples import _run_both, _snippet_text
from tests.interop.test_sdk_conformance import _compare

pytestmark = pytest.mark.interop

BUILD_CHUNKS = """
import sys
import pyarrow as pa
import rerun as rr
import rerun.experimental as rrx

rr.init("rerun_example_build_chunk_test", recording_id="fixed")
chunk = rrx.Chunk.from_columns(
    "/points",
    indexes=[rr.TimeColumn("frame", sequence=[0, 1, 2])],
    columns=rr.Points3D.columns(positions=[[1, 0, 0], [0, 1, 0], [0, 0, 1]], radii=[0.1, 0.2, 0.3]),
)
assert chunk.entity_path == "/points" and chunk.num_rows == 3 and len(chunk) == 3
assert "Points3D:positions" in str(chunk)
rrx.send_chunks(chunk)

pos_type = pa.list_(pa.list_(pa.field("item", pa.float32(), nullable=False), 3))
frame = pa.array([0, 1, 2], type=pa.int64())
left = pa.array([[[1.0, 0.0, 0.0]], [[2.0, 0.0, 0.0]], [[3.0, 0.0, 0.0]]], type=pos_type)
right = pa.array([[[0.0, 1.0, 0.0]], [[0.0, 2.0, 0.0]], [[0.0, 3.0, 0.0]]], type=pos_type)
batch = pa.RecordBatch.from_arrays(
    [frame, left, right], names=["frame", "/left:Points3D:positions", "/right:Points3D:positions"]
)
chunks = rrx.Chunk.from_record_batch(batch, index="frame")
assert sorted(c.entity_path for c in chunks) == ["/left", "/right"], [c.entity_path for c in chunks]
rrx.send_chunks(chunks)

static = rrx.Chunk.from_record_batch(
    pa.RecordBatch.from_arrays([left.slice(0, 1)], names=["/static:Points3D:positions"]), index=None
)
assert static[0].is_static
rr.send_chunks(static)
rr.save(sys.argv[1])
"""

SEND_DATAFRAME = """
import sys
import pyarrow as pa
import rerun as rr
import rerun.experimental as rrx

rr.init("rerun_example_send_dataframe_test", recording_id="fixed")
index = pa.array([0, 1, 2], type=pa.int64())
positions = pa.array(
    [[[1.0, 0.0, 0.0]], [[0.0, 1.0, 0.0]], [[0.0, 0.0, 1.0]]],
    type=pa.list_(pa.list_(pa.field("item", pa.float32(), nullable=False), 3)),
)
schema = pa.schema([
    pa.field("frame", index.type, metadata={b"rerun:index_name": b"frame", b"rerun:kind": b"index"}),
    pa.field("/points:Points3D:positions", positions.type, metadata={
        b"rerun:entity_path": b"/points",
        b"rerun:archetype": b"rerun.archetypes.Points3D",
        b"rerun:component": b"Points3D:positions",
        b"rerun:component_type": b"rerun.components.Position3D",
        b"rerun:kind": b"data",
    }),
])
table = pa.Table.from_arrays([index, positions], schema=schema)
chunks = list(rrx.Chunk.from_dataframe(table))
assert [c.entity_path for c in chunks] == ["/points"] and chunks[0].timeline_names == ["frame"]
# The same table as chunks under another entity, and as a dataframe.
rrx.send_chunks([c.with_entity_path("/copy") for c in chunks])
rr.send_dataframe(table)
rr.save(sys.argv[1])
"""

RRD_READER = """
import sys
from pathlib import Path
import rerun as rr
from rerun.experimental import RrdReader, send_chunks

src = Path(sys.argv[1]).with_name("src.rrd")
with rr.RecordingStream("rerun_example_rrd_format_test", recording_id="example") as rec:
    rec.save(src)
    rec.set_time("frame", sequence=0)
    rec.log("/points", rr.Points3D([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]], colors=[(255, 0, 0), (0, 255, 0)]))
    rec.set_time("frame", sequence=1)
    rec.log("/points", rr.Points3D([[2.0, 2.0, 2.0]], colors=[(0, 0, 255)]))
    rec.flush()

reader = RrdReader(src)
points = [c for c in reader.stream() if c.entity_path == "/points"]
assert sum(c.num_rows for c in points) == 2, [c.num_rows for c in points]
assert "rerun:component: Points3D:positions" in points[0].format(trim_metadata_keys=False)
out = rr.RecordingStream("rerun_example_rrd_format_copy", recording_id="copy")
out.save(sys.argv[1])
send_chunks(points, recording=out)
out.flush()
"""

COMPONENT_MAPPING = """
import sys
import numpy as np
import rerun as rr
import rerun.blueprint as rrb
from rerun.blueprint.encodings import ComponentSourceKind, VisualizerComponentMapping

rr.init("rerun_example_component_mapping_test", recording_id="fixed")
t = np.arange(16)
rr.send_columns(
    "plot",
    indexes=[rr.TimeColumn("step", sequence=t)],
    columns=[
        *rr.Scalars.columns(scalars=np.sin(t / 4.0)),
        *rr.DynamicArchetype.columns(archetype="custom", components={"mine": np.cos(t / 4.0)}),
    ],
)
rr.log("cloud", rr.Points3D([[0, 0, 0], [1, 1, 1]]),
       rr.DynamicArchetype("Alt", components={"colors": rr.components.ColorBatch([[255, 0, 0], [0, 0, 255]])}))
blueprint = rrb.Blueprint(
    rrb.Horizontal(
        rrb.TimeSeriesView(origin="/", overrides={"plot": [
            rr.SeriesLines(names="default color").visualizer(mappings=[
                VisualizerComponentMapping(target="SeriesLines:colors", source_kind=ComponentSourceKind.Default),
            ]),
            rr.SeriesLines(names="custom").visualizer(mappings=[
                VisualizerComponentMapping(target="Scalars:scalars", source_kind="sourcecomponent",
                                           source_component="custom:mine", selector=".x"),
            ]),
        ]}),
        rrb.Spatial3DView(origin="/", overrides={"cloud": [
            rr.Points3D.from_fields().visualizer(mappings=[
                VisualizerComponentMapping("Points3D:colors", 1, source_component="Alt:colors"),
            ]),
        ]}),
    ),
    collapse_panels=True,
)
rr.save(sys.argv[1], default_blueprint=blueprint)
"""


def _script(tmp: Path, code: str) -> Path:
    path = tmp / "script.py"
    path.write_text(code)
    return path


@pytest.mark.parametrize(
    "code", [BUILD_CHUNKS, SEND_DATAFRAME, RRD_READER], ids=["build_chunk", "send_dataframe", "rrd_reader"]
)
def test_chunk_api_script_matches_oracle(code: str, oracle: Oracle, tmp_path: Path) -> None:
    ours, theirs = _run_both(oracle, _script(tmp_path, code), tmp_path)
    _compare(oracle, ours, theirs)


@pytest.mark.parametrize("name", ["concepts/build_chunk", "concepts/send_dataframe"])
def test_chunk_snippet_matches_oracle(name: str, oracle: Oracle, tmp_path: Path) -> None:
    """Rerun's own snippets (no sink of their own): a `save` appended, same for both SDKs."""
    text = _snippet_text(name)
    if text is None:
        pytest.skip("no Rerun checkout: set RERUN_REPO to one to run Rerun's own snippets")
    text += "\nimport sys as _sys\nimport rerun as _rr\n_rr.save(_sys.argv[1])\n"
    ours, theirs = _run_both(oracle, _script(tmp_path, text), tmp_path)
    _compare(oracle, ours, theirs)


def _mapping_cells(oracle: Oracle, path: Path) -> list[str]:
    """The `{target: ..., source_kind: ...}` cells of every visualizer instruction, sorted."""
    text = oracle.cli("rrd", "print", "-vvv", str(path)).stdout
    return sorted(m.group(0) for m in re.finditer(r"\[\{target: [^┆│]*", text))


def test_component_mappings_match_oracle(oracle: Oracle, tmp_path: Path) -> None:
    ours, theirs = _run_both(oracle, _script(tmp_path, COMPONENT_MAPPING), tmp_path)
    _compare(oracle, ours, theirs)
    cells = _mapping_cells(oracle, ours)
    assert len(cells) == 3, cells
    assert any("source_component: custom:mine, selector: .x" in c for c in cells), cells
    assert cells == _mapping_cells(oracle, theirs)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("concepts/build_chunk_from_record_batch", ["entity_path: /left", "entity_path: /right"]),
        ("concepts/rrd_format", ["rerun:entity_path: /points", "rerun:component: Points3D:colors"]),
    ],
)
def test_chunk_printing_snippet_runs(name: str, expected: list[str], oracle: Oracle, tmp_path: Path) -> None:
    """Snippets that only print chunks: both SDKs run them and print the same chunk headers."""
    text = _snippet_text(name)
    if text is None:
        pytest.skip("no Rerun checkout: set RERUN_REPO to one to run Rerun's own snippets")
    script = _script(tmp_path, text)
    sides = ((sys.executable, [], ours_env()), (str(Oracle.python), ["-P"], oracle.env()))
    for python, flags, env in sides:
        proc = subprocess.run(
            [python, *flags, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env
        )
        assert proc.returncode == 0, f"{name} failed under {python}:\n{proc.stderr[-4000:]}"
        for line in expected:
            assert line in proc.stdout, f"{python}: {line!r} not printed:\n{proc.stdout[:3000]}"
