"""The latest-at row at the cursor is drawn alone, also when it is the first row of its chunk.

A latest-at cell is a one-row slice of the chunk's column. For the chunk's first row that slice
starts at offset 0 but is shorter than the column behind it: reading ``.values`` there (instead
of ``flatten()``) drew every row of the chunk, e.g. all ten points at frame 0 of a recording
that logs one point per frame.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from rerun_core.store.store import ChunkStore
from rerun_core.viewer import arrow_data as ad
from tests.viewer.conftest import color_mask, require_adapter

rr = pytest.importorskip("rerun")

ORANGE = (255, 120, 0)


def _one_point_per_frame(archetype: str, times: range) -> ChunkStore:
    """One point per time on entity ``pts``, all rows sent as one chunk."""
    from rerun_core.store.hub import StoreHub

    rec = rr.RecordingStream("chunk_first_row")
    mem = rec.memory_recording()
    arch = getattr(rr, archetype)
    for t in times:
        rec.set_time("frame", sequence=t)
        pos = [float(t - times[0]), 0.0, 0.0][: 3 if archetype == "Points3D" else 2]
        rr.log("pts", arch([pos], radii=0.3, colors=[ORANGE]), recording=rec)
    rec.flush()
    hub = StoreHub()
    hub.insert_many(mem.drain())
    store = hub.get(hub.recordings()[0])
    assert store is not None
    assert sum(1 for c in store.chunks() if "pts" in str(c.entity_path)) == 1  # one chunk, many rows
    return store


def _blobs_along_x(mask: np.ndarray) -> int:
    """Separate runs of columns holding the colour (points laid out along the x axis)."""
    cols = mask.any(axis=0).astype(np.int8)
    return int((np.diff(np.concatenate([[0], cols])) == 1).sum())


def _drawn_positions(app: object) -> list[np.ndarray]:
    import pygfx as gfx

    out = []
    for view in app._views.values():  # type: ignore[attr-defined]
        scene = getattr(view, "scene", None)
        if scene is None:
            continue
        for ob in scene.iter():
            if isinstance(ob, gfx.Points) and ob.visible and ob.parent is not None:
                out.append(np.asarray(ob.geometry.positions.data))
    return out


@pytest.mark.parametrize(
    ("archetype", "times"),
    [("Points3D", range(10)), ("Points2D", range(10)), ("Points3D", range(-5, 5))],
    ids=["3d", "2d", "3d-negative-times"],
)
def test_the_first_row_of_a_chunk_draws_one_point(archetype: str, times: range) -> None:
    from rerun_core.viewer import ViewerApp

    require_adapter()
    app = ViewerApp(_one_point_per_frame(archetype, times), 160, 120)
    try:
        frames = {}
        for t in (times[1], times[0], times[5]):
            app.set_time("frame", t)
            frames[t] = app.render()
            (pos,) = [p for p in _drawn_positions(app) if len(p)]
            assert len(pos) == 1 and pos[0][0] == pytest.approx(t - times[0])
        first, second = (color_mask(frames[t], ORANGE) for t in (times[0], times[1]))
        assert _blobs_along_x(first) == 1
        assert first.sum() > 0.5 * second.sum() > 0  # one disc, framed as the next frame's
    finally:
        app.close()


def test_vectors_of_a_row_slice_are_that_row_only() -> None:
    col = pa.array([[i, 0.0, 0.0] for i in range(10)], pa.list_(pa.float32(), 3))
    assert ad.vectors(col.slice(0, 1), 3).tolist() == [[0.0, 0.0, 0.0]]
    assert ad.vectors(col.slice(3, 2), 3)[:, 0].tolist() == [3.0, 4.0]
    strips = pa.array([[[0, 0], [1, 1]], [[2, 2]], [[3, 3], [4, 4]]], pa.list_(pa.list_(pa.float32(), 2)))
    assert [s.tolist() for s in ad.list_of_vectors(strips.slice(0, 1), 2)] == [[[0, 0], [1, 1]]]
    assert [s.tolist() for s in ad.list_of_vectors(strips.slice(2, 1), 2)] == [[[3, 3], [4, 4]]]


def test_map_positions_of_a_row_slice_are_that_row_only() -> None:
    from rerun_core.viewer.map_data import _latlon

    col = pa.array([[float(i), 1.0] for i in range(10)], pa.list_(pa.float64(), 2))
    assert _latlon(col.slice(0, 1)).tolist() == [[0.0, 1.0]]


def test_time_series_of_a_sliced_scalar_column() -> None:
    from types import SimpleNamespace

    from rerun_core.viewer.plot_views import TimeSeriesView

    scalars = pa.array([[10.0], [11.0], [12.0, 22.0], [13.0]], pa.list_(pa.float64()))
    col = SimpleNamespace(values=scalars.slice(2), times=np.array([-1, 0]))
    series = TimeSeriesView._series(SimpleNamespace(t0=-1, x_scale=1.0), col)  # type: ignore[arg-type]
    assert [(x.tolist(), y.tolist()) for x, y in series] == [([0.0, 1.0], [12.0, 13.0]), ([0.0], [22.0])]
