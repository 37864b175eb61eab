"""The selection panel's data: a recording summary with nothing selected, else latest-at components."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from rerun_core.store.store import ChunkStore
from rerun_notebook.selection import entity_components, recording_summary, short_values
from rerun_notebook.session import ViewerSession
from tests.viewer import builders as b


def _store() -> ChunkStore:
    store = ChunkStore()
    for t in range(4):
        b.log(store, "pts", "Points3D", {"positions": b.vecs(np.full((10, 3), float(t)), 3)}, time=t)
    b.log(store, "pts", "Points3D", {"radii": pa.array([0.5], pa.float32())})
    return store


def test_recording_summary_has_ids_duration_and_counts() -> None:
    summary = recording_summary(_store(), "rec-1", "my_app", "frame")
    assert summary["recording id"] == "rec-1" and summary["application id"] == "my_app"
    assert summary["duration"] == "3 steps on frame"
    assert (summary["entities"], summary["rows"], summary["chunks"]) == (1, 5, 5)
    assert summary["size"].endswith("B") and summary["source"]


def test_entity_components_are_latest_at_the_cursor_and_truncated() -> None:
    comps = entity_components(_store(), "/pts", "frame", 1)
    assert comps["Points3D:radii"] == 0.5  # static data shows at every time
    positions = comps["Points3D:positions"]
    assert positions[:5] == [[1.0, 1.0, 1.0]] * 5 and positions[5] == "… 10 values"
    assert short_values(pa.array([1, 2])) == [1, 2]


def test_session_state_carries_the_selection_details() -> None:
    session = ViewerSession(200, 100, app_factory=lambda *a: None)
    session.add_store("rec-1", _store(), application_id="my_app")
    details = session._selection_details()
    assert details["kind"] == "recording" and details["summary"]["recording id"] == "rec-1"
    session.set_selection([{"type": "entity", "entity_path": "/pts", "instance_id": None}])
    details = session._selection_details()
    assert details["kind"] == "entity" and "Points3D:radii" in details["components"]


def test_colors_show_as_hex() -> None:
    assert short_values(pa.array([0xFF0000FF], pa.uint32()), "Points3D:colors") == "#ff0000ff"
