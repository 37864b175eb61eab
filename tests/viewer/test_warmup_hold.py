"""The warm-up's hold for a viewer's first frame: an empty frame (no data yet) keeps it, the
first frame that draws a view releases it; ``rerun URL --serve-web`` holds as the notebook does."""

from __future__ import annotations

import pytest

pytest.importorskip("wgpu")
pytest.importorskip("pygfx")

from rerun_core.store.store import ChunkStore
from rerun_core.viewer import warmup


def test_an_empty_frame_keeps_the_hold_and_a_frame_with_data_releases_it() -> None:
    from rerun_notebook.session import ViewerSession

    warmup.hold_for_viewer()
    try:
        session = ViewerSession(64, 48)
        session.add_store("empty", ChunkStore())
        session.prepare(0.0)
        assert session.render() is not None
        assert warmup.held()  # nothing drawn yet: the fetch is still under way
        session.add_store("data", warmup._scene("Image"), make_active=True)
        session.prepare(1.0)
        assert session.render() is not None
        assert not warmup.held()
    finally:
        warmup.release_hold()
