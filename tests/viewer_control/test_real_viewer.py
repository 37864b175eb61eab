"""Our `ViewerClient` drives the real Rerun 0.41 viewer, headless (`rerun --headless` from
.venv-oracle, a subprocess): spawn it, open a file, move the time cursor, read the state, the
schema, the blueprint, the logs and the commands, take a screenshot that shows the point, quit."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from .conftest import free_port

pytestmark = [pytest.mark.slow, pytest.mark.interop]


def test_our_client_drives_the_real_headless_viewer(oracle, steps_rrd: Path) -> None:  # type: ignore[no-untyped-def]
    import psutil
    from PIL import Image

    from rerun.experimental import ViewerClient

    port = free_port()
    client = ViewerClient.spawn(headless=True, port=port, executable_path=str(oracle.rerun))
    assert client._pid is not None
    tree = [psutil.Process(client._pid), *psutil.Process(client._pid).children(recursive=True)]
    assert len(tree) >= 2  # the Python launcher and the native viewer it starts
    try:
        [store_id] = client.open(str(steps_rrd)).store_ids
        assert store_id.startswith("Recording:") and store_id.endswith(":steps")
        client.set_time("step", sequence=4)
        state = client.get_state()
        assert state.active_recording == store_id
        rec = state.recordings[0]
        assert (rec.current_timeline, rec.current_time) == ("step", 4)
        assert [(t.time_type, t.start, t.end) for t in rec.timelines if t.name == "step"] == [
            ("sequence", 0, 9)
        ]
        assert [v.view_class for v in state.views] == ["3D"]
        assert state.viewer_version == "0.41.0"

        schema = client.get_recording_schema()
        pts = {
            c.component: c.datatype for e in schema.entities if e.entity_path == "/pts" for c in e.components
        }
        assert pts["Points3D:positions"] == "FixedSizeList(3 x non-null Float32)"
        blueprint = client.get_blueprint()
        assert blueprint.store_id == store_id
        assert any("ViewBlueprint" in archetypes for archetypes in blueprint.blueprint.values())
        [view] = [
            p
            for p in blueprint.blueprint
            if p.startswith("/view/") and "ViewBlueprint" in blueprint.blueprint[p]
        ]
        info = client.set_blueprint({view: {"ViewBlueprint": {"display_name": "Renamed"}}}, store_id=store_id)
        assert info.store_id == store_id
        assert client.get_blueprint().blueprint[view]["ViewBlueprint"]["display_name"] == "Renamed"
        assert client.get_location() == state.location
        assert any(entry.level in ("INFO", "WARN") for entry in client.get_logs())
        assert "recording.seek_to_start" in {c.id for c in client.list_commands()}

        png = client.take_screenshot()
        picture = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
        r, g, b = picture[..., 0], picture[..., 1], picture[..., 2]
        assert int(((r > 200) & (g > 70) & (g < 170) & (b < 80)).sum()) > 100, (
            "the point is not in the screenshot"
        )
    finally:
        client.quit()
    # as 0.41's quit: the launcher and the viewer it started are gone, and the port is free
    assert not [p.pid for p in tree if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    with pytest.warns(UserWarning, match="no viewer to terminate"):
        client.quit()
    from rerun._grpc import port_is_listening

    assert not port_is_listening(port)
